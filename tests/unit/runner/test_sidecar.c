// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/sidecar.h"
#include "runner/timefmt.h"
#include "util/util.h"

static char *tmpdir;

static int setup(void **state)
{
	char tmpl[] = "/tmp/ktstr-sidecar-XXXXXX";

	tmpdir = xstrdup(mkdtemp(tmpl));
	return 0;
}

static int teardown(void **state)
{
	rm_rf(tmpdir);
	free(tmpdir);
	return 0;
}

static char **list(const char *a, const char *b)
{
	char **v = xcalloc(3, sizeof(*v));

	v[0] = a ? xstrdup(a) : NULL;
	v[1] = a && b ? xstrdup(b) : NULL;
	return v;
}

static void full_record(struct sidecar_record *r)
{
	sidecar_record_init(r);
	r->run_id = xstrdup("20261127T013000Z-4242");
	r->test = xstrdup("two_cgroups");
	r->variant = xstrdup("1n2l2c1t");
	r->topology = xstrdup("1n2l2c1t");
	r->scheduler = xstrdup("mysched");
	r->scheduler_binary = xstrdup("/opt/scx_my");
	r->scheduler_args = list("--slice-us", "5000");
	r->flags = list("llc", NULL);
	r->kernel_version = xstrdup("7.3.4+deb13-cloud-amd64");
	r->kernel_id = xstrdup("debian-7.3.4");
	r->kernel_path = xstrdup("/cache/bzImage");
	r->accel = xstrdup("tcg");
	r->accel_reason = xstrdup("/dev/kvm is kvm_pvm (software), using TCG");
	r->start = xstrdup("booted");
	r->expect_err = true;
	r->expected_failure = true;
	result_fail(&r->result, KTSTR_UNFAIR, "spread 40%% \"quoted\"\n2nd line");
	result_stat(&r->result, "worst_spread", 40.5);
	r->hello_s = 3.25;
	r->body_s = 2.5;
	r->wall_s = 7.75;
	r->have_qemu_status = true;
	r->qemu_exit = 0;
	r->qemu_signal = 0;
	r->got_exit = true;
	r->guest_exit = 1;
	r->timed_out = false;
	r->timeout_s = 66;
	r->panic_line = NULL;
	r->stage = xstrdup("body");
	sidecar_host_detect(r);
	r->project_commit = xstrdup("abc123def456-dirty");
	r->started_at = xstrdup("2026-11-27T01:30:00Z");
	r->finished_at = xstrdup("2026-11-27T01:30:08Z");
	r->monitor = json_pack("{s:i, s:s}", "samples", 42, "checks", "evaluated");
}

static void test_roundtrip(void **state)
{
	struct sidecar_record r, back;
	char *path = NULL, *err = NULL;

	full_record(&r);
	assert_non_null(r.host_kernel);
	assert_true(r.host_cpus > 0);
	assert_int_equal(sidecar_write(&r, tmpdir, &path, &err), 0);
	assert_non_null(path);
	assert_true(str_ends_with(path, "/two_cgroups-1n2l2c1t.ktstr.json"));
	assert_int_equal(sidecar_read(path, &back, &err), 0);
	assert_int_equal(back.schema_version, 1);
	assert_string_equal(back.run_id, r.run_id);
	assert_string_equal(back.test, "two_cgroups");
	assert_string_equal(back.variant, "1n2l2c1t");
	assert_string_equal(back.scheduler, "mysched");
	assert_string_equal(back.scheduler_binary, "/opt/scx_my");
	assert_string_equal(back.scheduler_args[1], "5000");
	assert_null(back.scheduler_args[2]);
	assert_string_equal(back.flags[0], "llc");
	assert_string_equal(back.kernel_version, r.kernel_version);
	assert_string_equal(back.kernel_id, r.kernel_id);
	assert_string_equal(back.kernel_path, r.kernel_path);
	assert_string_equal(back.accel, "tcg");
	assert_string_equal(back.accel_reason, r.accel_reason);
	assert_string_equal(back.start, "booted");
	assert_true(back.expect_err && back.expected_failure);
	assert_int_equal(back.result.verdict, KTSTR_FAIL);
	assert_string_equal(back.result.details[0].msg, "spread 40% \"quoted\"\n2nd line");
	assert_true(back.result.stats[0].value == 40.5);
	assert_true(back.hello_s == 3.25 && back.body_s == 2.5 && back.wall_s == 7.75);
	assert_true(back.have_qemu_status);
	assert_int_equal(back.qemu_exit, 0);
	assert_true(back.got_exit);
	assert_int_equal(back.guest_exit, 1);
	assert_false(back.timed_out);
	assert_int_equal(back.timeout_s, 66);
	assert_null(back.panic_line);
	assert_string_equal(back.stage, "body");
	assert_string_equal(back.host_kernel, r.host_kernel);
	assert_int_equal(back.host_cpus, r.host_cpus);
	assert_string_equal(back.project_commit, "abc123def456-dirty");
	assert_string_equal(back.started_at, r.started_at);
	assert_string_equal(back.finished_at, r.finished_at);
	assert_true(json_equal(back.monitor, r.monitor));
	assert_null(back.config);
	assert_int_equal(back.repeats, 0);
	sidecar_record_free(&back);
	free(path);

	/* --repeat: config, repeat and repeats round-trip; the file name says the repeat */
	r.config = xstrdup("default");
	r.repeat = 2;
	r.repeats = 5;
	assert_int_equal(sidecar_write(&r, tmpdir, &path, &err), 0);
	assert_true(str_ends_with(path, "/two_cgroups-1n2l2c1t.r2.ktstr.json"));
	assert_int_equal(sidecar_read(path, &back, &err), 0);
	assert_string_equal(back.config, "default");
	assert_int_equal(back.repeat, 2);
	assert_int_equal(back.repeats, 5);
	sidecar_record_free(&back);
	sidecar_record_free(&r);
	free(path);
}

/* --retries: the attempts and the flaky flag are written only for a variant
 * that ran more than once, read back, and added to a written record in place. */
static void test_attempts(void **state)
{
	struct sidecar_record r, back;
	struct ktstr_attempt a[2];
	char *path = NULL, *err = NULL, *text;

	full_record(&r);
	assert_int_equal(sidecar_write(&r, tmpdir, &path, &err), 0);
	text = file_read(path, NULL, 0);
	assert_null(strstr(text, "\"flaky\""));
	assert_null(strstr(text, "\"attempts\""));
	free(text);
	assert_int_equal(sidecar_read(path, &back, &err), 0);
	assert_false(back.flaky);
	assert_null(back.attempts);
	assert_int_equal(back.nattempts, 0);
	sidecar_record_free(&back);

	result_init(&a[0].result);
	result_fail(&a[0].result, KTSTR_STARVED, "worker 1 starved");
	a[0].wall_s = 9.5;
	result_init(&a[1].result);
	result_stat(&a[1].result, "worst_spread", 2.5);
	a[1].wall_s = 7.25;
	assert_int_equal(sidecar_add_attempts(path, a, 2, true, &err), 0);
	text = file_read(path, NULL, 0);
	assert_non_null(strstr(text, "\"flaky\": true"));
	free(text);
	assert_int_equal(sidecar_read(path, &back, &err), 0);
	assert_true(back.flaky);
	assert_int_equal(back.nattempts, 2);
	assert_int_equal(back.attempts[0].result.verdict, KTSTR_FAIL);
	assert_int_equal(back.attempts[0].result.details[0].kind, KTSTR_STARVED);
	assert_string_equal(back.attempts[0].result.details[0].msg, "worker 1 starved");
	assert_true(back.attempts[0].wall_s == 9.5);
	assert_int_equal(back.attempts[1].result.verdict, KTSTR_PASS);
	assert_true(back.attempts[1].result.stats[0].value == 2.5);
	assert_true(back.attempts[1].wall_s == 7.25);
	/* the rest of the record is untouched */
	assert_string_equal(back.test, "two_cgroups");
	assert_true(json_equal(back.monitor, r.monitor));
	assert_true(back.hello_s == 3.25);
	sidecar_record_free(&back);

	/* failed every attempt: flaky false, both attempts kept */
	assert_int_equal(sidecar_add_attempts(path, a, 1, false, &err), 0);
	assert_int_equal(sidecar_read(path, &back, &err), 0);
	assert_false(back.flaky);
	assert_int_equal(back.nattempts, 1);
	sidecar_record_free(&back);

	/* wrong types name the field */
	assert_int_equal(file_write_str(path, "{\"schema_version\": 1, \"run_id\":\"r\", "
					      "\"test\":\"x\", \"result\":{\"verdict\":\"pass\"}, "
					      "\"attempts\": 3}"),
			 0);
	assert_int_equal(sidecar_read(path, &back, &err), -EINVAL);
	assert_non_null(strstr(err, "field 'attempts': result: attempts must be an array"));
	free(err);
	assert_int_equal(file_write_str(path, "{\"schema_version\": 1, \"run_id\":\"r\", "
					      "\"test\":\"x\", \"result\":{\"verdict\":\"pass\"}, "
					      "\"flaky\": \"yes\", \"attempts\": [{\"verdict\": "
					      "\"pass\", \"wall_s\": -1}]}"),
			 0);
	assert_int_equal(sidecar_read(path, &back, &err), -EINVAL);
	assert_non_null(strstr(err, "field 'flaky' must be true or false"));
	free(err);
	assert_int_equal(file_write_str(path, "{\"schema_version\": 1, \"run_id\":\"r\", "
					      "\"test\":\"x\", \"result\":{\"verdict\":\"pass\"}, "
					      "\"attempts\": [{\"verdict\": \"pass\", "
					      "\"wall_s\": -1}]}"),
			 0);
	assert_int_equal(sidecar_read(path, &back, &err), -EINVAL);
	assert_non_null(strstr(err, "attempt \"wall_s\" must be a number >= 0"));
	free(err);

	assert_int_not_equal(sidecar_add_attempts("/nonexistent/x.ktstr.json", a, 2, true, &err),
			     0);
	assert_non_null(strstr(err, "/nonexistent/x.ktstr.json"));
	free(err);
	result_free(&a[0].result);
	result_free(&a[1].result);
	sidecar_record_free(&r);
	free(path);
}

static void test_timeout_and_skip_records(void **state)
{
	struct sidecar_record r, back;
	char *path = NULL, *err = NULL;

	/* A timed-out run: no guest exit, no result details from the guest. */
	sidecar_record_init(&r);
	r.run_id = xstrdup("20261127T013000Z-1");
	r.test = xstrdup("hang");
	r.timed_out = true;
	r.timeout_s = 10;
	r.wall_s = 10.1;
	result_fail(&r.result, KTSTR_TIMEOUT, "timed out after 10 s");
	assert_int_equal(sidecar_write(&r, tmpdir, &path, &err), 0);
	assert_true(str_ends_with(path, "/hang-default.ktstr.json"));
	{
		char *text = file_read(path, NULL, 0);

		/* numbers read like numbers: 10.1, not 10.099999999999999 */
		assert_non_null(strstr(text, "\"wall_s\": 10.1\n"));
		free(text);
	}
	assert_int_equal(sidecar_read(path, &back, &err), 0);
	assert_true(back.timed_out);
	assert_false(back.got_exit);
	assert_false(back.have_qemu_status);
	assert_true(back.hello_s < 0); /* unknown stays unknown */
	assert_int_equal(back.result.details[0].kind, KTSTR_TIMEOUT);
	sidecar_record_free(&back);
	sidecar_record_free(&r);
	free(path);

	sidecar_record_init(&r);
	r.run_id = xstrdup("20261127T013000Z-1");
	r.test = xstrdup("big");
	r.variant = xstrdup("2n8l4c2t");
	result_skip(&r.result, "host topology insufficient");
	assert_int_equal(sidecar_write(&r, tmpdir, NULL, &err), 0);
	path = xasprintf("%s/big-2n8l4c2t.ktstr.json", tmpdir);
	assert_int_equal(sidecar_read(path, &back, &err), 0);
	assert_int_equal(back.result.verdict, KTSTR_SKIP);
	assert_string_equal(back.result.skip_reason, "host topology insufficient");
	sidecar_record_free(&back);
	sidecar_record_free(&r);
	free(path);
}

static void expect_read_error(const char *content, const char *needle)
{
	char *path = xasprintf("%s/bad.ktstr.json", tmpdir);
	struct sidecar_record r;
	char *err = NULL;

	assert_int_equal(file_write_str(path, content), 0);
	assert_int_equal(sidecar_read(path, &r, &err), -EINVAL);
	assert_non_null(err);
	if (!strstr(err, needle))
		fail_msg("error '%s' lacks '%s'", err, needle);
	assert_true(str_starts_with(err, path));
	free(err);
	unlink(path);
	free(path);
}

static void test_corrupt(void **state)
{
	struct sidecar_record r;
	char *err = NULL;
	char *missing = xasprintf("%s/nope.ktstr.json", tmpdir);

	expect_read_error("{\"schema_version\": 1, \"run_id\": ", "corrupt record (line 1");
	expect_read_error("", "corrupt record");
	expect_read_error("[1,2]", "not a JSON object");
	expect_read_error("{\"test\":\"x\"}", "no schema_version: not a ktstr run record");
	expect_read_error("{\"schema_version\": 2, \"run_id\":\"r\", \"test\":\"x\"}",
			  "unsupported schema_version 2 (this ktstr reads version 1)");
	expect_read_error("{\"schema_version\": 1, \"test\":\"x\", \"result\":{\"verdict\":\"pass\"}}",
			  "missing field 'run_id'");
	expect_read_error("{\"schema_version\": 1, \"run_id\":\"r\", \"test\":\"x\"}",
			  "missing field 'result'");
	expect_read_error("{\"schema_version\": 1, \"run_id\":\"r\", \"test\":7, \"result\":{}}",
			  "field 'test' must be a string");
	expect_read_error("{\"schema_version\": 1, \"run_id\":\"r\", \"test\":\"x\","
			  " \"result\":{\"verdict\":\"maybe\"}}",
			  "field 'result': result:");
	expect_read_error("{\"schema_version\": 1, \"run_id\":\"r\", \"test\":\"x\","
			  " \"result\":{\"verdict\":\"pass\"}, \"exit\":{\"guest_exit\":\"1\"}}",
			  "field 'exit.guest_exit' must be an integer");
	expect_read_error("{\"schema_version\": 1, \"run_id\":\"r\", \"test\":\"x\","
			  " \"result\":{\"verdict\":\"pass\"}, \"durations\":{\"wall_s\":-3}}",
			  "field 'durations.wall_s' must be a number >= 0");
	expect_read_error("{\"schema_version\": 1, \"run_id\":\"r\", \"test\":\"x\","
			  " \"result\":{\"verdict\":\"pass\"}, \"flags\":[1]}",
			  "field 'flags' must be an array of strings");

	assert_int_equal(sidecar_read(missing, &r, &err), -ENOENT);
	assert_non_null(strstr(err, "cannot read"));
	free(err);
	free(missing);
}

static void test_minimal_and_unknown_keys(void **state)
{
	char *path = xasprintf("%s/min.ktstr.json", tmpdir);
	struct sidecar_record r;
	char *err = NULL;

	assert_int_equal(file_write_str(path, "{\"schema_version\": 1, \"run_id\":\"r\", \"test\":\"x\","
					      " \"result\":{\"verdict\":\"pass\"}, \"future\":{\"a\":1}}"),
			 0);
	assert_int_equal(sidecar_read(path, &r, &err), 0);
	assert_string_equal(r.test, "x");
	assert_null(r.topology);
	assert_true(r.wall_s < 0);
	sidecar_record_free(&r);
	unlink(path);
	free(path);
}

static void test_names_and_dirs(void **state)
{
	char *s;

	s = sidecar_file_name("a/b c", "gauntlet/tiny-1llc/llc+steal", 0);
	assert_string_equal(s, "a_b_c-gauntlet_tiny-1llc_llc+steal.ktstr.json");
	free(s);
	s = sidecar_file_name("t", NULL, 0);
	assert_string_equal(s, "t-default.ktstr.json");
	free(s);
	s = sidecar_file_name("t", "1n1l2c1t-eevdf", 3);
	assert_string_equal(s, "t-1n1l2c1t-eevdf.r3.ktstr.json");
	free(s);

	unsetenv("KTSTR_RUNS_DIR");
	unsetenv("KTSTR_RUN_DIR");
	s = sidecar_runs_root();
	assert_string_equal(s, "ktstr-runs");
	free(s);
	setenv("KTSTR_RUNS_DIR", "/var/runs", 1);
	s = sidecar_run_dir();
	assert_true(str_starts_with(s, "/var/runs/"));
	assert_true(timefmt_is_run_id(s + strlen("/var/runs/")));
	assert_string_equal(s + strlen("/var/runs/"), timefmt_run_id());
	free(s);
	setenv("KTSTR_RUN_DIR", "/exact/dir", 1);
	s = sidecar_run_dir();
	assert_string_equal(s, "/exact/dir");
	free(s);
	unsetenv("KTSTR_RUN_DIR");
	unsetenv("KTSTR_RUNS_DIR");
}

static void test_list_runs(void **state)
{
	char *root = xasprintf("%s/runs", tmpdir);
	char *a = xasprintf("%s/20261127T020000Z-2", root);
	char *b = xasprintf("%s/20261127T010000Z-1", root);
	char *hidden = xasprintf("%s/.locks", root);
	char *p;
	struct sidecar_run *runs;
	size_t n;
	char **recs;

	assert_int_equal(sidecar_list_runs(root, &runs, &n), 0); /* missing root: no runs */
	assert_int_equal(n, 0);
	assert_int_equal(mkdir_p(a, 0755), 0);
	assert_int_equal(mkdir_p(b, 0755), 0);
	assert_int_equal(mkdir_p(hidden, 0755), 0);
	p = xasprintf("%s/x-default.ktstr.json", a);
	file_write_str(p, "{}");
	free(p);
	p = xasprintf("%s/a-default.ktstr.json", a);
	file_write_str(p, "{}");
	free(p);
	p = xasprintf("%s/notes.txt", a);
	file_write_str(p, "x");
	free(p);
	p = xasprintf("%s/stray.ktstr.json", root);
	file_write_str(p, "{}");
	free(p);

	assert_int_equal(sidecar_list_runs(root, &runs, &n), 0);
	assert_int_equal(n, 2);
	assert_string_equal(runs[0].id, "20261127T010000Z-1");
	assert_int_equal(runs[0].records, 0);
	assert_string_equal(runs[1].id, "20261127T020000Z-2");
	assert_string_equal(runs[1].path, a);
	assert_int_equal(runs[1].records, 2);
	sidecar_runs_free(runs, n);

	recs = sidecar_list_records(a);
	assert_true(str_ends_with(recs[0], "/a-default.ktstr.json"));
	assert_true(str_ends_with(recs[1], "/x-default.ktstr.json"));
	assert_null(recs[2]);
	for (char **q = recs; *q; q++)
		free(*q);
	free(recs);
	free(root);
	free(a);
	free(b);
	free(hidden);
}

/* Every single-byte corruption and truncation of a valid record either reads back
 * or is rejected with a message: never a crash, never success without a test name. */
static void test_mutations(void **state)
{
	struct sidecar_record r, back;
	char *path = NULL, *err = NULL, *text;
	size_t len;
	unsigned ok = 0, rejected = 0;
	static const char bytes[] = { '"', '}', '{', ']', '0', 'x', '\\', ',', ':', '\0' };

	full_record(&r);
	assert_int_equal(sidecar_write(&r, tmpdir, &path, &err), 0);
	sidecar_record_free(&r);
	text = file_read(path, &len, 0);
	for (size_t i = 0; i < len; i += 13) {
		for (size_t k = 0; k < sizeof(bytes); k++) {
			char saved = text[i];
			int ret;

			text[i] = bytes[k];
			assert_int_equal(file_write(path, text, len), 0);
			text[i] = saved;
			err = NULL;
			ret = sidecar_read(path, &back, &err);
			if (ret == 0) {
				assert_non_null(back.test);
				assert_non_null(back.run_id);
				sidecar_record_free(&back);
				ok++;
			} else {
				assert_int_equal(ret, -EINVAL);
				assert_non_null(err);
				free(err);
				rejected++;
			}
		}
		assert_int_equal(file_write(path, text, i), 0); /* truncated at i */
		err = NULL;
		assert_int_equal(sidecar_read(path, &back, &err), -EINVAL);
		free(err);
	}
	assert_true(ok > 0 && rejected > 0);
	free(text);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_roundtrip),
		cmocka_unit_test(test_attempts),
		cmocka_unit_test(test_timeout_and_skip_records),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_minimal_and_unknown_keys),
		cmocka_unit_test(test_names_and_dirs),
		cmocka_unit_test(test_list_runs),
		cmocka_unit_test(test_mutations),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
