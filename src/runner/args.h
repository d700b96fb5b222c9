/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The command line of a test binary (anything linking libktstr).
 *
 *	./my_tests [options] [SUBSTR...]     suite: every selected test, one VM each
 *	./my_tests --ktstr-test-fn=NAME      guest: run the body of NAME in-process
 *	./my_tests --ktstr-test-fn=NAME --ktstr-topo=1n2l4c1t
 *	                                     host: one VM for NAME with that topology
 *
 * Bare words are substring filters, like --filter. Usage errors make
 * args_parse return -EINVAL with a message; the caller prints it and exits
 * with KTSTR_EXIT_USAGE.
 */
#ifndef KTSTR_ARGS_H
#define KTSTR_ARGS_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err may be NULL, and then no message is made. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Process exit codes of a test binary (and of `ktstr run`). */
#define KTSTR_EXIT_PASS 0  /* every selected test passed or was skipped */
#define KTSTR_EXIT_FAIL 1  /* at least one failed */
#define KTSTR_EXIT_USAGE 2 /* bad command line, invalid registrations, nothing ran */

#define ARGS_REPEAT_MAX 1000 /* --repeat N: at most this many runs of each test */

enum args_role {
	ARGS_ROLE_SUITE = 0,   /* list / run the suite on the host */
	ARGS_ROLE_GUEST_BODY,  /* --ktstr-test-fn without --ktstr-topo */
	ARGS_ROLE_HOST_SINGLE, /* --ktstr-test-fn with --ktstr-topo */
};

struct ktstr_args {
	enum args_role role;
	const char *test_fn;       /* --ktstr-test-fn */
	const char *topo;          /* --ktstr-topo, unparsed ("1n2l4c1t") */
	bool help;
	bool list;
	bool json;                 /* --list --json */
	char **filters;            /* --filter SUBSTR and bare words (NULL-terminated) */
	size_t nfilters;
	char **exact;              /* --exact NAME (repeatable, NULL-terminated) */
	size_t nexact;
	unsigned jobs;             /* -j N; 0 = choose from the host CPU count */
	char **kernels;            /* --kernel K or LABEL=K (repeatable, NULL-terminated) */
	size_t nkernels;
	char **includes;           /* -i PATH / --include-file PATH (repeatable, NULL-terminated) */
	size_t nincludes;
	bool gauntlet;             /* --gauntlet: add the preset x flag profile variants */
	unsigned part_index;       /* --partition I/N (or the environment, partition.h): */
	unsigned part_count;       /*   run shard I (1-based) of N; 0/0 = no partition */
	const char *part_source;   /*   where it came from ("--partition", "KTSTR_PARTITION", ...) */
	double budget_s;           /* --budget S or env KTSTR_BUDGET_SECS; 0 = no budget */
	unsigned timeout_s;        /* --timeout; 0 = per-test default */
	unsigned retries;          /* --retries N: rerun a failed test up to N times */
	unsigned repeat;           /* --repeat N: run every selected test N times; 0 = once */
	bool flaky_fails;          /* --flaky-fails: a flaky test fails the run */
	bool trace;                /* --trace: a Perfetto-openable trace per test */
	bool auto_repro;           /* --auto-repro: rerun a scheduler failure with probes */
	const char *junit;         /* --junit FILE */
	bool no_skip;              /* --no-skip (or env KTSTR_NO_SKIP non-empty) */
	bool no_snapshot;          /* --no-snapshot: cold boots (sets env KTSTR_SNAPSHOT=0) */
	const char *show_thresholds; /* --show-thresholds NAME */
	int verbosity;             /* 0 -q, 1 default, 2 -v */
	const char *prog;          /* argv[0] basename */
};

/*
 * Parse argv (argv[0] is the program). Strings point into argv. Returns 0, or
 * -EINVAL with *err set to a one-line message such as
 * "--timeout: 'abc' is not a whole number of seconds" (caller frees).
 */
int args_parse(int argc, char **argv, struct ktstr_args *out, char **err);
void args_free(struct ktstr_args *a);
/* The --help text. */
void args_usage(FILE *f, const char *prog);
/* Whether a test name is selected: --exact names match whole names, filters
 * match substrings; with neither, everything is selected. Both given: either. */
bool args_selects(const struct ktstr_args *a, const char *name);

#endif
