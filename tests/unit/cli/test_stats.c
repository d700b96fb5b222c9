// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr stats` end to end, no VM: run directories of records written with
 * the real sidecar writer, then the real `ktstr` binary (argv[1]) reading them.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "runner/sidecar.h"
#include "util/util.h"

#define RUN_A "20261127T010000Z-100"
#define RUN_B "20261127T020000Z-200"

static const char *ktstr_bin;
static char root[] = "/tmp/ktstr-stats-test-XXXXXX";

/* Run `ktstr stats ARGS` (stdout and stderr together); returns the exit status. */
static int stats(char **out, const char *fmt, ...)
{
	struct strbuf sb = { 0 };
	char buf[4096], *args, *cmd;
	va_list ap;
	size_t n;
	FILE *p;
	int st;

	va_start(ap, fmt);
	args = xvasprintf(fmt, ap);
	va_end(ap);
	cmd = xasprintf("NO_COLOR=1 '%s' stats --runs-dir '%s' %s 2>&1", ktstr_bin, root, args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while ((n = fread(buf, 1, sizeof(buf), p)) > 0)
		sb_appendn(&sb, buf, n);
	st = pclose(p);
	*out = sb_steal(&sb);
	printf("$ ktstr stats %s  -> exit %d\n", args, WEXITSTATUS(st));
	fputs(*out, stdout);
	free(args);
	free(cmd);
	assert_true(WIFEXITED(st));
	return WEXITSTATUS(st);
}

static void write_record(const char *run, const char *test, enum ktstr_verdict v, double spread,
			 double iterations)
{
	struct sidecar_record r;
	char *dir = xasprintf("%s/%s", root, run), *err = NULL;

	sidecar_record_init(&r);
	r.run_id = xstrdup(run);
	r.test = xstrdup(test);
	r.variant = xstrdup("default");
	r.topology = xstrdup("1n1l2c1t");
	r.scheduler = xstrdup("eevdf");
	r.kernel_version = xstrdup("7.3.4");
	r.accel = xstrdup("tcg");
	r.started_at = xstrdup(!strcmp(run, RUN_A) ? "2026-11-27T01:00:00Z" : "2026-11-27T02:00:00Z");
	r.wall_s = 3.5;
	if (v == KTSTR_FAIL)
		result_fail(&r.result, KTSTR_UNFAIR, "spread %.0f%%", spread);
	else if (v == KTSTR_SKIP)
		result_skip(&r.result, "needs 64 cpus");
	else if (v == KTSTR_INTERRUPTED)
		result_fail(&r.result, KTSTR_OTHER, "interrupted by SIGTERM");
	r.result.verdict = v;
	result_stat(&r.result, "worst_spread", spread);
	result_stat(&r.result, "total_iterations", iterations);
	result_stat(&r.result, "worst_gap_ms", 120);
	if (!strcmp(test, "bench")) {
		/* a payload's metrics, polarity from its hints: iterations stands in for ops */
		const char *out = "stress-ng: info: [42] dispatching hogs\n";
		char *json = xasprintf("%s{\"bogo_ops\": %g, \"lat\": {\"p99_us\": 80}}", out,
				       iterations);

		assert_int_equal(metrics_extract(json, strlen(json), &r.metrics, NULL), 2);
		metrics_apply_hints(&r.metrics,
				    KTSTR_METRIC_HINTS(KTSTR_HINT("bogo_ops", KTSTR_HIGHER_BETTER, "ops"),
						       KTSTR_HINT("lat.p99_us", KTSTR_LOWER_BETTER, "us")));
		free(json);
	}
	assert_int_equal(sidecar_write(&r, dir, NULL, &err), 0);
	sidecar_record_free(&r);
	free(dir);
}

/* Baseline A; B is A with the given changes to test "steady". */
static void make_runs(double b_spread, double b_iterations)
{
	char *cmd = xasprintf("rm -rf '%s'/2026*", root);

	assert_int_equal(system(cmd), 0);
	free(cmd);
	write_record(RUN_A, "steady", KTSTR_PASS, 10.0, 50000);
	write_record(RUN_A, "two_cgroups", KTSTR_PASS, 8.0, 40000);
	write_record(RUN_A, "big_topology", KTSTR_SKIP, 0, 0);
	write_record(RUN_A, "bench", KTSTR_PASS, 5, 1000);
	write_record(RUN_B, "bench", KTSTR_PASS, 5, 1000);
	write_record(RUN_B, "steady", KTSTR_PASS, b_spread, b_iterations);
	write_record(RUN_B, "two_cgroups", KTSTR_PASS, 8.0, 40000);
	write_record(RUN_B, "big_topology", KTSTR_SKIP, 0, 0);
}

static void test_equal_runs(void **state)
{
	char *out;

	make_runs(10.0, 50000);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 0);
	assert_non_null(strstr(out, "0 regression(s)"));
	assert_null(strstr(out, "regression "));
	assert_non_null(strstr(out, "worst_spread"));
	free(out);
	/* latest~1 and latest name the same runs */
	assert_int_equal(stats(&out, "compare latest~1 latest"), 0);
	assert_non_null(strstr(out, "A: " RUN_A));
	assert_non_null(strstr(out, "B: " RUN_B));
	free(out);
}

static void test_injected_regression(void **state)
{
	char *out;
	json_t *j;

	/* worst_spread 10 -> 30 (+20 >= 5, +200% >= 25%): a regression */
	make_runs(30.0, 50000);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 1);
	assert_non_null(strstr(out, "worst_spread"));
	assert_non_null(strstr(out, "regression"));
	assert_non_null(strstr(out, "1 regression(s) (1 metric, 0 pass->fail)"));
	free(out);

	assert_int_equal(stats(&out, "compare %s %s --json", RUN_A, RUN_B), 1);
	j = json_loads(out, 0, NULL);
	assert_non_null(j);
	assert_true(json_is_true(json_object_get(j, "regression")));
	json_decref(j);
	free(out);

	/* more iterations is an improvement, not a regression */
	make_runs(10.0, 80000);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 0);
	assert_non_null(strstr(out, "improvement"));
	free(out);

	/* a change under a gate is no regression; --threshold 100 raises the relative gate */
	make_runs(13.0, 50000);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 0);
	free(out);
	make_runs(16.0, 50000);
	assert_int_equal(stats(&out, "compare %s %s --threshold 100", RUN_A, RUN_B), 0);
	free(out);
}

static void test_verdict_regression(void **state)
{
	char *out;

	make_runs(10.0, 50000);
	write_record(RUN_B, "two_cgroups", KTSTR_FAIL, 60.0, 40000);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 1);
	assert_non_null(strstr(out, "two_cgroups"));
	assert_non_null(strstr(out, "pass -> fail"));
	free(out);
}

static void test_payload_metric(void **state)
{
	char *out;

	/* bogo_ops is higher-better: 1000 -> 500 is a regression named with its polarity */
	make_runs(10.0, 50000);
	write_record(RUN_B, "bench", KTSTR_PASS, 5, 500);
	assert_int_equal(stats(&out, "compare %s %s --changed", RUN_A, RUN_B), 1);
	assert_non_null(strstr(out, "bogo_ops"));
	assert_non_null(strstr(out, "regression"));
	assert_non_null(strstr(out, "higher better"));
	assert_null(strstr(out, "lat.p99_us")); /* unchanged, hidden by --changed */
	free(out);
	/* and 1000 -> 2000 an improvement */
	write_record(RUN_B, "bench", KTSTR_PASS, 5, 2000);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 0);
	assert_non_null(strstr(out, "improvement"));
	assert_non_null(strstr(out, "lat.p99_us"));
	free(out);
}

static void test_list_show(void **state)
{
	char *out, *a, *b;

	make_runs(30.0, 50000);
	assert_int_equal(stats(&out, "list"), 0);
	a = strstr(out, RUN_A);
	b = strstr(out, RUN_B);
	assert_non_null(a);
	assert_non_null(b);
	assert_true(b < a); /* newest first */
	assert_non_null(strstr(out, "7.3.4"));
	free(out);

	assert_int_equal(stats(&out, "show latest"), 0);
	assert_non_null(strstr(out, "big_topology"));
	assert_non_null(strstr(out, "worst_spread=30"));
	assert_non_null(strstr(out, "3 passed, 0 failed, 1 skipped"));
	free(out);
}

/* A flaky record (--retries) reads like a pass: shown as flaky, no regression. */
static void test_flaky_record(void **state)
{
	char *out, *path, *err = NULL;
	struct ktstr_attempt a[2] = { 0 };

	make_runs(10.0, 50000);
	result_fail(&a[0].result, KTSTR_STARVED, "worker 0 starved");
	a[0].wall_s = 4;
	a[1].wall_s = 3.5;
	path = xasprintf("%s/%s/two_cgroups-default%s", root, RUN_B, SIDECAR_SUFFIX);
	assert_int_equal(sidecar_add_attempts(path, a, 2, true, &err), 0);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 0);
	assert_non_null(strstr(out, "0 regression(s)"));
	free(out);
	assert_int_equal(stats(&out, "show latest"), 0);
	assert_non_null(strstr(out, "two_cgroups                      flaky"));
	assert_non_null(strstr(out, "3 passed, 0 failed, 1 skipped"));
	free(out);
	result_free(&a[0].result);
	free(path);
}

/* A record of a run stopped by a signal: read, shown and counted as
 * interrupted, no sample for compare and no regression. */
static void test_interrupted_record(void **state)
{
	char *out;

	make_runs(10.0, 50000);
	write_record(RUN_B, "steady", KTSTR_INTERRUPTED, 0, 0);
	assert_int_equal(stats(&out, "show latest"), 0);
	assert_non_null(strstr(out, "interrupted by SIGTERM"));
	assert_non_null(strstr(out, "2 passed, 0 failed, 1 skipped, 1 interrupted"));
	assert_null(strstr(out, "unreadable"));
	free(out);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 0);
	assert_non_null(strstr(out, "pass -> interrupted"));
	free(out);
	assert_int_equal(stats(&out, "list --json"), 0);
	assert_non_null(strstr(out, "\"interrupted\": 1"));
	free(out);
}

static void test_bad_input(void **state)
{
	char *out, *path;

	make_runs(10.0, 50000);
	assert_int_equal(stats(&out, "compare %s nosuchrun", RUN_A), 2);
	assert_non_null(strstr(out, "nosuchrun"));
	free(out);
	assert_int_equal(stats(&out, "compare latest~5 latest"), 2);
	free(out);
	assert_int_equal(stats(&out, "compare %s", RUN_A), 2);
	free(out);
	assert_int_equal(stats(&out, "compare %s %s --threshold abc", RUN_A, RUN_B), 2);
	free(out);

	path = xasprintf("%s/%s/broken-default%s", root, RUN_B, SIDECAR_SUFFIX);
	assert_int_equal(file_write_str(path, "{\"schema_version\": 1, \"test\": "), 0);
	assert_int_equal(stats(&out, "compare %s %s", RUN_A, RUN_B), 2);
	assert_non_null(strstr(out, "broken-default"));
	free(out);
	/* list still lists the run and says a record is unreadable */
	assert_int_equal(stats(&out, "list"), 0);
	assert_non_null(strstr(out, "unreadable"));
	free(out);
	free(path);
}

/* One run, sides chosen by scheduler: 5 repeats each, B's iterations 40% lower. */
static void test_pool_by_scheduler(void **state)
{
	char *out, *dir = xasprintf("%s/%s", root, RUN_A), *cmd;

	cmd = xasprintf("rm -rf '%s'/2026*", root);
	assert_int_equal(system(cmd), 0);
	free(cmd);
	for (unsigned k = 1; k <= 5; k++) {
		for (int side = 0; side < 2; side++) {
			struct sidecar_record r;
			char *err = NULL;

			sidecar_record_init(&r);
			r.run_id = xstrdup(RUN_A);
			r.test = xstrdup("steady");
			r.scheduler = xstrdup(side ? "scx_ktstr" : "eevdf");
			r.variant = xasprintf("1n1l2c1t-%s", r.scheduler);
			r.config = xstrdup("default");
			r.topology = xstrdup("1n1l2c1t");
			r.kernel_version = xstrdup("7.3.4");
			r.repeat = k;
			r.repeats = 5;
			result_stat(&r.result, "total_iterations", (side ? 30000 : 50000) + 10.0 * k);
			assert_int_equal(sidecar_write(&r, dir, NULL, &err), 0);
			sidecar_record_free(&r);
		}
	}
	assert_int_equal(stats(&out, "compare %s --a-scheduler eevdf --b-scheduler scx_ktstr",
			       RUN_A), 1);
	assert_non_null(strstr(out, "pairing on test, variant, topology, args, kernel; "
				    "differing: scheduler (eevdf -> scx_ktstr)"));
	assert_non_null(strstr(out, "steady (1n1l2c1t): pass (0/5 failed) -> pass (0/5 failed)"));
	assert_non_null(strstr(out, "[-2.003e+04, -1.997e+04] regression"));
	free(out);
	/* one run without a choice of sides, and a choice that pairs nothing: exit 2 */
	assert_int_equal(stats(&out, "compare %s", RUN_A), 2);
	assert_non_null(strstr(out, "needs the sides chosen by a dimension"));
	free(out);
	assert_int_equal(stats(&out, "compare %s --a-scheduler eevdf --b-scheduler scx_ktstr "
				     "--scenario nosuch", RUN_A), 2);
	assert_non_null(strstr(out, "no test is on both sides"));
	assert_non_null(strstr(out, "A (" RUN_A "): 0 record(s)"));
	free(out);
	assert_int_equal(stats(&out, "compare %s --json --a-scheduler eevdf --b-scheduler "
				     "scx_ktstr", RUN_A), 1);
	assert_non_null(strstr(out, "\"method\": \"hodges-lehmann\""));
	assert_non_null(strstr(out, "\"exit\": 1"));
	free(out);
	free(dir);
}

/* A shard's manifest: the plan steady (shard 1), two_cgroups (shard 2). */
static void write_manifest(const char *run, unsigned index, const char *plan_id)
{
	char *path = xasprintf("%s/%s/ktstr-shard.json", root, run);
	char *text = xasprintf(
		"{\"schema_version\": 1, \"run_id\": \"%s\", \"plan_id\": \"%s\", "
		"\"index\": %u, \"count\": 2, \"source\": \"--partition\", \"items\": ["
		"{\"name\": \"steady\", \"record\": \"steady-default.ktstr.json\", \"shard\": 1},"
		"{\"name\": \"two_cgroups\", \"record\": \"two_cgroups-default.ktstr.json\", "
		"\"shard\": 2}]}",
		run, plan_id, index);

	assert_int_equal(file_write_str(path, text), 0);
	free(path);
	free(text);
}

/* Two shards merged into one run that show and compare take like any run. */
static void test_merge(void **state)
{
	const char *s1 = "20261127T030000Z-301", *s2 = "20261127T030000Z-302";
	char *out;

	make_runs(10.0, 50000);
	write_record(s1, "steady", KTSTR_PASS, 10.0, 50000);
	write_record(s2, "two_cgroups", KTSTR_PASS, 8.0, 40000);
	write_manifest(s1, 1, "p1");
	write_manifest(s2, 2, "p1");
	assert_int_equal(stats(&out, "merge %s %s -o %s/20261127T040000Z-400", s1, s2, root), 0);
	assert_non_null(strstr(out, "2 of 2 items, 0 missing, 0 duplicate"));
	free(out);
	assert_int_equal(stats(&out, "show latest"), 0);
	assert_non_null(strstr(out, "run 20261127T040000Z-400"));
	assert_non_null(strstr(out, "merged from shards 1/2 20261127T030000Z-301, "
				    "2/2 20261127T030000Z-302"));
	assert_non_null(strstr(out, "2 passed, 0 failed"));
	free(out);
	assert_int_equal(stats(&out, "compare %s latest --scenario steady --scenario two_cgroups",
			       RUN_A), 0);
	assert_non_null(strstr(out, "2 test(s) paired, 0 only in A, 0 only in B"));
	free(out);
	/* one shard alone: the other's item is missing */
	assert_int_equal(stats(&out, "merge %s -o %s/m1", s1, root), 1);
	assert_non_null(strstr(out, "missing: two_cgroups (shard 2/2): no run of shard 2"));
	free(out);
	/* a shard of another plan */
	write_manifest(s2, 2, "p2");
	assert_int_equal(stats(&out, "merge %s %s -o %s/m2", s1, s2, root), 2);
	assert_non_null(strstr(out, "shards of different plans"));
	free(out);
	/* a run that is no shard */
	assert_int_equal(stats(&out, "merge %s -o %s/m3", RUN_A, root), 2);
	assert_non_null(strstr(out, "no shard manifest"));
	free(out);
}

static void test_help(void **state)
{
	char *out;

	assert_int_equal(stats(&out, "--help"), 0);
	assert_non_null(strstr(out, "compare A B"));
	free(out);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_equal_runs),	  cmocka_unit_test(test_injected_regression),
		cmocka_unit_test(test_verdict_regression),
		cmocka_unit_test(test_interrupted_record), cmocka_unit_test(test_payload_metric),
		cmocka_unit_test(test_list_show),	  cmocka_unit_test(test_flaky_record),
		cmocka_unit_test(test_bad_input),	  cmocka_unit_test(test_help),
		cmocka_unit_test(test_pool_by_scheduler), cmocka_unit_test(test_merge),
	};
	int rc;

	if (argc < 2) {
		fprintf(stderr, "usage: %s PATH-TO-ktstr\n", argv[0]);
		return 2;
	}
	ktstr_bin = argv[1];
	if (!mkdtemp(root))
		return 2;
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	rm_rf(root);
	return rc;
}
