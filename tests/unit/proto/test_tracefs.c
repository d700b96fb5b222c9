// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <string.h>

#include "proto/tracefs.h"

static int parse(const char *line, struct tracefs_event *ev)
{
	return tracefs_parse_line(line, strlen(line), ev);
}

static void test_switch(void **state)
{
	struct tracefs_event ev;

	assert_int_equal(parse("          <idle>-0       [001] d..2.    12.345678: sched_switch: "
			       "prev_comm=swapper/1 prev_pid=0 prev_prio=120 prev_state=R ==> "
			       "next_comm=ktstr worker prev_pid=9 next_pid=113 next_prio=120",
			       &ev),
			 1);
	assert_int_equal(ev.kind, TRACEFS_SWITCH);
	assert_int_equal(ev.cpu, 1);
	assert_true(ev.ts_ns == 12345678000ull);
	assert_string_equal(ev.event, "sched_switch");
	assert_string_equal(ev.comm, "swapper/1");
	assert_int_equal(ev.pid, 0);
	assert_string_equal(ev.prev_state, "R");
	/* a comm holding spaces and a decoy key: cut at " next_pid=" */
	assert_string_equal(ev.next_comm, "ktstr worker pr");
	assert_int_equal(ev.next_pid, 113);
}

static void test_wakeup_migrate_mark_other(void **state)
{
	struct tracefs_event ev;

	/* no FLAGS column (old kernels), nanosecond timestamps */
	assert_int_equal(parse(" kworker/u4:1-37 [000] 5.000000001: sched_wakeup: comm=w-1 pid=99 "
			       "prio=120 target_cpu=003", &ev), 1);
	assert_int_equal(ev.kind, TRACEFS_WAKEUP);
	assert_true(ev.ts_ns == 5000000001ull);
	assert_string_equal(ev.comm, "w-1");
	assert_int_equal(ev.pid, 99);
	assert_int_equal(ev.target_cpu, 3);

	assert_int_equal(parse("  w-1-99 [002] d..3. 6.5: sched_migrate_task: comm=w-1 pid=99 "
			       "prio=120 orig_cpu=2 dest_cpu=0", &ev), 1);
	assert_int_equal(ev.kind, TRACEFS_MIGRATE);
	assert_true(ev.ts_ns == 6500000000ull);
	assert_int_equal(ev.orig_cpu, 2);
	assert_int_equal(ev.target_cpu, 0);

	assert_int_equal(parse("  init-1 [000] ..... 7.000001: tracing_mark_write: step 1/3", &ev),
			 1);
	assert_int_equal(ev.kind, TRACEFS_MARK);
	assert_int_equal(ev.text_len, 8);
	assert_memory_equal(ev.text, "step 1/3", 8);

	assert_int_equal(parse("  x-5 [000] d.h1. 8.0: sched_ext_event: name=SCX_EV_X delta=1", &ev),
			 1);
	assert_int_equal(ev.kind, TRACEFS_OTHER);
	assert_string_equal(ev.event, "sched_ext_event");
	assert_memory_equal(ev.text, "name=SCX_EV_X delta=1", ev.text_len);
}

static void test_comments(void **state)
{
	struct tracefs_event ev;

	assert_int_equal(parse("# tracer: nop", &ev), 0);
	assert_int_equal(parse("   #", &ev), 0);
	assert_int_equal(parse("", &ev), 0);
}

/* Untrusted text: every malformed line is refused, none crashes. */
static void test_malformed(void **state)
{
	static const char *const bad[] = {
		"garbage",
		"  x-1 [001 d... 1.0: sched_switch: a",                 /* no ']' */
		"  x-1 [4096] d... 1.0: sched_wakeup: comm=a pid=1 target_cpu=0", /* CPU too big */
		"  x-1 [-1] d... 1.0: sched_wakeup: comm=a pid=1 target_cpu=0",
		"  x-1 [000] d... nots: sched_wakeup: comm=a pid=1 target_cpu=0",
		"  x-1 [000] d... 1.: sched_wakeup: comm=a pid=1 target_cpu=0",   /* no fraction */
		"  x-1 [000] d... 99999999999999999999.0: sched_wakeup: comm=a pid=1 target_cpu=0",
		"  x-1 [000] d... 1.0 sched_wakeup comm=a",                        /* no colons */
		"  x-1 [000] d... 1.0: : comm=a",                                  /* no event name */
		"  x-1 [000] d... 1.0: Sched-Wakeup!: comm=a",                     /* odd name */
		"  x-1 [000] d... 1.0: sched_wakeup: comm=a pid=1",                /* no target */
		"  x-1 [000] d... 1.0: sched_wakeup: comm=a pid=1 target_cpu=5000",
		"  x-1 [000] d... 1.0: sched_wakeup: comm=a pid=-4 target_cpu=1",
		"  x-1 [000] d... 1.0: sched_switch: prev_comm=a prev_pid=1 next_comm=b next_pid=2",
		"  x-1 [000] d... 1.0: sched_switch: prev_comm=a prev_pid=1 ==> next_comm=b",
		"  x-1 [000] d... 1.0: sched_switch: prev_comm=a prev_pid=x ==> next_comm=b next_pid=2",
		"  x-1 [000] d... 1.0: sched_migrate_task: comm=a pid=1 orig_cpu=0",
		"  x-1 [000] d... 1.0: sched_migrate_task: comm=a pid=99999999999 orig_cpu=0 dest_cpu=1",
	};
	struct tracefs_event ev;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (parse(bad[i], &ev) != -EINVAL)
			fail_msg("accepted: %s", bad[i]);
	/* a line cut in the middle: the length, not a NUL, ends it */
	assert_int_equal(tracefs_parse_line("  x-1 [000] d... 1.0: sched_wakeup: comm=a pid=1 "
					    "target_cpu=2", 30, &ev), -EINVAL);
}

static void test_info(void **state)
{
	struct tracefs_loss l = { 0 };
	const char *lines[] = {
		TRACEFS_INFO "buffer_kb=1024",
		TRACEFS_INFO "cpu=0 overrun=5 dropped=1",
		TRACEFS_INFO "cpu=1 overrun=7 dropped=0",
		TRACEFS_INFO "cut=4096",
	};

	for (size_t i = 0; i < 4; i++)
		assert_int_equal(tracefs_parse_info(lines[i], strlen(lines[i]), &l), 1);
	assert_int_equal(l.buffer_kb, 1024);
	assert_true(l.overrun == 12 && l.dropped == 1 && l.cut_bytes == 4096);
	assert_int_equal(tracefs_parse_info("# tracer: nop", 13, &l), 0);
	assert_int_equal(tracefs_parse_info(TRACEFS_INFO "cpu=0 overrun=x dropped=1",
					    strlen(TRACEFS_INFO) + 25, &l), -EINVAL);
	assert_int_equal(tracefs_parse_info(TRACEFS_INFO "what", strlen(TRACEFS_INFO) + 4, &l),
			 -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_switch),
		cmocka_unit_test(test_wakeup_migrate_mark_other),
		cmocka_unit_test(test_comments),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_info),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
