// SPDX-License-Identifier: GPL-2.0-only
/* Each check's arithmetic on hand-made worker reports. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "assert/checks.h"
#include "core/thresholds.h"
#include "util/util.h"

static struct ktstr_worker_report reps[8];
static struct check_worker cw[8];

static void mk(unsigned i, const char *cg, unsigned group, uint64_t work, double off_pct)
{
	struct ktstr_worker_report *r = &reps[i];

	memset(r, 0, sizeof(*r));
	r->pid = 100 + (int)i;
	r->completed = true;
	r->work_units = work;
	r->iterations = work / 1024 + 1;
	r->wall_ns = 1000000000ull;
	r->off_cpu_ns = (uint64_t)(off_pct * 1e7);
	r->cpu_ns = r->wall_ns - r->off_cpu_ns;
	r->max_gap_cpu = -1;
	memset(&cw[i], 0, sizeof(cw[i]));
	cw[i].r = r;
	cw[i].cgroup = cg;
	cw[i].group = group;
	cw[i].demand = group;
	cw[i].life_ms = 2000;
}

static bool has(const struct ktstr_result *res, enum ktstr_fail_kind kind, const char *msg)
{
	for (unsigned i = 0; i < res->ndetails; i++)
		if (res->details[i].kind == kind && strstr(res->details[i].msg, msg))
			return true;
	return false;
}

static double stat(const struct ktstr_result *res, const char *name)
{
	for (unsigned i = 0; i < res->nstats; i++)
		if (!strcmp(res->stats[i].name, name))
			return res->stats[i].value;
	fail_msg("no stat %s", name);
	return NAN;
}

static void dump(const struct ktstr_result *res)
{
	for (unsigned i = 0; i < res->ndetails; i++)
		print_message("  detail %s: %s\n", fail_kind_name(res->details[i].kind),
			      res->details[i].msg);
}

static void test_starved(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 3, .thr = &t };
	struct ktstr_result res;

	mk(0, "cg_0", 0, 5000, 10);
	mk(1, "cg_0", 0, 0, 10);
	mk(2, "cg_0", 0, 0, 100);
	reps[2].completed = false;
	reps[2].exit_status = 9;
	result_init(&res);
	check_starved(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 2);
	assert_true(has(&res, KTSTR_STARVED, "worker 101 starved (0 work units) in cgroup cg_0"));
	assert_true(has(&res, KTSTR_STARVED,
			"worker 102 starved (0 work units, never reported, wait status 0x9"));
	result_free(&res);
	/* not reaped: no wait status to show */
	reps[2].exit_status = -1;
	result_init(&res);
	check_starved(&in, &res);
	assert_true(has(&res, KTSTR_STARVED,
			"worker 102 starved (0 work units, never reported, not reaped 2 s after "
			"SIGKILL)"));
	result_free(&res);
	reps[2].exit_status = 9;
	/* a worker stopped 250 ms after its release may not have run yet */
	cw[1].life_ms = 250;
	result_init(&res);
	check_starved(&in, &res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_STARVED, "worker 102"));
	result_free(&res);
	cw[1].life_ms = 2000;
	/* switched off */
	t.not_starved = KTSTR_OFF;
	result_init(&res);
	check_starved(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
}

static void test_spread(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 5, .thr = &t };
	struct ktstr_result res;

	/* group 0: 10%, 20%, 90.5% waiting -> spread 80.5 > 75; group 1: 50%, 60% -> 10 ok */
	mk(0, "cg_0", 0, 1, 10);
	mk(1, "cg_0", 0, 1, 20);
	mk(2, "cg_0", 0, 1, 90.5);
	mk(3, "cg_1", 1, 1, 50);
	mk(4, "cg_1", 1, 1, 60);
	result_init(&res);
	check_spread(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_UNFAIR,
			"cgroup cg_0 (CpuSpin): wait spread 80.5 points between identical workers "
			"(min 10.0%, max 90.5%) > limit 75"));
	result_free(&res);
	/* wait% is schedstat's run delay where there is one: a sleeper that waited 5% of
	 * its time to run is not judged by the 60% it was off its CPU */
	reps[2].run_count = 10;
	reps[2].run_delay_ns = 50000000;
	assert_true(fabs(checks_wait_pct(&reps[2]) - 5) < 1e-9);
	assert_true(fabs(checks_off_cpu_pct(&reps[2]) - 90.5) < 1e-9);
	result_init(&res);
	check_spread(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
	reps[2].run_count = 0;
	/* a worker released 200 ms before its stop (a respawn loop) may have waited all
	 * of it under a correct scheduler: its wait% is not compared */
	cw[2].life_ms = 200;
	result_init(&res);
	check_spread(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
	cw[2].life_ms = 2000;
	/* a messenger is not compared; a single worker has no spread */
	reps[2].messenger = true;
	t.max_spread_pct = (struct ktstr_opt_f64)KTSTR_SET(9.0);
	result_init(&res);
	check_spread(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 2); /* 10 > 9 in both groups */
	result_free(&res);
	/* yielders are not compared, nor the members of a pair */
	reps[3].type = reps[4].type = KTSTR_WT_YIELD_HEAVY;
	result_init(&res);
	check_spread(&in, &res);
	assert_int_equal(res.ndetails, 1);
	result_free(&res);
	reps[3].type = reps[4].type = KTSTR_WT_CACHE_PIPE;
	result_init(&res);
	check_spread(&in, &res);
	assert_int_equal(res.ndetails, 1);
	result_free(&res);
	in.n = 1;
	result_init(&res);
	check_spread(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
}

static void test_gap(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 2, .thr = &t };
	struct ktstr_result res;

	mk(0, "cg_0", 0, 1, 0);
	mk(1, "cg_0", 0, 1, 0);
	reps[0].max_gap_ms = 2500;
	reps[0].max_gap_cpu = 1;
	reps[0].max_gap_at_ms = 800;
	reps[1].max_gap_ms = 2000; /* at the limit: not over */
	t.max_gap_ms = (struct ktstr_opt_u64)KTSTR_SET(2000);
	result_init(&res);
	check_gap(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_STUCK, "worker 100 stuck 2500ms on cpu1 at +800ms in cgroup cg_0 "
					   "(limit 2000ms)"));
	result_free(&res);
	/* a worker given a small share by design (SCHED_IDLE, NiceSweep) waits long */
	cw[0].low_share = true;
	result_init(&res);
	check_gap(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
	cw[0].low_share = false;
	/* the limit is the user's under every accelerator */
	t.max_gap_ms = (struct ktstr_opt_u64)KTSTR_SET(3000);
	result_init(&res);
	check_gap(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
}

static void test_cgroup_spread(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 6, .thr = &t };
	struct ktstr_result res;

	/* one demand class in two cgroups: cg_0 waits 11% and 13%, cg_1 88% and 90% */
	mk(0, "cg_0", 0, 1, 11);
	mk(1, "cg_0", 0, 1, 13);
	mk(2, "cg_1", 1, 1, 88);
	mk(3, "cg_1", 1, 1, 90);
	/* a yielder and another class are not compared */
	mk(4, "cg_1", 2, 1, 99);
	mk(5, "cg_2", 3, 1, 0);
	reps[4].type = KTSTR_WT_YIELD_HEAVY;
	for (unsigned i = 0; i < 5; i++)
		cw[i].demand = 7;
	result_init(&res);
	check_cgroup_spread(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_UNFAIR,
			"cgroups cg_0 and cg_1 run the same work (CpuSpin) but waited 12.0% and "
			"89.0% of the time: 77.0 points > limit 35 (cg_0 favoured)"));
	result_free(&res);
	/* different demand: nothing to compare */
	cw[2].demand = cw[3].demand = 8;
	result_init(&res);
	check_cgroup_spread(&in, &res);
	assert_int_equal(res.ndetails, 0);
	assert_int_equal(checks_run(&in, &res), KTSTR_PASS);
	assert_true(stat(&res, "worst_cgroup_spread") == 0);
	result_free(&res);
	/* within the limit: 26.5 points, as EEVDF gave two equal cgroups once in 2 s */
	cw[2].demand = cw[3].demand = 7;
	reps[2].off_cpu_ns = reps[3].off_cpu_ns = 385000000;
	result_init(&res);
	check_cgroup_spread(&in, &res);
	assert_int_equal(res.ndetails, 0);
	assert_int_equal(checks_run(&in, &res), KTSTR_PASS);
	assert_true(fabs(stat(&res, "worst_cgroup_spread") - 26.5) < 1e-9);
	result_free(&res);
}

static void test_isolation(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 3, .thr = &t };
	struct ktstr_result res;

	mk(0, "a", 0, 1, 0);
	mk(1, "a", 0, 1, 0);
	mk(2, "b", 1, 1, 0);
	for (unsigned i = 0; i < 3; i++)
		cpuset_parse("0-1", &cw[i].allowed);
	cw[0].constrained = cw[1].constrained = true;
	reps[0].cpus_used[0] = 0x3;  /* 0-1: fine */
	reps[1].cpus_used[0] = 0x1d; /* 0,2-4: 2-4 unexpected */
	reps[2].cpus_used[0] = 0xff; /* unconstrained */
	result_init(&res);
	check_isolation(&in, &res);
	assert_int_equal(res.ndetails, 0); /* isolation is off by default */
	t.isolation = KTSTR_ON;
	check_isolation(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_ISOLATION,
			"worker 101 ran on unexpected CPUs 2-4 (cgroup a allows 0-1)"));
	result_free(&res);
}

static void test_arith(void **state)
{
	uint64_t v[200];
	double d[4] = { 2, 4, 4, 6 };

	for (unsigned i = 0; i < 200; i++)
		v[i] = i + 1;
	/* nearest rank: ceil(200 * 0.99) = 198 */
	assert_int_equal(checks_percentile(v, 200, 99), 198);
	assert_int_equal(checks_percentile(v, 100, 99), 99);
	assert_int_equal(checks_percentile(v, 1, 99), 1);
	assert_int_equal(checks_percentile(v, 0, 99), 0);
	assert_int_equal(checks_percentile(v, 200, 50), 100);
	/* population: mean 4, sigma sqrt(2) */
	assert_true(fabs(checks_cv(d, 4) - sqrt(2.0) / 4) < 1e-12);
	assert_true(checks_cv(d, 1) == 0);
	d[0] = d[1] = d[2] = d[3] = 0;
	assert_true(checks_cv(d, 4) == 0);
}

static void test_throughput(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 2, .thr = &t };
	struct ktstr_result res;

	/* rates 1000 and 3000 units/cpu-s: mean 2000, sigma 1000, CV 0.5 */
	mk(0, "cg_0", 0, 500, 50);
	mk(1, "cg_0", 0, 1500, 50);
	result_init(&res);
	check_throughput(&in, &res);
	assert_int_equal(res.ndetails, 0); /* off by default */
	t.max_throughput_cv = (struct ktstr_opt_f64)KTSTR_SET(0.4);
	t.min_work_rate = (struct ktstr_opt_f64)KTSTR_SET(1500);
	check_throughput(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 2);
	assert_true(has(&res, KTSTR_BENCHMARK, "worker 100 work rate 1000 units/cpu-s < minimum 1500"));
	assert_true(has(&res, KTSTR_BENCHMARK, "throughput CV 0.500 > limit 0.4 over 2 workers"));
	result_free(&res);
}

static void test_latency(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 2, .thr = &t };
	struct ktstr_result res;

	mk(0, "cg_0", 0, 1, 0);
	mk(1, "cg_0", 0, 1, 0);
	/* 100 samples pooled: 1..100 us; p99 = 99 us */
	for (unsigned i = 0; i < 50; i++) {
		reps[0].lat_ns[i] = (i + 1) * 1000;
		reps[1].lat_ns[i] = (i + 51) * 1000;
	}
	reps[0].nlat = reps[1].nlat = 50;
	reps[0].lat_total = reps[1].lat_total = 50;
	t.max_p99_wake_latency_ns = (struct ktstr_opt_u64)KTSTR_SET(50000);
	t.max_wake_latency_cv = (struct ktstr_opt_f64)KTSTR_SET(0.5);
	result_init(&res);
	check_latency(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 2);
	assert_true(has(&res, KTSTR_BENCHMARK,
			"cgroup cg_0: p99 wake latency 99.0us (100 samples, limit 50us)"));
	/* CV of 1..100 = sqrt((100^2-1)/12) / 50.5 = 0.5716 */
	assert_true(has(&res, KTSTR_BENCHMARK, "wake latency CV 0.572 > limit 0.5"));
	result_free(&res);
	/* the median of 1..50 ms is 25 ms: at the default limit, not over; a fork round
	 * trip or a yield is not a wake-up and is left out */
	reps[1].type = KTSTR_WT_FORK_EXIT;
	for (unsigned i = 0; i < 50; i++) {
		reps[0].lat_ns[i] = (i + 1) * 1000000ull;
		reps[1].lat_ns[i] = 900000000;
	}
	t.max_wake_latency_cv.set = false;
	t.max_p99_wake_latency_ns.set = false;
	result_init(&res);
	check_latency(&in, &res);
	assert_int_equal(res.ndetails, 0);
	t.max_median_wake_latency_ns = (struct ktstr_opt_u64)KTSTR_SET(20000000);
	check_latency(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_LATENCY,
			"cgroup cg_0: median wake latency 25.0ms over 50 wake-ups > limit 20ms "
			"(20ms x 1 workers per CPU)"));
	result_free(&res);
	/* two workers on one CPU: a wake-up may queue behind the other, the limit doubles */
	in.ncpus = 1;
	result_init(&res);
	check_latency(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
}

static void test_migration_and_stats(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct check_input in = { .w = cw, .n = 3, .thr = &t };
	struct ktstr_result res;

	mk(0, "cg_0", 0, 1024 * 99, 10);
	mk(1, "cg_0", 0, 1024 * 99, 20);
	mk(2, "cg_1", 1, 1024 * 9, 40);
	reps[0].migrations = 30;
	reps[1].migrations = 10; /* cg_0: 40 / 200 iterations = 0.2 */
	reps[2].migrations = 0;
	reps[0].cpus_used[0] = 0x3;
	reps[1].cpus_used[0] = 0x6;
	reps[2].cpus_used[0] = 0x8;
	reps[1].max_gap_ms = 70;
	reps[1].max_gap_cpu = 2;
	t.max_migration_ratio = (struct ktstr_opt_f64)KTSTR_SET(0.1);
	result_init(&res);
	assert_int_equal(checks_run(&in, &res), KTSTR_FAIL);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_MIGRATION, "cgroup cg_0: migration ratio 0.2000 > limit 0.1"));
	assert_true(stat(&res, "workers") == 3);
	assert_true(stat(&res, "cpus") == 4);
	assert_true(stat(&res, "migrations") == 40);
	assert_true(fabs(stat(&res, "worst_spread") - 10) < 1e-9);
	assert_true(stat(&res, "worst_gap_ms") == 70);
	assert_true(stat(&res, "worst_gap_cpu") == 2);
	assert_true(stat(&res, "worst_host_stall_ms") == 0);
	assert_true(stat(&res, "cgroup.cg_0.workers") == 2);
	assert_true(stat(&res, "cgroup.cg_0.cpus") == 3);
	assert_true(fabs(stat(&res, "cgroup.cg_0.avg_off_cpu_pct") - 15) < 1e-9);
	assert_true(fabs(stat(&res, "cgroup.cg_0.avg_wait_pct") - 15) < 1e-9);
	assert_true(fabs(stat(&res, "cgroup.cg_0.migration_ratio") - 0.2) < 1e-12);
	assert_true(stat(&res, "cgroup.cg_1.spread") == 0);
	/* a second scenario in the same test folds in: counts add, worst-of keeps the worst */
	t.max_migration_ratio.set = false;
	reps[1].max_gap_ms = 20;
	reps[1].max_gap_cpu = 1;
	assert_int_equal(checks_run(&in, &res), KTSTR_PASS);
	assert_true(stat(&res, "workers") == 6);
	assert_true(stat(&res, "migrations") == 80);
	assert_true(stat(&res, "cpus") == 4);
	assert_true(stat(&res, "worst_gap_ms") == 70);
	assert_true(stat(&res, "worst_gap_cpu") == 2);
	assert_true(stat(&res, "cgroup.cg_0.workers") == 4);
	result_free(&res);
	/* a clean run passes */
	result_init(&res);
	assert_int_equal(checks_run(&in, &res), KTSTR_PASS);
	result_free(&res);
}

static void test_numa(void **state)
{
	struct ktstr_thresholds t = thresholds_defaults();
	struct cpuset nodes[2];
	struct check_input in = { .w = cw, .n = 3, .thr = &t, .node_cpus = nodes, .nnodes = 2 };
	struct ktstr_result res;
	uint64_t local, total;

	cpuset_parse("0-3", &nodes[0]);
	cpuset_parse("4-7", &nodes[1]);
	/* cg_0 on node 0 with 90 of 100 pages there; cg_1 on node 1 with all on node 0 */
	mk(0, "cg_0", 0, 1000, 10);
	mk(1, "cg_0", 0, 1000, 10);
	mk(2, "cg_1", 1, 1000, 10);
	for (unsigned i = 0; i < 3; i++)
		cw[i].constrained = true;
	cpuset_parse("0-3", &cw[0].allowed);
	cpuset_parse("0-3", &cw[1].allowed);
	cpuset_parse("4-5", &cw[2].allowed);
	reps[0].numa_pages[0] = 50;
	reps[1].numa_pages[0] = 40;
	reps[1].numa_pages[1] = 10;
	reps[2].numa_pages[0] = 64;
	checks_worker_locality(&in, &cw[1], &local, &total);
	assert_int_equal(local, 40);
	assert_int_equal(total, 50);
	/* off by default: recorded, not judged */
	result_init(&res);
	assert_int_equal(checks_run(&in, &res), KTSTR_PASS);
	assert_true(fabs(stat(&res, "cgroup.cg_0.page_locality") - 0.9) < 1e-9);
	assert_true(stat(&res, "cgroup.cg_1.page_locality") == 0);
	assert_true(stat(&res, "worst_page_locality") == 0);
	assert_true(stat(&res, "numa_pages") == 164);
	result_free(&res);
	t.min_page_locality = (struct ktstr_opt_f64)KTSTR_SET(0.85);
	result_init(&res);
	check_page_locality(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_PAGE_LOCALITY,
			"cgroup cg_1: page locality 0.0000 < limit 0.85 (0 of 64 pages on the "
			"nodes of its CPUs)"));
	result_free(&res);
	/* an unconstrained worker is local everywhere; work without pages is not judged */
	cw[2].constrained = false;
	reps[0].numa_pages[0] = reps[1].numa_pages[0] = reps[1].numa_pages[1] = 0;
	result_init(&res);
	check_page_locality(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
	/* 32 pages moved of 64: judged only with the vmstat delta and the limit */
	t.max_cross_node_migration_ratio = (struct ktstr_opt_f64)KTSTR_SET(0.25);
	in.numa_migrated = 32;
	result_init(&res);
	check_cross_node_migration(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
	in.have_numa_migrated = true;
	result_init(&res);
	check_cross_node_migration(&in, &res);
	dump(&res);
	assert_int_equal(res.ndetails, 1);
	assert_true(has(&res, KTSTR_CROSS_NODE_MIGRATION,
			"cross-node migration ratio 0.5000 > limit 0.25 (32 pages migrated by NUMA "
			"balancing / 64 pages of the workers)"));
	checks_numa_stats(&in, &res);
	assert_true(stat(&res, "worst_cross_node_migration_ratio") == 0.5);
	assert_true(stat(&res, "numa_pages_migrated") == 32);
	result_free(&res);
	in.numa_migrated = 16;
	result_init(&res);
	check_cross_node_migration(&in, &res);
	assert_int_equal(res.ndetails, 0);
	result_free(&res);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_starved),    cmocka_unit_test(test_spread),
		cmocka_unit_test(test_gap), cmocka_unit_test(test_isolation),
		cmocka_unit_test(test_arith),      cmocka_unit_test(test_throughput),
		cmocka_unit_test(test_latency),    cmocka_unit_test(test_migration_and_stats),
		cmocka_unit_test(test_cgroup_spread), cmocka_unit_test(test_numa),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
