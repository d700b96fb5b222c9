// SPDX-License-Identifier: GPL-2.0-only
/* Host side of guest coverage: name checks, the cap, where files land. (The
 * gcov-tool sum of two real .gcda files is checked by tests/coverage/.) */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/covmerge.h"
#include "util/util.h"

static char *tmpdir(void)
{
	char *d = xstrdup("/tmp/test_covmerge-XXXXXX");

	assert_non_null(mkdtemp(d));
	return d;
}

static int stage(const char *dir, const char *rel, const char *data, size_t *staged, char **err)
{
	return covmerge_stage(dir, rel, strlen(rel), data, strlen(data), staged, err);
}

static void refused(const char *dir, const char *rel)
{
	size_t staged = 0;
	char *err = NULL;

	assert_int_equal(stage(dir, rel, "x", &staged, &err), -EINVAL);
	assert_non_null(strstr(err, "refused"));
	assert_int_equal(staged, 0);
	free(err);
}

static void test_stage_names(void **state)
{
	char *d = tmpdir(), *p = xasprintf("%s/a/b/c.gcda", d), *err = NULL, *got;
	size_t staged = 0;

	refused(d, "../x.gcda");
	refused(d, "a/../../x.gcda");
	refused(d, "/abs.gcda");
	refused(d, "a/b.txt");
	refused(d, "");
	refused(d, "a/b\n.gcda");
	assert_int_equal(covmerge_stage(d, "a\0b.gcda", 8, "x", 1, &staged, &err), -EINVAL);
	free(err);
	err = NULL;

	assert_int_equal(stage(d, "a/b/c.gcda", "counts", &staged, &err), 0);
	assert_int_equal(staged, 6);
	got = file_read(p, NULL, 0);
	assert_string_equal(got, "counts");
	free(got);

	/* the per-VM cap */
	staged = COVMERGE_STAGE_CAP - 2;
	assert_int_equal(stage(d, "big.gcda", "abc", &staged, &err), -EFBIG);
	assert_non_null(strstr(err, "MiB"));
	free(err);
	rm_rf(d);
	free(d);
	free(p);
}

static void test_apply(void **state)
{
	char *host = tmpdir(), *stg = tmpdir(), *raw = tmpdir(), *err = NULL, *got;
	char *rel_ok = xasprintf("%s/obj.gcda", host + 1);
	char *rel_alien = xasprintf("%s/alien.gcda", host + 1);
	char *gcno = xasprintf("%s/obj.gcno", host), *target = xasprintf("%s/obj.gcda", host);
	char *rawf = xasprintf("%s/ktstr-test-%d-0.profraw", raw, (int)getpid());
	struct covmerge_stats st;
	size_t staged = 0;

	assert_int_equal(file_write(gcno, "gcno", 4), 0);
	assert_int_equal(stage(stg, rel_ok, "guest counts", &staged, &err), 0);
	assert_int_equal(stage(stg, rel_alien, "x", &staged, &err), 0);
	assert_int_equal(stage(stg, "llvm/7-123.profraw", "raw", &staged, &err), 0);
	setenv("LLVM_COV_TARGET_DIR", raw, 1);

	/* no host .gcda yet: written; no .gcno: refused; .profraw placed */
	assert_int_equal(covmerge_apply(stg, &st, &err), -ENOENT);
	assert_non_null(strstr(err, "alien.gcno"));
	assert_int_equal(st.gcda_written, 1);
	assert_int_equal(st.gcda_merged, 0);
	assert_int_equal(st.skipped, 1);
	assert_int_equal(st.profraw, 1);
	got = file_read(target, NULL, 0);
	assert_string_equal(got, "guest counts");
	free(got);
	got = file_read(rawf, NULL, 0);
	assert_string_equal(got, "raw");
	free(got);
	got = xasprintf("%s/alien.gcda", host);
	assert_false(path_exists(got));
	free(got);
	free(err);

	/* nothing staged: nothing to do */
	rm_rf(stg);
	assert_int_equal(covmerge_apply(stg, &st, &err), 0);
	assert_null(err);
	assert_int_equal(st.gcda_written + st.gcda_merged + st.profraw + st.skipped, 0);

	unsetenv("LLVM_COV_TARGET_DIR");
	rm_rf(host);
	rm_rf(raw);
	free(host);
	free(stg);
	free(raw);
	free(rel_ok);
	free(rel_alien);
	free(gcno);
	free(target);
	free(rawf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_stage_names),
		cmocka_unit_test(test_apply),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
