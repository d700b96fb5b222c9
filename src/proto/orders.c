// SPDX-License-Identifier: GPL-2.0-only
#include "proto/orders.h"
#include "util/json.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

/* ---- orders ---- */

void orders_init(struct orders *o)
{
	memset(o, 0, sizeof(*o));
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
	strv_free(o->probes);
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
	json_object_set_new(j, "trace", json_boolean(o->trace));
	json_object_set_new(j, "verifier_stats", json_boolean(o->verifier_stats));
	if (o->probes)
		json_object_set_new(j, "probes", strv_to_json(o->probes));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		abort();
	return text;
}

/* An unsigned 32-bit member; absent leaves *out. */
static int get_u32(json_t *j, const char *key, unsigned *out, char **err)
{
	json_int_t v = *out;
	int ret = json_get_int(j, key, 0, UINT32_MAX, &v, "orders: ", err);

	*out = (unsigned)v;
	return ret;
}

/* A boolean member; absent leaves *out. */
static int get_bool(json_t *j, const char *key, bool *out, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		return 0;
	if (!json_is_boolean(v)) {
		*err = xasprintf("orders: '%s' is not a boolean", key);
		return -EINVAL;
	}
	*out = json_is_true(v);
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
	if (json_get_str(j, "test", true, &o->test, "orders: ", err) ||
	    json_get_str(j, "topology", false, &o->topology, "orders: ", err) ||
	    get_u32(j, "duration_ms", &o->duration_ms, err) ||
	    get_u32(j, "workers_per_cgroup", &o->workers_per_cgroup, err) ||
	    get_u32(j, "timeout_s", &o->timeout_s, err) ||
	    json_get_str(j, "seed", false, &seed, "orders: ", err) ||
	    json_get_str(j, "accel", false, &o->accel, "orders: ", err) ||
	    json_get_str(j, "sched_name", false, &o->sched_name, "orders: ", err) ||
	    json_get_str(j, "sched_path", false, &o->sched_path, "orders: ", err) ||
	    get_strv(j, "sched_args", &o->sched_args, err) ||
	    json_get_str(j, "cgroup_parent", false, &o->cgroup_parent, "orders: ", err) ||
	    get_u32(j, "watchdog_timeout_s", &o->watchdog_timeout_s, err) ||
	    get_bool(j, "trace", &o->trace, err) ||
	    get_bool(j, "verifier_stats", &o->verifier_stats, err) ||
	    get_strv(j, "probes", &o->probes, err))
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
