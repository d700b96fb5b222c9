// SPDX-License-Identifier: GPL-2.0-only
#include "guest/worker.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "guest/cgroup.h"
#include "guest/numa.h"
#include "guest/worktypes.h"
#include "util/util.h"

#define REPORT_MAX_BYTES (1u << 20)

static volatile sig_atomic_t worker_stop;

static void on_stop(int sig)
{
	worker_stop = 1;
}

void worker_report_add_latency(struct ktstr_worker_report *r, uint64_t ns, uint64_t *rng)
{
	r->lat_total++;
	if (r->nlat < KTSTR_MAX_LAT_SAMPLES) {
		r->lat_ns[r->nlat++] = ns;
	} else {
		uint64_t j = wt_rand(rng) % r->lat_total;

		if (j < KTSTR_MAX_LAT_SAMPLES)
			r->lat_ns[j] = ns;
	}
}

int worker_work_resolve(struct ktstr_work *w, char **err)
{
	const struct wt_ops *o = wt_get(w->type);
	unsigned gs;

	if (!o) {
		*err = xasprintf("unknown work type %d", (int)w->type);
		return -EINVAL;
	}
	if (o->defaults)
		o->defaults(&w->p);
	if (o->validate) {
		int ret = o->validate(w, err);

		if (ret < 0)
			return ret;
	}
	gs = ktstr_work_group_size(w);
	if (!w->workers || w->workers % gs) {
		*err = xasprintf("%s requires a worker count divisible by %u, got %u",
				 ktstr_work_type_name(w->type), gs, w->workers);
		return -EINVAL;
	}
	return worker_policy_resolve(w, err);
}

int worker_policy_resolve(struct ktstr_work *w, char **err)
{
	if (w->policy == KTSTR_POLICY_FIFO || w->policy == KTSTR_POLICY_RR) {
		if (!w->prio)
			w->prio = 1;
		if (w->prio < 1 || w->prio > 99) {
			*err = xasprintf("RT priority %d outside 1..99", w->prio);
			return -EINVAL;
		}
	}
	if (w->nice < -20 || w->nice > 19) {
		*err = xasprintf("nice %d outside -20..19", w->nice);
		return -EINVAL;
	}
	if (w->policy == KTSTR_POLICY_DEADLINE) {
		if (!w->dl_runtime_us)
			w->dl_runtime_us = 2000;
		if (!w->dl_period_us)
			w->dl_period_us = MAX(10000u, w->dl_deadline_us);
		if (!w->dl_deadline_us)
			w->dl_deadline_us = w->dl_period_us;
		if (w->dl_runtime_us > w->dl_deadline_us || w->dl_deadline_us > w->dl_period_us) {
			*err = xasprintf("deadline runtime %u us <= deadline %u us <= period %u us "
					 "does not hold", w->dl_runtime_us, w->dl_deadline_us,
					 w->dl_period_us);
			return -EINVAL;
		}
	} else if (w->nice && (w->policy == KTSTR_POLICY_FIFO || w->policy == KTSTR_POLICY_RR)) {
		*err = xasprintf("nice %d on an RT policy", w->nice);
		return -EINVAL;
	}
	return 0;
}

static void online_or_pool(const struct cpuset *pool, const struct hw_topo *topo,
			   struct cpuset *out)
{
	if (cpuset_count(pool)) {
		*out = *pool;
	} else if (topo) {
		*out = topo->online;
	} else {
		cpu_set_t set;

		cpuset_zero(out);
		if (sched_getaffinity(0, sizeof(set), &set) == 0)
			for (int i = 0; i < CPU_SETSIZE; i++)
				if (CPU_ISSET(i, &set))
					cpuset_set(out, (unsigned)i);
	}
}

bool worker_affinity_resolve(const struct ktstr_affinity *a, const struct cpuset *pool_in,
			     const struct hw_topo *topo, uint64_t *rng, struct cpuset *out)
{
	struct cpuset pool;
	unsigned n, want;
	int best = -1;
	unsigned best_n = 0;

	online_or_pool(pool_in, topo, &pool);
	n = cpuset_count(&pool);
	cpuset_zero(out);
	switch (a->kind) {
	case KTSTR_AFF_INHERIT:
		return false;
	case KTSTR_AFF_ALL:
		if (topo)
			*out = topo->online;
		else
			*out = pool;
		return true;
	case KTSTR_AFF_SINGLE_CPU:
		if (!n)
			return false;
		cpuset_set(out, (unsigned)cpuset_next(&pool, 0));
		return true;
	case KTSTR_AFF_LLC_ALIGNED:
		for (unsigned i = 0; topo && i < topo->nllcs; i++) {
			struct cpuset x = topo->llc[i];

			cpuset_and(&x, &pool);
			if (cpuset_count(&x) > best_n) {
				best_n = cpuset_count(&x);
				best = (int)i;
			}
		}
		if (best < 0)
			return false;
		*out = topo->llc[best];
		cpuset_and(out, &pool);
		return true;
	case KTSTR_AFF_RANDOM_SUBSET:
		if (!n)
			return false;
		want = n / 2 ? n / 2 : 1;
		while (cpuset_count(out) < want) {
			unsigned k = (unsigned)(wt_rand(rng) % n);
			int cpu = cpuset_next(&pool, 0);

			while (k--)
				cpu = cpuset_next(&pool, (unsigned)cpu + 1);
			cpuset_set(out, (unsigned)cpu);
		}
		return true;
	case KTSTR_AFF_EXACT:
		if (!a->cpus || cpuset_parse(a->cpus, out) < 0 || !cpuset_count(out))
			return false;
		{
			struct cpuset x = *out;

			cpuset_and(&x, &pool);
			if (cpuset_count(&x))
				*out = x;
		}
		return true;
	}
	return false;
}

static void to_cpu_set(const struct cpuset *s, cpu_set_t *out)
{
	CPU_ZERO(out);
	for (int c = cpuset_next(s, 0); c >= 0 && c < CPU_SETSIZE;
	     c = cpuset_next(s, (unsigned)c + 1))
		CPU_SET(c, out);
}

static void read_schedstat(uint64_t *run, uint64_t *delay, uint64_t *count)
{
	char *s = file_read_line("/proc/self/schedstat");
	unsigned long long a = 0, b = 0, c = 0;

	if (s && sscanf(s, "%llu %llu %llu", &a, &b, &c) == 3) {
		*run = a;
		*delay = b;
		*count = c;
	} else {
		*run = *delay = *count = 0;
	}
	free(s);
}

static uint64_t cpu_clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Close every descriptor >= 3 except those in keep (unsorted, -1 entries ignored). */
static void close_others(int *keep, unsigned n)
{
	int lo = 3;

	for (unsigned i = 0; i < n; i++)
		for (unsigned j = i + 1; j < n; j++)
			if (keep[j] < keep[i]) {
				int t = keep[i];

				keep[i] = keep[j];
				keep[j] = t;
			}
	for (unsigned i = 0; i < n; i++) {
		if (keep[i] < lo)
			continue;
		if (keep[i] > lo)
			close_range((unsigned)lo, (unsigned)keep[i] - 1, 0);
		lo = keep[i] + 1;
	}
	close_range((unsigned)lo, ~0u, 0);
}

struct child_args {
	struct ktstr_work work;
	unsigned index, gidx, gsize;
	void *gshm;
	int start_fd, report_fd, in_fd, out_fd;
	uint64_t seed;
	pid_t parent;
	uint64_t *progress;
	struct cpuset mem_nodes;
};

static void send_report(int fd, const struct ktstr_worker_report *r)
{
	json_t *j = worker_report_to_json(r);
	char *text = json_dumps(j, JSON_COMPACT);
	uint32_t len = (uint32_t)strlen(text);

	write_full(fd, &len, sizeof(len));
	write_full(fd, text, len);
	free(text);
	json_decref(j);
}

static __attribute__((noreturn)) void worker_main(struct child_args *a)
{
	static struct ktstr_worker_report rep;
	const struct wt_ops *o = wt_get(a->work.type);
	struct sigaction sa = { .sa_handler = on_stop };
	int keep[] = { a->start_fd, a->report_fd, a->in_fd, a->out_fd };
	struct wt_ctx c = { 0 };
	struct rusage ru0, ru1;
	uint64_t t0, cpu0, run0, delay0, cnt0, run1, delay1, cnt1;
	sigset_t set;
	cpu_set_t aff;
	char b;
	ssize_t n;

	prctl(PR_SET_PDEATHSIG, SIGKILL);
	if (getppid() != a->parent)
		_exit(3);
	sigaction(SIGUSR1, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	signal(SIGCHLD, SIG_DFL);
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_UNBLOCK, &set, NULL);
	close_others(keep, ARRAY_SIZE(keep));
	if (a->work.mem.mode != KTSTR_MPOL_DEFAULT) {
		int ret = numa_mpol_apply(&a->work.mem, &a->mem_nodes);

		if (ret < 0) {
			fprintf(stderr, "worker %d: set_mempolicy(%s): %s\n", (int)getpid(),
				ktstr_mpol_mode_name(a->work.mem.mode), strerror(-ret));
			_exit(5);
		}
	}

	do
		n = read(a->start_fd, &b, 1);
	while (n < 0 && errno == EINTR && !worker_stop);
	if (n != 1)
		_exit(2); /* released without a start: the set was aborted */
	close(a->start_fd);

	rep.pid = getpid();
	rep.index = a->index;
	rep.type = a->work.type;
	rep.max_gap_cpu = -1;
	rep.completed = true;
	c.work = a->work;
	c.gidx = a->gidx;
	c.gsize = a->gsize;
	c.gshm = a->gshm;
	c.in_fd = a->in_fd;
	c.out_fd = a->out_fd;
	c.rng = a->seed ^ ((uint64_t)getpid() << 32) ^ 0x2545f4914f6cdd1dull;
	c.stop = &worker_stop;
	c.rep = &rep;
	c.last_cpu = -1;
	if (sched_getaffinity(0, sizeof(aff), &aff) == 0)
		for (int i = 0; i < CPU_SETSIZE; i++)
			if (CPU_ISSET(i, &aff))
				cpuset_set(&c.pool, (unsigned)i);
	if (o->init && o->init(&c) < 0)
		_exit(4);

	getrusage(RUSAGE_SELF, &ru0);
	read_schedstat(&run0, &delay0, &cnt0);
	cpu0 = cpu_clock_ns();
	t0 = now_ns();
	wt_checkpoint_start(&c);
	while (!worker_stop) {
		o->iter(&c);
		rep.iterations++;
		__atomic_store_n(a->progress, rep.iterations, __ATOMIC_RELAXED);
		wt_checkpoint(&c);
	}
	rep.wall_ns = now_ns() - t0;
	rep.cpu_ns = cpu_clock_ns() - cpu0;
	read_schedstat(&run1, &delay1, &cnt1);
	getrusage(RUSAGE_SELF, &ru1);
	if (c.mem)
		numa_self_region_pages(c.mem, c.mem_len, rep.numa_pages);
	if (o->fini)
		o->fini(&c);
	rep.off_cpu_ns = rep.wall_ns > rep.cpu_ns ? rep.wall_ns - rep.cpu_ns : 0;
	rep.run_delay_ns = delay1 - delay0;
	rep.run_count = cnt1 - cnt0;
	rep.vol_switches = (uint64_t)(ru1.ru_nvcsw - ru0.ru_nvcsw);
	rep.invol_switches = (uint64_t)(ru1.ru_nivcsw - ru0.ru_nivcsw);
	send_report(a->report_fd, &rep);
	_exit(0);
}

/* struct sched_attr as the kernel reads it (SCHED_ATTR_SIZE_VER0); older C libraries do
 * not declare it, newer ones do under the kernel's name. */
struct dl_attr {
	uint32_t size, sched_policy;
	uint64_t sched_flags;
	int32_t sched_nice;
	uint32_t sched_priority;
	uint64_t sched_runtime, sched_deadline, sched_period;
};

/* The deadline policy through sched_setattr (no C library wrapper to rely on). */
static int set_deadline(pid_t pid, const struct ktstr_work *w)
{
	struct dl_attr attr = {
		.size = sizeof(attr),
		.sched_policy = SCHED_DEADLINE,
		.sched_runtime = (uint64_t)w->dl_runtime_us * 1000,
		.sched_deadline = (uint64_t)w->dl_deadline_us * 1000,
		.sched_period = (uint64_t)w->dl_period_us * 1000,
	};

	return syscall(SYS_sched_setattr, pid, &attr, 0) < 0 ? -errno : 0;
}

static void set_policy(pid_t pid, const struct ktstr_work *w, char **err)
{
	struct sched_param sp = { 0 };
	int pol, ret;

	switch (w->policy) {
	case KTSTR_POLICY_NORMAL:
		pol = SCHED_OTHER;
		break;
	case KTSTR_POLICY_BATCH:
		pol = SCHED_BATCH;
		break;
	case KTSTR_POLICY_IDLE:
		pol = SCHED_IDLE;
		break;
	case KTSTR_POLICY_FIFO:
		pol = SCHED_FIFO;
		sp.sched_priority = w->prio;
		break;
	case KTSTR_POLICY_RR:
		pol = SCHED_RR;
		sp.sched_priority = w->prio;
		break;
	case KTSTR_POLICY_DEADLINE:
		ret = set_deadline(pid, w);
		if (ret < 0 && ret != -ESRCH)
			*err = xasprintf("sched_setattr(%d, deadline %u/%u/%u us) failed: %s",
					 (int)pid, w->dl_runtime_us, w->dl_deadline_us,
					 w->dl_period_us, strerror(-ret));
		return;
	default:
		*err = xasprintf("unknown policy %d", (int)w->policy);
		return;
	}
	if (sched_setscheduler(pid, pol, &sp) < 0 && errno != ESRCH) {
		*err = xasprintf("sched_setscheduler(%d, %d) failed: %s", (int)pid, pol,
				 strerror(errno));
		return;
	}
	if (pol != SCHED_FIFO && pol != SCHED_RR &&
	    setpriority(PRIO_PROCESS, (id_t)pid, w->nice) < 0 && errno != ESRCH)
		*err = xasprintf("setpriority(%d, %d) failed: %s", (int)pid, w->nice,
				 strerror(errno));
}

int worker_set_policy(struct worker_set *s, const struct ktstr_work *want, char **err)
{
	struct ktstr_work w = *want;
	int ret;

	*err = NULL;
	ret = worker_policy_resolve(&w, err);
	if (ret < 0)
		return ret;
	for (unsigned i = 0; i < s->n && !*err; i++)
		if (s->pids[i] > 0)
			set_policy(s->pids[i], &w, err);
	if (*err)
		return -EPERM;
	s->work.policy = w.policy;
	s->work.prio = w.prio;
	s->work.nice = w.nice;
	s->work.dl_runtime_us = w.dl_runtime_us;
	s->work.dl_deadline_us = w.dl_deadline_us;
	s->work.dl_period_us = w.dl_period_us;
	return 0;
}

static void kill_and_reap(struct worker_set *s)
{
	for (unsigned i = 0; i < s->n; i++)
		if (s->pids[i] > 0) {
			kill(s->pids[i], SIGKILL);
			waitpid(s->pids[i], NULL, 0);
			s->pids[i] = 0;
		}
}

/* The set's arrays and its shared memory: a slot per group, a progress counter per worker. */
static int set_alloc(const struct ktstr_work *w, unsigned ngroups, struct worker_set *s,
		     char **err)
{
	int ret;

	s->work = *w;
	s->n = w->workers;
	s->pids = xcalloc(s->n, sizeof(*s->pids));
	s->start_fds = xmalloc(s->n * sizeof(int));
	s->report_fds = xmalloc(s->n * sizeof(int));
	s->reports = xcalloc(s->n, sizeof(*s->reports));
	for (unsigned i = 0; i < s->n; i++)
		s->start_fds[i] = s->report_fds[i] = -1;
	s->shm_len = ((size_t)ngroups * WT_SHM_SLOT + 4095) & ~(size_t)4095;
	s->shm = mmap(NULL, s->shm_len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->shm == MAP_FAILED) {
		ret = -errno;
		s->shm = NULL;
		*err = xasprintf("mmap of shared group memory failed: %s", strerror(-ret));
		return ret;
	}
	s->progress_len = (s->n * sizeof(uint64_t) + 4095) & ~(size_t)4095;
	s->progress = mmap(NULL, s->progress_len, PROT_READ | PROT_WRITE,
			   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (s->progress == MAP_FAILED) {
		ret = -errno;
		s->progress = NULL;
		*err = xasprintf("mmap of the progress counters failed: %s", strerror(-ret));
		return ret;
	}
	return 0;
}

/* PipeIo: two pipes per group; one that failed is marked -1. */
static int group_pipes_open(int (*pipes)[2][2], unsigned ngroups, char **err)
{
	for (unsigned g = 0; g < ngroups; g++)
		for (int k = 0; k < 2; k++)
			if (pipe2(pipes[g][k], O_CLOEXEC) < 0) {
				int ret = -errno;

				*err = xasprintf("pipe: %s", strerror(-ret));
				pipes[g][k][0] = pipes[g][k][1] = -1;
				return ret;
			}
	return 0;
}

static void group_pipes_free(int (*pipes)[2][2], unsigned ngroups)
{
	if (!pipes)
		return;
	for (unsigned g = 0; g < ngroups; g++)
		for (int k = 0; k < 2; k++)
			for (int e = 0; e < 2; e++)
				if (pipes[g][k][e] >= 0)
					close(pipes[g][k][e]);
	free(pipes);
}

/* Worker i with its start and report pipes and its ends of its group's pipes. */
static int fork_worker(struct worker_set *s, unsigned i, unsigned gs, int (*pipes)[2][2],
		       uint64_t rng)
{
	int sp[2], rp[2], ret;
	pid_t pid;

	if (pipe2(sp, O_CLOEXEC) < 0)
		return -errno;
	if (pipe2(rp, O_CLOEXEC) < 0) {
		ret = -errno;
		close(sp[0]);
		close(sp[1]);
		return ret;
	}
	pid = fork();
	if (pid == 0) {
		struct child_args a = {
			.work = s->work,
			.index = i,
			.gidx = i % gs,
			.gsize = gs,
			.gshm = (char *)s->shm + (size_t)(i / gs) * WT_SHM_SLOT,
			.start_fd = sp[0],
			.report_fd = rp[1],
			.in_fd = -1,
			.out_fd = -1,
			.seed = rng + i * 0x9e3779b97f4a7c15ull,
			.parent = getppid(),
			.progress = &s->progress[i],
			.mem_nodes = s->mem_nodes,
		};

		if (pipes) {
			unsigned g = i / gs, m = i % gs;

			a.out_fd = pipes[g][m][1];
			a.in_fd = pipes[g][1 - m][0];
		}
		worker_main(&a);
	}
	close(sp[0]);
	close(rp[1]);
	if (pid < 0) {
		ret = -errno;
		close(sp[1]);
		close(rp[0]);
		return ret;
	}
	s->pids[i] = pid;
	s->start_fds[i] = sp[1];
	s->report_fds[i] = rp[0];
	return 0;
}

/* Every worker, with SIGUSR1 blocked while they fork. */
static int fork_workers(struct worker_set *s, unsigned gs, int (*pipes)[2][2], uint64_t rng)
{
	sigset_t block, old;
	int ret = 0;

	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, &old);
	for (unsigned i = 0; i < s->n && ret >= 0; i++)
		ret = fork_worker(s, i, gs, pipes, rng);
	sigprocmask(SIG_SETMASK, &old, NULL);
	return ret;
}

/* Worker i into the cgroup, onto its CPUs, under its policy; *err says what failed. */
static int place_worker(const struct worker_spec *spec, struct worker_set *s, unsigned i,
			uint64_t *rng, char **err)
{
	struct cpuset aff;
	int ret = 0;

	if (spec->cgroup_dir) {
		char *path = xasprintf("%s/cgroup.procs", spec->cgroup_dir);
		char *val = xasprintf("%d", (int)s->pids[i]);

		ret = cgroup_write_retry(path, val);
		if (ret < 0)
			*err = xasprintf("moving worker %d into %s: %s", (int)s->pids[i],
					 spec->cgroup_dir, strerror(-ret));
		free(path);
		free(val);
		if (*err)
			return ret;
	}
	if (worker_affinity_resolve(&s->work.affinity, &spec->pool, spec->topo, rng, &aff)) {
		cpu_set_t cs;

		to_cpu_set(&aff, &cs);
		if (sched_setaffinity(s->pids[i], sizeof(cs), &cs) < 0) {
			char *l = cpuset_format(&aff);

			ret = -errno;
			*err = xasprintf("sched_setaffinity(%d, %s): %s", (int)s->pids[i], l,
					 strerror(errno));
			free(l);
			return ret;
		}
	}
	set_policy(s->pids[i], &s->work, err);
	return *err ? -EPERM : ret;
}

/* work.mem's nodes, bounded by the cgroup's cpuset.mems.effective where it has one. */
static int resolve_mem(const struct worker_spec *spec, struct cpuset *nodes, char **err)
{
	struct cpuset mems;
	bool have_mems = false;

	cpuset_zero(nodes);
	if (spec->work.mem.mode == KTSTR_MPOL_DEFAULT)
		return 0;
	if (!spec->topo) {
		*err = xstrdup("a memory policy needs the guest topology");
		return -EINVAL;
	}
	if (spec->cgroup_dir) {
		char *path = xasprintf("%s/cpuset.mems.effective", spec->cgroup_dir);
		char *line = file_read_line(path);

		have_mems = line && cpuset_parse(line, &mems) == 0 && cpuset_count(&mems);
		free(line);
		free(path);
	}
	return numa_mpol_resolve(&spec->work.mem, spec->topo, &spec->pool,
				 have_mems ? &mems : NULL, nodes, err);
}

int worker_set_spawn(const struct worker_spec *spec, struct worker_set **out, char **err)
{
	struct worker_set *s;
	struct ktstr_work w = spec->work;
	unsigned gs, ngroups;
	int (*pipes)[2][2] = NULL; /* PipeIo: per group, [0]: 0->1, [1]: 1->0 */
	uint64_t rng = spec->seed ? spec->seed : now_ns();
	int ret = 0;

	*err = NULL;
	ret = worker_work_resolve(&w, err);
	if (ret < 0)
		return ret;
	gs = ktstr_work_group_size(&w);
	ngroups = w.workers / gs;
	s = xcalloc(1, sizeof(*s));
	ret = set_alloc(&w, ngroups, s, err);
	if (ret < 0)
		goto fail;
	ret = resolve_mem(spec, &s->mem_nodes, err);
	if (ret < 0)
		goto fail;
	if (wt_get(w.type)->pipes) {
		pipes = xcalloc(ngroups, sizeof(*pipes));
		ret = group_pipes_open(pipes, ngroups, err);
		if (ret < 0)
			goto fail;
	}
	ret = fork_workers(s, gs, pipes, rng);
	if (ret < 0) {
		*err = xasprintf("fork of worker failed: %s", strerror(-ret));
		goto fail;
	}
	for (unsigned i = 0; i < s->n && !*err; i++)
		ret = place_worker(spec, s, i, &rng, err);
	if (*err)
		goto fail;
	group_pipes_free(pipes, ngroups);
	*out = s;
	return 0;

fail:
	group_pipes_free(pipes, ngroups);
	kill_and_reap(s);
	worker_set_free(s);
	return ret < 0 ? ret : -EINVAL;
}

void worker_set_start(struct worker_set *s)
{
	s->start_ns = now_ns();
	for (unsigned i = 0; i < s->n; i++) {
		if (s->start_fds[i] < 0)
			continue;
		if (write(s->start_fds[i], "g", 1) != 1)
			log_warn("worker %d: start write failed: %s", (int)s->pids[i],
				 strerror(errno));
		close(s->start_fds[i]);
		s->start_fds[i] = -1;
	}
	s->running = true;
}

uint64_t worker_set_progress(const struct worker_set *s, unsigned i)
{
	if (!s->progress || i >= s->n)
		return 0;
	return __atomic_load_n(&s->progress[i], __ATOMIC_RELAXED);
}

int worker_set_affinity(struct worker_set *s, const struct cpuset *cpus)
{
	cpu_set_t cs;
	int ret = 0;

	to_cpu_set(cpus, &cs);
	for (unsigned i = 0; i < s->n; i++)
		if (s->pids[i] > 0 && sched_setaffinity(s->pids[i], sizeof(cs), &cs) < 0 && !ret &&
		    errno != ESRCH)
			ret = -errno;
	return ret;
}

struct rd {
	struct worker_set *s;
	unsigned i;
	uint32_t want;
	size_t got;
	char *buf;
	bool done;
};

/* Read more of one worker's report; true when finished (complete or failed). */
static bool rd_step(struct rd *r)
{
	int fd = r->s->report_fds[r->i];
	ssize_t n;

	if (!r->buf) {
		n = read(fd, (char *)&r->want + r->got, sizeof(r->want) - r->got);
		if (n <= 0)
			return n < 0 && errno == EINTR ? false : true;
		r->got += (size_t)n;
		if (r->got < sizeof(r->want))
			return false;
		if (r->want == 0 || r->want > REPORT_MAX_BYTES)
			return true;
		r->buf = xmalloc(r->want + 1);
		r->got = 0;
		return false;
	}
	n = read(fd, r->buf + r->got, r->want - r->got);
	if (n <= 0)
		return n < 0 && errno == EINTR ? false : true;
	r->got += (size_t)n;
	if (r->got < r->want)
		return false;
	{
		json_error_t je;
		json_t *j = json_loadb(r->buf, r->want, 0, &je);
		struct ktstr_worker_report *rep = &r->s->reports[r->i];
		char *err = NULL;

		if (!j || worker_report_from_json(j, rep, &err) < 0) {
			log_warn("worker %d: bad report: %s", (int)r->s->pids[r->i],
				 err ? err : je.text);
			memset(rep, 0, sizeof(*rep));
		}
		free(err);
		json_decref(j);
	}
	return true;
}

void worker_sets_stop(struct worker_set **sets, unsigned nsets, unsigned deadline_ms)
{
	unsigned total = 0, pending = 0;
	struct rd *rds;
	struct pollfd *pfds;
	uint64_t deadline = now_ns() + (uint64_t)deadline_ms * 1000000ull;

	for (unsigned k = 0; k < nsets; k++)
		if (!sets[k]->collected)
			total += sets[k]->n;
	rds = xcalloc(total ? total : 1, sizeof(*rds));
	pfds = xcalloc(total ? total : 1, sizeof(*pfds));
	for (unsigned k = 0; k < nsets; k++) {
		struct worker_set *s = sets[k];

		if (s->collected)
			continue;
		s->stop_ns = now_ns();
		for (unsigned i = 0; i < s->n; i++) {
			/* A set never started is released with no start byte: workers exit. */
			if (s->start_fds[i] >= 0) {
				close(s->start_fds[i]);
				s->start_fds[i] = -1;
			}
			if (s->pids[i] > 0)
				kill(s->pids[i], SIGUSR1);
			rds[pending].s = s;
			rds[pending].i = i;
			rds[pending].done = s->report_fds[i] < 0;
			pending++;
		}
	}
	for (;;) {
		unsigned np = 0;
		uint64_t now = now_ns();
		int r;

		for (unsigned k = 0; k < pending; k++)
			if (!rds[k].done) {
				pfds[np].fd = rds[k].s->report_fds[rds[k].i];
				pfds[np].events = POLLIN;
				pfds[np].revents = 0;
				np++;
			}
		if (!np || now >= deadline)
			break;
		r = poll(pfds, np, (int)((deadline - now) / 1000000ull) + 1);
		if (r < 0 && errno != EINTR)
			break;
		np = 0;
		for (unsigned k = 0; k < pending; k++) {
			if (rds[k].done)
				continue;
			if (pfds[np].revents)
				rds[k].done = rd_step(&rds[k]);
			np++;
		}
	}
	for (unsigned k = 0; k < pending; k++) {
		struct worker_set *s = rds[k].s;
		unsigned i = rds[k].i;
		struct ktstr_worker_report *rep = &s->reports[i];
		int status = -1; /* not reaped */
		pid_t pid = s->pids[i];

		free(rds[k].buf);
		if (pid > 0) {
			if (!rep->completed)
				kill(pid, SIGKILL);
			/* Bounded reap: a worker in uninterruptible sleep is left behind. */
			for (int t = 0; t < 200; t++) {
				pid_t r = waitpid(pid, &status, WNOHANG);

				if (r == pid || (r < 0 && errno != EINTR))
					break;
				sleep_ms(10);
			}
		}
		if (!rep->completed) {
			memset(rep, 0, sizeof(*rep));
			rep->pid = pid;
			rep->index = i;
			rep->type = s->work.type;
			rep->max_gap_cpu = -1;
			rep->exit_status = status;
			rep->wall_ns = s->stop_ns - s->start_ns;
			rep->off_cpu_ns = rep->wall_ns;
		}
		if (s->report_fds[i] >= 0) {
			close(s->report_fds[i]);
			s->report_fds[i] = -1;
		}
		s->pids[i] = 0;
	}
	for (unsigned k = 0; k < nsets; k++) {
		sets[k]->collected = true;
		sets[k]->running = false;
	}
	free(rds);
	free(pfds);
}

void worker_set_stop(struct worker_set *s, unsigned deadline_ms)
{
	worker_sets_stop(&s, 1, deadline_ms);
}

void worker_set_free(struct worker_set *s)
{
	if (!s)
		return;
	if (!s->collected && s->pids)
		worker_set_stop(s, 0);
	for (unsigned i = 0; i < s->n; i++) {
		if (s->start_fds && s->start_fds[i] >= 0)
			close(s->start_fds[i]);
		if (s->report_fds && s->report_fds[i] >= 0)
			close(s->report_fds[i]);
	}
	if (s->shm)
		munmap(s->shm, s->shm_len);
	if (s->progress)
		munmap(s->progress, s->progress_len);
	free(s->pids);
	free(s->start_fds);
	free(s->report_fds);
	free(s->reports);
	free(s);
}

/* ---- JSON ---- */

static json_t *u64_array(const uint64_t *v, unsigned n)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < n; i++)
		json_array_append_new(a, json_integer((json_int_t)v[i]));
	return a;
}

json_t *worker_report_to_json(const struct ktstr_worker_report *r)
{
	struct cpuset used;
	json_t *lat = json_array(), *numa = u64_array(r->numa_pages, KTSTR_NUMA_MAX_NODES);
	char *cpus;
	json_t *j;

	cpuset_zero(&used);
	memcpy(used.bits, r->cpus_used, sizeof(r->cpus_used));
	cpus = cpuset_format(&used);
	for (unsigned i = 0; i < r->nlat && i < KTSTR_MAX_LAT_SAMPLES; i++)
		json_array_append_new(lat, json_integer((json_int_t)r->lat_ns[i]));
	j = json_pack("{s:i, s:i, s:s, s:b, s:i, s:b, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, s:I, "
		      "s:i, s:I, s:I, s:I, s:I, s:s, s:I, s:o, s:o}",
		      "pid", r->pid, "index", (int)r->index, "type", ktstr_work_type_name(r->type),
		      "completed", r->completed, "exit_status", r->exit_status, "messenger",
		      r->messenger, "work_units", (json_int_t)r->work_units, "iterations",
		      (json_int_t)r->iterations, "wall_ns", (json_int_t)r->wall_ns, "cpu_ns",
		      (json_int_t)r->cpu_ns, "off_cpu_ns", (json_int_t)r->off_cpu_ns,
		      "run_delay_ns", (json_int_t)r->run_delay_ns, "run_count",
		      (json_int_t)r->run_count, "max_gap_ms", (json_int_t)r->max_gap_ms,
		      "max_gap_at_ms", (json_int_t)r->max_gap_at_ms, "max_gap_cpu", r->max_gap_cpu,
		      "max_host_stall_ms", (json_int_t)r->max_host_stall_ms,
		      "migrations", (json_int_t)r->migrations, "vol_switches",
		      (json_int_t)r->vol_switches, "invol_switches", (json_int_t)r->invol_switches,
		      "cpus_used", cpus, "lat_total", (json_int_t)r->lat_total, "lat_ns", lat,
		      "numa_pages", numa);
	free(cpus);
	json_object_set_new(j, "phase_work",
			    u64_array(r->phase_work, MIN(r->nphases, KTSTR_MAX_PHASES)));
	json_object_set_new(j, "phase_runs",
			    u64_array(r->phase_runs, MIN(r->nphases, KTSTR_MAX_PHASES)));
	return j;
}

static int get_u64(const json_t *j, const char *key, uint64_t *out, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0) {
		*err = xasprintf("report field \"%s\" missing or not a non-negative integer", key);
		return -EINVAL;
	}
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

static int get_int(const json_t *j, const char *key, int lo, int hi, int *out, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		*err = xasprintf("report field \"%s\" missing or out of range", key);
		return -EINVAL;
	}
	*out = (int)json_integer_value(v);
	return 0;
}

static int get_bool(const json_t *j, const char *key, bool *out, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!json_is_boolean(v)) {
		*err = xasprintf("report field \"%s\" missing or not a boolean", key);
		return -EINVAL;
	}
	*out = json_is_true(v);
	return 0;
}

/* An array of at most max non-negative integers into out; its length into *n (may be NULL). */
static int get_u64_array(const json_t *j, const char *key, size_t max, uint64_t *out, size_t *n,
			 char **err)
{
	json_t *a = json_object_get(j, key);
	size_t i;

	if (!json_is_array(a) || json_array_size(a) > max) {
		*err = xasprintf("report field \"%s\" missing or longer than %zu", key, max);
		return -EINVAL;
	}
	for (i = 0; i < json_array_size(a); i++) {
		json_t *v = json_array_get(a, i);

		if (!json_is_integer(v) || json_integer_value(v) < 0) {
			*err = xasprintf("report field \"%s\"[%zu] not a non-negative integer",
					 key, i);
			return -EINVAL;
		}
		out[i] = (uint64_t)json_integer_value(v);
	}
	if (n)
		*n = i;
	return 0;
}

/* A Sequence's per-phase counts: two arrays of the same length, at most KTSTR_MAX_PHASES. */
static int get_phases(const json_t *j, struct ktstr_worker_report *r, char **err)
{
	size_t nw, nr;

	if (get_u64_array(j, "phase_work", KTSTR_MAX_PHASES, r->phase_work, &nw, err) ||
	    get_u64_array(j, "phase_runs", KTSTR_MAX_PHASES, r->phase_runs, &nr, err))
		return -EINVAL;
	if (nw != nr) {
		*err = xstrdup("report fields \"phase_work\" and \"phase_runs\" differ in length");
		return -EINVAL;
	}
	r->nphases = (unsigned)nw;
	return 0;
}

int worker_report_from_json(const json_t *j, struct ktstr_worker_report *r, char **err)
{
	const struct {
		const char *key;
		uint64_t *dst;
	} u64s[] = {
		{ "work_units", &r->work_units },     { "iterations", &r->iterations },
		{ "wall_ns", &r->wall_ns },           { "cpu_ns", &r->cpu_ns },
		{ "off_cpu_ns", &r->off_cpu_ns },     { "run_delay_ns", &r->run_delay_ns },
		{ "run_count", &r->run_count },       { "max_gap_ms", &r->max_gap_ms },
		{ "max_gap_at_ms", &r->max_gap_at_ms }, { "migrations", &r->migrations },
		{ "vol_switches", &r->vol_switches }, { "invol_switches", &r->invol_switches },
		{ "lat_total", &r->lat_total },       { "max_host_stall_ms", &r->max_host_stall_ms },
	};
	const char *type, *cpus;
	struct cpuset used;
	int idx, t;
	size_t i, n;

	*err = NULL;
	memset(r, 0, sizeof(*r));
	if (!json_is_object(j)) {
		*err = xstrdup("report is not a JSON object");
		return -EINVAL;
	}
	if (get_int(j, "pid", 0, 1 << 30, &r->pid, err) ||
	    get_int(j, "index", 0, 1 << 20, &idx, err) ||
	    get_bool(j, "completed", &r->completed, err) ||
	    get_int(j, "exit_status", -(1 << 30), 1 << 30, &r->exit_status, err) ||
	    get_bool(j, "messenger", &r->messenger, err) ||
	    get_int(j, "max_gap_cpu", -1, KTSTR_MAX_CPUS - 1, &r->max_gap_cpu, err))
		return -EINVAL;
	r->index = (unsigned)idx;
	for (i = 0; i < ARRAY_SIZE(u64s); i++)
		if (get_u64(j, u64s[i].key, u64s[i].dst, err))
			return -EINVAL;
	type = json_string_value(json_object_get(j, "type"));
	t = ktstr_work_type_parse(type);
	if (t < 0) {
		*err = xasprintf("report field \"type\": unknown work type %s",
				 type ? type : "(none)");
		return -EINVAL;
	}
	r->type = (enum ktstr_work_type)t;
	if (get_phases(j, r, err))
		return -EINVAL;
	cpus = json_string_value(json_object_get(j, "cpus_used"));
	if (!cpus || cpuset_parse(cpus, &used) < 0) {
		*err = xstrdup("report field \"cpus_used\" missing or not a cpu list");
		return -EINVAL;
	}
	memcpy(r->cpus_used, used.bits, sizeof(r->cpus_used));
	if (get_u64_array(j, "lat_ns", KTSTR_MAX_LAT_SAMPLES, r->lat_ns, &n, err) ||
	    get_u64_array(j, "numa_pages", KTSTR_NUMA_MAX_NODES, r->numa_pages, NULL, err))
		return -EINVAL;
	r->nlat = (unsigned)n;
	if (r->lat_total < r->nlat) {
		*err = xstrdup("report field \"lat_total\" smaller than the samples kept");
		return -EINVAL;
	}
	return 0;
}
