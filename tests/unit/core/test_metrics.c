// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/metrics.h"
#include "util/util.h"

static int extract(const char *s, struct metric_set *ms, char **err)
{
	metrics_init(ms);
	return metrics_extract(s, strlen(s), ms, err);
}

static double value_of(const struct metric_set *ms, const char *name)
{
	const struct metric *m = metrics_find(ms, name);

	assert_non_null(m);
	return m->value;
}

static void test_nested(void **state)
{
	struct metric_set ms;
	const char *in = "{\"jobs\":[{\"read\":{\"iops\":5,\"bw\":1.5},\"name\":\"j0\"},"
			 "{\"read\":{\"iops\":7}}],\"ok\":true,\"none\":null,\"b\":[[1,2],[3]],"
			 "\"a\":-2e3}";

	assert_int_equal(extract(in, &ms, NULL), 7);
	/* sorted key order, array indices, strings/bools/null skipped */
	assert_string_equal(ms.v[0].name, "a");
	assert_string_equal(ms.v[1].name, "b.0.0");
	assert_string_equal(ms.v[2].name, "b.0.1");
	assert_string_equal(ms.v[3].name, "b.1.0");
	assert_string_equal(ms.v[4].name, "jobs.0.read.bw");
	assert_string_equal(ms.v[5].name, "jobs.0.read.iops");
	assert_string_equal(ms.v[6].name, "jobs.1.read.iops");
	assert_true(ms.v[0].value == -2000.0);
	assert_true(ms.v[4].value == 1.5);
	assert_true(value_of(&ms, "jobs.1.read.iops") == 7.0);
	assert_false(ms.truncated);
	assert_null(metrics_find(&ms, "jobs.0.name"));
	assert_string_equal(ms.v[0].unit, "");
	metrics_free(&ms);

	/* top-level array */
	assert_int_equal(extract("[10, {\"x\": 20}]", &ms, NULL), 2);
	assert_string_equal(ms.v[0].name, "0");
	assert_string_equal(ms.v[1].name, "1.x");
	metrics_free(&ms);
}

static char *nested(unsigned depth)
{
	struct strbuf sb = { 0 };

	for (unsigned i = 0; i < depth; i++)
		sb_append(&sb, "{\"d\":");
	sb_append(&sb, "42");
	for (unsigned i = 0; i < depth; i++)
		sb_append(&sb, "}");
	return sb_steal(&sb);
}

static void test_depth(void **state)
{
	struct metric_set ms;
	char *in = nested(70);
	const struct metric *m;

	assert_int_equal(extract(in, &ms, NULL), 1);
	assert_true(ms.truncated);
	m = metrics_find(&ms, METRICS_TRUNCATED);
	assert_non_null(m);
	assert_true(m->value == 1.0);
	metrics_free(&ms);
	free(in);

	/* exactly the limit: the leaf is reached, no sentinel */
	in = nested(METRICS_MAX_DEPTH);
	assert_int_equal(extract(in, &ms, NULL), 1);
	assert_false(ms.truncated);
	assert_int_equal(strlen(ms.v[0].name), METRICS_MAX_DEPTH * 2 - 1); /* d.d.…d */
	assert_true(ms.v[0].value == 42.0);
	metrics_free(&ms);
	free(in);

	/* one deeper: cut */
	in = nested(METRICS_MAX_DEPTH + 1);
	assert_int_equal(extract(in, &ms, NULL), 1);
	assert_true(ms.truncated);
	assert_string_equal(ms.v[0].name, METRICS_TRUNCATED);
	metrics_free(&ms);
	free(in);
}

static void test_prefix_and_two_documents(void **state)
{
	struct metric_set ms;
	char *err = NULL;

	assert_int_equal(extract("stress-ng: info: [123] dispatching hogs: 4 cpu\n"
				 "some text } ] \n{\"bogo_ops\": 1234}\ntrailer",
				 &ms, &err),
			 1);
	assert_true(value_of(&ms, "bogo_ops") == 1234.0);
	metrics_free(&ms);

	assert_int_equal(extract("{\"a\":1}\n{\"b\":2}", &ms, NULL), 1);
	assert_true(value_of(&ms, "a") == 1.0);
	assert_null(metrics_find(&ms, "b"));
	metrics_free(&ms);

	/* a non-JSON bracketed prefix does not hide the document after it */
	assert_int_equal(extract("[INFO] starting\n{\"lat\":{\"p99\":12}}", &ms, NULL), 1);
	assert_true(value_of(&ms, "lat.p99") == 12.0);
	metrics_free(&ms);

	/* an unbalanced opener is skipped */
	assert_int_equal(extract("progress [=====   \n{\"x\":3}", &ms, NULL), 1);
	assert_true(value_of(&ms, "x") == 3.0);
	metrics_free(&ms);

	/* dmesg-style prefixes are skipped; with nothing else they are still read */
	assert_int_equal(extract("[    0.001234] booting\n[    0.2] x\n{\"y\":1}", &ms, NULL), 1);
	assert_true(value_of(&ms, "y") == 1.0);
	metrics_free(&ms);
	assert_int_equal(extract("[7, 8] trailing words", &ms, NULL), 2);
	assert_true(value_of(&ms, "1") == 8.0);
	metrics_free(&ms);

	/* a bare number is one metric */
	assert_int_equal(extract("  17.5\n", &ms, NULL), 1);
	assert_string_equal(ms.v[0].name, "value");
	metrics_free(&ms);
}

static void test_braces_in_strings(void **state)
{
	struct metric_set ms;
	size_t start, len;
	const char *in = "x {\"s\":\"}]{[\\\"}\",\"n\":{\"v\":3}} {\"later\":1}";

	assert_int_equal(metrics_find_region(in, strlen(in), 0, &start, &len), 0);
	assert_int_equal(start, 2);
	assert_int_equal(len, strlen("{\"s\":\"}]{[\\\"}\",\"n\":{\"v\":3}}"));
	assert_int_equal(extract(in, &ms, NULL), 1);
	assert_true(value_of(&ms, "n.v") == 3.0);
	metrics_free(&ms);
}

static void test_huge_numbers(void **state)
{
	struct metric_set ms;
	char *err = NULL;

	assert_int_equal(extract("{\"big\":1e308,\"neg\":-1.7e308,\"u64\":18446744073709551615,"
				 "\"i63\":9223372036854775807,\"over\":9223372036854775808,"
				 "\"tiny\":1e-400,\"inf\":1e999,\"next\":5}",
				 &ms, &err),
			 7);
	assert_null(err);
	assert_true(value_of(&ms, "big") == 1e308);
	assert_true(value_of(&ms, "neg") == -1.7e308);
	assert_true(value_of(&ms, "u64") == 18446744073709551615.0);
	assert_true(value_of(&ms, "i63") == 9223372036854775807.0);
	assert_true(value_of(&ms, "over") == 9223372036854775808.0);
	assert_true(value_of(&ms, "tiny") == 0.0);
	assert_true(value_of(&ms, "next") == 5.0);
	assert_null(metrics_find(&ms, "inf")); /* beyond double: skipped, counted */
	assert_int_equal(ms.skipped_numbers, 1);
	metrics_free(&ms);

	/* a 400-digit integer */
	{
		struct strbuf sb = { 0 };

		sb_append(&sb, "[");
		for (int i = 0; i < 400; i++)
			sb_append(&sb, "9");
		sb_append(&sb, ", 1]");
		assert_int_equal(extract(sb.buf, &ms, NULL), 1);
		assert_true(value_of(&ms, "1") == 1.0);
		metrics_free(&ms);
		sb_free(&sb);
	}
}

static void test_invalid_utf8(void **state)
{
	struct metric_set ms;
	char *err = NULL;

	/* bad bytes in a string value and in a key: replaced, the numbers survive */
	assert_int_equal(extract("{\"host\":\"ab\xff\xfe\",\"k\xc3\x28\":2,\"ops\":9}", &ms, &err),
			 2);
	assert_null(err);
	assert_int_equal(ms.bad_utf8, 3);
	assert_true(value_of(&ms, "ops") == 9.0);
	assert_true(value_of(&ms, "k\xef\xbf\xbd(") == 2.0);
	metrics_free(&ms);

	/* overlong encoding and a lone surrogate are invalid too */
	assert_int_equal(extract("{\"\xc0\xaf\":1,\"\xed\xa0\x80\":2}", &ms, &err), 2);
	assert_int_equal(ms.bad_utf8, 5);
	metrics_free(&ms);

	/* valid multi-byte UTF-8 is kept as is */
	assert_int_equal(extract("{\"lat_\xc2\xb5s\":3}", &ms, NULL), 1);
	assert_int_equal(ms.bad_utf8, 0);
	assert_true(value_of(&ms, "lat_\xc2\xb5s") == 3.0);
	metrics_free(&ms);
}

static void test_errors(void **state)
{
	struct metric_set ms;
	char *err = NULL;

	assert_int_equal(extract("", &ms, &err), -ENOENT);
	assert_non_null(err);
	assert_int_equal(ms.n, 0);
	free(err);
	err = NULL;
	assert_int_equal(extract("all good, no numbers here\n", &ms, &err), -ENOENT);
	assert_non_null(strstr(err, "no JSON"));
	free(err);
	err = NULL;
	assert_int_equal(extract("{\"a\": 1, oops}", &ms, &err), -EINVAL);
	assert_non_null(strstr(err, "byte 0"));
	assert_int_equal(ms.n, 0);
	free(err);
	err = NULL;
	/* strings and booleans only: parsed, zero metrics */
	assert_int_equal(extract("{\"a\":\"1\",\"b\":true}", &ms, &err), 0);
	assert_null(err);
	/* embedded NUL: rejected by the parser, no crash */
	assert_int_equal(metrics_extract("{\"a\":\"x\0y\"}", 12, &ms, &err), -EINVAL);
	free(err);
	err = NULL;
	assert_int_equal(metrics_extract("{}", METRICS_MAX_INPUT + 1, &ms, &err), -E2BIG);
	free(err);
}

static void test_streams(void **state)
{
	struct metric_set ms;
	char *err = NULL;
	const char *out = "no json here\n", *errs = "{\"e\":4}";

	metrics_init(&ms);
	assert_int_equal(metrics_extract_streams(out, strlen(out), errs, strlen(errs), &ms, &err), 1);
	assert_int_equal(ms.stream, METRIC_STDERR);
	assert_true(value_of(&ms, "e") == 4.0);
	/* stdout with metrics wins, stderr is not merged */
	out = "{\"o\":1}";
	assert_int_equal(metrics_extract_streams(out, strlen(out), errs, strlen(errs), &ms, &err), 1);
	assert_int_equal(ms.stream, METRIC_STDOUT);
	assert_null(metrics_find(&ms, "e"));
	metrics_free(&ms);
	assert_null(err);
}

static void test_hints_and_checks(void **state)
{
	struct metric_set ms;
	struct ktstr_result r;

	assert_int_equal(extract("{\"ops\":1000,\"lat\":{\"p99\":250.5}}", &ms, NULL), 2);
	metrics_apply_hints(&ms, KTSTR_METRIC_HINTS(KTSTR_HINT("ops", KTSTR_LOWER_BETTER, NULL),
						    KTSTR_HINT("ops", KTSTR_HIGHER_BETTER, "ops/s"),
						    KTSTR_HINT_TARGET("lat.p99", 100, "us")));
	assert_int_equal(metrics_find(&ms, "ops")->polarity, KTSTR_HIGHER_BETTER);
	assert_string_equal(metrics_find(&ms, "ops")->unit, "ops/s");
	assert_int_equal(metrics_find(&ms, "lat.p99")->polarity, KTSTR_TARGET_VALUE);
	assert_true(metrics_find(&ms, "lat.p99")->target == 100.0);

	result_init(&r);
	assert_int_equal(metrics_check(&ms, 0, NULL,
				       KTSTR_CHECKS(KTSTR_CHECK_EXIT(0), KTSTR_CHECK_MIN("ops", 1000),
						    KTSTR_CHECK_MAX("lat.p99", 300),
						    KTSTR_CHECK_RANGE("ops", 0, 1e6),
						    KTSTR_CHECK_EXISTS("lat.p99")),
				       &r),
			 0);
	assert_int_equal(r.verdict, KTSTR_PASS);

	assert_int_equal(metrics_check(&ms, 0, NULL,
				       KTSTR_CHECKS(KTSTR_CHECK_MIN("ops", 5000),
						    KTSTR_CHECK_MAX("lat.p99", 100),
						    KTSTR_CHECK_RANGE("ops", 0, 10),
						    KTSTR_CHECK_EXISTS("bogo_ops")),
				       &r),
			 4);
	assert_int_equal(r.verdict, KTSTR_FAIL);
	assert_int_equal(r.ndetails, 4);
	assert_int_equal(r.details[0].kind, KTSTR_METRIC);
	assert_string_equal(r.details[0].msg, "metric 'ops' = 1000 below minimum 5000");
	assert_string_equal(r.details[1].msg, "metric 'lat.p99' = 250.5 exceeds maximum 100");
	assert_string_equal(r.details[2].msg, "metric 'ops' = 1000 outside [0, 10]");
	assert_string_equal(r.details[3].msg, "metric 'bogo_ops' not found in payload output");
	result_free(&r);

	/* a wrong exit code is reported alone, with the stderr tail */
	result_init(&r);
	assert_int_equal(metrics_check(&ms, 3, "fatal: no such option\n",
				       KTSTR_CHECKS(KTSTR_CHECK_MIN("nope", 1), KTSTR_CHECK_EXIT(0)),
				       &r),
			 1);
	assert_int_equal(r.ndetails, 1);
	assert_string_equal(r.details[0].msg,
			    "payload exited with code 3, expected 0; stderr:\nfatal: no such option");
	result_free(&r);
	metrics_free(&ms);
}

static void test_json_roundtrip(void **state)
{
	struct metric_set ms, back;
	char *err = NULL;
	json_t *j;

	assert_int_equal(extract("{\"ops\":1000,\"lat\":250.5,\"x\":1}", &ms, NULL), 3);
	metrics_apply_hints(&ms, KTSTR_METRIC_HINTS(KTSTR_HINT("ops", KTSTR_HIGHER_BETTER, "ops/s"),
						    KTSTR_HINT_TARGET("lat", 7.5, NULL)));
	j = metrics_to_json(&ms);
	metrics_init(&back);
	assert_int_equal(metrics_from_json(j, &back, &err), 0);
	assert_int_equal(back.n, 3);
	assert_string_equal(metrics_find(&back, "ops")->unit, "ops/s");
	assert_int_equal(metrics_find(&back, "ops")->polarity, KTSTR_HIGHER_BETTER);
	assert_true(metrics_find(&back, "lat")->target == 7.5);
	assert_int_equal(metrics_find(&back, "x")->polarity, KTSTR_POLARITY_UNKNOWN);
	json_decref(j);
	metrics_free(&back);
	metrics_free(&ms);

	j = json_loads("[{\"name\":\"a\",\"value\":1,\"polarity\":\"sideways\"}]", 0, NULL);
	assert_int_equal(metrics_from_json(j, &back, &err), -EINVAL);
	assert_non_null(strstr(err, "polarity"));
	free(err);
	json_decref(j);
	metrics_free(&back);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_nested),
		cmocka_unit_test(test_depth),
		cmocka_unit_test(test_prefix_and_two_documents),
		cmocka_unit_test(test_braces_in_strings),
		cmocka_unit_test(test_huge_numbers),
		cmocka_unit_test(test_invalid_utf8),
		cmocka_unit_test(test_errors),
		cmocka_unit_test(test_streams),
		cmocka_unit_test(test_hints_and_checks),
		cmocka_unit_test(test_json_roundtrip),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
