// SPDX-License-Identifier: GPL-2.0-only
#include "runner/run_one.h"
#include "core/entry.h"
#include "core/sched_args.h"
#include "core/thresholds.h"
#include "guest/body.h"
#include "guest/covflush.h"
#include "guest/scxdump.h"
#include "monitor/monitor.h"
#include "monitor/report.h"
#include "proto/channel.h"
#include "proto/orders.h"
#include "proto/probe.h"
#include "proto/sched_event.h"
#include "proto/tracefs.h"
#include "proto/verstats.h"
#include "runner/covmerge.h"
#include "runner/eval.h"
#include "runner/host_class.h"
#include "runner/output.h"
#include "runner/payload.h"
#include "runner/runtime.h"
#include "runner/sidecar.h"
#include "runner/timefmt.h"
#include "runner/tracejson.h"
#include "util/interrupt.h"
#include "vm/accel.h"
#include "vm/initramfs.h"
#include "vm/kernel.h"
#include "vm/snapshot.h"
#include "vm/vm.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#define LOG_CAP (256u << 10) /* guest log lines kept per test */
#define STAGE_CAP 64

/* ---- what the guest sent ---- */

struct collect {
	bool have_result;
	struct ktstr_result result;
	struct strbuf log;
	bool log_cut;
	struct strbuf sched_log;
	struct strbuf scx_dump;    /* the kernel's sched_ext debug dump (scxdump.h) */
	struct strbuf trace;       /* --trace: the guest's tracefs text (proto/tracefs.h) */
	struct strbuf verifier;    /* the scheduler's verifier logs (proto/verstats.h) */
	struct strbuf probes;      /* auto-repro probe hits (probe.h) */
	char *sched;         /* "name ops=X" from the guest's CHAN_SCHED attach event */
	char stage[STAGE_CAP];
	uint64_t body_start, body_end; /* when the "body" stage began and the next one */
	unsigned bad_frames;
	struct monitor *mon;           /* host-side monitor of this VM */
	struct metric_set metrics; /* payload metrics (CHAN_METRICS), named <payload>.<metric> */
	char *cov_dir;             /* coverage files from the guest, staged (covmerge.h) */
	const struct run_opts *opts; /* its on_stage hook */
	size_t cov_staged;
};

static void collect_line(struct strbuf *sb, bool *cut, const struct chan_frame *f)
{
	if (sb->len + f->len + 1 > LOG_CAP) {
		if (!*cut)
			sb_append(sb, "[guest log cut at 256 KiB]\n");
		*cut = true;
		return;
	}
	/* the payload is NUL-terminated by the decoder but may hold NULs */
	sb_appendn(sb, (const char *)f->data, strnlen((const char *)f->data, f->len));
	sb_append(sb, "\n");
}

static void collect_sched(struct collect *c, const struct chan_frame *f)
{
	struct sched_event ev;
	char *err = NULL;

	if (sched_event_from_json((const char *)f->data, f->len, &ev, &err)) {
		c->bad_frames++;
		free(err);
		return;
	}
	if (ev.ops && !c->sched) {
		c->sched = xasprintf("%.64s ops=%.64s", ev.name, ev.ops);
		str_printable(c->sched, strlen(c->sched)); /* untrusted */
	}
	sched_event_free(&ev);
}

static void collect_result(struct collect *c, const struct chan_frame *f)
{
	json_error_t jerr;
	json_t *j = json_loadb((const char *)f->data, f->len, 0, &jerr);
	struct ktstr_result r;
	char *err = NULL;

	if (!j || result_from_json(j, &r, &err)) {
		c->bad_frames++;
		if (!c->have_result)
			result_init(&c->result);
		c->have_result = true;
		result_fail(&c->result, KTSTR_OTHER, "malformed result from the guest: %s",
			    j ? err : jerr.text);
		free(err);
		json_decref(j);
		return;
	}
	json_decref(j);
	if (r.verdict == KTSTR_INTERRUPTED) { /* the host's verdict, never the guest's */
		c->bad_frames++;
		result_free(&r);
		result_init(&r);
		result_fail(&r, KTSTR_OTHER, "malformed result from the guest: verdict "
			    "'interrupted' is the host's");
	}
	if (!c->have_result) {
		c->result = r;
		c->have_result = true;
		return;
	}
	/* init adds a result after the body's (timeout, scheduler death): worst wins */
	result_merge(&c->result, &r);
	result_free(&r);
}

/* A file whose text the host parses itself (untrusted, bounded): kept as sent. */
static bool collect_raw(struct collect *c, const char *name, size_t nlen, const uint8_t *data,
			size_t len)
{
	struct strbuf *dst = NULL;
	size_t max = 0;

	if (nlen == strlen(TRACEFS_FILE) && !memcmp(name, TRACEFS_FILE, nlen))
		dst = &c->trace, max = CHAN_MAX_PAYLOAD;
	else if (nlen == strlen(VERIFIER_FILE) && !memcmp(name, VERIFIER_FILE, nlen))
		dst = &c->verifier, max = VERIFIER_LOG_MAX;
	if (!dst)
		return false;
	sb_free(dst);
	sb_appendn(dst, (const char *)data, MIN(len, max));
	return true;
}

/* CHAN_FILE: u16 LE name length, name, data: the scheduler log, coverage
 * data, a trace or verifier logs. */
static void collect_file(struct collect *c, const struct chan_frame *f)
{
	static const char sched_log[] = "sched.log", dump[] = SCXDUMP_FILE,
			  cov[] = COVFLUSH_FILE_PREFIX, probes[] = PROBE_FILE;
	size_t nlen, plen = sizeof(cov) - 1;
	struct strbuf *dst;
	char *err = NULL;

	if (f->len < 2)
		return;
	nlen = (size_t)f->data[0] | (size_t)f->data[1] << 8;
	if (nlen > f->len - 2)
		return;
	if (c->cov_dir && nlen > plen && !memcmp(f->data + 2, cov, plen)) {
		if (covmerge_stage(c->cov_dir, (const char *)f->data + 2 + plen, nlen - plen,
				   f->data + 2 + nlen, f->len - 2 - nlen, &c->cov_staged, &err)) {
			c->bad_frames++;
			sb_printf(&c->log, "[host] %s\n", err);
			free(err);
		}
		return;
	}
	if (collect_raw(c, (const char *)f->data + 2, nlen, f->data + 2 + nlen, f->len - 2 - nlen))
		return;
	if (nlen == sizeof(sched_log) - 1 && !memcmp(f->data + 2, sched_log, nlen))
		dst = &c->sched_log;
	else if (nlen == sizeof(dump) - 1 && !memcmp(f->data + 2, dump, nlen))
		dst = &c->scx_dump;
	else if (nlen == sizeof(probes) - 1 && !memcmp(f->data + 2, probes, nlen))
		dst = &c->probes;
	else
		return;
	sb_free(dst);
	sb_appendn(dst, (const char *)f->data + 2 + nlen,
		   MIN((size_t)f->len - 2 - nlen, (size_t)LOG_CAP));
	for (size_t i = 0; i < dst->len; i++) /* text for terminals and JSON */
		if ((unsigned char)dst->buf[i] < ' ' && dst->buf[i] != '\n' && dst->buf[i] != '\t')
			dst->buf[i] = '?';
}

static void on_frame(void *arg, const struct chan_frame *f)
{
	struct collect *c = arg;

	switch (f->type) {
	case CHAN_RESULT:
		collect_result(c, f);
		break;
	case CHAN_LOG:
		collect_line(&c->log, &c->log_cut, f);
		break;
	case CHAN_SCHED: /* scheduler state changes (JSON), kept with the guest log */
		collect_sched(c, f);
		collect_line(&c->log, &c->log_cut, f);
		break;
	case CHAN_FILE:
		collect_file(c, f);
		break;
	case CHAN_KALLSYMS:
		monitor_feed_kallsyms(c->mon, f->data, f->len);
		break;
	case CHAN_METRICS: {
		char *err = NULL;

		if (payload_metrics_merge(&c->metrics, f->data, f->len, &err) < 0) {
			c->bad_frames++;
			sb_printf(&c->log, "[host] payload metrics dropped: %s\n", err);
			free(err);
		}
		break;
	}
	case CHAN_MARK:
		monitor_mark(c->mon, f->data, f->len);
		break;
	case CHAN_STAGE:
		snprintf(c->stage, sizeof(c->stage), "%.*s", (int)MIN(f->len, STAGE_CAP - 1),
			 (const char *)f->data);
		str_printable(c->stage, strlen(c->stage));
		monitor_mark(c->mon, f->data, f->len);
		if (c->opts && c->opts->on_stage)
			c->opts->on_stage(c->opts->stage_arg, c->stage);
		if (!strcmp(c->stage, "body"))
			c->body_start = now_ns();
		else if (c->body_start && !c->body_end)
			c->body_end = now_ns();
		break;
	default:
		break;
	}
}

/* CHAN_MAP_REQ: the body reads or writes a BPF map through the monitor's view
 * of guest memory. Logged, and a write marks the monitor's timeline. */
static uint16_t answer(void *arg, const struct chan_frame *f, void **payload, uint32_t *len)
{
	struct collect *c = arg;
	struct map_req rq;
	struct map_reply rp;
	char *err = NULL, where[2 * MAPREQ_NAME_MAX + 16];

	if (f->type != CHAN_MAP_REQ)
		return 0;
	if (mapreq_decode(f->data, f->len, &rq, &err)) {
		c->bad_frames++;
		memset(&rp, 0, sizeof(rp));
		rp.id = rq.id;
		rp.rc = -EINVAL;
		snprintf(rp.error, sizeof(rp.error), "malformed map request: %s", err);
		free(err);
	} else {
		monitor_map_request(c->mon, &rq, &rp);
		snprintf(where, sizeof(where), "%s%s%s+%u", rp.map[0] ? rp.map : rq.map,
			 rq.var[0] ? ":" : "", rq.var, rq.offset);
		if (rq.write && !rp.rc) {
			char mark[64];
			int n = snprintf(mark, sizeof(mark), "map %s=%u", rq.var[0] ? rq.var : where,
					 rq.value);

			monitor_mark(c->mon, mark, (size_t)MIN(n, (int)sizeof(mark) - 1));
		}
		if (rp.rc)
			sb_printf(&c->log, "[host] map %s %s: %s\n", rq.write ? "write" : "read",
				  where, rp.error);
		else
			sb_printf(&c->log, "[host] map %s %s (value offset %u) %s %u\n",
				  rq.write ? "write" : "read", where, rp.offset,
				  rq.write ? "<-" : "=", rp.value);
	}
	*payload = mapreply_encode(&rp);
	*len = (uint32_t)strlen(*payload);
	return CHAN_MAP_REPLY;
}

/* The monitor's live checks found a violation: have the guest take the
 * kernel's sched_ext dump while the state is there to see. */
static uint16_t tick(void *arg, void **payload, uint32_t *len)
{
	struct collect *c = arg;

	if (!monitor_take_dump_request(c->mon))
		return 0;
	sb_printf(&c->log, "[host] monitor: a check failed; asking the guest for the kernel's "
			   "sched_ext dump\n");
	*payload = NULL;
	*len = 0;
	return CHAN_SCXDUMP;
}

static void collect_free(struct collect *c)
{
	if (c->have_result)
		result_free(&c->result);
	sb_free(&c->log);
	sb_free(&c->sched_log);
	sb_free(&c->scx_dump);
	sb_free(&c->trace);
	sb_free(&c->verifier);
	sb_free(&c->probes);
	free(c->sched);
	metrics_free(&c->metrics);
	free(c->cov_dir);
}

/* What the guest's coverage files became on the host, one log line. */
static void collect_cov_merge(struct collect *c)
{
	struct covmerge_stats st;
	char *err = NULL;

	if (covmerge_apply(c->cov_dir, &st, &err)) {
		log_warn("coverage from the guest: %s", err ? err : "failed");
		sb_printf(&c->log, "[host] coverage: %s\n", err ? err : "failed");
	}
	free(err);
	if (st.gcda_merged || st.gcda_written || st.profraw || st.skipped)
		sb_printf(&c->log,
			  "[host] coverage: %u .gcda merged, %u written, %u .profraw, %u skipped\n",
			  st.gcda_merged, st.gcda_written, st.profraw, st.skipped);
}

/* ---- host_only: the body in a forked child, frames through a pipe ---- */

static void run_host_only(const struct ktstr_test *t, const struct orders *o, unsigned timeout_s,
			  struct collect *c, bool *timed_out, int *status)
{
	struct chan_decoder *dec = chan_decoder_new(CHAN_MAX_PAYLOAD);
	uint64_t deadline = now_ns() + (uint64_t)timeout_s * 1000000000ull;
	struct chan_frame f;
	int p[2];
	pid_t pid;

	*timed_out = false;
	*status = 0;
	if (pipe2(p, O_CLOEXEC)) {
		*status = GUEST_EXIT_INIT_ERROR << 8;
		chan_decoder_free(dec);
		return;
	}
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		/* a crash must end the body like it would in the guest (which execs it) */
		static const int sigs[] = { SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGINT, SIGTERM };

		for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
			signal(sigs[i], SIG_DFL);
		close(p[0]);
		setpgid(0, 0);
		/* its own group (killed whole on timeout), but never outliving us */
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		_exit(body_run(t, o, "/sys", p[1]));
	}
	close(p[1]);
	fcntl(p[0], F_SETFL, O_NONBLOCK);
	for (;;) {
		char buf[4096];
		ssize_t n = read(p[0], buf, sizeof(buf));

		if (n > 0) {
			chan_decoder_feed(dec, buf, (size_t)n);
			while (chan_decoder_next(dec, &f) == 1) {
				on_frame(c, &f);
				chan_frame_free(&f);
			}
			continue;
		}
		if (n == 0 || (errno != EAGAIN && errno != EINTR))
			break;
		if (waitpid(pid, status, WNOHANG) == pid) {
			pid = 0;
			continue; /* drain what is left, then EOF */
		}
		if (now_ns() >= deadline) {
			*timed_out = true;
			break;
		}
		if (interrupt_signal())
			break;
		sleep_ms(20);
	}
	if (pid > 0) {
		kill(-pid, SIGKILL);
		waitpid(pid, status, 0);
	}
	close(p[0]);
	chan_decoder_free(dec);
}

/* ---- one run ---- */

static char **strv_dup(const char *const *v)
{
	size_t n = 0;
	char **out;

	while (v && v[n])
		n++;
	out = xcalloc(n + 1, sizeof(char *));
	for (size_t i = 0; i < n; i++)
		out[i] = xstrdup(v[i]);
	return out;
}

static void fill_orders(const struct ktstr_test *t, const struct run_opts *opts,
			const char *topo_text, const char *accel, double scale, unsigned timeout_s,
			char **sched_args, struct orders *o)
{
	const struct ktstr_scheduler *s = entry_scheduler(t);
	const char *seed = getenv("KTSTR_SEED");

	orders_init(o);
	o->test = xstrdup(t->name);
	o->topology = xstrdup(topo_text);
	o->duration_ms = entry_duration_s(t) * 1000;
	o->workers_per_cgroup = entry_workers_per_cgroup(t);
	o->timeout_s = timeout_s;
	if (!seed || str_to_u64(seed, &o->seed))
		o->seed = now_real_ns() ^ ((uint64_t)getpid() << 32);
	o->time_scale = scale;
	o->accel = xstrdup(accel);
	o->sched_name = xstrdup(s->name ? s->name : "?");
	o->trace = opts->trace || t->trace;
	o->verifier_stats = opts->verifier_stats;
	if (sched_args) {
		o->sched_path = xstrdup(GUEST_SCHEDULER);
		o->sched_args = sched_args;
		o->cgroup_parent = s->cgroup_parent ? xstrdup(s->cgroup_parent) : NULL;
		o->watchdog_timeout_s = entry_watchdog_s(t);
	}
	thresholds_effective(s, t, &o->thresholds);
}

/* Pre-boot outcome: a host class (skip or fail) or a plain failure. */
static void preboot(struct ktstr_result *r, enum host_class hc, const char *reason, bool no_skip)
{
	char *msg;

	if (hc == HOST_OK) {
		result_fail(r, KTSTR_OTHER, "%s", reason);
		return;
	}
	msg = host_class_message(hc, reason, no_skip);
	if (host_class_verdict(hc, no_skip) == KTSTR_SKIP)
		result_skip(r, "%s", msg);
	else
		result_fail(r, KTSTR_OTHER, "%s", msg);
	free(msg);
}

void run_item_for(const struct ktstr_test *t, struct plan_item *it)
{
	memset(it, 0, sizeof(*it));
	it->test = t;
	it->name = (char *)t->name;
	entry_topology(t, &it->topo);
	it->flags = (const char **)t->required_flags;
}

/* Everything one run holds from its start to its report. */
struct run {
	const struct plan_item *it;
	const struct ktstr_test *t;
	const struct ktstr_scheduler *sched;
	const struct run_opts *opts;
	struct run_outcome *out;
	bool active; /* a sched_ext scheduler runs */
	struct sidecar_record rec;
	struct ktstr_topology topo;
	struct accel_choice accel;
	struct kernel_info kinfo;
	struct collect c;
	struct vm_result vres;
	struct eval_outcome ev;
	struct ktstr_result mon_res;
	char *mon_text;
	struct monitor_data mon;   /* kept for the trace file */
	bool have_mon;
	struct orders ord;
	char *err, *sched_path, *initramfs, *orders_text, *work, *kargs;
	unsigned body_timeout, vm_timeout, cpus;
	uint64_t t0;
	bool ran_vm, timed_out;
	double scale;
};

static void run_start(struct run *r)
{
	char stamp[TIMEFMT_ISO_LEN];

	memset(r->out, 0, sizeof(*r->out));
	orders_init(&r->ord);
	result_init(&r->ev.result);
	result_init(&r->mon_res);
	sidecar_record_init(&r->rec);
	sidecar_host_detect(&r->rec);
	r->rec.started_at = xstrdup(timefmt_iso8601(now_real_ns(), stamp, sizeof(stamp)));

	r->topo = r->it->topo;
	topo_format(&r->topo, r->out->topology, sizeof(r->out->topology));
	r->cpus = topo_total_cpus(&r->topo);
}

/* The item's skip reason, the accelerator and the topology against this host, the
 * body's timeout, the scheduler's arguments, then the orders. Non-zero: r->ev.result
 * says why. */
static int run_plan(struct run *r)
{
	const struct ktstr_test *t = r->t;
	char **args = NULL;

	if (r->it->skip_reason) {
		r->out->accel = xstrdup("none");
		result_skip(&r->ev.result, "%s", r->it->skip_reason);
		return -1;
	}
	if (!t->host_only) {
		enum host_class hc;

		if (accel_detect(&r->accel) < 0) {
			preboot(&r->ev.result, HOST_ACCEL_UNAVAILABLE, "bad KTSTR_ACCEL",
				r->opts->no_skip);
			return -1;
		}
		r->scale = accel_time_scale(r->accel.kind);
		hc = host_class_check_topology(&r->topo, r->accel.kind,
					       (unsigned)sysconf(_SC_NPROCESSORS_ONLN), &r->err);
		if (hc != HOST_OK) {
			preboot(&r->ev.result, hc, r->err, r->opts->no_skip);
			return -1;
		}
	}
	r->out->accel = xstrdup(t->host_only ? "host" : accel_name(r->accel.kind));
	r->body_timeout = r->opts->timeout_s;
	if (!r->body_timeout)
		r->body_timeout = entry_timeout_s(t, r->cpus,
						  t->host_only ? ACCEL_KVM : r->accel.kind);
	if (r->active) {
		args = sched_build_args(r->sched, t->extra_sched_args,
					(const char *const *)r->it->flags, &r->err);
		if (!args) {
			preboot(&r->ev.result, HOST_OK, r->err, r->opts->no_skip);
			return -1;
		}
	}
	fill_orders(t, r->opts, r->out->topology, r->out->accel, r->scale, r->body_timeout, args, &r->ord);
	if (r->opts->probes)
		r->ord.probes = strv_dup((const char *const *)r->opts->probes);
	return 0;
}

/* host_only: the body in a forked child, its end described as a VM's would be. */
static void run_forked(struct run *r)
{
	int status = 0;

	run_host_only(r->t, &r->ord, r->body_timeout, &r->c, &r->timed_out, &status);
	r->vres.timed_out = r->timed_out;
	r->vres.got_exit = !r->timed_out;
	r->vres.guest_exit = WIFSIGNALED(status) ? GUEST_EXIT_SIGNAL_BASE + WTERMSIG(status)
						 : WEXITSTATUS(status);
}

/* Before any boot, everything the host must provide: the scheduler binary, the
 * kernel and its command line, the initramfs, the orders, a scratch directory.
 * Non-zero: r->ev.result says why. */
static int run_prepare(struct run *r)
{
	const char *kernel_spec = r->it->kernel ? r->it->kernel->spec : r->opts->kernel;
	bool no_skip = r->opts->no_skip;

	if (r->active) {
		char *self = realpath("/proc/self/exe", NULL);
		int ret = sched_resolve_binary(r->sched, self ? dirname(self) : NULL,
					       getenv("PATH"), &r->sched_path, &r->err);

		free(self);
		if (ret) {
			preboot(&r->ev.result, HOST_OK, r->err, no_skip);
			return -1;
		}
	}
	r->kargs = sched_cmdline(r->sched, &r->err);
	if (!r->kargs) {
		preboot(&r->ev.result, HOST_OK, r->err, no_skip);
		return -1;
	}
	if (kernel_resolve(kernel_spec, &r->kinfo, &r->err)) {
		preboot(&r->ev.result, HOST_KERNEL_UNAVAILABLE, r->err, no_skip);
		return -1;
	}
	if (r->active && r->kinfo.config && !r->kinfo.sched_ext) {
		free(r->err);
		r->err = xasprintf("kernel %s lacks CONFIG_SCHED_CLASS_EXT=y", r->kinfo.image);
		preboot(&r->ev.result, HOST_KERNEL_NO_SCHED_EXT, r->err, no_skip);
		return -1;
	}
	r->initramfs = runtime_initramfs(r->sched_path, r->kinfo.config, r->t,
					 r->opts->include_files, &r->err);
	if (!r->initramfs) {
		preboot(&r->ev.result, HOST_OK, r->err, no_skip);
		return -1;
	}

	r->orders_text = orders_to_json(&r->ord);
	r->work = scratch_dir_new(r->t->name);
	if (!r->work) {
		preboot(&r->ev.result, HOST_OK, "cannot create a scratch directory", no_skip);
		return -1;
	}
	/* the body's limit counts from its start in the guest; boot comes first */
	r->vm_timeout = r->body_timeout + entry_boot_allowance_s(r->cpus, r->accel.kind);
	return 0;
}

static void on_spawn(void *arg, pid_t pid)
{
	monitor_attach_qemu(((struct collect *)arg)->mon, pid);
}

/* The host-side monitor of the VM about to run, its RAM in ram_dir (private:
 * a restore's, in QEMU's process only). Checks only under a sched_ext scheduler. */
static void run_monitor_start(struct run *r, const char *ram_dir, bool ram_private)
{
	r->c.mon = monitor_start(&(struct monitor_spec){
		.ram_dir = ram_dir,
		.ram_private = ram_private,
		.nodes = r->topo.numa_nodes,
		.cpus = r->cpus,
		.btf_path = r->kinfo.vmlinux,
		.kconfig = r->kinfo.config,
		/* only a watchdog the test or scheduler asks for is imposed */
		.live = r->active ? &r->ord.thresholds : NULL,
		.watchdog_s = r->active ? (r->t->watchdog_timeout_s ? r->t->watchdog_timeout_s
								    : r->sched->watchdog_timeout_s)
					: 0,
	});
}

/* Restore from a template (vm/snapshot.h). A failed restore leaves spec set
 * for a boot, without a monitor. */
static void run_try_restore(struct run *r, struct vm_spec *spec)
{
	struct snapshot_use tmpl;

	if (!snapshot_enabled())
		return;
	if (snapshot_acquire(spec, &tmpl, &r->err)) {
		if (!interrupt_signal())
			log_warn("%s: no VM template (%s); booting", r->it->name, r->err);
		free(r->err);
		r->err = NULL;
		return;
	}
	spec->start = VM_START_RESTORE;
	spec->template_dir = tmpl.dir;
	run_monitor_start(r, tmpl.dir, true);
	vm_run(spec, &r->vres);
	/* an interrupted restore says nothing about the template */
	if (r->vres.restore_failed && !interrupt_signal()) {
		struct monitor_data unused;
		char *dir = xstrdup(tmpl.dir);

		log_warn("%s: restore from template failed (%s); booting", r->it->name,
			 r->vres.error ? r->vres.error : "?");
		if (snapshot_discard(&tmpl)) /* the next run builds it again */
			log_warn("%s: discarded the template %s", r->it->name, dir);
		else
			log_warn("%s: kept the template %s: another VM uses it, or it was "
				 "built again", r->it->name, dir);
		free(dir);
		vm_result_free(&r->vres);
		monitor_stop(r->c.mon, &unused); /* the guest never ran */
		monitor_data_free(&unused);
		r->c.mon = NULL;
		spec->start = VM_START_BOOT;
	} else {
		snapshot_release(&tmpl);
	}
	spec->template_dir = NULL;
}

/* Checks only under a sched_ext scheduler; failures join the guest's result so
 * expect_err sees them. */
static void run_monitor_finish(struct run *r)
{
	struct monitor_data mon;

	if (!r->c.mon)
		return;
	monitor_stop(r->c.mon, &mon);
	r->c.mon = NULL;
	if (!mon.n && mon.error)
		log_warn("%s: the host monitor did not run (%s): the verdict is reached without "
			 "its checks",
			 r->it->name, mon.error);
	monreport_finish(&mon, r->active ? &r->ord.thresholds : NULL, &r->mon_res,
			 &r->rec.monitor, &r->mon_text);
	monreport_metrics(&mon, &r->c.metrics);
	r->mon = mon;
	r->have_mon = true;
	if (r->c.have_result)
		result_merge(&r->c.result, &r->mon_res);
}

static void run_vm(struct run *r)
{
	struct vm_spec spec = {
		.topo = &r->topo,
		.memory_mb = entry_memory_mb(r->t, r->cpus),
		.kernel = r->kinfo.image,
		.initramfs = r->initramfs,
		.cmdline = r->kargs,
		.accel = r->accel,
		.timeout_s = r->vm_timeout,
		.work_dir = r->work,
		.orders = r->orders_text,
		.orders_len = strlen(r->orders_text),
		.on_frame = on_frame,
		.answer = answer,
		.tick = tick,
		.on_spawn = on_spawn,
		.arg = &r->c,
	};

	r->c.cov_dir = xasprintf("%s/cov", r->work);
	r->c.opts = r->opts;
	if (r->opts->on_stage)
		r->opts->on_stage(r->opts->stage_arg, "boot");
	run_try_restore(r, &spec);
	if (spec.start == VM_START_BOOT) {
		run_monitor_start(r, r->work, false);
		vm_run(&spec, &r->vres);
	}
	collect_cov_merge(&r->c);
	r->ran_vm = true;
	run_monitor_finish(r);
}

static void run_evaluate(struct run *r)
{
	struct eval_input in = {
		.expect_err = r->t->expect_err,
		.timeout_s = r->ran_vm ? r->vm_timeout : r->body_timeout,
		.guest = r->c.have_result ? &r->c.result : NULL,
		.vm = &r->vres,
		.stage = r->c.stage[0] ? r->c.stage : NULL,
	};

	result_free(&r->ev.result);
	eval_verdict(&in, &r->ev);
	if (!r->c.have_result && r->mon_res.verdict == KTSTR_FAIL)
		result_merge(&r->ev.result, &r->mon_res);
}

/* The verifier's statistics from the scheduler's load logs; without them,
 * the instruction counts the monitor read from the kernel's bpf_prog_aux of
 * each struct_ops program. */
static json_t *run_verifier_json(struct run *r)
{
	struct verstats vs;
	json_t *j;

	verstats_parse(r->c.verifier.buf ? r->c.verifier.buf : "", r->c.verifier.len, &vs);
	if (!vs.n && r->have_mon && r->mon.nprogs) {
		vs.progs = xcalloc(r->mon.nprogs, sizeof(*vs.progs));
		for (unsigned i = 0; i < r->mon.nprogs; i++) {
			struct verstats_prog *p = &vs.progs[vs.n++];

			snprintf(p->name, sizeof(p->name), "%s", r->mon.progs[i].name);
			p->have_insns = true;
			p->insns = r->mon.progs[i].verified_insns;
			p->max_states_per_insn = p->total_states = p->peak_states = -1;
			p->mark_read = p->time_us = p->stack_depth = -1;
		}
		j = verstats_to_json(&vs);
		json_object_set_new(j, "source", json_string("bpf_prog_aux"));
	} else {
		j = verstats_to_json(&vs);
		json_object_set_new(j, "source", json_string("libbpf log"));
	}
	verstats_free(&vs);
	return j;
}

/* The record: every outcome gets one. Its result stays owned by r->ev. */
static void run_record_fill(struct run *r)
{
	const struct ktstr_test *t = r->t;
	const struct plan_item *it = r->it;
	struct sidecar_record *rec = &r->rec;
	const struct vm_result *vres = &r->vres;
	char stamp[TIMEFMT_ISO_LEN];

	rec->run_id = xstrdup(timefmt_run_id());
	rec->test = xstrdup(t->name);
	rec->variant = plan_item_variant(it);
	rec->config = plan_item_config(it);
	rec->repeat = it->repeat;
	rec->repeats = it->repeats;
	rec->flags = it->flags && it->flags[0] ? strv_dup((const char *const *)it->flags) : NULL;
	rec->topology = t->host_only ? NULL : xstrdup(r->out->topology); /* no VM, no topology */
	rec->scheduler = xstrdup(r->sched->name ? r->sched->name : "?");
	rec->scheduler_binary = r->sched_path ? xstrdup(r->sched_path) : NULL;
	rec->scheduler_args =
		r->ord.sched_args ? strv_dup((const char *const *)r->ord.sched_args) : NULL;
	rec->kernel_version = r->kinfo.version ? xstrdup(r->kinfo.version) : NULL;
	rec->kernel_id = r->kinfo.id ? xstrdup(r->kinfo.id) : NULL;
	rec->kernel_path = r->kinfo.image ? xstrdup(r->kinfo.image) : NULL;
	rec->accel = xstrdup(r->out->accel);
	rec->accel_reason = r->accel.reason ? xstrdup(r->accel.reason) : NULL;
	rec->start = r->ran_vm ? xstrdup(vres->restored ? "restored" : "booted") : NULL;
	rec->expect_err = t->expect_err;
	rec->expected_failure = r->ev.expected_failure;
	rec->result = r->ev.result;
	rec->hello_s = r->ran_vm && vres->got_hello ? vres->hello_s : -1;
	rec->wall_s = r->out->wall_s;
	if (r->c.body_start && r->c.body_end)
		rec->body_s = (double)(r->c.body_end - r->c.body_start) / 1e9;
	rec->have_qemu_status = r->ran_vm && !vres->error;
	if (rec->have_qemu_status) {
		rec->qemu_exit = WIFEXITED(vres->qemu_status) ? WEXITSTATUS(vres->qemu_status) : -1;
		rec->qemu_signal = WIFSIGNALED(vres->qemu_status) ? WTERMSIG(vres->qemu_status) : 0;
	}
	rec->got_exit = vres->got_exit;
	rec->guest_exit = vres->guest_exit;
	rec->timed_out = vres->timed_out || r->timed_out;
	rec->timeout_s = r->ran_vm ? r->vm_timeout : r->body_timeout;
	rec->panic_line = vres->panic_line ? xstrdup(vres->panic_line) : NULL;
	rec->sched_ext_dump = r->c.scx_dump.len ? xstrdup(r->c.scx_dump.buf) : NULL;
	if (r->opts->verifier_stats)
		rec->verifier = run_verifier_json(r);
	rec->stage = r->c.stage[0] ? xstrdup(r->c.stage) : NULL;
	rec->metrics = r->c.metrics; /* moved */
	metrics_init(&r->c.metrics);
	rec->project_commit =
		runtime_project_commit() ? xstrdup(runtime_project_commit()) : NULL;
	rec->finished_at = xstrdup(timefmt_iso8601(now_real_ns(), stamp, sizeof(stamp)));
}

/* Why the test failed, expected or not (the first detail), or NULL. */
static const char *run_failure(const struct run *r)
{
	const struct ktstr_result *res = &r->ev.result;

	if (res->verdict != KTSTR_FAIL && !r->ev.expected_failure)
		return NULL;
	if (res->ndetails && res->details[0].msg)
		return res->details[0].msg;
	return r->c.have_result && r->c.result.ndetails && r->c.result.details[0].msg
		       ? r->c.result.details[0].msg : "failed";
}

/* --trace: <record name>.trace.json next to the record, named in it. */
static void run_trace_write(struct run *r, const char *rdir)
{
	char *name = sidecar_file_name(r->rec.test, r->rec.variant,
				       r->rec.repeats ? r->rec.repeat : 0);
	char *path, *doc;
	struct tracejson_stats st;
	int ret;

	name[strlen(name) - strlen(SIDECAR_SUFFIX)] = 0;
	path = xasprintf("%s/%s" TRACEJSON_SUFFIX, rdir, name);
	doc = tracejson_build(&(struct tracejson_in){
					.text = r->c.trace.buf,
					.len = r->c.trace.len,
					.mon = r->have_mon ? &r->mon : NULL,
					.failure = run_failure(r),
				}, &st);
	ret = mkdir_p(rdir, 0755);
	if (!ret)
		ret = file_write_atomic(path, doc, strlen(doc));
	if (ret < 0) {
		log_warn("%s: trace not written: %s: %s", r->it->name, path, strerror(-ret));
	} else {
		r->rec.trace = tracejson_record(strrchr(path, '/') + 1, &st);
		fprintf(stderr, "ktstr: %s: trace %s: %lu events on %u CPUs, %" PRIu64
			" overwritten, %" PRIu64 " dropped, %" PRIu64 " bytes cut, %lu bad lines\n",
			r->it->name, path, st.events, st.cpus, st.loss.overrun, st.loss.dropped,
			st.loss.cut_bytes, st.bad_lines);
	}
	free(doc);
	free(path);
	free(name);
}

static void run_record_write(struct run *r)
{
	char *rdir = sidecar_run_dir(), *rerr = NULL;

	if (r->c.trace.len)
		run_trace_write(r, rdir);
	if (sidecar_write(&r->rec, rdir, &r->out->record_path, &rerr)) {
		log_warn("%s: run record not written: %s", r->it->name, rerr);
		free(rerr);
	}
	free(rdir);
	r->rec.result = (struct ktstr_result){ 0 }; /* still owned by ev */
}

/* The block to print; the outcome takes the result and the note. */
static void run_report(struct run *r)
{
	struct output_test ot = {
		.name = r->it->name,
		.topology = r->t->host_only ? NULL : r->out->topology,
		.accel = r->out->accel,
		.scheduler = r->c.sched,
		.wall_s = r->out->wall_s,
		.result = &r->ev.result,
		.note = r->ev.note,
		.show_diagnostics = r->ev.show_diagnostics,
		.stage = r->c.stage[0] ? r->c.stage : NULL,
		.got_exit = r->vres.got_exit,
		.guest_exit = r->vres.guest_exit,
		.have_qemu_status = r->rec.have_qemu_status,
		.qemu_status = r->vres.qemu_status,
		.console_tail = r->vres.console_tail,
		.sched_log = r->c.sched_log.buf,
		.sched_ext_dump = r->c.scx_dump.buf,
		.guest_log = r->c.log.buf,
		.monitor = r->mon_text,
		.record_path = r->out->record_path,
		.attempt = r->opts->attempt,
		.max_attempts = r->opts->retries + 1,
	};
	struct strbuf sb = { 0 };

	output_test_format(&sb, &ot, r->opts->verbosity, r->opts->color);
	r->out->text = sb_steal(&sb);
	r->out->result = r->ev.result;
	r->ev.result = (struct ktstr_result){ 0 };
	r->out->note = r->ev.note ? xstrdup(r->ev.note) : NULL;
	r->out->sched_ext_dump = r->c.scx_dump.len ? xstrdup(r->c.scx_dump.buf) : NULL;
	r->out->console_tail =
		r->ran_vm && r->vres.console_tail ? xstrdup(r->vres.console_tail) : NULL;
	r->out->probes = r->c.probes.len ? xstrdup(r->c.probes.buf) : NULL;
}

/* The scratch directory is kept for a failed run when KTSTR_KEEP=1. */
static void run_free(struct run *r)
{
	if (r->work) {
		const char *keep = getenv("KTSTR_KEEP");

		if (r->out->result.verdict == KTSTR_FAIL && keep && !strcmp(keep, "1"))
			fprintf(stderr, "ktstr: %s: kept %s\n", r->it->name, r->work);
		else
			rm_rf(r->work);
	}
	free(r->work);
	free(r->kargs);
	free(r->orders_text);
	free(r->initramfs);
	free(r->sched_path);
	free(r->err);
	orders_free(&r->ord);
	kernel_info_free(&r->kinfo);
	if (r->ran_vm)
		vm_result_free(&r->vres);
	collect_free(&r->c);
	eval_outcome_free(&r->ev);
	result_free(&r->mon_res);
	free(r->mon_text);
	if (r->have_mon)
		monitor_data_free(&r->mon);
	sidecar_record_free(&r->rec);
}

enum ktstr_verdict run_one(const struct plan_item *it, const struct run_opts *opts,
			   struct run_outcome *out)
{
	struct run r = {
		.it = it,
		.t = it->test,
		.sched = entry_scheduler(it->test),
		.opts = opts,
		.out = out,
		.active = entry_sched_active(it->test),
		.accel = { ACCEL_TCG, "host_only" },
		.t0 = now_ns(),
		.scale = 1.0,
	};

	run_start(&r);
	if (!run_plan(&r)) {
		if (r.t->host_only) {
			run_forked(&r);
			run_evaluate(&r);
		} else if (!run_prepare(&r)) {
			run_vm(&r);
			run_evaluate(&r);
		}
	}

	/* SIGINT/SIGTERM while this item ran (its VM was stopped or never started):
	 * that is its verdict, whatever the cut-short run looked like */
	if (interrupt_signal()) {
		result_free(&r.ev.result);
		result_init(&r.ev.result);
		result_fail(&r.ev.result, KTSTR_OTHER, "interrupted by SIG%s",
			    sigabbrev_np(interrupt_signal()));
		r.ev.result.verdict = KTSTR_INTERRUPTED;
		r.ev.expected_failure = false;
		r.ev.show_diagnostics = false;
	}
	out->name = xstrdup(it->name);
	out->wall_s = (double)(now_ns() - r.t0) / 1e9;
	if (!out->accel)
		out->accel = xstrdup(accel_name(r.accel.kind));
	run_record_fill(&r);
	if (opts->probes) /* an auto-repro rerun: its hits go into the first run's record */
		r.rec.result = (struct ktstr_result){ 0 }; /* still owned by ev */
	else
		run_record_write(&r);
	run_report(&r);
	run_free(&r);
	return out->result.verdict;
}

void run_outcome_free(struct run_outcome *o)
{
	free(o->name);
	free(o->accel);
	result_free(&o->result);
	free(o->note);
	free(o->record_path);
	free(o->text);
	free(o->sched_ext_dump);
	free(o->console_tail);
	free(o->probes);
	attempts_free(o->attempts, o->nattempts);
	memset(o, 0, sizeof(*o));
}
