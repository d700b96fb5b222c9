// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest init's body supervision, run on the host: this binary is also the
 * "body" (main() checks for --ktstr-test-fn first), the port is a socketpair.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "guest/body.h"
#include "guest/testrun.h"
#include "proto/channel.h"
#include "proto/orders.h"
#include "runner/eval.h"
#include "util/util.h"

static int fake_body(const char *name)
{
	const char *pass = "{\"verdict\":\"pass\",\"details\":[],\"stats\":{}}";

	if (!getenv(BODY_ENV_ORDERS) || strcmp(getenv(BODY_ENV_CHAN_FD), "3"))
		return 99;
	if (!strcmp(name, "ok")) {
		fprintf(stderr, "hello from the body\n");
		printf("partial line without newline");
		fflush(NULL);
		chan_send(3, CHAN_RESULT, pass, (uint32_t)strlen(pass));
		return 0;
	}
	if (!strcmp(name, "segv")) {
		signal(SIGSEGV, SIG_DFL); /* a sanitizer build handles it otherwise */
		raise(SIGSEGV);
	}
	if (!strcmp(name, "hang")) {
		/* a worker that keeps the pipes open must not hold up init */
		if (fork() == 0)
			pause();
		pause();
	}
	return 7; /* "silent": exits without a result */
}

struct got {
	unsigned results, logs;
	bool timeout_detail;
	char log0[128], log1[128];
};

static int run(const char *name, unsigned timeout_s, struct got *g)
{
	struct chan_decoder *dec = chan_decoder_new(0);
	struct orders o;
	struct chan_frame f;
	int sv[2], code;
	char buf[65536];
	ssize_t n;

	orders_init(&o);
	o.test = (char *)name;
	o.timeout_s = timeout_s;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	struct testrun_spec spec = {
		.orders = &o,
		.orders_path = "/nonexistent/orders.json",
		.exe = "/proc/self/exe",
		.port_fd = sv[0],
	};
	code = testrun_body(&spec);
	close(sv[0]);
	memset(g, 0, sizeof(*g));
	while ((n = read(sv[1], buf, sizeof(buf))) > 0)
		chan_decoder_feed(dec, buf, (size_t)n);
	while (chan_decoder_next(dec, &f) == 1) {
		if (f.type == CHAN_RESULT) {
			g->results++;
			if (strstr((char *)f.data, "\"timeout\""))
				g->timeout_detail = true;
		} else if (f.type == CHAN_LOG) {
			snprintf(g->logs ? g->log1 : g->log0, sizeof(g->log0), "%s", (char *)f.data);
			g->logs++;
		}
		chan_frame_free(&f);
	}
	close(sv[1]);
	chan_decoder_free(dec);
	return code;
}

static void test_pass_relays_result_and_output(void **state)
{
	struct got g;

	assert_int_equal(run("ok", 30, &g), GUEST_EXIT_PASS);
	assert_int_equal(g.results, 1);
	assert_int_equal(g.logs, 2);
	assert_string_equal(g.log0, "hello from the body");
	assert_string_equal(g.log1, "partial line without newline");
}

static void test_signal_is_reported_as_exit_code(void **state)
{
	struct got g;

	assert_int_equal(run("segv", 30, &g), GUEST_EXIT_SIGNAL_BASE + SIGSEGV);
	assert_int_equal(g.results, 0);
}

static void test_timeout_kills_and_reports(void **state)
{
	struct got g;
	uint64_t t0 = now_ns();

	assert_int_equal(run("hang", 1, &g), GUEST_EXIT_FAIL);
	assert_true(now_ns() - t0 < 5000000000ull);
	assert_int_equal(g.results, 1);
	assert_true(g.timeout_detail);
}

static void test_exit_without_result(void **state)
{
	struct got g;

	assert_int_equal(run("silent", 30, &g), 7);
	assert_int_equal(g.results, 0);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_relays_result_and_output),
		cmocka_unit_test(test_signal_is_reported_as_exit_code),
		cmocka_unit_test(test_timeout_kills_and_reports),
		cmocka_unit_test(test_exit_without_result),
	};

	if (argc > 1 && str_starts_with(argv[1], "--ktstr-test-fn="))
		return fake_body(argv[1] + strlen("--ktstr-test-fn="));
	return cmocka_run_group_tests(tests, NULL, NULL);
}
