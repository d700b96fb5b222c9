// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "guest/hwtopo.h"
#include "util/util.h"

static char root[] = "/tmp/ktstr-test-hwtopo-XXXXXX";
static struct hw_topo *t;

static void put(const char *rel, const char *content)
{
	char *path = xasprintf("%s/%s", root, rel);
	char *dir = xstrdup(path);

	*strrchr(dir, '/') = '\0';
	assert_int_equal(mkdir_p(dir, 0755), 0);
	assert_int_equal(file_write_str(path, content), 0);
	free(dir);
	free(path);
}

static void putf(const char *content, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void putf(const char *content, const char *fmt, ...)
{
	va_list ap;
	char *rel;

	va_start(ap, fmt);
	rel = xvasprintf(fmt, ap);
	va_end(ap);
	put(rel, content);
	free(rel);
}

static int setup(void **state)
{
	t = xmalloc(sizeof(*t));
	return 0;
}

static int teardown(void **state)
{
	free(t);
	return 0;
}

static int fresh(void **state)
{
	strcpy(root, "/tmp/ktstr-test-hwtopo-XXXXXX");
	return mkdtemp(root) ? 0 : -1;
}

static int cleanup(void **state)
{
	return rm_rf(root);
}

/* 2 nodes, 4 LLCs of 1 core x 2 threads: what QEMU makes of 2n4l1c2t. */
static void make_2n4l1c2t(void)
{
	put("devices/system/cpu/online", "0-7\n");
	for (int c = 0; c < 8; c++) {
		char list[16];

		snprintf(list, sizeof(list), "%d-%d\n", c & ~1, c | 1);
		putf(list, "devices/system/cpu/cpu%d/cache/index3/shared_cpu_list", c);
		putf("3\n", "devices/system/cpu/cpu%d/cache/index3/level", c);
		putf(list, "devices/system/cpu/cpu%d/topology/thread_siblings_list", c);
		snprintf(list, sizeof(list), "%d\n", c);
		putf(list, "devices/system/cpu/cpu%d/cache/index0/shared_cpu_list", c);
	}
	put("devices/system/node/node0/cpulist", "0-3\n");
	put("devices/system/node/node0/distance", "10 20\n");
	put("devices/system/node/node1/cpulist", "4-7\n");
	put("devices/system/node/node1/distance", "20 10\n");
	put("devices/system/node/possible", "0-1\n");
}

static void test_read_numa_smt(void **state)
{
	char *err = NULL, *json;

	make_2n4l1c2t();
	assert_int_equal(hw_topo_read(root, t, &err), 0);
	assert_null(err);
	assert_int_equal(t->ncpus, 8);
	assert_int_equal(t->nllcs, 4);
	assert_int_equal(t->nsmt, 4);
	assert_int_equal(t->threads_per_core, 2);
	assert_int_equal(t->nnodes, 2);
	assert_int_equal(t->cpu_llc[5], 2);
	assert_int_equal(t->cpu_node[5], 1);
	assert_int_equal(t->cpu_node[3], 0);
	assert_int_equal(t->distance[0][1], 20);
	json = hw_topo_to_json(t);
	assert_string_equal(json,
			    "{\"cpus\":8,\"llcs\":4,\"numa_nodes\":2,\"threads_per_core\":2,"
			    "\"online\":\"0-7\",\"llc_groups\":[\"0-1\",\"2-3\",\"4-5\",\"6-7\"],"
			    "\"smt_groups\":[\"0-1\",\"2-3\",\"4-5\",\"6-7\"],"
			    "\"nodes\":[\"0-3\",\"4-7\"],\"distances\":[[10,20],[20,10]]}");
	free(json);
}

static void test_offline_masked(void **state)
{
	char *err = NULL;

	make_2n4l1c2t();
	put("devices/system/cpu/online", "0-2,4-7\n");
	assert_int_equal(hw_topo_read(root, t, &err), 0);
	assert_int_equal(t->ncpus, 7);
	assert_int_equal(t->nllcs, 4);
	assert_int_equal(t->nsmt, 4);
	assert_true(cpuset_count(&t->llc[1]) == 1 && cpuset_test(&t->llc[1], 2));
	assert_int_equal(cpuset_count(&t->node[0]), 3);
	assert_int_equal(t->cpu_llc[3], -1);
}

/* No index3 (and no NUMA, no SMT files): the highest cache level is the LLC. */
static void test_fallback_levels(void **state)
{
	char *err = NULL, *json;

	put("devices/system/cpu/online", "0-3");
	for (int c = 0; c < 4; c++) {
		char self[8], pair[8];

		snprintf(self, sizeof(self), "%d", c);
		snprintf(pair, sizeof(pair), "%d-%d", c & ~1, c | 1);
		putf(self, "devices/system/cpu/cpu%d/cache/index0/shared_cpu_list", c);
		putf("1", "devices/system/cpu/cpu%d/cache/index0/level", c);
		putf(self, "devices/system/cpu/cpu%d/cache/index1/shared_cpu_list", c);
		putf("1", "devices/system/cpu/cpu%d/cache/index1/level", c);
		putf(pair, "devices/system/cpu/cpu%d/cache/index2/shared_cpu_list", c);
		putf("2", "devices/system/cpu/cpu%d/cache/index2/level", c);
	}
	assert_int_equal(hw_topo_read(root, t, &err), 0);
	assert_int_equal(t->nllcs, 2);
	assert_int_equal(t->nnodes, 1);
	assert_int_equal(t->distance[0][0], 10);
	assert_int_equal(t->nsmt, 0);
	json = hw_topo_to_json(t);
	assert_string_equal(json,
			    "{\"cpus\":4,\"llcs\":2,\"numa_nodes\":1,\"threads_per_core\":0,"
			    "\"online\":\"0-3\",\"llc_groups\":[\"0-1\",\"2-3\"],\"smt_groups\":[],"
			    "\"nodes\":[\"0-3\"],\"distances\":[[10]]}");
	free(json);
}

static void test_read_errors(void **state)
{
	char *err = NULL;

	assert_int_equal(hw_topo_read(root, t, &err), -ENOENT);
	assert_true(strstr(err, "devices/system/cpu/online: No such file or directory") != NULL);
	free(err);

	make_2n4l1c2t();
	put("devices/system/cpu/cpu3/topology/thread_siblings_list", "3-x\n");
	assert_int_equal(hw_topo_read(root, t, &err), -EINVAL);
	assert_true(strstr(err, "cpu3/topology/thread_siblings_list: '3-x' is not a CPU list"));
	free(err);

	make_2n4l1c2t();
	put("devices/system/node/node1/distance", "20\n");
	assert_int_equal(hw_topo_read(root, t, &err), -EINVAL);
	assert_true(strstr(err, "node1/distance: '20' is not 2 distances"));
	free(err);
}

static void from_json_err(const char *json, const char *msg)
{
	char *err = NULL;

	assert_int_equal(hw_topo_from_json(json, t, &err), -EINVAL);
	assert_non_null(err);
	if (!strstr(err, msg))
		fail_msg("'%s' does not contain '%s'", err, msg);
	free(err);
}

static void test_json_roundtrip_and_reject(void **state)
{
	char *err = NULL, *json, *again;

	make_2n4l1c2t();
	assert_int_equal(hw_topo_read(root, t, &err), 0);
	json = hw_topo_to_json(t);
	assert_int_equal(hw_topo_from_json(json, t, &err), 0);
	assert_int_equal(t->cpu_llc[7], 3);
	again = hw_topo_to_json(t);
	assert_string_equal(json, again);
	free(json);
	free(again);

	const char *good_tail = "\"smt_groups\":[\"0-1\"],\"nodes\":[\"0-1\"],"
				"\"distances\":[[10]]}";
	json = xasprintf("{\"cpus\":2,\"llcs\":1,\"numa_nodes\":1,\"threads_per_core\":2,"
			 "\"online\":\"0-1\",\"llc_groups\":[\"0-1\"],%s", good_tail);
	assert_int_equal(hw_topo_from_json(json, t, &err), 0);
	free(json);

	from_json_err("garbage", "not an object");
	from_json_err("{\"cpus\":2}", "not an object");
	from_json_err("{\"cpus\":3,\"llcs\":1,\"numa_nodes\":1,\"threads_per_core\":2,"
		      "\"online\":\"0-1\",\"llc_groups\":[\"0-1\"],\"smt_groups\":[\"0-1\"],"
		      "\"nodes\":[\"0-1\"],\"distances\":[[10]]}",
		      "do not match the lists");
	from_json_err("{\"cpus\":2,\"llcs\":2,\"numa_nodes\":1,\"threads_per_core\":2,"
		      "\"online\":\"0-1\",\"llc_groups\":[\"0-1\",\"1\"],\"smt_groups\":[\"0-1\"],"
		      "\"nodes\":[\"0-1\"],\"distances\":[[10]]}",
		      "llc_groups[1] '1' is empty, overlaps");
	from_json_err("{\"cpus\":2,\"llcs\":1,\"numa_nodes\":1,\"threads_per_core\":2,"
		      "\"online\":\"0-1\",\"llc_groups\":[\"0-5\"],\"smt_groups\":[\"0-1\"],"
		      "\"nodes\":[\"0-1\"],\"distances\":[[10]]}",
		      "not online");
	from_json_err("{\"cpus\":2,\"llcs\":1,\"numa_nodes\":1,\"threads_per_core\":2,"
		      "\"online\":\"0-1\",\"llc_groups\":[\"0-1\"],\"smt_groups\":[\"0-1\"],"
		      "\"nodes\":[\"0-1\"],\"distances\":[[10,20]]}",
		      "not a 1x1 matrix");
	from_json_err("{\"cpus\":2,\"llcs\":1,\"numa_nodes\":1,\"threads_per_core\":2,"
		      "\"online\":\"0-1\",\"llc_groups\":[\"0-1\"],\"smt_groups\":[\"0-1\"],"
		      "\"nodes\":[\"0-1\"],\"distances\":[[1000]]}",
		      "distances[0][0] is not 0-255");
	from_json_err("{\"cpus\":2,\"llcs\":1,\"numa_nodes\":1,\"threads_per_core\":1,"
		      "\"online\":\"0-1\",\"llc_groups\":[\"0-1\"],\"smt_groups\":[\"0-1\"],"
		      "\"nodes\":[\"0-1\"],\"distances\":[[10]]}",
		      "threads_per_core 1 but the largest SMT group has 2 CPUs");
	from_json_err("{\"cpus\":2,\"llcs\":1,\"numa_nodes\":9,\"threads_per_core\":2,"
		      "\"online\":\"0-1\",\"llc_groups\":[\"0-1\"],\"smt_groups\":[\"0-1\"],"
		      "\"nodes\":[\"0\",\"1\",\"\",\"\",\"\",\"\",\"\",\"\",\"\"],"
		      "\"distances\":[[10]]}",
		      "'nodes' has 9 entries, at most 8");
}

static void test_print(void **state)
{
	char *err = NULL, *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	make_2n4l1c2t();
	assert_int_equal(hw_topo_read(root, t, &err), 0);
	hw_topo_print(f, t, "  ");
	fclose(f);
	assert_string_equal(buf, "  CPUs:        8 online (0-7)\n"
				 "  LLCs:        4: [0-1] [2-3] [4-5] [6-7]\n"
				 "  SMT:         2 threads per core, 4 cores: [0-1] [2-3] [4-5] [6-7]\n"
				 "  NUMA nodes:  2: [0-3] [4-7]\n"
				 "  distances:   10 20 | 20 10\n");
	free(buf);
}

static void test_this_machine(void **state)
{
	char *err = NULL;

	/* Whatever this machine is, reading it works and is self-consistent. */
	assert_int_equal(hw_topo_read("/sys", t, &err), 0);
	assert_true(t->ncpus >= 1);
	assert_true(t->nnodes >= 1);
	for (int c = cpuset_next(&t->online, 0); c >= 0; c = cpuset_next(&t->online, c + 1))
		assert_true(t->cpu_node[c] >= 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_numa_smt, fresh, cleanup),
		cmocka_unit_test_setup_teardown(test_offline_masked, fresh, cleanup),
		cmocka_unit_test_setup_teardown(test_fallback_levels, fresh, cleanup),
		cmocka_unit_test_setup_teardown(test_read_errors, fresh, cleanup),
		cmocka_unit_test_setup_teardown(test_json_roundtrip_and_reject, fresh, cleanup),
		cmocka_unit_test_setup_teardown(test_print, fresh, cleanup),
		cmocka_unit_test(test_this_machine),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
