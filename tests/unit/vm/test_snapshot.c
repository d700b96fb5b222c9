// SPDX-License-Identifier: GPL-2.0-only
/* VM templates without a VM: the key follows every input, restore argv, trim. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "util/util.h"
#include "vm/snapshot.h"

static char dir[] = "/tmp/ktstr-test-snapshot-XXXXXX";
static char *kernel, *kernel2, *initrd, *initrd2;

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	setenv("KTSTR_QEMU_BIOS", "", 1);
	setenv("KTSTR_QEMU", "/bin/sh", 1); /* any file: the key hashes its identity */
	kernel = xasprintf("%s/bzImage", dir);
	kernel2 = xasprintf("%s/bzImage-2", dir);
	initrd = xasprintf("%s/a.cpio", dir);
	initrd2 = xasprintf("%s/b.cpio", dir);
	file_write_str(kernel, "kernel one");
	file_write_str(kernel2, "kernel one");
	file_write_str(initrd, "cpio with test binary v1");
	file_write_str(initrd2, "cpio with test binary v2");
	return 0;
}

static int teardown(void **state)
{
	free(kernel);
	free(kernel2);
	free(initrd);
	free(initrd2);
	return rm_rf(dir);
}

static void key_of(const char *topo, const char *k, const char *i, unsigned mb,
		   const char *cmdline, enum accel_kind accel, char out[65])
{
	struct ktstr_topology t;
	struct vm_spec spec = {
		.topo = &t,
		.memory_mb = mb,
		.kernel = k,
		.initramfs = i,
		.cmdline = cmdline,
		.accel = { accel, "test" },
		.work_dir = "/somewhere/else", /* not part of the key */
	};
	char *err = NULL;

	assert_int_equal(topo_parse(topo, &t, NULL), 0);
	assert_int_equal(snapshot_key(&spec, out, &err), 0);
	assert_null(err);
	assert_int_equal(strlen(out), 64);
}

static void test_key(void **state)
{
	char base[65], k[65];

	key_of("1n1l2c1t", kernel, initrd, 512, NULL, ACCEL_TCG, base);
	key_of("1n1l2c1t", kernel, initrd, 512, NULL, ACCEL_TCG, k);
	assert_string_equal(base, k); /* same inputs, same template */
	key_of("1n2l2c1t", kernel, initrd, 512, NULL, ACCEL_TCG, k);
	assert_string_not_equal(base, k); /* topology */
	key_of("1n1l2c1t", kernel, initrd2, 512, NULL, ACCEL_TCG, k);
	assert_string_not_equal(base, k); /* test binary (another initramfs) */
	key_of("1n1l2c1t", kernel2, initrd, 512, NULL, ACCEL_TCG, k);
	assert_string_not_equal(base, k); /* another kernel file, same bytes */
	key_of("1n1l2c1t", kernel, initrd, 1024, NULL, ACCEL_TCG, k);
	assert_string_not_equal(base, k); /* memory */
	key_of("1n1l2c1t", kernel, initrd, 512, "sched_ext.x=1", ACCEL_TCG, k);
	assert_string_not_equal(base, k); /* kernel command line */
	key_of("1n1l2c1t", kernel, initrd, 512, NULL, ACCEL_KVM, k);
	assert_string_not_equal(base, k); /* accelerator */

	/* the kernel rebuilt in place: new contents (size and time) */
	sleep_ms(10);
	file_write_str(kernel, "kernel one, rebuilt");
	key_of("1n1l2c1t", kernel, initrd, 512, NULL, ACCEL_TCG, k);
	assert_string_not_equal(base, k);
}

static void test_missing_input(void **state)
{
	struct ktstr_topology t;
	struct vm_spec spec = {
		.topo = &t, .kernel = "/nonexistent/bzImage", .initramfs = initrd,
		.work_dir = "/w",
	};
	char key[65], *err = NULL;

	assert_int_equal(topo_parse("1n1l2c1t", &t, NULL), 0);
	assert_int_equal(snapshot_key(&spec, key, &err), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/bzImage"));
	free(err);
}

static void test_restore_argv(void **state)
{
	struct ktstr_topology t;
	struct vm_spec spec = {
		.topo = &t, .kernel = "/k", .initramfs = "/i", .work_dir = "/w",
		.start = VM_START_RESTORE, .template_dir = "/t",
	};
	char **argv, *err = NULL;
	struct strbuf sb = { 0 };
	char *s;

	assert_int_equal(topo_parse("2n2l1c1t", &t, NULL), 0);
	argv = vm_qemu_argv(&spec, "/w/chan.sock", "/w/qmp.sock", &err);
	assert_non_null(argv);
	for (char **p = argv; *p; p++)
		sb_printf(&sb, " %s", *p);
	s = sb_steal(&sb);
	assert_non_null(strstr(s, "share=off,mem-path=/t/ram-node0,"));
	assert_non_null(strstr(s, "share=off,mem-path=/t/ram-node1,"));
	assert_null(strstr(s, "share=on"));
	assert_non_null(strstr(s, " -chardev socket,id=qmp0,path=/w/qmp.sock,server=off "
				  "-mon chardev=qmp0,mode=control -S -incoming defer"));
	free(s);
	strv_free(argv);

	spec.start = VM_START_TEMPLATE;
	argv = vm_qemu_argv(&spec, "/w/chan.sock", "/w/qmp.sock", &err);
	for (char **p = argv; *p; p++)
		sb_printf(&sb, " %s", *p);
	s = sb_steal(&sb);
	assert_non_null(strstr(s, "share=on,mem-path=/t/ram-node1,"));
	assert_null(strstr(s, "-incoming"));
	free(s);
	strv_free(argv);
}

static void make_template(const char *root, const char *name, size_t bytes, time_t age)
{
	char *d = xasprintf("%s/%s", root, name), *f = xasprintf("%s/ram-node0", d);
	char *m = xasprintf("%s/metadata.json", d), *buf = xcalloc(1, bytes);
	struct timespec ts[2] = { { time(NULL) - age, 0 }, { time(NULL) - age, 0 } };

	assert_int_equal(mkdir_p(d, 0755), 0);
	for (size_t i = 0; i < bytes; i++)
		buf[i] = 'x';
	assert_int_equal(file_write(f, buf, bytes), 0);
	assert_int_equal(file_write_str(m, "{}"), 0);
	utimensat(AT_FDCWD, m, ts, 0);
	free(buf);
	free(m);
	free(f);
	free(d);
}

/* The key's lock (".lock" use, ".build" build) held by this test as another process would. */
static int hold(const char *root, const char *key, const char *suffix, int op)
{
	char *path = xasprintf("%s/%s%s", root, key, suffix);
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644);

	assert_true(fd >= 0);
	assert_int_equal(flock(fd, op | LOCK_NB), 0);
	free(path);
	return fd;
}

static bool exists_in(const char *root, const char *name)
{
	char *p = xasprintf("%s/%s", root, name);
	bool e = path_exists(p);

	free(p);
	return e;
}

static void test_trim(void **state)
{
	char *root = xasprintf("%s/templates", dir);
	int live, used;

	make_template(root, "old", 1 << 20, 300);
	make_template(root, "mid", 1 << 20, 200);
	make_template(root, "new", 1 << 20, 100);
	make_template(root, "kept", 1 << 20, 400); /* oldest, but kept */
	make_template(root, "used", 1 << 20, 500); /* oldest, but a VM uses it */
	used = hold(root, "used", ".lock", LOCK_SH);
	/* an unfinished build whose builder is gone, one whose builder runs, and
	 * one moved aside by a remover that died */
	make_template(root, "abc.tmp-999999999", 4096, 0);
	make_template(root, "def.tmp-1", 4096, 0);
	live = hold(root, "def", ".build", LOCK_EX);
	make_template(root, "ghi.del-2", 4096, 0);
	assert_true(snapshot_trim(root, (3u << 20) + (64u << 10), "kept") >= 2u << 20);
	assert_true(exists_in(root, "kept"));
	assert_true(exists_in(root, "used"));
	assert_true(exists_in(root, "new"));
	assert_false(exists_in(root, "old"));
	assert_false(exists_in(root, "mid"));
	assert_false(exists_in(root, "abc.tmp-999999999"));
	assert_true(exists_in(root, "def.tmp-1"));
	assert_false(exists_in(root, "ghi.del-2"));
	/* released: the build is left behind, the template is free to go */
	close(live);
	close(used);
	assert_true(snapshot_trim(root, 0, NULL) >= 3u << 20);
	assert_false(exists_in(root, "def.tmp-1"));
	assert_false(exists_in(root, "used"));
	assert_false(exists_in(root, "kept"));
	free(root);
}

/* A template found in the cache (no build: no VM here), held, discarded. */
static void test_use(void **state)
{
	char *cache = xasprintf("%s/cache", dir), *root = xasprintf("%s/templates", cache), *err = NULL;
	struct ktstr_topology t;
	struct vm_spec spec = {
		.topo = &t, .memory_mb = 256, .kernel = kernel, .initramfs = initrd,
		.accel = { ACCEL_TCG, "test" },
	};
	struct snapshot_use a, b;
	char key[65];

	setenv("KTSTR_CACHE_DIR", cache, 1);
	assert_int_equal(topo_parse("1n1l2c1t", &t, NULL), 0);
	assert_int_equal(snapshot_key(&spec, key, &err), 0);
	make_template(root, key, 4096, 0);
	assert_int_equal(snapshot_acquire(&spec, &a, &err), 0);
	assert_int_equal(snapshot_acquire(&spec, &b, &err), 0);
	assert_null(err);
	assert_string_equal(a.dir, b.dir);
	/* in use: neither trimmed nor discarded by one of its users */
	snapshot_trim(root, 0, NULL);
	assert_true(exists_in(root, key));
	assert_false(snapshot_discard(&a));
	assert_true(exists_in(root, key));
	/* replaced behind the lock's back (by hand): not b's template to discard */
	{
		char *p = xasprintf("%s/%s", root, key);

		assert_int_equal(rm_rf(p), 0);
		free(p);
		usleep(20000); /* a later change time, should the inode be reused */
	}
	make_template(root, key, 4096, 0);
	assert_false(snapshot_discard(&b));
	assert_true(exists_in(root, key));
	/* the last user discards it, nothing is left behind */
	assert_int_equal(snapshot_acquire(&spec, &a, &err), 0);
	assert_true(snapshot_discard(&a));
	assert_false(exists_in(root, key));
	{
		char *p = xasprintf("%s/%s.del-%d", root, key, (int)getpid());

		assert_false(path_exists(p));
		free(p);
	}
	unsetenv("KTSTR_CACHE_DIR");
	free(root);
	free(cache);
}

static void test_enabled(void **state)
{
	unsetenv("KTSTR_SNAPSHOT");
	assert_true(snapshot_enabled());
	setenv("KTSTR_SNAPSHOT", "0", 1);
	assert_false(snapshot_enabled());
	setenv("KTSTR_SNAPSHOT", "1", 1);
	assert_true(snapshot_enabled());
	unsetenv("KTSTR_SNAPSHOT");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_key),
		cmocka_unit_test(test_missing_input),
		cmocka_unit_test(test_restore_argv),
		cmocka_unit_test(test_trim),
		cmocka_unit_test(test_use),
		cmocka_unit_test(test_enabled),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
