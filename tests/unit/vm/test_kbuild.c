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
#include "vm/kbuild.h"

static void cache_id(void **state)
{
	char *a = kbuild_cache_id("7.3.4", "debian:linux-source-7.3=7.3.4-1", "packaged", "abc");
	char *b = kbuild_cache_id("7.3.4", "debian:linux-source-7.3=7.3.4-1",
				  "packaged+dirty:0123456789ab", "abc");
	char *c = kbuild_cache_id("7.3.4", "debian:linux-source-7.3=7.3.4-1", "packaged", "abd");
	char *d = kbuild_cache_id("7.3.4", "debian:linux-source-7.3=7.3.4-1", "packaged", "abc");

	(void)state;
	assert_true(str_starts_with(a, "7.3.4-"));
	assert_int_equal(strlen(a), strlen("7.3.4-") + 12);
	assert_string_equal(a, d);
	assert_string_not_equal(a, b); /* a change in the tree is a new kernel */
	assert_string_not_equal(a, c); /* so is another config */
	free(a);
	free(b);
	free(c);
	free(d);
}

static void pahole_versions(void **state)
{
	(void)state;
	assert_int_equal(kbuild_pahole_version("v1.24\n"), 124);
	assert_int_equal(kbuild_pahole_version("v1.30"), 130);
	assert_int_equal(kbuild_pahole_version("v2.1\n"), 201);
	assert_int_equal(kbuild_pahole_version("pahole: unknown\n"), -EINVAL);
	assert_int_equal(kbuild_pahole_required("config DEBUG_INFO_BTF\n"
						"\tbool \"BTF\"\n"
						"\tdepends on BPF_SYSCALL\n"
						"\tdepends on PAHOLE_VERSION >= 122\n"
						"config OTHER\n"
						"\tdepends on PAHOLE_VERSION >= 999\n"),
			 122);
	assert_int_equal(kbuild_pahole_required("config DEBUG_INFO_BTF\n\tbool \"BTF\"\n"), 0);
	assert_int_equal(kbuild_pahole_required(""), 0);
}

static void make_steps(void **state)
{
	char *s;

	(void)state;
	s = kbuild_make_step("  CC      kernel/sched/ext.o", "/b");
	assert_string_equal(s, "CC kernel/sched/ext.o");
	free(s);
	s = kbuild_make_step("  LD      /b/tools/objtool/objtool-in.o", "/b");
	assert_string_equal(s, "LD tools/objtool/objtool-in.o");
	free(s);
	s = kbuild_make_step("  BTF     .btf.vmlinux.bin.o", NULL);
	assert_string_equal(s, "BTF .btf.vmlinux.bin.o");
	free(s);
	assert_null(kbuild_make_step("make[1]: Entering directory '/b'", "/b"));
	assert_null(kbuild_make_step("  GEN     ", "/b"));
	assert_null(kbuild_make_step("kernel/sched/ext.c:12:3: error: x", "/b"));
	assert_null(kbuild_make_step("  lowercase text", "/b"));
	assert_null(kbuild_make_step("", "/b"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cache_id),
		cmocka_unit_test(pahole_versions),
		cmocka_unit_test(make_steps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
