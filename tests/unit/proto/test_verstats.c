// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "proto/verstats.h"

static const char good[] =
	"libbpf: prog 'ktstr_select_cpu': -- BEGIN PROG LOAD LOG --\n"
	"verification time 812 usec\n"
	"stack depth 24+0\n"
	"processed 170 insns (limit 1000000) max_states_per_insn 1 total_states 12 "
	"peak_states 12 mark_read 5\n"
	"-- END PROG LOAD LOG --\n"
	"scx_ktstr: unrelated line processed 5 insns\n"
	"libbpf: prog 'ktstr_dispatch': -- BEGIN PROG LOAD LOG --\n"
	"processed 9000 insns (limit 1000000) max_states_per_insn 4 total_states 700 "
	"peak_states 650 mark_read 40\n"
	"-- END PROG LOAD LOG --\n";

static void test_stats(void **state)
{
	struct verstats vs;

	verstats_parse(good, strlen(good), &vs);
	assert_int_equal(vs.n, 2);
	assert_string_equal(vs.progs[0].name, "ktstr_select_cpu");
	assert_true(vs.progs[0].have_insns);
	assert_true(vs.progs[0].insns == 170 && vs.progs[0].limit == 1000000);
	assert_int_equal(vs.progs[0].total_states, 12);
	assert_int_equal(vs.progs[0].peak_states, 12);
	assert_int_equal(vs.progs[0].max_states_per_insn, 1);
	assert_int_equal(vs.progs[0].mark_read, 5);
	assert_int_equal(vs.progs[0].time_us, 812);
	assert_int_equal(vs.progs[0].stack_depth, 24);
	assert_false(vs.progs[0].failed);
	assert_true(vs.progs[1].insns == 9000);
	assert_int_equal(vs.progs[1].time_us, -1); /* absent */
	assert_null(vs.fail_log);
	verstats_free(&vs);
}

static void test_rejected(void **state)
{
	static const char log[] =
		"libbpf: prog 'ktstr_enqueue': BPF program load failed: Permission denied\n"
		"libbpf: prog 'ktstr_enqueue': -- BEGIN PROG LOAD LOG --\n"
		"R1 invalid mem access 'scalar'\n"
		"verification time 90 usec\n"
		"processed 42 insns (limit 1000000) max_states_per_insn 0 total_states 3 "
		"peak_states 3 mark_read 1\n"
		"-- END PROG LOAD LOG --\n";
	struct verstats vs;

	verstats_parse(log, strlen(log), &vs);
	assert_int_equal(vs.n, 1);
	assert_true(vs.progs[0].failed);
	assert_true(vs.progs[0].insns == 42);
	assert_non_null(vs.fail_log);
	assert_non_null(strstr(vs.fail_log, "R1 invalid mem access 'scalar'\n"));
	assert_non_null(strstr(vs.fail_log, "processed 42 insns"));
	verstats_free(&vs);
}

/* Untrusted text: odd names, huge numbers, unterminated blocks. */
static void test_malformed(void **state)
{
	static const char log[] =
		"prog 'a\001b': -- BEGIN PROG LOAD LOG --\n"
		"processed 99999999999999999999 insns (limit 1000000)\n"
		"processed x insns\n"
		"': -- BEGIN PROG LOAD LOG --\n"
		"prog '': -- BEGIN PROG LOAD LOG --\n"
		"processed 7 insns\n";
	struct verstats vs;

	verstats_parse(log, strlen(log), &vs);
	assert_int_equal(vs.n, 2);
	assert_string_equal(vs.progs[0].name, "a?b");
	assert_false(vs.progs[0].have_insns);
	assert_string_equal(vs.progs[1].name, "");
	assert_true(vs.progs[1].insns == 7 && vs.progs[1].limit == 0);
	assert_int_equal(vs.progs[1].total_states, -1);
	/* programs added while a block is open: its lines still reach it */
	{
		static const char open[] = "prog 'a': -- BEGIN PROG LOAD LOG --\n"
					   "prog 'b': BPF program load failed: x\n"
					   "prog 'c': BPF program load failed: x\n"
					   "processed 3 insns (limit 10)\n";

		verstats_free(&vs);
		verstats_parse(open, strlen(open), &vs);
		assert_int_equal(vs.n, 3);
		assert_true(vs.progs[0].insns == 3 && vs.progs[0].limit == 10);
		assert_true(vs.progs[2].failed && !vs.progs[0].failed);
	}
	verstats_free(&vs);
	verstats_parse("", 0, &vs);
	assert_int_equal(vs.n, 0);
	verstats_free(&vs);
}

static void test_json(void **state)
{
	struct verstats vs, back;
	char *err = NULL;
	json_t *j;

	verstats_parse(good, strlen(good), &vs);
	j = verstats_to_json(&vs);
	assert_int_equal(verstats_from_json(j, &back, &err), 0);
	assert_int_equal(back.n, 2);
	assert_string_equal(back.progs[1].name, "ktstr_dispatch");
	assert_true(back.progs[1].insns == 9000 && back.progs[1].limit == 1000000);
	assert_int_equal(back.progs[1].peak_states, 650);
	assert_int_equal(back.progs[1].time_us, -1);
	json_decref(j);
	verstats_free(&back);
	verstats_free(&vs);
	j = json_pack("{s:[{s:s, s:i}]}", "programs", "name", "x", "insns", -5);
	assert_int_equal(verstats_from_json(j, &back, &err), -EINVAL);
	assert_non_null(strstr(err, "program 0"));
	free(err);
	json_decref(j);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stats),
		cmocka_unit_test(test_rejected),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_json),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
