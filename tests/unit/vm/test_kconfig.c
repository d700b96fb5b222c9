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
#include "vm/kconfig.h"

static const char good_config[] = "#\n"
				  "# Automatically generated file; DO NOT EDIT.\n"
				  "#\n"
				  "CONFIG_CC_VERSION_TEXT=\"gcc (Debian 14.2.0-19) 14.2.0\"\n"
				  "CONFIG_SCHED_CLASS_EXT=y\n"
				  "CONFIG_DEBUG_INFO_BTF=y\n"
				  "CONFIG_BPF_SYSCALL=y\n"
				  "CONFIG_VIRTIO_CONSOLE=y\n"
				  "CONFIG_VIRTIO_PCI=y\n"
				  "CONFIG_CGROUPS=y\n"
				  "CONFIG_CPUSETS=y\n"
				  "CONFIG_SERIAL_8250=y\n"
				  "CONFIG_SERIAL_8250_CONSOLE=y\n"
				  "CONFIG_BLK_DEV_INITRD=y\n"
				  "CONFIG_DEVTMPFS=y\n"
				  "# CONFIG_IKCONFIG is not set\n"
				  "CONFIG_NR_CPUS=8192\n"
				  "CONFIG_PHYSICAL_START=0x1000000\n"
				  "CONFIG_EXTRA=\"a \\\"quoted\\\" word\"\n"
				  "\n"
				  "   CONFIG_SPACED=m   \n"
				  "CONFIG_NR_CPUS=64"; /* later assignment wins; no final newline */

static void test_parse_values(void **state)
{
	struct kconfig kc;
	char *err = NULL;

	assert_int_equal(kconfig_parse(good_config, &kc, &err), 0);
	assert_null(err);
	assert_string_equal(kconfig_get(&kc, "CONFIG_SCHED_CLASS_EXT"), "y");
	assert_string_equal(kconfig_get(&kc, "SCHED_CLASS_EXT"), "y");
	assert_string_equal(kconfig_get(&kc, "IKCONFIG"), "n");
	assert_string_equal(kconfig_get(&kc, "CONFIG_NR_CPUS"), "64");
	assert_string_equal(kconfig_get(&kc, "PHYSICAL_START"), "0x1000000");
	assert_string_equal(kconfig_get(&kc, "CC_VERSION_TEXT"), "gcc (Debian 14.2.0-19) 14.2.0");
	assert_string_equal(kconfig_get(&kc, "EXTRA"), "a \"quoted\" word");
	assert_string_equal(kconfig_get(&kc, "SPACED"), "m");
	assert_null(kconfig_get(&kc, "CONFIG_NOT_THERE"));
	assert_null(kconfig_get(&kc, "CONFIG_"));
	assert_true(kconfig_is_y(&kc, "CONFIG_BPF_SYSCALL"));
	assert_false(kconfig_is_y(&kc, "SPACED"));
	assert_false(kconfig_is_y(&kc, "IKCONFIG"));
	/* 18 assignments, NR_CPUS twice. */
	assert_int_equal(kc.n, 17);
	kconfig_free(&kc);
}

static void test_parse_errors(void **state)
{
	struct kconfig kc;
	char *err = NULL;

	assert_int_equal(kconfig_parse("CONFIG_A=y\nCONFIG_BROKEN\n", &kc, &err), -EINVAL);
	assert_non_null(strstr(err, "line 2"));
	assert_int_equal(kc.n, 0);
	free(err);
	err = NULL;
	assert_int_equal(kconfig_parse("CONFIG_A B=y\n", &kc, &err), -EINVAL);
	free(err);
	/* Comments that only look like options are ignored. */
	assert_int_equal(kconfig_parse("# CONFIG_X is set\n# random\n", &kc, NULL), 0);
	assert_int_equal(kc.n, 0);
	kconfig_free(&kc);
	assert_int_equal(kconfig_load("/nonexistent/config", &kc, &err), -ENOENT);
	assert_non_null(strstr(err, "/nonexistent/config"));
	free(err);
}

static const struct kconfig_req_result *find(const struct kconfig_report *rep, const char *what)
{
	for (size_t i = 0; i < rep->n; i++)
		if (!strcmp(rep->r[i].req->what, what))
			return &rep->r[i];
	fail_msg("no requirement %s", what);
	return NULL;
}

static void test_check_all_ok(void **state)
{
	struct kconfig kc;
	struct kconfig_report rep;

	assert_int_equal(kconfig_parse(good_config, &kc, NULL), 0);
	kconfig_check(&kc, &rep);
	assert_true(rep.hard_ok);
	assert_true(rep.sched_ext);
	assert_true(rep.n >= 8);
	for (size_t i = 0; i < rep.n; i++) {
		assert_true(rep.r[i].ok);
		assert_null(rep.r[i].detail);
	}
	kconfig_report_free(&rep);
	kconfig_free(&kc);
}

static void test_check_missing(void **state)
{
	/* A 6.12-like config: no sched_ext, virtio console as a module, no devtmpfs. */
	const char *text = "# CONFIG_SCHED_CLASS_EXT is not set\n"
			   "CONFIG_DEBUG_INFO_BTF=y\n"
			   "CONFIG_BPF_SYSCALL=y\n"
			   "CONFIG_VIRTIO_CONSOLE=m\n"
			   "CONFIG_CGROUPS=y\n"
			   "CONFIG_CPUSETS=y\n"
			   "CONFIG_SERIAL_8250=y\n"
			   "CONFIG_SERIAL_8250_CONSOLE=y\n"
			   "CONFIG_BLK_DEV_INITRD=y\n";
	const struct kconfig_req_result *r;
	struct kconfig kc;
	struct kconfig_report rep;

	assert_int_equal(kconfig_parse(text, &kc, NULL), 0);
	kconfig_check(&kc, &rep);
	assert_false(rep.hard_ok);
	assert_false(rep.sched_ext);
	r = find(&rep, "sched_ext");
	assert_false(r->ok);
	assert_true(r->req->hard);
	assert_string_equal(r->detail, "CONFIG_SCHED_CLASS_EXT is not set");
	r = find(&rep, "virtio console");
	assert_false(r->ok);
	assert_string_equal(r->detail,
			    "CONFIG_VIRTIO_CONSOLE=m (must be =y), CONFIG_VIRTIO_PCI is not set");
	r = find(&rep, "devtmpfs");
	assert_false(r->ok);
	assert_false(r->req->hard);
	assert_true(find(&rep, "BTF")->ok);
	assert_true(find(&rep, "cgroup v2 cpusets")->ok);
	kconfig_report_free(&rep);
	kconfig_free(&kc);

	/* Only a soft requirement missing: still runnable. */
	assert_int_equal(kconfig_parse(good_config, &kc, NULL), 0);
	for (size_t i = 0; i < kc.n; i++)
		if (!strcmp(kc.v[i].name, "CONFIG_DEVTMPFS"))
			strcpy(kc.v[i].value, "n");
	kconfig_check(&kc, &rep);
	assert_true(rep.hard_ok);
	assert_false(find(&rep, "devtmpfs")->ok);
	kconfig_report_free(&rep);
	kconfig_free(&kc);
}

/* Create dir/img and dir/cfg, then expect the image's config to be found at dir/cfg. */
static void expect_found(const char *dir, const char *img_rel, const char *cfg_rel)
{
	char *img = xasprintf("%s/%s", dir, img_rel), *cfg = xasprintf("%s/%s", dir, cfg_rel);
	char *img_dir = xstrndup(img, (size_t)(strrchr(img, '/') - img)), *got;

	assert_int_equal(mkdir_p(img_dir, 0755), 0);
	assert_int_equal(file_write_str(img, "x"), 0);
	assert_null(kconfig_find_for_image(img));
	assert_int_equal(file_write_str(cfg, "CONFIG_A=y\n"), 0);
	got = kconfig_find_for_image(img);
	assert_non_null(got);
	assert_true(str_ends_with(got, cfg_rel));
	free(got);
	free(img_dir);
	free(img);
	free(cfg);
}

static void test_find_for_image(void **state)
{
	char tmpl[] = "/tmp/kconfig-test-XXXXXX";
	char *dir = mkdtemp(tmpl);

	assert_non_null(dir);
	expect_found(dir, "cache/bzImage", "cache/config");
	expect_found(dir, "linux/arch/x86/boot/bzImage", "linux/.config");
	expect_found(dir, "boot/vmlinuz-6.12.0-1-cloud-amd64", "boot/config-6.12.0-1-cloud-amd64");
	assert_int_equal(rm_rf(dir), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_values),   cmocka_unit_test(test_parse_errors),
		cmocka_unit_test(test_check_all_ok),   cmocka_unit_test(test_check_missing),
		cmocka_unit_test(test_find_for_image),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
