// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>

#include "proto/channel.h"
#include "util/util.h"

/* Deterministic xorshift so failures reproduce. */
static uint64_t rng_state;

static uint32_t rnd(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return (uint32_t)(rng_state >> 11);
}

static void sb_frame(struct strbuf *sb, uint16_t type, const char *payload)
{
	uint8_t *buf;
	size_t n;

	assert_int_equal(chan_encode(type, payload, (uint32_t)strlen(payload), &buf, &n), 0);
	sb_appendn(sb, (const char *)buf, n);
	free(buf);
}

static void expect_frame(struct chan_decoder *d, uint16_t type, const char *payload)
{
	struct chan_frame f;

	assert_int_equal(chan_decoder_next(d, &f), 1);
	assert_int_equal(f.type, type);
	assert_int_equal(f.len, strlen(payload));
	assert_string_equal((char *)f.data, payload);
	chan_frame_free(&f);
}

static void expect_none(struct chan_decoder *d)
{
	struct chan_frame f;

	assert_int_equal(chan_decoder_next(d, &f), 0);
}

static void test_encode_layout(void **state)
{
	uint8_t *buf;
	size_t n;

	assert_int_equal(chan_encode(CHAN_LOG, "abc", 3, &buf, &n), 0);
	assert_int_equal(n, CHAN_HDR_LEN + 3);
	assert_memory_equal(buf, "KTSF", 4);
	assert_int_equal(buf[4] | buf[5] << 8, CHAN_LOG);
	assert_int_equal(buf[6] | buf[7] << 8, 0);
	assert_int_equal(buf[8], 3);
	/* CRC-32 of "abc" is 0x352441c2. */
	assert_int_equal(buf[12] | buf[13] << 8 | buf[14] << 16 | (uint32_t)buf[15] << 24,
			 0x352441c2u);
	assert_memory_equal(buf + 16, "abc", 3);
	free(buf);
	assert_int_equal(chan_encode(CHAN_LOG, NULL, CHAN_MAX_PAYLOAD + 1, &buf, &n), -EMSGSIZE);
	assert_int_equal(chan_encode(CHAN_EXIT, NULL, 0, &buf, &n), 0);
	assert_int_equal(n, CHAN_HDR_LEN);
	free(buf);
	assert_string_equal(chan_type_name(CHAN_RESULT), "result");
	assert_string_equal(chan_type_name(0), "unknown");
	assert_string_equal(chan_type_name(999), "unknown");
}

static void test_byte_by_byte(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(0);
	size_t i;

	sb_frame(&sb, CHAN_HELLO, "{\"cpus\":4}");
	sb_frame(&sb, CHAN_EXIT, "");
	for (i = 0; i < sb.len; i++) {
		chan_decoder_feed(d, sb.buf + i, 1);
		assert_true(chan_decoder_pending(d) < CHAN_HDR_LEN + 11);
	}
	expect_frame(d, CHAN_HELLO, "{\"cpus\":4}");
	expect_frame(d, CHAN_EXIT, "");
	expect_none(d);
	assert_int_equal(chan_decoder_stats(d)->frames, 2);
	assert_int_equal(chan_decoder_stats(d)->resyncs, 0);
	assert_int_equal(chan_decoder_pending(d), 0);
	chan_decoder_free(d);
	sb_free(&sb);
}

static void test_many_in_one_buffer(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(0);
	char msg[32];
	int i;

	for (i = 0; i < 1000; i++) {
		snprintf(msg, sizeof(msg), "line %d", i);
		sb_frame(&sb, CHAN_LOG, msg);
	}
	chan_decoder_feed(d, sb.buf, sb.len);
	for (i = 0; i < 1000; i++) {
		snprintf(msg, sizeof(msg), "line %d", i);
		expect_frame(d, CHAN_LOG, msg);
	}
	expect_none(d);
	assert_int_equal(chan_decoder_stats(d)->frames, 1000);
	chan_decoder_free(d);
	sb_free(&sb);
}

static void test_garbage_between(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(0);
	char junk[100];
	size_t i;

	rng_state = 42;
	for (i = 0; i < sizeof(junk); i++)
		junk[i] = (char)(rnd() & 0xff);
	junk[10] = 'K'; /* partial magics in the junk */
	junk[11] = 'T';
	junk[50] = 'K';
	junk[51] = 'T';
	junk[52] = 'S';
	sb_appendn(&sb, junk, sizeof(junk));
	sb_frame(&sb, CHAN_STAGE, "mounted");
	sb_appendn(&sb, junk, 37);
	sb_frame(&sb, CHAN_RESULT, "{\"ok\":true}");
	sb_appendn(&sb, "KT", 2);
	chan_decoder_feed(d, sb.buf, sb.len);
	expect_frame(d, CHAN_STAGE, "mounted");
	expect_frame(d, CHAN_RESULT, "{\"ok\":true}");
	expect_none(d);
	assert_int_equal(chan_decoder_stats(d)->resyncs, 2);
	assert_int_equal(chan_decoder_stats(d)->garbage_bytes, 137);
	/* The trailing partial magic is kept: it may be the start of a frame. */
	assert_int_equal(chan_decoder_pending(d), 2);
	chan_decoder_free(d);
	sb_free(&sb);
}

static void test_flipped_payload_byte(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(0);

	sb_frame(&sb, CHAN_LOG, "first");
	sb_frame(&sb, CHAN_LOG, "corrupted payload");
	sb_frame(&sb, CHAN_LOG, "third");
	sb.buf[21 + CHAN_HDR_LEN + 3] ^= 0x20;
	chan_decoder_feed(d, sb.buf, sb.len);
	expect_frame(d, CHAN_LOG, "first");
	expect_frame(d, CHAN_LOG, "third");
	expect_none(d);
	assert_int_equal(chan_decoder_stats(d)->bad_crc, 1);
	assert_int_equal(chan_decoder_stats(d)->frames, 2);
	chan_decoder_free(d);
	sb_free(&sb);
}

static void test_oversized(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(64);
	char big[200];

	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	sb_frame(&sb, CHAN_FILE, big);
	sb_frame(&sb, CHAN_LOG, "after");
	chan_decoder_feed(d, sb.buf, sb.len);
	expect_frame(d, CHAN_LOG, "after");
	expect_none(d);
	assert_int_equal(chan_decoder_stats(d)->oversized, 1);
	assert_int_equal(chan_decoder_stats(d)->frames, 1);
	chan_decoder_free(d);
	sb_free(&sb);
}

static void test_unknown_type(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(0);

	sb_frame(&sb, 0, "zero");
	sb_frame(&sb, 777, "from the future");
	sb_frame(&sb, CHAN_TOPO, "{}");
	chan_decoder_feed(d, sb.buf, sb.len);
	expect_frame(d, CHAN_TOPO, "{}");
	expect_none(d);
	assert_int_equal(chan_decoder_stats(d)->unknown, 2);
	assert_int_equal(chan_decoder_stats(d)->resyncs, 0);
	chan_decoder_free(d);
	sb_free(&sb);
}

static void test_truncated_tail(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(0);

	sb_frame(&sb, CHAN_LOG, "whole");
	sb_frame(&sb, CHAN_RESULT, "cut off in the middle");
	chan_decoder_feed(d, sb.buf, sb.len - 5);
	expect_frame(d, CHAN_LOG, "whole");
	expect_none(d);
	assert_int_equal(chan_decoder_pending(d), CHAN_HDR_LEN + 21 - 5);
	assert_int_equal(chan_decoder_want(d), 5);
	chan_decoder_finish(d);
	expect_none(d);
	assert_int_equal(chan_decoder_pending(d), 0);
	assert_int_equal(chan_decoder_stats(d)->truncated, 1);
	chan_decoder_free(d);
	sb_free(&sb);
}

/* A stream that ends before its first byte: nothing buffered yet. */
static void test_empty_stream(void **state)
{
	struct chan_decoder *d = chan_decoder_new(0);

	assert_int_equal(chan_decoder_want(d), CHAN_HDR_LEN);
	chan_decoder_feed(d, "", 0);
	chan_decoder_finish(d);
	expect_none(d);
	assert_int_equal(chan_decoder_pending(d), 0);
	assert_int_equal(chan_decoder_stats(d)->truncated, 0);
	assert_int_equal(chan_decoder_stats(d)->resyncs, 0);
	chan_decoder_free(d);
}

/* A corrupt length that is within the cap swallows the frames after it until
 * enough bytes arrive (or the stream ends); then they are recovered. */
static void test_length_past_huge_buffer(void **state)
{
	struct strbuf sb = { 0 };
	struct chan_decoder *d = chan_decoder_new(0);
	int i;

	sb_frame(&sb, CHAN_LOG, "victim");
	sb.buf[8] = 0x00, sb.buf[9] = 0x00, sb.buf[10] = 0xf0; /* len = 15 MiB */
	for (i = 0; i < 100; i++)
		sb_frame(&sb, CHAN_LOG, "behind");
	chan_decoder_feed(d, sb.buf, sb.len);
	expect_none(d);
	assert_int_equal(chan_decoder_pending(d), sb.len);
	chan_decoder_finish(d);
	for (i = 0; i < 100; i++)
		expect_frame(d, CHAN_LOG, "behind");
	expect_none(d);
	assert_int_equal(chan_decoder_stats(d)->truncated, 1);

	/* A length of 4 GiB - 1 is refused at once, without waiting. */
	chan_decoder_free(d);
	d = chan_decoder_new(0);
	sb.buf[8] = sb.buf[9] = sb.buf[10] = sb.buf[11] = (char)0xff;
	chan_decoder_feed(d, sb.buf, sb.len);
	for (i = 0; i < 100; i++)
		expect_frame(d, CHAN_LOG, "behind");
	assert_int_equal(chan_decoder_stats(d)->oversized, 1);
	assert_int_equal(chan_decoder_pending(d), 0);
	chan_decoder_free(d);

	/* A huge buffer of garbage never grows the decoder past its cap and
	 * the frame at its end still comes out. */
	sb_free(&sb);
	d = chan_decoder_new(4096);
	{
		size_t big = 32u << 20;
		char *g = xmalloc(big);

		memset(g, 0xa5, big);
		memcpy(g + 1000, "KTSF\x03\x00\x00\x00\x00\x10\x00\x00", 12);
		chan_decoder_feed(d, g, big);
		assert_true(chan_decoder_pending(d) <= CHAN_HDR_LEN + 4096);
		free(g);
	}
	sb_frame(&sb, CHAN_LOG, "end");
	chan_decoder_feed(d, sb.buf, sb.len);
	expect_frame(d, CHAN_LOG, "end");
	chan_decoder_free(d);
	sb_free(&sb);
}

static void test_send_socketpair(void **state)
{
	struct chan_decoder *d = chan_decoder_new(0);
	char buf[256];
	ssize_t n;
	int sv[2];

	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM, 0, sv), 0);
	assert_int_equal(chan_send(sv[0], CHAN_HELLO, "hi", 2), 0);
	assert_int_equal(chan_send(sv[0], CHAN_EXIT, "\0\0\0\0", 4), 0);
	close(sv[0]);
	while ((n = read(sv[1], buf, sizeof(buf))) > 0)
		chan_decoder_feed(d, buf, (size_t)n);
	close(sv[1]);
	expect_frame(d, CHAN_HELLO, "hi");
	{
		struct chan_frame f;

		assert_int_equal(chan_decoder_next(d, &f), 1);
		assert_int_equal(f.type, CHAN_EXIT);
		assert_int_equal(f.len, 4);
		chan_frame_free(&f);
	}
	chan_decoder_free(d);
}

#define FUZZ_ITERS 10000

/* Random mutations of a valid stream: no crash, no frame that was not sent,
 * and the sentinel frames after the damage always come out. */
static void test_fuzz(void **state)
{
	static const char *const payloads[] = { "", "a", "hello world", "{\"x\":[1,2,3]}",
						"KTSF inside a payload" };
	struct strbuf base = { 0 };
	unsigned iter, sent = 0;
	size_t damage_end;

	for (iter = 0; iter < 40; iter++)
		sb_frame(&base, (uint16_t)(CHAN_HELLO + iter % 10), payloads[iter % 5]);
	damage_end = base.len;

	rng_state = 0x9e3779b97f4a7c15ull;
	for (iter = 0; iter < FUZZ_ITERS; iter++) {
		struct chan_decoder *d = chan_decoder_new(1024);
		struct strbuf s = { 0 };
		unsigned m, nmut = 1 + rnd() % 8, tail_seen = 0;
		struct chan_frame f;
		size_t off;

		sb_appendn(&s, base.buf, damage_end);
		for (m = 0; m < nmut; m++) {
			size_t pos = rnd() % s.len;

			switch (rnd() % 4) {
			case 0: /* flip a bit */
				s.buf[pos] ^= (char)(1 << (rnd() % 8));
				break;
			case 1: /* overwrite a byte */
				s.buf[pos] = (char)rnd();
				break;
			case 2: /* truncate here: drop the rest */
				s.len = pos;
				break;
			default: /* insert a run of random bytes */
			{
				size_t k, n = rnd() % 40;
				char junk[40];

				for (k = 0; k < n; k++)
					junk[k] = (char)rnd();
				sb_appendn(&s, junk, n);
				memmove(s.buf + pos + n, s.buf + pos, s.len - n - pos);
				memcpy(s.buf + pos, junk, n);
				break;
			}
			}
			if (!s.len)
				sb_appendn(&s, "K", 1);
		}
		/* Two good frames after the damage: at most one can be eaten by a
		 * corrupt length that reaches into it before the end of stream. */
		sb_frame(&s, CHAN_LOG, "tail-1");
		sb_frame(&s, CHAN_LOG, "tail-2");
		off = 0;
		while (off < s.len) {
			size_t n = 1 + (size_t)(rnd() % 97);

			n = MIN(n, s.len - off);

			chan_decoder_feed(d, s.buf + off, n);
			off += n;
		}
		chan_decoder_finish(d);
		while (chan_decoder_next(d, &f)) {
			assert_true(f.type >= CHAN_HELLO && f.type < CHAN_TYPE_MAX);
			assert_true(f.len <= 1024);
			assert_int_equal(f.data[f.len], '\0');
			if (f.type == CHAN_LOG && !strcmp((char *)f.data, "tail-2"))
				tail_seen++;
			chan_frame_free(&f);
			sent++;
		}
		assert_int_equal(tail_seen, 1);
		assert_int_equal(chan_decoder_pending(d), 0);
		chan_decoder_free(d);
		sb_free(&s);
	}
	print_message("fuzz: %u iterations, %u frames delivered\n", FUZZ_ITERS, sent);
	sb_free(&base);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_encode_layout),
		cmocka_unit_test(test_byte_by_byte),
		cmocka_unit_test(test_many_in_one_buffer),
		cmocka_unit_test(test_garbage_between),
		cmocka_unit_test(test_flipped_payload_byte),
		cmocka_unit_test(test_oversized),
		cmocka_unit_test(test_unknown_type),
		cmocka_unit_test(test_truncated_tail),
		cmocka_unit_test(test_empty_stream),
		cmocka_unit_test(test_length_past_huge_buffer),
		cmocka_unit_test(test_send_socketpair),
		cmocka_unit_test(test_fuzz),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
