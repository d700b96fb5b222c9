// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"
#include "util/path.h"
#include "vm/ksource.h"

static void makefile_versions(void **state)
{
	char *v;

	(void)state;
	assert_int_equal(ksource_makefile_version("# SPDX\nVERSION = 7\nPATCHLEVEL = 3\n"
						  "SUBLEVEL = 4\nEXTRAVERSION =\nNAME = x\n",
						  &v),
			 0);
	assert_string_equal(v, "7.3.4");
	free(v);
	assert_int_equal(ksource_makefile_version("VERSION = 6\nPATCHLEVEL = 15\nSUBLEVEL = 0\n"
						  "EXTRAVERSION = -rc3\n",
						  &v),
			 0);
	assert_string_equal(v, "6.15.0-rc3");
	free(v);
	/* KERNELVERSION = ... must not be taken for VERSION */
	assert_int_equal(ksource_makefile_version("KERNELVERSION = 9\nVERSION=5\nPATCHLEVEL=10\n",
						  &v),
			 0);
	assert_string_equal(v, "5.10");
	free(v);
	assert_int_equal(ksource_makefile_version("VERSION = 7\n", &v), -EINVAL);
	assert_null(v);
	assert_int_equal(ksource_makefile_version("all:\n\techo\n", &v), -EINVAL);
}

static void git_identities(void **state)
{
	const char *head = "0123456789abcdef0123456789abcdef01234567\n";
	char *clean = ksource_git_identity(head, "", ""), *pkg = ksource_git_identity(NULL, "", "");
	char *d1 = ksource_git_identity(head, "diff --git a/x b/x\n-1\n+2\n", "");
	char *d2 = ksource_git_identity(head, "diff --git a/x b/x\n-1\n+3\n", "");
	char *u = ksource_git_identity(head, "", "new.c 00\n");
	char *pd = ksource_git_identity(NULL, "diff --git a/x b/x\n-1\n+2\n", "");

	(void)state;
	assert_string_equal(clean, "git:0123456789ab");
	assert_string_equal(pkg, "packaged");
	assert_true(str_starts_with(d1, "git:0123456789ab+dirty:"));
	assert_int_equal(strlen(d1), strlen("git:0123456789ab+dirty:") + 12);
	assert_string_not_equal(d1, d2);
	assert_string_not_equal(d1, u);
	assert_true(str_starts_with(pd, "packaged+dirty:"));
	assert_string_equal(pd + strlen("packaged"), d1 + strlen("git:0123456789ab"));
	free(clean);
	free(pkg);
	free(d1);
	free(d2);
	free(u);
	free(pd);
}

static char *make_tree(void)
{
	char *dir = scratch_dir_new("ksource");
	static const char *const files[][2] = {
		{ "Makefile", "VERSION = 7\nPATCHLEVEL = 3\nSUBLEVEL = 4\nEXTRAVERSION =\n" },
		{ "Kconfig", "source \"init/Kconfig\"\n" },
		{ "scripts/kconfig/merge_config.sh", "#!/bin/sh\n" },
		{ "kernel/sched/ext.c", "/* ext */\n" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *p = xasprintf("%s/%s", dir, files[i][0]), *d = path_dirname(p);

		assert_int_equal(mkdir_p(d, 0755), 0);
		assert_int_equal(file_write_str(p, files[i][1]), 0);
		free(d);
		free(p);
	}
	return dir;
}

/* A tree without git: a changed file is a new identity (the tree is stale). */
static void tree_staleness(void **state)
{
	char *dir = make_tree(), *err = NULL, *first, *p = xasprintf("%s/kernel/sched/ext.c", dir);
	struct ksource s;

	(void)state;
	setenv("KTSTR_CACHE_DIR", dir, 1);
	assert_true(ksource_is_tree(dir));
	assert_int_equal(ksource_open(dir, NULL, &s, &err), 0);
	assert_string_equal(s.version, "7.3.4");
	assert_true(str_starts_with(s.identity, "files:"));
	assert_true(str_starts_with(s.label, "tree:/"));
	assert_true(str_starts_with(s.build_dir, dir));
	first = xstrdup(s.identity);
	ksource_free(&s);

	assert_int_equal(ksource_open(dir, NULL, &s, &err), 0);
	assert_string_equal(s.identity, first);
	ksource_free(&s);

	sleep_ms(20);
	assert_int_equal(file_write_str(p, "/* ext, changed */\n"), 0);
	assert_int_equal(ksource_open(dir, "debian:x=1", &s, &err), 0);
	assert_string_not_equal(s.identity, first);
	assert_string_equal(s.label, "debian:x=1");
	ksource_free(&s);

	unlink(p);
	free(p);
	p = xasprintf("%s/Kconfig", dir);
	unlink(p);
	assert_false(ksource_is_tree(dir));
	assert_int_equal(ksource_open(dir, NULL, &s, &err), -ENOENT);
	assert_non_null(strstr(err, "not a kernel source tree"));
	free(err);
	unsetenv("KTSTR_CACHE_DIR");
	rm_rf(dir);
	free(first);
	free(p);
	free(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(makefile_versions),
		cmocka_unit_test(git_identities),
		cmocka_unit_test(tree_staleness),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
