// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_ktstr: the fixture sched_ext scheduler ktstr tests itself with.
 *
 * Policies (--policy, all correct; under each, a task that finds an idle CPU in
 * select_cpu runs there directly unless tasks wait in the DSQs that CPU
 * dispatches from, and an enqueue to a DSQ kicks an idle CPU the task may use):
 * - ktstr: a task woken up goes to the DSQ of its CPU's LLC, any other enqueue
 *   to a shared global DSQ, both ordered by weighted virtual time (runtime
 *   scaled by 100/weight, lag capped at ten slices); a CPU dispatches from its
 *   own LLC's DSQ, then the global DSQ, then steals from other LLCs.
 * - fifo: one shared FIFO DSQ, like the kernel's scx_simple.
 * - vtime: one shared DSQ ordered by weighted virtual time, as in ktstr.
 * - llc: one vtime DSQ per LLC; every enqueue goes to the DSQ of the task's
 *   CPU's LLC; a CPU takes from the longest other LLC's DSQ when that one holds
 *   at least two tasks more than its own (so tasks that never sleep do not stay
 *   in a crowded LLC), else from its own, and steals when its own is empty.
 *
 * Faults (set by the loader in .rodata.cfg), wrong on purpose so the harness
 * can show it catches them:
 * - stall-after: user tasks are parked in a DSQ nobody consumes; the kernel's
 *   watchdog ejects the scheduler.
 * - error-after: scx_bpf_error() ejects it.
 * - fail-verify: a program the verifier rejects; the scheduler never loads.
 * - slow-dispatch: a busy-wait in every ops.dispatch.
 * - pile-on: every task goes to CPU 0's local DSQ (a placement bug the
 *   host-side imbalance check must catch); also switched on mid-run from the
 *   host (host_pile_on, below).
 * - starve-cgroup: the user tasks of one cgroup are held in PARK_DSQ for half
 *   of every period (starvation below the watchdog's limit).
 * - unfair-cgroup: the tasks of one cgroup are charged 1/K of their runtime in
 *   vtime, so they get K times their share.
 * - wake-delay: every wake-up of a user task is held in PARK_DSQ for a fixed
 *   time before it may run (wake-up latency).
 * A timer releases parked tasks to their policy's DSQ once their hold ends.
 */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include "scx_compat.bpf.h"
#include "scx_ktstr.h"

char _license[] SEC("license") = "GPL";

#define GLOBAL_DSQ 0x1000 /* ktstr: enqueues other than wake-ups; fifo, vtime: every task */
#define STALL_DSQ 0x1001  /* never consumed: tasks parked here stall */
#define PARK_DSQ 0x1002   /* held tasks, released by park_tick() when their hold ends */
#define LLC_DSQ_BASE 0x2000
#define PF_KTHREAD_FLAG 0x00200000
#define CLOCK_MONOTONIC 1
#define ENOMEM 12
/* How far behind the most advanced running task a task's vtime may lag: a
 * task that slept keeps at most this much credit, and tasks on a CPU that
 * got less time (an emulated vCPU preempted on its host) can catch up. */
#define MAX_LAG (10 * SCX_SLICE_DFL)
/* How often park_tick() looks for parked tasks whose hold ended. */
#define PARK_TICK_NS (5 * 1000000ull)
/* --starve-cgroup: the cgroup runs this long after its first enqueue before its
 * first held window, so a worker has started measuring when the window hits. */
#define STARVE_LEAD_NS (250 * 1000000ull)

extern bool bpf_cpumask_test_cpu(u32 cpu, const struct cpumask *cpumask) __weak __ksym;

const volatile struct ktstr_cfg cfg SEC(".rodata.cfg") = {};
struct ktstr_uei uei SEC(".data.uei") = {};

/*
 * Knobs for the host: a test writes them mid-run through guest memory
 * (ktstr_bpf_map_write_u32(ctx, ".bss", "host_pile_on", 0, 1)), without the
 * loader's help; the counters let it see the scheduler noticed.
 */
u32 host_pile_on;   /* nonzero: behave as --pile-on from now on */
u32 host_knob;      /* any value: ops.dispatch copies it to host_knob_seen */
u32 host_knob_seen;
u64 nr_dispatches;  /* ops.dispatch calls */

/* libbpf fills CONFIG_HZ from the kernel's config at load time; ops.init copies
 * it to .bss, where the host reads it to see the guest had the config. Weak: 0
 * on a system without a config file (the loader then hands libbpf an empty one). */
extern unsigned int CONFIG_HZ __kconfig __weak;
u32 kconfig_hz;

static u64 vtime_now;
static u64 start_ns;
static u64 starve_anchor_ns; /* first enqueue of a --starve-cgroup task */
static bool error_fired;

/* Per user task, for the faults that single out tasks (allocated only when one is set). */
struct task_ctx {
	u64 park_until; /* parked in PARK_DSQ until this time */
	u64 park_flags; /* the enqueue flags it was parked with */
	u64 cgroup_id;  /* kernfs id of the cgroup the two matches below were made for */
	bool starve;    /* in the --starve-cgroup cgroup */
	bool unfair;    /* in the --unfair-cgroup cgroup */
};

struct {
	__uint(type, BPF_MAP_TYPE_TASK_STORAGE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, int);
	__type(value, struct task_ctx);
} task_ctxs SEC(".maps");

struct park_timer {
	struct bpf_timer timer;
};

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, struct park_timer);
} park_timers SEC(".maps");

/* ops.dispatch calls counted per CPU: the host reads the sum (a per-CPU array). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} dispatch_stats SEC(".maps");

/* Used only on the --fail-verify path. */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, u32);
	__type(value, u64);
} fault_map SEC(".maps");

static __always_inline u64 llc_dsq(s32 cpu)
{
	u32 c = (u32)cpu;

	if (c >= KTSTR_MAX_CPUS)
		return GLOBAL_DSQ;
	return LLC_DSQ_BASE + cfg.cpu_llc[c];
}

static __always_inline bool elapsed(u64 after_ns)
{
	return after_ns && bpf_ktime_get_ns() - start_ns >= after_ns;
}

static __always_inline void maybe_error(void)
{
	if (!error_fired && elapsed(cfg.error_after_ns)) {
		error_fired = true;
		scx_bpf_error("ktstr fault: error-after %llu ms fired",
			      cfg.error_after_ns / 1000000);
	}
}

static __always_inline bool stalls(const struct task_struct *p)
{
	return !(p->flags & PF_KTHREAD_FLAG) && elapsed(cfg.stall_after_ns);
}

/* --pile-on: every task that may run on CPU 0 goes there, in one FIFO (so
 * CPU 0's own kthreads still get their turn and the watchdog stays quiet). */
static __always_inline bool piles(const struct task_struct *p)
{
	return (cfg.pile_on || host_pile_on) && bpf_cpumask_test_cpu(0, p->cpus_ptr);
}

static __always_inline bool parks(void)
{
	return cfg.starve_cgroup[0] || cfg.wake_delay_ns;
}

/* Whether the kernel string @name equals @want (shorter than KTSTR_CGROUP_LEN). */
static __always_inline bool name_is(const char *name, const volatile char *want)
{
	char buf[KTSTR_CGROUP_LEN + 1];
	u32 i;

	if (!want[0] || bpf_probe_read_kernel_str(buf, sizeof(buf), name) < 0)
		return false;
	for (i = 0; i < KTSTR_CGROUP_LEN; i++) {
		if (buf[i] != want[i])
			return false;
		if (!buf[i])
			return true;
	}
	return false;
}

/* A user task's context with its cgroup matches up to date; NULL for kthreads
 * and when no fault needs it. */
static __always_inline struct task_ctx *lookup_ctx(struct task_struct *p)
{
	struct kernfs_node *kn;
	struct task_ctx *tc;
	u64 id;

	if (p->flags & PF_KTHREAD_FLAG)
		return NULL;
	tc = bpf_task_storage_get(&task_ctxs, p, 0, 0);
	if (!tc || !(cfg.starve_cgroup[0] || cfg.unfair_cgroup[0]))
		return tc;
	kn = BPF_CORE_READ(p, cgroups, dfl_cgrp, kn);
	id = BPF_CORE_READ(kn, id);
	if (id != tc->cgroup_id) {
		const char *name = BPF_CORE_READ(kn, name);

		tc->cgroup_id = id;
		tc->starve = name_is(name, cfg.starve_cgroup);
		tc->unfair = name_is(name, cfg.unfair_cgroup);
	}
	return tc;
}

/* End of the --starve-cgroup window that holds its tasks at @now, or 0 if none
 * does: after STARVE_LEAD_NS, held for starve_ns out of every 2 * starve_ns. */
static __always_inline u64 starve_until(u64 now)
{
	u64 t, phase;

	if (!starve_anchor_ns)
		__sync_val_compare_and_swap(&starve_anchor_ns, 0, now);
	t = now - starve_anchor_ns;
	if ((s64)t < (s64)STARVE_LEAD_NS || !cfg.starve_ns)
		return 0;
	phase = (t - STARVE_LEAD_NS) % (2 * cfg.starve_ns);
	return phase < cfg.starve_ns ? now + cfg.starve_ns - phase : 0;
}

/* Until when an enqueue of @tc's task with @enq_flags must be held, 0 if not. */
static __always_inline u64 hold_until(const struct task_ctx *tc, u64 enq_flags)
{
	u64 now = bpf_ktime_get_ns(), until = 0, starve;

	if (cfg.wake_delay_ns && (enq_flags & SCX_ENQ_WAKEUP))
		until = now + cfg.wake_delay_ns;
	if (tc->starve) {
		starve = starve_until(now);
		if (starve > until)
			until = starve;
	}
	return until;
}

/* Park @p in PARK_DSQ if a fault holds it; true if it did. */
static __always_inline bool park(struct task_struct *p, u64 enq_flags)
{
	struct task_ctx *tc;
	u64 until;

	if (!parks())
		return false;
	tc = lookup_ctx(p);
	if (!tc)
		return false;
	until = hold_until(tc, enq_flags);
	if (!until)
		return false;
	tc->park_until = until;
	tc->park_flags = enq_flags;
	scx_insert(p, PARK_DSQ, SCX_SLICE_DFL, enq_flags);
	return true;
}

/* The policy's DSQ for a task enqueued with @enq_flags. */
static __always_inline u64 policy_dsq(const struct task_struct *p, u64 enq_flags)
{
	switch (cfg.policy) {
	case SCX_KTSTR_POLICY_KTSTR:
		return (enq_flags & SCX_ENQ_WAKEUP) ? llc_dsq(scx_bpf_task_cpu(p)) : GLOBAL_DSQ;
	case SCX_KTSTR_POLICY_LLC:
		return llc_dsq(scx_bpf_task_cpu(p));
	default:
		return GLOBAL_DSQ;
	}
}

/* The vtime @p queues at: its own, lag capped at MAX_LAG. */
static __always_inline u64 queue_vtime(const struct task_struct *p)
{
	u64 vtime = p->scx.dsq_vtime;

	if (time_before64(vtime, vtime_now - MAX_LAG))
		vtime = vtime_now - MAX_LAG;
	return vtime;
}

static __always_inline void kick_idle(const struct task_struct *p)
{
	s32 cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);

	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

/*
 * Whether tasks wait in a DSQ that @cpu's ops.dispatch takes from before it
 * steals. A task inserted into @cpu's local DSQ from select_cpu would run
 * before them, and ops.dispatch runs only when a CPU finds its local DSQ empty:
 * scx_bpf_select_cpu_dfl() returns a SCX_WAKE_SYNC waker's own busy CPU as
 * idle while any CPU is idle, so two tasks waking each other there would keep
 * that local DSQ fed and a task queued for that CPU alone (a per-CPU kworker)
 * would wait as long as they do.
 */
static __always_inline bool queued_for(s32 cpu)
{
	switch (cfg.policy) {
	case SCX_KTSTR_POLICY_KTSTR:
		return scx_bpf_dsq_nr_queued(llc_dsq(cpu)) > 0 ||
		       scx_bpf_dsq_nr_queued(GLOBAL_DSQ) > 0;
	case SCX_KTSTR_POLICY_LLC:
		return scx_bpf_dsq_nr_queued(llc_dsq(cpu)) > 0;
	default:
		return scx_bpf_dsq_nr_queued(GLOBAL_DSQ) > 0;
	}
}

s32 BPF_STRUCT_OPS(ktstr_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	struct task_ctx *tc;
	bool idle = false;
	s32 cpu;

	if (stalls(p))
		return prev_cpu;
	if (piles(p))
		return 0;
	/* a wake-up the faults hold must reach ops.enqueue */
	if (parks() && (tc = lookup_ctx(p)) && hold_until(tc, SCX_ENQ_WAKEUP))
		return prev_cpu;
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);
	/* otherwise ops.enqueue queues it behind the waiting tasks */
	if (idle && !queued_for(cpu))
		scx_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	return cpu;
}

void BPF_STRUCT_OPS(ktstr_enqueue, struct task_struct *p, u64 enq_flags)
{
	maybe_error();
	if (stalls(p)) {
		scx_insert(p, STALL_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
	if (piles(p)) {
		scx_insert(p, SCX_DSQ_LOCAL_ON | 0, SCX_SLICE_DFL, enq_flags);
		return;
	}
	if (park(p, enq_flags))
		return;
	/* only with SCX_OPS_ENQ_LAST (set for --starve-cgroup): nothing else wants this CPU */
	if (enq_flags & SCX_ENQ_LAST) {
		scx_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, enq_flags);
		return;
	}
	if (cfg.policy == SCX_KTSTR_POLICY_FIFO)
		scx_insert(p, GLOBAL_DSQ, SCX_SLICE_DFL, enq_flags);
	else
		scx_insert_vtime(p, policy_dsq(p, enq_flags), SCX_SLICE_DFL, queue_vtime(p),
				 enq_flags);
	kick_idle(p);
}

static int spin_cb(u64 i, void *ctx)
{
	return bpf_ktime_get_ns() >= *(u64 *)ctx;
}

/* llc: move a task from the longest other LLC DSQ if it holds two more than mine. */
static __always_inline bool llc_pull_longest(u32 mine)
{
	u64 most = scx_bpf_dsq_nr_queued(LLC_DSQ_BASE + mine) + 1;
	u32 i, from = mine;

	for (i = 0; i < KTSTR_MAX_LLCS && i < cfg.nr_llcs; i++) {
		u64 n = scx_bpf_dsq_nr_queued(LLC_DSQ_BASE + i);

		if (i != mine && n > most) {
			most = n;
			from = i;
		}
	}
	return from != mine && scx_move_to_local(LLC_DSQ_BASE + from);
}

void BPF_STRUCT_OPS(ktstr_dispatch, s32 cpu, struct task_struct *prev)
{
	u32 i, mine = (u32)cpu < KTSTR_MAX_CPUS ? cfg.cpu_llc[(u32)cpu] : 0;

	maybe_error();
	__sync_fetch_and_add(&nr_dispatches, 1);
	host_knob_seen = host_knob;
	{
		u32 key = 0;
		u64 *n = bpf_map_lookup_elem(&dispatch_stats, &key);

		if (n)
			(*n)++;
	}
	if (cfg.fail_verify) {
		u32 key = 0, idx = bpf_get_prandom_u32();
		u64 *v = bpf_map_lookup_elem(&fault_map, &key);

		/* Deliberately unbounded index: the verifier rejects the access. */
		if (v)
			v[idx] += 1;
	}
	if (cfg.slow_dispatch_us) {
		u64 until = bpf_ktime_get_ns() + cfg.slow_dispatch_us * 1000ull;

		bpf_loop(1 << 20, spin_cb, &until, 0);
	}
	if (cfg.policy == SCX_KTSTR_POLICY_FIFO || cfg.policy == SCX_KTSTR_POLICY_VTIME) {
		scx_move_to_local(GLOBAL_DSQ);
		return;
	}
	if (cfg.policy == SCX_KTSTR_POLICY_LLC && llc_pull_longest(mine))
		return;
	if (scx_move_to_local(llc_dsq(cpu)))
		return;
	if (cfg.policy == SCX_KTSTR_POLICY_KTSTR && scx_move_to_local(GLOBAL_DSQ))
		return;
	for (i = 0; i < KTSTR_MAX_LLCS && i < cfg.nr_llcs; i++)
		if (i != mine && scx_move_to_local(LLC_DSQ_BASE + i))
			return;
}

void BPF_STRUCT_OPS(ktstr_running, struct task_struct *p)
{
	if (cfg.policy == SCX_KTSTR_POLICY_FIFO)
		return;
	if (time_before64(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(ktstr_stopping, struct task_struct *p, bool runnable)
{
	u64 used = SCX_SLICE_DFL - p->scx.slice, weight = p->scx.weight ? p->scx.weight : 100;
	struct task_ctx *tc;

	if (cfg.policy == SCX_KTSTR_POLICY_FIFO)
		return;
	if (p->scx.slice > SCX_SLICE_DFL)
		used = 0;
	if (cfg.unfair_cgroup[0] && (tc = lookup_ctx(p)) && tc->unfair)
		weight *= cfg.unfair_factor;
	p->scx.dsq_vtime += used * 100 / weight;
}

void BPF_STRUCT_OPS(ktstr_enable, struct task_struct *p)
{
	p->scx.dsq_vtime = vtime_now;
}

s32 BPF_STRUCT_OPS(ktstr_init_task, struct task_struct *p, struct scx_init_task_args *args)
{
	if (!parks() && !cfg.unfair_cgroup[0])
		return 0;
	if (!bpf_task_storage_get(&task_ctxs, p, 0, BPF_LOCAL_STORAGE_GET_F_CREATE))
		return -ENOMEM;
	return 0;
}

/* Every PARK_TICK_NS: parked tasks whose hold ended go to their policy's DSQ. */
static int park_tick(void *map, int *key, struct bpf_timer *timer)
{
	u64 now = bpf_ktime_get_ns();
	struct task_struct *p;

	bpf_rcu_read_lock();
	bpf_for_each(scx_dsq, p, PARK_DSQ, 0) {
		struct task_ctx *tc = bpf_task_storage_get(&task_ctxs, p, 0, 0);
		u64 flags = 0, dsq;

		if (tc) {
			if (time_before64(now, tc->park_until))
				continue;
			flags = tc->park_flags;
		}
		dsq = policy_dsq(p, flags);
		if (cfg.policy == SCX_KTSTR_POLICY_FIFO)
			scx_dsq_move(BPF_FOR_EACH_ITER, p, dsq, 0);
		else
			scx_dsq_move_vtime(BPF_FOR_EACH_ITER, p, dsq, queue_vtime(p), 0);
		kick_idle(p);
	}
	bpf_rcu_read_unlock();
	bpf_timer_start(timer, PARK_TICK_NS, 0);
	return 0;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(ktstr_init)
{
	struct park_timer *pt;
	u32 i, key = 0;
	s32 ret;

	start_ns = bpf_ktime_get_ns();
	kconfig_hz = CONFIG_HZ;
	ret = scx_bpf_create_dsq(GLOBAL_DSQ, -1);
	if (!ret)
		ret = scx_bpf_create_dsq(STALL_DSQ, -1);
	if (!ret)
		ret = scx_bpf_create_dsq(PARK_DSQ, -1);
	for (i = 0; !ret && i < KTSTR_MAX_LLCS && i < cfg.nr_llcs; i++)
		ret = scx_bpf_create_dsq(LLC_DSQ_BASE + i, -1);
	if (ret || !parks())
		return ret;
	pt = bpf_map_lookup_elem(&park_timers, &key);
	if (!pt)
		return -ENOMEM;
	bpf_timer_init(&pt->timer, &park_timers, CLOCK_MONOTONIC);
	bpf_timer_set_callback(&pt->timer, park_tick);
	return bpf_timer_start(&pt->timer, PARK_TICK_NS, 0);
}

void BPF_STRUCT_OPS(ktstr_exit, struct scx_exit_info *ei)
{
	bpf_probe_read_kernel_str(uei.reason, sizeof(uei.reason), ei->reason);
	bpf_probe_read_kernel_str(uei.msg, sizeof(uei.msg), ei->msg);
	uei.exit_code = ei->exit_code;
	__sync_val_compare_and_swap(&uei.kind, 0, ei->kind);
}

SEC(".struct_ops.link")
struct sched_ext_ops ktstr_ops = {
	.select_cpu = (void *)ktstr_select_cpu,
	.enqueue = (void *)ktstr_enqueue,
	.dispatch = (void *)ktstr_dispatch,
	.running = (void *)ktstr_running,
	.stopping = (void *)ktstr_stopping,
	.enable = (void *)ktstr_enable,
	.init_task = (void *)ktstr_init_task,
	.init = (void *)ktstr_init,
	.exit = (void *)ktstr_exit,
	.timeout_ms = 3000,
	.name = "ktstr",
};
