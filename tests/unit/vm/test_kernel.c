// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"
#include "vm/kernel.h"

static const char sched_ext_config[] = "CONFIG_SCHED_CLASS_EXT=y\n";

/* The smallest file bzimage_parse takes: a boot protocol 2.15 header, one setup
 * sector and 16 bytes of payload. */
static void write_bzimage(const char *path)
{
	uint8_t b[1040] = { 0 };

	b[0x1f1] = 1;
	b[0x1fe] = 0x55;
	b[0x1ff] = 0xaa;
	memcpy(b + 0x202, "HdrS", 4);
	b[0x206] = 0x0f;
	b[0x207] = 0x02;
	b[0x24c] = 16;
	assert_int_equal(file_write(path, b, sizeof(b)), 0);
}

/* ---- metadata ---- */

static struct kernel_meta sample_meta(void)
{
	struct kernel_meta m = {
		.version = "7.3.4+deb13-cloud-amd64",
		.source = "debian:linux-binary-unsigned-7.3.4+deb13-cloud-amd64=7.3.4-1~bpo13+1",
		.arch = "x86_64",
		.image_size = 13730816,
		.image_mtime_ns = 1795000000123456789ll,
		.sched_ext = true,
		.fetched_at = "2026-11-27T01:02:03Z",
	};

	memset(m.sha256, 'a', 64);
	m.sha256[64] = '\0';
	return m;
}

static void test_meta_roundtrip(void **state)
{
	struct kernel_meta m = sample_meta(), back;
	char *json = kernel_meta_to_json(&m), *err = NULL;

	assert_non_null(json);
	assert_int_equal(kernel_meta_from_json(json, &back, &err), 0);
	assert_string_equal(back.version, m.version);
	assert_string_equal(back.source, m.source);
	assert_string_equal(back.arch, m.arch);
	assert_string_equal(back.sha256, m.sha256);
	assert_int_equal(back.image_size, m.image_size);
	assert_true(back.image_mtime_ns == m.image_mtime_ns);
	assert_true(back.sched_ext);
	assert_string_equal(back.fetched_at, m.fetched_at);
	kernel_meta_free(&back);
	free(json);
}

static void expect_bad(const char *json, const char *field)
{
	struct kernel_meta m;
	char *err = NULL;

	assert_int_equal(kernel_meta_from_json(json, &m, &err), -EINVAL);
	assert_non_null(err);
	if (field && !strstr(err, field))
		fail_msg("error '%s' does not name %s", err, field);
	free(err);
}

static void test_meta_strict(void **state)
{
	struct kernel_meta m = sample_meta();
	char *json = kernel_meta_to_json(&m), *bad;

	expect_bad("", NULL);
	expect_bad("[1]", NULL);
	expect_bad("{\"version\": 1}", "version");
	/* Each field broken in turn. */
	bad = xstrdup(json);
	*strstr(bad, "true") = 'X';
	expect_bad(bad, NULL);
	free(bad);
	bad = xstrdup(json);
	memcpy(strstr(bad, "aaaa"), "AAAA", 4);
	expect_bad(bad, "sha256");
	free(bad);
	bad = xstrdup(json);
	memcpy(strstr(bad, "2026-11-27T"), "2026-11-27 ", 11);
	expect_bad(bad, "fetched_at");
	free(bad);
	bad = xstrdup(json);
	memcpy(strstr(bad, "13730816"), "\"1373081\"", 8);
	expect_bad(bad, NULL);
	free(bad);
	expect_bad("{\"version\":\"v\",\"source\":\"s\",\"arch\":\"a\",\"sha256\":\"" \
		   "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\"," \
		   "\"fetched_at\":\"2026-11-27T01:02:03Z\",\"image_size\":-1}",
		   "image_size");
	free(json);
}

static void test_iso8601(void **state)
{
	int64_t t;
	char *s = kernel_iso8601(0);

	assert_string_equal(s, "1970-01-01T00:00:00Z");
	free(s);
	s = kernel_iso8601(1795741323);
	assert_int_equal(kernel_parse_iso8601(s, &t), 0);
	assert_true(t == 1795741323);
	free(s);
	assert_int_equal(kernel_parse_iso8601("2026-11-27T01:02:03", &t), -EINVAL);
	assert_int_equal(kernel_parse_iso8601("2026-11-27T01:02:03Zjunk", &t), -EINVAL);
}

static void test_version_cmp(void **state)
{
	assert_true(kernel_version_cmp("7.3.4+deb13", "7.2.12+deb13") > 0);
	assert_true(kernel_version_cmp("7.2.9+deb13", "7.2.12+deb13") < 0);
	assert_true(kernel_version_cmp("6.19.14+deb13", "7.0.4+deb13") < 0);
	assert_true(kernel_version_cmp("7.3.4+deb13-cloud-amd64", "7.3.4+deb13-cloud-amd64") == 0);
	assert_true(kernel_version_cmp("7.3.4~rc1", "7.3.4") < 0);
	assert_true(kernel_version_cmp("7.3.4", "7.3.4+deb13") < 0);
	assert_true(kernel_version_cmp("7.3.04", "7.3.4") == 0);
	assert_true(kernel_version_cmp("7.3.4a", "7.3.4+") < 0);
}

/* ---- cache and resolution ---- */

struct fixture {
	char *root;   /* KTSTR_CACHE_DIR */
	char *kdir;   /* root/kernels */
	char *boot;   /* fake /boot */
	char *images; /* loose images */
};

static int setup(void **state)
{
	struct fixture *f = xcalloc(1, sizeof(*f));
	char tmpl[] = "/tmp/kernel-test-XXXXXX";

	assert_non_null(mkdtemp(tmpl));
	f->root = xasprintf("%s/cache", tmpl);
	f->kdir = xasprintf("%s/kernels", f->root);
	f->boot = xasprintf("%s/boot", tmpl);
	f->images = xasprintf("%s/images", tmpl);
	assert_int_equal(mkdir_p(f->kdir, 0755), 0);
	assert_int_equal(mkdir_p(f->boot, 0755), 0);
	assert_int_equal(mkdir_p(f->images, 0755), 0);
	setenv("KTSTR_CACHE_DIR", f->root, 1);
	unsetenv("KTSTR_KERNEL");
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	char *top = xstrndup(f->root, strlen(f->root) - strlen("/cache"));

	assert_int_equal(rm_rf(top), 0);
	free(top);
	free(f->root);
	free(f->kdir);
	free(f->boot);
	free(f->images);
	free(f);
	unsetenv("KTSTR_CACHE_DIR");
	unsetenv("KTSTR_KERNEL");
	return 0;
}

/* A cache entry as fetch writes it, with a fake image. */
static char *add_entry(struct fixture *f, const char *version, const char *fetched_at)
{
	char *dir = xasprintf("%s/%s", f->kdir, version), *p, *json;
	struct kernel_meta m = {
		.version = (char *)version,
		.source = "debian:test",
		.arch = "x86_64",
		.sched_ext = true,
		.fetched_at = (char *)fetched_at,
	};

	assert_int_equal(mkdir_p(dir, 0755), 0);
	p = xasprintf("%s/bzImage", dir);
	assert_int_equal(file_write_str(p, version), 0); /* content differs per entry */
	assert_int_equal(kernel_meta_stat_image(&m, p), 0);
	free(p);
	p = xasprintf("%s/config", dir);
	assert_int_equal(file_write_str(p, sched_ext_config), 0);
	free(p);
	p = xasprintf("%s/vmlinux", dir);
	assert_int_equal(file_write_str(p, "\x7f" "ELF"), 0);
	free(p);
	json = kernel_meta_to_json(&m);
	p = xasprintf("%s/metadata.json", dir);
	assert_int_equal(file_write_str(p, json), 0);
	free(p);
	free(json);
	return dir;
}

static char *resolve_ok(const char *spec, const char *boot, const char *release)
{
	struct kernel_resolve_opts o = { .spec = spec, .boot_dir = boot, .release = release };
	struct kernel_info k;
	char *err = NULL, *ret;
	int r = kernel_resolve_opts(&o, &k, &err);

	if (r)
		fail_msg("resolve failed: %d %s", r, err);
	ret = xstrdup(k.image);
	kernel_info_free(&k);
	return ret;
}

static void assert_ends(char *s, const char *suffix)
{
	if (!str_ends_with(s, suffix))
		fail_msg("'%s' does not end with '%s'", s, suffix);
	free(s);
}

static void test_cache_root(void **state)
{
	char *r;

	unsetenv("KTSTR_CACHE_DIR");
	setenv("XDG_CACHE_HOME", "/x/cache", 1);
	r = kernel_cache_root();
	assert_string_equal(r, "/x/cache/ktstr");
	free(r);
	setenv("XDG_CACHE_HOME", "", 1);
	setenv("HOME", "/home/u", 1);
	r = kernel_cache_root();
	assert_string_equal(r, "/home/u/.cache/ktstr");
	free(r);
	setenv("KTSTR_CACHE_DIR", "/k", 1);
	r = kernel_cache_root();
	assert_string_equal(r, "/k");
	free(r);
	r = kernel_cache_dir();
	assert_string_equal(r, "/k/kernels");
	free(r);
	unsetenv("XDG_CACHE_HOME");
}

static void test_list_order_and_corruption(void **state)
{
	struct fixture *f = *state;
	char *a = add_entry(f, "7.2.12+deb13-cloud-amd64", "2026-11-20T00:00:00Z");
	char *b = add_entry(f, "7.3.4+deb13-cloud-amd64", "2026-11-01T00:00:00Z");
	char *c = add_entry(f, "7.2.9+deb13-cloud-amd64", "2026-11-25T00:00:00Z");
	char *tmp = xasprintf("%s/.tmp-7.4.0-123", f->kdir), *p;
	struct kernel_entry *e;
	size_t n;

	assert_int_equal(mkdir_p(tmp, 0755), 0); /* an interrupted fetch: not listed */
	assert_int_equal(kernel_list(KERNEL_VERIFY_FULL, &e, &n), 0);
	assert_int_equal(n, 3);
	assert_string_equal(e[0].id, "7.3.4+deb13-cloud-amd64");
	assert_string_equal(e[1].id, "7.2.12+deb13-cloud-amd64");
	assert_string_equal(e[2].id, "7.2.9+deb13-cloud-amd64");
	for (size_t i = 0; i < n; i++)
		assert_null(e[i].corrupt);
	kernel_entries_free(e, n);

	/* Truncated image: caught by size even in the quick check. */
	p = xasprintf("%s/bzImage", b);
	assert_int_equal(truncate(p, 3), 0);
	free(p);
	/* Same size, different bytes, mtime restored: only the full check sees it. */
	p = xasprintf("%s/bzImage", a);
	{
		struct stat st;
		struct timespec ts[2];

		assert_int_equal(stat(p, &st), 0);
		ts[0] = st.st_atim;
		ts[1] = st.st_mtim;
		assert_int_equal(file_write_str(p, "7.2.12+deb13-cloud-amdXX"), 0);
		assert_int_equal(utimensat(AT_FDCWD, p, ts, 0), 0);
	}
	free(p);
	/* Missing vmlinux, and unparsable metadata. */
	p = xasprintf("%s/vmlinux", c);
	assert_int_equal(unlink(p), 0);
	free(p);
	free(add_entry(f, "6.0", "2026-11-01T00:00:00Z"));
	p = xasprintf("%s/6.0/metadata.json", f->kdir);
	assert_int_equal(file_write_str(p, "{\"version\": "), 0);
	free(p);

	assert_int_equal(kernel_list(KERNEL_VERIFY_QUICK, &e, &n), 0);
	assert_int_equal(n, 4);
	assert_string_equal(e[0].id, "7.3.4+deb13-cloud-amd64");
	assert_non_null(strstr(e[0].corrupt, "truncated"));
	assert_null(e[1].corrupt); /* quick check trusts size + mtime */
	assert_string_equal(e[2].corrupt, "missing vmlinux");
	assert_string_equal(e[3].id, "6.0");
	assert_non_null(strstr(e[3].corrupt, "bad metadata.json"));
	kernel_entries_free(e, n);
	assert_int_equal(kernel_list(KERNEL_VERIFY_FULL, &e, &n), 0);
	assert_non_null(strstr(e[1].corrupt, "sha256"));
	kernel_entries_free(e, n);

	/* Resolution skips the corrupt newest entry (with a warning) and takes the next one,
	 * whose same-size change only the full check sees. */
	{
		struct kernel_resolve_opts o = { .boot_dir = f->boot, .release = "none" };
		struct kernel_info k;
		char *err = NULL;

		assert_int_equal(kernel_resolve_opts(&o, &k, &err), 0);
		assert_string_equal(k.id, "7.2.12+deb13-cloud-amd64");
		kernel_info_free(&k);
		/* By id, a corrupt entry is an error that says how to fix it. */
		o.spec = "7.3.4+deb13-cloud-amd64";
		assert_int_equal(kernel_resolve_opts(&o, &k, &err), -EINVAL);
		assert_non_null(strstr(err, "corrupt"));
		assert_non_null(strstr(err, "`ktstr kernel fetch`"));
		free(err);
		err = NULL;
		/* Nothing valid left: no kernel, and the message names the command. */
		p = xasprintf("%s/metadata.json", a);
		assert_int_equal(unlink(p), 0);
		free(p);
		o.spec = NULL;
		assert_int_equal(kernel_resolve_opts(&o, &k, &err), -ENOENT);
		assert_non_null(strstr(err, "`ktstr kernel fetch`"));
		free(err);
	}
	free(a);
	free(b);
	free(c);
	free(tmp);
}

static void test_mtime_change_same_content(void **state)
{
	struct fixture *f = *state;
	char *d = add_entry(f, "7.3.4+deb13-cloud-amd64", "2026-11-01T00:00:00Z");
	char *img = xasprintf("%s/bzImage", d), *meta = xasprintf("%s/metadata.json", d);
	struct timespec ts[2] = { { 1000, 0 }, { 1000, 0 } };
	struct kernel_entry e;
	char *before = file_read(meta, NULL, 0), *after;

	/* A copied cache: new mtime, same bytes. Valid, and the new mtime is recorded. */
	assert_int_equal(utimensat(AT_FDCWD, img, ts, 0), 0);
	kernel_entry_load(d, KERNEL_VERIFY_QUICK, &e);
	assert_null(e.corrupt);
	assert_true(e.meta.image_mtime_ns == 1000000000000ll);
	kernel_entry_free(&e);
	after = file_read(meta, NULL, 0);
	assert_string_not_equal(before, after);
	assert_non_null(strstr(after, "1000000000000"));
	free(before);
	free(after);
	free(img);
	free(meta);
	free(d);
}

static void test_resolution_order(void **state)
{
	struct fixture *f = *state;
	char *old = add_entry(f, "7.2.12+deb13-cloud-amd64", "2026-11-25T00:00:00Z");
	char *img = xasprintf("%s/bzImage-custom", f->images), *p, *tree;

	write_bzimage(img);
	/* Host kernel with sched_ext: used only when nothing else is there. */
	p = xasprintf("%s/vmlinuz-6.18.0-test", f->boot);
	assert_int_equal(file_write_str(p, "host"), 0);
	free(p);
	p = xasprintf("%s/config-6.18.0-test", f->boot);
	assert_int_equal(file_write_str(p, sched_ext_config), 0);
	free(p);

	/* Newest cached wins over the host, and a newer version over an older one. */
	assert_ends(resolve_ok(NULL, f->boot, "6.18.0-test"), "7.2.12+deb13-cloud-amd64/bzImage");
	free(add_entry(f, "7.3.4+deb13-cloud-amd64", "2026-11-01T00:00:00Z"));
	assert_ends(resolve_ok(NULL, f->boot, "6.18.0-test"), "7.3.4+deb13-cloud-amd64/bzImage");
	/* KTSTR_KERNEL beats the cache; the spec beats KTSTR_KERNEL. */
	setenv("KTSTR_KERNEL", img, 1);
	assert_ends(resolve_ok(NULL, f->boot, "6.18.0-test"), "/bzImage-custom");
	assert_ends(resolve_ok("7.2.12+deb13-cloud-amd64", f->boot, "x"),
		    "7.2.12+deb13-cloud-amd64/bzImage");
	/* A build tree. */
	tree = xasprintf("%s/linux", f->images);
	p = xasprintf("%s/arch/x86/boot", tree);
	assert_int_equal(mkdir_p(p, 0755), 0);
	free(p);
	p = xasprintf("%s/arch/x86/boot/bzImage", tree);
	write_bzimage(p);
	free(p);
	p = xasprintf("%s/.config", tree);
	assert_int_equal(file_write_str(p, sched_ext_config), 0);
	free(p);
	{
		struct kernel_info k;
		char *err = NULL;

		assert_int_equal(kernel_resolve(tree, &k, &err), 0);
		assert_true(str_ends_with(k.image, "/linux/arch/x86/boot/bzImage"));
		assert_true(str_ends_with(k.config, "/linux/.config"));
		assert_string_equal(k.source, "build-tree");
		assert_true(k.sched_ext);
		assert_null(k.id);
		kernel_info_free(&k);
		/* A file that is not a bzImage: refused, naming it. */
		p = xasprintf("%s/passwd", f->images);
		assert_int_equal(file_write_str(p, "root:x:0:0:root:/root:/bin/sh\n"), 0);
		assert_int_equal(kernel_resolve(p, &k, &err), -ENOEXEC);
		assert_non_null(strstr(err, "not a kernel image"));
		assert_non_null(strstr(err, p));
		free(err);
		free(p);
		/* A spec that is nothing: an error naming it. */
		assert_int_equal(kernel_resolve("nope-1.0", &k, &err), -ENOENT);
		assert_non_null(strstr(err, "nope-1.0"));
		free(err);
	}
	/* The cache entry fills every field. */
	unsetenv("KTSTR_KERNEL");
	{
		struct kernel_info k;

		assert_int_equal(kernel_resolve(NULL, &k, NULL), 0);
		assert_string_equal(k.id, "7.3.4+deb13-cloud-amd64");
		assert_string_equal(k.version, "7.3.4+deb13-cloud-amd64");
		assert_true(str_ends_with(k.config, "/config"));
		assert_true(str_ends_with(k.vmlinux, "/vmlinux"));
		assert_string_equal(k.source, "debian:test");
		assert_true(k.sched_ext);
		kernel_info_free(&k);
	}
	/* Empty cache: the host kernel, but only with sched_ext in its config. */
	assert_int_equal(rm_rf(f->kdir), 0);
	assert_ends(resolve_ok(NULL, f->boot, "6.18.0-test"), "/vmlinuz-6.18.0-test");
	p = xasprintf("%s/config-6.18.0-test", f->boot);
	assert_int_equal(file_write_str(p, "# CONFIG_SCHED_CLASS_EXT is not set\n"), 0);
	free(p);
	{
		struct kernel_resolve_opts o = { .boot_dir = f->boot, .release = "6.18.0-test" };
		struct kernel_info k;
		char *err = NULL;

		assert_int_equal(kernel_resolve_opts(&o, &k, &err), -ENOENT);
		assert_non_null(strstr(err, "`ktstr kernel fetch`"));
		free(err);
	}
	free(tree);
	free(img);
	free(old);
}

static void test_remove(void **state)
{
	struct fixture *f = *state;
	char *a = add_entry(f, "7.3.4-0123456789ab", "2026-11-20T00:00:00Z");
	char *b = add_entry(f, "7.3.4+deb13-cloud-amd64", "2026-11-01T00:00:00Z");
	static const char *const bad[] = { "", ".", "..", ".fetch.lock", "../cache", "a/b", "nope" };
	struct kernel_entry *e;
	char *err = NULL;
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		assert_int_equal(kernel_cache_remove(bad[i], &err), -ENOENT);
		assert_non_null(strstr(err, "no cached kernel"));
		free(err);
		err = NULL;
	}
	assert_int_equal(kernel_cache_remove("7.3.4-0123456789ab", &err), 0);
	assert_false(path_exists(a));
	assert_true(path_exists(b));
	assert_int_equal(kernel_list(KERNEL_VERIFY_QUICK, &e, &n), 0);
	assert_int_equal(n, 1);
	assert_string_equal(e[0].id, "7.3.4+deb13-cloud-amd64");
	kernel_entries_free(e, n);
	free(a);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_meta_roundtrip),
		cmocka_unit_test(test_meta_strict),
		cmocka_unit_test(test_iso8601),
		cmocka_unit_test(test_version_cmp),
		cmocka_unit_test(test_cache_root),
		cmocka_unit_test_setup_teardown(test_list_order_and_corruption, setup, teardown),
		cmocka_unit_test_setup_teardown(test_mtime_change_same_content, setup, teardown),
		cmocka_unit_test_setup_teardown(test_resolution_order, setup, teardown),
		cmocka_unit_test_setup_teardown(test_remove, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
