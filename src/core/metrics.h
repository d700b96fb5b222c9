/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Payload output -> metrics. The first balanced JSON object or array in the
 * output is parsed and its numeric leaves become metrics named by their
 * dotted path (object keys in sorted order, array indices in decimal):
 * {"jobs":[{"read":{"iops":5}}]} -> jobs.0.read.iops = 5. Strings, booleans
 * and nulls are skipped. Output that is a bare number gives one metric "value".
 *
 * Robustness (payload output is untrusted): input is capped at
 * METRICS_MAX_INPUT bytes; nesting deeper than METRICS_MAX_DEPTH is cut and
 * reported by a sentinel metric METRICS_TRUNCATED (value = subtrees cut);
 * integers beyond int64 are read as doubles; numbers beyond double range are
 * skipped and counted; invalid UTF-8 bytes are replaced by U+FFFD.
 */
#ifndef KTSTR_METRICS_H
#define KTSTR_METRICS_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <ktstr/metric.h>
#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "core/result.h"

#define METRICS_MAX_INPUT (16u << 20)
#define METRICS_MAX_DEPTH 64
#define METRICS_MAX_COUNT 100000
#define METRICS_TRUNCATED "_truncated"

enum metric_stream {
	METRIC_STDOUT = 0,
	METRIC_STDERR,
};

struct metric {
	char *name;
	double value;
	enum ktstr_polarity polarity;
	double target; /* KTSTR_TARGET_VALUE only */
	char *unit;    /* never NULL; "" = none */
};

struct metric_set {
	struct metric *v;
	unsigned n;
	enum metric_stream stream; /* where the metrics came from */
	bool truncated;            /* depth or count limit hit; METRICS_TRUNCATED present */
	unsigned skipped_numbers;  /* numbers outside double range, left out */
	unsigned bad_utf8;         /* invalid UTF-8 bytes replaced */
};

void metrics_init(struct metric_set *ms);
/* Append one metric (no polarity, no unit): the caller may set them. */
struct metric *metrics_add(struct metric_set *ms, const char *name, double value);
void metrics_free(struct metric_set *ms);

/*
 * Locate the first balanced JSON object/array region in s[0..len) at or after
 * *from: braces/brackets inside strings (with escapes) do not count. Returns 0
 * and the region [*start, *start + *rlen), or -ENOENT.
 */
int metrics_find_region(const char *s, size_t len, size_t from, size_t *start, size_t *rlen);

/*
 * Parse the first JSON document of s and walk it into ms (an initialized set;
 * it is reset first).
 * Returns the number of metrics (>= 0); -ENOENT when there is no JSON at all;
 * -EINVAL when JSON-looking text does not parse; -E2BIG when the input exceeds
 * METRICS_MAX_INPUT. On error *err (if err) names the problem; caller frees.
 */
int metrics_extract(const char *s, size_t len, struct metric_set *ms, char **err);

/* stdout first; stderr when stdout yields no metrics (replace, never merge). */
int metrics_extract_streams(const char *out, size_t out_len, const char *errs, size_t err_len,
			    struct metric_set *ms, char **err);

/* Walk an already parsed value (appends to ms). */
void metrics_walk(const json_t *v, struct metric_set *ms);

/* Attach polarity/unit to metrics whose name equals a hint (list ends at name == NULL;
 * with duplicate hint names the last wins). */
void metrics_apply_hints(struct metric_set *ms, const struct ktstr_metric_hint *hints);

const struct metric *metrics_find(const struct metric_set *ms, const char *name);

/*
 * Evaluate checks (list ends at KTSTR_CK_END) against ms and the payload's
 * exit code. Each failure adds a KTSTR_METRIC detail to r naming the metric,
 * its value and the bound; a wrong exit code is reported alone (with the tail
 * of stderr when given) and stops evaluation. Returns the number of failures.
 */
int metrics_check(const struct metric_set *ms, int exit_code, const char *stderr_text,
		  const struct ktstr_metric_check *checks, struct ktstr_result *r);

/* "higher_better", "lower_better", "target", "unknown". */
const char *metrics_polarity_name(enum ktstr_polarity p);
int metrics_polarity_parse(const char *s); /* -1 if unknown */

/*
 * Record form: [{"name":..,"value":..,"polarity":"higher_better","unit":"ops/s"}]
 * ("target":x added for target polarity). from_json is strict about types and
 * appends to ms.
 */
json_t *metrics_to_json(const struct metric_set *ms);
int metrics_from_json(const json_t *j, struct metric_set *ms, char **err);

#endif
