// SPDX-License-Identifier: GPL-2.0-only
/*
 * Frame encoder and a streaming decoder for the guest <-> host channel.
 *
 * The decoder parses eagerly: feed() appends to a buffer that holds at most one
 * candidate frame (header + capped payload), and every complete frame is moved
 * to a queue at once. Its state after each feed is one of: empty, a partial
 * magic (< 4 bytes), a magic with a partial header, or a full header whose
 * payload is still incomplete. Anything else is consumed as a frame or skipped
 * as garbage, so no input can make it block, grow past the cap, or stall with a
 * full buffer.
 */
#include "proto/channel.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <zlib.h>

#include "util/endian.h"
#include "util/util.h"

static const uint8_t chan_magic_bytes[4] = { 'K', 'T', 'S', 'F' };

static uint32_t chan_crc(const void *data, uint32_t len)
{
	return (uint32_t)crc32(crc32(0L, Z_NULL, 0), data, len);
}

int chan_encode(uint16_t type, const void *payload, uint32_t len, uint8_t **out, size_t *out_len)
{
	uint8_t *buf;

	if (len > CHAN_MAX_PAYLOAD || (len && !payload))
		return -EMSGSIZE;
	buf = xmalloc(CHAN_HDR_LEN + (size_t)len);
	put_le32(buf, CHAN_MAGIC);
	put_le16(buf + 4, type);
	put_le16(buf + 6, 0);
	put_le32(buf + 8, len);
	put_le32(buf + 12, len ? chan_crc(payload, len) : 0);
	if (len)
		memcpy(buf + CHAN_HDR_LEN, payload, len);
	*out = buf;
	*out_len = CHAN_HDR_LEN + (size_t)len;
	return 0;
}

int chan_send(int fd, uint16_t type, const void *payload, uint32_t len)
{
	uint8_t *buf;
	size_t n;
	int err;

	err = chan_encode(type, payload, len, &buf, &n);
	if (err)
		return err;
	err = write_full(fd, buf, n);
	free(buf);
	return err;
}

struct chan_qframe {
	struct chan_qframe *next;
	struct chan_frame f;
};

struct chan_decoder {
	uint32_t max_payload;
	size_t cap;         /* CHAN_HDR_LEN + max_payload: the most ever buffered */
	uint8_t *buf;
	size_t off, len;    /* unparsed bytes are buf[off, off + len) */
	size_t alloc;
	bool in_garbage;    /* the last bytes skipped were garbage: one resync per run */
	uint64_t crc_budget; /* CRC bytes allowed until the next good frame */
	struct chan_qframe *head, *tail;
	struct chan_decoder_stats st;
};

/*
 * Candidate frames nested inside a corrupt one are each CRC-checked; crafted
 * input could make that quadratic. Between two good frames at most this many
 * payload bytes are checked; past it the whole buffered window is dropped.
 */
#define CHAN_CRC_BUDGET(d) (8 * (uint64_t)(d)->cap)

struct chan_decoder *chan_decoder_new(uint32_t max_payload)
{
	struct chan_decoder *d = xcalloc(1, sizeof(*d));

	if (!max_payload || max_payload > CHAN_MAX_PAYLOAD)
		max_payload = CHAN_MAX_PAYLOAD;
	d->max_payload = max_payload;
	d->cap = CHAN_HDR_LEN + (size_t)max_payload;
	d->crc_budget = CHAN_CRC_BUDGET(d);
	return d;
}

void chan_frame_free(struct chan_frame *f)
{
	if (!f)
		return;
	free(f->data);
	f->data = NULL;
	f->len = 0;
}

void chan_decoder_free(struct chan_decoder *d)
{
	struct chan_qframe *q, *n;

	if (!d)
		return;
	for (q = d->head; q; q = n) {
		n = q->next;
		chan_frame_free(&q->f);
		free(q);
	}
	free(d->buf);
	free(d);
}

static void skip_garbage(struct chan_decoder *d, size_t n)
{
	if (!n)
		return;
	if (!d->in_garbage)
		d->st.resyncs++;
	d->in_garbage = true;
	d->st.garbage_bytes += n;
	d->off += n;
	d->len -= n;
}

/* Drop leading bytes until the buffer starts with the magic or a prefix of it at its end. */
static void resync(struct chan_decoder *d)
{
	const uint8_t *p;
	size_t i;

	if (!d->len)
		return; /* nothing buffered: buf may still be NULL */
	p = d->buf + d->off;
	for (i = 0; i < d->len; i++) {
		size_t n = MIN((size_t)4, d->len - i);

		if (!memcmp(p + i, chan_magic_bytes, n))
			break;
	}
	skip_garbage(d, i);
}

static void enqueue(struct chan_decoder *d, uint16_t type, uint16_t flags, const uint8_t *payload,
		    uint32_t len)
{
	struct chan_qframe *q = xcalloc(1, sizeof(*q));

	q->f.type = type;
	q->f.flags = flags;
	q->f.len = len;
	q->f.data = xmalloc((size_t)len + 1);
	if (len)
		memcpy(q->f.data, payload, len);
	q->f.data[len] = '\0';
	if (d->tail)
		d->tail->next = q;
	else
		d->head = q;
	d->tail = q;
}

static bool type_known(uint16_t type)
{
	return type >= CHAN_HELLO && type < CHAN_TYPE_MAX;
}

/*
 * Parse as much as possible. With at_eof, a candidate frame that can never
 * complete is counted as truncated and its magic skipped, so frames hidden
 * behind a corrupt length still come out.
 */
static void parse(struct chan_decoder *d, bool at_eof)
{
	for (;;) {
		const uint8_t *p;
		uint32_t len;

		resync(d);
		if (d->len < CHAN_HDR_LEN && !(at_eof && d->len))
			return;
		p = d->buf + d->off;
		if (d->len < CHAN_HDR_LEN) {
			d->st.truncated++;
			skip_garbage(d, d->len);
			return;
		}
		len = le32(p + 8);
		if (len > d->max_payload) {
			d->st.oversized++;
			skip_garbage(d, 4);
			continue;
		}
		if (d->len - CHAN_HDR_LEN < len) {
			if (!at_eof)
				return;
			d->st.truncated++;
			skip_garbage(d, 4);
			continue;
		}
		if (len > d->crc_budget) {
			skip_garbage(d, d->len);
			return;
		}
		d->crc_budget -= len;
		if (le32(p + 12) != (len ? chan_crc(p + CHAN_HDR_LEN, len) : 0)) {
			d->st.bad_crc++;
			skip_garbage(d, 4);
			continue;
		}
		d->in_garbage = false;
		d->crc_budget = CHAN_CRC_BUDGET(d);
		if (type_known(le16(p + 4))) {
			enqueue(d, le16(p + 4), le16(p + 6), p + CHAN_HDR_LEN, len);
			d->st.frames++;
		} else {
			d->st.unknown++;
		}
		d->off += CHAN_HDR_LEN + (size_t)len;
		d->len -= CHAN_HDR_LEN + (size_t)len;
	}
}

/* Make room for up to want more bytes without exceeding the cap; returns how many fit. */
static size_t make_room(struct chan_decoder *d, size_t want)
{
	size_t n = MIN(want, d->cap - d->len), need;

	if (d->off) {
		memmove(d->buf, d->buf + d->off, d->len);
		d->off = 0;
	}
	need = d->len + n;
	if (need > d->alloc) {
		size_t a = MAX(need, MIN(d->cap, MAX((size_t)4096, d->alloc * 2)));

		d->buf = xrealloc(d->buf, a);
		d->alloc = a;
	}
	return n;
}

void chan_decoder_feed(struct chan_decoder *d, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len) {
		size_t n = make_room(d, len);

		memcpy(d->buf + d->len, p, n);
		d->len += n;
		p += n;
		len -= n;
		parse(d, false);
	}
}

void chan_decoder_finish(struct chan_decoder *d)
{
	parse(d, true);
}

int chan_decoder_next(struct chan_decoder *d, struct chan_frame *f)
{
	struct chan_qframe *q = d->head;

	if (!q)
		return 0;
	d->head = q->next;
	if (!d->head)
		d->tail = NULL;
	*f = q->f;
	free(q);
	return 1;
}

const struct chan_decoder_stats *chan_decoder_stats(const struct chan_decoder *d)
{
	return &d->st;
}

size_t chan_decoder_pending(const struct chan_decoder *d)
{
	return d->len;
}

size_t chan_decoder_want(const struct chan_decoder *d)
{
	if (d->len < CHAN_HDR_LEN)
		return CHAN_HDR_LEN - d->len;
	return CHAN_HDR_LEN + (size_t)le32(d->buf + d->off + 8) - d->len;
}

const char *chan_type_name(uint16_t type)
{
	static const char *const names[CHAN_TYPE_MAX] = {
		[CHAN_HELLO] = "hello",	  [CHAN_ORDERS] = "orders", [CHAN_LOG] = "log",
		[CHAN_RESULT] = "result", [CHAN_SCHED] = "sched",   [CHAN_FILE] = "file",
		[CHAN_EXIT] = "exit",	  [CHAN_STAGE] = "stage",   [CHAN_TOPO] = "topo",
		[CHAN_KALLSYMS] = "kallsyms", [CHAN_METRICS] = "metrics",
		[CHAN_MAP_REQ] = "map_req", [CHAN_MAP_REPLY] = "map_reply",
		[CHAN_MARK] = "mark",		  [CHAN_SCXDUMP] = "scxdump",
	};

	return type_known(type) ? names[type] : "unknown";
}
