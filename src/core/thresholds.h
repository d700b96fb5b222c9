/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Assertion thresholds in three layers: built-in defaults < scheduler < test.
 * A set field (KTSTR_SET(x), KTSTR_ON, KTSTR_OFF) wins over the layer below;
 * KTSTR_OFF switches off a check a lower layer turned on.
 *
 * After thresholds_effective() every switch is KTSTR_ON or KTSTR_OFF (never
 * KTSTR_INHERIT) and every defaulted number is set; numbers without a default
 * stay unset, meaning "this check is off".
 */
#ifndef KTSTR_THRESHOLDS_H
#define KTSTR_THRESHOLDS_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>

#include <jansson.h>

#include <ktstr/ktstr.h>

#include "util/util.h"

/*
 * The built-in layer. Each default is set where no correct scheduler reaches it (measured
 * over the catalog on EEVDF and sched_ext schedulers, under TCG) while the
 * fault it exists for goes well past it; docs/verdicts.md gives each one's reasoning.
 * Time limits are the same under every accelerator: gaps and latencies are measured in
 * the guest's own time, without the stretches its vCPU did not run.
 */
#define THRESH_DEFAULT_MAX_GAP_MS 2000
#define THRESH_DEFAULT_MAX_SPREAD_PCT 75.0
#define THRESH_DEFAULT_MAX_CGROUP_SPREAD_PCT 35.0
#define THRESH_DEFAULT_MAX_MEDIAN_WAKE_LATENCY_NS 25000000ull
#define THRESH_DEFAULT_MAX_IMBALANCE_RATIO 3.0
#define THRESH_DEFAULT_MAX_LOCAL_DSQ_DEPTH 50
#define THRESH_DEFAULT_SUSTAINED_SAMPLES 5
#define THRESH_DEFAULT_MAX_CALLBACK_US 1500.0

/* not_starved on, isolation off, gap 2000 ms, spread 75 points, cgroup spread 35 points,
 * median wake latency 25 ms, monitor imbalance 3.0 (with a CPU idle) / DSQ depth 50 / stall on / 5 samples /
 * callbacks 500 us per call;
 * the event rates (fallback, keep-last) are recorded but not judged. */
struct ktstr_thresholds thresholds_defaults(void);
/* dst = dst overridden by every field set in over. */
void thresholds_merge(struct ktstr_thresholds *dst, const struct ktstr_thresholds *over);
/* defaults < sched (may be NULL) < test (may be NULL). */
void thresholds_effective(const struct ktstr_scheduler *sched, const struct ktstr_test *test,
			  struct ktstr_thresholds *out);
/* A merged switch: true only for KTSTR_ON. */
bool thresholds_on(enum ktstr_switch s);

/*
 * The set fields only, as a JSON object ({"max_gap_ms":2000,"isolation":"on"}),
 * and back: unknown keys, wrong types, negative integers and switches other
 * than "on"/"off" are errors (-EINVAL, *err names the field; caller frees).
 */
json_t *thresholds_to_json(const struct ktstr_thresholds *t);
int thresholds_from_json(const json_t *j, struct ktstr_thresholds *t, char **err);

/* Which layer set each field; printed by --show-thresholds. */
enum thresh_layer {
	THRESH_UNSET = 0,
	THRESH_FROM_DEFAULT,
	THRESH_FROM_SCHEDULER,
	THRESH_FROM_TEST,
};

/*
 * Visit every field in declaration order: name, the value as text ("on",
 * "off", "2000", "15", or "none" when unset) and which layer set it.
 * Also used by the validator and JSON writers, so the field list lives once.
 */
typedef void (*thresholds_visit_fn)(void *arg, const char *name, const char *value,
				    enum thresh_layer from);
void thresholds_visit(const struct ktstr_scheduler *sched, const struct ktstr_test *test,
		      thresholds_visit_fn fn, void *arg);

/* Call fn for every floating field that is set and negative or not finite, and
 * for every switch outside INHERIT/ON/OFF (value = its number). Returns the count. */
typedef void (*thresholds_bad_fn)(void *arg, const char *name, double value);
unsigned thresholds_check(const struct ktstr_thresholds *t, thresholds_bad_fn fn, void *arg);

/*
 * The table --show-thresholds prints for a test:
 *	thresholds for test 'foo' (scheduler eevdf):
 *	  not_starved               on     (default)
 *	  max_gap_ms                500    (test)
 *	  max_throughput_cv         none
 */
void thresholds_format(const struct ktstr_test *test, struct strbuf *sb);

#endif
