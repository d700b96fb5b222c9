// SPDX-License-Identifier: GPL-2.0-only
/* The scenario executor on this machine: spawn and collect, a scheduler that dies
 * mid-run, setup errors, and cgroup steps where a writable cgroup v2 tree exists. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "core/thresholds.h"
#include "guest/scenario.h"
#include "util/util.h"

KTSTR_PAYLOAD(unit_payload, .binary = "true");

static struct hw_topo topo;
static struct ktstr_thresholds thr;
static struct ktstr_result res;

/* These test the executor's mechanics on a shared, possibly very busy host: the
 * timing checks (gap, spread) are off, starvation stays on. */
static struct scn_env env_for(unsigned ms)
{
	thr = thresholds_defaults();
	thr.max_gap_ms.set = false;
	thr.max_spread_pct.set = false;
	result_init(&res);
	return (struct scn_env){ .topo = &topo, .duration_ms = ms, .workers_per_cgroup = 2,
				 .thr = &thr, .time_scale = 1, .result = &res };
}

static bool has(enum ktstr_fail_kind kind, const char *msg)
{
	for (unsigned i = 0; i < res.ndetails; i++) {
		print_message("  detail %s: %s\n", fail_kind_name(res.details[i].kind),
			      res.details[i].msg);
		if (res.details[i].kind == kind && strstr(res.details[i].msg, msg))
			return true;
	}
	return false;
}

static int setup(void **state)
{
	return hw_topo_read("/sys", &topo, NULL);
}

static void test_spawn_and_collect(void **state)
{
	struct scn_env env = env_for(1000);
	struct ktstr_reports *r = scn_spawn_and_collect(&env, "", 2, KTSTR_WORK_FUTEX_PING_PONG);

	assert_non_null(r);
	assert_int_equal(ktstr_reports_count(r), 2);
	assert_true(ktstr_reports_min_work(r) > 0);
	assert_true(ktstr_reports_total_work(r) >= 2 * ktstr_reports_min_work(r));
	assert_true(ktstr_reports_latency_pct_ns(r, 99) >= ktstr_reports_latency_pct_ns(r, 50));
	assert_true(ktstr_reports_latency_pct_ns(r, 50) > 0);
	assert_non_null(ktstr_reports_get(r, 1));
	assert_null(ktstr_reports_get(r, 2));
	print_message("futex pair: work %llu, max gap %llu ms, p50 %llu ns, p99 %llu ns\n",
		      (unsigned long long)ktstr_reports_total_work(r),
		      (unsigned long long)ktstr_reports_max_gap_ms(r),
		      (unsigned long long)ktstr_reports_latency_pct_ns(r, 50),
		      (unsigned long long)ktstr_reports_latency_pct_ns(r, 99));
	assert_int_equal(scn_reports_check(&env, r), KTSTR_PASS);
	ktstr_reports_free(r);
	result_free(&res);
	/* an odd count for a paired type is refused with a detail */
	env = env_for(100);
	assert_null(scn_spawn_and_collect(&env, "", 3, KTSTR_WORK_PIPE_IO));
	assert_true(has(KTSTR_OTHER, "PipeIo requires a worker count divisible by 2, got 3"));
	result_free(&res);
}

static void test_sched_dies(void **state)
{
	struct scn_env env = env_for(1200);
	pid_t sched = fork();

	if (sched == 0) {
		usleep(250000);
		_exit(0);
	}
	env.sched_pid = sched;
	env.sched_name = "scx_fake";
	assert_true(scn_sched_alive(sched));
	assert_int_equal(scn_run_steps(&env, KTSTR_STEPS(
				{ .ops = KTSTR_OPS(KTSTR_OP_SPAWN("", KTSTR_WORK_CPU_SPIN)) },
				{ .ops = KTSTR_OPS(KTSTR_OP_SPAWN("", KTSTR_WORK_CPU_SPIN)) })),
			 KTSTR_FAIL);
	assert_true(has(KTSTR_SCHED_DIED,
			"scx_fake process died unexpectedly after completing step 0 of 2"));
	assert_int_equal(res.ndetails, 1); /* no judging of a run cut short */
	assert_false(scn_sched_alive(sched));
	waitpid(sched, NULL, 0);
	result_free(&res);
}

static void expect_setup_error(const struct ktstr_step *steps, const char *msg)
{
	struct scn_env env = env_for(100);

	assert_int_equal(scn_run_steps(&env, steps), KTSTR_FAIL);
	assert_true(has(KTSTR_OTHER, msg));
	result_free(&res);
}

static void test_setup_errors(void **state)
{
	expect_setup_error(KTSTR_STEPS({ .hold = KTSTR_HOLD_FRAC(-1) }), "step 1: invalid hold");
	expect_setup_error(KTSTR_STEPS({ .ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("nope")) }),
			   "remove: no cgroup nope");
	expect_setup_error(KTSTR_STEPS({ .ops = KTSTR_OPS(KTSTR_OP_SPAWN("", KTSTR_WORK_SEQUENCE(
						{ .type = KTSTR_WT_PIPE_IO, .ms = 5 }))) }),
			   "work type PipeIo cannot be a phase");
	expect_setup_error(KTSTR_STEPS({ .ops = KTSTR_OPS(KTSTR_OP_PAYLOAD_START(&unit_payload)) }),
			   "payloads need a test context");
	expect_setup_error(KTSTR_STEPS({ .ops = KTSTR_OPS(KTSTR_OP_PAYLOAD_STOP(&unit_payload)) }),
			   "payload 'unit_payload' is not running in the background");
}

/* A backdrop's workers run beside every step and are judged with theirs. */
static void test_backdrop(void **state)
{
	struct scn_env env = env_for(1200);
	double workers = -1;

	assert_int_equal(scn_run_scenario(&env,
			&(struct ktstr_backdrop){ .ops = KTSTR_OPS(KTSTR_OP_SPAWN("",
				KTSTR_WORK_SEQUENCE(KTSTR_PHASE_SPIN(20), KTSTR_PHASE_SLEEP(10)))) },
			KTSTR_STEPS({ .ops = KTSTR_OPS(KTSTR_OP_SPAWN("", KTSTR_WORK_CPU_SPIN)) },
				    { .ops = KTSTR_OPS(KTSTR_OP_SPAWN("", KTSTR_WORK_YIELD_HEAVY)) })),
			 KTSTR_PASS);
	for (unsigned i = 0; i < res.nstats; i++)
		if (!strcmp(res.stats[i].name, "workers"))
			workers = res.stats[i].value;
	assert_true(workers == 6);
	result_free(&res);
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
			return xasprintf("%s/ktstr-unit-scn-%d", roots[i], (int)getpid());
	}
	return NULL;
}

/* Cgroups come and go, tasks move, workers stop; everything is gone afterwards. */
static void test_cgroup_steps(void **state)
{
	char *parent = cg_parent();
	struct scn_env env;
	double v = -1, host = -1;

	if (!parent) {
		print_message("no writable cgroup v2 hierarchy: skipped\n");
		skip();
	}
	env = env_for(1500);
	env.cgroup_parent = parent;
	assert_int_equal(scn_run_steps(&env, KTSTR_STEPS(
			{ .cgroups = KTSTR_CGROUPS({ .name = "outer", .no_workers = true },
						   { .name = "outer/a" },
						   { .name = "outer/b", .no_workers = true },
						   { .name = "gone", .workers = 1 }) },
			{ .ops = KTSTR_OPS(KTSTR_OP_MOVE_ALL_TASKS("outer/a", "outer/b"),
					   KTSTR_OP_REMOVE_CGROUP("gone")) },
			{ .ops = KTSTR_OPS(KTSTR_OP_SPAWN("outer/a", KTSTR_WORK_BURSTY_P(10, 10)),
					   KTSTR_OP_STOP_CGROUP("outer/b"),
					   KTSTR_OP_SPAWN_HOST(KTSTR_WORK_CPU_SPIN)) })),
			 KTSTR_PASS);
	for (unsigned i = 0; i < res.nstats; i++) {
		if (!strcmp(res.stats[i].name, "cgroup.outer/b.workers"))
			v = res.stats[i].value;
		if (!strcmp(res.stats[i].name, "cgroup.(host).workers"))
			host = res.stats[i].value;
	}
	assert_true(v == 2); /* the moved workers are judged where they ended */
	assert_true(host == 2); /* reported as the host's */
	assert_false(path_exists(parent));
	result_free(&res);
	free(parent);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_spawn_and_collect),
		cmocka_unit_test(test_sched_dies),
		cmocka_unit_test(test_setup_errors),
		cmocka_unit_test(test_backdrop),
		cmocka_unit_test(test_cgroup_steps),
	};

	return cmocka_run_group_tests(tests, setup, NULL);
}
