// SPDX-License-Identifier: GPL-2.0-only
#include "guest/sched.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "proto/channel.h"
#include "proto/sched_event.h"

#define POLL_MS 20
#define EXIT_GRACE_MS 1500 /* after an ejection, how long the loader gets to report and exit */

const char *sched_state_name(enum sched_state s)
{
	switch (s) {
	case SCHED_IDLE: return "idle";
	case SCHED_RUNNING: return "running";
	case SCHED_STOPPED: return "stopped";
	case SCHED_EXEC_FAILED: return "exec-failed";
	case SCHED_LOAD_FAILED: return "load-failed";
	case SCHED_NOT_ATTACHED: return "not-attached";
	case SCHED_EXITED: return "exited";
	case SCHED_EJECTED: return "ejected";
	}
	return "unknown";
}

bool sched_failed(const struct sched_proc *sp)
{
	return sp->state >= SCHED_EXEC_FAILED;
}

/* ---- pure helpers ---- */

static const char *line_end(const char *p)
{
	const char *nl = strchr(p, '\n');

	return nl ? nl : p + strlen(p);
}

/* Append lines [p, end) to sb, only the last max_lines of them. */
static void append_last_lines(struct strbuf *sb, const char *p, const char *end, unsigned max_lines)
{
	const char *q = end;
	unsigned n = 0;

	while (q > p && q[-1] == '\n')
		q--;
	end = q;
	while (q > p && n < max_lines) {
		q--;
		if (q == p || q[-1] == '\n')
			n++;
	}
	sb_appendn(sb, q, end - q);
	sb_append(sb, "\n");
}

char *sched_verifier_excerpt(const char *log, unsigned max_lines)
{
	const char *begin = NULL, *end, *p, *b;
	struct strbuf sb = { 0 };

	if (!log)
		return NULL;
	for (p = log; (b = strstr(p, "-- BEGIN PROG LOAD LOG --")); p = b + 1)
		begin = b;
	if (begin) {
		begin = line_end(begin);
		begin += *begin == '\n';
		end = strstr(begin, "-- END PROG LOAD LOG --");
		if (!end)
			end = begin + strlen(begin);
		while (end > begin && end[-1] != '\n') /* drop the marker line's prefix */
			end--;
		if (end > begin)
			append_last_lines(&sb, begin, end, max_lines);
	}
	for (p = log; *p; p = *line_end(p) ? line_end(p) + 1 : line_end(p)) {
		const char *e = line_end(p);

		if (memmem(p, e - p, "failed to load", 14) || memmem(p, e - p, "failed to open", 14) ||
		    memmem(p, e - p, "failed to attach", 16)) {
			sb_appendn(&sb, p, e - p);
			sb_append(&sb, "\n");
		}
	}
	if (!sb.len) {
		sb_free(&sb);
		return NULL;
	}
	while (sb.len && sb.buf[sb.len - 1] == '\n')
		sb.buf[--sb.len] = 0;
	return sb_steal(&sb);
}

char *sched_kmsg_reason(const char *lines, bool *normal)
{
	const char *p, *dis = NULL, *q, *open, *close, *e;
	char *reason, *ops = NULL, *msg = NULL, *out;

	*normal = false;
	for (p = lines; p && (q = strstr(p, "sched_ext: BPF scheduler \"")); p = q + 1)
		if (strstr(q, "\" disabled (") && strstr(q, "\" disabled (") < line_end(q))
			dis = q;
	if (!dis)
		return NULL;
	e = line_end(dis);
	open = strstr(dis, "\" disabled (");
	ops = xstrndup(dis + 26, open - (dis + 26));
	open += strlen("\" disabled (");
	close = e;
	while (close > open && close[-1] != ')')
		close--;
	if (close <= open) {
		free(ops);
		return NULL;
	}
	reason = xstrndup(open, close - 1 - open);
	*normal = str_starts_with(reason, "unregistered from");
	/* the message: the next "sched_ext: <ops>: " line */
	for (p = *e ? e + 1 : e; *p; p = *line_end(p) ? line_end(p) + 1 : line_end(p)) {
		char *pfx = xasprintf("sched_ext: %s: ", ops);

		if (str_starts_with(p, pfx))
			msg = xstrndup(p + strlen(pfx), line_end(p) - p - strlen(pfx));
		free(pfx);
		if (msg)
			break;
	}
	out = msg ? xasprintf("%s: %s", reason, msg) : xstrdup(reason);
	free(reason);
	free(msg);
	free(ops);
	return out;
}

char *sched_kmsg_line_text(const char *line, size_t len)
{
	const char *semi = memchr(line, ';', len);

	if (!len || line[0] < '0' || line[0] > '9' || !semi)
		return NULL;
	semi++;
	return xstrndup(semi, len - (semi - line));
}

/* ---- kernel log ---- */

static void kmsg_open(struct sched_proc *sp, const char *path)
{
	sp->kmsg_fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (sp->kmsg_fd >= 0)
		lseek(sp->kmsg_fd, 0, SEEK_END);
}

/* Collect new "sched_ext:" kernel lines (one record per read from /dev/kmsg). */
static void kmsg_drain(struct sched_proc *sp)
{
	char rec[8192];
	ssize_t n;

	if (sp->kmsg_fd < 0)
		return;
	for (;;) {
		const char *p, *e;

		n = read(sp->kmsg_fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue; /* records were overwritten: go on with the next one */
		if (n <= 0)
			break;
		rec[n] = 0;
		for (p = rec; *p; p = *e ? e + 1 : e) {
			char *text;

			e = line_end(p);
			text = sched_kmsg_line_text(p, e - p);
			if (text && str_starts_with(text, "sched_ext:")) {
				sb_append(&sp->kmsg, text);
				sb_append(&sp->kmsg, "\n");
			}
			free(text);
		}
	}
}

/* ---- process ---- */

static char *sysfs_read(const struct sched_proc *sp, const char *file)
{
	char *path = xasprintf("%s/%s", sp->sysfs, file);
	char *s = file_read_line(path);

	free(path);
	return s;
}

static bool reap(struct sched_proc *sp, bool block)
{
	int st;
	pid_t r;

	if (sp->reaped || !sp->pid)
		return sp->reaped;
	do
		r = waitpid(sp->pid, &st, block ? 0 : WNOHANG);
	while (r < 0 && errno == EINTR);
	if (r == sp->pid || (r < 0 && errno == ECHILD)) {
		/* ECHILD: someone else reaped it (SIGCHLD ignored); the status is lost */
		sp->wait_status = r == sp->pid ? st : -1;
		sp->reaped = true;
		sp->end_ns = now_ns();
	}
	return sp->reaped;
}

/* Reap within timeout_ms; false if still running. */
static bool reap_within(struct sched_proc *sp, unsigned timeout_ms)
{
	unsigned waited;

	/* counted in sleeps, not by the clock: a guest restored from a snapshot
	 * sees its monotonic clock jump forward */
	for (waited = 0; !reap(sp, false); waited += POLL_MS) {
		if (waited >= timeout_ms)
			return false;
		sleep_ms(POLL_MS);
	}
	return true;
}

static void kill_and_reap(struct sched_proc *sp)
{
	if (!sp->pid || sp->reaped)
		return;
	kill(sp->pid, SIGKILL);
	reap(sp, true);
}

static const char *status_text(int st, char *buf, size_t len)
{
	if (st == -1)
		snprintf(buf, len, "exited (status unknown: reaped elsewhere)");
	else if (WIFEXITED(st))
		snprintf(buf, len, "exited with status %d", WEXITSTATUS(st));
	else if (WIFSIGNALED(st))
		snprintf(buf, len, "was killed by signal %d (%s)", WTERMSIG(st),
			 strsignal(WTERMSIG(st)));
	else
		snprintf(buf, len, "ended with wait status 0x%x", st);
	return buf;
}

static char *read_log(const struct sched_proc *sp)
{
	return sp->log_path ? file_read(sp->log_path, NULL, 4u << 20) : NULL;
}

char *sched_verifier_blocks(const struct sched_proc *sp, size_t max)
{
	char *log = read_log(sp);
	struct strbuf sb = { 0 };
	bool in = false;

	for (const char *p = log; p && *p; p = *line_end(p) ? line_end(p) + 1 : line_end(p)) {
		const char *e = line_end(p);
		size_t n = (size_t)(e - p);
		bool begin = memmem(p, n, "-- BEGIN PROG LOAD LOG --", 25) != NULL;
		bool end = memmem(p, n, "-- END PROG LOAD LOG --", 23) != NULL;

		if (!(in || begin || end || memmem(p, n, "BPF program load failed", 23)))
			continue;
		in = (in || begin) && !end;
		if (sb.len + n + 1 > max)
			break;
		sb_appendn(&sb, p, n);
		sb_append(&sb, "\n");
	}
	free(log);
	if (!sb.len)
		return NULL;
	return sb_steal(&sb);
}

static void set_failure(struct sched_proc *sp, enum sched_state st, char *reason)
{
	sp->state = st;
	free(sp->reason);
	sp->reason = reason;
	if (!sp->end_ns)
		sp->end_ns = now_ns();
}

static double secs_since(uint64_t t0)
{
	return t0 ? (now_ns() - t0) / 1e9 : 0;
}

/* The loader's own exit report, e.g. scx_ktstr's "ejected by the kernel ..." line. */
static char *loader_report(const struct sched_proc *sp)
{
	char *log = read_log(sp), *line = NULL;
	const char *p;

	if (!log)
		return NULL;
	for (p = log; *p; p = *line_end(p) ? line_end(p) + 1 : line_end(p)) {
		const char *e = line_end(p);

		if (memmem(p, e - p, "exit_code", 9) || memmem(p, e - p, "EXIT:", 5) ||
		    memmem(p, e - p, "ejected", 7)) {
			free(line);
			line = xstrndup(p, e - p);
		}
	}
	free(log);
	return line;
}

/* The scheduler is gone or disabled: decide between exited and ejected. */
static int classify_death(struct sched_proc *sp, bool alive_but_disabled)
{
	char buf[96], *kreason, *lrep;
	bool normal = false;

	if (alive_but_disabled)
		reap_within(sp, EXIT_GRACE_MS); /* let the loader print its exit report */
	kmsg_drain(sp);
	kreason = sched_kmsg_reason(sp->kmsg.buf, &normal);
	lrep = loader_report(sp);
	if (kreason && !normal) {
		set_failure(sp, SCHED_EJECTED,
			    xasprintf("scheduler %s was ejected by the kernel (seen %.1f s after attaching): "
				      "%s%s%s",
				      sp->name, (now_ns() - sp->attach_ns) / 1e9, kreason,
				      lrep ? "\nscheduler says: " : "", lrep ? lrep : ""));
		free(kreason);
		free(lrep);
		return -ENODEV;
	}
	if (sp->reaped)
		set_failure(sp, SCHED_EXITED,
			    xasprintf("scheduler %s %s %.1f s after attaching (died mid-test)%s%s",
				      sp->name, status_text(sp->wait_status, buf, sizeof(buf)),
				      (sp->end_ns - sp->attach_ns) / 1e9,
				      kreason ? "; kernel: " : "", kreason ? kreason : ""));
	else
		set_failure(sp, SCHED_EJECTED,
			    xasprintf("scheduler %s is still running but sched_ext is no longer "
				      "enabled (%s)%s%s",
				      sp->name, kreason ? kreason : "no kernel message",
				      lrep ? "\nscheduler says: " : "", lrep ? lrep : ""));
	free(kreason);
	free(lrep);
	return sp->reaped ? -ESRCH : -ENODEV;
}

static void make_cgroup_parent(const struct sched_opts *o)
{
	const char *fs = o->cgroup_fs ? o->cgroup_fs : "/sys/fs/cgroup";
	char *path, *ctl;

	if (!o->cgroup_parent || !*o->cgroup_parent)
		return;
	path = xasprintf("%s/%s", fs, o->cgroup_parent + (*o->cgroup_parent == '/'));
	if (mkdir_p(path, 0755))
		log_warn("cannot create cgroup %s: %s", path, strerror(errno));
	/* let the parent's children use cpuset and cpu controllers */
	ctl = xasprintf("%s/cgroup.subtree_control", path);
	if (file_write_str(ctl, "+cpuset +cpu"))
		log_debug("cannot enable controllers in %s", ctl);
	free(ctl);
	free(path);
}

int sched_start(struct sched_proc *sp, const struct sched_opts *o)
{
	unsigned timeout = o->attach_timeout_ms ? o->attach_timeout_ms : SCHED_ATTACH_TIMEOUT_MS;
	int pfd[2], err = 0, logfd;
	size_t nargs = 0, i;
	char **argv;
	ssize_t n;
	unsigned waited;

	memset(sp, 0, sizeof(*sp));
	sp->kmsg_fd = -1;
	sp->name = xstrdup(o->name ? o->name : o->path);
	sp->path = xstrdup(o->path);
	sp->log_path = o->log_path ? xstrdup(o->log_path) : NULL;
	sp->sysfs = xstrdup(o->sysfs ? o->sysfs : SCHED_SYSFS);
	make_cgroup_parent(o);
	kmsg_open(sp, o->kmsg ? o->kmsg : "/dev/kmsg");

	while (o->args && o->args[nargs])
		nargs++;
	argv = xcalloc(nargs + 2, sizeof(*argv));
	argv[0] = sp->path;
	for (i = 0; i < nargs; i++)
		argv[i + 1] = o->args[i];

	logfd = open(sp->log_path ? sp->log_path : "/dev/null",
		     O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (logfd < 0 || pipe2(pfd, O_CLOEXEC)) {
		err = -errno;
		if (logfd >= 0)
			close(logfd);
		free(argv);
		set_failure(sp, SCHED_EXEC_FAILED,
			    xasprintf("cannot start scheduler %s: log %s: %s", sp->name,
				      sp->log_path ? sp->log_path : "/dev/null", strerror(-err)));
		return err;
	}
	sp->start_ns = now_ns();
	sp->pid = fork();
	if (sp->pid == 0) {
		setpgid(0, 0);
		dup2(logfd, 1);
		dup2(logfd, 2);
		execv(sp->path, argv);
		err = errno;
		if (write(pfd[1], &err, sizeof(err)) < 0)
			_exit(126);
		_exit(127);
	}
	err = sp->pid < 0 ? -errno : 0;
	close(logfd);
	close(pfd[1]);
	free(argv);
	if (err) {
		sp->pid = 0;
		close(pfd[0]);
		set_failure(sp, SCHED_EXEC_FAILED,
			    xasprintf("cannot fork scheduler %s: %s", sp->name, strerror(-err)));
		return err;
	}
	do
		n = read(pfd[0], &err, sizeof(err));
	while (n < 0 && errno == EINTR);
	close(pfd[0]);
	if (n == sizeof(err)) {
		reap(sp, true);
		set_failure(sp, SCHED_EXEC_FAILED,
			    xasprintf("cannot execute scheduler %s (%s): %s", sp->name, sp->path,
				      strerror(err)));
		return -err;
	}

	for (waited = 0;; waited += POLL_MS) { /* counted in sleeps: see reap_within */
		char *state, *ops;

		if (reap(sp, false)) {
			char buf[96], *log = read_log(sp), *vlog = sched_verifier_excerpt(log, SCHED_VERIFIER_LINES);

			kmsg_drain(sp);
			set_failure(sp, SCHED_LOAD_FAILED,
				    xasprintf("scheduler %s %s %.1f s after start, before attaching "
					      "(load or verifier failure)%s%s",
					      sp->name, status_text(sp->wait_status, buf, sizeof(buf)),
					      secs_since(sp->start_ns), vlog ? ":\n" : "",
					      vlog ? vlog : ""));
			free(vlog);
			free(log);
			return -ESRCH;
		}
		state = sysfs_read(sp, "state");
		ops = sysfs_read(sp, "root/ops");
		if (state && !strcmp(state, "enabled") && ops && *ops) {
			free(state);
			sp->ops = ops;
			sp->attach_ns = now_ns();
			sp->state = SCHED_RUNNING;
			kmsg_drain(sp);
			return 0;
		}
		free(ops);
		if (!state && !path_is_dir(sp->sysfs)) {
			kill_and_reap(sp);
			set_failure(sp, SCHED_NOT_ATTACHED,
				    xasprintf("scheduler %s cannot attach: %s is absent (kernel "
					      "without CONFIG_SCHED_CLASS_EXT?)",
					      sp->name, sp->sysfs));
			return -ENODEV;
		}
		free(state);
		if (waited >= timeout) {
			char *st = sysfs_read(sp, "state");

			kill_and_reap(sp);
			set_failure(sp, SCHED_NOT_ATTACHED,
				    xasprintf("scheduler %s did not attach within %u ms (sched_ext "
					      "state: %s); killed",
					      sp->name, timeout, st ? st : "unreadable"));
			free(st);
			return -ETIMEDOUT;
		}
		sleep_ms(POLL_MS);
	}
}

int sched_poll(struct sched_proc *sp)
{
	char *state;
	bool enabled;

	if (sched_failed(sp))
		return sp->state == SCHED_EXITED ? -ESRCH : -ENODEV;
	if (sp->state != SCHED_RUNNING)
		return 0;
	kmsg_drain(sp);
	if (reap(sp, false))
		return classify_death(sp, false);
	state = sysfs_read(sp, "state");
	enabled = state && !strcmp(state, "enabled");
	free(state);
	if (!enabled)
		return classify_death(sp, true);
	return 0;
}

int sched_stop(struct sched_proc *sp, unsigned timeout_ms)
{
	int ret = sched_poll(sp);

	if (ret || sp->state != SCHED_RUNNING)
		return ret;
	kill(sp->pid, SIGINT);
	if (!reap_within(sp, timeout_ms ? timeout_ms : SCHED_STOP_TIMEOUT_MS)) {
		log_warn("scheduler %s did not exit within %u ms of SIGINT; killing it", sp->name,
			 timeout_ms);
		kill_and_reap(sp);
	}
	kmsg_drain(sp);
	sp->state = SCHED_STOPPED;
	return 0;
}

char *sched_log_tail(const struct sched_proc *sp, unsigned max_lines)
{
	char *log = read_log(sp), *p, *out;
	unsigned n = 0;
	size_t len;

	if (!log)
		return xstrdup("");
	len = strlen(log);
	while (len && log[len - 1] == '\n')
		log[--len] = 0;
	for (p = log + len; p > log; p--)
		if (p[-1] == '\n' && ++n == max_lines)
			break;
	out = xstrdup(p);
	free(log);
	return out;
}

char *sched_failure_text(const struct sched_proc *sp)
{
	char *tail, *out;

	if (!sched_failed(sp))
		return NULL;
	/* a load failure's reason already carries the verifier's lines */
	if (sp->state == SCHED_LOAD_FAILED && sp->reason && strchr(sp->reason, '\n'))
		return xstrdup(sp->reason);
	tail = sched_log_tail(sp, SCHED_DETAIL_TAIL_LINES);
	out = xasprintf("%s\n--- scheduler log (last %u lines) ---\n%s",
			sp->reason ? sp->reason : sched_state_name(sp->state),
			SCHED_DETAIL_TAIL_LINES, *tail ? tail : "(empty)");
	free(tail);
	return out;
}

void sched_report(const struct sched_proc *sp, struct ktstr_result *r)
{
	char *text = sched_failure_text(sp);

	if (text)
		result_fail(r, KTSTR_SCHED_DIED, "%s", text);
	free(text);
}

char *sched_check_hook(void *arg)
{
	struct sched_proc *sp = arg;

	sched_poll(sp);
	return sched_failure_text(sp);
}

char *sched_event_json(const struct sched_proc *sp)
{
	struct sched_event ev;
	char *s;

	sched_event_init(&ev);
	ev.event = (char *)sched_state_name(sp->state);
	ev.name = sp->name;
	ev.pid = sp->pid;
	ev.ops = sp->ops;
	if (sp->attach_ns)
		ev.attach_ms = (sp->attach_ns - sp->start_ns) / 1000000;
	if (sp->start_ns)
		ev.elapsed_ms = ((sp->end_ns ? sp->end_ns : now_ns()) - sp->start_ns) / 1000000;
	ev.reason = sp->reason;
	s = sched_event_to_json(&ev);
	return s;
}

int sched_send_event(int fd, const struct sched_proc *sp)
{
	char *s = sched_event_json(sp);
	int ret = chan_send(fd, CHAN_SCHED, s, strlen(s));

	free(s);
	return ret;
}

void sched_free(struct sched_proc *sp)
{
	kill_and_reap(sp);
	if (sp->kmsg_fd >= 0)
		close(sp->kmsg_fd);
	free(sp->name);
	free(sp->path);
	free(sp->log_path);
	free(sp->sysfs);
	free(sp->ops);
	free(sp->reason);
	sb_free(&sp->kmsg);
	memset(sp, 0, sizeof(*sp));
	sp->kmsg_fd = -1;
}

int sched_check_pid(pid_t pid, const char *sysfs, char **why)
{
	char *path = xasprintf("/proc/%d/stat", (int)pid), *stat = file_read_line(path), *p;
	char *state;
	bool enabled;

	free(path);
	p = stat ? strrchr(stat, ')') : NULL;
	if (!p || p[1] != ' ' || p[2] == 'Z' || p[2] == 'X') {
		*why = xasprintf("scheduler process %d is %s", (int)pid, p ? "dead (zombie)" : "gone");
		free(stat);
		return -ESRCH;
	}
	free(stat);
	path = xasprintf("%s/state", sysfs ? sysfs : SCHED_SYSFS);
	state = file_read_line(path);
	free(path);
	enabled = state && !strcmp(state, "enabled");
	if (!enabled) {
		*why = xasprintf("sched_ext is %s while scheduler process %d is alive",
				 state ? state : "unreadable", (int)pid);
		free(state);
		return -ENODEV;
	}
	free(state);
	return 0;
}
