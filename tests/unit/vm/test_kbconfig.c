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
#include "vm/kbconfig.h"

static void parse(const char *text, struct kconfig *kc)
{
	char *err = NULL;

	assert_int_equal(kconfig_parse(text, kc, &err), 0);
	assert_null(err);
}

static void verify_finds_what_did_not_stick(void **state)
{
	struct kconfig want, have;
	struct kbconfig_unmet *u;
	size_t n;

	(void)state;
	parse("CONFIG_A=y\n# CONFIG_B is not set\nCONFIG_C=y\nCONFIG_D=256\nCONFIG_E=y\n"
	      "# CONFIG_F is not set\nCONFIG_G=\"x y\"\n",
	      &want);
	parse("CONFIG_A=y\nCONFIG_B=y\n# CONFIG_C is not set\nCONFIG_D=64\n"
	      "CONFIG_G=\"x y\"\n",
	      &have);
	n = kbconfig_verify(&want, &have, &u);
	assert_int_equal(n, 4);
	assert_string_equal(u[0].name, "CONFIG_B");
	assert_string_equal(u[0].want, "n");
	assert_string_equal(u[0].got, "y");
	assert_string_equal(u[1].name, "CONFIG_C");
	assert_string_equal(u[1].got, "n");
	assert_string_equal(u[2].name, "CONFIG_D");
	assert_string_equal(u[2].want, "256");
	assert_string_equal(u[2].got, "64");
	/* absent counts as not set */
	assert_string_equal(u[3].name, "CONFIG_E");
	assert_string_equal(u[3].got, "n");
	kbconfig_unmet_free(u, n);
	kconfig_free(&want);
	kconfig_free(&have);
}

static void verify_later_fragment_wins(void **state)
{
	struct kconfig want, have;
	struct kbconfig_unmet *u;

	(void)state;
	/* the user's fragment comes after ktstr's: its HZ is the one wanted */
	parse("CONFIG_HZ_250=y\nCONFIG_HZ=250\n\n# CONFIG_HZ_250 is not set\nCONFIG_HZ=1000\n",
	      &want);
	parse("CONFIG_HZ_1000=y\nCONFIG_HZ=1000\n", &have);
	assert_int_equal(kbconfig_verify(&want, &have, &u), 0);
	kbconfig_unmet_free(u, 0);
	kconfig_free(&want);
	kconfig_free(&have);
}

static const char kconfig_text[] =
	"menu \"Tracers\"\n"
	"config DEBUG_INFO_BTF\n"
	"\tbool \"Generate BTF type information\"\n"
	"\tdepends on !DEBUG_INFO_SPLIT && !DEBUG_INFO_REDUCED\n"
	"\tdepends on BPF_SYSCALL\n"
	"\tdepends on PAHOLE_VERSION >= 122\n"
	"\thelp\n"
	"\t  Turning this on requires pahole v1.22 or later.\n"
	"\n"
	"config DEBUG_INFO_BTF_MODULES\n"
	"\tdef_bool y\n"
	"\tdepends on DEBUG_INFO_BTF && MODULES\n"
	"menuconfig FREE\n"
	"\tbool \"no dependencies\"\n"
	"endmenu\n";

static void depends_of_one_option(void **state)
{
	char *d = kbconfig_depends(kconfig_text, "CONFIG_DEBUG_INFO_BTF");

	(void)state;
	assert_string_equal(d, "(!DEBUG_INFO_SPLIT && !DEBUG_INFO_REDUCED) && (BPF_SYSCALL) && "
			       "(PAHOLE_VERSION >= 122)");
	free(d);
	d = kbconfig_depends(kconfig_text, "DEBUG_INFO_BTF_MODULES");
	assert_string_equal(d, "(DEBUG_INFO_BTF && MODULES)");
	free(d);
	d = kbconfig_depends(kconfig_text, "FREE");
	assert_string_equal(d, "");
	free(d);
	assert_null(kbconfig_depends(kconfig_text, "DEBUG_INFO"));
}

static void depends_in_a_tree(void **state)
{
	char *dir = scratch_dir_new("kbconfig"), *sub = xasprintf("%s/lib", dir);
	char *path = xasprintf("%s/Kconfig.debug", sub), *d;

	(void)state;
	assert_int_equal(mkdir_p(sub, 0755), 0);
	assert_int_equal(file_write_str(path, kconfig_text), 0);
	d = kbconfig_tree_depends(dir, "CONFIG_DEBUG_INFO_BTF_MODULES");
	assert_string_equal(d, "(DEBUG_INFO_BTF && MODULES)");
	free(d);
	assert_null(kbconfig_tree_depends(dir, "CONFIG_NOWHERE"));
	rm_rf(dir);
	free(path);
	free(sub);
	free(dir);
}

static void hash_covers_both_fragments(void **state)
{
	char *a = kbconfig_hash("CONFIG_A=y\n", NULL), *b = kbconfig_hash("CONFIG_A=y\n", "");
	char *c = kbconfig_hash("CONFIG_A=y\n", "CONFIG_B=y\n");
	char *d = kbconfig_hash("CONFIG_A=y\nCONFIG_B=y\n", NULL), *a2 = kbconfig_hash("CONFIG_A=y\n", NULL);

	(void)state;
	assert_int_equal(strlen(a), 12);
	assert_string_equal(a, a2);
	assert_string_not_equal(a, b);
	assert_string_not_equal(a, c);
	assert_string_not_equal(c, d);
	free(a);
	free(a2);
	free(b);
	free(c);
	free(d);
}

/* ktstr's own fragment parses and asks for what `kernel check` requires. */
static void fragment_meets_the_requirements(void **state)
{
	char *frag = kbconfig_fragment();
	struct kconfig kc;
	struct kconfig_report rep;

	(void)state;
	parse(frag, &kc);
	kconfig_check(&kc, &rep);
	for (size_t i = 0; i < rep.n; i++)
		if (rep.r[i].req->hard && !rep.r[i].ok)
			fail_msg("fragment lacks %s: %s", rep.r[i].req->what, rep.r[i].detail);
	assert_true(rep.hard_ok);
	kconfig_report_free(&rep);
	kconfig_free(&kc);
	free(frag);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(verify_finds_what_did_not_stick),
		cmocka_unit_test(verify_later_fragment_wins),
		cmocka_unit_test(depends_of_one_option),
		cmocka_unit_test(depends_in_a_tree),
		cmocka_unit_test(hash_covers_both_fragments),
		cmocka_unit_test(fragment_meets_the_requirements),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
