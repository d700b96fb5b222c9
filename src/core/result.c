// SPDX-License-Identifier: GPL-2.0-only
#include "core/result.h"
#include "util/util.h"

#include <errno.h>
#include <stdint.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

static const char *const kind_names[] = {
	[KTSTR_OTHER] = "other",	 [KTSTR_STARVED] = "starved",
	[KTSTR_STUCK] = "stuck",	 [KTSTR_UNFAIR] = "unfair",
	[KTSTR_ISOLATION] = "isolation", [KTSTR_BENCHMARK] = "benchmark",
	[KTSTR_MIGRATION] = "migration", [KTSTR_MONITOR] = "monitor",
	[KTSTR_SCHED_DIED] = "sched_died", [KTSTR_METRIC] = "metric",
	[KTSTR_TIMEOUT] = "timeout",	 [KTSTR_CRASH] = "crash",
	[KTSTR_LATENCY] = "latency",	 [KTSTR_PAGE_LOCALITY] = "page_locality",
	[KTSTR_CROSS_NODE_MIGRATION] = "cross_node_migration",
};

static const char *const verdict_names[] = {
	[KTSTR_PASS] = "pass",
	[KTSTR_FAIL] = "fail",
	[KTSTR_SKIP] = "skip",
	[KTSTR_INTERRUPTED] = "interrupted",
};

static int lookup(const char *const *names, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (names[i] && name && !strcmp(names[i], name))
			return (int)i;
	return -1;
}

const char *fail_kind_name(enum ktstr_fail_kind kind)
{
	return (size_t)kind < ARRAY_SIZE(kind_names) ? kind_names[kind] : "other";
}

int fail_kind_parse(const char *name)
{
	return lookup(kind_names, ARRAY_SIZE(kind_names), name);
}

const char *verdict_name(enum ktstr_verdict v)
{
	return (size_t)v < ARRAY_SIZE(verdict_names) ? verdict_names[v] : "fail";
}

int verdict_parse(const char *name)
{
	return lookup(verdict_names, ARRAY_SIZE(verdict_names), name);
}

void result_init(struct ktstr_result *r)
{
	memset(r, 0, sizeof(*r));
}

void result_free(struct ktstr_result *r)
{
	for (unsigned i = 0; i < r->ndetails; i++)
		free(r->details[i].msg);
	for (unsigned i = 0; i < r->nstats; i++)
		free(r->stats[i].name);
	for (unsigned i = 0; i < r->nworkers; i++)
		free(r->workers[i].cgroup);
	free(r->details);
	free(r->stats);
	free(r->workers);
	free(r->skip_reason);
	result_init(r);
}

static void add_detail(struct ktstr_result *r, enum ktstr_fail_kind kind, char *msg)
{
	r->details = xrealloc(r->details, (r->ndetails + 1) * sizeof(*r->details));
	r->details[r->ndetails++] = (struct ktstr_detail){ .kind = kind, .msg = msg };
}

void result_fail(struct ktstr_result *r, enum ktstr_fail_kind kind, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	add_detail(r, kind, xvasprintf(fmt, ap));
	va_end(ap);
	r->verdict = KTSTR_FAIL;
}

void result_skip(struct ktstr_result *r, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	free(r->skip_reason);
	r->skip_reason = xvasprintf(fmt, ap);
	va_end(ap);
	if (r->verdict == KTSTR_PASS)
		r->verdict = KTSTR_SKIP;
}

void result_stat(struct ktstr_result *r, const char *name, double value)
{
	for (unsigned i = 0; i < r->nstats; i++) {
		if (!strcmp(r->stats[i].name, name)) {
			r->stats[i].value = value;
			return;
		}
	}
	r->stats = xrealloc(r->stats, (r->nstats + 1) * sizeof(*r->stats));
	r->stats[r->nstats++] = (struct ktstr_stat){ .name = xstrdup(name), .value = value };
}

void result_worker(struct ktstr_result *r, const struct ktstr_worker_share *w)
{
	if (r->nworkers >= RESULT_MAX_WORKERS)
		return;
	r->workers = xrealloc(r->workers, (r->nworkers + 1) * sizeof(*r->workers));
	r->workers[r->nworkers] = *w;
	r->workers[r->nworkers++].cgroup = xstrdup(w->cgroup ? w->cgroup : "");
}

/* How bad a verdict is; an interruption ends the test whatever it had found. */
static int verdict_rank(enum ktstr_verdict v)
{
	switch (v) {
	case KTSTR_PASS:
		return 0;
	case KTSTR_SKIP:
		return 1;
	case KTSTR_INTERRUPTED:
		return 3;
	default:
		return 2;
	}
}

void result_merge(struct ktstr_result *dst, const struct ktstr_result *src)
{
	for (unsigned i = 0; i < src->ndetails; i++)
		add_detail(dst, src->details[i].kind, xstrdup(src->details[i].msg));
	for (unsigned i = 0; i < src->nstats; i++)
		result_stat(dst, src->stats[i].name, src->stats[i].value);
	for (unsigned i = 0; i < src->nworkers; i++)
		result_worker(dst, &src->workers[i]);
	if (src->skip_reason && !dst->skip_reason)
		dst->skip_reason = xstrdup(src->skip_reason);
	if (verdict_rank(src->verdict) > verdict_rank(dst->verdict))
		dst->verdict = src->verdict;
}

void result_copy(struct ktstr_result *dst, const struct ktstr_result *src)
{
	result_init(dst);
	result_merge(dst, src);
}

json_t *result_to_json(const struct ktstr_result *r)
{
	json_t *details = json_array(), *stats = json_object();

	for (unsigned i = 0; i < r->ndetails; i++)
		json_array_append_new(details,
				      json_pack("{s:s, s:s}", "kind", fail_kind_name(r->details[i].kind),
						"msg", r->details[i].msg));
	json_t *o;

	for (unsigned i = 0; i < r->nstats; i++)
		json_object_set_new(stats, r->stats[i].name, json_real(r->stats[i].value));
	o = json_pack("{s:s, s:o, s:o, s:o}", "verdict", verdict_name(r->verdict), "skip_reason",
		      r->skip_reason ? json_string(r->skip_reason) : json_null(), "details", details,
		      "stats", stats);
	if (r->nworkers) {
		json_t *workers = json_array();

		for (unsigned i = 0; i < r->nworkers; i++) {
			const struct ktstr_worker_share *w = &r->workers[i];

			json_array_append_new(
				workers, json_pack("{s:s, s:i, s:f, s:f, s:f, s:f}", "cgroup",
						   w->cgroup, "pid", w->pid, "cpu_pct", w->cpu_pct,
						   "wait_pct", w->wait_pct, "work_units",
						   w->work_units, "migrations", w->migrations));
		}
		json_object_set_new(o, "workers", workers);
	}
	return o;
}

static int bad(char **err, const char *what)
{
	if (err)
		*err = xasprintf("result: %s", what);
	return -EINVAL;
}

static bool num_field(const json_t *o, const char *key, double *v)
{
	const json_t *x = json_object_get(o, key);

	if (!json_is_number(x))
		return false;
	*v = json_number_value(x);
	return true;
}

static int workers_from_json(const json_t *arr, struct ktstr_result *r, char **err)
{
	const json_t *v;
	size_t i;

	if (!arr)
		return 0;
	if (!json_is_array(arr) || json_array_size(arr) > RESULT_MAX_WORKERS) {
		if (err)
			*err = xasprintf("result: \"workers\" must be an array of at most %d entries",
					 RESULT_MAX_WORKERS);
		return -EINVAL;
	}
	json_array_foreach(arr, i, v) {
		const json_t *cg = json_object_get(v, "cgroup"), *pid = json_object_get(v, "pid");
		struct ktstr_worker_share w = { 0 };

		if (!json_is_string(cg) || !json_is_integer(pid) ||
		    json_integer_value(pid) < 0 || json_integer_value(pid) > INT32_MAX ||
		    !num_field(v, "cpu_pct", &w.cpu_pct) || !num_field(v, "wait_pct", &w.wait_pct) ||
		    !num_field(v, "work_units", &w.work_units) ||
		    !num_field(v, "migrations", &w.migrations))
			return bad(err, "worker without \"cgroup\", \"pid\" and numeric "
					"\"cpu_pct\", \"wait_pct\", \"work_units\", \"migrations\"");
		w.cgroup = (char *)json_string_value(cg);
		w.pid = (int)json_integer_value(pid);
		result_worker(r, &w);
	}
	return 0;
}

int result_from_json(const json_t *j, struct ktstr_result *r, char **err)
{
	const json_t *v, *details, *stats, *skip;
	const char *key;
	size_t i;
	int verdict;

	result_init(r);
	if (!json_is_object(j))
		return bad(err, "not a JSON object");
	v = json_object_get(j, "verdict");
	verdict = json_is_string(v) ? verdict_parse(json_string_value(v)) : -1;
	if (verdict < 0)
		return bad(err, "missing or unknown \"verdict\"");
	skip = json_object_get(j, "skip_reason");
	if (skip && !json_is_null(skip) && !json_is_string(skip))
		return bad(err, "\"skip_reason\" is not a string");
	details = json_object_get(j, "details");
	stats = json_object_get(j, "stats");
	if ((details && !json_is_array(details)) || (stats && !json_is_object(stats)))
		return bad(err, "\"details\" must be an array and \"stats\" an object");
	json_array_foreach(details, i, v) {
		const json_t *k = json_object_get(v, "kind"), *m = json_object_get(v, "msg");
		int kind = json_is_string(k) ? fail_kind_parse(json_string_value(k)) : -1;

		if (kind < 0 || !json_is_string(m)) {
			result_free(r);
			return bad(err, "detail without a known \"kind\" and a \"msg\"");
		}
		add_detail(r, (enum ktstr_fail_kind)kind, xstrdup(json_string_value(m)));
	}
	json_object_foreach((json_t *)stats, key, v) {
		if (!json_is_number(v)) {
			result_free(r);
			return bad(err, "statistic is not a number");
		}
		result_stat(r, key, json_number_value(v));
	}
	if (workers_from_json(json_object_get(j, "workers"), r, err)) {
		result_free(r);
		return -EINVAL;
	}
	if (json_is_string(skip))
		r->skip_reason = xstrdup(json_string_value(skip));
	r->verdict = (enum ktstr_verdict)verdict;
	return 0;
}

json_t *attempts_to_json(const struct ktstr_attempt *a, unsigned n)
{
	json_t *arr = json_array();

	for (unsigned i = 0; i < n; i++) {
		json_t *o = result_to_json(&a[i].result);

		json_object_set_new(o, "wall_s",
				    a[i].wall_s >= 0 ? json_real(a[i].wall_s) : json_null());
		json_array_append_new(arr, o);
	}
	return arr;
}

int attempts_from_json(const json_t *j, struct ktstr_attempt **a, unsigned *n, char **err)
{
	const json_t *v, *w;
	size_t i;
	int ret;

	*a = NULL;
	*n = 0;
	if (!json_is_array(j))
		return bad(err, "attempts must be an array");
	if (!json_array_size(j))
		return 0;
	*a = xcalloc(json_array_size(j), sizeof(**a));
	json_array_foreach(j, i, v) {
		w = json_object_get(v, "wall_s");
		if (w && !json_is_null(w) && (!json_is_number(w) || json_number_value(w) < 0)) {
			ret = bad(err, "attempt \"wall_s\" must be a number >= 0");
			goto fail;
		}
		ret = result_from_json(v, &(*a)[i].result, err);
		if (ret)
			goto fail;
		(*a)[i].wall_s = json_is_number(w) ? json_number_value(w) : -1;
		(*n)++;
	}
	return 0;
fail:
	attempts_free(*a, *n);
	*a = NULL;
	*n = 0;
	return ret;
}

void attempts_free(struct ktstr_attempt *a, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		result_free(&a[i].result);
	free(a);
}
