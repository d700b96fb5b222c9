// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <elf.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "vm/elfdeps.h"

static const struct elfdeps_lib *find_base(const struct elfdeps *d, const char *base)
{
	size_t i;

	for (i = 0; i < d->n; i++) {
		const char *g = strrchr(d->libs[i].guest_path, '/');

		if (g && !strcmp(g + 1, base))
			return &d->libs[i];
	}
	return NULL;
}

static void test_self_closure(void **state)
{
	struct elfdeps d;
	char *err = NULL;
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	const struct elfdeps_lib *l;
	size_t i;

	assert_true(n > 0);
	self[n] = '\0';
	assert_int_equal(elfdeps_is_elf(self), 1);
	assert_int_equal(elfdeps_closure(self, "/init", &d, &err), 0);
	assert_null(err);
	/* The interpreter comes first, under the path in PT_INTERP. */
	assert_true(d.n >= 3);
	assert_string_equal(d.libs[0].guest_path, "/lib64/ld-linux-x86-64.so.2");
	l = find_base(&d, "libc.so.6");
	assert_non_null(l);
	assert_non_null(find_base(&d, "libelf.so.1"));
	assert_non_null(find_base(&d, "libcmocka.so.0"));
	for (i = 0; i < d.n; i++) {
		char real[PATH_MAX];

		assert_true(d.libs[i].guest_path[0] == '/');
		/* host_path is canonical. */
		assert_non_null(realpath(d.libs[i].host_path, real));
		assert_string_equal(real, d.libs[i].host_path);
		assert_int_equal(elfdeps_is_elf(real), 1);
	}
	elfdeps_free(&d);
}

static void test_not_elf_and_static(void **state)
{
	char path[] = "/tmp/ktstr-elfdeps-XXXXXX";
	int fd = mkstemp(path);
	struct elfdeps d;
	char *err = NULL;

	assert_true(fd >= 0);
	assert_int_equal(write_full(fd, "#!/bin/sh\necho hi\n", 18), 0);
	close(fd);
	assert_int_equal(elfdeps_is_elf(path), 0);
	assert_int_equal(elfdeps_closure(path, "/x", &d, &err), 0);
	assert_int_equal(d.n, 0);
	unlink(path);
	if (path_exists("/bin/busybox")) {
		assert_int_equal(elfdeps_closure("/bin/busybox", "/bin/busybox", &d, &err), 0);
		assert_int_equal(d.n, 0);
		assert_null(err);
	}
	assert_int_equal(elfdeps_closure("/nonexistent/ktstr", "/x", &d, &err), -ENOENT);
	assert_non_null(err);
	free(err);
}

static void expect_corrupt(const void *data, size_t len)
{
	char path[] = "/tmp/ktstr-elfdeps-XXXXXX";
	int fd = mkstemp(path);
	struct elfdeps d;
	char *err = NULL;

	assert_true(fd >= 0);
	assert_int_equal(write_full(fd, data, len), 0);
	close(fd);
	assert_int_equal(elfdeps_closure(path, "/x", &d, &err), -ENOEXEC);
	assert_non_null(err);
	assert_non_null(strstr(err, "corrupt ELF"));
	assert_int_equal(d.n, 0);
	free(err);
	unlink(path);
}

static void test_corrupt(void **state)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	size_t len, i;
	char *img, *bad;
	Elf64_Ehdr *eh;

	assert_true(n > 0);
	self[n] = '\0';
	expect_corrupt("\x7f" "ELF garbage garbage", 19);
	img = file_read(self, &len, 0);
	assert_non_null(img);
	/* Truncated in the program headers. */
	expect_corrupt(img, 80);
	/* PT_DYNAMIC and PT_INTERP pointing past the end of the file. */
	bad = xmalloc(len);
	memcpy(bad, img, len);
	eh = (Elf64_Ehdr *)bad;
	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(bad + eh->e_phoff + i * eh->e_phentsize);

		if (ph->p_type == PT_DYNAMIC)
			ph->p_offset = (Elf64_Off)len * 4;
	}
	expect_corrupt(bad, len);
	memcpy(bad, img, len);
	for (i = 0; i < eh->e_phnum; i++) {
		Elf64_Phdr *ph = (Elf64_Phdr *)(bad + eh->e_phoff + i * eh->e_phentsize);

		if (ph->p_type == PT_INTERP)
			ph->p_filesz = (Elf64_Xword)len;
	}
	expect_corrupt(bad, len);
	/* Random bytes over the first 4 KiB after the ident: never a crash. */
	srand(7);
	for (i = 0; i < 200; i++) {
		char path[] = "/tmp/ktstr-elfdeps-XXXXXX";
		struct elfdeps d;
		char *err = NULL;
		size_t k;
		int fd;

		memcpy(bad, img, len);
		for (k = 0; k < 8; k++)
			bad[16 + rand() % 4000] = (char)rand();
		fd = mkstemp(path);
		assert_int_equal(write_full(fd, bad, len), 0);
		close(fd);
		if (elfdeps_closure(path, "/x", &d, &err) == 0)
			elfdeps_free(&d);
		free(err);
		unlink(path);
	}
	free(bad);
	free(img);
}

/* The fixture binary finds its library through RUNPATH $ORIGIN/lib: the
 * guest path follows the binary's guest location. */
static void test_origin(void **state)
{
	char tmpl[] = "/tmp/ktstr-elfdeps-XXXXXX";
	char *dir = mkdtemp(tmpl), *bin, *libdir, *lib, *real_lib;
	const char *libbase = strrchr(ELFDEPS_FIXTURE_LIB, '/') + 1;
	const struct elfdeps_lib *l;
	struct elfdeps d;
	char *err = NULL;

	assert_non_null(dir);
	bin = xasprintf("%s/fixture", dir);
	libdir = xasprintf("%s/lib", dir);
	lib = xasprintf("%s/%s", libdir, libbase);
	assert_int_equal(mkdir_p(libdir, 0755), 0);
	assert_int_equal(copy_file(ELFDEPS_FIXTURE, bin), 0);
	assert_int_equal(copy_file(ELFDEPS_FIXTURE_LIB, lib), 0);
	assert_int_equal(elfdeps_closure(bin, "/opt/t/fixture", &d, &err), 0);
	assert_null(err);
	l = find_base(&d, libbase);
	assert_non_null(l);
	real_lib = realpath(lib, NULL);
	assert_string_equal(l->host_path, real_lib);
	{
		char *want = xasprintf("/opt/t/lib/%s", libbase);

		assert_string_equal(l->guest_path, want);
		free(want);
	}
	assert_non_null(find_base(&d, "libc.so.6"));
	elfdeps_free(&d);
	/* Without the library the closure is an error naming it. */
	unlink(lib);
	assert_int_equal(elfdeps_closure(bin, "/opt/t/fixture", &d, &err), -ENOENT);
	assert_non_null(strstr(err, libbase));
	free(err);
	assert_int_equal(rm_rf(dir), 0);
	free(real_lib);
	free(bin);
	free(libdir);
	free(lib);
}

/* What cannot run in a VM holding the executable and its closure is refused,
 * naming why: a script's interpreter, another machine, a missing library. */
static void test_check_exec(void **state)
{
	char tmpl[] = "/tmp/ktstr-elfdeps-XXXXXX";
	char *dir = mkdtemp(tmpl), *p, *err = NULL;
	uint8_t ehdr[64] = { 0x7f, 'E', 'L', 'F', ELFCLASS64, ELFDATA2LSB, EV_CURRENT };

	assert_non_null(dir);
	assert_int_equal(elfdeps_check_exec("/proc/self/exe", &err), 0);
	assert_null(err);

	p = xasprintf("%s/sched.sh", dir);
	assert_int_equal(file_write_str(p, "#! /usr/bin/env bash\nexec true\n"), 0);
	assert_int_equal(elfdeps_check_exec(p, &err), -ENOEXEC);
	assert_non_null(strstr(err, "a script for /usr/bin/env"));
	assert_non_null(strstr(err, p));
	free(err);
	free(p);

	p = xasprintf("%s/notes.txt", dir);
	assert_int_equal(file_write_str(p, "hello\n"), 0);
	assert_int_equal(elfdeps_check_exec(p, &err), -ENOEXEC);
	assert_non_null(strstr(err, "not an executable"));
	free(err);
	free(p);

	p = xasprintf("%s/arm", dir);
	ehdr[18] = EM_AARCH64 & 0xff;
	ehdr[19] = EM_AARCH64 >> 8;
#if defined(__aarch64__)
	ehdr[18] = EM_X86_64;
	ehdr[19] = 0;
#endif
	assert_int_equal(file_write(p, ehdr, sizeof(ehdr)), 0);
	assert_int_equal(elfdeps_check_exec(p, &err), -ENOEXEC);
	assert_non_null(strstr(err, "is an ELF for"));
	free(err);
	ehdr[18] = 0x99;
	ehdr[19] = 0x42;
	assert_int_equal(file_write(p, ehdr, sizeof(ehdr)), 0);
	assert_int_equal(elfdeps_check_exec(p, &err), -ENOEXEC);
	assert_non_null(strstr(err, "machine 17049"));
	free(err);
	free(p);

	/* the fixture without lib/ next to it: its RUNPATH library is missing */
	p = xasprintf("%s/fixture", dir);
	assert_int_equal(copy_file(ELFDEPS_FIXTURE, p), 0);
	assert_int_equal(elfdeps_check_exec(p, &err), -ENOENT);
	assert_non_null(strstr(err, strrchr(ELFDEPS_FIXTURE_LIB, '/') + 1));
	free(err);
	free(p);

	assert_int_equal(elfdeps_check_exec("/nonexistent/sched", &err), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/sched"));
	free(err);
	assert_int_equal(rm_rf(dir), 0);
}

static void put32(uint8_t *p, uint32_t v)
{
	memcpy(p, &v, 4);
}

static void test_cache_parse(void **state)
{
	uint8_t c[512] = { 0 };
	size_t strings = 48 + 4 * 24;
	char *r;

	memcpy(c, "glibc-ld.so.cache1.1", 20);
	put32(c + 20, 4);
	strcpy((char *)c + strings, "libfoo.so.1");
	strcpy((char *)c + strings + 12, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
	strcpy((char *)c + strings + 50, "/usr/lib32/libfoo.so.1");
	strcpy((char *)c + strings + 73, "/hw/libfoo.so.1");
	/* 0: i386 entry; 1: hwcap entry; 2: x86-64 entry; 3: offsets out of bounds. */
	put32(c + 48, 0x0003), put32(c + 52, (uint32_t)strings), put32(c + 56, (uint32_t)strings + 50);
	put32(c + 72, 0x0303), put32(c + 76, (uint32_t)strings), put32(c + 80, (uint32_t)strings + 73);
	put32(c + 88, 1);
	put32(c + 96, 0x0303), put32(c + 100, (uint32_t)strings), put32(c + 104, (uint32_t)strings + 12);
	put32(c + 120, 0x0303), put32(c + 124, 0xfffffff0), put32(c + 128, 0xfffffff0);
	r = elfdeps_cache_lookup(c, sizeof(c), "libfoo.so.1", 0x0303);
	assert_string_equal(r, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
	free(r);
	r = elfdeps_cache_lookup(c, sizeof(c), "libfoo.so.1", 0x0003);
	assert_string_equal(r, "/usr/lib32/libfoo.so.1");
	free(r);
	assert_null(elfdeps_cache_lookup(c, sizeof(c), "libbar.so.1", 0x0303));
	/* A string running to the end of the buffer without a NUL. */
	assert_null(elfdeps_cache_lookup(c, strings + 5, "libfoo.so.1", 0x0303));
	/* nlibs larger than the file, wrong magic, tiny buffers. */
	put32(c + 20, 1000000);
	assert_null(elfdeps_cache_lookup(c, sizeof(c), "libfoo.so.1", 0x0303));
	put32(c + 20, 4);
	assert_null(elfdeps_cache_lookup(c, 10, "libfoo.so.1", 0x0303));
	c[0] = 'x';
	assert_null(elfdeps_cache_lookup(c, sizeof(c), "libfoo.so.1", 0x0303));
	c[0] = 'g';

	/* The same table behind an old-format header with one entry: the new
	 * table starts at 8-aligned 16 + 12 = 32 and counts offsets from there. */
	{
		uint8_t o[600] = { 0 };

		memcpy(o, "ld.so-1.7.0", 11);
		put32(o + 12, 1);
		memcpy(o + 32, c, sizeof(c));
		r = elfdeps_cache_lookup(o, sizeof(o), "libfoo.so.1", 0x0303);
		assert_string_equal(r, "/usr/lib/x86_64-linux-gnu/libfoo.so.1");
		free(r);
		put32(o + 12, 0x7fffffff);
		assert_null(elfdeps_cache_lookup(o, sizeof(o), "libfoo.so.1", 0x0303));
	}
}

/* The real cache of this machine, when it has one, knows libc. */
static void test_system_cache(void **state)
{
	size_t len;
	char *c = file_read("/etc/ld.so.cache", &len, 0), *r;

	if (!c)
		skip();
	r = elfdeps_cache_lookup((uint8_t *)c, len, "libc.so.6", 0x0303);
	assert_non_null(r);
	assert_true(str_ends_with(r, "/libc.so.6"));
	free(r);
	free(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_self_closure),
		cmocka_unit_test(test_not_elf_and_static),
		cmocka_unit_test(test_corrupt),
		cmocka_unit_test(test_origin),
		cmocka_unit_test(test_check_exec),
		cmocka_unit_test(test_cache_parse),
		cmocka_unit_test(test_system_cache),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
