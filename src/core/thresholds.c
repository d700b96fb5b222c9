// SPDX-License-Identifier: GPL-2.0-only
/* Threshold layers: built-in defaults < scheduler < test. */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "core/thresholds.h"
#include "core/entry.h"

enum thresh_type { T_SWITCH, T_U64, T_F64 };

struct thresh_field {
	const char *name;
	enum thresh_type type;
	size_t off;
};

#define F_SW(n) { #n, T_SWITCH, offsetof(struct ktstr_thresholds, n) }
#define F_U64(n) { #n, T_U64, offsetof(struct ktstr_thresholds, n) }
#define F_F64(n) { #n, T_F64, offsetof(struct ktstr_thresholds, n) }

/* The field list, once, in the declaration order of KTSTR_THRESHOLD_FIELDS. */
static const struct thresh_field fields[] = {
	F_SW(not_starved),
	F_SW(isolation),
	F_U64(max_gap_ms),
	F_F64(max_spread_pct),
	F_F64(max_cgroup_spread_pct),
	F_F64(max_throughput_cv),
	F_F64(min_work_rate),
	F_U64(max_p99_wake_latency_ns),
	F_U64(max_median_wake_latency_ns),
	F_F64(max_wake_latency_cv),
	F_F64(min_iteration_rate),
	F_F64(max_migration_ratio),
	F_F64(min_page_locality),
	F_F64(max_cross_node_migration_ratio),
	F_F64(max_imbalance_ratio),
	F_U64(max_local_dsq_depth),
	F_SW(fail_on_stall),
	F_U64(sustained_samples),
	F_F64(max_fallback_rate),
	F_F64(max_keep_last_rate),
	F_F64(max_callback_us),
};

#define FIELD(t, f) ((void *)((char *)(t) + (f)->off))
#define CFIELD(t, f) ((const void *)((const char *)(t) + (f)->off))

struct ktstr_thresholds thresholds_defaults(void)
{
	struct ktstr_thresholds t = {
		.not_starved = KTSTR_ON,
		.isolation = KTSTR_OFF,
		.max_gap_ms = KTSTR_SET(THRESH_DEFAULT_MAX_GAP_MS),
		.max_spread_pct = KTSTR_SET(THRESH_DEFAULT_MAX_SPREAD_PCT),
		.max_cgroup_spread_pct = KTSTR_SET(THRESH_DEFAULT_MAX_CGROUP_SPREAD_PCT),
		.max_median_wake_latency_ns = KTSTR_SET(THRESH_DEFAULT_MAX_MEDIAN_WAKE_LATENCY_NS),
		.max_imbalance_ratio = KTSTR_SET(THRESH_DEFAULT_MAX_IMBALANCE_RATIO),
		.max_local_dsq_depth = KTSTR_SET(THRESH_DEFAULT_MAX_LOCAL_DSQ_DEPTH),
		.fail_on_stall = KTSTR_ON,
		.sustained_samples = KTSTR_SET(THRESH_DEFAULT_SUSTAINED_SAMPLES),
		.max_callback_us = KTSTR_SET(THRESH_DEFAULT_MAX_CALLBACK_US),
	};
	return t;
}

static bool field_is_set(const struct ktstr_thresholds *t, const struct thresh_field *f)
{
	switch (f->type) {
	case T_SWITCH:
		return *(const enum ktstr_switch *)CFIELD(t, f) != KTSTR_INHERIT;
	case T_U64:
		return ((const struct ktstr_opt_u64 *)CFIELD(t, f))->set;
	case T_F64:
		return ((const struct ktstr_opt_f64 *)CFIELD(t, f))->set;
	}
	return false;
}

static void field_copy(struct ktstr_thresholds *dst, const struct ktstr_thresholds *src,
		       const struct thresh_field *f)
{
	size_t len = f->type == T_SWITCH ? sizeof(enum ktstr_switch)
		     : f->type == T_U64  ? sizeof(struct ktstr_opt_u64)
					 : sizeof(struct ktstr_opt_f64);

	memcpy(FIELD(dst, f), CFIELD(src, f), len);
}

void thresholds_merge(struct ktstr_thresholds *dst, const struct ktstr_thresholds *over)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (field_is_set(over, &fields[i]))
			field_copy(dst, over, &fields[i]);
}

void thresholds_effective(const struct ktstr_scheduler *sched, const struct ktstr_test *test,
			  struct ktstr_thresholds *out)
{
	*out = thresholds_defaults();
	if (sched)
		thresholds_merge(out, &sched->thresholds);
	if (test)
		thresholds_merge(out, &test->thresholds);
}

bool thresholds_on(enum ktstr_switch s)
{
	return s == KTSTR_ON;
}

static void field_value(const struct ktstr_thresholds *t, const struct thresh_field *f, char *buf,
			size_t len)
{
	if (!field_is_set(t, f)) {
		snprintf(buf, len, "none");
		return;
	}
	switch (f->type) {
	case T_SWITCH: {
		enum ktstr_switch s = *(const enum ktstr_switch *)CFIELD(t, f);

		snprintf(buf, len, "%s", s == KTSTR_ON ? "on" : s == KTSTR_OFF ? "off" : "invalid");
		break;
	}
	case T_U64:
		snprintf(buf, len, "%llu",
			 (unsigned long long)((const struct ktstr_opt_u64 *)CFIELD(t, f))->v);
		break;
	case T_F64:
		snprintf(buf, len, "%g", ((const struct ktstr_opt_f64 *)CFIELD(t, f))->v);
		break;
	}
}

json_t *thresholds_to_json(const struct ktstr_thresholds *t)
{
	json_t *j = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct thresh_field *f = &fields[i];

		if (!field_is_set(t, f))
			continue;
		switch (f->type) {
		case T_SWITCH:
			json_object_set_new(j, f->name,
					    json_string(*(const enum ktstr_switch *)CFIELD(t, f) ==
								KTSTR_ON
							? "on"
							: "off"));
			break;
		case T_U64:
			json_object_set_new(
				j, f->name,
				json_integer((json_int_t)((const struct ktstr_opt_u64 *)CFIELD(t, f))->v));
			break;
		case T_F64:
			json_object_set_new(j, f->name,
					    json_real(((const struct ktstr_opt_f64 *)CFIELD(t, f))->v));
			break;
		}
	}
	return j;
}

static const struct thresh_field *field_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++)
		if (!strcmp(fields[i].name, name))
			return &fields[i];
	return NULL;
}

int thresholds_from_json(const json_t *j, struct ktstr_thresholds *t, char **err)
{
	const char *key;
	json_t *v;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(j)) {
		if (err)
			*err = xstrdup("thresholds: not an object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)j, key, v) {
		const struct thresh_field *f = field_find(key);
		const char *s = json_string_value(v);

		if (!f) {
			if (err)
				*err = xasprintf("thresholds: unknown field '%s'", key);
			return -EINVAL;
		}
		switch (f->type) {
		case T_SWITCH:
			if (!s || (strcmp(s, "on") && strcmp(s, "off")))
				goto bad;
			*(enum ktstr_switch *)FIELD(t, f) = !strcmp(s, "on") ? KTSTR_ON : KTSTR_OFF;
			break;
		case T_U64:
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				goto bad;
			*(struct ktstr_opt_u64 *)FIELD(t, f) =
				(struct ktstr_opt_u64){ true, (uint64_t)json_integer_value(v) };
			break;
		case T_F64:
			if (!json_is_number(v))
				goto bad;
			*(struct ktstr_opt_f64 *)FIELD(t, f) =
				(struct ktstr_opt_f64){ true, json_number_value(v) };
			break;
		}
		continue;
bad:
		if (err)
			*err = xasprintf("thresholds: field '%s' has the wrong type", key);
		return -EINVAL;
	}
	return 0;
}

void thresholds_visit(const struct ktstr_scheduler *sched, const struct ktstr_test *test,
		      thresholds_visit_fn fn, void *arg)
{
	struct ktstr_thresholds merged;
	struct ktstr_thresholds def = thresholds_defaults();
	char val[64];

	thresholds_effective(sched, test, &merged);
	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct thresh_field *f = &fields[i];
		enum thresh_layer from = THRESH_UNSET;

		if (test && field_is_set(&test->thresholds, f))
			from = THRESH_FROM_TEST;
		else if (sched && field_is_set(&sched->thresholds, f))
			from = THRESH_FROM_SCHEDULER;
		else if (field_is_set(&def, f))
			from = THRESH_FROM_DEFAULT;
		field_value(&merged, f, val, sizeof(val));
		fn(arg, f->name, val, from);
	}
}

unsigned thresholds_check(const struct ktstr_thresholds *t, thresholds_bad_fn fn, void *arg)
{
	unsigned bad = 0;

	for (size_t i = 0; i < ARRAY_SIZE(fields); i++) {
		const struct thresh_field *f = &fields[i];

		if (f->type == T_SWITCH) {
			enum ktstr_switch s = *(const enum ktstr_switch *)CFIELD(t, f);

			if (s != KTSTR_INHERIT && s != KTSTR_ON && s != KTSTR_OFF) {
				fn(arg, f->name, (double)s);
				bad++;
			}
		} else if (f->type == T_F64) {
			const struct ktstr_opt_f64 *o = CFIELD(t, f);

			if (o->set && (!isfinite(o->v) || o->v < 0)) {
				fn(arg, f->name, o->v);
				bad++;
			}
		}
	}
	return bad;
}

static const char *layer_name(enum thresh_layer l)
{
	switch (l) {
	case THRESH_FROM_DEFAULT:
		return "(default)";
	case THRESH_FROM_SCHEDULER:
		return "(scheduler)";
	case THRESH_FROM_TEST:
		return "(test)";
	case THRESH_UNSET:
		break;
	}
	return "";
}

static void format_row(void *arg, const char *name, const char *value, enum thresh_layer from)
{
	struct strbuf *sb = arg;

	if (from == THRESH_UNSET)
		sb_printf(sb, "  %-26s %s\n", name, value);
	else
		sb_printf(sb, "  %-26s %-8s %s\n", name, value, layer_name(from));
}

void thresholds_format(const struct ktstr_test *test, struct strbuf *sb)
{
	const struct ktstr_scheduler *s = entry_scheduler(test);

	sb_printf(sb, "thresholds for test '%s' (scheduler %s):\n", test->name, s->name);
	thresholds_visit(s, test, format_row, sb);
	sb_append(sb, "'none' = check off; layers: default < scheduler < test\n");
}
