// SPDX-License-Identifier: GPL-2.0-only
/* procmaps: a file's mapping in /proc/<pid>/maps text. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/procmaps.h"

#define RAM0 "/tmp/t/ram-node0"

static int find(const char *maps, const char *path, uint64_t size, uint64_t *addr)
{
	return procmaps_find(maps, strlen(maps), path, size, addr);
}

static void test_one_mapping(void **state)
{
	/* as QEMU 7.2 maps a private memory-backend-file, between its guard pages */
	const char *maps =
		"7f0c4c000000-7f0c4c021000 rw-p 00000000 00:00 0 \n"
		"7f0c53fff000-7f0c57fff000 rw-p 00000000 fe:00 10953570                   "
		RAM0 "\n"
		"7f0c57fff000-7f0c58000000 ---p 00000000 00:00 0 \n";
	uint64_t addr = 0;

	assert_int_equal(find(maps, RAM0, 64 << 20, &addr), 0);
	assert_int_equal(addr, 0x7f0c53fff000ull);
	/* shorter than asked, another file, a prefix of the name */
	assert_int_equal(find(maps, RAM0, (64 << 20) + 1, &addr), -ENOENT);
	assert_int_equal(find(maps, "/tmp/t/ram-node1", 4096, &addr), -ENOENT);
	assert_int_equal(find(maps, "/tmp/t/ram-node", 4096, &addr), -ENOENT);
	assert_int_equal(find("", RAM0, 4096, &addr), -ENOENT);
	/* no newline at the end */
	assert_int_equal(find("1000-3000 rw-p 00000000 fe:00 7 " RAM0, RAM0, 0x2000, &addr), 0);
	assert_int_equal(addr, 0x1000);
}

static void test_split_mapping(void **state)
{
	uint64_t addr = 0;

	/* the kernel split one mapping in three: contiguous, consecutive offsets */
	assert_int_equal(find("1000-2000 rw-p 00000000 fe:00 7 " RAM0 "\n"
			      "2000-4000 r--p 00001000 fe:00 7 " RAM0 "\n"
			      "4000-8000 rw-p 00003000 fe:00 7 " RAM0 " (deleted)\n",
			      RAM0, 0x7000, &addr),
			 0);
	assert_int_equal(addr, 0x1000);
	/* a hole in the addresses, or a jump in the offsets, ends the run */
	assert_int_equal(find("1000-2000 rw-p 00000000 fe:00 7 " RAM0 "\n"
			      "3000-4000 rw-p 00001000 fe:00 7 " RAM0 "\n",
			      RAM0, 0x2000, &addr),
			 -ENOENT);
	assert_int_equal(find("1000-2000 rw-p 00000000 fe:00 7 " RAM0 "\n"
			      "2000-3000 rw-p 00002000 fe:00 7 " RAM0 "\n",
			      RAM0, 0x2000, &addr),
			 -ENOENT);
	/* another mapping between the pieces */
	assert_int_equal(find("1000-2000 rw-p 00000000 fe:00 7 " RAM0 "\n"
			      "2000-3000 rw-p 00000000 00:00 0\n"
			      "3000-4000 rw-p 00001000 fe:00 7 " RAM0 "\n",
			      RAM0, 0x2000, &addr),
			 -ENOENT);
	/* a run must start at the file's first byte */
	assert_int_equal(find("1000-5000 rw-p 00001000 fe:00 7 " RAM0 "\n", RAM0, 0x1000, &addr),
			 -ENOENT);
	/* a suffix other than the kernel's " (deleted)" is another file */
	assert_int_equal(find("1000-5000 rw-p 00000000 fe:00 7 " RAM0 ".old\n", RAM0, 0x1000,
			      &addr),
			 -ENOENT);
}

static void test_ambiguous_and_malformed(void **state)
{
	uint64_t addr = 0x99;

	/* mapped twice: which one is the VM's is not known */
	assert_int_equal(find("1000-2000 rw-p 00000000 fe:00 7 " RAM0 "\n"
			      "5000-6000 rw-p 00000000 fe:00 7 " RAM0 "\n",
			      RAM0, 0x1000, &addr),
			 -EEXIST);
	assert_int_equal(addr, 0x99);
	assert_int_equal(find("1000-2000 rw-p 00000000 fe:00 7 " RAM0 "\ngarbage\n", RAM0, 0x1000,
			      &addr),
			 -EINVAL);
	assert_int_equal(find("2000-1000 rw-p 00000000 fe:00 7 " RAM0 "\n", RAM0, 0x1000, &addr),
			 -EINVAL);
	assert_int_equal(addr, 0x99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_one_mapping),
		cmocka_unit_test(test_split_mapping),
		cmocka_unit_test(test_ambiguous_and_malformed),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
