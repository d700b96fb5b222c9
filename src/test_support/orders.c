// SPDX-License-Identifier: GPL-2.0-only
#include "test_support/orders.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- thresholds ---- */

enum th_type { TH_SWITCH, TH_U64, TH_F64 };

static const struct th_field {
	const char *name;
	size_t off;
	enum th_type type;
} th_fields[] = {
#define SW(f) { #f, offsetof(struct ktstr_thresholds, f), TH_SWITCH }
#define U64(f) { #f, offsetof(struct ktstr_thresholds, f), TH_U64 }
#define F64(f) { #f, offsetof(struct ktstr_thresholds, f), TH_F64 }
	SW(not_starved),
	SW(isolation),
	U64(max_gap_ms),
	F64(max_spread_pct),
	F64(max_throughput_cv),
	F64(min_work_rate),
	U64(max_p99_wake_latency_ns),
	F64(max_wake_latency_cv),
	F64(min_iteration_rate),
	F64(max_migration_ratio),
	F64(max_imbalance_ratio),
	U64(max_local_dsq_depth),
	SW(fail_on_stall),
	U64(sustained_samples),
	F64(max_fallback_rate),
	F64(max_keep_last_rate),
#undef SW
#undef U64
#undef F64
};

json_t *thresholds_to_json(const struct ktstr_thresholds *t)
{
	json_t *j = json_object();

	for (size_t i = 0; i < ARRAY_SIZE(th_fields); i++) {
		const struct th_field *f = &th_fields[i];
		const char *p = (const char *)t + f->off;

		switch (f->type) {
		case TH_SWITCH: {
			enum ktstr_switch s = *(const enum ktstr_switch *)p;

			if (s != KTSTR_INHERIT)
				json_object_set_new(j, f->name, json_string(s == KTSTR_ON ? "on" : "off"));
			break;
		}
		case TH_U64: {
			const struct ktstr_opt_u64 *o = (const void *)p;

			if (o->set)
				json_object_set_new(j, f->name, json_integer((json_int_t)o->v));
			break;
		}
		case TH_F64: {
			const struct ktstr_opt_f64 *o = (const void *)p;

			if (o->set)
				json_object_set_new(j, f->name, json_real(o->v));
			break;
		}
		}
	}
	return j;
}

static const struct th_field *th_find(const char *name)
{
	for (size_t i = 0; i < ARRAY_SIZE(th_fields); i++)
		if (!strcmp(th_fields[i].name, name))
			return &th_fields[i];
	return NULL;
}

int thresholds_from_json(const json_t *j, struct ktstr_thresholds *t, char **err)
{
	const char *key;
	json_t *v;

	memset(t, 0, sizeof(*t));
	if (!json_is_object(j)) {
		*err = xstrdup("thresholds: not an object");
		return -EINVAL;
	}
	json_object_foreach((json_t *)j, key, v) {
		const struct th_field *f = th_find(key);
		char *p = (char *)t + (f ? f->off : 0);

		if (!f) {
			*err = xasprintf("thresholds: unknown field '%s'", key);
			return -EINVAL;
		}
		switch (f->type) {
		case TH_SWITCH:
			if (json_is_string(v) && !strcmp(json_string_value(v), "on"))
				*(enum ktstr_switch *)p = KTSTR_ON;
			else if (json_is_string(v) && !strcmp(json_string_value(v), "off"))
				*(enum ktstr_switch *)p = KTSTR_OFF;
			else
				goto bad;
			break;
		case TH_U64:
			if (!json_is_integer(v) || json_integer_value(v) < 0)
				goto bad;
			*(struct ktstr_opt_u64 *)p =
				(struct ktstr_opt_u64){ true, (uint64_t)json_integer_value(v) };
			break;
		case TH_F64:
			if (!json_is_number(v))
				goto bad;
			*(struct ktstr_opt_f64 *)p = (struct ktstr_opt_f64){ true, json_number_value(v) };
			break;
		}
		continue;
bad:
		*err = xasprintf("thresholds: field '%s' has the wrong type", key);
		return -EINVAL;
	}
	return 0;
}

/* ---- orders ---- */

void orders_init(struct orders *o)
{
	memset(o, 0, sizeof(*o));
}

static void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

void orders_free(struct orders *o)
{
	free(o->test);
	free(o->topology);
	free(o->accel);
	free(o->sched_name);
	free(o->sched_path);
	strv_free(o->sched_args);
	free(o->cgroup_parent);
	orders_init(o);
}

static json_t *strv_to_json(char *const *v)
{
	json_t *a = json_array();

	for (char *const *p = v; p && *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}

static json_t *str_or_null(const char *s)
{
	return s ? json_string(s) : json_null();
}

char *orders_to_json(const struct orders *o)
{
	json_t *j = json_object();
	char *text;

	json_object_set_new(j, "version", json_integer(ORDERS_VERSION));
	json_object_set_new(j, "test", json_string(o->test));
	json_object_set_new(j, "topology", str_or_null(o->topology));
	json_object_set_new(j, "duration_ms", json_integer(o->duration_ms));
	json_object_set_new(j, "workers_per_cgroup", json_integer(o->workers_per_cgroup));
	json_object_set_new(j, "timeout_s", json_integer(o->timeout_s));
	/* a string: JSON integers are signed 64-bit */
	json_object_set_new(j, "seed", json_sprintf("%llu", (unsigned long long)o->seed));
	json_object_set_new(j, "time_scale", json_real(o->time_scale));
	json_object_set_new(j, "accel", str_or_null(o->accel));
	json_object_set_new(j, "sched_name", str_or_null(o->sched_name));
	json_object_set_new(j, "sched_path", str_or_null(o->sched_path));
	json_object_set_new(j, "sched_args", strv_to_json(o->sched_args));
	json_object_set_new(j, "cgroup_parent", str_or_null(o->cgroup_parent));
	json_object_set_new(j, "watchdog_timeout_s", json_integer(o->watchdog_timeout_s));
	json_object_set_new(j, "thresholds", thresholds_to_json(&o->thresholds));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		abort();
	return text;
}

/* Field readers: a missing or null optional field leaves the default. */
static int get_str(json_t *j, const char *key, bool required, char **out, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
		*err = xasprintf("orders: missing '%s'", key);
		return -EINVAL;
	}
	if (!json_is_string(v)) {
		*err = xasprintf("orders: '%s' is not a string", key);
		return -EINVAL;
	}
	*out = xstrdup(json_string_value(v));
	return 0;
}

static int get_uint(json_t *j, const char *key, unsigned *out, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > (json_int_t)UINT32_MAX) {
		*err = xasprintf("orders: '%s' is not an unsigned 32-bit integer", key);
		return -EINVAL;
	}
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int get_strv(json_t *j, const char *key, char ***out, char **err)
{
	json_t *v = json_object_get(j, key), *e;
	size_t i;

	if (!v)
		return 0;
	if (!json_is_array(v))
		goto bad;
	*out = xcalloc(json_array_size(v) + 1, sizeof(char *));
	json_array_foreach(v, i, e) {
		if (!json_is_string(e))
			goto bad;
		(*out)[i] = xstrdup(json_string_value(e));
	}
	return 0;
bad:
	*err = xasprintf("orders: '%s' is not an array of strings", key);
	return -EINVAL;
}

int orders_from_json(const char *text, size_t len, struct orders *o, char **err)
{
	json_error_t jerr;
	json_t *j, *v;
	char *seed = NULL;
	int ret = -EINVAL;

	orders_init(o);
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j || !json_is_object(j)) {
		*err = j ? xstrdup("orders: not a JSON object")
			 : xasprintf("orders: bad JSON: %s", jerr.text);
		goto out;
	}
	v = json_object_get(j, "version");
	if (!json_is_integer(v) || json_integer_value(v) != ORDERS_VERSION) {
		*err = xasprintf("orders: unsupported version (want %d)", ORDERS_VERSION);
		goto out;
	}
	if (get_str(j, "test", true, &o->test, err) ||
	    get_str(j, "topology", false, &o->topology, err) ||
	    get_uint(j, "duration_ms", &o->duration_ms, err) ||
	    get_uint(j, "workers_per_cgroup", &o->workers_per_cgroup, err) ||
	    get_uint(j, "timeout_s", &o->timeout_s, err) ||
	    get_str(j, "seed", false, &seed, err) ||
	    get_str(j, "accel", false, &o->accel, err) ||
	    get_str(j, "sched_name", false, &o->sched_name, err) ||
	    get_str(j, "sched_path", false, &o->sched_path, err) ||
	    get_strv(j, "sched_args", &o->sched_args, err) ||
	    get_str(j, "cgroup_parent", false, &o->cgroup_parent, err) ||
	    get_uint(j, "watchdog_timeout_s", &o->watchdog_timeout_s, err))
		goto out;
	if (seed && str_to_u64(seed, &o->seed)) {
		*err = xasprintf("orders: bad seed '%s'", seed);
		goto out;
	}
	v = json_object_get(j, "time_scale");
	if (v && !json_is_number(v)) {
		*err = xstrdup("orders: 'time_scale' is not a number");
		goto out;
	}
	o->time_scale = v ? json_number_value(v) : 1.0;
	v = json_object_get(j, "thresholds");
	if (v && thresholds_from_json(v, &o->thresholds, err))
		goto out;
	ret = 0;
out:
	free(seed);
	json_decref(j);
	if (ret)
		orders_free(o);
	return ret;
}
