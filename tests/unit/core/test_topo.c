// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/topo.h"

static void parse_ok(const char *text, unsigned n, unsigned l, unsigned c, unsigned t)
{
	struct ktstr_topology topo;
	char *err = (char *)1;
	char buf[64];

	assert_int_equal(topo_parse(text, &topo, &err), 0);
	assert_null(err);
	assert_int_equal(topo.numa_nodes, n);
	assert_int_equal(topo.llcs, l);
	assert_int_equal(topo.cores_per_llc, c);
	assert_int_equal(topo.threads_per_core, t);
	assert_false(topo.has_distances);
	assert_string_equal(topo_format(&topo, buf, sizeof(buf)), text);
}

/* Parse must fail with exactly this message. */
static void parse_err(const char *text, const char *msg)
{
	struct ktstr_topology topo = { .numa_nodes = 77 };
	char *err = NULL;

	assert_int_equal(topo_parse(text, &topo, &err), -EINVAL);
	assert_non_null(err);
	assert_string_equal(err, msg);
	assert_int_equal(topo.numa_nodes, 77); /* untouched on error */
	free(err);
	/* err may be NULL */
	assert_int_equal(topo_parse(text, &topo, NULL), -EINVAL);
}

static void test_parse_good(void **state)
{
	parse_ok("1n1l2c1t", 1, 1, 2, 1);
	parse_ok("1n2l4c2t", 1, 2, 4, 2);
	parse_ok("2n4l1c2t", 2, 4, 1, 2);
	parse_ok("8n8l1c1t", 8, 8, 1, 1);
	parse_ok("1n1l255c1t", 1, 1, 255, 1);
	parse_ok("2n2l32c2t", 2, 2, 32, 2);
}

static void test_parse_zero(void **state)
{
	parse_err("0n1l2c1t", "topology '0n1l2c1t': the number of NUMA nodes must be at least 1");
	parse_err("1n0l2c1t", "topology '1n0l2c1t': the number of LLCs must be at least 1");
	parse_err("1n1l0c1t", "topology '1n1l0c1t': the number of cores per LLC must be at least 1");
	parse_err("1n1l2c0t",
		  "topology '1n1l2c0t': the number of threads per core must be at least 1");
	parse_err("1n1l2c00t",
		  "topology '1n1l2c00t': the number of threads per core must be at least 1");
}

static void test_parse_order(void **state)
{
	parse_err("2l1n2c1t", "topology '2l1n2c1t': 'l' (LLCs) is out of order, expected 'n' "
			      "(NUMA nodes) after 2; the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1n2c2l1t", "topology '1n2c2l1t': 'c' (cores per LLC) is out of order, "
			      "expected 'l' (LLCs) after 2; the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1n1l1t2c", "topology '1n1l1t2c': 't' (threads per core) is out of order, "
			      "expected 'c' (cores per LLC) after 1; the form is NnLlCcTt, e.g. "
			      "1n2l4c2t");
	parse_err("1n1n2c1t", "topology '1n1n2c1t': 'n' (NUMA nodes) is out of order, expected "
			      "'l' (LLCs) after 1; the form is NnLlCcTt, e.g. 1n2l4c2t");
}

static void test_parse_syntax(void **state)
{
	parse_err("", "empty topology: the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1n2l", "topology '1n2l' ends early: expected the number of cores per LLC "
			  "('c'); the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1n2l4", "topology '1n2l4' ends early: expected 'c' (cores per LLC) after 4; "
			   "the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("n2l4c2t", "topology 'n2l4c2t': expected the number of NUMA nodes at "
			     "'n2l4c2t'; the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1N2L4C2T", "topology '1N2L4C2T': unexpected 'N' after 1, expected 'n' "
			      "(NUMA nodes); the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1n 2l4c2t", "topology '1n 2l4c2t': expected the number of LLCs at ' 2l4c2t'; "
			       "the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("-1n2l4c2t", "topology '-1n2l4c2t': expected the number of NUMA nodes at "
			       "'-1n2l4c2t'; the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("99999999n1l1c1t", "topology '99999999n1l1c1t': 9999999... is too large");
}

static void test_parse_trailing(void **state)
{
	parse_err("1n2l4c2tx", "topology '1n2l4c2tx': unexpected 'x' after the threads per core; "
			       "the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1n2l4c2t ", "topology '1n2l4c2t ': unexpected ' ' after the threads per core; "
			       "the form is NnLlCcTt, e.g. 1n2l4c2t");
	parse_err("1n2l4c2t1n", "topology '1n2l4c2t1n': unexpected '1n' after the threads per "
				"core; the form is NnLlCcTt, e.g. 1n2l4c2t");
}

static void test_parse_rules(void **state)
{
	parse_err("2n3l1c1t", "topology 2n3l1c1t: 3 LLCs cannot be split evenly over 2 NUMA nodes "
			      "(LLCs must be a multiple of NUMA nodes)");
	parse_err("4n2l1c1t", "topology 4n2l1c1t: 2 LLCs cannot be split evenly over 4 NUMA nodes "
			      "(LLCs must be a multiple of NUMA nodes)");
	parse_err("9n9l1c1t", "topology 9n9l1c1t: 9 NUMA nodes, at most 8 are supported");
	parse_err("1n1l256c1t", "topology 1n1l256c1t: 256 CPUs, the VM engine supports at most 255");
	parse_err("1n4l32c2t", "topology 1n4l32c2t: 256 CPUs, the VM engine supports at most 255");
	/* 240 CPUs fit the count but not the padded APIC ID space. */
	parse_err("1n3l80c1t", "topology 1n3l80c1t: needs APIC IDs up to 335, the VM engine "
			       "supports at most 254 (counts are padded to powers of two; use "
			       "power-of-two cores or LLCs per node)");
}

static void test_validate_distances(void **state)
{
	struct ktstr_topology t;
	char *err = NULL;

	assert_int_equal(topo_parse("2n2l2c1t", &t, NULL), 0);
	assert_int_equal(topo_distance(&t, 0, 0), 10);
	assert_int_equal(topo_distance(&t, 0, 1), 20);
	assert_int_equal(topo_distance(&t, 1, 0), 20);

	t.has_distances = true;
	t.distance[0][0] = t.distance[1][1] = 10;
	t.distance[0][1] = 21;
	t.distance[1][0] = 31;
	assert_int_equal(topo_validate(&t, NULL), 0);
	assert_int_equal(topo_distance(&t, 0, 1), 21);
	assert_int_equal(topo_distance(&t, 1, 0), 31);

	t.distance[1][1] = 11;
	assert_int_equal(topo_validate(&t, &err), -EINVAL);
	assert_string_equal(err, "topology 2n2l2c1t: distance from node 1 to itself is 11, it must "
				 "be 10");
	free(err);
	t.distance[1][1] = 10;
	t.distance[0][1] = 10;
	assert_int_equal(topo_validate(&t, &err), -EINVAL);
	assert_string_equal(err, "topology 2n2l2c1t: distance from node 0 to node 1 is 10, it "
				 "must be between 11 and 254");
	free(err);
}

static void test_total_cpus(void **state)
{
	struct ktstr_topology t;

	assert_int_equal(topo_parse("2n4l1c2t", &t, NULL), 0);
	assert_int_equal(topo_total_cpus(&t), 8);
	assert_int_equal(topo_parse("1n2l4c2t", &t, NULL), 0);
	assert_int_equal(topo_total_cpus(&t), 16);
	assert_int_equal(topo_parse("1n1l255c1t", &t, NULL), 0);
	assert_int_equal(topo_total_cpus(&t), 255);
}

static void test_validate_code_built(void **state)
{
	struct ktstr_topology t = { .numa_nodes = 1, .llcs = 2, .cores_per_llc = 0,
				    .threads_per_core = 1 };
	char *err = NULL;

	assert_int_equal(topo_validate(&t, &err), -EINVAL);
	assert_string_equal(err, "topology 1n2l0c1t: the number of cores per LLC must be at least 1");
	free(err);
	t.cores_per_llc = 2;
	assert_int_equal(topo_validate(&t, &err), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_zero),
		cmocka_unit_test(test_parse_order),
		cmocka_unit_test(test_parse_syntax),
		cmocka_unit_test(test_parse_trailing),
		cmocka_unit_test(test_parse_rules),
		cmocka_unit_test(test_validate_distances),
		cmocka_unit_test(test_total_cpus),
		cmocka_unit_test(test_validate_code_built),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
