// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "util/util.h"
#include "util/yaml.h"

/* stress-ng 0.15.06 --metrics --yaml FILE, as written on this machine */
static const char stress_ng_yaml[] =
	"---\n"
	"system-info:\n"
	"      stress-ng-version: 0.15.06\n"
	"      run-by: root\n"
	"      date-yyyy-mm-dd: 2026:11:27\n"
	"      time-hh-mm-ss: 01:33:54\n"
	"      epoch-secs: 1795743234\n"
	"      version: '#1 SMP PREEMPT_DYNAMIC @0'\n"
	"      compiler: 'gcc 12.2.0'\n"
	"      totalram: 25276026880\n"
	"      cpus: 2\n"
	"\n"
	"metrics:\n"
	"    - stressor: cpu\n"
	"      bogo-ops: 744\n"
	"      bogo-ops-per-second-usr-sys-time: 1688.089215\n"
	"      bogo-ops-per-second-real-time: 741.708545\n"
	"      wall-clock-time: 1.003089\n"
	"      max-rss: 6400\n"
	"    - stressor: vm\n"
	"      bogo-ops: 12\n"
	"\n"
	"...\n";

static json_t *parse(const char *s, char **err)
{
	*err = NULL;
	return yaml_parse(s, strlen(s), err);
}

static void test_stress_ng(void **state)
{
	char *err;
	json_t *v = parse(stress_ng_yaml, &err);
	struct metric_set ms;

	(void)state;
	assert_non_null(v);
	assert_null(err);
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "system-info"),
							      "version")),
			    "#1 SMP PREEMPT_DYNAMIC @0");
	assert_string_equal(json_string_value(json_object_get(json_object_get(v, "system-info"),
							      "date-yyyy-mm-dd")),
			    "2026:11:27");
	metrics_init(&ms);
	metrics_walk(v, &ms);
	assert_non_null(metrics_find(&ms, "metrics.0.bogo-ops"));
	assert_true(metrics_find(&ms, "metrics.0.bogo-ops")->value == 744);
	assert_true(metrics_find(&ms, "metrics.0.bogo-ops-per-second-real-time")->value ==
		    741.708545);
	assert_true(metrics_find(&ms, "metrics.1.bogo-ops")->value == 12);
	assert_true(metrics_find(&ms, "system-info.totalram")->value == 25276026880.0);
	/* strings are no metrics */
	assert_null(metrics_find(&ms, "metrics.0.stressor"));
	assert_null(metrics_find(&ms, "system-info.time-hh-mm-ss"));
	metrics_free(&ms);
	json_decref(v);
}

static void test_scalars(void **state)
{
	char *err;
	json_t *v = parse("a: 1\nb: -2.5e3\nc: true\nd: ~\ne: \"x\\ty\"\nf: 'it''s'\n"
			  "g: plain text # comment\nh: 0x1F\ni: [1, 2]\nj: 1.2.3\n'k k': 7\n",
			  &err);

	(void)state;
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
	assert_true(json_real_value(json_object_get(v, "b")) == -2500);
	assert_true(json_is_true(json_object_get(v, "c")));
	assert_true(json_is_null(json_object_get(v, "d")));
	assert_string_equal(json_string_value(json_object_get(v, "e")), "x\ty");
	assert_string_equal(json_string_value(json_object_get(v, "f")), "it's");
	assert_string_equal(json_string_value(json_object_get(v, "g")), "plain text");
	assert_string_equal(json_string_value(json_object_get(v, "h")), "0x1F");
	assert_string_equal(json_string_value(json_object_get(v, "i")), "[1, 2]");
	assert_string_equal(json_string_value(json_object_get(v, "j")), "1.2.3");
	assert_int_equal(json_integer_value(json_object_get(v, "k k")), 7);
	json_decref(v);
}

static void test_nesting(void **state)
{
	char *err;
	/* a sequence at its key's indentation, nested sequences, "- key:" maps, block scalar */
	json_t *v = parse("top:\n- 1\n- - 2\n  - 3\n- x: 4\n  y:\n    z: 5\nnext: |\n  two\n  "
			  "lines\nlast: 6\n",
			  &err);

	(void)state;
	assert_non_null(v);
	json_t *top = json_object_get(v, "top");

	assert_int_equal(json_array_size(top), 3);
	assert_int_equal(json_integer_value(json_array_get(top, 0)), 1);
	assert_int_equal(json_integer_value(json_array_get(json_array_get(top, 1), 1)), 3);
	assert_int_equal(json_integer_value(json_object_get(
				 json_object_get(json_array_get(top, 2), "y"), "z")),
			 5);
	assert_string_equal(json_string_value(json_object_get(v, "next")), "two\nlines");
	assert_int_equal(json_integer_value(json_object_get(v, "last")), 6);
	json_decref(v);
}

static void test_first_document_wins(void **state)
{
	char *err;
	json_t *v = parse("# report\n---\na: 1\n---\na: 2\n", &err);

	(void)state;
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "a")), 1);
	json_decref(v);
}

static void expect_error(const char *s, const char *want)
{
	char *err;
	json_t *v = parse(s, &err);

	assert_null(v);
	assert_non_null(err);
	if (!strstr(err, want))
		fail_msg("'%s': error '%s' lacks '%s'", s, err, want);
	free(err);
}

static void test_errors(void **state)
{
	(void)state;
	expect_error("", "no YAML document");
	expect_error("# only a comment\n", "no YAML document");
	expect_error("a: 1\n    b: 2\n", "line 2: unexpected indentation");
	expect_error("a:\n\tb: 1\n", "line 2: a tab in the indentation");
	expect_error("a: 'open\n", "line 1: unterminated quoted scalar");
	expect_error("a: 1\njust text\n", "line 2: expected 'key: value'");
}

static void test_deep_and_hostile(void **state)
{
	struct strbuf sb = { 0 };
	char *err;
	json_t *v;

	(void)state;
	/* 200 levels of "- " on one line: bounded, an error, no crash */
	for (int i = 0; i < 200; i++)
		sb_append(&sb, "- ");
	sb_append(&sb, "1\n");
	v = parse(sb.buf, &err);
	assert_null(v);
	assert_non_null(strstr(err, "nesting deeper than 128"));
	free(err);
	sb_free(&sb);
	/* 100 levels parse, and the walker cuts below 64 with its sentinel */
	for (int i = 0; i < 100; i++)
		sb_append(&sb, "- ");
	sb_append(&sb, "1\n");
	v = parse(sb.buf, &err);
	assert_non_null(v);
	{
		struct metric_set ms;

		metrics_init(&ms);
		metrics_walk(v, &ms);
		assert_true(ms.truncated);
		metrics_free(&ms);
	}
	json_decref(v);
	sb_free(&sb);
	/* invalid UTF-8 and NUL bytes: strings replaced, never a crash */
	{
		static const char bad[] = "a: \xff\xfe\nb: 2\n\0c: 3\n";

		v = yaml_parse(bad, sizeof(bad) - 1, &err);
	}
	assert_non_null(v);
	assert_int_equal(json_integer_value(json_object_get(v, "b")), 2);
	assert_null(json_object_get(v, "c"));
	json_decref(v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stress_ng),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_nesting),
		cmocka_unit_test(test_first_document_wins),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_deep_and_hostile),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
