// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "proto/guest_abi.h"
#include "runner/runtime.h"
#include "util/util.h"
#include "vm/initramfs.h"

static void test_project_commit_env(void **state)
{
	/* First call of the process: the env value is taken and kept. */
	setenv("KTSTR_PROJECT_COMMIT", "0123abcd-dirty", 1);
	assert_string_equal(runtime_project_commit(), "0123abcd-dirty");
	unsetenv("KTSTR_PROJECT_COMMIT");
	assert_string_equal(runtime_project_commit(), "0123abcd-dirty");
}

/* The archive runtime_initramfs_finish writes for kconfig (may be NULL), read back. */
static char *archive_with(const char *kconfig, size_t *len)
{
	char *err = NULL, *path, *data;

	path = runtime_initramfs_finish(initramfs_new(), NULL, kconfig, NULL, NULL, &err);
	assert_non_null(path);
	data = file_read(path, len, 1 << 20);
	assert_non_null(data);
	free(path);
	return data;
}

static void test_initramfs_kconfig(void **state)
{
	static const char config[] = "CONFIG_HZ=250\nCONFIG_SCHED_CLASS_EXT=y\n";
	char tmpl[] = "/tmp/ktstr-rt-XXXXXX", *dir = mkdtemp(tmpl), *cfg, *data;
	const char *name = GUEST_KCONFIG + 1; /* newc names have no leading '/' */
	size_t len;

	assert_non_null(dir);
	setenv("KTSTR_CACHE_DIR", dir, 1);
	cfg = xasprintf("%s/config", dir);
	assert_int_equal(file_write_str(cfg, config), 0);

	/* the kernel's config, as the guest init expects it */
	data = archive_with(cfg, &len);
	assert_non_null(memmem(data, len, name, strlen(name) + 1));
	assert_non_null(memmem(data, len, config, strlen(config)));
	free(data);
	/* no config found: nothing in its place, and no error */
	data = archive_with(NULL, &len);
	assert_null(memmem(data, len, name, strlen(name)));
	free(data);

	unsetenv("KTSTR_CACHE_DIR");
	free(cfg);
	assert_int_equal(rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_project_commit_env),
		cmocka_unit_test(test_initramfs_kconfig),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
