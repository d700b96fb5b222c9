// SPDX-License-Identifier: GPL-2.0-only
/*
 * The channel decoder (proto/channel.h) over an arbitrary byte stream from the
 * guest. Properties: the stream decodes to the same frames and statistics
 * whether it arrives at once, in the pieces chan_decoder_want() asks for, or
 * in uneven pieces; want is always >= 1; nothing stays pending after finish;
 * every frame delivered re-encodes to a frame that decodes to itself. A
 * decoder with a small payload cap runs over the same stream too.
 */
#include "fuzz.h"

#include "proto/channel.h"

struct decoded {
	struct chan_frame *f;
	size_t n;
	struct chan_decoder_stats st;
};

static void drain(struct chan_decoder *d, struct decoded *out)
{
	struct chan_frame f;

	while (chan_decoder_next(d, &f) == 1) {
		FUZZ_CHECK(f.type >= CHAN_HELLO && f.type < CHAN_TYPE_MAX);
		FUZZ_CHECK(f.data && f.data[f.len] == '\0');
		out->f = realloc(out->f, (out->n + 1) * sizeof(*out->f));
		if (!out->f)
			abort();
		out->f[out->n++] = f;
	}
}

enum chunking { WHOLE, WANT, UNEVEN };

static void decode(const uint8_t *data, size_t size, enum chunking how, uint32_t cap,
		   struct decoded *out)
{
	struct chan_decoder *d = chan_decoder_new(cap);
	uint32_t x = (uint32_t)size * 2654435761u + 1;
	size_t off = 0;

	memset(out, 0, sizeof(*out));
	while (off < size) {
		size_t n = size - off;

		if (how == WANT) {
			n = chan_decoder_want(d);
			FUZZ_CHECK(n >= 1);
		} else if (how == UNEVEN) {
			x = x * 1103515245u + 12345u;
			n = 1 + (x >> 16) % 37;
		}
		if (n > size - off)
			n = size - off;
		chan_decoder_feed(d, data + off, n);
		off += n;
		drain(d, out);
	}
	chan_decoder_finish(d);
	FUZZ_CHECK(chan_decoder_pending(d) == 0);
	drain(d, out);
	out->st = *chan_decoder_stats(d);
	FUZZ_CHECK(out->st.frames == out->n);
	chan_decoder_free(d);
}

static void decoded_free(struct decoded *o)
{
	for (size_t i = 0; i < o->n; i++)
		chan_frame_free(&o->f[i]);
	free(o->f);
}

static void same(const struct decoded *a, const struct decoded *b)
{
	FUZZ_CHECK(a->n == b->n);
	FUZZ_CHECK(!memcmp(&a->st, &b->st, sizeof(a->st)));
	for (size_t i = 0; i < a->n; i++) {
		FUZZ_CHECK(a->f[i].type == b->f[i].type && a->f[i].flags == b->f[i].flags);
		FUZZ_CHECK(a->f[i].len == b->f[i].len);
		FUZZ_CHECK(!memcmp(a->f[i].data, b->f[i].data, a->f[i].len));
	}
}

/* A delivered frame, encoded again, decodes to the same type and payload. */
static void reencode(const struct chan_frame *f)
{
	struct chan_decoder *d = chan_decoder_new(0);
	struct chan_frame g;
	uint8_t *buf;
	size_t n;

	FUZZ_CHECK(!chan_encode(f->type, f->data, f->len, &buf, &n));
	chan_decoder_feed(d, buf, n);
	FUZZ_CHECK(chan_decoder_next(d, &g) == 1);
	FUZZ_CHECK(g.type == f->type && g.len == f->len && !memcmp(g.data, f->data, f->len));
	FUZZ_CHECK(chan_decoder_pending(d) == 0);
	chan_frame_free(&g);
	free(buf);
	chan_decoder_free(d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct decoded whole, want, uneven, small;

	decode(data, size, WHOLE, 0, &whole);
	decode(data, size, WANT, 0, &want);
	decode(data, size, UNEVEN, 0, &uneven);
	same(&whole, &want);
	same(&whole, &uneven);
	for (size_t i = 0; i < whole.n; i++)
		reencode(&whole.f[i]);
	/* a small cap: oversized frames and the CRC budget's window drops */
	decode(data, size, UNEVEN, 64, &small);
	for (size_t i = 0; i < small.n; i++)
		FUZZ_CHECK(small.f[i].len <= 64);
	decoded_free(&whole);
	decoded_free(&want);
	decoded_free(&uneven);
	decoded_free(&small);
	return 0;
}
