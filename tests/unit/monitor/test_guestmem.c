// SPDX-License-Identifier: GPL-2.0-only
/* guestmem: q35 layout, translation over synthetic page tables, and fuzzing
 * with random tables and garbage pointers (errors, never a crash). */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "monitor/guestmem.h"

#define MB (1ull << 20)

static void test_q35_layout(void **state)
{
	/* 3 GiB over two nodes, verified with QEMU 7.2 `info mtree`: node 1 is
	 * split at 2 GiB, its second part at 4 GiB */
	/* host pointers are only compared here, never dereferenced */
	const void *host[2] = { (void *)0x10000, (void *)0x20000 };
	uint64_t sizes[2] = { 1536 * MB, 1536 * MB };
	struct guestmem gm = { 0 };

	assert_int_equal(guestmem_q35_lowmem(3072 * MB), 0x80000000ull);
	assert_int_equal(guestmem_q35_lowmem(2048 * MB), 0xb0000000ull);
	assert_int_equal(guestmem_init_ram(&gm, host, sizes, 2), 0);
	assert_int_equal(gm.n, 3);
	assert_int_equal(gm.r[0].gpa, 0);
	assert_int_equal(gm.r[0].size, 1536 * MB);
	assert_int_equal(gm.r[1].gpa, 0x60000000ull);
	assert_int_equal(gm.r[1].size, 512 * MB);
	assert_int_equal(gm.r[2].gpa, 0x100000000ull);
	assert_int_equal(gm.r[2].size, 1024 * MB);
	assert_ptr_equal(gm.r[2].host, (const uint8_t *)host[1] + 512 * MB);
	/* 1 GiB in two nodes: consecutive, all low */
	sizes[0] = sizes[1] = 512 * MB;
	assert_int_equal(guestmem_init_ram(&gm, host, sizes, 2), 0);
	assert_int_equal(gm.n, 2);
	assert_int_equal(gm.r[1].gpa, 512 * MB);
	assert_int_equal(guestmem_init_ram(&gm, host, sizes, 0), -EINVAL);
}

#define RAM (8 * MB)
static uint8_t *ram;

static void put64(uint64_t pa, uint64_t v)
{
	memcpy(ram + pa, &v, 8);
}

static void test_bounds(void **state)
{
	const void *host[2] = { ram, ram + RAM / 2 };
	uint64_t sizes[2] = { RAM / 2, RAM / 2 };
	struct guestmem gm = { 0 };
	uint64_t v;

	memset(ram, 0, RAM);
	put64(RAM / 2 - 8, 0x1122334455667788ull);
	assert_int_equal(guestmem_init_ram(&gm, host, sizes, 2), 0);
	assert_int_equal(guestmem_read_pa(&gm, RAM / 2 - 8, &v, 8), 0);
	assert_int_equal(v, 0x1122334455667788ull);
	/* two nodes are contiguous in guest physical space but separate regions:
	 * a read crossing them is refused, as is anything past the end */
	assert_int_equal(guestmem_read_pa(&gm, RAM / 2 - 4, &v, 8), -EFAULT);
	assert_int_equal(guestmem_read_pa(&gm, RAM - 4, &v, 8), -EFAULT);
	assert_int_equal(guestmem_read_pa(&gm, RAM, &v, 1), -EFAULT);
	assert_int_equal(guestmem_read_pa(&gm, ~0ull - 3, &v, 8), -EFAULT);
	assert_null(guestmem_host(&gm, RAM - 1, 2));
	/* kernel image: pa = va - __START_KERNEL_map + phys_base */
	guestmem_set_kernel(&gm, 0x1000, 0, 0, 4);
	assert_int_equal(guestmem_read_u64(&gm, GUESTMEM_KIMG_BASE + RAM / 2 - 8 - 0x1000, &v), 0);
	assert_int_equal(v, 0x1122334455667788ull);
	/* direct map at the default 4-level base */
	assert_int_equal(guestmem_read_u64(&gm, GUESTMEM_PAGE_OFFSET_L4 + RAM / 2 - 8, &v), 0);
	assert_int_equal(v, 0x1122334455667788ull);
	/* outside RAM and no page tables */
	assert_int_equal(guestmem_read_u64(&gm, GUESTMEM_PAGE_OFFSET_L4 + RAM, &v), -ENXIO);
	assert_int_equal(guestmem_read_u64(&gm, 0xffffffffffffffffull, &v), -EFAULT);

	/* writes: refused on a read-only mapping, bounds-checked like reads */
	v = 77;
	assert_int_equal(guestmem_write_va(&gm, GUESTMEM_PAGE_OFFSET_L4 + 64, &v, 8), -EROFS);
	gm.writable = true;
	assert_int_equal(guestmem_write_va(&gm, GUESTMEM_PAGE_OFFSET_L4 + 64, &v, 8), 0);
	assert_int_equal(ram[64], 77);
	/* across a page boundary inside one region */
	assert_int_equal(guestmem_write_va(&gm, GUESTMEM_PAGE_OFFSET_L4 + 0x1000 - 4, &v, 8), 0);
	assert_int_equal(ram[0x1000 - 4], 77);
	assert_int_equal(guestmem_write_va(&gm, GUESTMEM_PAGE_OFFSET_L4 + RAM - 4, &v, 8), -ENXIO);
	assert_int_equal(guestmem_write_va(&gm, ~0ull - 3, &v, 8), -EFAULT);
	assert_int_equal(ram[RAM - 4], 0); /* all or nothing */
}

/* Page tables at fixed pages; maps VA to data at PA through 4K, 2M and 1G leaves. */
static void build_tables(unsigned levels, uint64_t va, uint64_t leaf_pa, unsigned leaf_level)
{
	uint64_t table = 0x1000; /* top */
	unsigned shift = levels == 5 ? 48 : 39;

	for (unsigned l = levels; l >= 1; l--, shift -= 9) {
		uint64_t slot = table + ((va >> shift) & 511) * 8;

		if (l == leaf_level) {
			put64(slot, leaf_pa | 0x1 | (l > 1 ? 0x80 : 0) | (1ull << 63));
			return;
		}
		put64(slot, (0x1000ull * (levels - l + 2)) | 0x63);
		table = 0x1000ull * (levels - l + 2);
	}
}

static void test_walk(void **state)
{
	const void *host[1] = { ram };
	uint64_t sizes[1] = { RAM };
	struct guestmem gm = { 0 };
	uint64_t pa, v;

	for (unsigned levels = 4; levels <= 5; levels++) {
		uint64_t va = levels == 5 ? 0xffa0000000123000ull : 0xffffc90000123000ull;

		memset(ram, 0, RAM);
		assert_int_equal(guestmem_init_ram(&gm, host, sizes, 1), 0);
		guestmem_set_kernel(&gm, 0, 0, 0x1000, levels);
		build_tables(levels, va, 0x200000 + 0x5000, 1);
		put64(0x205008, 42);
		assert_int_equal(guestmem_walk(&gm, va + 8, &pa), 0);
		assert_int_equal(pa, 0x205008);
		assert_int_equal(guestmem_read_u64(&gm, va + 8, &v), 0);
		assert_int_equal(v, 42);
		/* a neighbouring page is not mapped */
		assert_int_equal(guestmem_walk(&gm, va + 0x1000, &pa), -EFAULT);
		/* a 2 MiB leaf */
		memset(ram, 0, 0x10000);
		build_tables(levels, va, 0x400000, 2);
		assert_int_equal(guestmem_walk(&gm, va, &pa), 0);
		assert_int_equal(pa, 0x400000 + (va & 0x1fffff));
		/* a 1 GiB leaf points outside RAM: the walk answers, the read fails */
		memset(ram, 0, 0x10000);
		build_tables(levels, va, 0x40000000, 3);
		assert_int_equal(guestmem_walk(&gm, va, &pa), 0);
		assert_int_equal(pa, 0x40000000 + (va & 0x3fffffff));
		assert_int_equal(guestmem_read_u64(&gm, va, &v), -EFAULT);
		/* non-canonical */
		assert_int_equal(guestmem_walk(&gm, 0x0010000000000000ull | (1ull << 47), &pa),
				 -EFAULT);
	}
}

static uint64_t rnd_state = 0x9e3779b97f4a7c15ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* Random pointers of interesting shapes: kernel-looking, small, huge. */
static uint64_t rnd_ptr(void)
{
	switch (rnd() % 6) {
	case 0: return rnd();
	case 1: return GUESTMEM_KIMG_BASE + rnd() % (2 * GUESTMEM_KIMG_SIZE);
	case 2: return GUESTMEM_PAGE_OFFSET_L4 + rnd() % (4 * RAM);
	case 3: return GUESTMEM_PAGE_OFFSET_L5 + rnd() % (4 * RAM);
	case 4: return ~0ull - rnd() % 0x10000;
	default: return rnd() % (2 * RAM);
	}
}

static void test_fuzz(void **state)
{
	const void *host[3] = { ram, ram + RAM / 4, ram + RAM / 2 };
	uint64_t sizes[3] = { RAM / 4, RAM / 4, RAM / 2 };
	struct guestmem gm = { 0 };
	unsigned ok = 0, failed = 0;
	uint8_t buf[64];

	for (unsigned round = 0; round < 40; round++) {
		/* fill RAM with random words, half of them looking like present
		 * page-table entries pointing (mostly) into RAM */
		for (uint64_t off = 0; off < RAM; off += 8) {
			uint64_t e = rnd();

			if (e & 1)
				e = (e & 0x80000000000001e7ull) | ((rnd() % (RAM + RAM / 8)) & ~0xfffull);
			put64(off, e);
		}
		assert_int_equal(guestmem_init_ram(&gm, host, sizes, 3), 0);
		guestmem_set_kernel(&gm, rnd() % 2 ? 0 : rnd() % RAM, rnd() % 2 ? 0 : rnd(),
				    rnd() % (RAM + 0x100000), 4 + (unsigned)(rnd() % 2));
		for (unsigned i = 0; i < 5000; i++) {
			uint64_t va = rnd_ptr(), pa;
			size_t len = 1 + rnd() % sizeof(buf);
			int rc = guestmem_read_va(&gm, va, buf, len);

			assert_true(rc == 0 || rc == -EFAULT || rc == -ENXIO);
			rc ? failed++ : ok++;
			rc = guestmem_va_pa(&gm, va, &pa);
			assert_true(rc == 0 || rc == -EFAULT || rc == -ENXIO);
			rc = guestmem_read_pa(&gm, rnd_ptr(), buf, len);
			assert_true(rc == 0 || rc == -EFAULT);
		}
	}
	/* both outcomes were exercised */
	assert_true(ok > 100);
	assert_true(failed > 100);
}

static int setup(void **state)
{
	ram = malloc(RAM);
	return ram ? 0 : -1;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_q35_layout),
		cmocka_unit_test(test_bounds),
		cmocka_unit_test(test_walk),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
