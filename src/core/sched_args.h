/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A scheduler definition turned into what the VM needs: the scheduler's argv,
 * the guest kernel command line words its sysctls and kargs add, and the
 * host-side check that its binary exists and is executable. Pure functions
 * (apart from the file checks of sched_resolve_binary).
 */
#ifndef KTSTR_SCHED_ARGS_H
#define KTSTR_SCHED_ARGS_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <ktstr/ktstr.h>

/*
 * Check a set of active flags (NULL-terminated names, may be NULL) against
 * the scheduler's flags: every name must be declared, every flag's requires
 * must be active too. 0, or -EINVAL with *err naming the scheduler and flag.
 */
int sched_check_flags(const struct ktstr_scheduler *s, const char *const *active, char **err);

/*
 * The scheduler's arguments, in order: s->args, then the test's extra
 * arguments, then the args of each active flag in the order the flags are
 * declared on the scheduler. Returns a NULL-terminated array (free with
 * strv_free), or NULL with *err set when the flags do not check out.
 */
char **sched_build_args(const struct ktstr_scheduler *s, const char *const *extra,
			const char *const *active, char **err);

/*
 * Guest kernel command line words from s->sysctls ("kernel.foo=1" ->
 * "sysctl.kernel.foo=1", '/' in the key becomes '.') and s->kargs, space
 * separated ("" when none). A sysctl without "key=value", any word with
 * whitespace, and kargs that would replace what the harness controls
 * (console=, init=, rdinit=, panic=, loglevel=, nokaslr) are errors: NULL and
 * *err names the scheduler and the word.
 */
char *sched_cmdline(const struct ktstr_scheduler *s, char **err);

/*
 * Find the scheduler binary on the host: a name with a '/' is a path; a bare
 * name is looked up next to the test binary (self_dir), then in
 * self_dir/../schedulers (the build tree: cli/ktstr finds
 * schedulers/scx_ktstr), then in path_env (":"-separated, may be NULL). The result must be a regular, executable file.
 * 0 and *out (caller frees), or -ENOENT / -EACCES with *err naming the
 * scheduler and the path(s) tried.
 */
int sched_resolve_binary(const struct ktstr_scheduler *s, const char *self_dir,
			 const char *path_env, char **out, char **err);

/* "--stall-after 1  -v" -> {"--stall-after", "1", "-v", NULL}: split on
 * whitespace, no quoting (free with strv_free; NULL s gives {NULL}). */
char **sched_split_args(const char *s);


#endif
