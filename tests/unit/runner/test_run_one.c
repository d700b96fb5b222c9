// SPDX-License-Identifier: GPL-2.0-only
/*
 * run_one and suite_run without a VM: host_only tests go through the same
 * path as VM tests (orders, body in a forked child, frames, eval, record,
 * output), so every outcome can be checked here in milliseconds.
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <ktstr/ktstr.h>

#include "core/entry.h"
#include "runner/args.h"
#include "runner/run_one.h"
#include "runner/sidecar.h"
#include "runner/suite.h"
#include "util/util.h"

KTSTR_TEST(h_pass, .host_only = true)
{
	ktstr_log(ctx, "hello from the body");
	ktstr_mark(ctx, "a phase of %d", 1); /* no monitor on the host: nothing to mark */
	ktstr_stat(ctx, "answer", 42);
	return KTSTR_PASS;
}

KTSTR_TEST(h_fail, .host_only = true)
{
	printf("printed by the body\n");
	return ktstr_fail(ctx, KTSTR_STUCK, "stuck for %d ms", 2500);
}

KTSTR_TEST(h_skip, .host_only = true)
{
	return ktstr_skip(ctx, "not here");
}

KTSTR_TEST(h_segv, .host_only = true)
{
	raise(SIGSEGV);
	return KTSTR_PASS;
}

KTSTR_TEST(h_timeout, .host_only = true, .timeout_s = 1)
{
	for (;;)
		pause();
	return KTSTR_PASS;
}

KTSTR_TEST(h_expect, .host_only = true, .expect_err = true)
{
	return ktstr_fail(ctx, KTSTR_UNFAIR, "spread 40%%");
}

/* BPF maps are reached through a VM's memory: a host_only body gets -ENOTSUP */
KTSTR_TEST(h_map, .host_only = true)
{
	uint32_t v = 0;
	int rc = ktstr_bpf_map_read_u32(ctx, ".bss", "knob", 0, &v);

	if (rc != -ENOTSUP)
		return ktstr_fail(ctx, KTSTR_OTHER, "read: %d", rc);
	rc = ktstr_bpf_map_write_u32(ctx, NULL, "knob", 0, 1);
	if (rc != -EINVAL)
		return ktstr_fail(ctx, KTSTR_OTHER, "write without a map: %d", rc);
	return KTSTR_PASS;
}

static char runs[] = "/tmp/ktstr-run-one-XXXXXX";

static void run(const char *name, struct run_outcome *o)
{
	const struct ktstr_test *t = find_test(name);
	struct run_opts opts = { .verbosity = 1 };
	struct plan_item it;

	assert_non_null(t);
	run_item_for(t, &it);
	run_one(&it, &opts, o);
	assert_string_equal(o->name, name);
	assert_non_null(o->text);
	/* every outcome leaves a record that reads back with the same verdict */
	assert_non_null(o->record_path);
	{
		struct sidecar_record r;
		char *err = NULL;

		assert_int_equal(sidecar_read(o->record_path, &r, &err), 0);
		assert_string_equal(r.test, name);
		assert_int_equal(r.result.verdict, o->result.verdict);
		sidecar_record_free(&r);
	}
}

static void test_pass(void **state)
{
	struct run_outcome o;

	run("h_pass", &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	assert_true(str_starts_with(o.text, "PASS h_pass ("));
	assert_int_equal(o.result.nstats, 1);
	assert_string_equal(o.accel, "host");
	run_outcome_free(&o);
}

static void test_fail_with_detail_and_log(void **state)
{
	struct run_outcome o;

	run("h_fail", &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_int_equal(o.result.details[0].kind, KTSTR_STUCK);
	assert_string_equal(o.result.details[0].msg, "stuck for 2500 ms");
	assert_non_null(strstr(o.text, "[stuck] stuck for 2500 ms"));
	run_outcome_free(&o);
}

static void test_map_without_vm(void **state)
{
	struct run_outcome o;

	run("h_map", &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	run_outcome_free(&o);
}

static void test_skip(void **state)
{
	struct run_outcome o;

	run("h_skip", &o);
	assert_int_equal(o.result.verdict, KTSTR_SKIP);
	assert_true(str_starts_with(o.text, "SKIP h_skip"));
	assert_non_null(strstr(o.text, "not here"));
	run_outcome_free(&o);
}

static void test_signal_named(void **state)
{
	struct run_outcome o;

	run("h_segv", &o);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_non_null(strstr(o.text, "killed by SIGSEGV"));
	run_outcome_free(&o);
}

static void test_timeout(void **state)
{
	struct run_outcome o;
	uint64_t t0 = now_ns();

	run("h_timeout", &o);
	assert_true(now_ns() - t0 < 5000000000ull);
	assert_int_equal(o.result.verdict, KTSTR_FAIL);
	assert_int_equal(o.result.details[0].kind, KTSTR_TIMEOUT);
	assert_non_null(strstr(o.text, "timed out"));
	run_outcome_free(&o);
}

static void test_expect_err(void **state)
{
	struct run_outcome o;

	run("h_expect", &o);
	assert_int_equal(o.result.verdict, KTSTR_PASS);
	assert_non_null(o.note);
	assert_non_null(strstr(o.note, "spread 40%"));
	run_outcome_free(&o);
}

/* A parallel suite: each test's block whole, then the closing line and exit 1. */
static void test_suite_parallel(void **state)
{
	const char *names[] = { "h_fail", "h_pass", "h_segv", "h_skip" };
	struct plan_item items[4];
	struct run_opts opts = { .verbosity = 1 };
	char path[] = "/tmp/ktstr-suite-out-XXXXXX", *out;
	int fd = mkstemp(path), saved = dup(1), code;

	for (int i = 0; i < 4; i++)
		run_item_for(find_test(names[i]), &items[i]);
	fflush(stdout);
	dup2(fd, 1);
	code = suite_run(items, 4, &opts, 2, NULL, "unit");
	fflush(stdout);
	dup2(saved, 1);
	close(saved);
	out = file_read(path, NULL, 0);
	unlink(path);
	close(fd);
	assert_int_equal(code, KTSTR_EXIT_FAIL);
	assert_true(str_ends_with(out, "1 passed, 2 failed, 1 skipped\n"));
	/* blocks never interleave: a FAIL block's lines follow its own header */
	assert_non_null(strstr(out, "FAIL h_fail"));
	assert_non_null(strstr(strstr(out, "FAIL h_fail"), "    --- details ---\n"
							   "    [stuck] stuck for 2500 ms\n"));
	assert_non_null(strstr(out, "FAIL h_segv"));
	assert_non_null(strstr(strstr(out, "FAIL h_segv"), "    [crash] killed by SIGSEGV\n"));
	free(out);
}

static int setup(void **state)
{
	if (!mkdtemp(runs))
		return -1;
	setenv("KTSTR_RUNS_DIR", runs, 1);
	return 0;
}

static int teardown(void **state)
{
	rm_rf(runs);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass),
		cmocka_unit_test(test_fail_with_detail_and_log),
		cmocka_unit_test(test_skip),
		cmocka_unit_test(test_map_without_vm),
		cmocka_unit_test(test_signal_named),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_expect_err),
		cmocka_unit_test(test_suite_parallel),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
