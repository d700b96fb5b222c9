// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/preflight.h"
#include "util/util.h"

static struct ktstr_test vm_test = { .name = "vm" };
static struct ktstr_test host_test = { .name = "host", .host_only = true };

static void expect_err(const struct plan_item *items, size_t n, const char *spec, int want,
		       const char *what)
{
	char *err = NULL;

	assert_int_equal(preflight_kernels(items, n, spec, &err), want);
	assert_non_null(err);
	if (!strstr(err, what))
		fail_msg("'%s' does not name %s", err, what);
	free(err);
}

static void test_kernels(void **state)
{
	char tmpl[] = "/tmp/ktstr-preflight-XXXXXX";
	char *dir = mkdtemp(tmpl), *text, *err = NULL;
	struct plan_kernel bad = { .label = "a", .spec = "/nonexistent/bzImage" };
	struct plan_item items[2] = { { .test = &vm_test }, { .test = &host_test } };

	assert_non_null(dir);
	unsetenv("KTSTR_KERNEL");
	/* nothing named: the default search decides later (a skip when it finds none) */
	assert_int_equal(preflight_kernels(items, 2, NULL, &err), 0);
	assert_int_equal(preflight_kernels(items, 2, "", &err), 0);
	/* a named kernel that is not there, from --kernel, KTSTR_KERNEL or a label */
	expect_err(items, 2, "/nonexistent/bzImage", -ENOENT, "/nonexistent/bzImage");
	setenv("KTSTR_KERNEL", "/nonexistent/env", 1);
	expect_err(items, 2, NULL, -ENOENT, "KTSTR_KERNEL /nonexistent/env");
	unsetenv("KTSTR_KERNEL");
	items[0].kernel = &bad;
	expect_err(items, 2, NULL, -ENOENT, "/nonexistent/bzImage");
	/* a file that is not a kernel */
	text = xasprintf("%s/passwd", dir);
	assert_int_equal(file_write_str(text, "root:x:0:0::/root:/bin/sh\n"), 0);
	items[0].kernel = NULL;
	expect_err(items, 2, text, -ENOEXEC, "not a kernel image");
	/* host-only tests boot nothing: no kernel is checked for them */
	assert_int_equal(preflight_kernels(&items[1], 1, "/nonexistent/bzImage", &err), 0);
	free(text);
	assert_int_equal(rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernels),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
