// SPDX-License-Identifier: GPL-2.0-only
/* repro: probe targets from a failure's stack, the guest's hits parsed and shown. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "runner/repro.h"

/* the shape of a sched_ext dump after scx_bpf_error() in ops.enqueue */
static const char dump[] =
	"ktstr: root\n"
	"init[105] triggered exit kind 1025 on CPU 0:\n"
	"  scx_bpf_error (ktstr fault: error-after 1000 ms fired)\n"
	"\n"
	"Backtrace:\n"
	"  scx_exit_bstr+0xdd/0x110\n"
	"  scx_bpf_error_bstr+0x60/0xa0\n"
	"  bpf_prog_d2f1acc7af6379f4_ktstr_enqueue+0xc8/0x256\n"
	"  bpf__sched_ext_ops_enqueue+0x50/0xad\n"
	"  scx_do_enqueue_task+0x310/0x7d0\n"
	"  enqueue_task_scx+0x188/0x340\n"
	"  enqueue_task+0x86/0x190\n"
	"  ttwu_do_activate+0x75/0x1b0\n"
	"  try_to_wake_up+0x2b6/0x790\n"
	"  call_timer_fn+0x28/0x120\n"
	"\n"
	"CPU states\n"
	"  scx_dump_cpu+0x5e1/0x630\n";

static size_t count(char **v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

static void test_targets_dump(void **state)
{
	char **t = repro_targets(dump, NULL);
	size_t nfixed = 0;

	/* the stack's top REPRO_STACK_MAX kernel frames; the BPF program
	 * skipped; the enqueue trampoline names its caller (already there) */
	assert_string_equal(t[0], "scx_exit_bstr");
	assert_string_equal(t[1], "scx_bpf_error_bstr");
	assert_string_equal(t[2], "scx_do_enqueue_task");
	assert_string_equal(t[3], "enqueue_task_scx");
	assert_string_equal(t[4], "enqueue_task");
	assert_string_equal(t[5], "ttwu_do_activate");
	/* then the fixed set, without the functions already taken */
	assert_string_equal(t[6], "scx_claim_exit");
	for (const char *const *f = probe_fixed_fns; *f; f++)
		nfixed++;
	assert_int_equal(count(t), 6 + nfixed - 2);
	for (size_t i = 0; t[i]; i++) {
		assert_null(strstr(t[i], "bpf_prog"));
		assert_string_not_equal(t[i], "try_to_wake_up");
		assert_string_not_equal(t[i], "scx_dump_cpu"); /* after the backtrace */
	}
	strv_free(t);
}

static void test_targets_entry_and_console(void **state)
{
	static const char stall[] = "Backtrace:\n"
				    "  scx_vexit+0x1/0x2\n"
				    "  bpf__sched_ext_ops_dispatch+0x1/0x2\n"
				    "  scx_watchdog_workfn+0x10/0x20\n"
				    "  process_one_work+0x1/0x2\n"
				    "  worker_thread+0x1/0x2\n";
	static const char console[] =
		"[ 1.0] WARNING: CPU: 0 PID: 1 at kernel/sched/ext.c:123 scx_foo+0x12/0x30\n"
		"[ 1.1]  ? scx_bar.isra.0+0x1/0x2\n"
		"[ 1.2]  __schedule+0x1/0x2\n"
		"[ 1.3]  pick_next_scx+0x1/0x2 evil name+0x1/0x2\n"
		"[ 1.4] scx_x;rm+0x1/0x2\n";
	char **t = repro_targets(stall, console);

	/* down to the first worker frame; dispatch's caller from the trampoline */
	assert_string_equal(t[0], "scx_vexit");
	assert_string_equal(t[1], "do_pick_task_scx");
	assert_string_equal(t[2], "scx_watchdog_workfn");
	/* kernel log: the ext.c line's frame, a frame named scx; not the
	 * .isra clone, not __schedule, nothing that is no C name */
	assert_string_equal(t[3], "scx_foo");
	assert_string_equal(t[4], "pick_next_scx");
	assert_string_equal(t[5], "scx_claim_exit");
	for (size_t i = 0; t[i]; i++) {
		assert_string_not_equal(t[i], "process_one_work");
		assert_string_not_equal(t[i], "__schedule");
		assert_null(strchr(t[i], ';'));
		assert_null(strchr(t[i], '.'));
	}
	strv_free(t);
	/* nothing to go on: the fixed set */
	t = repro_targets(NULL, NULL);
	assert_string_equal(t[0], probe_fixed_fns[0]);
	assert_true(count(t) <= PROBE_MAX);
	strv_free(t);
}

static const char hits[] =
	"# skipped enqueue_task: No such file or directory\n"
	"# probes 3 of 4\n"
	"  init-107 [001] d..3. 8.100000: scx_do_enqueue_task: (scx_do_enqueue_task+0x4/0x7d0) "
	"cpu=1 pid=107 comm=\"init\" enq_flags=0x0 sticky_cpu=-1\n"
	"  init-108 [000] d..3. 8.105000: scx_dsq_insert_commit: (scx_dsq_insert_commit+0x0/0x170) "
	"pid=108 comm=\"init\" dsq_id=0x8000000000000002 slice=20000000 enq_flags=0x0\n"
	"  init-106 [001] d..41 8.110000: scx_claim_exit: (scx_claim_exit+0x0/0xf0) kind=1025\n"
	/* the same hit again (from another ring), and one after the stop */
	"  init-106 [001] d..41 8.110000: scx_claim_exit: (scx_claim_exit+0x0/0xf0) kind=1025\n"
	"  init-1 [000] d..41 8.200000: scx_claim_exit: (scx_claim_exit+0x0/0xf0) kind=64\n"
	"garbage line\n";

static void test_parse_and_format(void **state)
{
	char *targets[] = { "scx_claim_exit", "scx_do_enqueue_task", "scx_dsq_insert_commit",
			    "enqueue_task", NULL };
	struct repro_hits rh;
	struct strbuf sb = { 0 };
	json_t *j, *stop;

	repro_parse(hits, sizeof(hits) - 1, &rh);
	assert_int_equal(rh.n, 4);
	assert_int_equal(rh.nnotes, 2);
	assert_string_equal(rh.notes[0], "skipped enqueue_task: No such file or directory");
	assert_int_equal(rh.stop, 2);
	assert_int_equal(rh.ref_ns, 8110000000ull);

	repro_format(&sb, &rh, targets, "fail [sched_died] x", 1);
	assert_non_null(strstr(sb.buf, "    --- auto-repro ---\n"
				       "    rerun with probes on 4 functions: fail [sched_died] x\n"
				       "    4 hits; times relative to scx_claim_exit kind=1025 "
				       "(ERROR_BPF) on cpu 1 (init-106)\n"
				       "    guest: skipped enqueue_task: No such file or directory\n"
				       "    scx_claim_exit: 2 hits, the last 1:\n"));
	assert_non_null(strstr(sb.buf, "+90.000 ms  cpu 0   init-1"));
	assert_non_null(strstr(sb.buf, "-10.000 ms  cpu 1   init-107"));
	assert_non_null(strstr(sb.buf, "dsq_id=0x8000000000000002 (LOCAL) slice"));
	assert_non_null(strstr(sb.buf, "    enqueue_task: no hits\n"));
	assert_null(strstr(sb.buf, "probes 3 of 4"));
	sb_free(&sb);

	j = repro_to_json(&rh, targets, "fail");
	assert_int_equal(json_array_size(json_object_get(j, "hits")), 4);
	assert_int_equal(json_array_size(json_object_get(j, "targets")), 4);
	stop = json_object_get(j, "stop");
	assert_string_equal(json_string_value(json_object_get(stop, "func")), "scx_claim_exit");
	assert_int_equal(json_integer_value(json_object_get(stop, "rel_ns")), 0);
	assert_int_equal(json_integer_value(json_object_get(
				 json_array_get(json_object_get(j, "hits"), 0), "rel_ns")),
			 -10000000);
	json_decref(j);
	repro_hits_free(&rh);

	/* no stop hit: relative to the last one */
	repro_parse(hits, (size_t)(strstr(hits, "  init-106") - hits), &rh);
	assert_int_equal(rh.stop, -1);
	assert_int_equal(rh.ref_ns, 8105000000ull);
	repro_hits_free(&rh);
}

static void test_decode_args(void **state)
{
	static const struct {
		const char *in, *out;
	} cases[] = {
		{ "dsq_id=0x8000000000000001", "dsq_id=0x8000000000000001 (GLOBAL)" },
		{ "dsq_id=0xc000000000000003 x=1", "dsq_id=0xc000000000000003 (LOCAL_ON|3) x=1" },
		{ "dsq_id=0x1000", "dsq_id=0x1000" },
		{ "dsq_id=0xzz kind=1026", "dsq_id=0xzz kind=1026 (ERROR_STALL)" },
		{ "kind=7", "kind=7" },
		{ "", "" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *d = repro_decode_args(cases[i].in);

		assert_string_equal(d, cases[i].out);
		free(d);
	}
}

static void test_wanted(void **state)
{
	struct ktstr_result r;

	result_init(&r);
	assert_false(repro_wanted(&r));
	result_fail(&r, KTSTR_UNFAIR, "spread");
	assert_false(repro_wanted(&r));
	result_fail(&r, KTSTR_MONITOR, "stall");
	assert_true(repro_wanted(&r));
	result_free(&r);
	result_init(&r);
	result_fail(&r, KTSTR_SCHED_DIED, "ejected");
	assert_true(repro_wanted(&r));
	r.verdict = KTSTR_PASS; /* an expected failure */
	assert_false(repro_wanted(&r));
	result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_targets_dump),
		cmocka_unit_test(test_targets_entry_and_console),
		cmocka_unit_test(test_parse_and_format),
		cmocka_unit_test(test_decode_args),
		cmocka_unit_test(test_wanted),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
