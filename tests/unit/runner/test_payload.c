// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/include.h"
#include "runner/payload.h"
#include "util/util.h"
#include "vm/initramfs.h"

static char *tmp;

static int setup(void **state)
{
	char tmpl[] = "/tmp/ktstr-test-payload-XXXXXX";

	(void)state;
	tmp = xstrdup(mkdtemp(tmpl));
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	rm_rf(tmp);
	free(tmp);
	return 0;
}

static char *make(const char *rel, const char *content, mode_t mode)
{
	char *p = xasprintf("%s/%s", tmp, rel), *dir = xstrdup(p);

	*strrchr(dir, '/') = '\0';
	mkdir_p(dir, 0755);
	assert_int_equal(file_write_str(p, content), 0);
	chmod(p, mode);
	free(dir);
	return p;
}

static void test_guest_path(void **state)
{
	char *g;

	(void)state;
	g = guest_include_path("/usr/bin/stress-ng");
	assert_string_equal(g, "/include-files/stress-ng");
	free(g);
	g = guest_include_path("conf/dir///");
	assert_string_equal(g, "/include-files/dir");
	free(g);
	assert_null(guest_include_path(""));
	assert_null(guest_include_path("/"));
	assert_null(guest_include_path("a/.."));
	assert_null(guest_include_path("."));
}

static void test_resolve(void **state)
{
	char *bin = make("bin/mytool", "#!/bin/sh\n", 0755), *path = xasprintf("%s/bin", tmp);
	char *host = NULL, *err = NULL;

	(void)state;
	/* bare name: $PATH */
	assert_int_equal(include_resolve("mytool", path, &host, &err), 0);
	assert_string_equal(host, bin);
	free(host);
	/* a path must exist */
	assert_int_equal(include_resolve(bin, NULL, &host, &err), 0);
	free(host);
	assert_int_equal(include_resolve("/nonexistent/x", path, &host, &err), -ENOENT);
	assert_non_null(strstr(err, "'/nonexistent/x': no such file or directory"));
	free(err);
	assert_int_equal(include_resolve("no-such-tool-here", path, &host, &err), -ENOENT);
	assert_non_null(strstr(err, "not in the current directory nor in $PATH"));
	free(err);
	free(bin);
	free(path);
}

static void test_conflict_names_both(void **state)
{
	char *a = make("a/tool", "one\n", 0755), *b = make("b/tool", "two\n", 0755);
	char *c = make("c/tool", "one\n", 0755), *d = make("d/data/x.conf", "k=v\n", 0644);
	char *dir = xasprintf("%s/d/data", tmp), *err = NULL;
	struct initramfs *ir = initramfs_new();

	(void)state;
	assert_int_equal(include_add(ir, a, NULL, &err), 0);
	/* identical content at the same slot: packed once */
	assert_int_equal(include_add(ir, c, NULL, &err), 0);
	assert_int_equal(include_add(ir, b, NULL, &err), -EEXIST);
	assert_non_null(strstr(err, a));
	assert_non_null(strstr(err, b));
	assert_non_null(strstr(err, "/include-files/tool"));
	free(err);
	/* a directory, recursively */
	assert_int_equal(include_add(ir, dir, NULL, &err), 0);
	initramfs_free(ir);
	free(a);
	free(b);
	free(c);
	free(d);
	free(dir);
}

KTSTR_PAYLOAD(good, .binary = "mytool", .args = KTSTR_ARGS("--out", KTSTR_OUTPUT_FILE),
	      .output = KTSTR_OUTPUT_JSON,
	      .hints = KTSTR_METRIC_HINTS(KTSTR_HINT("x", KTSTR_HIGHER_BETTER, "ops")),
	      .checks = KTSTR_CHECKS(KTSTR_CHECK_RANGE("x", 1, 2), KTSTR_CHECK_EXIT(3)));
KTSTR_PAYLOAD(no_binary, .output = KTSTR_OUTPUT_JSON);
KTSTR_PAYLOAD(file_no_metrics, .binary = "t", .args = KTSTR_ARGS("--json=" KTSTR_OUTPUT_FILE));
KTSTR_PAYLOAD(bad_range, .binary = "t", .checks = KTSTR_CHECKS(KTSTR_CHECK_RANGE("x", 2, 1)));
KTSTR_PAYLOAD(no_metric, .binary = "t", .checks = KTSTR_CHECKS(KTSTR_CHECK_MIN(NULL, 1)));

static void expect_invalid(const struct ktstr_payload *p, const char *want)
{
	char *err = NULL;

	assert_int_equal(payload_validate(p, &err), -EINVAL);
	if (!strstr(err, want))
		fail_msg("%s: '%s' lacks '%s'", p->name, err, want);
	free(err);
}

static void test_validate(void **state)
{
	char *err = NULL;

	(void)state;
	assert_int_equal(payload_validate(&good, &err), 0);
	assert_null(err);
	expect_invalid(&no_binary, "payload 'no_binary': no binary");
	expect_invalid(&file_no_metrics, "exit code only");
	expect_invalid(&bad_range, "range check on 'x' has lo > hi");
	expect_invalid(&no_metric, "a metric check without a metric name");
}

static void test_pack(void **state)
{
	char *bin = make("bin/mytool", "#!/bin/sh\n", 0755), *path = xasprintf("%s/bin", tmp);
	char *extra_file = make("extra.txt", "x\n", 0644), *err = NULL;
	struct ktstr_test t = { .name = "t", .payloads = KTSTR_PAYLOADS(&good) };
	const char *extra[] = { extra_file, NULL };
	struct initramfs *ir = initramfs_new();
	size_t before;

	(void)state;
	assert_int_equal(payload_pack(ir, &t, extra, path, &err), 0);
	/* /include-files, its two files */
	assert_int_equal(initramfs_count(ir), 3);
	before = initramfs_count(ir);
	initramfs_free(ir);
	ir = initramfs_new();
	/* the binary cannot be found: the error names the payload */
	assert_int_equal(payload_pack(ir, &t, NULL, "/nonexistent", &err), -ENOENT);
	assert_non_null(strstr(err, "payload 'good': include file 'mytool'"));
	free(err);
	assert_int_equal(before, 3);
	initramfs_free(ir);
	free(bin);
	free(path);
	free(extra_file);
}

static void test_metrics_merge(void **state)
{
	static const char f1[] = "{\"payload\":\"fio\",\"metrics\":[{\"name\":\"jobs.0.iops\","
				 "\"value\":5,\"polarity\":\"higher_better\",\"unit\":\"ops/s\"}]}";
	static const char bad_name[] = "{\"payload\":\"a b\",\"metrics\":[]}";
	static const char bad_metric[] = "{\"payload\":\"x\",\"metrics\":[{\"name\":1}]}";
	struct metric_set ms;
	char *err = NULL;

	(void)state;
	metrics_init(&ms);
	assert_int_equal(payload_metrics_merge(&ms, f1, sizeof(f1) - 1, &err), 0);
	assert_int_equal(payload_metrics_merge(&ms, f1, sizeof(f1) - 1, &err), 0);
	assert_int_equal(payload_metrics_merge(&ms, f1, sizeof(f1) - 1, &err), 0);
	assert_int_equal(ms.n, 3);
	assert_string_equal(ms.v[0].name, "fio.jobs.0.iops");
	assert_string_equal(ms.v[1].name, "fio#2.jobs.0.iops");
	assert_string_equal(ms.v[2].name, "fio#3.jobs.0.iops");
	assert_int_equal(ms.v[0].polarity, KTSTR_HIGHER_BETTER);
	assert_string_equal(ms.v[0].unit, "ops/s");
	assert_int_equal(payload_metrics_merge(&ms, bad_name, sizeof(bad_name) - 1, &err), -EINVAL);
	assert_non_null(strstr(err, "bad or missing payload name"));
	free(err);
	assert_int_equal(payload_metrics_merge(&ms, bad_metric, sizeof(bad_metric) - 1, &err),
			 -EINVAL);
	free(err);
	assert_int_equal(payload_metrics_merge(&ms, "{", 1, &err), -EINVAL);
	free(err);
	assert_int_equal(ms.n, 3);
	metrics_free(&ms);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_guest_path),
		cmocka_unit_test(test_resolve),
		cmocka_unit_test(test_conflict_names_both),
		cmocka_unit_test(test_validate),
		cmocka_unit_test(test_pack),
		cmocka_unit_test(test_metrics_merge),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
