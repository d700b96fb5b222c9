/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a test binary prints: one line per test, details and sections under
 * failures, the closing count line, the --list output and a JUnit XML file.
 *
 *	PASS steady (1n1l2c1t, tcg) 3.2s
 *	PASS steady_scx (1n1l2c1t, tcg, scx_ktstr ops=ktstr) 4.1s
 *	FAIL two_cgroups_fair (1n2l2c1t, tcg) 12.0s
 *	    --- details ---
 *	    [unfair] spread 40% (10-50%) 2 workers on 2 cpus
 *	    --- stats ---
 *	    worst_spread = 40
 *	    --- diagnostics ---
 *	    init stage: body
 *	    guest exit: 1; qemu: exited 0
 *	    console (last 20 lines):
 *	      ...
 *	    --- scheduler log ---
 *	      ...
 *	    --- guest log (last 20 lines) ---
 *	      ...
 *	SKIP big (2n8l4c2t, tcg) 0.0s
 *	    host topology insufficient: needs 64 vCPUs, tcg allows 8 here
 *	1 passed, 1 failed, 1 skipped
 *
 * The closing line is exactly "N passed, N failed, N skipped" (CI parses it).
 * With --retries, or when a test was flaky (failed, then passed on a rerun),
 * it is "N passed, N failed, N flaky, N skipped"; a flaky test is counted
 * there only, not as passed:
 *
 *	FLAKY wobbly (1n1l2c1t, tcg) 3.1s (passed on attempt 2 of 3)
 *	    --- attempt 1 of 3: FAIL 3.4s ---
 *	    --- details ---
 *	    [starved] ...
 *	0 passed, 0 failed, 1 flaky, 0 skipped
 */
#ifndef KTSTR_OUTPUT_H
#define KTSTR_OUTPUT_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <ktstr/ktstr.h>

#include "core/result.h"
#include "runner/plan.h"
#include "util/util.h"

/* Colors when f is a terminal and NO_COLOR is unset or empty. */
bool output_use_color(FILE *f);

/* Everything shown for one finished test. Strings may be NULL when unknown. */
struct output_test {
	const char *name;
	const char *topology;           /* "1n1l2c1t" */
	const char *accel;              /* "tcg" / "kvm" / "host" */
	const char *scheduler;          /* "scx_ktstr ops=ktstr" once attached; NULL for EEVDF */
	double wall_s;
	const struct ktstr_result *result;
	const char *note;               /* e.g. "expected failure: ..." */
	bool show_diagnostics;          /* print the diagnostics and scheduler log sections */
	/* diagnostics */
	const char *stage;              /* init stage reached */
	bool got_exit;
	int guest_exit;
	bool have_qemu_status;
	int qemu_status;                /* waitpid status */
	const char *console_tail;       /* last console lines */
	const char *sched_log;          /* scheduler output */
	const char *sched_ext_dump;     /* the kernel's sched_ext debug dump, if one was taken */
	const char *guest_log;          /* the test body's output and ktstr_log lines */
	const char *monitor;            /* host-side monitor summary: failures and -v */
	const char *record_path;        /* run record written, shown with -v */
	/* --retries: this is attempt (1-based) of at most max_attempts; a pass
	 * after attempt 1 is FLAKY. 0 / 1 = the test runs once. */
	unsigned attempt, max_attempts;
	/* every attempt when the test ran more than once, the last = result */
	const struct ktstr_attempt *attempts;
	unsigned nattempts;
};

/*
 * Append the line and, per verbosity (0 -q, 1 normal, 2 -v), what goes under
 * it: failures get details, stats and (when show_diagnostics) diagnostics and
 * scheduler log; skips their reason; -v adds stats and the record path to
 * every test and diagnostics to failures; -q prints failures and flaky tests
 * only. A pass on a rerun is FLAKY "(passed on attempt 2 of 3)"; the last of
 * several failed attempts says "(failed all 3 attempts)".
 */
void output_test_format(struct strbuf *sb, const struct output_test *t, int verbosity, bool color);
/* "N passed, N failed, N skipped\n", or with_flaky (or a flaky count) "N passed,
 * N failed, N flaky, N skipped\n"; ", N interrupted" before the newline when a
 * signal stopped tests */
void output_summary_format(struct strbuf *sb, unsigned passed, unsigned failed, unsigned flaky,
			   unsigned skipped, unsigned interrupted, bool with_flaky);
/* Find the last closing line, with or without the flaky and interrupted
 * counts, in a test binary's output (what CI does). 0 and the counts (*flaky and
 * *interrupted 0 when the line has none), or -ENOENT when there is none. */
int output_summary_parse(const char *text, unsigned *passed, unsigned *failed, unsigned *flaky,
			 unsigned *skipped, unsigned *interrupted);

/* --list: one item name per line; --json: an array of objects (name, test,
 * file, line, scheduler, topology, cpus, preset, profile, flags, kernel,
 * kernel_label, duration_s, timeout_s_tcg, timeout_s_kvm, host_only,
 * expect_err); preset/profile/kernel are null when not a variant / default. */
void output_list_format(struct strbuf *sb, const struct plan_item *items, size_t n, bool json);

/* XML text and attribute escaping (& < > " ' and control characters). Caller frees. */
char *output_xml_escape(const char *s);

/* Collected results of a suite run, for the closing line and JUnit. */
struct output_report_case {
	char *name;
	char *variant;                  /* e.g. topology; NULL */
	double time_s;
	enum ktstr_verdict verdict;
	char *message;                  /* first detail or skip reason */
	char *text;                     /* every detail, one per line */
	bool flaky;                     /* passed on attempt > 1 */
	unsigned attempt, max_attempts; /* as in output_test */
	/* the earlier (failed) attempts of a test that ran more than once */
	struct output_report_case *reruns;
	unsigned nreruns;
};

struct output_report {
	struct output_report_case *cases;
	size_t n, cap;
	unsigned passed, failed, flaky, skipped; /* flaky ones are not in passed */
	unsigned interrupted;                    /* stopped by SIGINT/SIGTERM */
};

/* Record one finished test (copies what it needs). */
void output_report_add(struct output_report *r, const struct output_test *t);
void output_report_free(struct output_report *r);
/* Exit code for the run: KTSTR_EXIT_FAIL if anything failed (or, with
 * flaky_fails, was flaky), else KTSTR_EXIT_PASS. */
int output_report_exit_code(const struct output_report *r, bool flaky_fails);
/*
 * JUnit XML (one <testsuite name=suite>), written atomically. 0 or -errno + *err.
 * A test that ran more than once follows the Maven Surefire rerun format
 * (also cargo-nextest's): a flaky test is a passing <testcase> holding one
 * <flakyFailure> per failed attempt and a <system-out> "passed on attempt I
 * of N"; a test that failed every attempt has its <failure> (the last) and a
 * <rerunFailure> per earlier attempt.
 */
int output_junit_write(const struct output_report *r, const char *suite, const char *path,
		       char **err);
/* The same XML into a buffer. */
void output_junit_format(struct strbuf *sb, const struct output_report *r, const char *suite);

#endif
