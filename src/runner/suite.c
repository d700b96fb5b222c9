// SPDX-License-Identifier: GPL-2.0-only
#include "runner/suite.h"
#include "core/entry.h"
#include "guest/covflush.h"
#include "runner/budget.h"
#include "runner/host_class.h"
#include "runner/output.h"
#include "runner/retry.h"
#include "runner/timefmt.h"
#include "util/interrupt.h"
#include "util/util.h"
#include "vm/accel.h"
#include "vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define OUTCOME_MAX (8u << 20)

/* A worker hands its outcome to the parent as one JSON document on a pipe. */
static char *outcome_to_json(const struct run_outcome *o)
{
	json_t *j = json_object();
	char *text;

	json_object_set_new(j, "name", json_string(o->name));
	json_object_set_new(j, "topology", json_string(o->topology));
	json_object_set_new(j, "accel", json_string(o->accel ? o->accel : "?"));
	json_object_set_new(j, "wall_s", json_real(o->wall_s));
	json_object_set_new(j, "result", result_to_json(&o->result));
	json_object_set_new(j, "note", o->note ? json_string(o->note) : json_null());
	json_object_set_new(j, "record",
			    o->record_path ? json_string(o->record_path) : json_null());
	json_object_set_new(j, "text", json_string(o->text ? o->text : ""));
	json_object_set_new(j, "flaky", json_boolean(o->flaky));
	json_object_set_new(j, "attempts", attempts_to_json(o->attempts, o->nattempts));
	text = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	if (!text)
		abort();
	return text;
}

static char *opt_str(json_t *j, const char *key)
{
	json_t *v = json_object_get(j, key);

	return json_is_string(v) ? xstrdup(json_string_value(v)) : NULL;
}

static int outcome_from_json(const char *text, size_t len, struct run_outcome *o, char **err)
{
	json_error_t jerr;
	json_t *j = json_loadb(text, len, 0, &jerr);
	char *s;
	int ret;

	memset(o, 0, sizeof(*o));
	if (!j) {
		*err = xasprintf("bad JSON: %s", jerr.text);
		return -EINVAL;
	}
	ret = result_from_json(json_object_get(j, "result"), &o->result, err);
	if (!ret) {
		ret = attempts_from_json(json_object_get(j, "attempts"), &o->attempts,
					 &o->nattempts, err);
		if (ret)
			result_free(&o->result);
	}
	if (!ret) {
		o->name = opt_str(j, "name");
		s = opt_str(j, "topology");
		snprintf(o->topology, sizeof(o->topology), "%s", s ? s : "?");
		free(s);
		o->accel = opt_str(j, "accel");
		o->wall_s = json_number_value(json_object_get(j, "wall_s"));
		o->note = opt_str(j, "note");
		o->record_path = opt_str(j, "record");
		o->text = opt_str(j, "text");
		o->flaky = json_is_true(json_object_get(j, "flaky"));
	}
	json_decref(j);
	return ret;
}

/*
 * SIGINT/SIGTERM of the suite reach every worker: a terminal's Ctrl-C does
 * that by itself (one process group), a `kill` of the suite alone does not.
 * Each worker's launcher then kills its QEMU (vm.h), and the worker records
 * its test as interrupted and hands in its outcome (util/interrupt.h); the
 * suite starts nothing more, collects those outcomes, prints its summary and
 * returns 128 + the signal.
 */
#define SUITE_MAX_WORKERS 256
/* how long interrupted workers get to hand in their outcomes before SIGKILL */
#define SUITE_WIND_DOWN_NS (30 * 1000000000ull)
static volatile pid_t suite_workers[SUITE_MAX_WORKERS];

static void suite_on_signal(int sig)
{
	interrupt_note(sig);
	for (size_t i = 0; i < SUITE_MAX_WORKERS; i++)
		if (suite_workers[i] > 0)
			kill(suite_workers[i], sig);
}

static void suite_track(pid_t pid, bool add)
{
	for (size_t i = 0; i < SUITE_MAX_WORKERS; i++) {
		if (add ? suite_workers[i] == 0 : suite_workers[i] == pid) {
			suite_workers[i] = add ? pid : 0;
			return;
		}
	}
}

static void suite_signals(bool install)
{
	struct sigaction sa = { .sa_handler = install ? suite_on_signal : SIG_DFL }, old;

	for (int sig = SIGINT; sig; sig = sig == SIGINT ? SIGTERM : 0) {
		sigaction(sig, NULL, &old);
		if (old.sa_handler != SIG_IGN) /* a background job ignores SIGINT: keep it so */
			sigaction(sig, &sa, NULL);
	}
}

struct job {
	const struct plan_item *it;
	pid_t pid;
	int fd;
	unsigned threads; /* host threads it keeps busy */
	struct strbuf buf;
	uint64_t start;
};

static unsigned item_threads(const struct plan_item *it, enum accel_kind kind)
{
	if (it->test->host_only)
		return 1;
	return vm_host_threads(kind, vm_tcg_multi(), topo_total_cpus(&it->topo));
}

/* Once: the -j the user asked for is more VMs than the host's CPUs hold. */
static void say_jobs_lowered(unsigned jobs, size_t nrun, unsigned host_cpus, unsigned threads,
			     enum accel_kind kind)
{
	log_info("-j %u lowered to %zu VM%s at once: the host has %u CPU%s and the next VM keeps "
		 "%u host thread%s busy (%s)",
		 jobs, nrun, nrun == 1 ? "" : "s", host_cpus, host_cpus == 1 ? "" : "s", threads,
		 threads == 1 ? "" : "s",
		 kind == ACCEL_TCG && !vm_tcg_multi()
			 ? "single-threaded TCG runs all its vCPUs on one"
			 : "one per vCPU");
}

/*
 * Stage reports go up the worker's pipe ahead of its outcome as records
 * STAGE_RS <stage> '\n' (a JSON outcome never holds a raw control byte).
 */
#define STAGE_RS '\x1e'

static void job_stage_write(void *arg, const char *stage)
{
	char rec[80];
	int n = snprintf(rec, sizeof(rec), "%c%.64s\n", STAGE_RS, stage);

	write_full(*(int *)arg, rec, (size_t)n);
}

/* Take the complete stage records at the head of the buffer, newest last. */
static void job_take_stages(struct job *j, const struct suite_hooks *h, size_t idx)
{
	size_t used = 0;

	while (used < j->buf.len && j->buf.buf[used] == STAGE_RS) {
		char *nl = memchr(j->buf.buf + used, '\n', j->buf.len - used);

		if (!nl)
			break;
		*nl = '\0';
		if (h->on_stage)
			h->on_stage(h->arg, idx, j->buf.buf + used + 1);
		used = (size_t)(nl - j->buf.buf) + 1;
	}
	if (used) {
		memmove(j->buf.buf, j->buf.buf + used, j->buf.len - used);
		j->buf.len -= used;
		j->buf.buf[j->buf.len] = '\0';
	}
}

static int job_start(struct job *j, const struct run_opts *opts)
{
	int p[2];

	if (pipe2(p, O_CLOEXEC))
		return -errno;
	fflush(NULL);
	j->pid = fork();
	if (j->pid < 0) {
		close(p[0]);
		close(p[1]);
		return -errno;
	}
	if (j->pid == 0) {
		struct run_outcome o;
		char *text;

		struct run_opts wopts = *opts;

		interrupt_install(); /* run_one winds down and reports "interrupted" */
		close(p[0]);
		wopts.on_stage = job_stage_write;
		wopts.stage_arg = &p[1];
		retry_run(j->it, &wopts, &o);
		text = outcome_to_json(&o);
		write_full(p[1], text, strlen(text));
		covflush_dump(); /* a coverage build keeps this worker's host-side counts */
		_exit(0);
	}
	close(p[1]);
	suite_track(j->pid, true);
	if (interrupt_signal()) /* before it was tracked, the handler could not reach it */
		kill(j->pid, interrupt_signal());
	j->fd = p[0];
	j->start = now_ns();
	memset(&j->buf, 0, sizeof(j->buf));
	return 0;
}

/* The worker died without an outcome (it should not): say so as a failure. */
static void job_lost(struct job *j, int status, struct run_outcome *o)
{
	struct strbuf sb = { 0 };

	memset(o, 0, sizeof(*o));
	o->name = xstrdup(j->it->name);
	topo_format(&j->it->topo, o->topology, sizeof(o->topology));
	o->accel = xstrdup("?");
	o->wall_s = (double)(now_ns() - j->start) / 1e9;
	result_init(&o->result);
	result_fail(&o->result, KTSTR_OTHER, "harness worker for this test ended without a "
		    "result (wait status 0x%x)", (unsigned)status);
	if (interrupt_signal())
		o->result.verdict = KTSTR_INTERRUPTED;
	sb_printf(&sb, "%s %s\n    %s\n", interrupt_signal() ? "INTERRUPTED" : "FAIL", o->name,
		  o->result.details[0].msg);
	o->text = sb_steal(&sb);
}

static void job_finish(struct job *j, struct output_report *rep, const struct suite_hooks *h,
		       size_t idx, unsigned max_attempts)
{
	struct run_outcome o;
	char *err = NULL;
	int status = 0;

	waitpid(j->pid, &status, 0);
	suite_track(j->pid, false);
	close(j->fd);
	if (!j->buf.len || outcome_from_json(j->buf.buf, j->buf.len, &o, &err)) {
		if (err)
			log_err("%s: worker outcome unreadable: %s", j->it->name, err);
		free(err);
		job_lost(j, status, &o);
	}
	if (h->on_finish)
		h->on_finish(h->arg, idx, &o);
	fputs(o.text ? o.text : "", h->out);
	fflush(h->out);
	{
		struct output_test ot = {
			.name = o.name,
			.topology = o.topology,
			.accel = o.accel,
			.wall_s = o.wall_s,
			.result = &o.result,
			.note = o.note,
			.record_path = o.record_path,
			.attempt = o.nattempts,
			.max_attempts = max_attempts,
			.attempts = o.attempts,
			.nattempts = o.nattempts,
		};

		output_report_add(rep, &ot);
	}
	run_outcome_free(&o);
	sb_free(&j->buf);
	j->pid = 0;
}

/*
 * --budget at run time: an item whose estimate would end it past the budget
 * is not started (the host runs slower than estimated). Reported like a
 * resource-contention skip (a failure under --no-skip). True if it was.
 */
static bool budget_refuses(const struct plan_item *it, const struct run_opts *opts, uint64_t t0,
			   struct output_report *rep, FILE *out)
{
	struct accel_choice accel = { .kind = ACCEL_TCG };
	double elapsed = (double)(now_ns() - t0) / 1e9, est;
	struct ktstr_result r;
	struct strbuf sb = { 0 };
	char *why, *msg;
	char topo[32];

	if (opts->budget_s <= 0)
		return false;
	if (!it->test->host_only)
		accel_detect(&accel);
	est = budget_estimate_s(it, accel.kind);
	if (elapsed + est <= opts->budget_s)
		return false;
	why = xasprintf("not started: the --budget of %.0f s would be exceeded (%.0f s elapsed, "
			"about %.0f s needed)", opts->budget_s, elapsed, est);
	msg = host_class_message(HOST_RESOURCE_CONTENTION, why, opts->no_skip);
	result_init(&r);
	if (host_class_verdict(HOST_RESOURCE_CONTENTION, opts->no_skip) == KTSTR_SKIP)
		result_skip(&r, "%s", msg);
	else
		result_fail(&r, KTSTR_OTHER, "%s", msg);
	topo_format(&it->topo, topo, sizeof(topo));
	{
		struct output_test ot = {
			.name = it->name,
			.topology = topo,
			.accel = it->test->host_only ? "host" : accel_name(accel.kind),
			.result = &r,
		};

		output_test_format(&sb, &ot, opts->verbosity, opts->color);
		output_report_add(rep, &ot);
	}
	fputs(sb.buf ? sb.buf : "", out);
	fflush(out);
	sb_free(&sb);
	result_free(&r);
	free(why);
	free(msg);
	return true;
}

int suite_run(const struct plan_item *items, size_t n, const struct run_opts *opts,
	      unsigned jobs, const char *junit, const char *suite_name)
{
	return suite_run_hooks(items, n, opts, jobs, junit, suite_name, NULL);
}

int suite_run_hooks(const struct plan_item *items, size_t n, const struct run_opts *opts,
		    unsigned jobs, const char *junit, const char *suite_name,
		    const struct suite_hooks *hooks)
{
	struct suite_hooks h = hooks ? *hooks : (struct suite_hooks){ 0 };
	unsigned host_cpus = (unsigned)MAX(sysconf(_SC_NPROCESSORS_ONLN), 1L);
	struct output_report rep = { 0 };
	struct job *run = xcalloc(n ? n : 1, sizeof(*run));
	struct accel_choice accel = { .kind = ACCEL_TCG };
	size_t next = 0, nrun = 0;
	unsigned busy = 0, asked = jobs;
	bool said_lowered = false;
	struct strbuf sb = { 0 };
	uint64_t t0, stop_by = 0;
	int code;

	if (!h.out)
		h.out = stdout;
	if (!jobs)
		jobs = host_cpus;
	t0 = now_ns();
	suite_signals(true);
	/* one run directory for every worker of this suite */
	timefmt_run_id();
	timefmt_export_run_id();
	/* decided (and explained, once) here; the forked workers inherit it */
	for (size_t i = 0; i < n; i++) {
		if (!items[i].test->host_only) {
			accel_detect(&accel);
			break;
		}
	}
	while (next < n || nrun) {
		struct pollfd *pfd;
		size_t np = 0;

		if (interrupt_signal() && !stop_by)
			stop_by = now_ns() + SUITE_WIND_DOWN_NS;
		if (stop_by && now_ns() > stop_by)
			for (size_t i = 0; i < nrun; i++)
				kill(run[i].pid, SIGKILL);
		if (stop_by && !nrun)
			break;
		/* start what fits: -j slots and the host threads the VMs keep busy
		 * against host CPUs (a lone test always runs) */
		while (!stop_by && next < n && nrun < jobs && nrun < SUITE_MAX_WORKERS) {
			unsigned v = item_threads(&items[next], accel.kind);
			struct job *j = &run[nrun];

			if (budget_refuses(&items[next], opts, t0, &rep, h.out)) {
				next++;
				continue;
			}
			if (nrun && busy + v > host_cpus) {
				if (asked && !said_lowered)
					say_jobs_lowered(asked, nrun, host_cpus, v, accel.kind);
				said_lowered = true;
				break;
			}
			j->it = &items[next];
			j->threads = v;
			if (job_start(j, opts)) {
				log_err("%s: cannot start a worker: %s", j->it->name, strerror(errno));
				break;
			}
			if (h.on_start)
				h.on_start(h.arg, next);
			next++;
			nrun++;
			busy += v;
		}
		if (!nrun && next == n)
			break; /* the budget refused the rest */
		if (!nrun) {
			/* could not fork at all: report the rest as lost */
			log_err("no worker could be started; %zu test(s) not run", n - next);
			break;
		}
		pfd = xcalloc(nrun, sizeof(*pfd));
		for (size_t i = 0; i < nrun; i++)
			pfd[np++] = (struct pollfd){ run[i].fd, POLLIN, 0 };
		if (poll(pfd, np, h.on_tick || stop_by ? 1000 : -1) < 0 && errno != EINTR) {
			free(pfd);
			break;
		}
		for (size_t i = nrun; i-- > 0;) {
			char buf[65536];
			ssize_t r;

			if (!pfd[i].revents)
				continue;
			r = read(run[i].fd, buf, sizeof(buf));
			if (r > 0 && run[i].buf.len + (size_t)r <= OUTCOME_MAX) {
				sb_appendn(&run[i].buf, buf, (size_t)r);
				job_take_stages(&run[i], &h, (size_t)(run[i].it - items));
				continue;
			}
			if (r < 0 && errno == EINTR)
				continue;
			if (r > 0) /* an outcome past the cap: the worker is broken */
				kill(run[i].pid, SIGKILL);
			job_finish(&run[i], &rep, &h, (size_t)(run[i].it - items),
				   opts->retries + 1);
			busy -= run[i].threads;
			run[i] = run[--nrun];
		}
		free(pfd);
		if (h.on_tick)
			h.on_tick(h.arg);
	}
	free(run);
	suite_signals(false);

	if (h.before_summary)
		h.before_summary(h.arg);
	output_summary_format(&sb, rep.passed, rep.failed, rep.flaky, rep.skipped,
			      rep.interrupted, opts->retries > 0);
	fputs(sb.buf, h.out);
	fflush(h.out);
	sb_free(&sb);
	code = output_report_exit_code(&rep, opts->flaky_fails);
	if (next < n)
		code = KTSTR_EXIT_FAIL;
	if (stop_by)
		code = 128 + interrupt_signal();
	if (junit) {
		char *err = NULL;

		if (output_junit_write(&rep, suite_name, junit, &err)) {
			log_err("%s", err);
			free(err);
			code = KTSTR_EXIT_FAIL;
		}
	}
	output_report_free(&rep);
	return code;
}
