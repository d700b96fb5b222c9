// SPDX-License-Identifier: GPL-2.0-only
/* Shards: I/N parsing, the shard from CI variables, estimates, the balanced split,
 * plan ids and the shard manifest. */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "core/entry.h"
#include "runner/partition.h"
#include "runner/plan.h"
#include "util/util.h"

KTSTR_SCHEDULER(scx_part, .binary = "scx_part",
		.flags = KTSTR_FLAGS({ .name = "llc" }, { .name = "steal" }));

KTSTR_TEST(cold, .scheduler = &scx_part, .llcs = 2, .cores = 2)
{
	return KTSTR_PASS;
}

KTSTR_TEST(warm, .llcs = 2, .cores = 2)
{
	return KTSTR_PASS;
}

KTSTR_TEST(long_warm, .duration_s = 9)
{
	return KTSTR_PASS;
}

KTSTR_TEST(on_host, .host_only = true)
{
	return KTSTR_PASS;
}

/* Every registered test across the gauntlet presets and flag profiles. */
static void big_plan(struct plan *p)
{
	size_t n;
	const struct ktstr_test *const *tests = registry_tests(&n);
	struct plan_opts o = { .gauntlet = true, .accel = ACCEL_KVM, .host_cpus = 255 };
	char *err = NULL;

	assert_int_equal(plan_build(tests, n, &o, p, &err), 0);
	assert_true(p->n > 40);
}

static const char *const ci_vars[] = {
	"KTSTR_PARTITION",	  "CI_NODE_INDEX",	   "CI_NODE_TOTAL",
	"BUILDKITE_PARALLEL_JOB", "BUILDKITE_PARALLEL_JOB_COUNT", "JOB_COMPLETION_INDEX",
	"KTSTR_PARTITION_COUNT",
};

static int clear_env(void **state)
{
	for (size_t i = 0; i < ARRAY_SIZE(ci_vars); i++)
		unsetenv(ci_vars[i]);
	return 0;
}

static void test_parse(void **state)
{
	unsigned i, n;
	char *err = NULL;

	assert_int_equal(partition_parse("2/3", &i, &n, &err), 0);
	assert_int_equal(i, 2);
	assert_int_equal(n, 3);
	assert_int_equal(partition_parse("1/1", &i, &n, &err), 0);
	assert_int_equal(partition_parse("3", &i, &n, &err), -EINVAL);
	assert_string_equal(err, "'3' is not I/N (e.g. 2/3)");
	free(err);
	assert_int_equal(partition_parse("0/3", &i, &n, &err), -EINVAL);
	assert_string_equal(err, "'0/3' needs 1 <= I <= N");
	free(err);
	assert_int_equal(partition_parse("4/3", &i, &n, &err), -EINVAL);
	free(err);
	assert_int_equal(partition_parse("1/100001", &i, &n, &err), -EINVAL);
	free(err);
	assert_int_equal(partition_parse("a/3", &i, &n, &err), -EINVAL);
	free(err);
}

static void resolve_ok(const char *flag, unsigned index, unsigned count, const char *source)
{
	struct partition p;
	char *err = NULL;

	assert_int_equal(partition_resolve(flag, &p, &err), 0);
	assert_int_equal(p.index, index);
	assert_int_equal(p.count, count);
	if (source)
		assert_string_equal(p.source, source);
	else
		assert_null(p.source);
}

static void resolve_err(const char *want)
{
	struct partition p;
	char *err = NULL;

	assert_int_equal(partition_resolve(NULL, &p, &err), -EINVAL);
	assert_non_null(strstr(err, want));
	assert_int_equal(p.count, 0);
	free(err);
}

static void test_resolve(void **state)
{
	resolve_ok(NULL, 0, 0, NULL);
	/* GitLab: 1-based */
	setenv("CI_NODE_INDEX", "3", 1);
	setenv("CI_NODE_TOTAL", "4", 1);
	resolve_ok(NULL, 3, 4, "CI_NODE_INDEX/CI_NODE_TOTAL");
	/* KTSTR_PARTITION before the engines', the flag before everything */
	setenv("KTSTR_PARTITION", "1/2", 1);
	resolve_ok(NULL, 1, 2, "KTSTR_PARTITION");
	resolve_ok("5/5", 5, 5, "--partition");
	setenv("KTSTR_PARTITION", "x", 1);
	resolve_err("KTSTR_PARTITION: 'x' is not I/N");
	clear_env(state);
	setenv("CI_NODE_INDEX", "0", 1);
	setenv("CI_NODE_TOTAL", "4", 1);
	resolve_err("CI_NODE_INDEX=0, CI_NODE_TOTAL=4: not a shard");
	clear_env(state);
	setenv("CI_NODE_INDEX", "2", 1);
	resolve_err("CI_NODE_INDEX=2 is set but CI_NODE_TOTAL is not");
	clear_env(state);
	/* Buildkite: 0-based */
	setenv("BUILDKITE_PARALLEL_JOB", "0", 1);
	setenv("BUILDKITE_PARALLEL_JOB_COUNT", "3", 1);
	resolve_ok(NULL, 1, 3, "BUILDKITE_PARALLEL_JOB/BUILDKITE_PARALLEL_JOB_COUNT");
	setenv("BUILDKITE_PARALLEL_JOB", "3", 1);
	resolve_err("BUILDKITE_PARALLEL_JOB=3, BUILDKITE_PARALLEL_JOB_COUNT=3: not a shard");
	clear_env(state);
	/* Kubernetes Indexed Job: 0-based, the total from KTSTR_PARTITION_COUNT */
	setenv("JOB_COMPLETION_INDEX", "4", 1);
	resolve_err("JOB_COMPLETION_INDEX=4 is set but KTSTR_PARTITION_COUNT is not");
	setenv("KTSTR_PARTITION_COUNT", "5", 1);
	resolve_ok(NULL, 5, 5, "JOB_COMPLETION_INDEX/KTSTR_PARTITION_COUNT");
	resolve_ok("1/1", 1, 1, "--partition");
}

static void item_of(const char *test, struct plan_item *it)
{
	const struct ktstr_test *t = find_test(test);

	memset(it, 0, sizeof(*it));
	it->test = t;
	it->name = (char *)t->name;
	entry_topology(t, &it->topo);
}

static void test_estimate(void **state)
{
	struct plan_item it;

	/* 1n2l2c1t, 2 s: sched_ext boots cold and loads its scheduler, EEVDF restores */
	item_of("cold", &it);
	assert_int_equal(partition_estimate_ms(&it, true), 2000 + 4000 + 4 * 250 + 500);
	assert_int_equal(partition_estimate_ms(&it, false), 7500);
	item_of("warm", &it);
	assert_int_equal(partition_estimate_ms(&it, true), 2000 + 700);
	assert_int_equal(partition_estimate_ms(&it, false), 2000 + 4000 + 4 * 250);
	item_of("long_warm", &it);
	assert_int_equal(partition_estimate_ms(&it, true), 9000 + 700);
	item_of("on_host", &it);
	assert_int_equal(partition_estimate_ms(&it, false), 2000 + 200);
}

/* The shard of the item named name in items[0..n), per shard[]. */
static unsigned shard_of(const struct plan_item *items, size_t n, const unsigned *shard,
			 const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(items[i].name, name))
			return shard[i];
	fail_msg("no item %s", name);
	return 0;
}

static void test_assign(void **state)
{
	struct plan p;
	struct plan_item *rev;
	unsigned *shard, *again, *shard_rev;

	big_plan(&p);
	shard = calloc(p.n, sizeof(*shard));
	again = calloc(p.n, sizeof(*again));
	shard_rev = calloc(p.n, sizeof(*shard_rev));
	rev = calloc(p.n, sizeof(*rev));
	for (size_t i = 0; i < p.n; i++)
		rev[i] = p.items[p.n - 1 - i];
	for (unsigned count = 1; count <= 7; count++) {
		uint64_t *load = calloc(count, sizeof(*load)), max_item = 0, lo = UINT64_MAX, hi = 0;
		size_t *items = calloc(count, sizeof(*items));

		partition_assign(p.items, p.n, count, true, shard);
		partition_assign(p.items, p.n, count, true, again);
		partition_assign(rev, p.n, count, true, shard_rev);
		for (size_t i = 0; i < p.n; i++) {
			uint64_t ms = partition_estimate_ms(&p.items[i], true);

			/* every item in exactly one shard, the same one every time, whatever the order */
			assert_true(shard[i] >= 1 && shard[i] <= count);
			assert_int_equal(again[i], shard[i]);
			assert_int_equal(shard_of(rev, p.n, shard_rev, p.items[i].name), shard[i]);
			load[shard[i] - 1] += ms;
			items[shard[i] - 1]++;
			max_item = MAX(max_item, ms);
		}
		for (unsigned s = 0; s < count; s++) {
			lo = MIN(lo, load[s]);
			hi = MAX(hi, load[s]);
			assert_true(items[s] > 0);
		}
		/* balanced by time: no shard ends more than one item after another */
		assert_true(hi - lo <= max_item);
		free(load);
		free(items);
	}
	free(shard);
	free(again);
	free(shard_rev);
	free(rev);
	plan_free(&p);
}

/* By time, not by count: one long item against several short ones. */
static void test_assign_by_time(void **state)
{
	struct plan_item it[5];
	unsigned shard[5];

	item_of("cold", &it[0]); /* 7.5 s */
	for (int i = 1; i < 5; i++) {
		item_of("warm", &it[i]); /* 2.7 s each */
		it[i].name = xasprintf("warm#%d", i);
	}
	partition_assign(it, 5, 2, true, shard);
	/* longest first, each to the lighter shard: 7.5 + 2.7 = 10.2 s in two items
	 * against 3 x 2.7 = 8.1 s in three */
	assert_int_equal(shard[0], 1);
	assert_int_equal(shard[1], 2);
	assert_int_equal(shard[2], 2);
	assert_int_equal(shard[3], 2);
	assert_int_equal(shard[4], 1);
	for (int i = 1; i < 5; i++)
		free(it[i].name);
}

static void test_plan_id(void **state)
{
	struct plan p;
	struct plan_item *rev;
	char *id, *id_rev, *id_cold, *id_less;

	big_plan(&p);
	rev = calloc(p.n, sizeof(*rev));
	for (size_t i = 0; i < p.n; i++)
		rev[i] = p.items[p.n - 1 - i];
	id = partition_plan_id(p.items, p.n, true);
	id_rev = partition_plan_id(rev, p.n, true);
	id_cold = partition_plan_id(p.items, p.n, false);
	id_less = partition_plan_id(p.items, p.n - 1, true);
	assert_int_equal(strlen(id), 64);
	assert_string_equal(id, id_rev);
	assert_string_not_equal(id, id_cold);
	assert_string_not_equal(id, id_less);
	free(id);
	free(id_rev);
	free(id_cold);
	free(id_less);
	free(rev);
	plan_free(&p);
}

static void test_select_manifest(void **state)
{
	struct plan p;
	struct partition pt = { 2, 3, "CI_NODE_INDEX/CI_NODE_TOTAL" };
	char dir[] = "/tmp/ktstr-partition-XXXXXX", *path, *err = NULL, *id;
	json_error_t jerr;
	json_t *m, *items;
	bool *keep;
	size_t mine = 0, listed_mine = 0;

	big_plan(&p);
	keep = calloc(p.n, sizeof(*keep));
	assert_non_null(mkdtemp(dir));
	assert_int_equal(partition_select(p.items, p.n, &pt, true, "test", dir, keep, &err), 0);
	path = xasprintf("%s/%s", dir, PARTITION_MANIFEST);
	m = json_load_file(path, 0, &jerr);
	assert_non_null(m);
	id = partition_plan_id(p.items, p.n, true);
	assert_string_equal(json_string_value(json_object_get(m, "plan_id")), id);
	assert_int_equal(json_integer_value(json_object_get(m, "index")), 2);
	assert_int_equal(json_integer_value(json_object_get(m, "count")), 3);
	assert_string_equal(json_string_value(json_object_get(m, "source")),
			    "CI_NODE_INDEX/CI_NODE_TOTAL");
	items = json_object_get(m, "items");
	assert_int_equal(json_array_size(items), p.n);
	for (size_t i = 0; i < p.n; i++) {
		json_t *e = json_array_get(items, i);
		char *rec = plan_item_record_name(&p.items[i]);

		assert_string_equal(json_string_value(json_object_get(e, "name")), p.items[i].name);
		assert_string_equal(json_string_value(json_object_get(e, "record")), rec);
		listed_mine += json_integer_value(json_object_get(e, "shard")) == 2;
		mine += keep[i];
		free(rec);
	}
	assert_int_equal(mine, listed_mine);
	assert_true(mine > 0 && mine < p.n);
	json_decref(m);
	unlink(path);
	rmdir(dir);
	free(path);
	free(id);
	free(keep);
	plan_free(&p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse),
		cmocka_unit_test_setup_teardown(test_resolve, clear_env, clear_env),
		cmocka_unit_test(test_estimate),
		cmocka_unit_test(test_assign),
		cmocka_unit_test(test_assign_by_time),
		cmocka_unit_test(test_plan_id),
		cmocka_unit_test(test_select_manifest),
	};

	return cmocka_run_group_tests(tests, clear_env, NULL);
}
