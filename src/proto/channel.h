/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest <-> host channel over a virtio-serial port: framed, typed, CRC-checked.
 *
 * Frame: magic "KTSF" (u32 LE 0x4653544b), type u16 LE, flags u16 LE,
 * payload length u32 LE, CRC-32 (zlib) of the payload u32 LE, payload.
 * The host never trusts the guest: the decoder caps payload sizes, skips and
 * counts unknown types, resynchronises on the magic after corruption, and
 * never blocks or crashes on any input.
 */
#ifndef KTSTR_CHANNEL_H
#define KTSTR_CHANNEL_H

#include <stddef.h>
#include <stdint.h>

#define CHAN_MAGIC 0x4653544bu
#define CHAN_HDR_LEN 16
#define CHAN_MAX_PAYLOAD (16u << 20)

enum chan_type {
	CHAN_HELLO = 1,   /* guest: JSON {"uname":..,"cpus":N,...}; "init ready" */
	CHAN_ORDERS = 2,  /* host -> guest: JSON orders (test name, args, env, seed) */
	CHAN_LOG = 3,     /* guest: one text line */
	CHAN_RESULT = 4,  /* guest: result JSON of the test body */
	CHAN_SCHED = 5,   /* guest: scheduler state change JSON */
	CHAN_FILE = 6,    /* guest: file; payload = u16 name length, name, data */
	CHAN_EXIT = 7,    /* guest: u32 LE exit code; last frame before power-off */
	CHAN_STAGE = 8,   /* guest: init stage name reached (text) */
	CHAN_TOPO = 9,    /* guest: topology seen from sysfs, JSON */
	CHAN_KALLSYMS = 10, /* guest: selected /proc/kallsyms lines (text) */
	CHAN_METRICS = 11, /* guest: one payload's metrics, JSON {"payload":..,"metrics":[..]} */
	CHAN_MAP_REQ = 12, /* guest: read/write a u32 in a BPF map from the host (mapreq.h) */
	CHAN_MAP_REPLY = 13, /* host -> guest: the answer to a CHAN_MAP_REQ */
	CHAN_MARK = 14,   /* guest: a phase of the test body starts (text: its name) */
	CHAN_SCXDUMP = 15, /* host -> guest: take the kernel's sched_ext debug dump now */
	CHAN_TYPE_MAX
};

struct chan_frame {
	uint16_t type;
	uint16_t flags;
	uint32_t len;
	uint8_t *data; /* len bytes + a NUL terminator, owned by the frame */
};

/* Encode one frame into a new buffer (*out, *out_len). Returns 0 or -errno. */
int chan_encode(uint16_t type, const void *payload, uint32_t len, uint8_t **out, size_t *out_len);
/* Encode and write one frame to fd (blocking, retried on EINTR). */
int chan_send(int fd, uint16_t type, const void *payload, uint32_t len);

struct chan_decoder_stats {
	unsigned frames;      /* good frames delivered */
	unsigned bad_crc;
	unsigned oversized;
	unsigned unknown;     /* well-formed but of an unknown type: skipped */
	unsigned resyncs;     /* times garbage was skipped looking for the magic */
	unsigned truncated;   /* frames cut off by the end of the stream (chan_decoder_finish) */
	uint64_t garbage_bytes;
};

struct chan_decoder;

/* max_payload 0 or above CHAN_MAX_PAYLOAD means CHAN_MAX_PAYLOAD. The decoder
 * never buffers more than CHAN_HDR_LEN + max_payload bytes of input; decoded
 * frames wait in a queue until chan_decoder_next() takes them. */
struct chan_decoder *chan_decoder_new(uint32_t max_payload);
void chan_decoder_free(struct chan_decoder *d);
/* Feed bytes; complete frames are queued. Never fails on content. */
void chan_decoder_feed(struct chan_decoder *d, const void *buf, size_t len);
/* Pop the next complete frame: 1 and *f filled (free with chan_frame_free), 0 if none. */
int chan_decoder_next(struct chan_decoder *d, struct chan_frame *f);
const struct chan_decoder_stats *chan_decoder_stats(const struct chan_decoder *d);
/* Bytes buffered that do not (yet) form a frame: a truncated tail at EOF. */
size_t chan_decoder_pending(const struct chan_decoder *d);
/* End of stream: a buffered candidate that can never complete is counted as
 * truncated and rescanned, so good frames behind a corrupt length come out.
 * Afterwards pending is 0. */
void chan_decoder_finish(struct chan_decoder *d);
/* Bytes to read next so as not to read past the end of the current frame
 * (>= 1): lets a reader take exactly one frame from a stream. */
size_t chan_decoder_want(const struct chan_decoder *d);
void chan_frame_free(struct chan_frame *f);
const char *chan_type_name(uint16_t type);

#endif
