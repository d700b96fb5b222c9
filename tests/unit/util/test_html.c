// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <math.h>
#include <stdlib.h>

#include "util/html.h"

static char *escaped(const char *s, size_t max, bool *cut)
{
	struct strbuf sb = { 0 };

	*cut = html_escape(&sb, s, max);
	return sb_steal(&sb);
}

static void test_escape(void **state)
{
	bool cut;
	char *s = escaped("<script>alert(\"x\" & 'y')</script>", 0, &cut);

	assert_string_equal(s, "&lt;script&gt;alert(&quot;x&quot; &amp; &#39;y&#39;)"
			       "&lt;/script&gt;");
	assert_false(cut);
	free(s);
	/* control characters become U+FFFD; tab and newline stay */
	s = escaped("a\x01" "b\tc\nd\x7f", 0, &cut);
	assert_string_equal(s, "a\xef\xbf\xbd" "b\tc\nd\xef\xbf\xbd");
	free(s);
	s = escaped(NULL, 0, &cut);
	assert_string_equal(s, "");
	free(s);
}

static void test_cut(void **state)
{
	bool cut;
	/* "a" then U+00E9 (2 bytes) then "<": cutting at 2 bytes must not split the é */
	char *s = escaped("a\xc3\xa9<", 2, &cut);

	assert_string_equal(s, "a");
	assert_true(cut);
	free(s);
	s = escaped("a\xc3\xa9<", 3, &cut);
	assert_string_equal(s, "a\xc3\xa9");
	assert_true(cut);
	free(s);
	s = escaped("a\xc3\xa9<", 4, &cut);
	assert_string_equal(s, "a\xc3\xa9&lt;");
	assert_false(cut);
	free(s);
}

static void test_coord(void **state)
{
	struct strbuf sb = { 0 };
	char *s;

	html_coord(&sb, 12.345);
	sb_append(&sb, " ");
	html_coord(&sb, NAN);
	sb_append(&sb, " ");
	html_coord(&sb, -INFINITY);
	sb_append(&sb, " ");
	html_coord(&sb, 1e300);
	s = sb_steal(&sb);
	assert_string_equal(s, "12.3 0.0 0.0 1000000.0");
	free(s);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_escape),
		cmocka_unit_test(test_cut),
		cmocka_unit_test(test_coord),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
