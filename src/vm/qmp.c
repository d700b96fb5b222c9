// SPDX-License-Identifier: GPL-2.0-only
/* QMP client: one JSON object per line, commands answered in order. */
#include <errno.h>
#include <poll.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "util/interrupt.h"
#include "util/util.h"
#include "vm/qmp.h"

struct qmp {
	int fd;
	char buf[QMP_LINE_MAX];
	size_t len;
};

static int qmp_wait_fd(int fd, short ev, uint64_t deadline)
{
	for (;;) {
		uint64_t now = now_ns();
		struct pollfd p = { .fd = fd, .events = ev };
		int r;

		/* asked to stop: the launcher's handler has killed QEMU, which will
		 * never answer */
		if (interrupt_signal())
			return -EINTR;
		if (now >= deadline)
			return -ETIMEDOUT;
		r = poll(&p, 1, (int)((deadline - now) / 1000000) + 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -errno;
		if (r > 0)
			return 0;
	}
}

/* The next JSON object QEMU sends. */
static int qmp_read(struct qmp *q, uint64_t deadline, json_t **out, char **err)
{
	for (;;) {
		char *nl = memchr(q->buf, '\n', q->len);

		if (nl) {
			json_error_t je;
			size_t n = (size_t)(nl - q->buf);
			json_t *j = json_loadb(q->buf, n, 0, &je);

			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			if (!j || !json_is_object(j)) {
				json_decref(j);
				*err = xasprintf("QMP: unreadable reply line");
				return -EPROTO;
			}
			*out = j;
			return 0;
		}
		if (q->len == sizeof(q->buf)) {
			*err = xasprintf("QMP: a line longer than %u bytes", QMP_LINE_MAX);
			return -E2BIG;
		}
		int r = qmp_wait_fd(q->fd, POLLIN, deadline);

		if (r) {
			*err = xasprintf("QMP: %s", r == -ETIMEDOUT ? "no reply in time"
								  : strerror(-r));
			return r;
		}
		ssize_t got = read(q->fd, q->buf + q->len, sizeof(q->buf) - q->len);

		if (got < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (got <= 0) {
			*err = xasprintf("QMP: QEMU closed the connection");
			return -EPIPE;
		}
		q->len += (size_t)got;
	}
}

static int qmp_send(struct qmp *q, const char *s, size_t len, uint64_t deadline, char **err)
{
	size_t off = 0;

	while (off < len) {
		ssize_t n = send(q->fd, s + off, len - off, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n > 0) {
			off += (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN) {
			int r = qmp_wait_fd(q->fd, POLLOUT, deadline);

			if (!r)
				continue;
			*err = xasprintf("QMP: cannot send: %s", strerror(-r));
			return r;
		}
		*err = xasprintf("QMP: cannot send: %s", strerror(errno));
		return -EPIPE;
	}
	return 0;
}

int qmp_exec(struct qmp *q, const char *cmd, json_t *args, unsigned timeout_ms, json_t **ret,
	     char **err)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	json_t *c = json_pack("{s:s}", "execute", cmd);
	char *text;
	int r;

	if (args)
		json_object_set_new(c, "arguments", args);
	text = json_dumps(c, JSON_COMPACT);
	json_decref(c);
	r = qmp_send(q, text, strlen(text), deadline, err);
	if (!r)
		r = qmp_send(q, "\n", 1, deadline, err);
	free(text);
	if (r)
		return r;
	for (;;) {
		json_t *j, *e;

		r = qmp_read(q, deadline, &j, err);
		if (r)
			return r;
		if (json_object_get(j, "event")) {
			json_decref(j);
			continue;
		}
		if ((e = json_object_get(j, "error"))) {
			const char *desc = json_string_value(json_object_get(e, "desc"));

			*err = xasprintf("QMP %s: %s", cmd, desc ? desc : "error");
			json_decref(j);
			return -EPROTO;
		}
		if (ret) {
			*ret = json_incref(json_object_get(j, "return"));
		}
		json_decref(j);
		return 0;
	}
}

int qmp_accept(int listen_fd, unsigned timeout_ms, struct qmp **out, char **err)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;
	struct qmp *q;
	json_t *greeting;
	int fd, r;

	for (;;) {
		r = qmp_wait_fd(listen_fd, POLLIN, deadline);
		if (r) {
			*err = xasprintf("QEMU did not connect to the QMP socket: %s",
					 strerror(-r));
			return r;
		}
		fd = accept4(listen_fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (fd >= 0)
			break;
		if (errno != EAGAIN && errno != EINTR) {
			*err = xasprintf("QMP accept: %s", strerror(errno));
			return -errno;
		}
	}
	q = xcalloc(1, sizeof(*q));
	q->fd = fd;
	r = qmp_read(q, deadline, &greeting, err);
	if (!r && !json_object_get(greeting, "QMP")) {
		*err = xstrdup("QMP: no greeting");
		r = -EPROTO;
	}
	if (!r)
		json_decref(greeting);
	if (!r)
		r = qmp_exec(q, "qmp_capabilities", NULL, timeout_ms, NULL, err);
	if (r) {
		qmp_close(q);
		return r;
	}
	*out = q;
	return 0;
}

int qmp_wait_migration(struct qmp *q, unsigned timeout_ms, char **err)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000ull;

	for (;;) {
		json_t *ret = NULL;
		const char *status;
		int r = qmp_exec(q, "query-migrate", NULL, timeout_ms, &ret, err);

		if (r)
			return r;
		status = json_string_value(json_object_get(ret, "status"));
		if (status && !strcmp(status, "completed")) {
			json_decref(ret);
			return 0;
		}
		if (status && (!strcmp(status, "failed") || !strcmp(status, "cancelled"))) {
			const char *why = json_string_value(json_object_get(ret, "error-desc"));

			*err = xasprintf("migration %s%s%s", status, why ? ": " : "",
					 why ? why : "");
			json_decref(ret);
			return -EIO;
		}
		json_decref(ret);
		if (now_ns() >= deadline) {
			*err = xstrdup("migration did not complete in time");
			return -ETIMEDOUT;
		}
		sleep_ms(10);
	}
}

void qmp_close(struct qmp *q)
{
	if (!q)
		return;
	close(q->fd);
	free(q);
}
