// SPDX-License-Identifier: GPL-2.0-only
/*
 * The monitor thread. Timeline:
 *   1. wait for the guest's symbols (CHAN_KALLSYMS), then open the guest's RAM
 *      (guestmem.h: the shared files, or QEMU's private mapping of them) and
 *      resolve the layout: page_offset_base, phys_base, the page-table root
 *      (init_top_pgt, else swapper_pg_dir), paging levels;
 *   2. every MONITOR_INTERVAL_MS: re-read __per_cpu_offset[] (the guest may
 *      not have filled it at the first look), read each CPU's rq, the
 *      sched_ext event counters through scx_root, the head of each rq's
 *      runnable list, and each vCPU thread's host schedstat.
 * A read error marks that CPU's sample not ok; nothing the guest writes can
 * make the thread fail or read outside the mapped RAM.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <bpf/btf.h>

#include "monitor/bpfmap.h"
#include "monitor/checks.h"
#include "monitor/guestmem.h"
#include "monitor/kbtf.h"
#include "monitor/ksyms.h"
#include "monitor/monitor.h"
#include "monitor/rqread.h"
#include "util/util.h"
#include "vm/kconfig.h"

static const char *const mon_event_fields[MON_EV_N] = {
	[MON_EV_SELECT_CPU_FALLBACK] = "SCX_EV_SELECT_CPU_FALLBACK",
	[MON_EV_DISPATCH_LOCAL_DSQ_OFFLINE] = "SCX_EV_DISPATCH_LOCAL_DSQ_OFFLINE",
	[MON_EV_DISPATCH_KEEP_LAST] = "SCX_EV_DISPATCH_KEEP_LAST",
	[MON_EV_ENQ_SKIP_EXITING] = "SCX_EV_ENQ_SKIP_EXITING",
	[MON_EV_ENQ_SKIP_MIGRATION_DISABLED] = "SCX_EV_ENQ_SKIP_MIGRATION_DISABLED",
	[MON_EV_REFILL_SLICE_DFL] = "SCX_EV_REFILL_SLICE_DFL",
	[MON_EV_BYPASS_DISPATCH] = "SCX_EV_BYPASS_DISPATCH",
	[MON_EV_BYPASS_ACTIVATE] = "SCX_EV_BYPASS_ACTIVATE",
	[MON_EV_INSERT_NOT_OWNED] = "SCX_EV_INSERT_NOT_OWNED",
};

const char *monitor_event_name(enum monitor_event e)
{
	static const char *const names[MON_EV_N] = {
		"select_cpu_fallback", "dispatch_local_dsq_offline", "dispatch_keep_last",
		"enq_skip_exiting",    "enq_skip_migration_disabled", "refill_slice_dfl",
		"bypass_dispatch",     "bypass_activate",            "insert_not_owned",
	};

	return (unsigned)e < MON_EV_N ? names[e] : "?";
}


struct monitor {
	struct monitor_spec spec;
	char *ram_dir, *btf_path;
	pthread_t thread;
	bool started;
	size_t cap;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	pthread_cond_t ready_cond; /* setup finished (or failed) */
	bool stop, setup_done;   /* under lock */
	bool dump_wanted, dump_taken; /* under lock */
	bool live;
	struct monchk_limits limits; /* live checks */
	char *kallsyms; /* under lock */
	size_t kallsyms_len;
	int qemu_proc;  /* under lock: QEMU's /proc/<pid> directory (-1 = none) */
	struct monitor_data d;
	/* thread-private */
	struct guestmem gm;
	bool mapped;
	struct ksyms ks;
	struct mon_layout lay;
	struct bpfmap_layout maplay;
	struct bpfprog_layout proglay;
	uint64_t prog_idr_va;   /* 0: the scheduler's programs are not read */
	uint64_t vars_sch;      /* the scx_sched whose variables d.vars holds */
	char *map_missing;  /* why BPF maps cannot be reached (NULL = they can) */
	uint64_t map_idr_va;
	uint64_t per_cpu_offset_va, runqueues, jiffies_va, scx_root_va;
	int vcpu_proc;          /* qemu_proc as setup found it */
	int vcpu_tid[MONITOR_MAX_CPUS];
	uint64_t t0;
};

static uint32_t mon_off(const struct btf *btf, const char *s, const char *path, char **missing)
{
	uint32_t off;

	if (btf && !kbtf_member(btf, s, path, &off, NULL))
		return off;
	if (missing) {
		char *m = xasprintf("%s%s%s.%s", *missing ? *missing : "", *missing ? ", " : "", s,
				    path);

		free(*missing);
		*missing = m;
	}
	return MON_OFF_NONE;
}

static void mon_resolve_layout(struct monitor *m, const struct btf *btf)
{
	struct mon_layout *l = &m->lay;
	struct monitor_caps *c = &m->d.caps;
	char *missing = NULL;
	uint32_t see;

	l->rq_nr_running = mon_off(btf, "rq", "nr_running", &missing);
	l->rq_clock = mon_off(btf, "rq", "clock", &missing);
	l->rq_scx_nr_running = mon_off(btf, "rq", "scx.nr_running", &missing);
	l->rq_local_dsq_nr = mon_off(btf, "rq", "scx.local_dsq.nr", &missing);
	l->rq_scx_flags = mon_off(btf, "rq", "scx.flags", &missing);
	l->rq_runnable_list = mon_off(btf, "rq", "scx.runnable_list", &missing);
	see = mon_off(btf, "task_struct", "scx", &missing);
	l->see_node = mon_off(btf, "sched_ext_entity", "runnable_node", &missing);
	l->see_at = mon_off(btf, "sched_ext_entity", "runnable_at", &missing);
	l->see_weight = mon_off(btf, "sched_ext_entity", "weight", NULL);
	if (see == MON_OFF_NONE)
		l->see_node = l->see_at = l->see_weight = MON_OFF_NONE;
	l->sch_pcpu = mon_off(btf, "scx_sched", "pcpu", NULL);
	l->pcpu_event_stats = mon_off(btf, "scx_sched_pcpu", "event_stats", NULL);
	l->sch_event_stats_cpu = mon_off(btf, "scx_sched", "event_stats_cpu", NULL);
	for (int e = 0; e < MON_EV_N; e++)
		l->ev[e] = mon_off(btf, "scx_event_stats", mon_event_fields[e], NULL);
	l->sch_watchdog = mon_off(btf, "scx_sched", "watchdog_timeout", NULL);

	c->nr_running = l->rq_nr_running != MON_OFF_NONE;
	c->clock = l->rq_clock != MON_OFF_NONE;
	c->scx_nr_running = l->rq_scx_nr_running != MON_OFF_NONE;
	c->local_dsq = l->rq_local_dsq_nr != MON_OFF_NONE;
	c->scx_flags = l->rq_scx_flags != MON_OFF_NONE;
	c->runnable_age = l->rq_runnable_list != MON_OFF_NONE && l->see_node != MON_OFF_NONE &&
			  l->see_at != MON_OFF_NONE && m->jiffies_va;
	bool ev_base = m->scx_root_va && ((l->sch_pcpu != MON_OFF_NONE &&
					   l->pcpu_event_stats != MON_OFF_NONE) ||
					  l->sch_event_stats_cpu != MON_OFF_NONE);
	for (int e = 0; e < MON_EV_N; e++)
		c->events[e] = ev_base && l->ev[e] != MON_OFF_NONE;
	if (missing) {
		m->d.note = xasprintf("not in this kernel's BTF (metrics off): %s", missing);
		free(missing);
	}
}

/* QEMU's vCPU threads ("CPU N/TCG"), among the threads of its process. */
static void mon_find_vcpus(struct monitor *m, int qemu_proc)
{
	int tfd = openat(qemu_proc, "task", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	DIR *d = tfd >= 0 ? fdopendir(tfd) : NULL;
	struct dirent *de;

	if (!d && tfd >= 0)
		close(tfd);
	while (d && (de = readdir(d))) {
		int tid = atoi(de->d_name);
		char *path, *comm;
		unsigned cpu;

		if (tid <= 0)
			continue;
		path = xasprintf("%d/comm", tid);
		comm = file_read_at(dirfd(d), path, NULL, 4096);
		free(path);
		if (comm && sscanf(comm, "CPU %u/", &cpu) == 1 && cpu < m->d.ncpus) {
			m->vcpu_tid[cpu] = tid;
			m->d.caps.vcpu_times = true;
		}
		free(comm);
	}
	if (d)
		closedir(d);
}

static void mon_vcpu_times(const struct monitor *m, unsigned cpu, struct monitor_cpu *c)
{
	char *path, *line;
	unsigned long long run, wait;

	if (!m->vcpu_tid[cpu])
		return;
	path = xasprintf("task/%d/schedstat", m->vcpu_tid[cpu]);
	line = file_read_at(m->vcpu_proc, path, NULL, 4096);
	if (line && sscanf(line, "%llu %llu", &run, &wait) == 2) {
		c->vcpu_run_ns = run;
		c->vcpu_wait_ns = wait;
	}
	free(line);
	free(path);
}

/* Step 1: symbols in, RAM mapped, translation set up. 0, -EAGAIN (try again) or fatal. */
static int mon_setup(struct monitor *m)
{
	uint64_t sizes[GUESTMEM_MAX_NODES], pob = 0, phys_base = 0, root, sym;
	uint32_t l5 = 0;
	char *text, *err = NULL;
	size_t len;
	unsigned bad;
	int rc, qemu_proc;

	pthread_mutex_lock(&m->lock);
	text = m->kallsyms;
	len = m->kallsyms_len;
	m->kallsyms = NULL;
	pthread_mutex_unlock(&m->lock);
	if (!text)
		return -EAGAIN;
	ksyms_parse(text, len, &m->ks, &bad);
	free(text);
	m->per_cpu_offset_va = ksyms_addr(&m->ks, "__per_cpu_offset");
	m->runqueues = ksyms_addr(&m->ks, "runqueues");
	m->jiffies_va = ksyms_addr(&m->ks, "jiffies_64");
	m->scx_root_va = ksyms_addr(&m->ks, "scx_root");
	if (!m->per_cpu_offset_va || !m->runqueues) {
		m->d.error = xasprintf("the guest's kallsyms lack runqueues/__per_cpu_offset "
				       "(%zu symbols, %u bad lines)",
				       m->ks.n, bad);
		return -ENOENT;
	}
	pthread_mutex_lock(&m->lock);
	qemu_proc = m->qemu_proc;
	pthread_mutex_unlock(&m->lock);
	for (unsigned i = 0; i < m->spec.nodes && i < GUESTMEM_MAX_NODES; i++) {
		char *path = xasprintf("%s/ram-node%u", m->ram_dir, i);
		struct stat st;

		sizes[i] = stat(path, &st) ? 0 : (uint64_t)st.st_size;
		free(path);
	}
	if (m->spec.ram_private && qemu_proc < 0) {
		m->d.error = xstrdup("guest RAM: the QEMU process is not known");
		return -ESRCH;
	}
	/* writable: the watchdog override and BPF map writes */
	rc = guestmem_open(&m->gm,
			   &(struct guestmem_source){
				   .dir = m->ram_dir,
				   .sizes = sizes,
				   .nodes = m->spec.nodes,
				   .writable = true,
				   .qemu_proc = m->spec.ram_private ? qemu_proc : -1,
			   },
			   &err);
	if (rc) {
		m->d.error = xasprintf("guest RAM: %s", err);
		free(err);
		return rc;
	}
	m->mapped = true;
	/* phys_base and page_offset_base live in the kernel image (phys_base 0 to read them) */
	if ((sym = ksyms_addr(&m->ks, "phys_base")))
		guestmem_read_u64(&m->gm, sym, &phys_base);
	if (phys_base > m->gm.ram_size)
		phys_base = 0;
	guestmem_set_kernel(&m->gm, phys_base, 0, 0, 4);
	if ((sym = ksyms_addr(&m->ks, "page_offset_base")) &&
	    (guestmem_read_u64(&m->gm, sym, &pob) || !(pob >> 63)))
		pob = 0;
	if ((sym = ksyms_addr(&m->ks, "__pgtable_l5_enabled")))
		guestmem_read_u32(&m->gm, sym, &l5);
	else
		l5 = pob && (pob >> 48) != 0xffff;
	root = ksyms_addr(&m->ks, "init_top_pgt");
	if (!root)
		root = ksyms_addr(&m->ks, "swapper_pg_dir");
	if (root && guestmem_kimg_pa(&m->gm, root, &root))
		root = 0;
	guestmem_set_kernel(&m->gm, phys_base, pob, root, l5 ? 5 : 4);

	struct btf *btf = m->btf_path ? kbtf_open(m->btf_path, &err) : NULL;

	if (!btf) {
		m->d.error = m->btf_path ? xasprintf("BTF: %s", err) : xstrdup("no kernel BTF");
		free(err);
		return -ENOENT;
	}
	mon_resolve_layout(m, btf);
	if (bpfmap_layout_resolve(btf, &m->maplay, &err)) {
		m->map_missing = xasprintf("the kernel's BTF lacks %s", err);
		free(err);
	}
	m->prog_idr_va = ksyms_addr(&m->ks, "prog_idr");
	if (m->prog_idr_va && bpfprog_layout_resolve(btf, &m->proglay, &err)) {
		free(err);
		m->prog_idr_va = 0;
	}
	btf__free(btf);
	m->map_idr_va = ksyms_addr(&m->ks, "map_idr");
	if (!m->map_idr_va && !m->map_missing)
		m->map_missing = xstrdup("the guest did not send the address of map_idr");
	if (m->spec.watchdog_s && !rqread_has(m->lay.sch_watchdog) &&
	    !ksyms_addr(&m->ks, "scx_watchdog_timeout"))
		m->d.watchdog_error = xstrdup("this kernel has neither scx_sched.watchdog_timeout "
					      "nor scx_watchdog_timeout");
	m->vcpu_proc = qemu_proc;
	if (qemu_proc >= 0)
		mon_find_vcpus(m, qemu_proc);
	return 0;
}

static void mon_read_cpu(struct monitor *m, unsigned cpu, uint64_t pcpu_off, uint64_t jiffies,
			 uint64_t ev_base, struct monitor_cpu *c)
{
	rqread_cpu(&m->gm, &m->lay, &m->d.caps, m->d.hz, m->runqueues + pcpu_off, jiffies,
		   ev_base ? ev_base + pcpu_off : 0, c);
	mon_vcpu_times(m, cpu, c);
}

/* The loaded scheduler's struct scx_sched (scx_root), 0 when none is loaded. */
static uint64_t mon_scx_sched(struct monitor *m)
{
	uint64_t sch = 0;

	if (!m->scx_root_va || guestmem_read_u64(&m->gm, m->scx_root_va, &sch))
		return 0;
	return sch;
}

/* Hold the watchdog timeout at spec.watchdog_s while a scheduler (sch) is loaded. */
static void mon_watchdog(struct monitor *m, uint64_t sch)
{
	uint64_t want = (uint64_t)m->spec.watchdog_s * m->d.hz, cur, at;

	if (!m->spec.watchdog_s || m->d.watchdog_error)
		return;
	if (rqread_has(m->lay.sch_watchdog)) {
		if (!sch)
			return;
		at = sch + m->lay.sch_watchdog;
	} else {
		at = ksyms_addr(&m->ks, "scx_watchdog_timeout");
	}
	if (guestmem_read_u64(&m->gm, at, &cur) || cur == want)
		return;
	if (guestmem_write_va(&m->gm, at, &want, sizeof(want))) {
		m->d.watchdog_error = xasprintf("cannot write the watchdog timeout at %#llx",
						(unsigned long long)at);
		return;
	}
	if (!m->d.watchdog_writes++)
		m->d.watchdog_was = cur;
}

/* Records the mean run time of prog i since the last read (the same program there:
 * a new scheduler's programs start their intervals afresh). */
static void mon_prog_interval(struct monitor_data *d, unsigned i, const struct bpfprog *now)
{
	const struct bpfprog *was = &d->progs[i];
	unsigned *n = &d->prog_nintervals[i];

	if (i >= d->nprogs || was->id != now->id) {
		*n = 0;
		return;
	}
	if (now->cnt < was->cnt + MONITOR_PROG_MIN_CALLS || now->nsecs < was->nsecs)
		return;
	d->prog_interval_ns[i] = xrealloc(d->prog_interval_ns[i],
					  (*n + 1) * sizeof(*d->prog_interval_ns[i]));
	d->prog_interval_ns[i][(*n)++] =
		(float)((double)(now->nsecs - was->nsecs) / (double)(now->cnt - was->cnt));
}

/* The scheduler's callbacks and their run stats so far (kept: the last read
 * while it is loaded holds its totals). */
static void mon_read_progs(struct monitor *m, const uint64_t *offs, uint32_t t_ms)
{
	struct bpfprog p[MONITOR_MAX_PROGS];
	int n = bpfprog_struct_ops(&m->gm, &m->proglay, m->prog_idr_va, offs, m->d.ncpus, p,
				   MONITOR_MAX_PROGS);

	if (n <= 0)
		return;
	for (int i = 0; i < n; i++)
		mon_prog_interval(&m->d, (unsigned)i, &p[i]);
	memcpy(m->d.progs, p, (size_t)n * sizeof(p[0]));
	m->d.nprogs = (unsigned)n;
	m->d.progs_t_ms = t_ms;
}

/* The integer globals of the loaded scheduler sch: found once per scheduler,
 * read every sample while it is loaded. */
static void mon_read_vars(struct monitor *m, uint64_t sch, uint32_t t_ms)
{
	struct monitor_data *d = &m->d;

	if (sch != m->vars_sch) {
		struct bpfmap *maps = xcalloc(BPFMAP_LIST_MAX, sizeof(*maps));
		struct bpfmap_int found[MONITOR_MAX_VARS];
		int n = bpfmap_list(&m->gm, &m->maplay, m->map_idr_va, maps, BPFMAP_LIST_MAX);

		d->nvars = 0;
		for (int i = 0; i < n; i++) {
			int k = bpfmap_ints(&m->gm, &m->maplay, &maps[i], found,
					    MONITOR_MAX_VARS - d->nvars);

			for (int j = 0; j < k; j++)
				d->vars[d->nvars++] = (struct monitor_var){ .at = found[j] };
		}
		free(maps);
		if (n > 0)
			m->vars_sch = sch;
	}
	for (unsigned i = 0; i < d->nvars; i++)
		bpfmap_int_read(&m->gm, &d->vars[i].at, &d->vars[i].value);
	if (d->nvars)
		d->vars_t_ms = t_ms;
}

static void mon_sample(struct monitor *m)
{
	struct monitor_data *d = &m->d;
	struct monitor_sample s = { .t_ms = (uint32_t)((now_ns() - m->t0) / 1000000) };
	uint64_t offs[MONITOR_MAX_CPUS], jiffies = 0, ev_base, sch;

	if (d->n >= MONITOR_MAX_SAMPLES) {
		d->dropped++;
		return;
	}
	if (guestmem_read_va(&m->gm, m->per_cpu_offset_va, offs, d->ncpus * sizeof(offs[0])))
		return; /* not a sample: nothing can be read */
	if (m->jiffies_va)
		guestmem_read_u64(&m->gm, m->jiffies_va, &jiffies);
	s.jiffies = jiffies;
	sch = mon_scx_sched(m);
	s.scx = sch != 0;
	ev_base = rqread_event_base(&m->gm, &m->lay, sch);
	mon_watchdog(m, sch);
	if (s.scx && m->prog_idr_va)
		mon_read_progs(m, offs, s.t_ms);
	if (s.scx && !m->map_missing)
		mon_read_vars(m, sch, s.t_ms);
	s.cpu = xcalloc(d->ncpus, sizeof(*s.cpu));
	for (unsigned c = 0; c < d->ncpus; c++)
		mon_read_cpu(m, c, offs[c], jiffies, ev_base, &s.cpu[c]);
	if (d->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 64;
		d->s = xrealloc(d->s, m->cap * sizeof(*d->s));
	}
	d->s[d->n++] = s;
}

/* The checks over the samples so far, now and then until the first violation. */
static void mon_live_check(struct monitor *m)
{
	struct monchk_result r;
	char mark[32];

	if (!m->live || m->d.n % MONITOR_LIVE_EVERY)
		return;
	monchk_evaluate(&m->d, &m->limits, &r);
	if (r.nv) {
		int n = snprintf(mark, sizeof(mark), "sched_ext dump (%s)",
				 monchk_kind_name(r.v[0].kind));

		m->live = false;
		pthread_mutex_lock(&m->lock);
		m->dump_wanted = true;
		pthread_mutex_unlock(&m->lock);
		monitor_mark(m, mark, (size_t)MIN(n, (int)sizeof(mark) - 1));
	}
	monchk_result_free(&r);
}

bool monitor_take_dump_request(struct monitor *m)
{
	bool take;

	if (!m)
		return false;
	pthread_mutex_lock(&m->lock);
	take = m->dump_wanted && !m->dump_taken;
	m->dump_taken |= take;
	pthread_mutex_unlock(&m->lock);
	return take;
}

static void *mon_thread(void *arg)
{
	struct monitor *m = arg;
	bool ready = false;

	pthread_mutex_lock(&m->lock);
	while (!m->stop) {
		struct timespec ts;

		clock_gettime(CLOCK_REALTIME, &ts);
		ts.tv_nsec += MONITOR_INTERVAL_MS * 1000000L;
		if (ts.tv_nsec >= 1000000000L) {
			ts.tv_sec++;
			ts.tv_nsec -= 1000000000L;
		}
		pthread_cond_timedwait(&m->cond, &m->lock, &ts);
		if (m->stop)
			break;
		pthread_mutex_unlock(&m->lock);
		if (!ready && !m->d.error) {
			int rc = mon_setup(m);

			ready = rc == 0;
			if (rc != -EAGAIN) {
				pthread_mutex_lock(&m->lock);
				m->setup_done = true;
				pthread_cond_broadcast(&m->ready_cond);
				pthread_mutex_unlock(&m->lock);
			}
		}
		if (ready) {
			mon_sample(m);
			mon_live_check(m);
		}
		pthread_mutex_lock(&m->lock);
	}
	pthread_mutex_unlock(&m->lock);
	return NULL;
}

static unsigned mon_config_hz(const char *path)
{
	struct kconfig kc = { 0 };
	char *err = NULL;
	uint64_t hz = 0;

	if (path && !kconfig_load(path, &kc, &err)) {
		const char *v = kconfig_get(&kc, "CONFIG_HZ");

		if (!v || str_to_u64(v, &hz) || hz < 24 || hz > 10000)
			hz = 0;
		kconfig_free(&kc);
	}
	free(err);
	return hz ? (unsigned)hz : 250;
}

struct monitor *monitor_start(const struct monitor_spec *spec)
{
	struct monitor *m = xcalloc(1, sizeof(*m));

	m->spec = *spec;
	m->ram_dir = xstrdup(spec->ram_dir);
	m->qemu_proc = -1;
	m->btf_path = spec->btf_path ? xstrdup(spec->btf_path) : NULL;
	m->d.ncpus = MIN(spec->cpus, MONITOR_MAX_CPUS);
	m->d.hz = mon_config_hz(spec->kconfig);
	m->d.watchdog_s = spec->watchdog_s;
	m->live = spec->live != NULL;
	if (spec->live)
		monchk_limits_from(spec->live, &m->limits);
	m->spec.live = NULL; /* not kept: the caller's */
	m->t0 = now_ns();
	pthread_mutex_init(&m->lock, NULL);
	pthread_cond_init(&m->cond, NULL);
	pthread_cond_init(&m->ready_cond, NULL);
	m->started = !pthread_create(&m->thread, NULL, mon_thread, m);
	if (!m->started)
		m->d.error = xstrdup("cannot start the monitor thread");
	return m;
}

void monitor_attach_qemu(struct monitor *m, pid_t pid)
{
	char *path;
	int fd;

	if (!m)
		return;
	path = xasprintf("/proc/%d", (int)pid);
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	free(path);
	pthread_mutex_lock(&m->lock);
	if (m->qemu_proc < 0 && fd >= 0) {
		m->qemu_proc = fd;
		fd = -1;
	}
	pthread_mutex_unlock(&m->lock);
	if (fd >= 0)
		close(fd);
}

void monitor_feed_kallsyms(struct monitor *m, const void *data, size_t len)
{
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	if (!m->kallsyms && len < (1u << 20)) {
		m->kallsyms = xmalloc(len + 1);
		memcpy(m->kallsyms, data, len);
		m->kallsyms[len] = '\0';
		m->kallsyms_len = len;
	}
	pthread_mutex_unlock(&m->lock);
}

void monitor_mark(struct monitor *m, const void *label, size_t len)
{
	struct monitor_mark *mk;
	const char *l = label;

	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	if (m->d.nmarks < MONITOR_MAX_MARKS) {
		mk = &m->d.marks[m->d.nmarks++];
		mk->t_ms = (uint32_t)((now_ns() - m->t0) / 1000000);
		len = MIN(len, sizeof(mk->label) - 1);
		memcpy(mk->label, l, len);
		mk->label[len] = '\0';
		str_printable(mk->label, len);
	}
	pthread_mutex_unlock(&m->lock);
}

void monitor_stop(struct monitor *m, struct monitor_data *out)
{
	memset(out, 0, sizeof(*out));
	if (!m)
		return;
	pthread_mutex_lock(&m->lock);
	m->stop = true;
	pthread_cond_signal(&m->cond);
	pthread_cond_broadcast(&m->ready_cond);
	pthread_mutex_unlock(&m->lock);
	if (m->started)
		pthread_join(m->thread, NULL);
	if (!m->d.error && !m->d.n)
		m->d.error = xstrdup(m->ks.n ? "no sample could be read from the guest"
					     : "the guest sent no kernel symbols");
	*out = m->d;
	if (m->mapped)
		guestmem_close(&m->gm);
	ksyms_free(&m->ks);
	free(m->kallsyms);
	free(m->ram_dir);
	free(m->btf_path);
	if (m->qemu_proc >= 0)
		close(m->qemu_proc);
	pthread_mutex_destroy(&m->lock);
	pthread_cond_destroy(&m->cond);
	pthread_cond_destroy(&m->ready_cond);
	free(m->map_missing);
	free(m);
}

/* Wait (bounded) for the thread's setup: true when guest memory can be read. */
static bool mon_wait_ready(struct monitor *m, char **err)
{
	struct timespec ts;
	bool done;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += MONITOR_READY_WAIT_S;
	pthread_mutex_lock(&m->lock);
	while (!m->setup_done && !m->stop)
		if (pthread_cond_timedwait(&m->ready_cond, &m->lock, &ts))
			break;
	done = m->setup_done;
	pthread_mutex_unlock(&m->lock);
	/* after setup_done the thread no longer writes d.error or the layout */
	if (!done)
		*err = xasprintf("the host cannot read guest memory yet: %s",
				 m->ks.n ? "setting up" : "the guest sent no kernel symbols");
	else if (m->d.error)
		*err = xasprintf("the host cannot read guest memory: %s", m->d.error);
	else if (m->map_missing)
		*err = xasprintf("BPF maps cannot be reached: %s", m->map_missing);
	return done && !m->d.error && !m->map_missing;
}

static char *mon_access_error(int rc, const struct map_req *rq, const struct bpfmap *map,
			      uint32_t off)
{
	switch (rc) {
	case -ERANGE:
		return xasprintf("offset %u is outside the value of map %s (%u entr%s of %u bytes)",
				 off, map->name, map->max_entries,
				 map->max_entries == 1 ? "y" : "ies", map->value_size);
	case -EPERM:
		return xasprintf("map %s is read-only to BPF programs (.rodata): the verifier may "
				 "have folded its values into the code, a write would mean nothing",
				 map->name);
	default:
		return xasprintf("cannot %s guest memory of map %s at offset %u: %s",
				 rq->write ? "write" : "read", map->name, off, strerror(-rc));
	}
}

void monitor_map_request(struct monitor *m, const struct map_req *rq, struct map_reply *rp)
{
	struct bpfmap map = { 0 };
	uint32_t off = rq->offset, var_off = 0, var_size = 0;
	char *err = NULL;
	int rc = -ENOTSUP;

	memset(rp, 0, sizeof(*rp));
	rp->id = rq->id;
	if (!m)
		err = xstrdup("the host has no access to guest memory: no VM is monitored");
	else if (mon_wait_ready(m, &err))
		rc = bpfmap_find(&m->gm, &m->maplay, m->map_idr_va, rq->map, &map, &err);
	if (!rc && rq->var[0]) {
		rc = bpfmap_var(&m->gm, &m->maplay, &map, rq->var, &var_off, &var_size, &err);
		if (!rc && (var_size < 4 || rq->offset > var_size - 4)) {
			err = xasprintf("%s in map %s is %u bytes: a u32 at offset %u does not fit",
					rq->var, map.name, var_size, rq->offset);
			rc = -ERANGE;
		}
		off = var_off + rq->offset;
	}
	if (!rc) {
		uint64_t offs[MONITOR_MAX_CPUS];
		bool pcpu = map.type == BPFMAP_TYPE_PERCPU_ARRAY &&
			    !guestmem_read_va(&m->gm, m->per_cpu_offset_va, offs,
					      m->d.ncpus * sizeof(offs[0]));

		rp->value = rq->value;
		rc = bpfmap_access_u32(&m->gm, &m->maplay, &map, pcpu ? offs : NULL,
				       pcpu ? m->d.ncpus : 0, off, rq->write, &rp->value);
		if (rc)
			err = mon_access_error(rc, rq, &map, off);
	}
	rp->rc = rc;
	rp->offset = off;
	snprintf(rp->map, sizeof(rp->map), "%s", map.name);
	if (err)
		snprintf(rp->error, sizeof(rp->error), "%s", err);
	free(err);
}

void monitor_data_free(struct monitor_data *d)
{
	for (size_t i = 0; i < d->n; i++)
		free(d->s[i].cpu);
	free(d->s);
	free(d->error);
	free(d->note);
	free(d->watchdog_error);
	for (unsigned i = 0; i < MONITOR_MAX_PROGS; i++)
		free(d->prog_interval_ns[i]);
	memset(d, 0, sizeof(*d));
}
