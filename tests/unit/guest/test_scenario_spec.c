// SPDX-License-Identifier: GPL-2.0-only
/* Cpuset specs resolved against hand-made topologies; catalog table sanity and needs. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest/catalog.h"
#include "guest/scenario.h"
#include "guest/worker.h"
#include "util/util.h"

/* 2 nodes, 4 LLCs of 2 CPUs: node0 = 0-3 (llc 0-1, 2-3), node1 = 4-7. */
static void topo_2n4l2c(struct hw_topo *t)
{
	memset(t, 0, sizeof(*t));
	cpuset_parse("0-7", &t->online);
	t->ncpus = 8;
	t->nllcs = 4;
	for (unsigned i = 0; i < 4; i++) {
		cpuset_set(&t->llc[i], 2 * i);
		cpuset_set(&t->llc[i], 2 * i + 1);
	}
	t->nnodes = 2;
	cpuset_parse("0-3", &t->node[0]);
	cpuset_parse("4-7", &t->node[1]);
}

static void expect(const struct hw_topo *t, struct ktstr_cpuset_spec s, const char *want)
{
	struct cpuset out;
	char *err = NULL, *got;

	assert_int_equal(scn_cpuset_resolve(&s, t, &out, &err), 0);
	assert_null(err);
	got = cpuset_format(&out);
	assert_string_equal(got, want);
	free(got);
}

static void expect_err(const struct hw_topo *t, struct ktstr_cpuset_spec s, const char *msg)
{
	struct cpuset out;
	char *err = NULL;

	assert_true(scn_cpuset_resolve(&s, t, &out, &err) < 0);
	assert_non_null(err);
	if (!strstr(err, msg))
		fail_msg("error \"%s\" does not contain \"%s\"", err, msg);
	free(err);
}

static void test_llc_numa(void **state)
{
	struct hw_topo t;

	topo_2n4l2c(&t);
	expect(&t, KTSTR_CPUSET_LLC(0), "0-1");
	expect(&t, KTSTR_CPUSET_LLC(3), "6-7");
	expect(&t, KTSTR_CPUSET_NUMA(1), "4-7");
	expect_err(&t, KTSTR_CPUSET_LLC(4), "LLC index 4 >= LLC count 4");
	expect_err(&t, KTSTR_CPUSET_NUMA(2), "NUMA node 2 >= node count 2");
}

static void test_range(void **state)
{
	struct hw_topo t;

	topo_2n4l2c(&t);
	expect(&t, KTSTR_CPUSET_RANGE(0, 0.5), "0-3");
	expect(&t, KTSTR_CPUSET_RANGE(0.5, 1), "4-7");
	expect(&t, KTSTR_CPUSET_RANGE(0.25, 0.75), "2-5");
	expect(&t, KTSTR_CPUSET_RANGE(0, 0.01), "0"); /* never empty */
	expect(&t, KTSTR_CPUSET_RANGE(0.9, 1), "7");
	expect_err(&t, KTSTR_CPUSET_RANGE(0.5, 0.5), "0 <= start < end <= 1");
	expect_err(&t, KTSTR_CPUSET_RANGE(-0.1, 0.5), "0 <= start < end <= 1");
	expect_err(&t, KTSTR_CPUSET_RANGE(0, 1.5), "0 <= start < end <= 1");
}

static void test_partitions(void **state)
{
	struct hw_topo t;

	topo_2n4l2c(&t);
	expect(&t, KTSTR_CPUSET_DISJOINT(0, 2), "0-3");
	expect(&t, KTSTR_CPUSET_DISJOINT(1, 2), "4-7");
	expect(&t, KTSTR_CPUSET_DISJOINT(1, 3), "2-4"); /* 8/3: 0-1, 2-4, 5-7 */
	expect(&t, KTSTR_CPUSET_DISJOINT(2, 3), "5-7");
	expect(&t, KTSTR_CPUSET_DISJOINT(7, 8), "7");
	expect_err(&t, KTSTR_CPUSET_DISJOINT(3, 3), "partition index 3 >= partition count 3");
	expect_err(&t, KTSTR_CPUSET_DISJOINT(0, 9), "not enough usable CPUs (8) for 9 partitions");
	/* overlap widens each part by frac of a part on both sides, clipped */
	expect(&t, KTSTR_CPUSET_OVERLAP(0, 2, 0.5), "0-5");
	expect(&t, KTSTR_CPUSET_OVERLAP(1, 2, 0.5), "2-7");
	expect(&t, KTSTR_CPUSET_OVERLAP(1, 4, 0.5), "1-4");
	expect(&t, KTSTR_CPUSET_OVERLAP(1, 4, 0), "2-3");
	expect_err(&t, KTSTR_CPUSET_OVERLAP(0, 2, 1.5), "overlap fraction");
}

static void test_exact_none(void **state)
{
	struct hw_topo t;
	struct ktstr_cpuset_spec none = { 0 };
	struct cpuset out;
	char *err = NULL;

	topo_2n4l2c(&t);
	expect(&t, KTSTR_CPUSET_EXACT("1,3-4"), "1,3-4");
	expect_err(&t, KTSTR_CPUSET_EXACT("7-9"), "not within the online CPUs 0-7");
	expect_err(&t, KTSTR_CPUSET_EXACT("x"), "bad exact cpu list");
	expect_err(&t, KTSTR_CPUSET_EXACT(""), "bad exact cpu list");
	assert_int_equal(scn_cpuset_resolve(&none, &t, &out, &err), 0);
	assert_int_equal(cpuset_count(&out), 0);
}

static void test_affinity(void **state)
{
	struct hw_topo t;
	struct cpuset pool, out;
	uint64_t rng = 42;
	char *s;

	topo_2n4l2c(&t);
	cpuset_parse("1-4", &pool);
	assert_false(worker_affinity_resolve(&(struct ktstr_affinity){ .kind = KTSTR_AFF_INHERIT }, &pool, &t,
					     &rng, &out));
	assert_true(worker_affinity_resolve(&(struct ktstr_affinity){ .kind = KTSTR_AFF_SINGLE_CPU }, &pool,
					    &t, &rng, &out));
	s = cpuset_format(&out);
	assert_string_equal(s, "1");
	free(s);
	/* LLC 1 (2-3) overlaps the pool most */
	assert_true(worker_affinity_resolve(&(struct ktstr_affinity){ .kind = KTSTR_AFF_LLC_ALIGNED }, &pool,
					    &t, &rng, &out));
	s = cpuset_format(&out);
	assert_string_equal(s, "2-3");
	free(s);
	for (int i = 0; i < 20; i++) {
		assert_true(worker_affinity_resolve(
			&(struct ktstr_affinity){ .kind = KTSTR_AFF_RANDOM_SUBSET }, &pool, &t, &rng, &out));
		assert_int_equal(cpuset_count(&out), 2);
		assert_true(cpuset_is_subset(&out, &pool));
	}
	/* exact: intersected with the pool, or as given when disjoint */
	assert_true(worker_affinity_resolve(&(struct ktstr_affinity){ .kind = KTSTR_AFF_EXACT, .cpus = "0-2" }, &pool,
					    &t, &rng, &out));
	s = cpuset_format(&out);
	assert_string_equal(s, "1-2");
	free(s);
	assert_true(worker_affinity_resolve(&(struct ktstr_affinity){ .kind = KTSTR_AFF_EXACT, .cpus = "6" }, &pool,
					    &t, &rng, &out));
	s = cpuset_format(&out);
	assert_string_equal(s, "6");
	free(s);
	/* empty pool = every online CPU */
	cpuset_zero(&pool);
	assert_true(worker_affinity_resolve(&(struct ktstr_affinity){ .kind = KTSTR_AFF_RANDOM_SUBSET }, &pool,
					    &t, &rng, &out));
	assert_int_equal(cpuset_count(&out), 4);
}

static void test_work_resolve(void **state)
{
	struct ktstr_work w = KTSTR_WORK_PIPE_IO;
	char *err = NULL;

	w.workers = 3;
	assert_int_equal(worker_work_resolve(&w, &err), -EINVAL);
	assert_string_equal(err, "PipeIo requires a worker count divisible by 2, got 3");
	free(err);
	err = NULL;
	w = KTSTR_WORK(KTSTR_WT_FAN_OUT_COMPUTE, .workers = 10);
	assert_int_equal(worker_work_resolve(&w, &err), 0);
	assert_int_equal(w.p.group, 4);
	assert_int_equal(ktstr_work_group_size(&w), 5);
	assert_int_equal(w.p.footprint_kb, 256);
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .policy = KTSTR_POLICY_FIFO);
	assert_int_equal(worker_work_resolve(&w, &err), 0);
	assert_int_equal(w.prio, 1);
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .policy = KTSTR_POLICY_RR, .prio = 100);
	assert_int_equal(worker_work_resolve(&w, &err), -EINVAL);
	assert_string_equal(err, "RT priority 100 outside 1..99");
	free(err);
	err = NULL;
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .nice = 20);
	assert_int_equal(worker_work_resolve(&w, &err), -EINVAL);
	assert_string_equal(err, "nice 20 outside -20..19");
	free(err);
	err = NULL;
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .policy = KTSTR_POLICY_FIFO, .nice = 5);
	assert_int_equal(worker_work_resolve(&w, &err), -EINVAL);
	assert_string_equal(err, "nice 5 on an RT policy");
	free(err);
	err = NULL;
	/* deadline: runtime 2 ms, the period 10 ms (or the deadline past it), deadline =
	 * period */
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .policy = KTSTR_POLICY_DEADLINE);
	assert_int_equal(worker_work_resolve(&w, &err), 0);
	assert_int_equal(w.dl_runtime_us, 2000);
	assert_int_equal(w.dl_deadline_us, 10000);
	assert_int_equal(w.dl_period_us, 10000);
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .policy = KTSTR_POLICY_DEADLINE,
		       .dl_runtime_us = 500, .dl_deadline_us = 20000);
	assert_int_equal(worker_work_resolve(&w, &err), 0);
	assert_int_equal(w.dl_period_us, 20000);
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .policy = KTSTR_POLICY_DEADLINE,
		       .dl_runtime_us = 3000, .dl_deadline_us = 2000, .dl_period_us = 5000);
	assert_int_equal(worker_work_resolve(&w, &err), -EINVAL);
	assert_string_equal(err, "deadline runtime 3000 us <= deadline 2000 us <= period 5000 us "
				 "does not hold");
	free(err);
	err = NULL;
	w = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 1, .policy = KTSTR_POLICY_DEADLINE,
		       .dl_runtime_us = 1000, .dl_period_us = 500);
	assert_int_equal(worker_policy_resolve(&w, &err), -EINVAL);
	free(err);
	w = KTSTR_WORK_BURSTY;
	w.workers = 1;
	assert_int_equal(worker_work_resolve(&w, &err), 0);
	assert_int_equal(w.p.burst_ms, 50);
	assert_int_equal(w.p.sleep_ms, 100);
	for (int t = 0; t < KTSTR_WT_COUNT; t++)
		assert_int_equal(ktstr_work_type_parse(ktstr_work_type_name(t)), t);
	assert_int_equal(ktstr_work_type_parse("Nope"), -1);
}

static void test_catalog(void **state)
{
	const char *required[] = { "steady", "steady_llc", "oversubscribed", "cpuset_apply",
				   "cpuset_clear", "cpuset_resize", "cgroup_add", "cgroup_remove",
				   "affinity_change", "affinity_pinned", "mixed_workloads",
				   "nested_steady", "nested_task_move" };

	assert_true(ktstr_scenarios_count() >= ARRAY_SIZE(required));
	for (unsigned i = 0; i < ARRAY_SIZE(required); i++)
		assert_non_null(ktstr_scenario_find(required[i]));
	assert_null(ktstr_scenario_find("nope"));
	assert_null(ktstr_scenario_at(ktstr_scenarios_count()));
	for (unsigned i = 1; i < ktstr_scenarios_count(); i++) {
		const struct ktstr_scenario *a = ktstr_scenario_at(i - 1), *b = ktstr_scenario_at(i);
		int c = strcmp(a->category, b->category);

		/* sorted by category, then name; names unique */
		assert_true(c < 0 || (c == 0 && strcmp(a->name, b->name) < 0));
		assert_true(*b->description);
	}
}

/* A scenario's needs against what a topology and scheduler offer: the first unmet need
 * is the reason; every need met (or none) runs it. */
static void test_needs(void **state)
{
	const struct ktstr_scenario_needs all = {
	    .cpus = 4, .llcs = 2, .numa_nodes = 2, .smt = true, .sched_ext = true};
	struct scn_offer o = {
	    .cpus = 8, .llcs = 4, .numa_nodes = 2, .threads_per_core = 2, .sched_ext = true};
	char buf[128] = "untouched";

	assert_false(scn_needs_unmet(&all, &o, buf, sizeof(buf)));
	assert_string_equal(buf, "untouched");
	assert_false(scn_needs_unmet(&(struct ktstr_scenario_needs){0},
				     &(struct scn_offer){.cpus = 1}, buf, sizeof(buf)));
	/* one offer short of each need in turn: that need is the reason */
	{
		static const struct {
			struct scn_offer o;
			const char *why;
		} short_of[] = {
		    {{.cpus = 2, .llcs = 4, .numa_nodes = 2, .threads_per_core = 2, .sched_ext = true},
		     "needs 4 CPUs, the topology has 2"},
		    {{.cpus = 4, .llcs = 1, .numa_nodes = 2, .threads_per_core = 2, .sched_ext = true},
		     "needs 2 LLCs, the topology has 1"},
		    {{.cpus = 4, .llcs = 2, .numa_nodes = 1, .threads_per_core = 2, .sched_ext = true},
		     "needs 2 NUMA nodes, the topology has 1"},
		    {{.cpus = 4, .llcs = 2, .numa_nodes = 2, .threads_per_core = 1, .sched_ext = true},
		     "needs SMT, the topology has 1 thread per core"},
		    {{.cpus = 4, .llcs = 2, .numa_nodes = 2, .threads_per_core = 2},
		     "needs a sched_ext scheduler, the kernel's own is running"},
		};

		for (unsigned i = 0; i < ARRAY_SIZE(short_of); i++) {
			assert_true(scn_needs_unmet(&all, &short_of[i].o, buf, sizeof(buf)));
			assert_string_equal(buf, short_of[i].why);
		}
	}

	scn_needs_format(&all, buf, sizeof(buf));
	assert_string_equal(buf, "4 CPUs, 2 LLCs, 2 NUMA nodes, SMT, sched_ext");
	scn_needs_format(&(struct ktstr_scenario_needs){.llcs = 2}, buf, sizeof(buf));
	assert_string_equal(buf, "2 LLCs");
	scn_needs_format(&(struct ktstr_scenario_needs){0}, buf, sizeof(buf));
	assert_string_equal(buf, "");
}

/* The list macros: terminators hidden, zero fields default. */
static void test_list_macros(void **state)
{
	const struct ktstr_cgroup_def *d =
		KTSTR_CGROUPS({ .name = "a", .cpuset = KTSTR_CPUSET_LLC(1) },
			      { .name = "b", .workers = 3, .work = KTSTR_WORK_BURSTY_P(5, 7) });
	const struct ktstr_step *st = KTSTR_STEPS(
		{ .cgroups = d, .hold = KTSTR_HOLD_FRAC(0.5) },
		{ .ops = KTSTR_OPS(KTSTR_OP_SET_CPUSET("a", KTSTR_CPUSET_DISJOINT(0, 2)),
				   KTSTR_OP_SWAP_CPUSETS("a", "b")) });

	assert_string_equal(d[1].name, "b");
	assert_int_equal(d[0].cpuset.kind, KTSTR_CPUSET_KIND_LLC);
	assert_int_equal(d[0].cpuset.index, 1);
	assert_int_equal(d[0].work.type, KTSTR_WT_CPU_SPIN);
	assert_int_equal(d[1].work.p.sleep_ms, 7);
	assert_true(d[2].end_);
	assert_false(st[1].end_);
	assert_true(st[2].end_);
	assert_int_equal(st[1].ops[0].cpuset.of, 2);
	assert_int_equal(st[1].ops[1].kind, KTSTR_OPK_SWAP_CPUSETS);
	assert_int_equal(st[1].ops[2].kind, KTSTR_OPK_END);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_llc_numa),     cmocka_unit_test(test_range),
		cmocka_unit_test(test_partitions),   cmocka_unit_test(test_exact_none),
		cmocka_unit_test(test_affinity),     cmocka_unit_test(test_work_resolve),
		cmocka_unit_test(test_catalog),      cmocka_unit_test(test_list_macros),
		cmocka_unit_test(test_needs),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
