// SPDX-License-Identifier: GPL-2.0-only
/* Merging shard runs: fixtures of shard run directories (manifest and records
 * as a partitioned run writes them), complete, missing, duplicate, unplanned,
 * different plans. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "runner/merge.h"
#include "runner/partition.h"
#include "runner/plan.h"
#include "runner/run_one.h"
#include "runner/sidecar.h"
#include "util/util.h"

KTSTR_SCHEDULER(scx_merge, .binary = "scx_merge");

KTSTR_TEST(alpha, .scheduler = &scx_merge)
{
	return KTSTR_PASS;
}

KTSTR_TEST(beta)
{
	return KTSTR_PASS;
}

KTSTR_TEST(gamma, .duration_s = 5)
{
	return KTSTR_PASS;
}

KTSTR_TEST(delta, .scheduler = &scx_merge, .llcs = 2)
{
	return KTSTR_PASS;
}

#define NSHARDS 3

struct fixture {
	char root[64];
	struct plan_item items[8]; /* every test, twice (--repeat 2) */
	size_t n;
	unsigned shard[8];
	char *dirs[NSHARDS + 1];
};

static void plan_items(struct fixture *f)
{
	const char *names[] = { "alpha", "beta", "gamma", "delta" };

	f->n = 0;
	for (size_t t = 0; t < ARRAY_SIZE(names); t++) {
		for (unsigned k = 1; k <= 2; k++) {
			struct plan_item *it = &f->items[f->n++];

			run_item_for(find_test(names[t]), it);
			it->name = xasprintf("%s#%u", names[t], k);
			it->repeat = k;
			it->repeats = 2;
		}
	}
}

/* The run of shard index: its manifest, and records of its items unless skip. */
static char *shard_run(struct fixture *f, unsigned index, const char *run_id, const char *skip)
{
	struct partition p = { index, NSHARDS, "--partition" };
	char *dir = xasprintf("%s/%s", f->root, run_id), *err = NULL;
	json_t *m = partition_manifest(f->items, f->n, f->shard, &p, true, run_id);

	assert_int_equal(partition_manifest_write(m, dir, &err), 0);
	json_decref(m);
	for (size_t i = 0; i < f->n; i++) {
		struct sidecar_record r;

		if (f->shard[i] != index || (skip && !strcmp(skip, f->items[i].name)))
			continue;
		sidecar_record_init(&r);
		r.run_id = xstrdup(run_id);
		r.test = xstrdup(f->items[i].test->name);
		r.variant = plan_item_variant(&f->items[i]);
		r.repeat = f->items[i].repeat;
		r.repeats = f->items[i].repeats;
		r.scheduler = xstrdup(entry_scheduler(f->items[i].test)->name);
		assert_int_equal(sidecar_write(&r, dir, NULL, &err), 0);
		sidecar_record_free(&r);
	}
	return dir;
}

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));

	snprintf(f->root, sizeof(f->root), "/tmp/ktstr-merge-XXXXXX");
	assert_non_null(mkdtemp(f->root));
	plan_items(f);
	partition_assign(f->items, f->n, NSHARDS, true, f->shard);
	f->dirs[0] = shard_run(f, 1, "20261206T000001Z-1", NULL);
	f->dirs[1] = shard_run(f, 2, "20261206T000002Z-2", NULL);
	f->dirs[2] = shard_run(f, 3, "20261206T000003Z-3", NULL);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	rm_rf(f->root);
	for (size_t i = 0; i < f->n; i++)
		free(f->items[i].name);
	for (size_t i = 0; i <= NSHARDS; i++)
		free(f->dirs[i]);
	free(f);
	return 0;
}

static void read_all(char *const *dirs, size_t n, struct merge_shard *s)
{
	char *err = NULL;

	for (size_t i = 0; i < n; i++) {
		assert_int_equal(merge_shard_read(dirs[i], &s[i], &err), 0);
		assert_null(err);
	}
}

static void free_all(struct merge_shard *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		merge_shard_free(&s[i]);
}

static void test_complete(void **state)
{
	struct fixture *f = *state;
	struct merge_shard s[NSHARDS];
	struct merge_result res;
	char *err = NULL, *out = xasprintf("%s/merged", f->root), **recs;
	size_t nrec = 0;

	read_all(f->dirs, NSHARDS, s);
	assert_int_equal(s[1].index, 2);
	assert_int_equal(s[1].count, NSHARDS);
	assert_int_equal(s[1].nitems, f->n);
	assert_int_equal(merge_plan(s, NSHARDS, &res, &err), 0);
	assert_int_equal(res.npicks, f->n);
	assert_int_equal(res.nmissing + res.nduplicates + res.nunplanned, 0);
	assert_int_equal(merge_write(s, NSHARDS, &res, out, "20261206T010000Z-9", &err), 0);
	/* one run: every record once, under the merged id, with its shard */
	recs = sidecar_list_records(out);
	for (; recs[nrec]; nrec++) {
		struct sidecar_record r;

		assert_int_equal(sidecar_read(recs[nrec], &r, &err), 0);
		assert_string_equal(r.run_id, "20261206T010000Z-9");
		assert_int_equal(r.shard_count, NSHARDS);
		assert_string_equal(r.shard_run_id, s[r.shard_index - 1].run_id);
		assert_int_equal(r.repeats, 2);
		sidecar_record_free(&r);
	}
	assert_int_equal(nrec, f->n);
	strv_free(recs);
	/* a second merge into the same directory is refused */
	assert_int_equal(merge_write(s, NSHARDS, &res, out, "20261206T010000Z-9", &err), -EEXIST);
	assert_non_null(strstr(err, "is not empty"));
	free(err);
	merge_result_free(&res);
	free_all(s, NSHARDS);
	free(out);
}

static void test_missing_and_duplicate(void **state)
{
	struct fixture *f = *state;
	struct merge_shard s[NSHARDS];
	struct merge_result res;
	char *err = NULL, *dirs[NSHARDS];
	const char *lost = NULL;

	/* shard 2 ran again (a retried job) and lost one of its items; shard 3 is absent */
	for (size_t i = 0; i < f->n && !lost; i++)
		if (f->shard[i] == 2)
			lost = f->items[i].name;
	f->dirs[NSHARDS] = shard_run(f, 2, "20261206T000009Z-4", lost);
	dirs[0] = f->dirs[0];
	dirs[1] = f->dirs[1];
	dirs[2] = f->dirs[NSHARDS];
	read_all(dirs, NSHARDS, s);
	assert_int_equal(merge_plan(s, NSHARDS, &res, &err), 0);
	/* shard 2's items: recorded twice but one; shard 3's: missing */
	{
		size_t in2 = 0, in3 = 0;

		for (size_t i = 0; i < f->n; i++) {
			in2 += f->shard[i] == 2;
			in3 += f->shard[i] == 3;
		}
		assert_int_equal(res.nduplicates, in2 - 1);
		assert_int_equal(res.nmissing, in3);
		assert_int_equal(res.npicks, f->n - in3);
	}
	assert_non_null(strstr(res.missing[0], "no run of shard 3 was given"));
	/* the later run of the shard wins */
	assert_non_null(strstr(res.duplicates[0], "; kept "));
	assert_non_null(strstr(res.duplicates[0], "20261206T000009Z-4"));
	for (size_t i = 0; i < res.npicks; i++)
		if (!strcmp(res.picks[i].item->name, lost))
			assert_string_equal(s[res.picks[i].from].run_id, "20261206T000002Z-2");
	merge_result_free(&res);
	free_all(s, NSHARDS);
}

static void test_unplanned(void **state)
{
	struct fixture *f = *state;
	struct merge_shard s[NSHARDS];
	struct merge_result res;
	struct sidecar_record r;
	char *err = NULL;

	sidecar_record_init(&r);
	r.run_id = xstrdup("20261206T000001Z-1");
	r.test = xstrdup("stray");
	r.variant = xstrdup("default");
	assert_int_equal(sidecar_write(&r, f->dirs[0], NULL, &err), 0);
	sidecar_record_free(&r);
	read_all(f->dirs, NSHARDS, s);
	assert_int_equal(merge_plan(s, NSHARDS, &res, &err), 0);
	assert_int_equal(res.nunplanned, 1);
	assert_non_null(strstr(res.unplanned[0], "stray-default.ktstr.json: not an item of the plan"));
	assert_int_equal(res.npicks, f->n);
	merge_result_free(&res);
	free_all(s, NSHARDS);
}

/* A record file holding another item's record is not merged under either name. */
static void test_misnamed_record(void **state)
{
	struct fixture *f = *state;
	struct merge_shard s[NSHARDS];
	struct merge_result res;
	char *err = NULL, *out = xasprintf("%s/merged", f->root), *a = NULL, *b = NULL;

	for (size_t i = 0; i < f->n; i++) {
		if (f->shard[i] != 1)
			continue;
		if (!a)
			a = plan_item_record_name(&f->items[i]);
		else if (!b)
			b = plan_item_record_name(&f->items[i]);
	}
	assert_non_null(b);
	{
		char *src = xasprintf("%s/%s", f->dirs[0], a), *dst = xasprintf("%s/%s", f->dirs[0], b);

		assert_int_equal(copy_file(src, dst), 0);
		free(src);
		free(dst);
	}
	read_all(f->dirs, NSHARDS, s);
	assert_int_equal(merge_plan(s, NSHARDS, &res, &err), 0);
	assert_int_equal(merge_write(s, NSHARDS, &res, out, "20261206T010000Z-9", &err), -EINVAL);
	assert_non_null(strstr(err, "holds the record of"));
	free(err);
	merge_result_free(&res);
	free_all(s, NSHARDS);
	free(a);
	free(b);
	free(out);
}

static void test_different_plans(void **state)
{
	struct fixture *f = *state;
	struct merge_shard s[2];
	struct merge_result res;
	char *err = NULL, *other, *dirs[2];

	/* the same items estimated without VM templates: another plan */
	{
		struct partition p = { 1, NSHARDS, "--partition" };
		json_t *m = partition_manifest(f->items, f->n, f->shard, &p, false, "x");

		other = xasprintf("%s/other", f->root);
		assert_int_equal(partition_manifest_write(m, other, &err), 0);
		json_decref(m);
	}
	dirs[0] = f->dirs[1];
	dirs[1] = other;
	read_all(dirs, 2, s);
	assert_int_equal(merge_plan(s, 2, &res, &err), -EINVAL);
	assert_non_null(strstr(err, "are shards of different plans"));
	free(err);
	free_all(s, 2);
	free(other);
}

static void test_bad_manifest(void **state)
{
	struct fixture *f = *state;
	struct merge_shard s;
	char *err = NULL, *dir = xasprintf("%s/plain", f->root), *path;

	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(merge_shard_read(dir, &s, &err), -ENOENT);
	assert_non_null(strstr(err, "no shard manifest (ktstr-shard.json)"));
	free(err);
	path = xasprintf("%s/%s", dir, PARTITION_MANIFEST);
	/* a record name that leaves the directory */
	assert_int_equal(file_write_str(path, "{\"schema_version\": 1, \"run_id\": \"r\", "
					      "\"plan_id\": \"p\", \"index\": 1, \"count\": 2, "
					      "\"items\": [{\"name\": \"a\", \"record\": "
					      "\"../x.ktstr.json\", \"shard\": 1}]}"),
			 0);
	assert_int_equal(merge_shard_read(dir, &s, &err), -EINVAL);
	assert_non_null(strstr(err, "is not a record file name"));
	free(err);
	assert_int_equal(file_write_str(path, "{\"schema_version\": 1, \"run_id\": \"r\", "
					      "\"plan_id\": \"p\", \"index\": 3, \"count\": 2, "
					      "\"items\": []}"),
			 0);
	assert_int_equal(merge_shard_read(dir, &s, &err), -EINVAL);
	assert_non_null(strstr(err, "index"));
	free(err);
	free(path);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_complete, setup, teardown),
		cmocka_unit_test_setup_teardown(test_missing_and_duplicate, setup, teardown),
		cmocka_unit_test_setup_teardown(test_unplanned, setup, teardown),
		cmocka_unit_test_setup_teardown(test_misnamed_record, setup, teardown),
		cmocka_unit_test_setup_teardown(test_different_plans, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bad_manifest, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
