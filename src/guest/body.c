// SPDX-License-Identifier: GPL-2.0-only
#include "guest/body.h"
#include "core/entry.h"
#include "guest/ctx.h"
#include "proto/channel.h"
#include "proto/guest_abi.h"
#include "proto/orders.h"
#include "util/util.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static int send_result(int fd, const struct ktstr_result *r)
{
	json_t *j = result_to_json(r);
	char *text = json_dumps(j, JSON_COMPACT);
	int ret;

	json_decref(j);
	if (!text)
		return -ENOMEM;
	ret = chan_send(fd, CHAN_RESULT, text, (uint32_t)strlen(text));
	free(text);
	return ret;
}

int body_run(const struct ktstr_test *t, const struct orders *o, const char *sysroot,
	     int chan_fd)
{
	struct ktstr_ctx *ctx = xcalloc(1, sizeof(*ctx));
	struct hw_topo *topo = xcalloc(1, sizeof(*topo));
	char *err = NULL;
	int ret, code;

	ret = hw_topo_read(sysroot, topo, &err);
	ctx_init(ctx, t, o, topo, chan_fd);
	if (ret < 0)
		result_fail(&ctx->result, KTSTR_OTHER, "cannot read the CPU topology from %s: %s",
			    sysroot, err ? err : strerror(-ret));
	else
		ctx_run(ctx);
	code = ctx->result.verdict == KTSTR_FAIL   ? GUEST_EXIT_FAIL
	       : ctx->result.verdict == KTSTR_SKIP ? GUEST_EXIT_SKIP
						   : GUEST_EXIT_PASS;
	ret = send_result(chan_fd, &ctx->result);
	if (ret < 0) {
		fprintf(stderr, "ktstr: %s: cannot send the result: %s\n", t->name, strerror(-ret));
		code = 1;
	}
	ctx_free(ctx);
	free(ctx);
	free(topo);
	free(err);
	return code;
}

/* A result that says why the body never ran; also printed for the console. */
static int body_setup_failed(int fd, const char *fmt, const char *arg)
{
	struct ktstr_result r;

	result_init(&r);
	result_fail(&r, KTSTR_OTHER, fmt, arg);
	fprintf(stderr, "ktstr: %s\n", r.details[0].msg);
	if (fd >= 0)
		send_result(fd, &r);
	result_free(&r);
	return GUEST_EXIT_INIT_ERROR;
}

int body_main(const char *name)
{
	const char *path = getenv(BODY_ENV_ORDERS), *fd_text = getenv(BODY_ENV_CHAN_FD);
	const struct ktstr_test *t;
	struct orders o;
	char *text, *err = NULL;
	size_t len;
	uint64_t fd;
	int code;

	if (!fd_text || str_to_u64(fd_text, &fd) || fd > 1024) {
		fprintf(stderr, "ktstr: --ktstr-test-fn=%s needs %s (run by the guest init)\n", name,
			BODY_ENV_CHAN_FD);
		return GUEST_EXIT_INIT_ERROR;
	}
	t = find_test(name);
	if (!t)
		return body_setup_failed((int)fd, "unknown test function '%s'", name);
	if (!path)
		return body_setup_failed((int)fd, "%s is not set", BODY_ENV_ORDERS);
	text = file_read(path, &len, ORDERS_MAX_LEN);
	if (!text)
		return body_setup_failed((int)fd, "cannot read the orders file %s", path);
	if (orders_from_json(text, len, &o, &err)) {
		code = body_setup_failed((int)fd, "%s", err);
		free(err);
		free(text);
		return code;
	}
	free(text);
	code = body_run(t, &o, "/sys", (int)fd);
	orders_free(&o);
	return code;
}
