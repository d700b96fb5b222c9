// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "runner/host_class.h"
#include "util/util.h"

static void test_mapping(void **state)
{
	static const struct {
		enum host_class c;
		enum ktstr_verdict normal, no_skip;
	} table[] = {
		{ HOST_OK, KTSTR_PASS, KTSTR_PASS },
		{ HOST_TOPOLOGY_INSUFFICIENT, KTSTR_SKIP, KTSTR_FAIL },
		{ HOST_RESOURCE_CONTENTION, KTSTR_SKIP, KTSTR_FAIL },
		{ HOST_KERNEL_UNAVAILABLE, KTSTR_SKIP, KTSTR_FAIL },
		{ HOST_KERNEL_NO_SCHED_EXT, KTSTR_SKIP, KTSTR_FAIL },
		{ HOST_ACCEL_UNAVAILABLE, KTSTR_FAIL, KTSTR_FAIL },
		{ HOST_TOPOLOGY_UNREPRESENTABLE, KTSTR_FAIL, KTSTR_FAIL },
	};

	for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++) {
		assert_int_equal(host_class_verdict(table[i].c, false), table[i].normal);
		assert_int_equal(host_class_verdict(table[i].c, true), table[i].no_skip);
	}
	assert_int_equal(host_class_verdict((enum host_class)99, false), KTSTR_FAIL);
}

static void test_messages(void **state)
{
	char *m;

	m = host_class_message(HOST_RESOURCE_CONTENTION, "all 2 CPUs busy", false);
	assert_string_equal(m, "resource contention: all 2 CPUs busy");
	free(m);
	m = host_class_message(HOST_RESOURCE_CONTENTION, "all 2 CPUs busy", true);
	assert_true(str_starts_with(m, "resource contention under --no-skip: all 2 CPUs busy. To run it: "));
	free(m);
	m = host_class_message(HOST_ACCEL_UNAVAILABLE, "KTSTR_ACCEL=kvm but /dev/kvm is missing", true);
	assert_string_equal(m, "accelerator unavailable: KTSTR_ACCEL=kvm but /dev/kvm is missing");
	free(m);
	m = host_class_message(HOST_KERNEL_UNAVAILABLE, NULL, false);
	assert_string_equal(m, "harness not configured: no kernel: <unknown>");
	free(m);
}

static void test_max_vcpus(void **state)
{
	unsetenv("KTSTR_MAX_VCPUS");
	assert_int_equal(host_class_max_vcpus(ACCEL_KVM, 16), 16);
	assert_int_equal(host_class_max_vcpus(ACCEL_TCG, 2), 8);
	assert_int_equal(host_class_max_vcpus(ACCEL_TCG, 16), 64);
	assert_int_equal(host_class_max_vcpus(ACCEL_TCG, 200), KTSTR_TOPO_MAX_CPUS);
	assert_int_equal(host_class_max_vcpus(ACCEL_TCG, 0), 8);
	setenv("KTSTR_MAX_VCPUS", "12", 1);
	assert_int_equal(host_class_max_vcpus(ACCEL_TCG, 2), 12);
	setenv("KTSTR_MAX_VCPUS", "junk", 1);
	assert_int_equal(host_class_max_vcpus(ACCEL_TCG, 2), 8);
	unsetenv("KTSTR_MAX_VCPUS");
}

static void test_topology(void **state)
{
	struct ktstr_topology t = { .numa_nodes = 1, .llcs = 2, .cores_per_llc = 2,
				    .threads_per_core = 2 };
	char *reason;

	unsetenv("KTSTR_MAX_VCPUS");
	assert_int_equal(host_class_check_topology(&t, ACCEL_TCG, 2, &reason), HOST_OK);
	assert_null(reason);
	t.cores_per_llc = 4; /* 16 vCPUs > 8 */
	assert_int_equal(host_class_check_topology(&t, ACCEL_TCG, 2, &reason),
			 HOST_TOPOLOGY_INSUFFICIENT);
	assert_string_equal(reason, "needs 16 vCPUs, tcg allows 8 on this host (2 CPUs)");
	free(reason);
	t.llcs = 64; /* 512 */
	assert_int_equal(host_class_check_topology(&t, ACCEL_KVM, 1024, &reason),
			 HOST_TOPOLOGY_UNREPRESENTABLE);
	assert_non_null(strstr(reason, "at most 255 vCPUs"));
	free(reason);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_mapping),
		cmocka_unit_test(test_messages),
		cmocka_unit_test(test_max_vcpus),
		cmocka_unit_test(test_topology),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
