// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest side of payloads, run on the host as a host_only test body would:
 * /bin/sh scripts as payloads (JSON on stdout, YAML in the output file, stderr
 * fallback, exit codes, signals, timeouts, spawn + kill, large output).
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "guest/ctx.h"
#include "util/util.h"

static const struct ktstr_test fake_test = { .name = "payload_run_unit" };

static void ctx_setup(struct ktstr_ctx *ctx)
{
	memset(ctx, 0, sizeof(*ctx));
	ctx->test = &fake_test;
	ctx->host_only = true;
	ctx->chan_fd = -1;
	result_init(&ctx->result);
}

/* Run a shell script as a payload; returns the verdict, ctx->result holds the details.
 * A script that names "$1" gets the output file there (metrics are read from it). */
static int run_sh(struct ktstr_ctx *ctx, const char *script, enum ktstr_output output,
		  const struct ktstr_payload_opts *opts)
{
	const char *const args[] = { "-c", script, "sh",
				     strstr(script, "$1") ? KTSTR_OUTPUT_FILE : NULL, NULL };
	struct ktstr_payload p = { .name = "sh", .binary = "/bin/sh", .args = args,
				   .output = output };

	ctx_setup(ctx);
	return ktstr_payload_run(ctx, &p, opts);
}

static void assert_detail(const struct ktstr_ctx *ctx, enum ktstr_fail_kind kind, const char *want)
{
	for (unsigned i = 0; i < ctx->result.ndetails; i++)
		if (ctx->result.details[i].kind == kind && strstr(ctx->result.details[i].msg, want))
			return;
	fail_msg("no %s detail with '%s' (%u details%s%s)", fail_kind_name(kind), want,
		 ctx->result.ndetails, ctx->result.ndetails ? ", first: " : "",
		 ctx->result.ndetails ? ctx->result.details[0].msg : "");
}

static void test_json_stdout(void **state)
{
	struct ktstr_ctx ctx;
	const char *script = "echo 'noise first {\"a\": {\"b\": 5}, \"s\": \"x\"}'";

	(void)state;
	assert_int_equal(run_sh(&ctx, script, KTSTR_OUTPUT_JSON,
				&(struct ktstr_payload_opts){
					.checks = KTSTR_CHECKS(KTSTR_CHECK_MIN("a.b", 1),
							       KTSTR_CHECK_EXISTS("a.b")) }),
			 KTSTR_PASS);
	ctx_free(&ctx);
	assert_int_equal(run_sh(&ctx, script, KTSTR_OUTPUT_JSON,
				&(struct ktstr_payload_opts){
					.checks = KTSTR_CHECKS(KTSTR_CHECK_MIN("a.b", 10),
							       KTSTR_CHECK_MAX("a.b", 4),
							       KTSTR_CHECK_EXISTS("s")) }),
			 KTSTR_FAIL);
	assert_detail(&ctx, KTSTR_METRIC, "payload 'sh': metric 'a.b' = 5 below minimum 10");
	assert_detail(&ctx, KTSTR_METRIC, "payload 'sh': metric 'a.b' = 5 exceeds maximum 4");
	/* a string is no metric */
	assert_detail(&ctx, KTSTR_METRIC, "metric 's' not found in payload output");
	ctx_free(&ctx);
}

static void test_output_file_yaml(void **state)
{
	struct ktstr_ctx ctx;

	(void)state;
	/* $1 is the output file; stdout has other numbers that must not be used */
	assert_int_equal(run_sh(&ctx, "echo '{\"a\": 1}'; printf -- '---\\nm:\\n  - v: 7\\n' > \"$1\"",
				KTSTR_OUTPUT_YAML,
				&(struct ktstr_payload_opts){
					.checks = KTSTR_CHECKS(KTSTR_CHECK_RANGE("m.0.v", 7, 7)) }),
			 KTSTR_PASS);
	ctx_free(&ctx);
}

static void test_stderr_fallback(void **state)
{
	struct ktstr_ctx ctx;

	(void)state;
	assert_int_equal(run_sh(&ctx, "echo no numbers; echo '{\"e\": 2}' >&2", KTSTR_OUTPUT_JSON,
				&(struct ktstr_payload_opts){
					.args = KTSTR_ARGS("-c", "echo none; echo '{\"e\": 2}' >&2"),
					.checks = KTSTR_CHECKS(KTSTR_CHECK_MIN("e", 2)) }),
			 KTSTR_PASS);
	ctx_free(&ctx);
}

static void test_exit_codes(void **state)
{
	struct ktstr_ctx ctx;

	(void)state;
	assert_int_equal(run_sh(&ctx, "echo oops >&2; exit 3", KTSTR_OUTPUT_EXIT_CODE, NULL),
			 KTSTR_FAIL);
	assert_detail(&ctx, KTSTR_METRIC, "payload 'sh': payload exited with code 3, expected 0; stderr:\noops");
	ctx_free(&ctx);
	assert_int_equal(run_sh(&ctx, "exit 3", KTSTR_OUTPUT_EXIT_CODE,
				&(struct ktstr_payload_opts){ .checks = KTSTR_CHECKS(KTSTR_CHECK_EXIT(3)) }),
			 KTSTR_PASS);
	ctx_free(&ctx);
	assert_int_equal(run_sh(&ctx, "kill -SEGV $$", KTSTR_OUTPUT_EXIT_CODE, NULL), KTSTR_FAIL);
	assert_detail(&ctx, KTSTR_OTHER, "payload 'sh': killed by signal 11");
	ctx_free(&ctx);
}

static void test_timeout(void **state)
{
	struct ktstr_ctx ctx;
	uint64_t t0 = now_ns();

	(void)state;
	/* the child of the payload dies with it (process group) */
	assert_int_equal(run_sh(&ctx, "sleep 20 & sleep 20", KTSTR_OUTPUT_EXIT_CODE,
				&(struct ktstr_payload_opts){ .timeout_ms = 300 }),
			 KTSTR_FAIL);
	assert_detail(&ctx, KTSTR_TIMEOUT, "timeout of 300 ms (timeout_ms) and was killed");
	assert_true(now_ns() - t0 < 3000000000ull);
	ctx_free(&ctx);
}

static void test_spawn_kill_and_big_output(void **state)
{
	const struct ktstr_payload p = { .name = "sleeper", .binary = "/bin/sh",
					 .args = KTSTR_ARGS("-c", "sleep 20") };
	struct ktstr_payload_handle *h;
	struct ktstr_ctx ctx;
	uint64_t t0 = now_ns();

	(void)state;
	ctx_setup(&ctx);
	h = ktstr_payload_spawn(&ctx, &p, NULL);
	assert_non_null(h);
	assert_true(ktstr_payload_pid(h) > 0);
	ktstr_payload_kill(h);
	assert_true(now_ns() - t0 < 3000000000ull);
	assert_int_equal(ctx.result.verdict, KTSTR_PASS);
	ctx_free(&ctx);
	/* 3 MiB on each stream: kept up to the cap, the payload never blocks */
	assert_int_equal(run_sh(&ctx, "head -c 3000000 /dev/zero | tr '\\0' x; "
				      "head -c 3000000 /dev/zero | tr '\\0' y >&2",
				KTSTR_OUTPUT_JSON,
				&(struct ktstr_payload_opts){ .timeout_ms = 20000 }),
			 KTSTR_PASS);
	ctx_free(&ctx);
}

static void test_missing_binary(void **state)
{
	const struct ktstr_payload p = { .name = "ghost", .binary = "/nonexistent/ghost" };
	struct ktstr_ctx ctx;

	(void)state;
	ctx_setup(&ctx);
	assert_int_equal(ktstr_payload_run(&ctx, &p, NULL), KTSTR_FAIL);
	assert_detail(&ctx, KTSTR_METRIC, "exited with code 127, expected 0; stderr:\nktstr: cannot run /nonexistent/ghost");
	ctx_free(&ctx);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_json_stdout),
		cmocka_unit_test(test_output_file_yaml),
		cmocka_unit_test(test_stderr_fallback),
		cmocka_unit_test(test_exit_codes),
		cmocka_unit_test(test_timeout),
		cmocka_unit_test(test_spawn_kill_and_big_output),
		cmocka_unit_test(test_missing_binary),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
