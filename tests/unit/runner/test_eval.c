// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "runner/eval.h"

static struct vm_result vm_ok(void)
{
	struct vm_result v = { .got_hello = true, .got_exit = true, .guest_exit = 0 };

	return v;
}

static void run(const struct eval_input *in, struct eval_outcome *out)
{
	eval_verdict(in, out);
}

static void assert_detail(const struct eval_outcome *o, unsigned i, enum ktstr_fail_kind kind,
			  const char *msg)
{
	assert_true(i < o->result.ndetails);
	assert_int_equal(o->result.details[i].kind, kind);
	assert_string_equal(o->result.details[i].msg, msg);
}

static void test_pass(void **state)
{
	struct vm_result vm = vm_ok();
	struct ktstr_result g;
	struct eval_outcome o;

	result_init(&g);
	result_stat(&g, "worst_spread", 3.0);
	run(&(struct eval_input){ .guest = &g, .vm = &vm, .timeout_s = 60 }, &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	assert_int_equal(o.result.ndetails, 0);
	assert_int_equal(o.result.nstats, 1);
	assert_true(o.reached_verdict);
	assert_false(o.show_diagnostics);
	assert_null(o.note);
	eval_outcome_free(&o);
	result_free(&g);
}

static void test_guest_fail_and_skip(void **state)
{
	struct vm_result vm = vm_ok();
	struct ktstr_result g;
	struct eval_outcome o;

	result_init(&g);
	result_fail(&g, KTSTR_STUCK, "stuck 2500ms on cpu1");
	vm.guest_exit = GUEST_EXIT_FAIL;
	run(&(struct eval_input){ .guest = &g, .vm = &vm }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_detail(&o, 0, KTSTR_STUCK, "stuck 2500ms on cpu1");
	assert_false(o.show_diagnostics);
	eval_outcome_free(&o);
	result_free(&g);

	result_init(&g);
	result_skip(&g, "needs SMT");
	run(&(struct eval_input){ .guest = &g, .vm = &vm, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_SKIP); /* expect_err leaves skips alone */
	assert_string_equal(o.result.skip_reason, "needs SMT");
	eval_outcome_free(&o);
	result_free(&g);
}

static void test_timeout(void **state)
{
	struct vm_result vm = { .timed_out = true, .got_hello = true };
	struct eval_outcome o;

	run(&(struct eval_input){ .vm = &vm, .timeout_s = 66, .stage = "body" }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_int_equal(o.result.ndetails, 1);
	assert_detail(&o, 0, KTSTR_TIMEOUT, "timed out after 66 s");
	assert_true(o.show_diagnostics);
	assert_false(o.reached_verdict);
	eval_outcome_free(&o);

	/* A timeout is never the failure expect_err waits for. */
	run(&(struct eval_input){ .vm = &vm, .timeout_s = 66, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_false(o.expected_failure);
	eval_outcome_free(&o);
}

static void test_timeout_after_result(void **state)
{
	struct vm_result vm = { .timed_out = true, .got_hello = true };
	struct ktstr_result g;
	struct eval_outcome o;

	result_init(&g);
	result_stat(&g, "x", 1);
	run(&(struct eval_input){ .guest = &g, .vm = &vm, .timeout_s = 10 }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_detail(&o, 0, KTSTR_TIMEOUT, "timed out after 10 s");
	assert_int_equal(o.result.nstats, 1);
	eval_outcome_free(&o);
	result_free(&g);
}

/* The guest init reports a body that outlived its limit as a timeout detail. */
static void test_guest_timeout(void **state)
{
	struct vm_result vm = vm_ok();
	struct ktstr_result g;
	struct eval_outcome o;

	vm.guest_exit = GUEST_EXIT_FAIL;
	result_init(&g);
	result_fail(&g, KTSTR_TIMEOUT, "timed out: the test body did not finish within 5 s");
	run(&(struct eval_input){ .guest = &g, .vm = &vm, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_false(o.expected_failure);
	assert_true(o.show_diagnostics);
	eval_outcome_free(&o);
	result_free(&g);
}

static void test_panic(void **state)
{
	struct vm_result vm = { .panicked = true, .got_hello = true,
				.panic_line = "Kernel panic - not syncing: Fatal exception" };
	struct eval_outcome o;

	run(&(struct eval_input){ .vm = &vm }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_int_equal(o.result.ndetails, 1); /* no extra "no result" detail */
	assert_detail(&o, 0, KTSTR_CRASH, "kernel panic: Kernel panic - not syncing: Fatal exception");
	assert_true(o.show_diagnostics);
	eval_outcome_free(&o);
}

static void test_no_result(void **state)
{
	struct vm_result vm = { .got_hello = true };
	struct eval_outcome o;

	run(&(struct eval_input){ .vm = &vm, .stage = "scheduler started" }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_detail(&o, 0, KTSTR_OTHER,
		      "no test result from the guest (init stage: scheduler started)");
	assert_true(o.show_diagnostics);
	eval_outcome_free(&o);

	run(&(struct eval_input){ .vm = &vm }, &o);
	assert_detail(&o, 0, KTSTR_OTHER, "no test result from the guest (init stage: none reached)");
	eval_outcome_free(&o);

	vm.got_exit = true;
	vm.guest_exit = GUEST_EXIT_INIT_ERROR;
	run(&(struct eval_input){ .vm = &vm, .stage = "cgroups" }, &o);
	assert_detail(&o, 0, KTSTR_OTHER, "init could not run the test body (init stage: cgroups)");
	eval_outcome_free(&o);

	/* host-only test whose body produced nothing */
	run(&(struct eval_input){ .vm = NULL }, &o);
	assert_detail(&o, 0, KTSTR_OTHER, "the test body produced no result");
	eval_outcome_free(&o);
}

static void test_signal(void **state)
{
	struct vm_result vm = vm_ok();
	struct eval_outcome o;

	vm.guest_exit = GUEST_EXIT_SIGNAL_BASE + SIGSEGV;
	run(&(struct eval_input){ .vm = &vm, .stage = "body" }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_int_equal(o.result.ndetails, 1);
	assert_detail(&o, 0, KTSTR_CRASH, "killed by SIGSEGV");
	assert_true(o.show_diagnostics);
	eval_outcome_free(&o);

	/* A crashing body is a failure expect_err can expect. */
	run(&(struct eval_input){ .vm = &vm, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	assert_true(o.expected_failure);
	assert_string_equal(o.note, "expected failure: [crash] killed by SIGSEGV");
	eval_outcome_free(&o);
}

static void test_sched_died(void **state)
{
	struct vm_result vm = vm_ok();
	struct ktstr_result g;
	struct eval_outcome o;

	result_init(&g);
	vm.scx_disabled_line = "sched_ext: BPF scheduler \"ktstr\" disabled (runnable task stall)";
	run(&(struct eval_input){ .guest = &g, .vm = &vm }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_detail(&o, 0, KTSTR_SCHED_DIED, vm.scx_disabled_line);
	assert_true(o.show_diagnostics);
	eval_outcome_free(&o);

	/* Already reported by the guest: not twice. */
	result_fail(&g, KTSTR_SCHED_DIED, "scheduler process died unexpectedly");
	run(&(struct eval_input){ .guest = &g, .vm = &vm }, &o);
	assert_int_equal(o.result.ndetails, 1);
	eval_outcome_free(&o);
	result_free(&g);

	/* A normal unregistration at the end of the test is no failure. */
	result_init(&g);
	vm.scx_disabled_line =
		"sched_ext: BPF scheduler \"ktstr\" disabled (unregistered from user space)";
	run(&(struct eval_input){ .guest = &g, .vm = &vm }, &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	eval_outcome_free(&o);

	/* Expected: the test wanted the scheduler to be ejected. */
	vm.scx_disabled_line = "sched_ext: BPF scheduler \"ktstr\" disabled (scx_bpf_error)";
	run(&(struct eval_input){ .guest = &g, .vm = &vm, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	assert_true(o.expected_failure);
	assert_non_null(strstr(o.note, "expected failure: [sched_died] sched_ext: BPF scheduler"));
	eval_outcome_free(&o);
	result_free(&g);
}

static void test_expect_err(void **state)
{
	struct vm_result vm = vm_ok();
	struct ktstr_result g;
	struct eval_outcome o;

	result_init(&g);
	run(&(struct eval_input){ .guest = &g, .vm = &vm, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_detail(&o, 0, KTSTR_OTHER, "expected the test to fail, but it passed");
	eval_outcome_free(&o);

	result_fail(&g, KTSTR_UNFAIR, "spread 40%%");
	run(&(struct eval_input){ .guest = &g, .vm = &vm, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	assert_true(o.expected_failure);
	assert_string_equal(o.note, "expected failure: [unfair] spread 40%");
	assert_int_equal(o.result.ndetails, 1); /* kept for the record */
	eval_outcome_free(&o);
	result_free(&g);
}

static void test_harness_error(void **state)
{
	struct vm_result vm = { .error = "qemu-system-x86_64: not found" };
	struct eval_outcome o;

	run(&(struct eval_input){ .vm = &vm, .expect_err = true }, &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_int_equal(o.result.ndetails, 1);
	assert_detail(&o, 0, KTSTR_OTHER, "could not run the VM: qemu-system-x86_64: not found");
	eval_outcome_free(&o);
}

static void test_helpers(void **state)
{
	char buf[64];

	assert_string_equal(eval_signal_name(SIGSEGV, buf, sizeof(buf)), "SIGSEGV");
	assert_string_equal(eval_signal_name(9, buf, sizeof(buf)), "SIGKILL");
	assert_string_equal(eval_signal_name(200, buf, sizeof(buf)), "signal 200");
	assert_string_equal(eval_wait_status(3 << 8, buf, sizeof(buf)), "exited 3");
	assert_string_equal(eval_wait_status(SIGKILL, buf, sizeof(buf)), "killed by SIGKILL");
	assert_false(eval_sched_ejected(NULL));
	assert_false(eval_sched_ejected(""));
	assert_true(eval_sched_ejected("sched_ext: BPF scheduler \"x\" disabled (runtime error)"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass),         cmocka_unit_test(test_guest_fail_and_skip),
		cmocka_unit_test(test_timeout),      cmocka_unit_test(test_timeout_after_result),
		cmocka_unit_test(test_guest_timeout),
		cmocka_unit_test(test_panic),        cmocka_unit_test(test_no_result),
		cmocka_unit_test(test_signal),       cmocka_unit_test(test_sched_died),
		cmocka_unit_test(test_expect_err),   cmocka_unit_test(test_harness_error),
		cmocka_unit_test(test_helpers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
