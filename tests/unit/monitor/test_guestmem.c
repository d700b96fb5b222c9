// SPDX-License-Identifier: GPL-2.0-only
/* guestmem: q35 layout, translation over synthetic page tables, and fuzzing
 * with random tables and garbage pointers (errors, never a crash). */
#include <errno.h>
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

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
	assert_int_equal(gm.r[2].host, (uintptr_t)host[1] + 512 * MB);
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
	assert_false(guestmem_is_ram(&gm, RAM - 1, 2));
	assert_true(guestmem_is_ram(&gm, RAM - 2, 2));
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

#define PRAM (1 * MB)
#define PVA(pa) (GUESTMEM_PAGE_OFFSET_L4 + (pa))

/* A forked child that keeps the mapping it inherited until told to check that
 * its copy holds want at offset 0x1000 (exit 0) or not (exit 1). */
static pid_t keeper(int *go, uint64_t want)
{
	int p[2];
	pid_t pid;

	assert_int_equal(pipe(p), 0);
	pid = fork();
	assert_true(pid >= 0);
	if (!pid) {
		char c;
		uint64_t v;

		close(p[1]);
		if (read(p[0], &c, 1) != 1)
			_exit(2);
		memcpy(&v, ram + 0x1000, 8);
		_exit(v == want ? 0 : 1);
	}
	close(p[0]);
	*go = p[1];
	return pid;
}

static int keeper_check(pid_t pid, int go)
{
	int status = -1;

	assert_int_equal(write(go, "x", 1), 1);
	close(go);
	assert_int_equal(waitpid(pid, &status, 0), pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int proc_dir(pid_t pid)
{
	char path[32];

	snprintf(path, sizeof(path), "/proc/%d", (int)pid);
	return open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

/*
 * RAM that exists only in another process: two children hold private
 * copy-on-write mappings of one RAM file, as two VMs restored from one
 * template do. A write through one child's /proc reaches that child's copy,
 * never the other's, this process's or the file.
 */
static void test_process_ram(void **state)
{
	char dir[] = "/tmp/ktstr-gm-XXXXXX", path[64];
	uint64_t sizes[1] = { PRAM }, v = 0x1111, got = 0;
	uint8_t *saved = ram;
	struct guestmem a, b;
	char *err = NULL;
	int fd, go_a, go_b, proc_a, proc_b;
	pid_t pa, pb;

	assert_non_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/ram-node0", dir);
	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(ftruncate(fd, PRAM), 0);
	assert_int_equal(pwrite(fd, &v, 8, 0x1000), 8);
	ram = mmap(NULL, PRAM, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	assert_true(ram != MAP_FAILED);
	pa = keeper(&go_a, 0x2222);
	pb = keeper(&go_b, 0x1111);
	proc_a = proc_dir(pa);
	proc_b = proc_dir(pb);
	assert_true(proc_a >= 0 && proc_b >= 0);

	struct guestmem_source src = {
		.dir = dir, .sizes = sizes, .nodes = 1, .writable = true, .qemu_proc = proc_a,
	};

	assert_int_equal(guestmem_open(&a, &src, &err), 0);
	src.qemu_proc = proc_b;
	src.writable = false;
	assert_int_equal(guestmem_open(&b, &src, &err), 0);
	assert_true(a.remote);
	assert_int_equal(guestmem_read_u64(&a, PVA(0x1000), &got), 0);
	assert_int_equal(got, 0x1111);
	v = 0x2222;
	assert_int_equal(guestmem_write_va(&a, PVA(0x1000), &v, 8), 0);
	assert_int_equal(guestmem_read_u64(&a, PVA(0x1000), &got), 0);
	assert_int_equal(got, 0x2222);
	/* the other copy, this process's and the file are untouched */
	assert_int_equal(guestmem_read_u64(&b, PVA(0x1000), &got), 0);
	assert_int_equal(got, 0x1111);
	assert_int_equal(guestmem_write_va(&b, PVA(0x1000), &v, 8), -EROFS);
	memcpy(&got, ram + 0x1000, 8);
	assert_int_equal(got, 0x1111);
	assert_int_equal(pread(fd, &got, 8, 0x1000), 8);
	assert_int_equal(got, 0x1111);
	/* bounds as for mapped files */
	assert_int_equal(guestmem_read_pa(&a, PRAM - 4, &got, 8), -EFAULT);
	assert_int_equal(keeper_check(pa, go_a), 0);
	assert_int_equal(keeper_check(pb, go_b), 0);
	/* the process is gone (its pid may be reused): nothing can be read */
	assert_int_equal(guestmem_read_u64(&a, PVA(0x1000), &got), -EFAULT);
	guestmem_close(&a);
	guestmem_close(&b);
	/* a process that is gone, and one that does not map the file */
	assert_int_equal(guestmem_open(&a, &src, &err), -ESRCH);
	free(err);
	munmap(ram, PRAM);
	close(proc_a);
	proc_a = open("/proc/self", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	src.qemu_proc = proc_a;
	assert_int_equal(guestmem_open(&a, &src, &err), -ENOENT);
	assert_non_null(strstr(err, "ram-node0"));
	free(err);
	close(proc_a);
	close(proc_b);
	ram = saved;
	close(fd);
	unlink(path);
	rmdir(dir);
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
		cmocka_unit_test(test_process_ram),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
