// SPDX-License-Identifier: GPL-2.0-only
/* Rerunning failed tests and folding their attempts into one verdict. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/repro.h"
#include "runner/retry.h"
#include "runner/sidecar.h"
#include "runner/timefmt.h"

int retry_parse(const char *val, unsigned *out, char **err)
{
	uint64_t v;

	if (str_to_u64(val, &v) || v > RETRY_MAX) {
		if (err)
			*err = xasprintf("--retries: '%s' is not a whole number in 0..%d", val,
					 RETRY_MAX);
		return -EINVAL;
	}
	*out = (unsigned)v;
	return 0;
}

bool retry_wanted(enum ktstr_verdict v, unsigned attempt, unsigned retries)
{
	return v == KTSTR_FAIL && attempt <= retries;
}

enum retry_fold retry_fold(const struct ktstr_attempt *a, unsigned n)
{
	switch (a[n - 1].result.verdict) {
	case KTSTR_PASS:
		return n > 1 ? RETRY_FLAKY : RETRY_PASS;
	case KTSTR_SKIP:
		return RETRY_SKIP;
	default:
		return RETRY_FAIL;
	}
}

void retry_format(struct strbuf *sb, const char *last_text, char *const *texts,
		  const struct ktstr_attempt *a, unsigned n, unsigned max)
{
	char dur[32];

	sb_append(sb, last_text ? last_text : "");
	for (unsigned i = 0; i + 1 < n; i++) {
		const char *rest = texts[i] ? strchr(texts[i], '\n') : NULL;

		sb_printf(sb, "    --- attempt %u of %u: FAIL %s ---\n", i + 1, max,
			  timefmt_duration(a[i].wall_s, dur, sizeof(dur)));
		sb_append(sb, rest ? rest + 1 : "");
	}
}

enum ktstr_verdict retry_run(const struct plan_item *it, const struct run_opts *opts,
			     struct run_outcome *out)
{
	struct run_opts aopts = *opts;
	struct ktstr_attempt *a = NULL;
	struct strbuf sb = { 0 };
	char **texts = NULL;
	unsigned n = 0;

	for (;;) {
		aopts.attempt = n + 1;
		run_one(it, &aopts, out);
		a = xrealloc(a, (n + 1) * sizeof(*a));
		result_copy(&a[n].result, &out->result);
		a[n].wall_s = out->wall_s;
		n++;
		if (!retry_wanted(out->result.verdict, n, opts->retries))
			break;
		texts = xrealloc(texts, n * sizeof(*texts));
		texts[n - 1] = out->text;
		out->text = NULL;
		run_outcome_free(out);
	}
	if (n == 1) {
		attempts_free(a, n);
		repro_after(it, opts, out);
		return out->result.verdict;
	}
	retry_format(&sb, out->text, texts, a, n, opts->retries + 1);
	free(out->text);
	out->text = sb_steal(&sb);
	out->flaky = retry_fold(a, n) == RETRY_FLAKY;
	out->attempts = a;
	out->nattempts = n;
	if (out->record_path) {
		char *err = NULL;

		if (sidecar_add_attempts(out->record_path, a, n, out->flaky, &err)) {
			log_warn("%s: attempts not added to the run record: %s", out->name, err);
			free(err);
		}
	}
	for (unsigned i = 0; i + 1 < n; i++)
		free(texts[i]);
	free(texts);
	repro_after(it, opts, out);
	return out->result.verdict;
}
