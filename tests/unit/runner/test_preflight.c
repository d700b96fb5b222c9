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

#include "runner/preflight.h"
#include "util/util.h"

static struct ktstr_test vm_test = { .name = "vm" };
static struct ktstr_test host_test = { .name = "host", .host_only = true };

/* A preflight's result got with its message err (freed here): want, naming what. */
static void expect_msg(int got, char *err, int want, const char *what)
{
	assert_int_equal(got, want);
	assert_non_null(err);
	if (!strstr(err, what))
		fail_msg("'%s' does not name %s", err, what);
	free(err);
}

static void expect_err(const struct plan_item *items, size_t n, const char *spec, int want,
		       const char *what)
{
	char *err = NULL;
	int got = preflight_kernels(items, n, spec, &err);

	expect_msg(got, err, want, what);
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

static void expect_sched_err(const struct plan_item *items, size_t n, int want, const char *what)
{
	char *err = NULL;
	int got = preflight_schedulers(items, n, NULL, NULL, &err);

	expect_msg(got, err, want, what);
}

static void test_schedulers(void **state)
{
	char tmpl[] = "/tmp/ktstr-preflight-XXXXXX";
	char *dir = mkdtemp(tmpl), *script, *self = realpath("/proc/self/exe", NULL), *err = NULL;
	struct ktstr_scheduler eevdf = { .name = "eevdf" };
	struct ktstr_scheduler gone = { .name = "gone", .binary = "/nonexistent/scx_gone" };
	struct ktstr_scheduler sh = { .name = "sh" }, elf = { .name = "elf", .binary = self };
	struct ktstr_test t_eevdf = { .name = "a", .scheduler = &eevdf };
	struct ktstr_test t_gone = { .name = "b", .scheduler = &gone };
	struct ktstr_test t_gone_host = { .name = "c", .scheduler = &gone, .host_only = true };
	struct ktstr_test t_sh = { .name = "d", .scheduler = &sh };
	struct ktstr_test t_elf = { .name = "e", .scheduler = &elf };
	struct plan_item items[] = {
		{ .test = &t_eevdf, .name = "a" }, { .test = &t_elf, .name = "e" },
		{ .test = &t_gone_host, .name = "c" }, { .test = &t_gone, .name = "b" },
		{ .test = &t_sh, .name = "d" },
	};

	assert_non_null(dir);
	assert_non_null(self);
	script = xasprintf("%s/scx_script", dir);
	assert_int_equal(file_write_str(script, "#!/bin/sh\nexit 0\n"), 0);
	assert_int_equal(chmod(script, 0755), 0);
	sh.binary = script;
	/* the kernel's own scheduler and an ELF of this machine run; host-only
	 * tests boot nothing */
	assert_int_equal(preflight_schedulers(items, 3, NULL, NULL, &err), 0);
	assert_null(err);
	/* a binary that is not there, and a script: the VM has no interpreter */
	expect_sched_err(items, 4, -ENOENT, "/nonexistent/scx_gone");
	expect_sched_err(&items[4], 1, -ENOEXEC, "scheduler sh (test d)");
	expect_sched_err(&items[4], 1, -ENOEXEC, "is a script for /bin/sh");
	free(script);
	free(self);
	assert_int_equal(rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_kernels),
		cmocka_unit_test(test_schedulers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
