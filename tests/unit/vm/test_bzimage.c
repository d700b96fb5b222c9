// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

#include "util/util.h"
#include "vm/bzimage.h"

#define SETUP_LEN (5 * 512) /* setup_sects 0 means 4, plus the boot sector */

static void put16(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

/* A fake vmlinux: ELF magic then a pattern, large enough to span output chunks. */
static uint8_t *fake_elf(size_t n)
{
	uint8_t *e = xmalloc(n);

	for (size_t i = 0; i < n; i++)
		e[i] = (uint8_t)(i * 7 + (i >> 12));
	memcpy(e, "\x7f" "ELF", 4);
	return e;
}

/* bzImage with the given payload (already compressed, trailer included). */
static uint8_t *make_image(const uint8_t *payload, size_t plen, size_t *len)
{
	uint8_t *b = xcalloc(1, SETUP_LEN + 100 + plen);

	b[0x1f1] = 0;
	put16(b + 0x1fe, 0xaa55);
	memcpy(b + 0x202, "HdrS", 4);
	put16(b + 0x206, 0x020f);
	put16(b + 0x20e, 0x300 - 0x200);
	strcpy((char *)b + 0x300, "7.3.4+deb13-cloud-amd64 (debian-kernel@lists.debian.org) #1");
	put32(b + 0x248, 100);
	put32(b + 0x24c, (uint32_t)plen);
	memcpy(b + SETUP_LEN + 100, payload, plen);
	*len = SETUP_LEN + 100 + plen;
	return b;
}

static uint8_t *zstd_payload(const uint8_t *data, size_t n, size_t *plen)
{
	size_t cap = ZSTD_compressBound(n) + 4;
	uint8_t *p = xmalloc(cap);
	size_t c = ZSTD_compress(p, cap, data, n, 3);

	assert_false(ZSTD_isError(c));
	put32(p + c, (uint32_t)n);
	*plen = c + 4;
	return p;
}

static size_t gzip_into(const uint8_t *in, size_t n, uint8_t *out, size_t cap)
{
	z_stream zs = { 0 };
	size_t len;

	assert_int_equal(deflateInit2(&zs, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY), Z_OK);
	zs.next_in = (Bytef *)in;
	zs.avail_in = (uInt)n;
	zs.next_out = out;
	zs.avail_out = (uInt)cap;
	assert_int_equal(deflate(&zs, Z_FINISH), Z_STREAM_END);
	len = zs.total_out;
	deflateEnd(&zs);
	return len;
}

static char *extract_to_tmp(const uint8_t *img, size_t len, int *ret, char **err)
{
	char tmpl[] = "/tmp/bzimage-out-XXXXXX";
	int fd = mkstemp(tmpl);
	size_t olen;
	char *out;

	assert_true(fd >= 0);
	*ret = bzimage_extract_buf(img, len, fd, err);
	close(fd);
	out = file_read(tmpl, &olen, 0);
	unlink(tmpl);
	if (*ret)
		assert_int_equal(olen, olen); /* contents unspecified on error */
	return out;
}

static void test_parse_and_extract_zstd(void **state)
{
	size_t n = 3 * 1024 * 1024 + 123, plen, len;
	uint8_t *elf = fake_elf(n), *pl = zstd_payload(elf, n, &plen);
	uint8_t *img = make_image(pl, plen, &len);
	struct bzimage_hdr h;
	char *err = NULL, *out;
	int ret;

	assert_int_equal(bzimage_parse(img, len, &h, &err), 0);
	assert_int_equal(h.protocol, 0x020f);
	assert_int_equal(h.payload_offset, SETUP_LEN + 100);
	assert_int_equal(h.payload_length, plen);
	assert_int_equal(h.comp, BZIMAGE_COMP_ZSTD);
	assert_string_equal(h.version, "7.3.4+deb13-cloud-amd64");
	out = extract_to_tmp(img, len, &ret, &err);
	assert_int_equal(ret, 0);
	assert_memory_equal(out, elf, n);
	free(out);

	/* Truncated frame inside an intact header: an error, not a short file. */
	put32(img + 0x24c, (uint32_t)(plen / 2));
	out = extract_to_tmp(img, len, &ret, &err);
	assert_int_equal(ret, -EINVAL);
	assert_non_null(err);
	free(err);
	err = NULL;
	free(out);

	/* Wrong size trailer. */
	put32(img + 0x24c, (uint32_t)plen);
	put32(img + SETUP_LEN + 100 + plen - 4, (uint32_t)n + 1);
	out = extract_to_tmp(img, len, &ret, &err);
	assert_int_equal(ret, -EINVAL);
	assert_non_null(strstr(err, "the image says"));
	free(err);
	free(out);
	free(img);
	free(pl);
	free(elf);
}

static void test_extract_gzip_and_unsupported(void **state)
{
	size_t n = 2 * 1024 * 1024, plen, len;
	uint8_t *elf = fake_elf(n), *pl = xmalloc(n + 1024), *img;
	char *err = NULL, *out;
	int ret;

	plen = gzip_into(elf, n, pl, n + 1024);
	img = make_image(pl, plen, &len);
	out = extract_to_tmp(img, len, &ret, &err);
	assert_int_equal(ret, 0);
	assert_memory_equal(out, elf, n);
	free(out);
	free(img);

	memcpy(pl, "\xfd" "7zXZ\0", 6);
	img = make_image(pl, plen, &len);
	out = extract_to_tmp(img, len, &ret, &err);
	assert_int_equal(ret, -ENOTSUP);
	assert_non_null(strstr(err, "unsupported compression: xz"));
	free(err);
	free(out);
	free(img);
	free(pl);
	free(elf);
}

static void test_bad_headers(void **state)
{
	uint8_t pl[16] = { 0x28, 0xb5, 0x2f, 0xfd };
	size_t len;
	uint8_t *img = make_image(pl, sizeof(pl), &len), *copy;
	struct bzimage_hdr h;
	char *err = NULL;

	assert_int_equal(bzimage_parse(img, len, &h, NULL), 0);
	/* Every truncation of the image fails cleanly (run under ASan to catch reads). */
	for (size_t cut = 0; cut < len; cut += 97) {
		copy = xmalloc(cut ? cut : 1);
		memcpy(copy, img, cut);
		assert_int_equal(bzimage_parse(copy, cut, &h, NULL), -EINVAL);
		free(copy);
	}
	/* payload_offset beyond the image, and offset + length overflowing 32 bits. */
	put32(img + 0x248, 0xfffffff0);
	assert_int_equal(bzimage_parse(img, len, &h, &err), -EINVAL);
	assert_non_null(strstr(err, "outside"));
	free(err);
	put32(img + 0x248, 100);
	put32(img + 0x24c, 0xffffffff);
	assert_int_equal(bzimage_parse(img, len, &h, NULL), -EINVAL);
	put32(img + 0x24c, 0);
	assert_int_equal(bzimage_parse(img, len, &h, NULL), -EINVAL);
	put32(img + 0x24c, sizeof(pl));
	/* setup_sects pointing past the end. */
	img[0x1f1] = 255;
	assert_int_equal(bzimage_parse(img, len, &h, NULL), -EINVAL);
	img[0x1f1] = 0;
	/* kernel_version pointing past the setup code: no version, no read. */
	put16(img + 0x20e, 0xfff0);
	assert_int_equal(bzimage_parse(img, len, &h, NULL), 0);
	assert_string_equal(h.version, "");
	/* Old protocol and bad magic. */
	put16(img + 0x206, 0x0207);
	assert_int_equal(bzimage_parse(img, len, &h, NULL), -EINVAL);
	put16(img + 0x206, 0x020f);
	img[0x202] = 'X';
	assert_int_equal(bzimage_parse(img, len, &h, &err), -EINVAL);
	assert_non_null(strstr(err, "not a bzImage"));
	free(err);
	free(img);
}

/* An image file whose vmlinux holds ikconfig (NULL: none). */
static char *write_image_with(const char *ikconfig)
{
	size_t n = 256 * 1024, off = 100000, plen, len;
	uint8_t *elf = fake_elf(n), *pl, *img;
	char path[] = "/tmp/bzimage-ikconfig-XXXXXX";
	int fd;

	if (ikconfig) {
		memcpy(elf + off, "IKCFG_ST", 8);
		off += 8;
		off += gzip_into((const uint8_t *)ikconfig, strlen(ikconfig), elf + off, n - off);
		memcpy(elf + off, "IKCFG_ED", 8);
	}
	pl = zstd_payload(elf, n, &plen);
	img = make_image(pl, plen, &len);
	fd = mkstemp(path);
	assert_true(fd >= 0);
	assert_int_equal(write_full(fd, img, len), 0);
	close(fd);
	free(img);
	free(pl);
	free(elf);
	return xstrdup(path);
}

static void test_ikconfig(void **state)
{
	const char *cfg = "CONFIG_SCHED_CLASS_EXT=y\n# CONFIG_X is not set\n";
	char *path = write_image_with(cfg), *text = NULL, *err = NULL;

	assert_int_equal(bzimage_ikconfig(path, &text, &err), 0);
	assert_string_equal(text, cfg);
	free(text);
	unlink(path);
	free(path);

	path = write_image_with(NULL);
	assert_int_equal(bzimage_ikconfig(path, &text, &err), -ENOENT);
	assert_null(text);
	assert_non_null(strstr(err, "CONFIG_IKCONFIG is not set"));
	free(err);
	unlink(path);
	free(path);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_and_extract_zstd),
		cmocka_unit_test(test_extract_gzip_and_unsupported),
		cmocka_unit_test(test_bad_headers),
		cmocka_unit_test(test_ikconfig),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
