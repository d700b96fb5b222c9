// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "util/run.h"
#include "util/util.h"

static void collect(const char *text, void *arg)
{
	sb_printf(arg, "[%s]", text);
}

static void lines_of_stdout_and_stderr(void **state)
{
	const char *argv[] = { "sh", "-c", "printf 'a\\nbb\\n'; echo err >&2; printf tail; exit 3",
			       NULL };
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(run_argv_lines((char *const *)argv, NULL, collect, &sb), 3);
	assert_string_equal(sb.buf, "[a][bb][err][tail]");
	sb_free(&sb);
}

static void long_lines_come_in_pieces(void **state)
{
	const char *argv[] = { "sh", "-c", "head -c 5000 /dev/zero | tr '\\0' x; echo; echo y",
			       NULL };
	struct strbuf sb = { 0 };

	(void)state;
	assert_int_equal(run_argv_lines((char *const *)argv, "/", collect, &sb), 0);
	assert_int_equal(sb.len, 5000 + 2 * 2 + 3); /* [4096 x][904 x][y] */
	assert_int_equal(strcspn(sb.buf + 1, "]"), 4096);
	assert_true(str_ends_with(sb.buf, "][y]"));
	sb_free(&sb);
}

static void output_and_lookup(void **state)
{
	const char *argv[] = { "sh", "-c", "pwd", NULL };
	const char *missing[] = { "ktstr-no-such-command", NULL };
	char *out = NULL, *sh = run_which("sh");

	(void)state;
	assert_int_equal(run_argv((char *const *)argv, "/", &out), 0);
	assert_string_equal(out, "/\n");
	free(out);
	assert_int_equal(run_argv((char *const *)missing, NULL, NULL), 127);
	assert_non_null(sh);
	assert_true(str_ends_with(sh, "/sh"));
	free(sh);
	assert_null(run_which("ktstr-no-such-command"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(lines_of_stdout_and_stderr),
		cmocka_unit_test(long_lines_come_in_pieces),
		cmocka_unit_test(output_and_lookup),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
