// SPDX-License-Identifier: GPL-2.0-only
/* The test body's context and the public functions a body calls on it. */
#include "guest/ctx.h"
#include "guest/trace.h"
#include "proto/channel.h"
#include "proto/orders.h"
#include "util/util.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define CTX_CGROUP_ROOT "/sys/fs/cgroup/ktstr"
#define CTX_LOG_MAX 4096

void ctx_init(struct ktstr_ctx *ctx, const struct ktstr_test *t, const struct orders *o,
	      const struct hw_topo *topo, int chan_fd)
{
	/* set by the guest init when it started a scheduler for this test */
	const char *pid = getenv("KTSTR_SCHED_PID");
	uint64_t v;

	memset(ctx, 0, sizeof(*ctx));
	ctx->test = t;
	ctx->topo = *topo;
	ctx->duration_ms = o->duration_ms;
	ctx->workers_per_cgroup = o->workers_per_cgroup;
	ctx->thresholds = o->thresholds;
	ctx->time_scale = o->time_scale >= 1.0 ? o->time_scale : 1.0;
	ctx->accel = o->accel;
	ctx->seed = o->seed;
	ctx->cgroup_root = CTX_CGROUP_ROOT;
	ctx->host_only = t->host_only;
	ctx->chan_fd = chan_fd;
	ctx->trace = o->trace && !t->host_only;
	if (pid && !str_to_u64(pid, &v) && v <= INT32_MAX)
		ctx->sched_pid = (int)v;
	result_init(&ctx->result);
}

void ctx_run(struct ktstr_ctx *ctx)
{
	int ret = ctx->test->fn(ctx);

	switch (ret) {
	case KTSTR_PASS:
		/* a body that recorded a failure and then returned PASS still failed */
		break;
	case KTSTR_SKIP:
		if (ctx->result.verdict == KTSTR_PASS)
			result_skip(&ctx->result, "skipped by the test body (no reason given)");
		break;
	case KTSTR_FAIL:
		if (ctx->result.verdict != KTSTR_FAIL)
			result_fail(&ctx->result, KTSTR_OTHER,
				    "test body returned KTSTR_FAIL without a detail");
		break;
	default:
		result_fail(&ctx->result, KTSTR_OTHER,
			    "test body returned %d, not KTSTR_PASS/KTSTR_FAIL/KTSTR_SKIP", ret);
		break;
	}
}

void ctx_free(struct ktstr_ctx *ctx)
{
	result_free(&ctx->result);
}

int ktstr_fail(struct ktstr_ctx *ctx, enum ktstr_fail_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	result_fail(&ctx->result, kind, "%s", msg);
	free(msg);
	return KTSTR_FAIL;
}

int ktstr_skip(struct ktstr_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	/* a failure already recorded stays a failure */
	if (ctx->result.verdict != KTSTR_FAIL)
		result_skip(&ctx->result, "%s", msg);
	free(msg);
	return KTSTR_SKIP;
}

void ktstr_stat(struct ktstr_ctx *ctx, const char *name, double value)
{
	result_stat(&ctx->result, name, value);
}

void ktstr_log(struct ktstr_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *msg;
	size_t len;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	len = strnlen(msg, CTX_LOG_MAX);
	while (len && msg[len - 1] == '\n')
		len--;
	if (ctx->chan_fd < 0 || chan_send(ctx->chan_fd, CHAN_LOG, msg, (uint32_t)len) < 0)
		fprintf(stderr, "%s: %.*s\n", ctx->test->name, (int)len, msg);
	free(msg);
}

void ktstr_mark(struct ktstr_ctx *ctx, const char *fmt, ...)
{
	va_list ap;
	char *label;

	va_start(ap, fmt);
	label = xvasprintf(fmt, ap);
	va_end(ap);
	if (ctx->chan_fd >= 0)
		chan_send(ctx->chan_fd, CHAN_MARK, label, (uint32_t)strnlen(label, CTX_LOG_MAX));
	if (ctx->trace)
		trace_mark(TRACE_TRACEFS, label, strnlen(label, CTX_LOG_MAX));
	free(label);
}

unsigned ktstr_ctx_cpus(const struct ktstr_ctx *ctx)
{
	return ctx->topo.ncpus;
}

unsigned ktstr_ctx_llcs(const struct ktstr_ctx *ctx)
{
	return ctx->topo.nllcs;
}

unsigned ktstr_ctx_numa_nodes(const struct ktstr_ctx *ctx)
{
	return ctx->topo.nnodes;
}

unsigned ktstr_ctx_duration_ms(const struct ktstr_ctx *ctx)
{
	return ctx->duration_ms;
}

unsigned ktstr_ctx_workers_per_cgroup(const struct ktstr_ctx *ctx)
{
	return ctx->workers_per_cgroup;
}

int ktstr_ctx_sched_pid(const struct ktstr_ctx *ctx)
{
	return ctx->sched_pid;
}

const struct ktstr_thresholds *ktstr_ctx_thresholds(const struct ktstr_ctx *ctx)
{
	return &ctx->thresholds;
}
