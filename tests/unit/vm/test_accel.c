// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "vm/accel.h"

static char root[] = "/tmp/ktstr-test-accel-XXXXXX";

static int setup(void **state)
{
	return mkdtemp(root) ? 0 : -1;
}

static int teardown(void **state)
{
	return rm_rf(root);
}

static void add_module(const char *mod)
{
	char *p = xasprintf("%s/sys/module/%s", root, mod);

	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
}

static void decide(const char *env, enum accel_kind kind, const char *reason)
{
	char *sys = xasprintf("%s/sys", root), *dev = xasprintf("%s/kvm", root);
	struct accel_choice c;
	char *err = NULL;

	assert_int_equal(accel_decide(sys, dev, env, &c, &err), 0);
	assert_null(err);
	assert_int_equal(c.kind, kind);
	assert_string_equal(c.reason, reason);
	free(sys);
	free(dev);
}

static void test_env(void **state)
{
	struct accel_choice c;
	char *err = NULL;

	decide("kvm", ACCEL_KVM, "forced by KTSTR_ACCEL=kvm");
	decide("tcg", ACCEL_TCG, "forced by KTSTR_ACCEL=tcg");
	assert_int_equal(accel_decide("/sys", "/dev/kvm", "KVM", &c, &err), -EINVAL);
	assert_string_equal(err, "KTSTR_ACCEL='KVM' is not an accelerator: use 'kvm' or 'tcg', "
				 "or unset it to detect");
	free(err);
	assert_int_equal(accel_decide("/sys", "/dev/kvm", "hvf", &c, NULL), -EINVAL);
}

static void test_detect(void **state)
{
	char *dev = xasprintf("%s/kvm", root);

	decide(NULL, ACCEL_TCG, "no /dev/kvm; using TCG");
	decide("", ACCEL_TCG, "no /dev/kvm; using TCG");
	/* a regular file stands in for the device node: it exists but is no KVM */
	assert_int_equal(file_write_str(dev, ""), 0);
	decide(NULL, ACCEL_TCG, "/dev/kvm is not backed by kvm_intel or kvm_amd (no hardware "
				"virtualization); using TCG");
	add_module("kvm_intel");
	decide(NULL, ACCEL_TCG, "/dev/kvm cannot be opened read-write or cannot create a VM; "
				"using TCG");
	add_module("kvm_pvm");
	decide(NULL, ACCEL_TCG, "/dev/kvm is kvm_pvm, a software hypervisor that cannot run stock "
				"kernels; using TCG");
	decide("kvm", ACCEL_KVM, "forced by KTSTR_ACCEL=kvm");
	free(dev);
}

static void test_names_scale(void **state)
{
	assert_string_equal(accel_name(ACCEL_KVM), "kvm");
	assert_string_equal(accel_name(ACCEL_TCG), "tcg");
	assert_true(accel_time_scale(ACCEL_KVM) == 1.0);
	assert_true(accel_time_scale(ACCEL_TCG) == 10.0);
}

static void test_host(void **state)
{
	struct accel_choice c;

	/* This machine: whatever it is, detection answers and says why. */
	unsetenv("KTSTR_ACCEL");
	assert_int_equal(accel_detect(&c), 0);
	assert_non_null(c.reason);
	if (path_is_dir("/sys/module/kvm_pvm"))
		assert_int_equal(c.kind, ACCEL_TCG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_env),
		cmocka_unit_test(test_detect),
		cmocka_unit_test(test_names_scale),
		cmocka_unit_test(test_host),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
