// SPDX-License-Identifier: GPL-2.0-only
#include "guest/testrun.h"
#include "core/result.h"
#include "guest/body.h"
#include "guest/port.h"
#include "guest/scxdump.h"
#include "proto/channel.h"
#include "proto/guest_abi.h"
#include "proto/orders.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#define BODY_CHAN_FD 3
#define LINE_MAX_LEN 1024 /* longer output lines are cut */
#define POLL_MS 100
#define HOST_FRAME_MS 1000 /* a host frame that started arriving completes within this */

/* The child: its own process group, frames on fd 3, output into the pipe. */
static void exec_body(const struct testrun_spec *spec, int chan_w, int out_w)
{
	char *fn = xasprintf("--ktstr-test-fn=%s", spec->orders->test);
	char *argv[] = { (char *)spec->exe, fn, NULL };
	char pid[16];

	setpgid(0, 0);
	if (dup2(chan_w, BODY_CHAN_FD) < 0 || dup2(out_w, STDOUT_FILENO) < 0 ||
	    dup2(out_w, STDERR_FILENO) < 0)
		_exit(GUEST_EXIT_INIT_ERROR);
	setenv(BODY_ENV_ORDERS, spec->orders_path, 1);
	setenv(BODY_ENV_CHAN_FD, "3", 1);
	if (spec->sched_pid > 0) {
		snprintf(pid, sizeof(pid), "%d", (int)spec->sched_pid);
		setenv(BODY_ENV_SCHED_PID, pid, 1);
	}
	signal(SIGCHLD, SIG_DFL);
	execv(spec->exe, argv);
	fprintf(stderr, "ktstr: cannot exec %s: %s\n", spec->exe, strerror(errno));
	_exit(GUEST_EXIT_INIT_ERROR);
}

struct relay {
	int port_fd;
	struct chan_decoder *dec;
	bool got_result;
	struct strbuf line; /* partial output line */
	bool line_cut;
};

static void relay_frames(struct relay *r)
{
	struct chan_frame f;

	while (chan_decoder_next(r->dec, &f) == 1) {
		/* the body speaks only for itself: no handshake or exit frames */
		if (f.type != CHAN_HELLO && f.type != CHAN_ORDERS && f.type != CHAN_EXIT) {
			if (f.type == CHAN_RESULT)
				r->got_result = true;
			chan_send(r->port_fd, f.type, f.data, f.len);
		}
		chan_frame_free(&f);
	}
}

static void relay_line(struct relay *r)
{
	chan_send(r->port_fd, CHAN_LOG, r->line.buf ? r->line.buf : "", (uint32_t)r->line.len);
	sb_free(&r->line);
	r->line_cut = false;
}

static void relay_output(struct relay *r, const char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (buf[i] == '\n') {
			relay_line(r);
		} else if (r->line.len < LINE_MAX_LEN) {
			sb_appendn(&r->line, &buf[i], 1);
		} else if (!r->line_cut) {
			sb_append(&r->line, " [cut]");
			r->line_cut = true;
		}
	}
}

/* Read what is there; false at EOF or on error. */
static bool drain(int fd, struct relay *r, bool frames)
{
	char buf[4096];
	ssize_t n = read(fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return true;
	if (n <= 0)
		return false;
	if (frames) {
		chan_decoder_feed(r->dec, buf, (size_t)n);
		relay_frames(r);
	} else {
		relay_output(r, buf, (size_t)n);
	}
	return true;
}

/* A frame from the host while the body runs: answers to its map requests go
 * to the body, a dump request is served here, anything else is dropped. false when the port is unusable. */
static bool relay_host(int port_fd, int body_fd, short revents)
{
	struct chan_frame f;

	if (!(revents & POLLIN))
		return false; /* hang-up or error without data: stop polling it */
	if (guest_port_read_frame(port_fd, &f, HOST_FRAME_MS))
		return true;
	if (f.type == CHAN_MAP_REPLY)
		chan_send(body_fd, f.type, f.data, f.len);
	else if (f.type == CHAN_SCXDUMP && scxdump_trigger("/proc"))
		chan_send(port_fd, CHAN_LOG, "guest init: SysRq-D failed", 26);
	chan_frame_free(&f);
	return true;
}

static void send_failure(int port_fd, enum ktstr_fail_kind kind, const char *msg)
{
	struct ktstr_result res;
	json_t *j;
	char *text;

	result_init(&res);
	result_fail(&res, kind, "%s", msg);
	j = result_to_json(&res);
	text = json_dumps(j, JSON_COMPACT);
	if (text)
		chan_send(port_fd, CHAN_RESULT, text, (uint32_t)strlen(text));
	free(text);
	json_decref(j);
	result_free(&res);
}

int testrun_body(const struct testrun_spec *spec)
{
	struct relay r = { .port_fd = spec->port_fd, .dec = chan_decoder_new(CHAN_MAX_PAYLOAD) };
	int chan[2], out[2], status = 0, code;
	uint64_t deadline = now_ns() + (uint64_t)spec->orders->timeout_s * 1000000000ull;
	bool chan_open = true, out_open = true, port_open = spec->port_fd >= 0;
	bool exited = false, timed_out = false;
	char *sched_died = NULL, *msg = NULL;
	pid_t pid;

	/* a socket, not a pipe: the host's answers to map requests go back on it */
	if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, chan) || pipe2(out, O_CLOEXEC)) {
		send_failure(spec->port_fd, KTSTR_OTHER, "guest init: pipe failed");
		chan_decoder_free(r.dec);
		return GUEST_EXIT_INIT_ERROR;
	}
	pid = fork();
	if (pid == 0)
		exec_body(spec, chan[1], out[1]);
	close(chan[1]);
	close(out[1]);
	/* reads never block: workers the body leaves behind may hold the pipes */
	fcntl(chan[0], F_SETFL, O_NONBLOCK);
	fcntl(out[0], F_SETFL, O_NONBLOCK);
	if (pid < 0) {
		send_failure(spec->port_fd, KTSTR_OTHER, "guest init: fork failed");
		close(chan[0]);
		close(out[0]);
		chan_decoder_free(r.dec);
		return GUEST_EXIT_INIT_ERROR;
	}
	setpgid(pid, pid); /* also here: no race with the kill below */

	while (!exited) {
		struct pollfd pfd[3] = { { chan_open ? chan[0] : -1, POLLIN, 0 },
					 { out_open ? out[0] : -1, POLLIN, 0 },
					 { port_open ? spec->port_fd : -1, POLLIN, 0 } };
		pid_t w;

		if (now_ns() >= deadline) {
			timed_out = true;
			break;
		}
		if (spec->sched_check && (sched_died = spec->sched_check(spec->sched_arg)))
			break;
		if (poll(pfd, 3, POLL_MS) > 0) {
			if (pfd[0].revents)
				chan_open = drain(chan[0], &r, true);
			if (pfd[1].revents)
				out_open = drain(out[0], &r, false);
			if (pfd[2].revents)
				port_open = relay_host(spec->port_fd, chan[0], pfd[2].revents);
		}
		/* pipes stay open while workers the body left behind hold them */
		w = waitpid(pid, &status, WNOHANG);
		exited = w == pid;
	}
	if (!exited) {
		kill(-pid, SIGKILL);
		waitpid(pid, &status, 0);
	}
	/* whatever the body wrote before it ended */
	while (chan_open && drain(chan[0], &r, true)) {
		struct pollfd p = { chan[0], POLLIN, 0 };

		if (poll(&p, 1, 0) <= 0)
			break;
	}
	while (out_open && drain(out[0], &r, false)) {
		struct pollfd p = { out[0], POLLIN, 0 };

		if (poll(&p, 1, 0) <= 0)
			break;
	}
	if (r.line.len)
		relay_line(&r);
	kill(-pid, SIGKILL); /* workers the body left behind */

	if (timed_out) {
		code = GUEST_EXIT_FAIL;
		msg = xasprintf("timed out: the test body did not finish within %u s and was killed",
				spec->orders->timeout_s);
		send_failure(spec->port_fd, KTSTR_TIMEOUT, msg);
	} else if (sched_died) {
		code = GUEST_EXIT_FAIL;
		send_failure(spec->port_fd, KTSTR_SCHED_DIED, sched_died);
	} else if (WIFSIGNALED(status)) {
		/* the host names the signal (eval) */
		code = GUEST_EXIT_SIGNAL_BASE + WTERMSIG(status);
	} else {
		code = WEXITSTATUS(status);
	}
	free(msg);
	free(sched_died);
	close(chan[0]);
	close(out[0]);
	chan_decoder_free(r.dec);
	return code;
}
