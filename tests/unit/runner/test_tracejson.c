// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <jansson.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "core/result.h"
#include "runner/tracejson.h"
#include "util/util.h"

/* The event of phase ph on pid/tid named name (tid < 0: any), or NULL. */
static json_t *find(json_t *evs, const char *ph, int pid, int tid, const char *name)
{
	size_t i;
	json_t *e;

	json_array_foreach(evs, i, e) {
		const char *n = json_string_value(json_object_get(e, "name"));

		if (!strcmp(json_string_value(json_object_get(e, "ph")), ph) &&
		    json_integer_value(json_object_get(e, "pid")) == pid &&
		    (tid < 0 || json_integer_value(json_object_get(e, "tid")) == tid) && n &&
		    !strcmp(n, name))
			return e;
	}
	return NULL;
}

static double num(json_t *e, const char *key)
{
	return json_number_value(json_object_get(e, key));
}

/* A crafted sample in the guest's format with every kind of line, a monitor
 * that saw the "body" mark 1000 ms in (4.1 s on the trace clock), and a
 * failed result. */
static void test_sample(void **state)
{
	struct monitor_cpu cpus[3][2] = {
		{ { .nr_running = 1, .local_dsq = 0, .ok = true }, { .nr_running = 0, .ok = true } },
		{ { .nr_running = 3, .local_dsq = 2, .ok = true }, { .nr_running = 1, .ok = true } },
		{ { .nr_running = 2, .ok = true }, { .nr_running = 2, .ok = true } },
	};
	struct monitor_sample samples[3] = {
		{ .t_ms = 1000, .cpu = cpus[0] },
		{ .t_ms = 1050, .cpu = cpus[1] },
		{ .t_ms = 9000, .cpu = cpus[2] }, /* past the trace's end: left out */
	};
	struct monitor_data mon = {
		.ncpus = 2,
		.caps = { .nr_running = true, .local_dsq = true },
		.s = samples,
		.n = 3,
		.marks = { { .t_ms = 1000, .label = "body" } },
		.nmarks = 1,
	};
	struct ktstr_result res;
	struct tracejson_stats st;
	size_t len;
	char *text = file_read(TRACE_CRAFTED, &len, 1 << 20), *doc;
	json_error_t jerr;
	json_t *j, *evs, *e;

	assert_non_null(text);
	result_init(&res);
	result_fail(&res, KTSTR_STUCK, "worker 121 stuck for 40 ms\nsecond line");
	doc = tracejson_build(&(struct tracejson_in){ .text = text, .len = len, .mon = &mon,
						      .failure = res.details[0].msg }, &st);
	j = json_loads(doc, 0, &jerr);
	if (!j)
		fail_msg("not JSON: %s at line %d", jerr.text, jerr.line);
	evs = json_object_get(j, "traceEvents");
	assert_true(json_is_array(evs));

	/* a track per CPU */
	assert_int_equal(st.cpus, 2);
	e = find(evs, "M", 1, 0, "thread_name");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "args"), "name")),
			    "CPU 0");
	e = find(evs, "M", 1, 1, "thread_name");
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "args"), "name")),
			    "CPU 1");
	/* task slices from sched_switch: 121 ran on CPU 1 from 4.1007 s to 4.105 s */
	e = find(evs, "X", 1, 1, "ktstr-worker 121");
	assert_non_null(e);
	assert_true(fabs(num(e, "ts") - 4100700.0) < 0.01);
	assert_true(fabs(num(e, "dur") - 4300.0) < 0.01);
	assert_string_equal(json_string_value(json_object_get(json_object_get(e, "args"),
							      "end_state")), "R+");
	assert_non_null(find(evs, "X", 1, 0, "ktstr-worker 122"));
	assert_null(find(evs, "X", 1, 1, "swapper/1 0")); /* idle has no slices */
	/* wakeups on the target CPU, the migration on the destination, sched_ext events */
	assert_non_null(find(evs, "i", 1, 1, "wakeup ktstr-worker"));
	assert_non_null(find(evs, "i", 1, 0, "migrate ktstr-worker"));
	assert_non_null(find(evs, "i", 1, 0, "sched_ext_event"));
	/* ktstr's steps, each to the next or the body's end */
	e = find(evs, "X", 2, 1, "step 1/2");
	assert_non_null(e);
	assert_true(fabs(num(e, "dur") - 49500.0) < 0.01);
	e = find(evs, "X", 2, 1, "step 2/2");
	assert_true(fabs(num(e, "ts") + num(e, "dur") - 4200100.0) < 0.01);
	assert_int_equal(st.steps, 2);
	assert_non_null(find(evs, "i", 2, 2, "body-end"));
	/* monitor samples as counters, on the trace clock through the "body" mark */
	e = find(evs, "C", 2, -1, "nr_running");
	assert_non_null(e);
	assert_true(fabs(num(e, "ts") - 4100000.0) < 0.01);
	assert_int_equal(st.counters, 2);
	e = find(evs, "C", 2, -1, "imbalance");
	assert_int_equal(json_integer_value(json_object_get(json_object_get(e, "args"), "max-min")),
			 1);
	/* the failure: a global instant at the body's end, named by its first line */
	e = find(evs, "i", 2, 2, "failure: worker 121 stuck for 40 ms");
	assert_non_null(e);
	assert_string_equal(json_string_value(json_object_get(e, "s")), "g");
	/* what was lost is said */
	assert_int_equal(st.bad_lines, 1);
	assert_true(st.loss.overrun == 3);
	assert_int_equal(json_integer_value(json_object_get(json_object_get(j, "metadata"),
							    "overrun")), 3);
	json_decref(j);
	free(doc);
	free(text);
	result_free(&res);
}

/* Real tracefs text from a guest running the two-step cgroup_add under
 * scx_ktstr (cut to three stretches): per-CPU tracks, task slices, the
 * sched_ext events and both steps. */
static void test_real(void **state)
{
	struct tracejson_stats st;
	size_t len;
	char *text = file_read(TRACE_REAL, &len, 1 << 20), *doc;
	json_t *j, *evs, *e;
	size_t i, slices = 0;

	assert_non_null(text);
	doc = tracejson_build(&(struct tracejson_in){ .text = text, .len = len }, &st);
	j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	evs = json_object_get(j, "traceEvents");
	assert_int_equal(st.bad_lines, 0);
	assert_int_equal(st.cpus, 2);
	assert_non_null(find(evs, "M", 1, 0, "thread_name"));
	assert_non_null(find(evs, "M", 1, 1, "thread_name"));
	json_array_foreach(evs, i, e)
		slices += !strcmp(json_string_value(json_object_get(e, "ph")), "X") &&
			  json_integer_value(json_object_get(e, "pid")) == 1;
	assert_true(slices > 50 && slices == st.slices);
	assert_non_null(find(evs, "X", 1, 1, "rcu_preempt 15"));
	assert_non_null(find(evs, "i", 1, -1, "sched_ext_event"));
	e = find(evs, "X", 2, 1, "step 1/2");
	assert_non_null(e);
	assert_true(fabs(num(e, "ts") - 9679910.0) < 0.01);
	e = find(evs, "X", 2, 1, "step 2/2");
	assert_true(fabs(num(e, "ts") + num(e, "dur") - 11983555.0) < 0.01);
	assert_int_equal(st.counters, 0); /* no monitor */
	json_decref(j);
	free(doc);
	free(text);
}

/* No text, no monitor: still a valid document; hostile text stays valid JSON. */
static void test_empty_and_hostile(void **state)
{
	static const char hostile[] =
		"  \"x\\-1 [000] d... 1.0: tracing_mark_write: \"quote\" \\back \x01 \xff\n"
		"  y-2 [4095] d... 2.0: sched_wakeup: comm=\"} pid=3 prio=1 target_cpu=4095\n"
		"  z-3 [000] d... 3.0: tracing_mark_write: a\0b\n";
	struct tracejson_stats st;
	char *doc = tracejson_build(&(struct tracejson_in){ 0 }, &st);
	json_t *j = json_loads(doc, 0, NULL);

	assert_non_null(j);
	assert_int_equal(st.events, 0);
	json_decref(j);
	free(doc);
	doc = tracejson_build(&(struct tracejson_in){ .text = hostile, .len = sizeof(hostile) - 1 },
			      &st);
	j = json_loads(doc, 0, NULL);
	assert_non_null(j);
	assert_int_equal(st.events, 3);
	assert_int_equal(st.cpus, 2); /* CPUs 0 and 4095: a track each, none between */
	assert_int_equal(json_array_size(json_object_get(j, "traceEvents")), 4 + 2 * 2 + 3);
	json_decref(j);
	free(doc);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sample),
		cmocka_unit_test(test_real),
		cmocka_unit_test(test_empty_and_hostile),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
