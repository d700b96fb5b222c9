// SPDX-License-Identifier: GPL-2.0-only
/*
 * Payloads, guest side: start the binary the host packed under
 * /include-files/ in its own process group (and cgroup), keep its output,
 * enforce the timeout, extract metrics (metrics.c, yaml.c), check them and
 * send them to the host as one CHAN_METRICS frame.
 */
#include "core/metrics.h"
#include "guest/cgroup.h"
#include "guest/ctx.h"
#include "proto/channel.h"
#include "proto/guest_abi.h"
#include "util/util.h"
#include "util/yaml.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAYLOAD_OUT_CAP (1u << 20)  /* stdout and stderr kept, each */
#define PAYLOAD_FILE_CAP (16u << 20) /* output file read at most */
#define PAYLOAD_POLL_MS 20
#define PAYLOAD_LOG_METRICS 16 /* hinted or checked metrics logged, at most */

struct stream {
	int fd;
	struct strbuf buf;
	bool cut;
};

struct ktstr_payload_handle {
	struct ktstr_ctx *ctx;
	const struct ktstr_payload *p;
	struct ktstr_payload_opts opts;
	pid_t pid;
	unsigned timeout_ms;
	uint64_t start_ns;
	struct stream out, err;
	pthread_t reader;
	bool reader_started;
	atomic_bool stop;
	char *output_file;
	struct cgmgr cg;
	bool cg_ready;
};

/* ---- output capture (a thread, so a spawned payload never blocks on a full pipe) ---- */

static void stream_read(struct stream *s)
{
	char buf[8192];
	ssize_t n = read(s->fd, buf, sizeof(buf));

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return;
	if (n <= 0) {
		close(s->fd);
		s->fd = -1;
		return;
	}
	if (s->buf.len + (size_t)n > PAYLOAD_OUT_CAP) {
		n = (ssize_t)(PAYLOAD_OUT_CAP - MIN(s->buf.len, PAYLOAD_OUT_CAP));
		s->cut = true;
	}
	if (n > 0)
		sb_appendn(&s->buf, buf, (size_t)n);
}

static void *reader_main(void *arg)
{
	struct ktstr_payload_handle *h = arg;

	while (h->out.fd >= 0 || h->err.fd >= 0) {
		struct pollfd pfd[2] = { { h->out.fd, POLLIN, 0 }, { h->err.fd, POLLIN, 0 } };
		int n = poll(pfd, 2, 100);

		if (n == 0 && atomic_load(&h->stop))
			break; /* idle after the end: descendants that escaped hold the pipes */
		if (n > 0 && pfd[0].revents)
			stream_read(&h->out);
		if (n > 0 && pfd[1].revents)
			stream_read(&h->err);
	}
	return NULL;
}

/* ---- start ---- */

static int fail_p(struct ktstr_ctx *ctx, const struct ktstr_payload *p, enum ktstr_fail_kind kind,
		  const char *fmt, ...) __attribute__((format(printf, 4, 5)));
static int fail_p(struct ktstr_ctx *ctx, const struct ktstr_payload *p, enum ktstr_fail_kind kind,
		  const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	result_fail(&ctx->result, kind, "payload '%s': %s", p->name ? p->name : "?", msg);
	free(msg);
	return KTSTR_FAIL;
}

/* Create name and its missing ancestors in the test's cgroup tree. */
static int join_prepare(struct ktstr_payload_handle *h, char **err)
{
	char *name = xstrdup(h->opts.cgroup);
	int ret = cgmgr_init(&h->cg, h->ctx->cgroup_root, err);

	if (ret < 0) {
		free(name);
		return ret;
	}
	h->cg_ready = true;
	for (char *s = name;; s++) {
		char c = *s;

		if (c && c != '/')
			continue;
		*s = '\0';
		if (!cgmgr_exists(&h->cg, name) && (ret = cgmgr_create(&h->cg, name)) < 0) {
			*err = xasprintf("cannot create cgroup %s: %s", name, strerror(-ret));
			break;
		}
		*s = c;
		if (!c)
			break;
	}
	free(name);
	return ret < 0 ? ret : 0;
}

static char *subst(const char *arg, const char *file)
{
	const char *at = file ? strstr(arg, KTSTR_OUTPUT_FILE) : NULL;

	if (!at)
		return xstrdup(arg);
	return xasprintf("%.*s%s%s", (int)(at - arg), arg, file,
			 at + strlen(KTSTR_OUTPUT_FILE));
}

static char **build_argv(struct ktstr_payload_handle *h, const char *exe)
{
	const char *const *lists[2] = { h->opts.args ? h->opts.args : h->p->args,
					h->opts.extra_args };
	size_t n = 1;
	char **argv;

	for (int l = 0; l < 2; l++)
		for (const char *const *a = lists[l]; a && *a; a++)
			n++;
	argv = xcalloc(n + 1, sizeof(char *));
	n = 0;
	argv[n++] = xstrdup(exe);
	for (int l = 0; l < 2; l++)
		for (const char *const *a = lists[l]; a && *a; a++)
			argv[n++] = subst(*a, h->output_file);
	return argv;
}

static bool wants_file(const struct ktstr_payload_handle *h)
{
	const char *const *lists[2] = { h->opts.args ? h->opts.args : h->p->args,
					h->opts.extra_args };

	for (int l = 0; l < 2; l++)
		for (const char *const *a = lists[l]; a && *a; a++)
			if (strstr(*a, KTSTR_OUTPUT_FILE))
				return true;
	return false;
}

/* The child: own process group, the cgroup, pipes, no fds of ours, exec. */
static void __attribute__((noreturn))
child(const char *exe, char **argv, const char *procs, int out_w, int err_w, bool search)
{
	int null = open("/dev/null", O_RDONLY);
	char pid[24];

	setpgid(0, 0);
	if (null >= 0)
		dup2(null, STDIN_FILENO);
	dup2(out_w, STDOUT_FILENO);
	dup2(err_w, STDERR_FILENO);
	close_range(3, ~0u, 0);
	signal(SIGCHLD, SIG_DFL);
	signal(SIGPIPE, SIG_DFL);
	if (procs) {
		snprintf(pid, sizeof(pid), "%d", (int)getpid());
		if (file_write_str(procs, pid) < 0) {
			fprintf(stderr, "ktstr: cannot join the cgroup (%s): %s\n", procs,
				strerror(errno));
			_exit(126);
		}
	}
	if (!getenv("PATH"))
		setenv("PATH", GUEST_INCLUDE_DIR ":/usr/local/bin:/usr/bin:/bin", 1);
	if (search)
		execvp(exe, argv);
	else
		execv(exe, argv);
	fprintf(stderr, "ktstr: cannot run %s: %s\n", exe, strerror(errno));
	_exit(127);
}

static void handle_free(struct ktstr_payload_handle *h)
{
	if (h->output_file) {
		unlink(h->output_file);
		free(h->output_file);
	}
	if (h->out.fd >= 0)
		close(h->out.fd);
	if (h->err.fd >= 0)
		close(h->err.fd);
	sb_free(&h->out.buf);
	sb_free(&h->err.buf);
	free(h);
}

/* Kill what is left (process group, cgroup), stop the reader, remove our cgroups. */
static void finish(struct ktstr_payload_handle *h)
{
	kill(-h->pid, SIGKILL);
	if (h->cg_ready && h->opts.cgroup) {
		char *path = cgmgr_path(&h->cg, h->opts.cgroup);
		char *kill_file = xasprintf("%s/cgroup.kill", path);

		if (h->cg.ncreated)
			file_write_str(kill_file, "1"); /* our own cgroup: nothing may outlive the run */
		free(kill_file);
		free(path);
	}
	atomic_store(&h->stop, true);
	if (h->reader_started)
		pthread_join(h->reader, NULL);
	h->reader_started = false;
	if (h->cg_ready)
		cgmgr_cleanup(&h->cg);
	h->cg_ready = false;
}

struct ktstr_payload_handle *ktstr_payload_spawn(struct ktstr_ctx *ctx,
						  const struct ktstr_payload *p,
						  const struct ktstr_payload_opts *opts)
{
	struct ktstr_payload_handle *h;
	char *exe, *procs = NULL, *err = NULL, **argv;
	int out[2], errp[2];
	bool search = false;

	if (!p || !p->name || !p->binary) {
		result_fail(&ctx->result, KTSTR_OTHER, "payload without a name or binary");
		return NULL;
	}
	exe = guest_include_path(p->binary);
	if (!exe || !path_exists(exe)) {
		free(exe);
		if (!ctx->host_only) {
			fail_p(ctx, p, KTSTR_OTHER,
			       "%s/%s is not in the VM: declare the payload in the test "
			       "(.payloads = KTSTR_PAYLOADS(&%s))",
			       GUEST_INCLUDE_DIR, p->binary, p->name);
			return NULL;
		}
		exe = xstrdup(p->binary); /* on the host: as a shell would find it */
		search = true;
	}
	h = xcalloc(1, sizeof(*h));
	h->ctx = ctx;
	h->p = p;
	if (opts)
		h->opts = *opts;
	h->out.fd = h->err.fd = -1;
	h->timeout_ms = h->opts.timeout_ms ? h->opts.timeout_ms
			: p->timeout_ms    ? p->timeout_ms
					   : KTSTR_PAYLOAD_TIMEOUT_MS;
	if (wants_file(h)) {
		char *tmpl = xasprintf("/tmp/ktstr-%s-XXXXXX", p->name);
		int fd = mkstemp(tmpl);

		if (fd < 0) {
			fail_p(ctx, p, KTSTR_OTHER, "cannot create an output file: %s",
			       strerror(errno));
			free(tmpl);
			goto fail;
		}
		close(fd);
		h->output_file = tmpl;
	}
	if (h->opts.cgroup) {
		if (join_prepare(h, &err) < 0) {
			fail_p(ctx, p, KTSTR_OTHER, "cgroup %s: %s", h->opts.cgroup,
			       err ? err : "setup failed");
			free(err);
			goto fail;
		}
		char *path = cgmgr_path(&h->cg, h->opts.cgroup);

		procs = xasprintf("%s/cgroup.procs", path);
		free(path);
	}
	if (pipe2(out, O_CLOEXEC)) {
		fail_p(ctx, p, KTSTR_OTHER, "pipe: %s", strerror(errno));
		goto fail;
	}
	if (pipe2(errp, O_CLOEXEC)) {
		fail_p(ctx, p, KTSTR_OTHER, "pipe: %s", strerror(errno));
		close(out[0]);
		close(out[1]);
		goto fail;
	}
	argv = build_argv(h, exe);
	fflush(NULL);
	h->start_ns = now_ns();
	h->pid = fork();
	if (h->pid == 0)
		child(exe, argv, procs, out[1], errp[1], search);
	strv_free(argv);
	close(out[1]);
	close(errp[1]);
	h->out.fd = out[0];
	h->err.fd = errp[0];
	if (h->pid < 0) {
		fail_p(ctx, p, KTSTR_OTHER, "fork: %s", strerror(errno));
		goto fail;
	}
	setpgid(h->pid, h->pid);
	if (pthread_create(&h->reader, NULL, reader_main, h)) {
		kill(-h->pid, SIGKILL);
		waitpid(h->pid, NULL, 0);
		fail_p(ctx, p, KTSTR_OTHER, "cannot start the output reader");
		goto fail;
	}
	h->reader_started = true;
	free(procs);
	free(exe);
	return h;
fail:
	free(procs);
	free(exe);
	if (h->cg_ready)
		cgmgr_cleanup(&h->cg);
	handle_free(h);
	return NULL;
}

int ktstr_payload_pid(const struct ktstr_payload_handle *h)
{
	return h ? (int)h->pid : -1;
}

void ktstr_payload_kill(struct ktstr_payload_handle *h)
{
	if (!h)
		return;
	kill(-h->pid, SIGKILL);
	waitpid(h->pid, NULL, 0);
	finish(h);
	handle_free(h);
}

/* ---- evaluation ---- */

static bool blank(const struct strbuf *sb)
{
	for (size_t i = 0; i < sb->len; i++)
		if (!strchr(" \t\r\n", sb->buf[i]))
			return false;
	return true;
}

static int yaml_metrics(const char *text, size_t len, struct metric_set *ms, char **err)
{
	json_t *v = yaml_parse(text, len, err);

	metrics_free(ms);
	metrics_init(ms);
	if (!v)
		return -EINVAL;
	metrics_walk(v, ms);
	json_decref(v);
	return (int)ms->n;
}

/* Metrics of the payload's document; *from says where they came from. */
static void extract(struct ktstr_payload_handle *h, struct metric_set *ms, const char **from)
{
	char *err = NULL;
	bool yaml = h->p->output == KTSTR_OUTPUT_YAML;
	int ret;

	*from = "stdout";
	if (h->p->output == KTSTR_OUTPUT_EXIT_CODE)
		return;
	if (h->output_file) {
		size_t len = 0;
		char *text = file_read(h->output_file, &len, PAYLOAD_FILE_CAP);

		*from = "the output file";
		if (!text)
			err = xasprintf("cannot read %s: %s", h->output_file, strerror(errno));
		else if (yaml)
			ret = yaml_metrics(text, len, ms, &err);
		else
			ret = metrics_extract(text, len, ms, &err);
		free(text);
	} else if (yaml) {
		ret = yaml_metrics(h->out.buf.buf, h->out.buf.len, ms, &err);
		if (ret <= 0 && !blank(&h->err.buf)) {
			free(err);
			err = NULL;
			*from = "stderr";
			ret = yaml_metrics(h->err.buf.buf, h->err.buf.len, ms, &err);
		}
	} else {
		ret = metrics_extract_streams(h->out.buf.buf, h->out.buf.len, h->err.buf.buf,
					      h->err.buf.len, ms, &err);
		if (ms->stream == METRIC_STDERR)
			*from = "stderr";
	}
	if (err) {
		ktstr_log(h->ctx, "payload '%s': no metrics from %s: %s", h->p->name, *from,
			  err);
		free(err);
	}
}

static void send_metrics(struct ktstr_payload_handle *h, const struct metric_set *ms,
			 int exit_code, const char *from)
{
	json_t *j;
	char *text;

	if (h->ctx->chan_fd < 0 || !ms->n)
		return;
	j = json_pack("{s:s, s:i, s:s, s:o}", "payload", h->p->name, "exit_code", exit_code,
		      "from", from, "metrics", metrics_to_json(ms));
	text = j ? json_dumps(j, JSON_COMPACT) : NULL;
	if (text)
		chan_send(h->ctx->chan_fd, CHAN_METRICS, text, (uint32_t)strlen(text));
	free(text);
	json_decref(j);
}

/* The checks of this run: defaults (unless dropped) + the run's, and exit 0
 * when none of them names an exit code. */
static struct ktstr_metric_check *run_checks(const struct ktstr_payload_handle *h)
{
	const struct ktstr_metric_check *lists[2] = {
		h->opts.no_default_checks ? NULL : h->p->checks, h->opts.checks
	};
	struct ktstr_metric_check *v;
	bool exit_check = false;
	size_t n = 0;

	for (int l = 0; l < 2; l++)
		for (const struct ktstr_metric_check *c = lists[l]; c && c->kind; c++)
			n++;
	v = xcalloc(n + 2, sizeof(*v));
	n = 0;
	for (int l = 0; l < 2; l++)
		for (const struct ktstr_metric_check *c = lists[l]; c && c->kind; c++) {
			exit_check |= c->kind == KTSTR_CK_EXIT_CODE;
			v[n++] = *c;
		}
	if (!exit_check)
		v[n++] = (struct ktstr_metric_check){ .kind = KTSTR_CK_EXIT_CODE, .exit_code = 0 };
	return v;
}

static bool checked(const struct ktstr_metric_check *checks, const char *name)
{
	for (const struct ktstr_metric_check *c = checks; c->kind; c++)
		if (c->metric && !strcmp(c->metric, name))
			return true;
	return false;
}

static bool hinted(const struct ktstr_metric_hint *hints, const char *name)
{
	for (const struct ktstr_metric_hint *k = hints; k && k->name; k++)
		if (!strcmp(k->name, name))
			return true;
	return false;
}

/* Reap the payload by deadline, else kill its group: false when it had to be killed. */
static bool reap_by(struct ktstr_payload_handle *h, uint64_t deadline, int *status)
{
	for (;;) {
		pid_t w = waitpid(h->pid, status, WNOHANG);

		if (w == h->pid || (w < 0 && errno != EINTR))
			return true;
		if (now_ns() >= deadline) {
			kill(-h->pid, SIGKILL);
			waitpid(h->pid, status, 0);
			return false;
		}
		sleep_ms(PAYLOAD_POLL_MS);
	}
}

/*
 * Reap (by deadline), extract, check, report; frees h. stopped: the harness ended it with
 * a signal, so neither that end nor its exit status is a failure.
 */
static int conclude(struct ktstr_payload_handle *h, uint64_t deadline, bool stopped)
{
	struct ktstr_ctx *ctx;
	const struct ktstr_payload *p;
	struct metric_set ms;
	struct ktstr_result r;
	struct ktstr_metric_check *checks;
	const char *from;
	bool timed_out;
	int status = 0, code, logged = 0;
	double secs;

	ctx = h->ctx;
	p = h->p;
	timed_out = !reap_by(h, deadline, &status);
	secs = (double)(now_ns() - h->start_ns) / 1e9;
	finish(h);

	if (timed_out && !stopped) {
		fail_p(ctx, p, KTSTR_TIMEOUT,
		       "timed out: still running after its timeout of %u ms (timeout_ms) and was killed",
		       h->timeout_ms);
		handle_free(h);
		return KTSTR_FAIL;
	}
	if (stopped) {
		ktstr_log(ctx, "payload '%s': stopped after %.2f s (%s)", p->name, secs,
			  WIFSIGNALED(status) ? strsignal(WTERMSIG(status)) : "exited");
		status = 0;
	}
	if (WIFSIGNALED(status)) {
		fail_p(ctx, p, KTSTR_OTHER, "killed by signal %d (%s) after %.2f s",
		       WTERMSIG(status), strsignal(WTERMSIG(status)), secs);
		handle_free(h);
		return KTSTR_FAIL;
	}
	code = WEXITSTATUS(status);
	metrics_init(&ms);
	extract(h, &ms, &from);
	metrics_apply_hints(&ms, p->hints);
	ktstr_log(ctx, "payload '%s': exit %d after %.2f s, %u metrics%s%s%s", p->name, code, secs,
		  ms.n, ms.n ? " from " : "", ms.n ? from : "",
		  h->out.cut || h->err.cut ? " (output cut at 1 MiB)" : "");

	checks = run_checks(h);
	for (unsigned i = 0; i < ms.n && logged < PAYLOAD_LOG_METRICS; i++) {
		const struct metric *m = &ms.v[i];
		char v[STR_DOUBLE_LEN];

		if (!hinted(p->hints, m->name) && !checked(checks, m->name))
			continue;
		ktstr_log(ctx, "payload '%s': %s = %s%s%s", p->name, m->name,
			  str_fmt_double(v, m->value), *m->unit ? " " : "", m->unit);
		logged++;
	}
	send_metrics(h, &ms, code, from);

	result_init(&r);
	metrics_check(&ms, code, h->err.buf.buf, checks, &r);
	for (unsigned i = 0; i < r.ndetails; i++)
		fail_p(ctx, p, r.details[i].kind, "%s", r.details[i].msg);
	code = r.ndetails ? KTSTR_FAIL : KTSTR_PASS;
	result_free(&r);
	free(checks);
	metrics_free(&ms);
	handle_free(h);
	return code;
}

int ktstr_payload_wait(struct ktstr_payload_handle *h)
{
	if (!h)
		return KTSTR_FAIL;
	return conclude(h, h->start_ns + (uint64_t)h->timeout_ms * 1000000ull, false);
}

int ktstr_payload_stop(struct ktstr_payload_handle *h, unsigned grace_ms)
{
	siginfo_t si = { 0 };
	bool running;

	if (!h)
		return KTSTR_FAIL;
	running = waitid(P_PID, (id_t)h->pid, &si, WEXITED | WNOHANG | WNOWAIT) == 0 &&
		  si.si_pid == 0;
	if (!running)
		return conclude(h, now_ns(), false);
	kill(-h->pid, SIGINT);
	return conclude(h, now_ns() + (uint64_t)grace_ms * 1000000ull, true);
}

int ktstr_payload_run(struct ktstr_ctx *ctx, const struct ktstr_payload *p,
		      const struct ktstr_payload_opts *opts)
{
	struct ktstr_payload_handle *h = ktstr_payload_spawn(ctx, p, opts);

	return h ? ktstr_payload_wait(h) : KTSTR_FAIL;
}

int ktstr_payload_op(struct ktstr_ctx *ctx, void *step)
{
	const struct ktstr_payload_step *s = step;

	/* a failure is already in the test's result; the scenario goes on and reports it */
	ktstr_payload_run(ctx, s->payload, &s->opts);
	return 0;
}
