// SPDX-License-Identifier: GPL-2.0-only
#include "guest/worktypes.h"

#include <errno.h>
#include <limits.h>
#include <linux/futex.h>
#include <poll.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest/worker.h"
#include "util/util.h"

#define WAIT_SLICE_MS 100 /* every blocking wait wakes this often to look at the stop flag */
#define WT_GAP_CHECK_NS 5000000ull  /* gaps shorter than this are taken as they are */
#define WT_CPU_READ_NS 5000000ull   /* CPU time read at least this often */

uint64_t wt_rand(uint64_t *s)
{
	uint64_t x = *s ? *s : 0x9e3779b97f4a7c15ull;

	x ^= x << 13;
	x ^= x >> 7;
	x ^= x << 17;
	*s = x;
	return x;
}

/*
 * Plain loop iterations, no PAUSE: PAUSE is a spin-wait hint, and a VM does not run it
 * as a CPU runs work. Under QEMU's TCG each PAUSE leaves the emulated CPU's translated
 * code: with eight busy vCPUs on two host cores, a CpuSpin worker that the guest ran for
 * 57% of 2 s got through 1024 of them (scx_ktstr, 2n2l2c2t), and the harness saw
 * starvation the guest scheduler did not cause. Under KVM a tight run of PAUSEs makes
 * the vCPU exit (pause-loop exiting).
 */
void wt_spin(unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		__asm__ __volatile__("" ::: "memory");
}

static uint64_t thread_cpu_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/*
 * The scheduling part of a wall-clock gap: time the guest kernel did not run this task.
 * Off-CPU time since the last CPU-time reading (wall minus CPU time, minus intended
 * sleeps) bounds it. The rest of a long gap was charged to this task as running: its
 * vCPU was not executing (an emulated CPU waiting for its host thread), which no guest
 * scheduler can cause or prevent. Reading CPU time is a system call, so it happens only
 * after a gap worth checking and at least every WT_CPU_READ_NS otherwise.
 */
static uint64_t sched_part(struct wt_ctx *c, uint64_t now, uint64_t gap)
{
	uint64_t cpu, wall, ran, off;

	if (gap < WT_GAP_CHECK_NS && now - c->cpu_read_ns < WT_CPU_READ_NS)
		return gap;
	cpu = thread_cpu_ns();
	wall = now - c->cpu_read_ns;
	ran = cpu - c->cpu_read_cpu_ns;
	off = wall > ran ? wall - ran : 0;
	off = off > c->slept_since_read_ns ? off - c->slept_since_read_ns : 0;
	c->cpu_read_ns = now;
	c->cpu_read_cpu_ns = cpu;
	c->slept_since_read_ns = 0;
	if (gap > off)
		c->rep->max_host_stall_ms = MAX(c->rep->max_host_stall_ms, (gap - off) / 1000000);
	return MIN(gap, off);
}

void wt_checkpoint(struct wt_ctx *c)
{
	struct ktstr_worker_report *r = c->rep;
	uint64_t now = now_ns(), gap = now - c->last_ckpt_ns;
	int cpu = sched_getcpu();

	gap = gap > c->credit_ns ? gap - c->credit_ns : 0;
	c->slept_since_read_ns += c->credit_ns;
	c->credit_ns = 0;
	gap = sched_part(c, now, gap);
	if (gap / 1000000 > r->max_gap_ms) {
		r->max_gap_ms = gap / 1000000;
		r->max_gap_cpu = cpu;
		r->max_gap_at_ms = (c->last_ckpt_ns - c->start_ns) / 1000000;
	}
	c->last_ckpt_ns = now;
	if (cpu >= 0 && cpu < 1024) {
		r->cpus_used[cpu / 64] |= 1ull << (cpu % 64);
		if (c->last_cpu >= 0 && cpu != c->last_cpu)
			r->migrations++;
		c->last_cpu = cpu;
	}
}

void wt_checkpoint_start(struct wt_ctx *c)
{
	c->start_ns = c->last_ckpt_ns = c->cpu_read_ns = now_ns();
	c->cpu_read_cpu_ns = thread_cpu_ns();
	c->slept_since_read_ns = c->credit_ns = 0;
}

void wt_sleep_ns(struct wt_ctx *c, uint64_t ns)
{
	struct timespec ts = { .tv_sec = ns / 1000000000ull, .tv_nsec = ns % 1000000000ull };
	uint64_t t0 = now_ns(), took;

	int r = nanosleep(&ts, NULL);

	took = now_ns() - t0;
	if (r < 0) {
		/* Interrupted by stop: the time slept was not a scheduling gap; no sample. */
		c->credit_ns += took;
		return;
	}
	c->credit_ns += ns;
	worker_report_add_latency(c->rep, took > ns ? took - ns : 0, &c->rng);
}

static long futex(_Atomic uint32_t *addr, int op, uint32_t val, const struct timespec *ts)
{
	return syscall(SYS_futex, addr, op, val, ts, NULL, 0);
}

/* Wait while *addr == val, one slice at a time; false when told to stop. */
static bool futex_wait_while(struct wt_ctx *c, _Atomic uint32_t *addr, uint32_t val)
{
	struct timespec ts = { 0, WAIT_SLICE_MS * 1000000L };

	while (atomic_load(addr) == val) {
		if (*c->stop)
			return false;
		futex(addr, FUTEX_WAIT, val, &ts);
	}
	return true;
}

static void futex_wake(_Atomic uint32_t *addr, int n)
{
	futex(addr, FUTEX_WAKE, (uint32_t)n, NULL);
}

/* A yield, timed: how long until this task runs again. */
static void timed_yield(struct wt_ctx *c)
{
	uint64_t t0 = now_ns();

	sched_yield();
	worker_report_add_latency(c->rep, now_ns() - t0, &c->rng);
}

/* ---- CpuSpin, YieldHeavy, Mixed ---- */

static void spin_defaults(struct ktstr_work_params *p)
{
	if (!p->spin_iters)
		p->spin_iters = 1024;
}

static void cpu_spin_iter(struct wt_ctx *c)
{
	wt_spin(c->work.p.spin_iters);
	c->rep->work_units += c->work.p.spin_iters;
}

static void yield_iter(struct wt_ctx *c)
{
	sched_yield();
	c->rep->work_units++;
}

static void mixed_iter(struct wt_ctx *c)
{
	cpu_spin_iter(c);
	sched_yield();
}

/* ---- IoSync ---- */

struct io_priv {
	int fd;
	char buf[4096];
};

static int io_init(struct wt_ctx *c)
{
	struct io_priv *p = xcalloc(1, sizeof(*p));

	p->fd = memfd_create("ktstr-io", MFD_CLOEXEC);
	if (p->fd < 0) {
		free(p);
		return -errno;
	}
	memset(p->buf, 0xa5, sizeof(p->buf));
	c->priv = p;
	return 0;
}

static void io_iter(struct wt_ctx *c)
{
	struct io_priv *p = c->priv;

	for (int i = 0; i < 16; i++)
		if (pwrite(p->fd, p->buf, sizeof(p->buf), (off_t)i * 4096) < 0)
			return;
	fdatasync(p->fd);
	c->rep->work_units += 16;
	wt_sleep_ns(c, 100000);
}

static void io_fini(struct wt_ctx *c)
{
	struct io_priv *p = c->priv;

	close(p->fd);
	free(p);
}

/* ---- Bursty ---- */

static void bursty_defaults(struct ktstr_work_params *p)
{
	if (!p->burst_ms)
		p->burst_ms = 50;
	if (!p->sleep_ms)
		p->sleep_ms = 100;
}

static void bursty_iter(struct wt_ctx *c)
{
	uint64_t end = now_ns() + (uint64_t)c->work.p.burst_ms * 1000000ull;

	while (!*c->stop && now_ns() < end) {
		wt_spin(1024);
		c->rep->work_units += 1024;
		wt_checkpoint(c);
	}
	if (!*c->stop)
		wt_sleep_ns(c, (uint64_t)c->work.p.sleep_ms * 1000000ull);
}

/* ---- pairs: PipeIo, FutexPingPong ---- */

static unsigned pair_group(const struct ktstr_work *w)
{
	return 2;
}

/* Wait for the partner's timestamp (member 0 serves first); false when stopping. */
static bool pipe_wait(struct wt_ctx *c)
{
	struct pollfd pfd = { .fd = c->in_fd, .events = POLLIN };
	uint64_t stamp;

	if (c->gidx == 0 && c->rep->iterations == 0)
		return true;
	for (;;) {
		if (*c->stop)
			return false;
		if (poll(&pfd, 1, WAIT_SLICE_MS) > 0)
			break;
	}
	if (read(c->in_fd, &stamp, sizeof(stamp)) != (ssize_t)sizeof(stamp))
		return false;
	worker_report_add_latency(c->rep, now_ns() - stamp, &c->rng);
	return true;
}

static bool pipe_send(struct wt_ctx *c)
{
	uint64_t stamp = now_ns();

	return write(c->out_fd, &stamp, sizeof(stamp)) == (ssize_t)sizeof(stamp);
}

static void pipe_iter(struct wt_ctx *c)
{
	if (!pipe_wait(c))
		return;
	wt_spin(c->work.p.spin_iters);
	if (pipe_send(c))
		c->rep->work_units += c->work.p.spin_iters + 1;
}

struct pingpong_shm {
	_Atomic uint32_t turn;
	_Atomic uint64_t stamp;
};

static void futex_pp_iter(struct wt_ctx *c)
{
	struct pingpong_shm *s = c->gshm;
	uint32_t other = 1 - c->gidx;
	uint64_t st;

	/* turn starts at 0: member 0 goes first. */
	if (!futex_wait_while(c, &s->turn, other))
		return;
	st = atomic_load(&s->stamp);
	if (st)
		worker_report_add_latency(c->rep, now_ns() - st, &c->rng);
	wt_spin(c->work.p.spin_iters);
	atomic_store(&s->stamp, now_ns());
	atomic_store(&s->turn, other);
	futex_wake(&s->turn, 1);
	c->rep->work_units += c->work.p.spin_iters + 1;
}

/* ---- CachePressure ---- */

struct cache_priv {
	uint8_t *buf;
	size_t len, pos;
};

static void cache_defaults(struct ktstr_work_params *p)
{
	if (!p->size_kb)
		p->size_kb = 32;
	if (!p->stride)
		p->stride = 64;
}

static int cache_init(struct wt_ctx *c)
{
	struct cache_priv *p = xcalloc(1, sizeof(*p));

	p->len = (size_t)c->work.p.size_kb * 1024;
	/* a mapping of its own: its pages come under the worker's memory policy */
	p->buf = mmap(NULL, p->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->buf == MAP_FAILED) {
		free(p);
		return -errno;
	}
	c->priv = p;
	c->mem = p->buf;
	c->mem_len = p->len;
	return 0;
}

static void cache_iter(struct wt_ctx *c)
{
	struct cache_priv *p = c->priv;

	for (int i = 0; i < 1024; i++) {
		p->buf[p->pos]++;
		p->pos = (p->pos + c->work.p.stride) % p->len;
	}
	__asm__ __volatile__("" : : "r"(p->buf) : "memory");
	c->rep->work_units += 1024;
}

static void cache_yield_iter(struct wt_ctx *c)
{
	cache_iter(c);
	timed_yield(c);
}

static void cache_pipe_iter(struct wt_ctx *c)
{
	if (!pipe_wait(c))
		return;
	cache_iter(c);
	if (pipe_send(c))
		c->rep->work_units++;
}

static void cache_fini(struct wt_ctx *c)
{
	struct cache_priv *p = c->priv;

	munmap(p->buf, p->len);
	free(p);
}

/* ---- ForkExit ---- */

static void fork_iter(struct wt_ctx *c)
{
	uint64_t t0 = now_ns();
	pid_t pid = fork();

	if (pid == 0)
		_exit(0);
	if (pid < 0)
		return;
	while (waitpid(pid, NULL, 0) < 0 && errno == EINTR)
		;
	worker_report_add_latency(c->rep, now_ns() - t0, &c->rng);
	c->rep->work_units++;
}

/* ---- NiceSweep, AffinityChurn, PolicyChurn ---- */

static void nice_iter(struct wt_ctx *c)
{
	int nice = -20 + (int)(c->rep->iterations % 40);

	wt_spin(512);
	setpriority(PRIO_PROCESS, 0, nice); /* negative values fail without CAP_SYS_NICE */
	timed_yield(c);
	c->rep->work_units += 512;
}

static void nice_fini(struct wt_ctx *c)
{
	setpriority(PRIO_PROCESS, 0, 0);
}

static void affinity_iter(struct wt_ctx *c)
{
	unsigned n = cpuset_count(&c->pool), k;
	int cpu = -1;
	cpu_set_t set;

	wt_spin(c->work.p.spin_iters);
	c->rep->work_units += c->work.p.spin_iters;
	if (!n)
		return;
	k = (unsigned)(wt_rand(&c->rng) % n);
	for (cpu = cpuset_next(&c->pool, 0); cpu >= 0 && k; k--)
		cpu = cpuset_next(&c->pool, (unsigned)cpu + 1);
	if (cpu < 0 || cpu >= CPU_SETSIZE)
		return;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		/* The cpuset shrank under us: take whatever it allows now. */
		CPU_ZERO(&set);
		for (int i = 0; i < CPU_SETSIZE; i++)
			CPU_SET(i, &set);
		sched_setaffinity(0, sizeof(set), &set);
		cpuset_zero(&c->pool);
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			for (int i = 0; i < CPU_SETSIZE; i++)
				if (CPU_ISSET(i, &set))
					cpuset_set(&c->pool, (unsigned)i);
	}
	timed_yield(c);
}

static void policy_iter(struct wt_ctx *c)
{
	static const int policies[] = { SCHED_OTHER, SCHED_BATCH, SCHED_IDLE, SCHED_FIFO,
					SCHED_RR };
	int pol = policies[c->rep->iterations % ARRAY_SIZE(policies)];
	struct sched_param sp = { .sched_priority = (pol == SCHED_FIFO || pol == SCHED_RR) };

	wt_spin(c->work.p.spin_iters);
	c->rep->work_units += c->work.p.spin_iters;
	sched_setscheduler(0, pol, &sp); /* RT fails without CAP_SYS_NICE: keep going */
	timed_yield(c);
}

static void policy_fini(struct wt_ctx *c)
{
	struct sched_param sp = { 0 };

	sched_setscheduler(0, SCHED_OTHER, &sp);
}

/* ---- PageFaultChurn ---- */

struct pf_priv {
	uint8_t *region;
	size_t len;
};

static void pf_defaults(struct ktstr_work_params *p)
{
	if (!p->size_kb)
		p->size_kb = 4096;
	if (!p->touches)
		p->touches = 256;
	if (!p->spin_iters)
		p->spin_iters = 64;
}

static int pf_init(struct wt_ctx *c)
{
	struct pf_priv *p = xcalloc(1, sizeof(*p));

	p->len = (size_t)c->work.p.size_kb * 1024;
	p->region = mmap(NULL, p->len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p->region == MAP_FAILED) {
		free(p);
		return -errno;
	}
	madvise(p->region, p->len, MADV_NOHUGEPAGE);
	c->priv = p;
	c->mem = p->region;
	c->mem_len = p->len;
	return 0;
}

static void pf_iter(struct wt_ctx *c)
{
	struct pf_priv *p = c->priv;
	size_t pages = p->len / 4096;

	/* drop first: the last iteration's pages stay resident to be counted */
	madvise(p->region, p->len, MADV_DONTNEED);
	for (unsigned i = 0; i < c->work.p.touches; i++)
		p->region[(wt_rand(&c->rng) % pages) * 4096] = (uint8_t)i;
	wt_spin(c->work.p.spin_iters);
	c->rep->work_units += c->work.p.touches;
}

static void pf_fini(struct wt_ctx *c)
{
	struct pf_priv *p = c->priv;

	munmap(p->region, p->len);
	free(p);
}

/* ---- MutexContention ---- */

struct mutex_shm {
	_Atomic uint32_t lock; /* 0 free, 1 held, 2 held with waiters */
	_Atomic uint64_t released;
};

static void mutex_defaults(struct ktstr_work_params *p)
{
	if (!p->group)
		p->group = 4;
	if (!p->hold_iters)
		p->hold_iters = 256;
	if (!p->spin_iters)
		p->spin_iters = 1024;
}

static unsigned mutex_group(const struct ktstr_work *w)
{
	return w->p.group ? w->p.group : 4;
}

static void mutex_iter(struct wt_ctx *c)
{
	struct mutex_shm *s = c->gshm;
	uint32_t v = 0;

	wt_spin(c->work.p.spin_iters);
	c->rep->work_units += c->work.p.spin_iters;
	if (!atomic_compare_exchange_strong(&s->lock, &v, 1)) {
		uint64_t t0 = now_ns();

		for (;;) {
			v = atomic_exchange(&s->lock, 2);
			if (v == 0)
				break;
			if (!futex_wait_while(c, &s->lock, 2)) {
				/* Stopping: leave no phantom waiter mark behind for the others. */
				return;
			}
		}
		{
			uint64_t rel = atomic_load(&s->released);

			worker_report_add_latency(c->rep, now_ns() - (rel > t0 ? rel : t0),
						  &c->rng);
		}
	}
	wt_spin(c->work.p.hold_iters);
	c->rep->work_units += c->work.p.hold_iters;
	if (atomic_exchange(&s->lock, 0) == 2) {
		atomic_store(&s->released, now_ns());
		futex_wake(&s->lock, 1);
	}
}

/* ---- FanOutCompute ---- */

struct fan_shm {
	_Atomic uint32_t gen;
	_Atomic uint64_t stamp;
};

/* Time since the messenger's latest stamp, read before the clock: read after it, the
 * stamp can be of a round the messenger began meanwhile, later than "now" (the
 * difference wrapped, and the host rejected the whole report). */
static uint64_t since_stamp(struct fan_shm *s)
{
	uint64_t stamp = atomic_load(&s->stamp);

	return now_ns() - stamp;
}

struct fan_priv {
	uint64_t *a, *b, *m;
	unsigned n;
	uint32_t seen;
};

static void fan_defaults(struct ktstr_work_params *p)
{
	if (!p->group)
		p->group = 4;
	if (!p->footprint_kb)
		p->footprint_kb = 256;
	if (!p->operations)
		p->operations = 5;
	if (!p->sleep_us)
		p->sleep_us = 100;
	if (!p->spin_iters)
		p->spin_iters = 1024;
}

static unsigned fan_group(const struct ktstr_work *w)
{
	return (w->p.group ? w->p.group : 4) + 1;
}

static int fan_init(struct wt_ctx *c)
{
	struct fan_priv *p = xcalloc(1, sizeof(*p));
	size_t elems = (size_t)c->work.p.footprint_kb * 1024 / 3 / sizeof(uint64_t);

	c->rep->messenger = c->gidx == 0;
	while ((size_t)(p->n + 1) * (p->n + 1) <= elems)
		p->n++;
	if (!p->n)
		p->n = 1;
	p->a = xcalloc((size_t)p->n * p->n, sizeof(uint64_t));
	p->b = xcalloc((size_t)p->n * p->n, sizeof(uint64_t));
	p->m = xcalloc((size_t)p->n * p->n, sizeof(uint64_t));
	for (size_t i = 0; i < (size_t)p->n * p->n; i++) {
		p->a[i] = wt_rand(&c->rng) & 0xff;
		p->b[i] = wt_rand(&c->rng) & 0xff;
	}
	c->priv = p;
	return 0;
}

static void fan_iter(struct wt_ctx *c)
{
	struct fan_shm *s = c->gshm;
	struct fan_priv *p = c->priv;
	unsigned n = p->n;

	if (c->gidx == 0) {
		wt_spin(c->work.p.spin_iters);
		atomic_store(&s->stamp, now_ns());
		atomic_fetch_add(&s->gen, 1);
		futex_wake(&s->gen, INT_MAX);
		c->rep->work_units++;
		wt_sleep_ns(c, 1000000); /* pace the fan-out at ~1 kHz */
		return;
	}
	if (!futex_wait_while(c, &s->gen, p->seen))
		return;
	p->seen = atomic_load(&s->gen);
	worker_report_add_latency(c->rep, since_stamp(s), &c->rng);
	wt_sleep_ns(c, (uint64_t)c->work.p.sleep_us * 1000);
	for (unsigned op = 0; op < c->work.p.operations; op++) {
		for (unsigned i = 0; i < n; i++)
			for (unsigned j = 0; j < n; j++) {
				uint64_t acc = 0;

				for (unsigned k = 0; k < n; k++)
					acc += p->a[i * n + k] * p->b[k * n + j];
				p->m[i * n + j] = acc;
			}
		c->rep->work_units++;
		wt_checkpoint(c);
	}
}

static void futex_fan_defaults(struct ktstr_work_params *p)
{
	if (!p->group)
		p->group = 4;
	if (!p->spin_iters)
		p->spin_iters = 1024;
}

static int futex_fan_init(struct wt_ctx *c)
{
	c->rep->messenger = c->gidx == 0;
	return 0;
}

static void futex_fan_iter(struct wt_ctx *c)
{
	struct fan_shm *s = c->gshm;
	uint32_t seen;

	if (c->gidx == 0) {
		wt_spin(c->work.p.spin_iters);
		atomic_store(&s->stamp, now_ns());
		atomic_fetch_add(&s->gen, 1);
		futex_wake(&s->gen, INT_MAX);
		c->rep->work_units += c->work.p.spin_iters;
		return;
	}
	seen = (uint32_t)(uintptr_t)c->priv;
	if (!futex_wait_while(c, &s->gen, seen))
		return;
	c->priv = (void *)(uintptr_t)atomic_load(&s->gen);
	worker_report_add_latency(c->rep, since_stamp(s), &c->rng);
	c->rep->work_units++;
}

static void fan_fini(struct wt_ctx *c)
{
	struct fan_priv *p = c->priv;

	free(p->a);
	free(p->b);
	free(p->m);
	free(p);
}

static const struct wt_ops ops[KTSTR_WT_COUNT] = {
	[KTSTR_WT_CPU_SPIN] = { NULL, false, spin_defaults, NULL, cpu_spin_iter, NULL },
	[KTSTR_WT_YIELD_HEAVY] = { NULL, false, spin_defaults, NULL, yield_iter, NULL },
	[KTSTR_WT_MIXED] = { NULL, false, spin_defaults, NULL, mixed_iter, NULL },
	[KTSTR_WT_IO_SYNC] = { NULL, false, NULL, io_init, io_iter, io_fini },
	[KTSTR_WT_BURSTY] = { NULL, false, bursty_defaults, NULL, bursty_iter, NULL },
	[KTSTR_WT_PIPE_IO] = { pair_group, true, spin_defaults, NULL, pipe_iter, NULL },
	[KTSTR_WT_FUTEX_PING_PONG] = { pair_group, false, spin_defaults, NULL, futex_pp_iter, NULL },
	[KTSTR_WT_CACHE_PRESSURE] = { NULL, false, cache_defaults, cache_init, cache_iter, cache_fini },
	[KTSTR_WT_FORK_EXIT] = { NULL, false, NULL, NULL, fork_iter, NULL },
	[KTSTR_WT_NICE_SWEEP] = { NULL, false, NULL, NULL, nice_iter, nice_fini },
	[KTSTR_WT_AFFINITY_CHURN] = { NULL, false, spin_defaults, NULL, affinity_iter, NULL },
	[KTSTR_WT_POLICY_CHURN] = { NULL, false, spin_defaults, NULL, policy_iter, policy_fini },
	[KTSTR_WT_PAGE_FAULT_CHURN] = { NULL, false, pf_defaults, pf_init, pf_iter, pf_fini },
	[KTSTR_WT_MUTEX_CONTENTION] = { mutex_group, false, mutex_defaults, NULL, mutex_iter, NULL },
	[KTSTR_WT_FAN_OUT_COMPUTE] = { fan_group, false, fan_defaults, fan_init, fan_iter, fan_fini },
	[KTSTR_WT_CACHE_YIELD] = { NULL, false, cache_defaults, cache_init, cache_yield_iter,
			      cache_fini },
	[KTSTR_WT_CACHE_PIPE] = { pair_group, true, cache_defaults, cache_init, cache_pipe_iter,
			     cache_fini },
	[KTSTR_WT_FUTEX_FAN_OUT] = { fan_group, false, futex_fan_defaults, futex_fan_init,
				futex_fan_iter, NULL },
};

const struct wt_ops *wt_get(enum ktstr_work_type t)
{
	if (t == KTSTR_WT_SEQUENCE)
		return &wt_sequence_ops;
	if (t == KTSTR_WT_CUSTOM)
		return &wt_custom_ops;
	if ((unsigned)t >= KTSTR_WT_COUNT)
		return NULL;
	return &ops[t];
}

unsigned ktstr_work_group_size(const struct ktstr_work *w)
{
	const struct wt_ops *o = wt_get(w->type);

	return o && o->group_size ? o->group_size(w) : 1;
}
