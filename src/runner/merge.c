// SPDX-License-Identifier: GPL-2.0-only
/* The shards' runs of a partitioned run merged into one run. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/merge.h"
#include "runner/partition.h"
#include "runner/sidecar.h"
#include "runner/timefmt.h"
#include "util/json.h"
#include "util/util.h"

void merge_shard_free(struct merge_shard *s)
{
	for (size_t i = 0; i < s->nitems; i++) {
		free(s->items[i].name);
		free(s->items[i].record);
	}
	free(s->items);
	strv_free(s->records);
	free(s->path);
	free(s->run_id);
	free(s->plan_id);
	free(s->source);
	free(s->started_at);
	memset(s, 0, sizeof(*s));
}

/* A record file name of a manifest: a plain name with the record suffix. */
static bool record_name_ok(const char *s)
{
	return str_ends_with(s, SIDECAR_SUFFIX) && !strchr(s, '/') && strcmp(s, SIDECAR_SUFFIX);
}

static int read_items(json_t *arr, struct merge_shard *s, char **err)
{
	size_t n;

	if (!json_is_array(arr)) {
		*err = xstrdup("items: missing or not an array");
		return -EINVAL;
	}
	n = json_array_size(arr);
	s->items = xcalloc(n ? n : 1, sizeof(*s->items));
	for (size_t i = 0; i < n; i++) {
		struct merge_item *it = &s->items[s->nitems++];
		json_t *e = json_array_get(arr, i);
		json_int_t shard = 0;
		char *what = xasprintf("items[%zu].", i);
		int r;

		if (!json_is_object(e)) {
			*err = xasprintf("items[%zu]: not an object", i);
			r = -EINVAL;
		} else if (!(r = json_get_str(e, "name", true, &it->name, what, err)) &&
			   !(r = json_get_str(e, "record", true, &it->record, what, err)) &&
			   !(r = json_get_int(e, "shard", 1, s->count, &shard, what, err)) &&
			   !record_name_ok(it->record)) {
			*err = xasprintf("%srecord: '%s' is not a record file name", what,
					 it->record);
			r = -EINVAL;
		}
		free(what);
		if (r)
			return r;
		it->shard = (unsigned)shard;
	}
	return 0;
}

static int read_manifest(json_t *m, struct merge_shard *s, char **err)
{
	json_int_t version = 0, index = 0, count = 0;
	int r;

	if (!json_is_object(m)) {
		*err = xstrdup("not a JSON object");
		return -EINVAL;
	}
	if ((r = json_get_int(m, "schema_version", 1, INT32_MAX, &version, "", err)))
		return r;
	if (version != PARTITION_MANIFEST_VERSION) {
		*err = xasprintf("unsupported schema_version %lld (this ktstr reads version %d)",
				 (long long)version, PARTITION_MANIFEST_VERSION);
		return -EINVAL;
	}
	if ((r = json_get_str(m, "run_id", true, &s->run_id, "", err)) ||
	    (r = json_get_str(m, "plan_id", true, &s->plan_id, "", err)) ||
	    (r = json_get_str(m, "source", false, &s->source, "", err)) ||
	    (r = json_get_str(m, "started_at", false, &s->started_at, "", err)) ||
	    (r = json_get_int(m, "count", 1, PARTITION_MAX, &count, "", err)))
		return r;
	s->count = (unsigned)count;
	if ((r = json_get_int(m, "index", 1, count, &index, "", err)))
		return r;
	s->index = (unsigned)index;
	return read_items(json_object_get(m, "items"), s, err);
}

int merge_shard_read(const char *dir, struct merge_shard *s, char **err)
{
	char *path = xasprintf("%s/%s", dir, PARTITION_MANIFEST), *text, *why = NULL;
	json_error_t jerr;
	json_t *m;
	char **files;
	size_t n = 0;
	int r;

	memset(s, 0, sizeof(*s));
	s->path = xstrdup(dir);
	text = file_read(path, NULL, MERGE_MANIFEST_MAX_BYTES);
	if (!text) {
		r = errno ? -errno : -EIO;
		*err = r == -ENOENT ? xasprintf("%s: no shard manifest (%s): not the run of a "
						"--partition shard", dir, PARTITION_MANIFEST)
				    : xasprintf("%s: %s", path, strerror(-r));
		free(path);
		merge_shard_free(s);
		return r;
	}
	m = json_loads(text, 0, &jerr);
	free(text);
	if (!m) {
		*err = xasprintf("%s: line %d column %d: %s", path, jerr.line, jerr.column, jerr.text);
		free(path);
		merge_shard_free(s);
		return -EINVAL;
	}
	r = read_manifest(m, s, &why);
	json_decref(m);
	if (r) {
		*err = xasprintf("%s: %s", path, why);
		free(why);
		free(path);
		merge_shard_free(s);
		return r;
	}
	free(path);
	files = sidecar_list_records(dir);
	s->records = xcalloc(1, sizeof(*s->records));
	for (size_t i = 0; files[i]; i++) {
		const char *slash = strrchr(files[i], '/');

		strv_push(&s->records, &n, xstrdup(slash ? slash + 1 : files[i]));
	}
	strv_free(files);
	return 0;
}

void merge_result_free(struct merge_result *res)
{
	free(res->plan_id);
	free(res->picks);
	strv_free(res->missing);
	strv_free(res->duplicates);
	strv_free(res->unplanned);
	memset(res, 0, sizeof(*res));
}

static bool has_record(const struct merge_shard *s, const char *name)
{
	for (char **r = s->records; r && *r; r++)
		if (!strcmp(*r, name))
			return true;
	return false;
}

static const struct merge_item *plan_find(const struct merge_shard *s, const char *record)
{
	for (size_t i = 0; i < s->nitems; i++)
		if (!strcmp(s->items[i].record, record))
			return &s->items[i];
	return NULL;
}

/* Prefer a run of the item's own shard, then the later run id. */
static bool better(const struct merge_shard *shards, size_t cand, size_t cur, unsigned shard)
{
	bool own_c = shards[cand].index == shard, own_k = shards[cur].index == shard;

	if (own_c != own_k)
		return own_c;
	return strcmp(shards[cand].run_id, shards[cur].run_id) > 0;
}

static int check_same_plan(const struct merge_shard *shards, size_t n, char **err)
{
	if (!n) {
		*err = xstrdup("no shard runs to merge");
		return -EINVAL;
	}
	for (size_t i = 1; i < n; i++) {
		if (strcmp(shards[i].plan_id, shards[0].plan_id) || shards[i].count != shards[0].count) {
			*err = xasprintf("%s and %s are shards of different plans (plan %.12s in "
					 "%u shards vs plan %.12s in %u shards): the same ktstr "
					 "version, arguments and KTSTR_SNAPSHOT setting make the "
					 "same plan",
					 shards[0].path, shards[i].path, shards[0].plan_id,
					 shards[0].count, shards[i].plan_id, shards[i].count);
			return -EINVAL;
		}
	}
	return 0;
}

/* Which runs of shard index were given, as "RUN, RUN", or NULL. */
static char *runs_of_shard(const struct merge_shard *shards, size_t n, unsigned index)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < n; i++)
		if (shards[i].index == index)
			sb_printf(&sb, "%s%s", sb.len ? ", " : "", shards[i].path);
	return sb.len ? sb_steal(&sb) : NULL;
}

static void pick_item(const struct merge_shard *shards, size_t n, const struct merge_item *it,
		      struct merge_result *res)
{
	size_t found = 0, best = 0;
	struct strbuf where = { 0 };

	for (size_t k = 0; k < n; k++) {
		if (!has_record(&shards[k], it->record))
			continue;
		sb_printf(&where, "%s%s", found ? ", " : "", shards[k].path);
		if (!found++ || better(shards, k, best, it->shard))
			best = k;
	}
	if (!found) {
		char *runs = runs_of_shard(shards, n, it->shard);

		strv_push(&res->missing, &res->nmissing,
			  runs ? xasprintf("%s (shard %u/%u): no record %s in %s", it->name,
					   it->shard, res->count, it->record, runs)
			       : xasprintf("%s (shard %u/%u): no run of shard %u was given",
					   it->name, it->shard, res->count, it->shard));
		free(runs);
	} else {
		if (found > 1)
			strv_push(&res->duplicates, &res->nduplicates,
				  xasprintf("%s (shard %u/%u): recorded in %s; kept %s", it->name,
					    it->shard, res->count, where.buf, shards[best].path));
		res->picks[res->npicks++] = (struct merge_pick){ it, best };
	}
	sb_free(&where);
}

int merge_plan(const struct merge_shard *shards, size_t n, struct merge_result *res, char **err)
{
	int r;

	memset(res, 0, sizeof(*res));
	if ((r = check_same_plan(shards, n, err)))
		return r;
	res->plan_id = xstrdup(shards[0].plan_id);
	res->count = shards[0].count;
	res->picks = xcalloc(shards[0].nitems ? shards[0].nitems : 1, sizeof(*res->picks));
	for (size_t i = 0; i < shards[0].nitems; i++)
		pick_item(shards, n, &shards[0].items[i], res);
	for (size_t k = 0; k < n; k++)
		for (char **rec = shards[k].records; rec && *rec; rec++)
			if (!plan_find(&shards[0], *rec))
				strv_push(&res->unplanned, &res->nunplanned,
					  xasprintf("%s/%s: not an item of the plan; not merged",
						    shards[k].path, *rec));
	return 0;
}

static json_t *strv_json(char *const *v)
{
	json_t *a = json_array();

	for (size_t i = 0; v && v[i]; i++)
		json_array_append_new(a, json_string(v[i]));
	return a;
}

json_t *merge_provenance(const struct merge_shard *shards, size_t n,
			 const struct merge_result *res, const char *run_id)
{
	json_t *arr = json_array();
	char stamp[TIMEFMT_ISO_LEN];

	for (size_t k = 0; k < n; k++) {
		size_t merged = 0, present = 0;

		while (shards[k].records && shards[k].records[present])
			present++;
		for (size_t i = 0; i < res->npicks; i++)
			merged += res->picks[i].from == k;
		json_array_append_new(
			arr, json_pack("{s:i, s:s, s:s, s:s?, s:s?, s:i, s:i}", "index",
				       (json_int_t)shards[k].index, "run_id", shards[k].run_id, "path",
				       shards[k].path, "source", shards[k].source, "started_at",
				       shards[k].started_at, "records",
				       (json_int_t)present, "merged",
				       (json_int_t)merged));
	}
	return json_pack("{s:i, s:s, s:s, s:i, s:i, s:i, s:s, s:o, s:o, s:o, s:o}", "schema_version",
			 1, "run_id", run_id, "plan_id", res->plan_id, "count",
			 (json_int_t)res->count, "items", (json_int_t)shards[0].nitems, "records",
			 (json_int_t)res->npicks, "merged_at",
			 timefmt_iso8601(now_real_ns(), stamp, sizeof(stamp)), "shards", arr,
			 "missing", strv_json(res->missing), "duplicates",
			 strv_json(res->duplicates), "unplanned", strv_json(res->unplanned));
}

static bool dir_empty(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	bool empty = true;

	while (d && (e = readdir(d)))
		if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
			empty = false;
	if (d)
		closedir(d);
	return empty;
}

static int copy_record(const struct merge_shard *s, const struct merge_pick *p,
		       const char *out_dir, const char *run_id, char **err)
{
	char *src = xasprintf("%s/%s", s->path, p->item->record), *name;
	struct sidecar_record rec;
	int r = sidecar_read(src, &rec, err);

	free(src);
	if (r)
		return r;
	name = sidecar_file_name(rec.test, rec.variant, rec.repeats ? rec.repeat : 0);
	if (strcmp(name, p->item->record)) {
		/* written under another item's name, it would replace that item's record */
		*err = xasprintf("%s/%s holds the record of %s", s->path, p->item->record, name);
		r = -EINVAL;
	} else {
		free(rec.shard_run_id);
		rec.shard_run_id = xstrdup(rec.run_id ? rec.run_id : s->run_id);
		rec.shard_index = s->index;
		rec.shard_count = s->count;
		free(rec.run_id);
		rec.run_id = xstrdup(run_id);
		r = sidecar_write(&rec, out_dir, NULL, err);
	}
	free(name);
	sidecar_record_free(&rec);
	return r;
}

int merge_write(const struct merge_shard *shards, size_t n, const struct merge_result *res,
		const char *out_dir, const char *run_id, char **err)
{
	json_t *prov;
	int r;

	if (path_exists(out_dir) && !dir_empty(out_dir)) {
		*err = xasprintf("%s exists and is not empty: the merged run needs a directory of "
				 "its own", out_dir);
		return -EEXIST;
	}
	if ((r = mkdir_p(out_dir, 0755)) < 0) {
		*err = xasprintf("cannot create %s: %s", out_dir, strerror(-r));
		return r;
	}
	for (size_t i = 0; i < res->npicks; i++)
		if ((r = copy_record(&shards[res->picks[i].from], &res->picks[i], out_dir, run_id,
				     err)))
			return r;
	prov = merge_provenance(shards, n, res, run_id);
	r = json_write_file(prov, out_dir, MERGE_PROVENANCE, err);
	json_decref(prov);
	return r;
}
