// SPDX-License-Identifier: GPL-2.0-only
/* Worker reports (JSON round trip, strictness, reservoir), every work type for real
 * on this machine, and the cgroup manager where a writable cgroup v2 tree exists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "guest/cgroup.h"
#include "guest/worker.h"
#include "util/util.h"

static void test_report_roundtrip(void **state)
{
	static struct ktstr_worker_report a, b;
	char *err = NULL;
	json_t *j;

	a.pid = 1234;
	a.index = 3;
	a.type = KTSTR_WT_FUTEX_PING_PONG;
	a.completed = true;
	a.messenger = true;
	a.work_units = 1ull << 40;
	a.iterations = 77;
	a.wall_ns = 2000000000;
	a.cpu_ns = 1500000000;
	a.off_cpu_ns = 500000000;
	a.run_delay_ns = 12345;
	a.run_count = 99;
	a.max_gap_ms = 2500;
	a.max_gap_at_ms = 800;
	a.max_gap_cpu = 1;
	a.migrations = 5;
	a.vol_switches = 6;
	a.invol_switches = 7;
	a.cpus_used[0] = 0x16;
	a.cpus_used[15] = 1ull << 63; /* CPU 1023 */
	a.nlat = 3;
	a.lat_total = 10;
	a.lat_ns[0] = 1;
	a.lat_ns[1] = 20000;
	a.lat_ns[2] = 3;
	a.nphases = 2;
	a.phase_work[0] = 1ull << 35;
	a.phase_runs[0] = 4;
	a.phase_runs[1] = 3;
	a.numa_pages[0] = 12;
	a.numa_pages[KTSTR_NUMA_MAX_NODES - 1] = 250;
	j = worker_report_to_json(&a);
	assert_int_equal(worker_report_from_json(j, &b, &err), 0);
	assert_null(err);
	json_decref(j);
	assert_memory_equal(&a, &b, sizeof(a));
}

static void expect_bad(const char *text, const char *msg)
{
	static struct ktstr_worker_report r, good;
	json_t *j = worker_report_to_json(&good), *patch = json_loads(text, 0, NULL);
	char *err = NULL;

	assert_non_null(patch);
	json_object_update(j, patch);
	assert_int_equal(worker_report_from_json(j, &r, &err), -EINVAL);
	if (!err || !strstr(err, msg))
		fail_msg("error \"%s\" lacks \"%s\"", err ? err : "(none)", msg);
	free(err);
	json_decref(patch);
	json_decref(j);
}

static void test_report_strict(void **state)
{
	expect_bad("{\"work_units\": -1}", "\"work_units\"");
	expect_bad("{\"iterations\": \"7\"}", "\"iterations\"");
	expect_bad("{\"type\": \"Nope\"}", "unknown work type Nope");
	expect_bad("{\"cpus_used\": \"0-\"}", "\"cpus_used\"");
	expect_bad("{\"max_gap_cpu\": 5000}", "\"max_gap_cpu\"");
	expect_bad("{\"completed\": 1}", "\"completed\"");
	expect_bad("{\"lat_ns\": [1, -2]}", "\"lat_ns\"[1]");
	expect_bad("{\"lat_ns\": [1, 2], \"lat_total\": 1}", "\"lat_total\"");
	expect_bad("{\"phase_work\": [1, 2], \"phase_runs\": [1]}", "differ in length");
	expect_bad("{\"phase_work\": [1, 2, 3, 4, 5, 6, 7, 8, 9], "
		   "\"phase_runs\": [1, 1, 1, 1, 1, 1, 1, 1, 1]}", "\"phase_work\" missing or longer than 8");
	expect_bad("{\"phase_work\": [-1], \"phase_runs\": [1]}", "\"phase_work\"[0]");
	expect_bad("{\"phase_runs\": null}", "\"phase_runs\"");
	expect_bad("{\"numa_pages\": [1, -2]}", "\"numa_pages\"[1]");
	expect_bad("{\"numa_pages\": [0, 0, 0, 0, 0, 0, 0, 0, 1]}",
		   "\"numa_pages\" missing or longer than 8");
	{
		/* more samples than the reservoir holds */
		static struct ktstr_worker_report r, good;
		json_t *j = worker_report_to_json(&good), *lat = json_array();
		char *err = NULL;

		for (int i = 0; i <= KTSTR_MAX_LAT_SAMPLES; i++)
			json_array_append_new(lat, json_integer(i));
		json_object_set_new(j, "lat_ns", lat);
		assert_int_equal(worker_report_from_json(j, &r, &err), -EINVAL);
		assert_non_null(strstr(err, "longer than"));
		free(err);
		json_decref(j);
	}
}

static void test_reservoir(void **state)
{
	static struct ktstr_worker_report r;
	uint64_t rng = 1, big = 0;

	for (uint64_t i = 0; i < 10 * KTSTR_MAX_LAT_SAMPLES; i++)
		worker_report_add_latency(&r, i, &rng);
	assert_int_equal(r.nlat, KTSTR_MAX_LAT_SAMPLES);
	assert_int_equal(r.lat_total, 10 * KTSTR_MAX_LAT_SAMPLES);
	/* a uniform sample keeps mostly late values */
	for (unsigned i = 0; i < r.nlat; i++)
		big += r.lat_ns[i] >= KTSTR_MAX_LAT_SAMPLES;
	assert_true(big > KTSTR_MAX_LAT_SAMPLES / 2);
}

/* Let every worker complete a few iterations: on a busy host a fresh process may wait
 * a long time for its first slice (bounded at 20 s). */
static void wait_progress(struct worker_set *s)
{
	uint64_t end = now_ns() + 20000000000ull;
	bool all;

	sleep_ms(100);
	do {
		all = true;
		for (unsigned i = 0; i < s->n; i++)
			all = all && worker_set_progress(s, i) >= 2;
		if (!all)
			sleep_ms(20);
	} while (!all && now_ns() < end);
}

static int count_units(struct ktstr_worker *w, void *arg)
{
	ktstr_worker_add_work(w, 1);
	return 0;
}

/* Every work type really runs: all its workers report non-zero work. */
static void test_all_work_types(void **state)
{
	const struct ktstr_phase *phases = KTSTR_PHASES(KTSTR_PHASE_SPIN(5), KTSTR_PHASE_SLEEP(5));

	for (int t = 0; t < KTSTR_WT_COUNT; t++) {
		struct worker_spec spec = { .work = { .type = t } };
		struct worker_set *s;
		char *err = NULL;
		unsigned gs = ktstr_work_group_size(&spec.work);

		spec.work.workers = gs > 1 ? gs : 2;
		if (t == KTSTR_WT_BURSTY)
			spec.work.p = (struct ktstr_work_params){ .burst_ms = 10, .sleep_ms = 10 };
		if (t == KTSTR_WT_SEQUENCE)
			spec.work.phases = phases;
		if (t == KTSTR_WT_CUSTOM)
			spec.work.custom = count_units;
		if (worker_set_spawn(&spec, &s, &err) < 0)
			fail_msg("%s: %s", ktstr_work_type_name(t), err);
		worker_set_start(s);
		wait_progress(s);
		worker_set_stop(s, 5000);
		for (unsigned i = 0; i < s->n; i++) {
			const struct ktstr_worker_report *r = &s->reports[i];

			print_message("%-16s #%u work %llu iterations %llu gap %llums cpus %#llx "
				      "lat %u\n",
				      ktstr_work_type_name(t), i, (unsigned long long)r->work_units,
				      (unsigned long long)r->iterations,
				      (unsigned long long)r->max_gap_ms,
				      (unsigned long long)r->cpus_used[0], r->nlat);
			assert_true(r->completed);
			assert_int_equal(r->type, t);
			assert_true(r->work_units > 0);
			assert_true(r->iterations > 0);
			assert_true(r->wall_ns > 0); /* it may start late on a busy host */
			assert_true(r->cpus_used[0] != 0);
		}
		worker_set_free(s);
	}
}

/* Workers bound to node 0 report their region's pages, all on node 0; a node the
 * machine lacks is refused at spawn. */
static void test_memory_policy(void **state)
{
	struct worker_spec spec = {
		.work = KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE, .workers = 2, .p = { .size_kb = 256 },
				   .mem = KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .nodes = "0")),
	};
	struct hw_topo topo;
	struct worker_set *s;
	char *err = NULL;

	if (hw_topo_read("/sys", &topo, &err) < 0 || !path_exists("/proc/self/numa_maps")) {
		free(err);
		skip();
	}
	spec.topo = &topo;
	assert_int_equal(worker_set_spawn(&spec, &s, &err), 0);
	worker_set_start(s);
	wait_progress(s);
	worker_set_stop(s, 5000);
	for (unsigned i = 0; i < s->n; i++) {
		const struct ktstr_worker_report *r = &s->reports[i];
		uint64_t total = 0;

		for (unsigned n = 0; n < KTSTR_NUMA_MAX_NODES; n++)
			total += r->numa_pages[n];
		print_message("worker %u: %llu of %llu pages on node 0\n", i,
			      (unsigned long long)r->numa_pages[0], (unsigned long long)total);
		assert_true(r->completed);
		assert_true(r->numa_pages[0] >= 64); /* 256 KiB, every page touched */
		assert_int_equal(r->numa_pages[0], total);
	}
	worker_set_free(s);
	spec.work.mem.nodes = "7";
	assert_int_equal(worker_set_spawn(&spec, &s, &err), -EINVAL);
	assert_non_null(strstr(err, "memory policy bind: nodes 7 beyond the topology's"));
	free(err);
}

/* A worker that cannot be stopped by SIGUSR1 in time is killed and reported. */
static void test_never_started(void **state)
{
	struct worker_spec spec = { .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .workers = 2) };
	struct worker_set *s;
	char *err = NULL;

	assert_int_equal(worker_set_spawn(&spec, &s, &err), 0);
	/* stop before start: released without a start, no reports */
	worker_set_stop(s, 1000);
	for (unsigned i = 0; i < s->n; i++) {
		assert_false(s->reports[i].completed);
		assert_int_equal(s->reports[i].work_units, 0);
	}
	worker_set_free(s);
}

static char *cg_parent(void)
{
	const char *roots[] = { "/sys/fs/cgroup/unified", "/sys/fs/cgroup" };

	if (geteuid() != 0)
		return NULL;
	for (unsigned i = 0; i < ARRAY_SIZE(roots); i++) {
		char *p = xasprintf("%s/cgroup.procs", roots[i]);
		bool ok = path_exists(p) && access(p, W_OK) == 0;

		free(p);
		if (ok)
			return xasprintf("%s/ktstr-unit-%d", roots[i], (int)getpid());
	}
	return NULL;
}

static void test_cgroup_manager(void **state)
{
	char *parent = cg_parent(), *err = NULL;
	struct worker_spec spec = { .work = KTSTR_WORK(KTSTR_WT_YIELD_HEAVY, .workers = 2) };
	struct worker_set *s;
	struct cgmgr m;
	pid_t *pids;
	char *dir;

	if (!parent) {
		print_message("no writable cgroup v2 hierarchy: skipped\n");
		skip();
	}
	assert_int_equal(cgmgr_init(&m, parent, &err), 0);
	assert_true(path_is_dir(parent));
	assert_int_equal(cgmgr_create(&m, "a"), 0);
	assert_int_equal(cgmgr_create(&m, "a/b"), 0);
	assert_int_equal(cgmgr_create(&m, "c"), 0);
	assert_int_equal(cgmgr_create(&m, "x/y"), -ENOENT);
	assert_int_equal(cgmgr_create(&m, "../evil"), -EINVAL);
	dir = cgmgr_path(&m, "a/b");
	spec.cgroup_dir = dir;
	assert_int_equal(worker_set_spawn(&spec, &s, &err), 0);
	assert_int_equal(cgmgr_procs(&m, "a/b", &pids), 2);
	free(pids);
	worker_set_start(s);
	wait_progress(s);
	assert_int_equal(cgmgr_move_all(&m, "a/b", "c"), 2);
	assert_int_equal(cgmgr_procs(&m, "a/b", &pids), 0);
	free(pids);
	assert_int_equal(cgmgr_procs(&m, "c", &pids), 2);
	free(pids);
	/* removing a busy cgroup drains it to the hierarchy root first */
	assert_int_equal(cgmgr_remove(&m, "c"), 0);
	assert_false(cgmgr_exists(&m, "c"));
	sleep_ms(100);
	worker_set_stop(s, 2000);
	for (unsigned i = 0; i < s->n; i++) {
		print_message("cgroup worker %d: completed %d status %#x work %llu\n",
			      s->reports[i].pid, s->reports[i].completed, s->reports[i].exit_status,
			      (unsigned long long)s->reports[i].work_units);
		assert_true(s->reports[i].work_units > 0);
	}
	worker_set_free(s);
	if (m.has_cpuset) {
		struct cpuset cpus, got;

		cpuset_parse("0", &cpus);
		assert_int_equal(cgmgr_set_cpuset(&m, "a", &cpus, NULL), 0);
		assert_int_equal(cgmgr_get_cpuset(&m, "a", false, &got), 0);
		assert_true(cpuset_equal(&cpus, &got));
		assert_int_equal(cgmgr_clear_cpuset(&m, "a"), 0);
	} else {
		struct cpuset cpus;

		cpuset_parse("0", &cpus);
		assert_int_equal(cgmgr_set_cpuset(&m, "a", &cpus, NULL), -EOPNOTSUPP);
	}
	/* everything else goes at cleanup, children first, and the parent we made */
	assert_int_equal(cgmgr_cleanup(&m), 0);
	assert_false(path_exists(parent));
	free(dir);
	free(parent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_report_roundtrip), cmocka_unit_test(test_report_strict),
		cmocka_unit_test(test_reservoir),        cmocka_unit_test(test_all_work_types),
		cmocka_unit_test(test_never_started),    cmocka_unit_test(test_cgroup_manager),
		cmocka_unit_test(test_memory_policy),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
