// SPDX-License-Identifier: GPL-2.0-only
/* The `ktstr` command: subcommand dispatch. */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/ktstr.h>

#include "cli/commands.h"
#include "util/util.h"

/* One line per subcommand; keep sorted by name. */
static const struct cli_command commands[] = {
	{ "cleanup", "remove dead runs' scratch files; bound VM templates and caches",
	  cmd_cleanup },
	{ "kernel", "fetch, list, check and resolve test kernels", cmd_kernel },
	{ "list", "list the catalog scenarios (--json)", cmd_catalog },
	{ "report", "write a self-contained HTML report of runs, with an A/B comparison",
	  cmd_report },
	{ "run", "run catalog scenarios in VMs against schedulers and topologies", cmd_run },
	{ "shell", "a busybox shell (or --exec CMD) in a VM with a topology and scheduler", cmd_shell },
	{ "stats", "list runs, show a run, compare two runs (regressions exit 1)", cmd_stats },
	{ "topo", "host topology, or boot a VM and show the topology the guest sees", cmd_topo },
	{ "verifier", "the BPF verifier's statistics per program of a scheduler (--compare)",
	  cmd_verifier },
	{ 0 },
};

static void usage(FILE *f)
{
	fprintf(f, "usage: ktstr <command> [options]\n\n"
		   "ktstr boots a VM per test with a declared CPU topology, runs a scheduler\n"
		   "(sched_ext or EEVDF) against cgroup workloads, and checks what every worker got.\n\n"
		   "commands:\n");
	for (const struct cli_command *c = commands; c->name; c++)
		fprintf(f, "  %-10s %s\n", c->name, c->summary);
	fprintf(f, "\nexamples:\n"
		   "  ktstr run                                     quick scenario set on scx_ktstr\n"
		   "  ktstr run --scheduler eevdf --scheduler ./scx_mine --topology 1n2l2c1t\n"
		   "  ktstr list                                    scenarios and categories\n"
		   "  ktstr shell --topology 1n2l2c1t --exec nproc  prints 4\n"
		   "  ktstr stats compare latest~1 latest           regressions exit 1\n"
		   "  ktstr verifier --scheduler scx_ktstr          insns and states per program\n"
		   "  ktstr report latest~1 latest -o report.html   the runs and their comparison\n"
		   "\nexit status: 0 passed, 1 failed, 2 usage error (per command: --help).\n"
		   "'ktstr <command> --help' explains each command.\n");
}

int main(int argc, char **argv)
{
	/* In the initramfs this binary is /init: the guest's PID 1, and the test
	 * body process init starts (--ktstr-test-fn); both go through the runtime. */
	if (getpid() == 1 || (argc > 1 && str_starts_with(argv[1], "--ktstr-test-fn")))
		return ktstr_main(argc, argv);
	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		usage(stdout);
		return argc < 2 ? 2 : 0;
	}
	if (!strcmp(argv[1], "--version")) {
		printf("ktstr %s\n", KTSTR_VERSION);
		return 0;
	}
	for (const struct cli_command *c = commands; c->name; c++)
		if (!strcmp(c->name, argv[1]))
			return c->run(argc - 1, argv + 1);
	fprintf(stderr, "ktstr: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
