// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/hash.h"
#include "util/util.h"

static void hex_of(void (*fill)(struct content_hash *), char out[65])
{
	struct content_hash *h = content_hash_new();

	fill(h);
	content_hash_final(h, out);
}

static void empty(struct content_hash *h)
{
}

static void ab_c(struct content_hash *h)
{
	content_hash_str(h, "ab");
	content_hash_str(h, "c");
}

static void a_bc(struct content_hash *h)
{
	content_hash_str(h, "a");
	content_hash_str(h, "bc");
}

static void null_str(struct content_hash *h)
{
	content_hash_str(h, NULL);
}

static void empty_str(struct content_hash *h)
{
	content_hash_str(h, "");
}

static void bytes_abc(struct content_hash *h)
{
	content_hash_bytes(h, "abc", 3);
}

static void str_abc(struct content_hash *h)
{
	content_hash_str(h, "abc");
}

static void test_hash_framing(void **state)
{
	char a[65], b[65];

	hex_of(empty, a);
	/* Nothing hashed = SHA-256 of the empty input. */
	assert_string_equal(a, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	hex_of(ab_c, a);
	hex_of(a_bc, b);
	assert_string_not_equal(a, b);
	hex_of(ab_c, b);
	assert_string_equal(a, b); /* deterministic */
	assert_int_equal(strlen(a), 64);
	hex_of(null_str, a);
	hex_of(empty_str, b);
	assert_string_not_equal(a, b);
	hex_of(bytes_abc, a);
	hex_of(str_abc, b);
	assert_string_not_equal(a, b);
}

static void test_hash_file(void **state)
{
	char path[] = "/tmp/ktstr-hash-XXXXXX";
	int fd = mkstemp(path);
	struct content_hash *h;
	char a[65], b[65], c[65];

	assert_true(fd >= 0);
	assert_int_equal(write_full(fd, "hello", 5), 0);
	close(fd);
	h = content_hash_new();
	assert_int_equal(content_hash_file(h, path), 0);
	content_hash_final(h, a);
	h = content_hash_new();
	assert_int_equal(content_hash_file(h, path), 0);
	content_hash_final(h, b);
	assert_string_equal(a, b);
	assert_int_equal(file_write_str(path, "hellO"), 0);
	h = content_hash_new();
	assert_int_equal(content_hash_file(h, path), 0);
	content_hash_final(h, c);
	assert_string_not_equal(a, c);
	unlink(path);

	h = content_hash_new();
	assert_int_equal(content_hash_file(h, path), -ENOENT);
	assert_int_equal(content_hash_file(h, "/tmp"), -EINVAL);
	content_hash_final(h, a);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_hash_framing),
		cmocka_unit_test(test_hash_file),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
