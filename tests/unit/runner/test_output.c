// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <jansson.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/args.h"
#include "runner/eval.h"
#include "runner/gauntlet.h"
#include "runner/output.h"
#include "runner/run_one.h"

static char *fmt(const struct output_test *t, int verbosity, bool color)
{
	struct strbuf sb = { 0 };

	output_test_format(&sb, t, verbosity, color);
	return sb_steal(&sb);
}

static void test_pass_line(void **state)
{
	struct ktstr_result r;
	struct output_test t = { .name = "steady", .topology = "1n1l2c1t", .accel = "tcg",
				 .wall_s = 3.21, .result = &r, .record_path = "runs/x.json" };
	char *s;

	result_init(&r);
	result_stat(&r, "worst_spread", 4.5);
	s = fmt(&t, 1, false);
	assert_string_equal(s, "PASS steady (1n1l2c1t, tcg) 3.2s\n");
	free(s);
	s = fmt(&t, 0, false); /* -q: failures only */
	assert_string_equal(s, "");
	free(s);
	s = fmt(&t, 2, false);
	assert_string_equal(s, "PASS steady (1n1l2c1t, tcg) 3.2s\n"
			       "    --- stats ---\n"
			       "    worst_spread = 4.5\n"
			       "    record: runs/x.json\n");
	free(s);
	s = fmt(&t, 1, true);
	assert_string_equal(s, "\033[32mPASS\033[0m steady (1n1l2c1t, tcg) 3.2s\n");
	free(s);
	t.scheduler = "scx_ktstr ops=ktstr";
	s = fmt(&t, 1, false);
	assert_string_equal(s, "PASS steady (1n1l2c1t, tcg, scx_ktstr ops=ktstr) 3.2s\n");
	free(s);
	t.scheduler = NULL;
	t.accel = "host";
	t.topology = NULL;
	t.wall_s = 65;
	s = fmt(&t, 1, false);
	assert_string_equal(s, "PASS steady (host) 1m05s\n");
	free(s);
	result_free(&r);
}

static void test_fail_sections(void **state)
{
	struct ktstr_result r;
	struct output_test t = {
		.name = "crashy", .topology = "1n2l2c1t", .accel = "tcg", .wall_s = 12,
		.result = &r, .show_diagnostics = true, .stage = "body", .got_exit = true,
		.guest_exit = GUEST_EXIT_SIGNAL_BASE + SIGSEGV, .have_qemu_status = true,
		.qemu_status = 0, .console_tail = "[ 1.0] boot\n[ 2.0] crash\n",
		.sched_log = "scx: hello\nscx: bye",
	};
	char *s;

	result_init(&r);
	result_fail(&r, KTSTR_CRASH, "killed by SIGSEGV");
	result_fail(&r, KTSTR_STUCK, "stuck 2500ms\non cpu1");
	result_stat(&r, "gap_ms", 2500);
	s = fmt(&t, 1, false);
	assert_string_equal(s, "FAIL crashy (1n2l2c1t, tcg) 12.0s\n"
			       "    --- details ---\n"
			       "    [crash] killed by SIGSEGV\n"
			       "    [stuck] stuck 2500ms\n"
			       "    on cpu1\n"
			       "    --- stats ---\n"
			       "    gap_ms = 2500\n"
			       "    --- diagnostics ---\n"
			       "    init stage: body\n"
			       "    guest exit: 139 (SIGSEGV); qemu: exited 0\n"
			       "    console (last 2 lines):\n"
			       "      [ 1.0] boot\n"
			       "      [ 2.0] crash\n"
			       "    --- scheduler log ---\n"
			       "      scx: hello\n"
			       "      scx: bye\n");
	free(s);
	/* -q still shows failures; without show_diagnostics no diagnostics */
	t.show_diagnostics = false;
	s = fmt(&t, 0, true);
	assert_true(str_starts_with(s, "\033[1;31mFAIL\033[0m crashy"));
	assert_null(strstr(s, "diagnostics"));
	free(s);
	result_free(&r);
}

/* The body's own lines under a failure: the last 20, every one with -v. */
static void test_guest_log(void **state)
{
	struct ktstr_result r;
	struct strbuf log = { 0 };
	struct output_test t = { .name = "chatty", .wall_s = 1, .result = &r };
	char *s;

	for (int i = 1; i <= 25; i++)
		sb_printf(&log, "line %d\n", i);
	t.guest_log = log.buf;
	result_init(&r);
	result_fail(&r, KTSTR_OTHER, "no");
	s = fmt(&t, 1, false);
	assert_non_null(strstr(s, "    --- guest log (last 20 of 25 lines) ---\n      line 6\n"));
	assert_null(strstr(s, "line 5\n"));
	assert_true(str_ends_with(s, "      line 25\n"));
	free(s);
	s = fmt(&t, 2, false);
	assert_non_null(strstr(s, "    --- guest log ---\n      line 1\n"));
	free(s);
	/* a pass shows it only with -v */
	result_free(&r);
	result_init(&r);
	s = fmt(&t, 1, false);
	assert_null(strstr(s, "guest log"));
	free(s);
	s = fmt(&t, 2, false);
	assert_non_null(strstr(s, "line 25"));
	free(s);
	result_free(&r);
	sb_free(&log);
}

static void test_skip_and_note(void **state)
{
	struct ktstr_result r;
	struct output_test t = { .name = "big", .topology = "2n8l4c2t", .accel = "tcg",
				 .result = &r };
	char *s;

	result_init(&r);
	result_skip(&r, "host topology insufficient: needs 64 vCPUs");
	s = fmt(&t, 1, false);
	assert_string_equal(s, "SKIP big (2n8l4c2t, tcg) 0.0s\n"
			       "    host topology insufficient: needs 64 vCPUs\n");
	free(s);
	result_free(&r);

	result_init(&r);
	t.note = "expected failure: [unfair] spread 40%";
	s = fmt(&t, 1, false);
	assert_string_equal(s, "PASS big (2n8l4c2t, tcg) 0.0s\n"
			       "    expected failure: [unfair] spread 40%\n");
	free(s);
	result_free(&r);
}

static void test_summary(void **state)
{
	struct strbuf sb = { 0 };
	char *s;

	output_summary_format(&sb, 3, 1, 0, 2, 0, false);
	s = sb_steal(&sb);
	assert_string_equal(s, "3 passed, 1 failed, 2 skipped\n");
	free(s);
	/* --retries: the flaky count, also when it is 0 */
	output_summary_format(&sb, 3, 1, 0, 2, 0, true);
	s = sb_steal(&sb);
	assert_string_equal(s, "3 passed, 1 failed, 0 flaky, 2 skipped\n");
	free(s);
	/* a flaky test always shows its count */
	output_summary_format(&sb, 3, 0, 1, 0, 0, false);
	s = sb_steal(&sb);
	assert_string_equal(s, "3 passed, 0 failed, 1 flaky, 0 skipped\n");
	free(s);
	/* a signal stopped tests: their count closes the line */
	output_summary_format(&sb, 1, 0, 0, 0, 2, false);
	s = sb_steal(&sb);
	assert_string_equal(s, "1 passed, 0 failed, 0 skipped, 2 interrupted\n");
	free(s);
	output_summary_format(&sb, 1, 0, 0, 0, 1, true);
	s = sb_steal(&sb);
	assert_string_equal(s, "1 passed, 0 failed, 0 flaky, 0 skipped, 1 interrupted\n");
	free(s);
}

static void test_summary_parse(void **state)
{
	unsigned p = 99, f = 99, k = 99, s = 99, i = 99;

	assert_int_equal(output_summary_parse("PASS a (1n1l2c1t, tcg) 3.2s\n"
					      "FAIL b (1n1l2c1t, tcg) 3.2s\n"
					      "    --- details ---\n"
					      "    [other] 1 passed, 2 failed, 3 skipped in a message\n"
					      "1 passed, 1 failed, 0 skipped\n",
					      &p, &f, &k, &s, &i),
			 0);
	assert_int_equal(p, 1);
	assert_int_equal(f, 1);
	assert_int_equal(k, 0);
	assert_int_equal(s, 0);
	assert_int_equal(output_summary_parse("12 passed, 0 failed, 4 skipped", &p, &f, &k, &s, &i),
			 0);
	assert_int_equal(p, 12);
	assert_int_equal(s, 4);
	assert_int_equal(output_summary_parse("2 passed, 1 failed, 3 flaky, 4 skipped\n", &p, &f,
					      &k, &s, &i),
			 0);
	assert_int_equal(p, 2);
	assert_int_equal(f, 1);
	assert_int_equal(k, 3);
	assert_int_equal(s, 4);
	assert_int_equal(output_summary_parse("PASS a\n", &p, &f, &k, &s, &i), -ENOENT);
	assert_int_equal(output_summary_parse("1 passed, 1 failed, 0 skipped!\n", &p, &f, &k, &s,
					      &i),
			 -ENOENT);
	assert_int_equal(output_summary_parse("1 passed, 1 failed, 2 flaky, 0 skipped!\n", &p, &f,
					      &k, &s, &i),
			 -ENOENT);
	assert_int_equal(output_summary_parse("", &p, &f, &k, &s, &i), -ENOENT);
	/* a signal stopped tests: the count follows the skipped one */
	assert_int_equal(output_summary_parse("1 passed, 0 failed, 0 skipped, 2 interrupted\n",
					      &p, &f, &k, &s, &i),
			 0);
	assert_int_equal(p, 1);
	assert_int_equal(s, 0);
	assert_int_equal(i, 2);
	assert_int_equal(output_summary_parse("1 passed, 0 failed, 1 flaky, 3 skipped, 4 interrupted",
					      &p, &f, &k, &s, &i),
			 0);
	assert_int_equal(k, 1);
	assert_int_equal(s, 3);
	assert_int_equal(i, 4);
	assert_int_equal(output_summary_parse("5 passed, 0 failed, 0 skipped\n", &p, &f, &k, &s,
					      &i),
			 0);
	assert_int_equal(i, 0);
	/* what the formatter never prints is not a summary */
	assert_int_equal(output_summary_parse("1 passed, 0 failed, 0 skipped, 0 interrupted\n", &p,
					      &f, &k, &s, &i),
			 -ENOENT);
	assert_int_equal(output_summary_parse("1 passed, 0 failed, 0 skipped, 2 interrupted!\n", &p,
					      &f, &k, &s, &i),
			 -ENOENT);
	assert_int_equal(output_summary_parse("1 passed, 0 failed, 0 skipped, x\n", &p, &f, &k, &s,
					      &i),
			 -ENOENT);
}

/* What the formatter prints, the parser reads back. */
static void test_summary_roundtrip(void **state)
{
	static const unsigned cases[][5] = {
		{ 3, 1, 0, 2, 0 }, { 0, 0, 2, 0, 0 }, { 1, 0, 0, 0, 2 }, { 4, 2, 1, 3, 5 },
	};

	for (size_t c = 0; c < sizeof(cases) / sizeof(cases[0]); c++) {
		struct strbuf sb = { 0 };
		unsigned p, f, k, s, i;

		output_summary_format(&sb, cases[c][0], cases[c][1], cases[c][2], cases[c][3],
				      cases[c][4], c == 1);
		assert_int_equal(output_summary_parse(sb.buf, &p, &f, &k, &s, &i), 0);
		assert_int_equal(p, cases[c][0]);
		assert_int_equal(f, cases[c][1]);
		assert_int_equal(k, cases[c][2]);
		assert_int_equal(s, cases[c][3]);
		assert_int_equal(i, cases[c][4]);
		sb_free(&sb);
	}
}

static void test_flaky_lines(void **state)
{
	struct ktstr_result r;
	struct output_test t = { .name = "wobbly", .topology = "1n1l2c1t", .accel = "tcg",
				 .wall_s = 7.1, .result = &r, .attempt = 2, .max_attempts = 3 };
	char *s;

	result_init(&r);
	s = fmt(&t, 1, false);
	assert_string_equal(s, "FLAKY wobbly (1n1l2c1t, tcg) 7.1s (passed on attempt 2 of 3)\n");
	free(s);
	s = fmt(&t, 0, false); /* -q keeps flaky tests */
	assert_string_equal(s, "FLAKY wobbly (1n1l2c1t, tcg) 7.1s (passed on attempt 2 of 3)\n");
	free(s);
	s = fmt(&t, 1, true);
	assert_string_equal(s, "\033[35mFLAKY\033[0m wobbly (1n1l2c1t, tcg) 7.1s "
			       "(passed on attempt 2 of 3)\n");
	free(s);
	/* a pass on the first attempt is a plain pass */
	t.attempt = 1;
	s = fmt(&t, 1, false);
	assert_string_equal(s, "PASS wobbly (1n1l2c1t, tcg) 7.1s\n");
	free(s);
	/* the last of several failed attempts */
	result_fail(&r, KTSTR_STARVED, "worker starved");
	t.attempt = 3;
	s = fmt(&t, 1, false);
	assert_string_equal(s, "FAIL wobbly (1n1l2c1t, tcg) 7.1s (failed all 3 attempts)\n"
			       "    --- details ---\n"
			       "    [starved] worker starved\n");
	free(s);
	/* an attempt that will be rerun says nothing about attempts */
	t.attempt = 1;
	s = fmt(&t, 1, false);
	assert_string_equal(s, "FAIL wobbly (1n1l2c1t, tcg) 7.1s\n"
			       "    --- details ---\n"
			       "    [starved] worker starved\n");
	free(s);
	result_free(&r);
}

static void test_report_flaky(void **state)
{
	struct output_report rep = { 0 };
	struct ktstr_attempt a[3], both[2];
	struct strbuf sb = { 0 };
	char *s;

	result_init(&a[0].result);
	result_fail(&a[0].result, KTSTR_TIMEOUT, "timed out after 60 s");
	a[0].wall_s = 60;
	result_init(&a[1].result);
	a[1].wall_s = 3;
	output_report_add(&rep, &(struct output_test){ .name = "wobbly", .wall_s = 3,
						       .result = &a[1].result, .attempt = 2,
						       .max_attempts = 3, .attempts = a,
						       .nattempts = 2 });
	assert_int_equal(rep.flaky, 1);
	assert_int_equal(rep.passed, 0);
	assert_int_equal(rep.failed, 0);
	assert_int_equal(output_report_exit_code(&rep, false), KTSTR_EXIT_PASS);
	assert_int_equal(output_report_exit_code(&rep, true), KTSTR_EXIT_FAIL);

	/* failed both attempts */
	result_init(&a[2].result);
	result_fail(&a[2].result, KTSTR_CRASH, "killed by SIGSEGV");
	a[2].wall_s = 1;
	both[0] = a[0];
	both[1] = a[2];
	output_report_add(&rep, &(struct output_test){ .name = "broken", .wall_s = 1,
						       .result = &a[2].result, .attempt = 2,
						       .max_attempts = 2, .attempts = both,
						       .nattempts = 2 });
	assert_int_equal(rep.failed, 1);
	assert_int_equal(output_report_exit_code(&rep, false), KTSTR_EXIT_FAIL);

	output_junit_format(&sb, &rep, "t");
	s = sb_steal(&sb);
	assert_non_null(strstr(s, "tests=\"2\" failures=\"1\""));
	assert_non_null(strstr(s, "<testcase name=\"wobbly\" classname=\"t\" time=\"3.000\">\n"
				  "      <flakyFailure message=\"timed out after 60 s\" "
				  "type=\"failure\">"
				  "[timeout] timed out after 60 s\n</flakyFailure>\n"
				  "      <system-out>passed on attempt 2 of 3</system-out>\n"
				  "    </testcase>\n"));
	assert_non_null(strstr(s, "<failure message=\"killed by SIGSEGV\" type=\"failure\">"
				  "[crash] killed by SIGSEGV\n</failure>\n"
				  "      <rerunFailure message=\"timed out after 60 s\" "
				  "type=\"failure\">"
				  "[timeout] timed out after 60 s\n</rerunFailure>\n"
				  "    </testcase>\n"));
	free(s);
	output_report_free(&rep);
	for (unsigned i = 0; i < 3; i++)
		result_free(&a[i].result);
}

static void test_xml_escape(void **state)
{
	char *s = output_xml_escape("a<b>&\"c'\x01\td\n");

	assert_string_equal(s, "a&lt;b&gt;&amp;&quot;c&apos;\xef\xbf\xbd\td\n");
	free(s);
	s = output_xml_escape(NULL);
	assert_string_equal(s, "");
	free(s);
}

static void test_report_junit(void **state)
{
	struct output_report rep = { 0 };
	struct ktstr_result ok, bad, skip;
	struct strbuf sb = { 0 };
	char *s;
	char path[] = "/tmp/ktstr-junit-XXXXXX";
	int fd;
	char *err = NULL;

	result_init(&ok);
	result_init(&bad);
	result_init(&skip);
	result_fail(&bad, KTSTR_UNFAIR, "%s", "spread 40% <limit 15%> & \"more\"");
	result_skip(&skip, "needs <8> CPUs");
	output_report_add(&rep, &(struct output_test){ .name = "a", .topology = "1n1l2c1t",
						       .wall_s = 1.5, .result = &ok });
	output_report_add(&rep, &(struct output_test){ .name = "b&c", .wall_s = 2,
						       .result = &bad });
	output_report_add(&rep, &(struct output_test){ .name = "d", .result = &skip });
	assert_int_equal(rep.passed, 1);
	assert_int_equal(rep.failed, 1);
	assert_int_equal(rep.skipped, 1);
	assert_int_equal(output_report_exit_code(&rep, false), KTSTR_EXIT_FAIL);

	output_junit_format(&sb, &rep, "my_tests");
	s = sb_steal(&sb);
	assert_non_null(strstr(s, "<testsuite name=\"my_tests\" tests=\"3\" failures=\"1\" errors=\"0\" skipped=\"1\" time=\"3.500\">"));
	assert_non_null(strstr(s, "<testcase name=\"a\" classname=\"my_tests.1n1l2c1t\" time=\"1.500\"/>"));
	assert_non_null(strstr(s, "<testcase name=\"b&amp;c\" classname=\"my_tests\" time=\"2.000\">"));
	assert_non_null(strstr(s, "<failure message=\"spread 40% &lt;limit 15%&gt; &amp; &quot;more&quot;\" type=\"failure\">[unfair] spread 40% &lt;limit 15%&gt; &amp; &quot;more&quot;\n</failure>"));
	assert_non_null(strstr(s, "<skipped message=\"needs &lt;8&gt; CPUs\"/>"));
	free(s);

	fd = mkstemp(path);
	close(fd);
	assert_int_equal(output_junit_write(&rep, "my_tests", path, &err), 0);
	s = file_read(path, NULL, 0);
	assert_non_null(strstr(s, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<testsuites tests=\"3\""));
	free(s);
	unlink(path);
	assert_int_not_equal(output_junit_write(&rep, "x", "/nonexistent/dir/j.xml", &err), 0);
	assert_non_null(strstr(err, "cannot write JUnit file /nonexistent/dir/j.xml"));
	free(err);

	output_report_free(&rep);
	result_free(&ok);
	result_free(&bad);
	result_free(&skip);

	output_report_add(&rep, &(struct output_test){ .name = "x", .result = NULL });
	assert_int_equal(rep.failed, 1);
	output_report_free(&rep);
	assert_int_equal(output_report_exit_code(&rep, false), KTSTR_EXIT_PASS);
}

static int body(struct ktstr_ctx *ctx)
{
	return KTSTR_PASS;
}

static void test_list(void **state)
{
	static const struct ktstr_test a = { .name = "alpha", .fn = body, .file = "x.c", .line = 3,
					     .llcs = 2 };
	static const struct ktstr_test h = { .name = "hosty", .fn = body, .host_only = true };
	static const struct plan_kernel k = { .label = "old", .spec = "/k/old" };
	struct plan_item v[3];
	struct strbuf sb = { 0 };
	json_t *j, *e;
	char *s;

	run_item_for(&a, &v[0]);
	run_item_for(&h, &v[1]);
	/* a gauntlet variant of alpha */
	run_item_for(&a, &v[2]);
	v[2].name = "gauntlet/alpha/smt-2llc/llc/old";
	v[2].preset = gauntlet_find_preset("smt-2llc");
	gauntlet_preset_topology(v[2].preset, &v[2].topo);
	v[2].profile = "llc";
	v[2].flags = (const char *[]){ "llc", NULL };
	v[2].kernel = &k;

	output_list_format(&sb, v, 3, false);
	s = sb_steal(&sb);
	assert_string_equal(s, "alpha\nhosty\ngauntlet/alpha/smt-2llc/llc/old\n");
	free(s);
	output_list_format(&sb, v, 3, true);
	s = sb_steal(&sb);
	j = json_loads(s, 0, NULL);
	assert_non_null(j);
	assert_int_equal(json_array_size(j), 3);
	e = json_array_get(j, 0);
	assert_string_equal(json_string_value(json_object_get(e, "name")), "alpha");
	assert_string_equal(json_string_value(json_object_get(e, "test")), "alpha");
	assert_string_equal(json_string_value(json_object_get(e, "topology")), "1n2l2c1t");
	assert_string_equal(json_string_value(json_object_get(e, "scheduler")), "eevdf");
	assert_int_equal(json_integer_value(json_object_get(e, "cpus")), 4);
	assert_int_equal(json_integer_value(json_object_get(e, "line")), 3);
	assert_true(json_is_null(json_object_get(e, "preset")));
	assert_true(json_is_null(json_object_get(e, "kernel")));
	assert_int_equal(json_array_size(json_object_get(e, "flags")), 0);
	assert_true(json_is_null(json_object_get(json_array_get(j, 1), "topology")));
	assert_true(json_is_true(json_object_get(json_array_get(j, 1), "host_only")));
	e = json_array_get(j, 2);
	assert_string_equal(json_string_value(json_object_get(e, "name")),
			    "gauntlet/alpha/smt-2llc/llc/old");
	assert_string_equal(json_string_value(json_object_get(e, "test")), "alpha");
	assert_string_equal(json_string_value(json_object_get(e, "topology")), "1n2l2c2t");
	assert_int_equal(json_integer_value(json_object_get(e, "cpus")), 8);
	assert_string_equal(json_string_value(json_object_get(e, "preset")), "smt-2llc");
	assert_string_equal(json_string_value(json_object_get(e, "profile")), "llc");
	assert_string_equal(json_string_value(json_array_get(json_object_get(e, "flags"), 0)), "llc");
	assert_string_equal(json_string_value(json_object_get(e, "kernel")), "/k/old");
	assert_string_equal(json_string_value(json_object_get(e, "kernel_label")), "old");
	json_decref(j);
	free(s);
}

static void test_color_env(void **state)
{
	setenv("NO_COLOR", "1", 1);
	assert_false(output_use_color(stdout));
	unsetenv("NO_COLOR");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_pass_line),    cmocka_unit_test(test_fail_sections),
		cmocka_unit_test(test_skip_and_note), cmocka_unit_test(test_summary),
		cmocka_unit_test(test_summary_parse),
		cmocka_unit_test(test_summary_roundtrip),
		cmocka_unit_test(test_flaky_lines),
		cmocka_unit_test(test_report_flaky),
		cmocka_unit_test(test_xml_escape),   cmocka_unit_test(test_report_junit),
		cmocka_unit_test(test_list),         cmocka_unit_test(test_color_env),
		cmocka_unit_test(test_guest_log),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
