// SPDX-License-Identifier: GPL-2.0-only
/*
 * The test body's side of host-side BPF map access: one CHAN_MAP_REQ frame
 * to the host through guest init (testrun.c relays it), then wait for the
 * CHAN_MAP_REPLY with the same id, which init relays back on the same socket.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/ktstr.h>

#include "guest/ctx.h"
#include "guest/port.h"
#include "proto/channel.h"
#include "proto/mapreq.h"
#include "util/util.h"

#define HOSTMAP_REPLY_MS 20000 /* the host waits at most 5 s for its monitor */

static int hostmap_call(struct ktstr_ctx *ctx, struct map_req *rq, uint32_t *value)
{
	static uint32_t next_id;
	struct map_reply rp;
	uint64_t until = now_ns() + HOSTMAP_REPLY_MS * 1000000ull;
	const char *op = rq->write ? "write" : "read";
	char *text, *err = NULL;
	int rc;

	if (ctx->host_only || ctx->chan_fd < 0) {
		ktstr_log(ctx, "bpf map %s %s: no VM (host_only test)", op, rq->map);
		return -ENOTSUP;
	}
	rq->id = ++next_id;
	text = mapreq_encode(rq);
	rc = chan_send(ctx->chan_fd, CHAN_MAP_REQ, text, (uint32_t)strlen(text));
	free(text);
	if (rc)
		return rc;
	for (;;) {
		struct chan_frame f;
		uint64_t now = now_ns();

		if (now >= until) {
			ktstr_log(ctx, "bpf map %s %s: no answer from the host within %u s", op,
				  rq->map, HOSTMAP_REPLY_MS / 1000);
			return -ETIMEDOUT;
		}
		rc = guest_port_read_frame(ctx->chan_fd, &f,
					   (unsigned)((until - now) / 1000000) + 1);
		if (rc == -ETIMEDOUT)
			continue;
		if (rc)
			return rc;
		rc = f.type == CHAN_MAP_REPLY ? mapreply_decode(f.data, f.len, &rp, &err) : 1;
		chan_frame_free(&f);
		if (rc < 0) {
			ktstr_log(ctx, "bpf map %s %s: bad answer from the host: %s", op, rq->map,
				  err);
			free(err);
			return -EPROTO;
		}
		if (!rc && rp.id == rq->id)
			break; /* other frames, or a late answer to an earlier call: skip */
	}
	if (rp.rc)
		return rp.rc; /* the host logged why */
	if (value)
		*value = rp.value;
	return 0;
}

static int hostmap_req(struct map_req *rq, bool write, const char *map, const char *var,
		       uint32_t offset, uint32_t value)
{
	memset(rq, 0, sizeof(*rq));
	if (!map || !*map || strlen(map) >= sizeof(rq->map) ||
	    (var && strlen(var) >= sizeof(rq->var)))
		return -EINVAL;
	rq->write = write;
	strcpy(rq->map, map);
	if (var)
		strcpy(rq->var, var);
	rq->offset = offset;
	rq->value = value;
	return 0;
}

int ktstr_bpf_map_read_u32(struct ktstr_ctx *ctx, const char *map, const char *var,
			   uint32_t offset, uint32_t *value)
{
	struct map_req rq;
	int rc = hostmap_req(&rq, false, map, var, offset, 0);

	return rc ? rc : hostmap_call(ctx, &rq, value);
}

int ktstr_bpf_map_write_u32(struct ktstr_ctx *ctx, const char *map, const char *var,
			    uint32_t offset, uint32_t value)
{
	struct map_req rq;
	int rc = hostmap_req(&rq, true, map, var, offset, value);

	return rc ? rc : hostmap_call(ctx, &rq, NULL);
}

int ktstr_map_write_op(struct ktstr_ctx *ctx, void *write)
{
	const struct ktstr_map_write *w = write;

	return ktstr_bpf_map_write_u32(ctx, w->map, w->var, w->offset, w->value);
}
