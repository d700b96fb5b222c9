/* SPDX-License-Identifier: GPL-2.0-only */
/* A test's outcome: verdict, typed failure details, named statistics. */
#ifndef KTSTR_RESULT_H
#define KTSTR_RESULT_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <ktstr/ktstr.h>
#include <jansson.h>

struct ktstr_detail {
	enum ktstr_fail_kind kind;
	char *msg;
};

struct ktstr_stat {
	char *name;
	double value;
};

/* What one worker got (result "workers"): its share of the CPU over its run. */
struct ktstr_worker_share {
	char *cgroup;      /* "" outside any test cgroup */
	int pid;
	double cpu_pct;    /* on-CPU time / its wall time, percent */
	double wait_pct;   /* runnable but not running, percent of its wall time */
	double work_units;
	double migrations;
};

/* Workers a result keeps; result_worker drops the rest, a reader rejects more. */
#define RESULT_MAX_WORKERS 1024

struct ktstr_result {
	enum ktstr_verdict verdict;
	char *skip_reason;
	struct ktstr_detail *details;
	unsigned ndetails;
	struct ktstr_stat *stats;
	unsigned nstats;
	struct ktstr_worker_share *workers;
	unsigned nworkers;
};

void result_init(struct ktstr_result *r);
void result_free(struct ktstr_result *r);
/* Adds a detail and sets the verdict to FAIL. */
void result_fail(struct ktstr_result *r, enum ktstr_fail_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
void result_skip(struct ktstr_result *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* Set (or replace) a statistic. */
void result_stat(struct ktstr_result *r, const char *name, double value);
/* Append a copy of w; beyond RESULT_MAX_WORKERS it is dropped. */
void result_worker(struct ktstr_result *r, const struct ktstr_worker_share *w);
/* Append src's details, stats and workers into dst; the worse verdict wins
 * (INTERRUPTED > FAIL > SKIP > PASS). */
void result_merge(struct ktstr_result *dst, const struct ktstr_result *src);
/* dst (uninitialized) becomes a deep copy of src. */
void result_copy(struct ktstr_result *dst, const struct ktstr_result *src);
const char *fail_kind_name(enum ktstr_fail_kind kind);   /* "starved", "stuck", ... */
int fail_kind_parse(const char *name);                    /* -1 if unknown */
const char *verdict_name(enum ktstr_verdict v);          /* "pass" / "fail" / "skip" */
int verdict_parse(const char *name);                      /* -1 if unknown */
/* {"verdict":"fail","skip_reason":..,"details":[{"kind":..,"msg":..}],"stats":{name:value},
 *  "workers":[{"cgroup":..,"pid":..,"cpu_pct":..,"wait_pct":..,"work_units":..,"migrations":..}]}
 * ("workers" only when there are any) */
json_t *result_to_json(const struct ktstr_result *r);
/* Strict: rejects unknown verdicts/kinds, wrong types and more than RESULT_MAX_WORKERS
 * workers; *err says what (caller frees). */
int result_from_json(const json_t *j, struct ktstr_result *r, char **err);

/* One run of a test that ran more than once (--retries). */
struct ktstr_attempt {
	struct ktstr_result result;
	double wall_s;               /* negative = unknown (null) */
};

/* [{verdict, skip_reason, details, stats, wall_s}], in attempt order. */
json_t *attempts_to_json(const struct ktstr_attempt *a, unsigned n);
/* Strict like result_from_json; an entry's wall_s must be a number >= 0.
 * *a is allocated (NULL for an empty array); free with attempts_free. */
int attempts_from_json(const json_t *j, struct ktstr_attempt **a, unsigned *n, char **err);
void attempts_free(struct ktstr_attempt *a, unsigned n);

#endif
