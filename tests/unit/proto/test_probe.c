// SPDX-License-Identifier: GPL-2.0-only
/* probe: fprobe definitions for the auto-repro rerun, and trace lines parsed back. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "proto/probe.h"

static void test_names(void **state)
{
	char longname[PROBE_NAME_MAX + 2];

	assert_true(probe_name_ok("enqueue_task_scx", 16));
	assert_true(probe_name_ok("__scx_exit", 10));
	assert_false(probe_name_ok("", 0));
	assert_false(probe_name_ok("1abc", 4));
	assert_false(probe_name_ok("foo.isra.0", 10));
	assert_false(probe_name_ok("a b", 3));
	assert_false(probe_name_ok("x/../y", 6));

	memset(longname, 'a', sizeof(longname) - 1);
	longname[sizeof(longname) - 1] = '\0';
	assert_true(probe_name_ok(longname, PROBE_NAME_MAX));
	assert_false(probe_name_ok(longname, PROBE_NAME_MAX + 1));
	assert_string_equal(probe_op_caller("enqueue", 7), "scx_do_enqueue_task");
	assert_string_equal(probe_op_caller("select_cpu", 10), "select_task_rq_scx");
	assert_null(probe_op_caller("enqueue_x", 9));
	assert_null(probe_op_caller("enq", 3));
}

static void test_defs(void **state)
{
	static const struct {
		const char *fn;
		bool btf_all;
		const char *def;
	} cases[] = {
		/* known functions: task pid/comm, cpu, flags by BTF name */
		{ "enqueue_task_scx", true,
		  "f:ktstr_repro/enqueue_task_scx enqueue_task_scx cpu=rq->cpu pid=p->pid "
		  "comm=p->comm:string enq_flags=core_enq_flags:x32" },
		{ "scx_claim_exit", false, "f:ktstr_repro/scx_claim_exit scx_claim_exit kind=kind" },
		/* a known function without arguments */
		{ "scx_watchdog_workfn", true,
		  "f:ktstr_repro/scx_watchdog_workfn scx_watchdog_workfn" },
		/* others: every argument by BTF, or none */
		{ "ttwu_do_activate", true, "f:ktstr_repro/ttwu_do_activate ttwu_do_activate $arg*" },
		{ "ttwu_do_activate", false, "f:ktstr_repro/ttwu_do_activate ttwu_do_activate" },
	};
	char *d;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		d = probe_def(cases[i].fn, cases[i].btf_all);
		assert_string_equal(d, cases[i].def);
		free(d);
	}
	d = probe_def("scx_dsq_insert_commit", false);
	assert_non_null(strstr(d, " dsq_id=dsq_id:x64 "));
	free(d);
	/* every stop and fixed function has arguments known */
	for (const char *const *f = probe_fixed_fns; *f; f++)
		assert_non_null(probe_known_args(*f));
	for (const char *const *f = probe_stop_fns; *f; f++)
		assert_non_null(probe_known_args(*f));
}

static void test_parse(void **state)
{
	static const char l1[] = "     rcu_preempt-15      [001] d..41     8.113963: scx_claim_exit: "
				 "(scx_claim_exit+0x0/0xf0) kind=1025";
	static const char l2[] = "          <idle>-0       [012] dNh5.  1234.000001: enqueue_task_scx: "
				 "(enqueue_task_scx+0x4/0x340) cpu=1 pid=113 comm=\"sched [1] x\" "
				 "enq_flags=0x9";
	static const char l3[] = "  a b-7 [000] .... 1.5: do_pick_task_scx: (do_pick_task_scx+0x0/0xcb0)";
	struct probe_hit h;

	assert_int_equal(probe_parse_line(l1, sizeof(l1) - 1, &h), 1);
	assert_string_equal(h.func, "scx_claim_exit");
	assert_string_equal(h.task, "rcu_preempt-15");
	assert_int_equal(h.cpu, 1);
	assert_int_equal(h.ts_ns, 8113963000ull);
	assert_string_equal(h.args, "kind=1025");
	assert_int_equal(probe_parse_line(l2, sizeof(l2) - 1, &h), 1);
	assert_string_equal(h.task, "<idle>-0");
	assert_int_equal(h.cpu, 12);
	assert_int_equal(h.ts_ns, 1234000001000ull);
	assert_string_equal(h.args, "cpu=1 pid=113 comm=\"sched [1] x\" enq_flags=0x9");
	/* a task name with a space; no arguments */
	assert_int_equal(probe_parse_line(l3, sizeof(l3) - 1, &h), 1);
	assert_string_equal(h.task, "a b-7");
	assert_int_equal(h.ts_ns, 1500000000ull);
	assert_string_equal(h.args, "");
	/* cut short: the line is parsed as far as len says */
	assert_int_equal(probe_parse_line(l1, 40, &h), 0);
}

static void test_parse_rejects(void **state)
{
	static const char *const bad[] = {
		"# tracer: nop",
		"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION",
		"",
		/* an event other than its function */
		"  x-1 [000] .... 1.0: sched_ext_dump: (scx_dump_state+0x0/0x10) kind=1",
		"  x-1 [000] .... 1.0: scx_tick: (scx_tickle+0x0/0x10) cpu=1",
		/* no CPU field, no timestamp, a bad event name */
		"  x-1 000 .... 1.0: scx_tick: (scx_tick+0x0/0x10)",
		"  x-1 [000] .... : scx_tick: (scx_tick+0x0/0x10)",
		"  x-1 [000] .... 1.0: a.b: (a.b+0x0/0x10)",
		"  x-1 [000] .... 1.0: scx_tick: (scx_tick",
		"  x-1 [000] .... 99999999999999999999.0: scx_tick: (scx_tick+0x0/0x10)",
	};
	struct probe_hit h;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		assert_int_equal(probe_parse_line(bad[i], strlen(bad[i]), &h), 0);
}

static void test_parse_untrusted(void **state)
{
	char line[600];
	struct probe_hit h;
	int n = snprintf(line, sizeof(line), "  t\x01-1 [000] .... 2.0: scx_tick: (scx_tick+0/0) ");

	/* control characters become '?', long arguments are cut */
	memset(line + n, 'x', sizeof(line) - (size_t)n - 1);
	line[sizeof(line) - 1] = '\0';
	line[n + 3] = '\x1b';
	assert_int_equal(probe_parse_line(line, strlen(line), &h), 1);
	assert_string_equal(h.task, "t?-1");
	assert_int_equal(strlen(h.args), PROBE_ARGS_MAX);
	assert_int_equal(h.args[3], '?');
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_names),
		cmocka_unit_test(test_defs),
		cmocka_unit_test(test_parse),
		cmocka_unit_test(test_parse_rejects),
		cmocka_unit_test(test_parse_untrusted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
