/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --retries: a test that fails (FAIL, timeout, crash) runs again at once, in
 * a fresh VM, up to N more times. A pass on a rerun makes it FLAKY: its
 * record says verdict pass, "flaky": true and lists every attempt. Skips and
 * passes (an expected failure included) are never rerun.
 */
#ifndef KTSTR_RETRY_H
#define KTSTR_RETRY_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err may be NULL, and then no message is made. */

#include <stdbool.h>

#include "core/result.h"
#include "runner/plan.h"
#include "runner/run_one.h"
#include "util/util.h"

#define RETRY_MAX 100

/* What a test's attempts amount to. */
enum retry_fold {
	RETRY_PASS,  /* passed on its only attempt */
	RETRY_FAIL,  /* failed every attempt */
	RETRY_SKIP,  /* skipped */
	RETRY_FLAKY, /* failed, then passed */
};

/* "--retries N": 0..RETRY_MAX. 0, or -EINVAL with *err naming the option and value. */
int retry_parse(const char *val, unsigned *out, char **err);
/* Whether attempt (1-based) with verdict v is followed by another, given retries. */
bool retry_wanted(enum ktstr_verdict v, unsigned attempt, unsigned retries);
/* The outcome of attempts a[0..n), n >= 1, in order. */
enum retry_fold retry_fold(const struct ktstr_attempt *a, unsigned n);
/* The last attempt's block (last_text), then each earlier (failed) attempt's
 * block (texts[0..n-1)) with "    --- attempt I of MAX: FAIL 3.0s ---" in place
 * of its first line. */
void retry_format(struct strbuf *sb, const char *last_text, char *const *texts,
		  const struct ktstr_attempt *a, unsigned n, unsigned max);

/* run_one, rerun while retry_wanted (opts->retries); a test that ran more
 * than once gets out->attempts, out->flaky, the combined block and the
 * attempts in its record. Returns the final verdict. */
enum ktstr_verdict retry_run(const struct plan_item *it, const struct run_opts *opts,
			     struct run_outcome *out);

#endif
