// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <dirent.h>

#include "util/sha256.h"
#include "util/util.h"
#include "vm/initramfs.h"

/* One parsed newc entry. */
struct cent {
	char name[256];
	unsigned ino, mode, nlink, mtime, size;
	const char *data;
};

static unsigned hex8(const char *p)
{
	char b[9];

	memcpy(b, p, 8);
	b[8] = '\0';
	return (unsigned)strtoul(b, NULL, 16);
}

/* Parse a whole archive strictly; returns the entry count (trailer excluded). */
static size_t parse_newc(const char *buf, size_t len, struct cent *out, size_t max)
{
	size_t off = 0, n = 0;

	for (;;) {
		struct cent e;
		unsigned namesize;

		assert_true(off % 4 == 0);
		assert_true(off + 110 <= len);
		assert_memory_equal(buf + off, "070701", 6);
		e.ino = hex8(buf + off + 6);
		e.mode = hex8(buf + off + 14);
		assert_int_equal(hex8(buf + off + 22), 0); /* uid */
		assert_int_equal(hex8(buf + off + 30), 0); /* gid */
		e.nlink = hex8(buf + off + 38);
		e.mtime = hex8(buf + off + 46);
		e.size = hex8(buf + off + 54);
		namesize = hex8(buf + off + 94);
		assert_true(namesize >= 2 && namesize < sizeof(e.name));
		assert_true(off + 110 + namesize <= len);
		memcpy(e.name, buf + off + 110, namesize);
		assert_int_equal(e.name[namesize - 1], '\0');
		off = (off + 110 + namesize + 3) & ~(size_t)3;
		e.data = buf + off;
		assert_true(off + e.size <= len);
		off = (off + e.size + 3) & ~(size_t)3;
		if (!strcmp(e.name, "TRAILER!!!")) {
			assert_int_equal(off, len);
			return n;
		}
		assert_true(n < max);
		out[n++] = e;
	}
}

static const struct cent *find(const struct cent *v, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(v[i].name, name))
			return &v[i];
	return NULL;
}

static char *tmpdir(void)
{
	char tmpl[] = "/tmp/ktstr-initramfs-XXXXXX";

	return xstrdup(mkdtemp(tmpl));
}

static char *write_read(struct initramfs *ir, const char *dir, size_t *len)
{
	char *path = xasprintf("%s/out.cpio", dir), *err = NULL, *buf;

	assert_int_equal(initramfs_write(ir, path, &err), 0);
	assert_null(err);
	buf = file_read(path, len, 0);
	assert_non_null(buf);
	free(path);
	return buf;
}

static void test_layout(void **state)
{
	char *dir = tmpdir(), *buf, *host, *err = NULL;
	struct initramfs *ir = initramfs_new();
	struct cent v[32];
	const struct cent *e;
	size_t len, n, i;

	host = xasprintf("%s/script", dir);
	assert_int_equal(file_write_str(host, "#!/bin/sh\nexit 0\n"), 0);
	assert_int_equal(chmod(host, 0750), 0);
	assert_int_equal(initramfs_add_file(ir, host, "/usr/bin/script", &err), 0);
	assert_int_equal(initramfs_add_data(ir, "etc/args", "run\nx", 5, 0644, &err), 0);
	assert_int_equal(initramfs_add_symlink(ir, "/bin/sh", "/usr/bin/script", &err), 0);
	assert_int_equal(initramfs_add_data(ir, "/empty", "", 0, 0600, &err), 0);
	assert_null(err);
	buf = write_read(ir, dir, &len);
	n = parse_newc(buf, len, v, 32);
	/* bin, bin/sh, empty, etc, etc/args, usr, usr/bin, usr/bin/script */
	assert_int_equal(n, 8);
	assert_int_equal(initramfs_count(ir), 8);
	for (i = 0; i < n; i++) {
		assert_int_equal(v[i].ino, i + 1);
		assert_int_equal(v[i].mtime, 0);
		assert_int_equal(v[i].nlink, 1);
		assert_true(v[i].name[0] != '/');
		if (i)
			assert_true(strcmp(v[i - 1].name, v[i].name) < 0);
	}
	e = find(v, n, "usr/bin");
	assert_non_null(e);
	assert_int_equal(e->mode, S_IFDIR | 0755);
	e = find(v, n, "usr/bin/script");
	assert_int_equal(e->mode, S_IFREG | 0750);
	assert_int_equal(e->size, 17);
	assert_memory_equal(e->data, "#!/bin/sh\nexit 0\n", 17);
	e = find(v, n, "bin/sh");
	assert_int_equal(e->mode, S_IFLNK | 0777);
	assert_int_equal(e->size, 15);
	assert_memory_equal(e->data, "/usr/bin/script", 15);
	e = find(v, n, "etc/args");
	assert_int_equal(e->mode, S_IFREG | 0644);
	assert_memory_equal(e->data, "run\nx", 5);
	e = find(v, n, "empty");
	assert_int_equal(e->size, 0);
	free(buf);
	free(host);
	initramfs_free(ir);
	assert_int_equal(rm_rf(dir), 0);
	free(dir);
}

static void test_duplicates_and_conflicts(void **state)
{
	char *dir = tmpdir(), *a, *b, *err = NULL;
	struct initramfs *ir = initramfs_new();

	a = xasprintf("%s/a", dir);
	b = xasprintf("%s/b", dir);
	assert_int_equal(file_write_str(a, "same bytes"), 0);
	assert_int_equal(file_write_str(b, "same bytes"), 0);
	assert_int_equal(chmod(a, 0644), 0);
	assert_int_equal(chmod(b, 0644), 0);
	assert_int_equal(initramfs_add_file(ir, a, "/x/f", &err), 0);
	/* Same file again, another file with equal bytes, equal data: collapsed. */
	assert_int_equal(initramfs_add_file(ir, a, "x/f", &err), 0);
	assert_int_equal(initramfs_add_file(ir, b, "/x//./f", &err), 0);
	assert_int_equal(initramfs_add_data(ir, "/x/f", "same bytes", 10, 0644, &err), 0);
	assert_int_equal(initramfs_add_symlink(ir, "/x/l", "f", &err), 0);
	assert_int_equal(initramfs_add_symlink(ir, "/x/l", "f", &err), 0);
	assert_null(err);
	assert_int_equal(initramfs_count(ir), 3);

	/* Different bytes, different mode, other kinds: rejected, naming the path. */
	assert_int_equal(initramfs_add_data(ir, "/x/f", "other bytes", 11, 0644, &err), -EEXIST);
	assert_non_null(strstr(err, "/x/f"));
	free(err), err = NULL;
	assert_int_equal(file_write_str(b, "diff bytes"), 0);
	assert_int_equal(initramfs_add_file(ir, b, "/x/f", &err), -EEXIST);
	assert_non_null(strstr(err, "/x/f"));
	free(err), err = NULL;
	assert_int_equal(initramfs_add_data(ir, "/x/f", "same bytes", 10, 0755, &err), -EEXIST);
	free(err), err = NULL;
	assert_int_equal(initramfs_add_symlink(ir, "/x/l", "g", &err), -EEXIST);
	free(err), err = NULL;
	assert_int_equal(initramfs_add_symlink(ir, "/x/f", "g", &err), -EEXIST);
	free(err), err = NULL;
	assert_int_equal(initramfs_add_data(ir, "/x", "", 0, 0644, &err), -EEXIST);
	free(err), err = NULL;
	/* A file cannot be a parent. */
	assert_int_equal(initramfs_add_data(ir, "/x/f/g", "", 0, 0644, &err), -ENOTDIR);
	assert_non_null(strstr(err, "/x/f"));
	free(err), err = NULL;
	/* Bad guest paths and bad sources. */
	assert_int_equal(initramfs_add_data(ir, "/a/../b", "", 0, 0644, &err), -EINVAL);
	free(err), err = NULL;
	assert_int_equal(initramfs_add_data(ir, "//", "", 0, 0644, &err), -EINVAL);
	free(err), err = NULL;
	assert_int_equal(initramfs_add_file(ir, dir, "/d", &err), -EINVAL);
	free(err), err = NULL;
	assert_int_equal(initramfs_add_file(ir, "/nonexistent/ktstr", "/d", &err), -ENOENT);
	free(err), err = NULL;
	assert_int_equal(initramfs_count(ir), 3);
	initramfs_free(ir);
	assert_int_equal(rm_rf(dir), 0);
	free(a);
	free(b);
	free(dir);
}

static struct initramfs *build(const char *dir, bool reverse)
{
	struct initramfs *ir = initramfs_new();
	char *f = xasprintf("%s/payload", dir), *err = NULL;

	if (!path_exists(f))
		assert_int_equal(file_write_str(f, "payload bytes"), 0);
	if (reverse) {
		assert_int_equal(initramfs_add_symlink(ir, "/z/link", "../a/payload", &err), 0);
		assert_int_equal(initramfs_add_data(ir, "/m/data", "d", 1, 0644, &err), 0);
		assert_int_equal(initramfs_add_file(ir, f, "/a/payload", &err), 0);
	} else {
		assert_int_equal(initramfs_add_file(ir, f, "/a/payload", &err), 0);
		assert_int_equal(initramfs_add_data(ir, "/m/data", "d", 1, 0644, &err), 0);
		assert_int_equal(initramfs_add_symlink(ir, "/z/link", "../a/payload", &err), 0);
	}
	free(f);
	return ir;
}

static void test_deterministic(void **state)
{
	char *dir = tmpdir(), *b1, *b2, *h1, *h2, *h3, *err = NULL;
	struct initramfs *ir1 = build(dir, false), *ir2 = build(dir, true);
	size_t l1, l2;

	h1 = initramfs_hash(ir1);
	h2 = initramfs_hash(ir2);
	assert_int_equal(strlen(h1), 64);
	assert_string_equal(h1, h2);
	b1 = write_read(ir1, dir, &l1);
	b2 = write_read(ir2, dir, &l2);
	assert_int_equal(l1, l2);
	assert_memory_equal(b1, b2, l1);
	/* Any change in content, mode or link target changes the hash. */
	assert_int_equal(initramfs_add_data(ir2, "/m/more", "", 0, 0644, &err), 0);
	h3 = initramfs_hash(ir2);
	assert_string_not_equal(h1, h3);
	free(h3);
	initramfs_free(ir2);
	ir2 = initramfs_new();
	assert_int_equal(initramfs_add_data(ir2, "/m/data", "e", 1, 0644, &err), 0);
	h3 = initramfs_hash(ir2);
	initramfs_free(ir2);
	ir2 = initramfs_new();
	assert_int_equal(initramfs_add_data(ir2, "/m/data", "d", 1, 0600, &err), 0);
	free(h2);
	h2 = initramfs_hash(ir2);
	assert_string_not_equal(h2, h3);
	free(h1), free(h2), free(h3), free(b1), free(b2);
	initramfs_free(ir1);
	initramfs_free(ir2);
	assert_int_equal(rm_rf(dir), 0);
	free(dir);
}

static void test_add_dir(void **state)
{
	char *dir = tmpdir(), *p, *buf, *err = NULL;
	struct initramfs *ir = initramfs_new();
	struct cent v[32];
	size_t len, n;

	p = xasprintf("%s/tree/sub", dir);
	assert_int_equal(mkdir_p(p, 0700), 0);
	free(p);
	p = xasprintf("%s/tree/sub/file", dir);
	assert_int_equal(file_write_str(p, "hello"), 0);
	free(p);
	p = xasprintf("%s/tree/link", dir);
	assert_int_equal(symlink("sub/file", p), 0);
	free(p);
	p = xasprintf("%s/tree", dir);
	assert_int_equal(initramfs_add_dir(ir, p, "/include", &err), 0);
	assert_null(err);
	free(p);
	buf = write_read(ir, dir, &len);
	n = parse_newc(buf, len, v, 32);
	assert_int_equal(n, 4);
	assert_string_equal(v[0].name, "include");
	assert_string_equal(v[1].name, "include/link");
	assert_memory_equal(v[1].data, "sub/file", 8);
	assert_string_equal(v[2].name, "include/sub");
	assert_int_equal(v[2].mode, S_IFDIR | 0700);
	assert_string_equal(v[3].name, "include/sub/file");
	assert_memory_equal(v[3].data, "hello", 5);
	free(buf);
	assert_int_equal(initramfs_add_dir(ir, "/nonexistent/ktstr", "/x", &err), -ENOENT);
	free(err);
	initramfs_free(ir);
	assert_int_equal(rm_rf(dir), 0);
	free(dir);
}

static void test_elf_closure(void **state)
{
	char self[PATH_MAX], *dir = tmpdir(), *buf, *err = NULL;
	ssize_t k = readlink("/proc/self/exe", self, sizeof(self) - 1);
	struct initramfs *ir = initramfs_new();
	struct cent *v = xcalloc(256, sizeof(*v));
	const struct cent *e;
	size_t len, n, i;
	bool libc = false;

	assert_true(k > 0);
	self[k] = '\0';
	assert_int_equal(initramfs_add_file(ir, self, "/init", &err), 0);
	assert_null(err);
	/* Adding it again is a no-op. */
	n = initramfs_count(ir);
	assert_int_equal(initramfs_add_file(ir, self, "/init", &err), 0);
	assert_int_equal(initramfs_count(ir), n);
	buf = write_read(ir, dir, &len);
	n = parse_newc(buf, len, v, 256);
	e = find(v, n, "init");
	assert_non_null(e);
	assert_memory_equal(e->data, "\x7f" "ELF", 4);
	e = find(v, n, "lib64/ld-linux-x86-64.so.2");
	assert_non_null(e);
	for (i = 0; i < n; i++) {
		/* Every symlink points at a regular file that is in the archive. */
		if ((v[i].mode & S_IFMT) == S_IFLNK) {
			char t[256];

			assert_true(v[i].size < sizeof(t) && v[i].data[0] == '/');
			memcpy(t, v[i].data + 1, v[i].size - 1);
			t[v[i].size - 1] = '\0';
			e = find(v, n, t);
			assert_non_null(e);
			assert_int_equal(e->mode & S_IFMT, S_IFREG);
		}
		if (str_ends_with(v[i].name, "/libc.so.6"))
			libc = true;
	}
	assert_true(libc);
	free(buf);
	free(v);
	initramfs_free(ir);
	assert_int_equal(rm_rf(dir), 0);
	free(dir);
}

static void test_cached_and_stale(void **state)
{
	char *dir = tmpdir(), *cache, *p1 = NULL, *p2 = NULL, *f, *err = NULL;
	struct initramfs *ir = build(dir, false);
	struct stat st;

	cache = xasprintf("%s/cache/sub", dir);
	assert_int_equal(initramfs_write_cached(ir, cache, &p1, &err), 0);
	assert_true(str_starts_with(p1, cache));
	assert_true(str_ends_with(p1, ".cpio"));
	assert_int_equal(stat(p1, &st), 0);
	assert_int_equal(initramfs_write_cached(ir, cache, &p2, &err), 1);
	assert_string_equal(p1, p2);
	free(p2);
	/* The digest memo is what a second process uses instead of reading the
	 * file: a forged digest in it changes the archive name. */
	{
		char *memo = xasprintf("%s/digests", cache), *text = file_read(memo, NULL, 0);
		struct initramfs *ir2 = build(dir, false);
		char *sp;

		assert_non_null(text);
		sp = strrchr(text, ' ');
		assert_non_null(sp);
		memset(sp + 1, '0', SHA256_HEX_LEN);
		assert_int_equal(file_write_str(memo, text), 0);
		assert_int_equal(initramfs_write_cached(ir2, cache, &p2, &err), 0);
		assert_string_not_equal(p1, p2);
		free(p2);
		initramfs_free(ir2);
		free(text);
		free(memo);
	}
	/* A file that changes after it was added is refused at write time. */
	initramfs_free(ir);
	ir = build(dir, false);
	f = xasprintf("%s/payload", dir);
	assert_int_equal(file_write_str(f, "payload bytes, longer now"), 0);
	p2 = xasprintf("%s/stale.cpio", dir);
	assert_int_equal(initramfs_write(ir, p2, &err), -ESTALE);
	assert_non_null(strstr(err, "changed"));
	assert_false(path_exists(p2));
	free(err);
	free(p1), free(p2), free(f), free(cache);
	initramfs_free(ir);
	assert_int_equal(rm_rf(dir), 0);
	free(dir);
}

/* Processes writing one archive at once: each uses the file that stays (the
 * first linked into place is never replaced), and no temporary file is left. */
static void test_cached_concurrent(void **state)
{
	enum { N = 4 };
	char *dir = tmpdir(), *cache = xasprintf("%s/cache", dir), *final = NULL;
	int go[2], res[2];
	pid_t pids[N];
	struct stat st;
	DIR *d;
	struct dirent *e;

	initramfs_free(build(dir, false)); /* the payload file, before the writers start */
	assert_int_equal(pipe(go), 0);
	assert_int_equal(pipe(res), 0);
	for (int i = 0; i < N; i++) {
		pids[i] = fork();
		assert_true(pids[i] >= 0);
		if (!pids[i]) {
			struct initramfs *ir = build(dir, i & 1);
			char c, *path = NULL, *err = NULL;
			unsigned long long ino = 0;

			close(go[1]);
			if (read(go[0], &c, 1) < 0) /* all start at once */
				_exit(1);
			if (initramfs_write_cached(ir, cache, &path, &err) >= 0 && !stat(path, &st))
				ino = (unsigned long long)st.st_ino;
			if (write(res[1], &ino, sizeof(ino)) != sizeof(ino))
				_exit(1);
			_exit(0);
		}
	}
	close(go[0]);
	close(go[1]); /* the children's read returns */
	close(res[1]);
	for (int i = 0; i < N; i++) {
		unsigned long long ino;
		int status;

		assert_int_equal(read(res[0], &ino, sizeof(ino)), sizeof(ino));
		assert_int_equal(waitpid(pids[i], &status, 0), pids[i]);
		assert_true(WIFEXITED(status) && !WEXITSTATUS(status));
		if (!final) {
			struct initramfs *ir = build(dir, false);
			char *err = NULL;

			assert_int_equal(initramfs_write_cached(ir, cache, &final, &err), 1);
			initramfs_free(ir);
		}
		assert_int_equal(stat(final, &st), 0);
		assert_int_equal(ino, (unsigned long long)st.st_ino);
	}
	close(res[0]);
	d = opendir(cache);
	assert_non_null(d);
	while ((e = readdir(d)))
		if (strstr(e->d_name, ".tmp"))
			fail_msg("left behind: %s", e->d_name);
	closedir(d);
	free(final);
	free(cache);
	assert_int_equal(rm_rf(dir), 0);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_layout),
		cmocka_unit_test(test_duplicates_and_conflicts),
		cmocka_unit_test(test_deterministic),
		cmocka_unit_test(test_add_dir),
		cmocka_unit_test(test_elf_closure),
		cmocka_unit_test(test_cached_and_stale),
		cmocka_unit_test(test_cached_concurrent),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
