// SPDX-License-Identifier: GPL-2.0-only
/*
 * The report page from records with hostile strings and broken numbers: every
 * string escaped, every drawn number finite, long timelines cut to the bound
 * and said so; a comparison draws a delta per metric with its interval.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runner/report_page.h"
#include "util/util.h"

static size_t count(const char *s, const char *what)
{
	size_t n = 0;

	for (const char *p = strstr(s, what); p; p = strstr(p + 1, what))
		n++;
	return n;
}

static void test_buckets(void **state)
{
	double v[] = { 1, NAN, 3, 2, NAN, NAN, 7 }, out[7];

	assert_int_equal(report_bucket_len(5000, 100), 50);
	assert_int_equal(report_bucket_len(100, 100), 1);
	assert_int_equal(report_bucket_len(101, 100), 2);
	assert_int_equal(report_bucket_len(7, 0), 1);
	assert_int_equal(report_bucket_max(v, 7, 2, out), 4);
	assert_true(out[0] == 1 && out[1] == 3 && isnan(out[2]) && out[3] == 7);
	assert_int_equal(report_bucket_max(v, 7, 1, out), 7);
}

/* 5000 samples of 2 CPUs, with a string, a null and a huge value among them. */
static json_t *hostile_monitor(void)
{
	json_t *t = json_array(), *nr0 = json_array(), *nr1 = json_array(), *dsq = json_array();

	for (int i = 0; i < 5000; i++) {
		json_array_append_new(t, json_integer(1000 + i * 10));
		json_array_append_new(nr0, i == 7 ? json_string("9") : json_integer(i % 5));
		json_array_append_new(nr1, i == 8 ? json_null() : json_real(i == 9 ? 1e308 : 1));
		json_array_append_new(dsq, json_integer(i % 3));
	}
	return json_pack("{s:i, s:s, s:[{s:s, s:i}, {s:s, s:i}], s:{s:o, s:[{s:i, s:o, s:o}, "
			 "{s:i, s:o, s:O}]}}",
			 "samples", 5000, "checks", "evaluated", "phases", "stage",
			 "</text><script>alert(2)</script>", "t_ms", 2000, "stage", "body", "t_ms",
			 "oops", "timeline", "t_ms", t, "cpus", "cpu", 0, "nr_running", nr0,
			 "local_dsq", dsq, "cpu", 1, "nr_running", nr1, "local_dsq", dsq);
}

static void test_record_escaped(void **state)
{
	struct sidecar_record r;
	struct report_run run = { "run<1>", "/runs/\"x\"", &r, 1 };
	struct report_page_opts o = { .runs = &run, .nruns = 1, .max_points = 100,
				      .command = "ktstr report <x>" };
	struct ktstr_worker_share w = { .cgroup = "<b>cg", .pid = 7, .cpu_pct = 150,
					.wait_pct = NAN, .work_units = 1, .migrations = 0 };
	char *html;

	sidecar_record_init(&r);
	r.test = xstrdup("<script>alert(1)</script>");
	r.variant = xstrdup("default");
	r.scheduler = xstrdup("eevdf");
	r.sched_ext_dump = xstrdup("<iframe src=x>");
	result_fail(&r.result, KTSTR_STUCK, "\"><img src=x onerror=alert(1)>");
	result_worker(&r.result, &w);
	r.monitor = hostile_monitor();
	r.auto_repro = json_pack("{s:s, s:[{s:s, s:i, s:s, s:I, s:s}, {s:i}]}", "outcome",
				 "fail <svg>", "hits", "func", "enq<x>", "cpu", 1, "task",
				 "<u>-1", "rel_ns", (json_int_t)-1500000, "args", "comm=\"<a>\"",
				 "cpu", 2);
	html = report_page_html(&o);

	assert_null(strstr(html, "<script"));
	assert_null(strstr(html, "<img"));
	assert_null(strstr(html, "<iframe"));
	assert_null(strstr(html, "<svg>"));
	/* auto-repro hits, escaped; a hit without members still a line */
	assert_non_null(strstr(html, "auto-repro: fail &lt;svg&gt;"));
	assert_non_null(strstr(html, "enq&lt;x&gt; -1.500 ms cpu 1 &lt;u&gt;-1 comm=&quot;&lt;a&gt;&quot;\n"
				     " +0.000 ms cpu 2  \n"));
	assert_null(strstr(html, "<b>cg"));
	assert_non_null(strstr(html, "&lt;b&gt;cg pid 7"));
	assert_non_null(strstr(html, "&lt;script&gt;alert(1)&lt;/script&gt;"));
	assert_non_null(strstr(html, "&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"));
	assert_non_null(strstr(html, "run&lt;1&gt;"));
	/* nothing the page loads: a policy that allows no source, no script */
	assert_non_null(strstr(html, "content=\"default-src 'none'; style-src 'unsafe-inline'\""));
	/* bounded: 5000 samples as 100 points, said under the charts */
	assert_non_null(strstr(html, "data-kind=\"nr_running\" data-points=\"100\" "
				     "data-series=\"2\""));
	assert_non_null(strstr(html, "data-kind=\"imbalance\" data-points=\"100\""));
	assert_non_null(strstr(html, "downsampled: 5000 samples drawn as 100 points, each the "
				     "maximum of 50 samples"));
	/* the phase with a time is marked, the one without is not */
	assert_int_equal(count(html, "<g class=\"mark\">"), 3);
	/* a worker bar, its share clamped to the axis */
	assert_int_equal(count(html, "<g class=\"worker\">"), 1);
	assert_null(strstr(html, "nan"));
	assert_null(strstr(html, "inf"));
	free(html);
	sidecar_record_free(&r);
}

static void test_comparison(void **state)
{
	static struct ktstr_stat sa[5][2], sb[5][2];
	struct compare_rec ra[5], rb[5];
	struct compare_side a = { "A", ra, 5 }, b = { "B", rb, 5 };
	struct compare_opts co = COMPARE_OPTS_DEFAULT;
	struct compare_report rep;
	struct report_page_opts o = REPORT_PAGE_OPTS_DEFAULT;
	char *html;

	for (int i = 0; i < 5; i++) {
		sa[i][0] = (struct ktstr_stat){ "worst_spread", 10 + i * 0.1 };
		sb[i][0] = (struct ktstr_stat){ "worst_spread", 20 + i * 0.1 };
		sa[i][1] = (struct ktstr_stat){ "x<y>", 5 + i };
		sb[i][1] = (struct ktstr_stat){ "x<y>", 5 + i };
		ra[i] = (struct compare_rec){ .test = "steady", .topology = "1n1l2c1t",
					      .scheduler = "eevdf", .verdict = KTSTR_PASS,
					      .stats = sa[i], .nstats = 2 };
		rb[i] = ra[i];
		rb[i].scheduler = "scx<ktstr>";
		rb[i].stats = sb[i];
	}
	compare_runs(&a, &b, &co, &rep);
	o.cmp = &rep;
	o.a_name = "A";
	o.b_name = "B";
	html = report_page_html(&o);
	assert_non_null(strstr(html, "data-kind=\"deltas\" data-points=\"2\""));
	/* each metric: a dot and its interval; the regression in its colour */
	assert_int_equal(count(html, "<circle"), 2);
	assert_int_equal(count(html, "<line class=\"ci\""), 2);
	assert_non_null(strstr(html, "<g class=\"delta regression\" data-metric=\"worst_spread\">"));
	assert_non_null(strstr(html, "data-metric=\"x&lt;y&gt;\""));
	assert_non_null(strstr(html, "scx&lt;ktstr&gt;"));
	assert_null(strstr(html, "<y>"));
	assert_non_null(strstr(html, "1 regression(s)"));
	free(html);
	compare_report_free(&rep);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_buckets),
		cmocka_unit_test(test_record_escaped),
		cmocka_unit_test(test_comparison),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
