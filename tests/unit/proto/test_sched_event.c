// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/sched_event.h"

static void test_roundtrip(void **state)
{
	struct sched_event ev, back;
	char *s, *err = NULL;

	sched_event_init(&ev);
	ev.event = "ejected";
	ev.name = "scx_ktstr";
	ev.pid = 113;
	ev.ops = "ktstr";
	ev.attach_ms = 1658;
	ev.elapsed_ms = 6340;
	ev.reason = "runnable task stall: \"x\"\nline 2";
	s = sched_event_to_json(&ev);
	assert_int_equal(sched_event_from_json(s, strlen(s), &back, &err), 0);
	assert_string_equal(back.event, "ejected");
	assert_string_equal(back.name, "scx_ktstr");
	assert_int_equal(back.pid, 113);
	assert_string_equal(back.ops, "ktstr");
	assert_int_equal(back.attach_ms, 1658);
	assert_int_equal(back.elapsed_ms, 6340);
	assert_string_equal(back.reason, ev.reason);
	assert_true(sched_event_failed(&back));
	free(s);
	sched_event_free(&back);
}

static void test_minimal(void **state)
{
	const char *s = "{\"event\":\"running\",\"name\":\"x\"}";
	struct sched_event ev;
	char *err = NULL;

	assert_int_equal(sched_event_from_json(s, strlen(s), &ev, &err), 0);
	assert_null(ev.ops);
	assert_null(ev.reason);
	assert_int_equal(ev.attach_ms, -1);
	assert_false(sched_event_failed(&ev));
	sched_event_free(&ev);
}

static void expect_error(const char *s, const char *msg)
{
	struct sched_event ev;
	char *err = NULL;

	assert_int_equal(sched_event_from_json(s, strlen(s), &ev, &err), -EINVAL);
	assert_non_null(err);
	assert_non_null(strstr(err, msg));
	assert_null(ev.event);
	free(err);
}

static void test_strict(void **state)
{
	expect_error("{\"event\":\"exploded\",\"name\":\"x\"}", "unknown event \"exploded\"");
	expect_error("{\"event\":\"running\"}", "missing \"name\"");
	expect_error("{\"event\":\"running\",\"name\":\"x\",\"pid\":\"7\"}", "\"pid\"");
	expect_error("{\"event\":\"running\",\"name\":\"x\",\"pid\":-1}", "\"pid\"");
	expect_error("{\"event\":\"running\",\"name\":\"x\",\"extra\":1}", "unknown key \"extra\"");
	expect_error("{\"event\":\"running\",\"name\":5}", "\"name\" is not a string");
	expect_error("[1,2]", "not a JSON object");
	expect_error("{\"event\":", "not a JSON object");
}

static void test_oversized(void **state)
{
	size_t n = SCHED_EVENT_MAX_LEN + 1;
	char *big = malloc(n);
	struct sched_event ev;
	char *err = NULL;

	memset(big, ' ', n);
	assert_int_equal(sched_event_from_json(big, n, &ev, &err), -E2BIG);
	free(err);
	free(big);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_minimal),
		cmocka_unit_test(test_strict),
		cmocka_unit_test(test_oversized),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
