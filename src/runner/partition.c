// SPDX-License-Identifier: GPL-2.0-only
/* Shards of a run: the shard from flags or CI variables, a duration-balanced split. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "runner/partition.h"
#include "runner/timefmt.h"
#include "util/hash.h"
#include "util/json.h"
#include "util/util.h"

int partition_parse(const char *s, unsigned *index, unsigned *count, char **err)
{
	const char *slash = s ? strchr(s, '/') : NULL;
	uint64_t i, n;
	char *idx;
	int bad;

	if (!slash) {
		*err = xasprintf("'%s' is not I/N (e.g. 2/3)", s ? s : "");
		return -EINVAL;
	}
	idx = xstrndup(s, (size_t)(slash - s));
	bad = str_to_u64(idx, &i) || str_to_u64(slash + 1, &n);
	free(idx);
	if (bad) {
		*err = xasprintf("'%s' is not I/N (e.g. 2/3)", s);
		return -EINVAL;
	}
	if (n < 1 || n > PARTITION_MAX || i < 1 || i > n) {
		*err = xasprintf("'%s' needs 1 <= I <= N", s);
		return -EINVAL;
	}
	*index = (unsigned)i;
	*count = (unsigned)n;
	return 0;
}

/* A CI engine's pair of variables: an index (0- or 1-based) and a total. */
struct ci_source {
	const char *index_var, *total_var, *source;
	unsigned base;
};

static const struct ci_source ci_sources[] = {
	{ "CI_NODE_INDEX", "CI_NODE_TOTAL", "CI_NODE_INDEX/CI_NODE_TOTAL", 1 },
	{ "BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT",
	  "BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT", 0 },
	{ "JOB_COMPLETION_INDEX", "KTSTR_PARTITION_COUNT",
	  "JOB_COMPLETION_INDEX/KTSTR_PARTITION_COUNT", 0 },
};

static int from_ci(const struct ci_source *c, const char *idx, struct partition *p, char **err)
{
	const char *tot = getenv(c->total_var);
	uint64_t i, n;

	if (!tot || !*tot) {
		*err = xasprintf("%s=%s is set but %s is not: set it to the number of shards, or "
				 "KTSTR_PARTITION=I/N, or pass --partition I/N", c->index_var, idx,
				 c->total_var);
		return -EINVAL;
	}
	if (str_to_u64(idx, &i) || str_to_u64(tot, &n) || n < 1 || n > PARTITION_MAX ||
	    i < c->base || i - c->base >= n) {
		*err = xasprintf("%s=%s, %s=%s: not a shard (want %s <= index %s total)",
				 c->index_var, idx, c->total_var, tot, c->base ? "1" : "0",
				 c->base ? "<=" : "<");
		return -EINVAL;
	}
	p->index = (unsigned)(i - c->base) + 1;
	p->count = (unsigned)n;
	p->source = c->source;
	return 0;
}

int partition_resolve(const char *flag, struct partition *p, char **err)
{
	const char *env = getenv("KTSTR_PARTITION");
	char *why = NULL;

	memset(p, 0, sizeof(*p));
	if (flag || (env && *env)) {
		p->source = flag ? "--partition" : "KTSTR_PARTITION";
		if (partition_parse(flag ? flag : env, &p->index, &p->count, &why)) {
			*err = xasprintf("%s: %s", p->source, why);
			free(why);
			memset(p, 0, sizeof(*p));
			return -EINVAL;
		}
		return 0;
	}
	for (size_t k = 0; k < ARRAY_SIZE(ci_sources); k++) {
		const char *idx = getenv(ci_sources[k].index_var);

		if (idx && *idx)
			return from_ci(&ci_sources[k], idx, p, err);
	}
	return 0;
}

uint64_t partition_estimate_ms(const struct plan_item *it, bool snapshots)
{
	const struct ktstr_test *t = it->test;
	uint64_t ms = (uint64_t)entry_duration_s(t) * 1000;
	bool sched_ext = entry_scheduler(t)->binary != NULL;

	if (it->skip_reason)
		return 0;
	if (t->host_only)
		return ms + PARTITION_HOST_MS;
	if (snapshots && !sched_ext)
		return ms + PARTITION_RESTORE_MS;
	return ms + PARTITION_BOOT_MS + (uint64_t)PARTITION_BOOT_PER_CPU_MS * topo_total_cpus(&it->topo) +
	       (sched_ext ? PARTITION_SCHED_LOAD_MS : 0);
}

struct ranked {
	const char *name;
	uint64_t ms;
	size_t idx;
};

static int cmp_ranked(const void *a, const void *b)
{
	const struct ranked *x = a, *y = b;

	if (x->ms != y->ms)
		return x->ms > y->ms ? -1 : 1;
	return strcmp(x->name, y->name);
}

void partition_assign(const struct plan_item *items, size_t n, unsigned count, bool snapshots,
		      unsigned *shard)
{
	struct ranked *r = xcalloc(n ? n : 1, sizeof(*r));
	uint64_t *load = xcalloc(count ? count : 1, sizeof(*load));

	for (size_t i = 0; i < n; i++)
		r[i] = (struct ranked){ items[i].name, partition_estimate_ms(&items[i], snapshots), i };
	qsort(r, n, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < n; i++) {
		unsigned best = 0;

		for (unsigned s = 1; s < count; s++)
			if (load[s] < load[best])
				best = s;
		load[best] += r[i].ms;
		shard[r[i].idx] = best + 1;
	}
	free(load);
	free(r);
}

static int cmp_item_name(const void *a, const void *b)
{
	const struct plan_item *x = *(const struct plan_item *const *)a;
	const struct plan_item *y = *(const struct plan_item *const *)b;

	return strcmp(x->name, y->name);
}

char *partition_plan_id(const struct plan_item *items, size_t n, bool snapshots)
{
	const struct plan_item **v = xcalloc(n ? n : 1, sizeof(*v));
	struct content_hash *h = content_hash_new();
	char hex[65];

	for (size_t i = 0; i < n; i++)
		v[i] = &items[i];
	qsort(v, n, sizeof(*v), cmp_item_name);
	for (size_t i = 0; i < n; i++) {
		char *rec = plan_item_record_name(v[i]);
		char *ms = xasprintf("%llu", (unsigned long long)partition_estimate_ms(v[i], snapshots));

		content_hash_str(h, v[i]->name);
		content_hash_str(h, rec);
		content_hash_str(h, ms);
		for (const char **f = v[i]->flags; f && *f; f++)
			content_hash_str(h, *f);
		content_hash_str(h, NULL);
		for (const char *const *a = v[i]->test->extra_sched_args; a && *a; a++)
			content_hash_str(h, *a);
		content_hash_str(h, NULL);
		free(rec);
		free(ms);
	}
	content_hash_final(h, hex);
	free(v);
	return xstrdup(hex);
}

json_t *partition_manifest(const struct plan_item *items, size_t n, const unsigned *shard,
			   const struct partition *p, bool snapshots, const char *run_id)
{
	json_t *o = json_object(), *arr = json_array();
	char *id = partition_plan_id(items, n, snapshots);
	char stamp[TIMEFMT_ISO_LEN];
	uint64_t mine = 0;

	for (size_t i = 0; i < n; i++) {
		uint64_t ms = partition_estimate_ms(&items[i], snapshots);
		char *rec = plan_item_record_name(&items[i]);

		json_array_append_new(arr, json_pack("{s:s, s:s, s:i, s:f}", "name", items[i].name,
						     "record", rec, "shard", (json_int_t)shard[i],
						     "estimate_s", (double)ms / 1000.0));
		free(rec);
		if (shard[i] == p->index)
			mine += ms;
	}
	json_object_set_new(o, "schema_version", json_integer(PARTITION_MANIFEST_VERSION));
	json_object_set_new(o, "run_id", json_string(run_id));
	json_object_set_new(o, "plan_id", json_string(id));
	json_object_set_new(o, "index", json_integer(p->index));
	json_object_set_new(o, "count", json_integer(p->count));
	json_object_set_new(o, "source", json_string(p->source ? p->source : "--partition"));
	json_object_set_new(o, "estimate_s", json_real((double)mine / 1000.0));
	json_object_set_new(o, "started_at",
			    json_string(timefmt_iso8601(now_real_ns(), stamp, sizeof(stamp))));
	json_object_set_new(o, "items", arr);
	free(id);
	return o;
}

int partition_manifest_write(const json_t *manifest, const char *dir, char **err)
{
	return json_write_file(manifest, dir, PARTITION_MANIFEST, err);
}

int partition_select(const struct plan_item *items, size_t n, const struct partition *p,
		     bool snapshots, const char *prog, const char *run_dir, bool *keep, char **err)
{
	unsigned *shard = xcalloc(n ? n : 1, sizeof(*shard));
	uint64_t all = 0, mine = 0;
	size_t k = 0;
	int r = 0;

	partition_assign(items, n, p->count, snapshots, shard);
	for (size_t i = 0; i < n; i++) {
		uint64_t ms = partition_estimate_ms(&items[i], snapshots);

		keep[i] = shard[i] == p->index;
		all += ms;
		mine += keep[i] ? ms : 0;
		k += keep[i];
	}
	fprintf(stderr, "%s: shard %u/%u (%s): %zu of %zu items, estimated %.1f s of %.1f s\n",
		prog, p->index, p->count, p->source ? p->source : "--partition", k, n,
		(double)mine / 1000.0, (double)all / 1000.0);
	if (run_dir) {
		json_t *m = partition_manifest(items, n, shard, p, snapshots, timefmt_run_id());

		r = partition_manifest_write(m, run_dir, err);
		json_decref(m);
	}
	free(shard);
	return r;
}

static json_t *plan_item_json(const struct plan_item *it, uint64_t ms)
{
	char topo[32], *rec = plan_item_record_name(it);
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:f}", "name", it->name, "test", it->test->name,
			      "scheduler", entry_scheduler(it->test)->name, "record", rec,
			      "estimate_s", (double)ms / 1000.0);

	if (!it->test->host_only)
		json_object_set_new(o, "topology",
				    json_string(topo_format(&it->topo, topo, sizeof(topo))));
	if (it->repeats)
		json_object_set_new(o, "repeat", json_integer(it->repeat));
	if (it->skip_reason)
		json_object_set_new(o, "skip", json_string(it->skip_reason));
	free(rec);
	return o;
}

void partition_plan_format(struct strbuf *sb, const struct plan_item *items, size_t n,
			   const struct partition *p, bool snapshots, bool json)
{
	unsigned count = p->count ? p->count : 1;
	unsigned *shard = xcalloc(n ? n : 1, sizeof(*shard));
	uint64_t *load = xcalloc(count, sizeof(*load)), all = 0;
	size_t *nitems = xcalloc(count, sizeof(*nitems));
	char *id = partition_plan_id(items, n, snapshots);
	json_t *top = json_object(), *shards = json_array();
	int w = 8;

	partition_assign(items, n, count, snapshots, shard);
	for (size_t i = 0; i < n; i++) {
		uint64_t ms = partition_estimate_ms(&items[i], snapshots);

		load[shard[i] - 1] += ms;
		nitems[shard[i] - 1]++;
		all += ms;
		w = MAX(w, (int)strlen(items[i].name));
	}
	if (!json)
		sb_printf(sb, "plan %.12s: %zu items in %u shard%s, estimated %.1f s in all%s%s%s\n",
			  id, n, count, count > 1 ? "s" : "", (double)all / 1000.0,
			  p->count ? " (shard from " : "", p->count ? p->source : "",
			  p->count ? ")" : "");
	for (unsigned s = 1; s <= count; s++) {
		json_t *arr = json_array();

		if (!json)
			sb_printf(sb, "\nshard %u/%u%s: %zu items, estimated %.1f s\n", s, count,
				  s == p->index ? " (this one)" : "", nitems[s - 1],
				  (double)load[s - 1] / 1000.0);
		for (size_t i = 0; i < n; i++) {
			uint64_t ms = partition_estimate_ms(&items[i], snapshots);
			char topo[32];

			if (shard[i] != s)
				continue;
			if (json) {
				json_array_append_new(arr, plan_item_json(&items[i], ms));
				continue;
			}
			sb_printf(sb, "  %-*s %-10s %-12s ", w, items[i].name,
				  items[i].test->host_only
					  ? "host"
					  : topo_format(&items[i].topo, topo, sizeof(topo)),
				  entry_scheduler(items[i].test)->name);
			if (items[i].skip_reason)
				sb_printf(sb, "SKIP: %s\n", items[i].skip_reason);
			else
				sb_printf(sb, "%6.1f s\n", (double)ms / 1000.0);
		}
		json_array_append_new(shards, json_pack("{s:i, s:f, s:o}", "index", (json_int_t)s,
							"estimate_s",
							(double)load[s - 1] / 1000.0, "items", arr));
	}
	if (json) {
		char *text;

		json_object_set_new(top, "plan_id", json_string(id));
		json_object_set_new(top, "count", json_integer(count));
		json_object_set_new(top, "index", p->count ? json_integer(p->index) : json_null());
		json_object_set_new(top, "source", p->source ? json_string(p->source) : json_null());
		json_object_set_new(top, "estimate_s", json_real((double)all / 1000.0));
		json_object_set_new(top, "shards", shards);
		text = json_dumps(top, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
		sb_printf(sb, "%s\n", text);
		free(text);
	} else {
		json_decref(shards);
	}
	json_decref(top);
	free(id);
	free(nitems);
	free(load);
	free(shard);
}
