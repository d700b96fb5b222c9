/* SPDX-License-Identifier: GPL-2.0-only */
/* Subcommands of the `ktstr` command. Each returns the process exit code. */
#ifndef KTSTR_CLI_COMMANDS_H
#define KTSTR_CLI_COMMANDS_H

#include <stddef.h>

struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(int argc, char **argv); /* argv[0] is the subcommand name */
};

int cmd_cleanup(int argc, char **argv);
int cmd_kernel(int argc, char **argv);
int cmd_catalog(int argc, char **argv);
int cmd_report(int argc, char **argv);
int cmd_run(int argc, char **argv);
int cmd_shell(int argc, char **argv);
int cmd_stats(int argc, char **argv);
int cmd_topo(int argc, char **argv);

int cmd_verifier(int argc, char **argv);

struct ktstr_scheduler;
/* eevdf, a registered scheduler, or a binary (bare name or path) that can run
 * in the VM; NULL with *err (caller frees) if not. */
const struct ktstr_scheduler *cli_pick_scheduler(const char *spec, char **err);

/* `ktstr stats merge`: the shard runs at paths[0..n) into the run directory out. */
int stats_merge(char *const *paths, size_t n, const char *out);

#endif
