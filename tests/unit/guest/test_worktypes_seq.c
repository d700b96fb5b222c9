// SPDX-License-Identifier: GPL-2.0-only
/* Sequence phase planning and its argument checks, Sequence and Custom workers for real:
 * per-phase counts, a Custom body in a loop and once, and a body that fails. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "guest/worker.h"
#include "guest/worktypes.h"
#include "util/util.h"

static void expect_plan_error(const struct ktstr_phase *phases, const char *msg)
{
	struct ktstr_phase out[KTSTR_MAX_PHASES];
	unsigned n = 99;
	char *err = NULL;

	assert_int_equal(wt_seq_plan(phases, out, &n, &err), -EINVAL);
	if (!err || !strstr(err, msg))
		fail_msg("error \"%s\" lacks \"%s\"", err ? err : "(none)", msg);
	assert_int_equal(n, 0);
	free(err);
}

static void test_plan_errors(void **state)
{
	expect_plan_error(NULL, "at least one phase");
	expect_plan_error(KTSTR_PHASES({ .end_ = true }), "at least one phase");
	expect_plan_error(KTSTR_PHASES({ .sleep = true }), "phase 1: a sleep phase takes .ms");
	expect_plan_error(KTSTR_PHASES(KTSTR_PHASE_SPIN(5), { .sleep = true, .ms = 5, .iters = 2 }),
			  "phase 2: a sleep phase");
	expect_plan_error(KTSTR_PHASES({ .type = KTSTR_WT_CPU_SPIN }), "exactly one of .ms and .iters");
	expect_plan_error(KTSTR_PHASES({ .type = KTSTR_WT_CPU_SPIN, .ms = 1, .iters = 1 }),
			  "exactly one of .ms and .iters (got 1 and 1)");
	expect_plan_error(KTSTR_PHASES({ .type = KTSTR_WT_PIPE_IO, .ms = 1 }),
			  "work type PipeIo cannot be a phase");
	expect_plan_error(KTSTR_PHASES({ .type = KTSTR_WT_NICE_SWEEP, .ms = 1 }), "NiceSweep");
	expect_plan_error(KTSTR_PHASES({ .type = KTSTR_WT_SEQUENCE, .ms = 1 }), "Sequence cannot");
	expect_plan_error(KTSTR_PHASES({ .type = KTSTR_WT_CUSTOM, .ms = 1 }), "Custom cannot");
	expect_plan_error(KTSTR_PHASES({ .type = (enum ktstr_work_type)1000, .ms = 1 }),
			  "cannot be a phase");
	expect_plan_error(KTSTR_PHASES(KTSTR_PHASE_SPIN(1), KTSTR_PHASE_SPIN(1), KTSTR_PHASE_SPIN(1),
				       KTSTR_PHASE_SPIN(1), KTSTR_PHASE_SPIN(1), KTSTR_PHASE_SPIN(1),
				       KTSTR_PHASE_SPIN(1), KTSTR_PHASE_SPIN(1), KTSTR_PHASE_SPIN(1)),
			  "more than 8 phases");
}

static void test_plan_resolves(void **state)
{
	struct ktstr_phase out[KTSTR_MAX_PHASES];
	unsigned n = 0;
	char *err = NULL;

	assert_int_equal(wt_seq_plan(KTSTR_PHASES(KTSTR_PHASE_SPIN(50), KTSTR_PHASE_SLEEP(20),
						  { .type = KTSTR_WT_BURSTY, .iters = 3,
						    .p = { .burst_ms = 7 } },
						  KTSTR_PHASE_IO(10)),
				     out, &n, &err),
			 0);
	assert_null(err);
	assert_int_equal(n, 4);
	assert_int_equal(out[0].p.spin_iters, 1024); /* the work type's defaults */
	assert_int_equal(out[0].ms, 50);
	assert_true(out[1].sleep);
	assert_int_equal(out[1].ms, 20);
	assert_int_equal(out[2].p.burst_ms, 7); /* given params are kept */
	assert_int_equal(out[2].p.sleep_ms, 100);
	assert_int_equal(out[2].iters, 3);
	assert_int_equal(out[3].type, KTSTR_WT_IO_SYNC);
}

static void test_phase_done(void **state)
{
	const struct ktstr_phase timed = KTSTR_PHASE_SPIN(20);
	const struct ktstr_phase counted = { .type = KTSTR_WT_CPU_SPIN, .iters = 3 };

	assert_false(wt_phase_done(&timed, 19999999, 1000));
	assert_true(wt_phase_done(&timed, 20000000, 0));
	assert_false(wt_phase_done(&counted, 1ull << 40, 2));
	assert_true(wt_phase_done(&counted, 0, 3));
}

static void test_resolve_rejects(void **state)
{
	struct ktstr_work seq = KTSTR_WORK(KTSTR_WT_SEQUENCE, .workers = 1);
	struct ktstr_work custom = KTSTR_WORK(KTSTR_WT_CUSTOM, .workers = 1);
	char *err = NULL;

	assert_int_equal(worker_work_resolve(&seq, &err), -EINVAL);
	assert_non_null(strstr(err, "at least one phase"));
	free(err);
	err = NULL;
	assert_int_equal(worker_work_resolve(&custom, &err), -EINVAL);
	assert_non_null(strstr(err, "without a function"));
	free(err);
}

/* Run spec for about ms, stop, return the set (caller frees). */
static struct worker_set *run_for(struct ktstr_work w, unsigned ms)
{
	struct worker_spec spec = { .work = w };
	struct worker_set *s;
	char *err = NULL;

	if (worker_set_spawn(&spec, &s, &err) < 0)
		fail_msg("spawn: %s", err);
	worker_set_start(s);
	sleep_ms(ms);
	worker_set_stop(s, 5000);
	return s;
}

static void test_sequence_counts(void **state)
{
	struct worker_set *s = run_for(
	    KTSTR_WORK(KTSTR_WT_SEQUENCE, .workers = 2,
		       .phases = KTSTR_PHASES(KTSTR_PHASE_SPIN(20), KTSTR_PHASE_SLEEP(10),
					      KTSTR_PHASE_YIELD(10),
					      { .type = KTSTR_WT_IO_SYNC, .iters = 2 })),
	    600);

	for (unsigned i = 0; i < s->n; i++) {
		const struct ktstr_worker_report *r = &s->reports[i];
		uint64_t sum = 0;

		print_message("worker %u: work %llu runs %llu/%llu/%llu/%llu\n", i,
			      (unsigned long long)r->work_units,
			      (unsigned long long)r->phase_runs[0],
			      (unsigned long long)r->phase_runs[1],
			      (unsigned long long)r->phase_runs[2],
			      (unsigned long long)r->phase_runs[3]);
		assert_true(r->completed);
		assert_int_equal(r->type, KTSTR_WT_SEQUENCE);
		assert_int_equal(r->nphases, 4);
		for (unsigned k = 0; k < 4; k++) {
			assert_true(r->phase_runs[k] >= 1);
			sum += r->phase_work[k];
		}
		/* each phase entered in turn: counts differ by at most one */
		assert_true(r->phase_runs[0] - r->phase_runs[3] <= 1);
		assert_true(r->phase_work[0] > 0);
		assert_int_equal(r->phase_work[1], 0); /* sleeping does no work */
		assert_true(r->phase_work[2] > 0);
		assert_true(r->phase_work[3] >= 32 * (r->phase_runs[3] - 1)); /* 2 x 16 writes */
		assert_int_equal(sum, r->work_units);
		assert_true(r->nlat > 0); /* the sleeps' wake-ups */
	}
	worker_set_free(s);
}

static int body_loop(struct ktstr_worker *w, void *arg)
{
	ktstr_worker_add_work(w, *(const unsigned *)arg);
	ktstr_worker_sleep_ns(w, 1000000);
	return 0;
}

static int body_once(struct ktstr_worker *w, void *arg)
{
	while (!ktstr_worker_stopping(w)) {
		ktstr_worker_add_work(w, 1);
		if (ktstr_worker_index(w) == 1)
			ktstr_worker_sleep_ns(w, 1000000);
	}
	return 0;
}

static int body_fails(struct ktstr_worker *w, void *arg)
{
	return -EIO;
}

static void test_custom(void **state)
{
	static const unsigned step = 7;
	struct ktstr_work once = KTSTR_WORK_CUSTOM_ONCE(body_once, NULL);
	struct worker_set *s = run_for(KTSTR_WORK(KTSTR_WT_CUSTOM, .workers = 2,
						  .custom = body_loop, .custom_arg = (void *)&step),
				       300);

	for (unsigned i = 0; i < s->n; i++) {
		assert_true(s->reports[i].completed);
		assert_int_equal(s->reports[i].type, KTSTR_WT_CUSTOM);
		assert_true(s->reports[i].work_units >= step);
		assert_int_equal(s->reports[i].work_units % step, 0);
		assert_int_equal(s->reports[i].iterations * step, s->reports[i].work_units);
	}
	worker_set_free(s);

	once.workers = 2;
	s = run_for(once, 300);
	for (unsigned i = 0; i < s->n; i++) {
		assert_true(s->reports[i].completed);
		assert_true(s->reports[i].work_units > 0);
		assert_int_equal(s->reports[i].iterations, 1); /* called once */
	}
	assert_true(s->reports[1].nlat > 0);
	worker_set_free(s);

	s = run_for(KTSTR_WORK(KTSTR_WT_CUSTOM, .workers = 1, .custom = body_fails), 200);
	assert_false(s->reports[0].completed);
	assert_true(WIFEXITED(s->reports[0].exit_status));
	assert_int_equal(WEXITSTATUS(s->reports[0].exit_status), 5);
	worker_set_free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_plan_errors),	cmocka_unit_test(test_plan_resolves),
		cmocka_unit_test(test_phase_done),	cmocka_unit_test(test_resolve_rejects),
		cmocka_unit_test(test_sequence_counts), cmocka_unit_test(test_custom),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
