// SPDX-License-Identifier: GPL-2.0-only
/* numa_maps and vmstat parsing, memory policies resolved against a 2-node topology. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest/numa.h"
#include "util/util.h"

static const char maps[] =
	"55d0c0a00000 default file=/bin/ktstr mapped=12 N0=12 kernelpagesize_kB=4\n"
	"7f0000000000 bind:1 anon=200 dirty=200 N1=200 kernelpagesize_kB=4\n"
	"7f0000100000 bind:1 anon=56 dirty=56 N0=6 N1=50 kernelpagesize_kB=4\n"
	"7f0000200000 default anon=3 dirty=3 N0=3 kernelpagesize_kB=4\n"
	"7ffc00000000 default stack anon=2 dirty=2 N0=2 kernelpagesize_kB=4\n";

static void test_maps_region(void **state)
{
	uint64_t p[KTSTR_NUMA_MAX_NODES];

	/* the mapping holding the start, and those starting inside the region */
	assert_int_equal(numa_maps_region_pages(maps, 0x7f0000000000, 0x200000, p), 0);
	assert_int_equal(p[0], 6);
	assert_int_equal(p[1], 250);
	/* a region starting inside a mapping counts that mapping */
	assert_int_equal(numa_maps_region_pages(maps, 0x7f0000180000, 0x1000, p), 0);
	assert_int_equal(p[0], 6);
	assert_int_equal(p[1], 50);
	/* below every mapping */
	assert_int_equal(numa_maps_region_pages(maps, 0x1000, 0x1000, p), -ENOENT);
	/* a node past the array is dropped, a region reaching the top does not wrap */
	assert_int_equal(numa_maps_region_pages("1000 default anon=9 N1=4 N9=5\n", 0x1000,
						SIZE_MAX, p),
			 0);
	assert_int_equal(p[1], 4);
	for (unsigned n = 2; n < KTSTR_NUMA_MAX_NODES; n++)
		assert_int_equal(p[n], 0);
	/* malformed */
	assert_int_equal(numa_maps_region_pages("zz default N0=1\n", 0, 1, p), -EINVAL);
	assert_int_equal(numa_maps_region_pages("1000 default N0=\n", 0x1000, 1, p), -EINVAL);
	assert_int_equal(numa_maps_region_pages("1000 default N0=1x\n", 0x1000, 1, p), -EINVAL);
	assert_int_equal(numa_maps_region_pages("1000 default Nx=1\n", 0x1000, 1, p), 0);
	assert_int_equal(p[0], 0);
	assert_int_equal(numa_maps_region_pages("", 0x1000, 1, p), -ENOENT);
}

static void test_vmstat(void **state)
{
	uint64_t v = 0;

	assert_int_equal(numa_vmstat_migrated("numa_hit 5\nnuma_pages_migrated 42\npgfree 1\n",
					      &v),
			 0);
	assert_int_equal(v, 42);
	assert_int_equal(numa_vmstat_migrated("numa_pages_migrated 7", &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(numa_vmstat_migrated("numa_pages_migrated_x 1\n", &v), -ENOENT);
	assert_int_equal(numa_vmstat_migrated("numa_pages_migrated x\n", &v), -EINVAL);
	assert_int_equal(numa_vmstat_migrated("numa_hit 5\n", &v), -ENOENT);
}

static void topo_2n(struct hw_topo *t)
{
	memset(t, 0, sizeof(*t));
	cpuset_parse("0-7", &t->online);
	t->ncpus = 8;
	t->nnodes = 2;
	cpuset_parse("0-3", &t->node[0]);
	cpuset_parse("4-7", &t->node[1]);
}

static void expect_nodes(const struct hw_topo *t, struct ktstr_mempolicy m, const char *pool,
			 const char *mems, const char *want)
{
	struct cpuset p, ms, out;
	char *err = NULL, *got;

	cpuset_zero(&p);
	if (pool)
		cpuset_parse(pool, &p);
	if (mems)
		cpuset_parse(mems, &ms);
	assert_int_equal(numa_mpol_resolve(&m, t, &p, mems ? &ms : NULL, &out, &err), 0);
	assert_null(err);
	got = cpuset_format(&out);
	assert_string_equal(got, want);
	free(got);
}

static void expect_err(const struct hw_topo *t, struct ktstr_mempolicy m, const char *mems,
		       const char *msg)
{
	struct cpuset p, ms, out;
	char *err = NULL;

	cpuset_zero(&p);
	if (mems)
		cpuset_parse(mems, &ms);
	assert_int_equal(numa_mpol_resolve(&m, t, &p, mems ? &ms : NULL, &out, &err), -EINVAL);
	assert_non_null(err);
	if (!strstr(err, msg))
		fail_msg("error \"%s\" lacks \"%s\"", err, msg);
	free(err);
}

static void test_resolve(void **state)
{
	struct hw_topo t;

	topo_2n(&t);
	/* the cgroup's cpuset's nodes, all nodes without a cpuset */
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND), "4-5", NULL, "1");
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND), "3-4", NULL, "0-1");
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_INTERLEAVE), NULL, NULL, "0-1");
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_PREFERRED, .nodes = "1"), "0-3", "0-1", "1");
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_WEIGHTED_INTERLEAVE, .nodes = "all"), "0",
		     "0-1", "0-1");
	/* DEFAULT and LOCAL take no nodes */
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_LOCAL, .nodes = "7"), NULL, NULL, "");
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_DEFAULT), NULL, NULL, "");
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .flags = KTSTR_MPOL_F_STATIC_NODES),
		     "0", NULL, "0");
	expect_err(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .nodes = "1"), "0",
		   "memory policy bind: nodes 1 not reachable from the cgroup "
		   "(cpuset.mems.effective 0)");
	expect_err(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .nodes = "2"), NULL,
		   "nodes 2 beyond the topology's 2 node(s)");
	expect_err(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_INTERLEAVE, .nodes = "x"), NULL,
		   "bad node list \"x\"");
	expect_err(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .flags = 1), NULL, "unknown flags 0x1");
	expect_err(&t,
		   KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .flags = KTSTR_MPOL_F_STATIC_NODES |
							      KTSTR_MPOL_F_RELATIVE_NODES),
		   NULL, "static and relative nodes exclude each other");
	expect_err(&t,
		   KTSTR_MEMPOLICY(KTSTR_MPOL_INTERLEAVE, .flags = KTSTR_MPOL_F_NUMA_BALANCING),
		   NULL, "memory policy interleave: the NUMA balancing flag needs bind");
	expect_nodes(&t, KTSTR_MEMPOLICY(KTSTR_MPOL_BIND, .flags = KTSTR_MPOL_F_NUMA_BALANCING),
		     "0-7", NULL, "0-1");
	expect_err(&t, KTSTR_MEMPOLICY((enum ktstr_mpol_mode)42), NULL, "unknown memory policy");
	assert_string_equal(ktstr_mpol_mode_name(KTSTR_MPOL_PREFERRED_MANY), "preferred-many");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_maps_region),
		cmocka_unit_test(test_vmstat),
		cmocka_unit_test(test_resolve),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
