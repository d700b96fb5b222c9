// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/sha256.h"
#include "util/util.h"

static void check(const void *data, size_t len, const char *want)
{
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];

	sha256_buf(data, len, d);
	sha256_hex(d, hex);
	assert_string_equal(hex, want);
}

/* FIPS 180-4 / NIST example vectors. */
static void test_vectors(void **state)
{
	check("", 0, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	check("abc", 3, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	check("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq", 56,
	      "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

static void test_million_a_chunked(void **state)
{
	static char a[1000000];
	struct sha256 c;
	uint8_t d1[SHA256_LEN], d2[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];
	size_t off = 0, step = 1;

	memset(a, 'a', sizeof(a));
	check(a, sizeof(a), "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
	/* Odd chunk sizes cross every block boundary case. */
	sha256_init(&c);
	while (off < sizeof(a)) {
		size_t n = MIN(step, sizeof(a) - off);

		sha256_update(&c, a + off, n);
		off += n;
		step = step * 7 % 191 + 1;
	}
	sha256_final(&c, d1);
	sha256_buf(a, sizeof(a), d2);
	assert_memory_equal(d1, d2, SHA256_LEN);
	sha256_hex(d1, hex);
	assert_string_equal(hex, "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

static void test_file(void **state)
{
	char path[] = "/tmp/ktstr-sha256-XXXXXX";
	int fd = mkstemp(path);
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];

	assert_true(fd >= 0);
	assert_int_equal(write_full(fd, "abc", 3), 0);
	close(fd);
	assert_int_equal(sha256_file(path, d), 0);
	sha256_hex(d, hex);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
	unlink(path);
	assert_true(sha256_file(path, d) < 0);
}

/* Both implementations agree on random data of every length around a block. */
static void test_generic_vs_accel(void **state)
{
	uint8_t buf[300], d1[SHA256_LEN], d2[SHA256_LEN];
	size_t i, len;

	if (!sha256_accel_available())
		skip();
	for (i = 0; i < sizeof(buf); i++)
		buf[i] = (uint8_t)(i * 131 + 7);
	for (len = 0; len <= sizeof(buf); len++) {
		sha256_set_accel(false);
		sha256_buf(buf, len, d1);
		sha256_set_accel(true);
		sha256_buf(buf, len, d2);
		assert_memory_equal(d1, d2, SHA256_LEN);
	}
}

static int accel_off(void **state)
{
	sha256_set_accel(false);
	return 0;
}

static int accel_on(void **state)
{
	sha256_set_accel(true);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup(test_vectors, accel_off),
		cmocka_unit_test_setup(test_million_a_chunked, accel_off),
		cmocka_unit_test_setup(test_vectors, accel_on),
		cmocka_unit_test_setup(test_million_a_chunked, accel_on),
		cmocka_unit_test(test_file),
		cmocka_unit_test(test_generic_vs_accel),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
