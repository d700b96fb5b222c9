// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "core/sched_args.h"
#include "util/util.h"

static const struct ktstr_scheduler sched = {
	.name = "scx_t",
	.binary = "scx_t",
	.args = KTSTR_ARGS("--base", "1"),
	.flags = KTSTR_FLAGS({ .name = "llc", .args = KTSTR_ARGS("--llc") },
			     { .name = "steal", .args = KTSTR_ARGS("--steal", "2"),
			       .requires = KTSTR_NAMES("llc") },
			     { .name = "quiet" }),
	.sysctls = KTSTR_ARGS("kernel.sched_rt_runtime_us=-1", "vm/swappiness=10"),
	.kargs = KTSTR_ARGS("nosmt", "isolcpus=1"),
};

static void assert_strv(char **got, const char *const *want)
{
	size_t i;

	for (i = 0; want[i]; i++) {
		assert_non_null(got[i]);
		assert_string_equal(got[i], want[i]);
	}
	assert_null(got[i]);
}

static void test_arg_order(void **state)
{
	char *err = NULL;
	/* flags given out of declaration order: args still follow the declaration */
	char **v = sched_build_args(&sched, KTSTR_ARGS("--extra"), KTSTR_NAMES("steal", "llc"),
				    &err);

	assert_non_null(v);
	assert_strv(v, KTSTR_ARGS("--base", "1", "--extra", "--llc", "--steal", "2"));
	strv_free(v);
}

static void test_no_args(void **state)
{
	static const struct ktstr_scheduler bare = { .name = "bare", .binary = "/bin/true" };
	char *err = NULL;
	char **v = sched_build_args(&bare, NULL, NULL, &err);

	assert_non_null(v);
	assert_null(v[0]);
	strv_free(v);
	v = sched_build_args(&sched, NULL, KTSTR_NAMES("quiet"), &err);
	assert_strv(v, KTSTR_ARGS("--base", "1"));
	strv_free(v);
}

static void test_flag_requires(void **state)
{
	char *err = NULL;

	assert_int_equal(sched_build_args(&sched, NULL, KTSTR_NAMES("steal"), &err), NULL);
	assert_string_equal(err, "scheduler scx_t: flag 'steal' requires flag 'llc'");
	free(err);
	err = NULL;
	assert_int_equal(sched_check_flags(&sched, KTSTR_NAMES("llc", "bogus"), &err), -EINVAL);
	assert_string_equal(err, "scheduler scx_t has no flag 'bogus'");
	free(err);
	err = NULL;
	assert_int_equal(sched_check_flags(&sched, KTSTR_NAMES("llc", "steal"), &err), 0);
	assert_null(err);
}

static void test_cmdline(void **state)
{
	static const struct ktstr_scheduler none = { .name = "none" };
	char *err = NULL;
	char *c = sched_cmdline(&sched, &err);

	assert_string_equal(c, "sysctl.kernel.sched_rt_runtime_us=-1 sysctl.vm.swappiness=10 "
			       "nosmt isolcpus=1");
	free(c);
	c = sched_cmdline(&none, &err);
	assert_string_equal(c, "");
	free(c);
}

static void test_cmdline_errors(void **state)
{
	const struct ktstr_scheduler bad_sysctl = { .name = "b1",
		.sysctls = KTSTR_ARGS("kernel.foo") };
	const struct ktstr_scheduler spaced = { .name = "b2",
		.sysctls = KTSTR_ARGS("kernel.foo=a b") };
	const struct ktstr_scheduler reserved = { .name = "b3",
		.kargs = KTSTR_ARGS("quiet", "console=tty0") };
	const struct ktstr_scheduler nokaslr = { .name = "b4",
		.kargs = KTSTR_ARGS("nokaslr") };
	char *err = NULL;

	assert_null(sched_cmdline(&bad_sysctl, &err));
	assert_string_equal(err, "scheduler b1: sysctl 'kernel.foo' is not key=value without spaces");
	free(err);
	assert_null(sched_cmdline(&spaced, &err));
	assert_non_null(strstr(err, "'kernel.foo=a b'"));
	free(err);
	assert_null(sched_cmdline(&reserved, &err));
	assert_string_equal(err, "scheduler b3: kernel argument 'console=tty0' is set by ktstr "
				 "and cannot be overridden");
	free(err);
	assert_null(sched_cmdline(&nokaslr, &err));
	free(err);
}

static void test_split(void **state)
{
	char **v = sched_split_args("  --stall-after 1\t-v\n");

	assert_strv(v, KTSTR_ARGS("--stall-after", "1", "-v"));
	strv_free(v);
	v = sched_split_args("   ");
	assert_null(v[0]);
	strv_free(v);
	v = sched_split_args(NULL);
	assert_null(v[0]);
	strv_free(v);
}

static char tmpdir[] = "/tmp/ktstr-sched-args-XXXXXX";

static void make_file(const char *name, mode_t mode)
{
	char *p = xasprintf("%s/%s", tmpdir, name);

	assert_int_equal(file_write_str(p, "#!/bin/sh\n"), 0);
	assert_int_equal(chmod(p, mode), 0);
	free(p);
}

static void test_resolve_binary(void **state)
{
	struct ktstr_scheduler s = { .name = "x" };
	char *out = NULL, *err = NULL, *want, *bindir, *path;

	assert_non_null(mkdtemp(tmpdir));
	make_file("sched_ok", 0755);
	make_file("sched_noexec", 0644);
	bindir = xasprintf("%s/bin", tmpdir);
	assert_int_equal(mkdir_p(bindir, 0755), 0);
	make_file("bin/in_path", 0755);
	path = xasprintf("/nonexistent:%s", bindir);

	/* next to the test binary */
	s.binary = "sched_ok";
	assert_int_equal(sched_resolve_binary(&s, tmpdir, path, &out, &err), 0);
	want = xasprintf("%s/sched_ok", tmpdir);
	assert_string_equal(out, want);
	free(out);
	free(want);

	/* from the build tree's schedulers/ next to self_dir */
	s.binary = "sched_ok";
	want = xasprintf("%s/cli", tmpdir);
	assert_int_equal(mkdir_p(want, 0755), 0);
	free(want);
	want = xasprintf("%s/schedulers", tmpdir);
	assert_int_equal(mkdir_p(want, 0755), 0);
	free(want);
	make_file("schedulers/sched_ok", 0755);
	want = xasprintf("%s/cli", tmpdir);
	assert_int_equal(sched_resolve_binary(&s, want, NULL, &out, &err), 0);
	free(want);
	want = xasprintf("%s/cli/../schedulers/sched_ok", tmpdir);
	assert_string_equal(out, want);
	free(out);
	free(want);

	/* from $PATH */
	s.binary = "in_path";
	assert_int_equal(sched_resolve_binary(&s, tmpdir, path, &out, &err), 0);
	want = xasprintf("%s/in_path", bindir);
	assert_string_equal(out, want);
	free(out);
	free(want);

	/* a path that is not executable: rejected with the path in the message */
	s.binary = want = xasprintf("%s/sched_noexec", tmpdir);
	assert_int_equal(sched_resolve_binary(&s, NULL, NULL, &out, &err), -EACCES);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "is not executable"));
	free(err);
	free(want);

	/* a path that does not exist */
	s.binary = "/nonexistent/scx_nope";
	assert_int_equal(sched_resolve_binary(&s, NULL, NULL, &out, &err), -ENOENT);
	assert_string_equal(err, "scheduler x: binary /nonexistent/scx_nope does not exist");
	free(err);

	/* a bare name found nowhere: says where it looked */
	s.binary = "scx_nope";
	assert_int_equal(sched_resolve_binary(&s, tmpdir, path, &out, &err), -ENOENT);
	want = xasprintf("%s/scx_nope (does not exist)", tmpdir);
	assert_non_null(strstr(err, want));
	assert_non_null(strstr(err, "$PATH"));
	free(err);
	free(want);

	/* a bare name that exists next to the binary but is not executable */
	s.binary = "sched_noexec";
	assert_int_equal(sched_resolve_binary(&s, tmpdir, NULL, &out, &err), -ENOENT);
	assert_non_null(strstr(err, "sched_noexec (is not executable)"));
	free(err);

	free(bindir);
	free(path);
	rm_rf(tmpdir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_arg_order),
		cmocka_unit_test(test_no_args),
		cmocka_unit_test(test_flag_requires),
		cmocka_unit_test(test_cmdline),
		cmocka_unit_test(test_cmdline_errors),
		cmocka_unit_test(test_resolve_binary),
		cmocka_unit_test(test_split),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
