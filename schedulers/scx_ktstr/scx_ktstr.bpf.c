// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_ktstr: the fixture sched_ext scheduler ktstr tests itself with.
 *
 * A correct vtime scheduler: a task woken up goes to the DSQ of its CPU's LLC,
 * any other enqueue to a shared global DSQ; both are ordered by virtual time
 * (runtime scaled by weight, lag capped at ten slices). A CPU dispatches from
 * its own LLC's DSQ, then the global DSQ, then steals from other LLCs. A task
 * that finds an idle CPU in select_cpu runs there directly.
 *
 * Fault knobs (set by the loader in .rodata.cfg) let the harness test how it
 * reports scheduler failures: stop dispatching user tasks so the watchdog
 * ejects us, call scx_bpf_error(), fail verification, dispatch slowly; and a
 * placement bug: --pile-on queues every task on CPU 0's local DSQ (the
 * host-side monitor's imbalance check must catch it). The same bug can be
 * switched on mid-run from the host (host_pile_on, below).
 */
#define BPF_NO_KFUNC_PROTOTYPES
#include "vmlinux.h"
#include "scx_compat.bpf.h"
#include "scx_ktstr.h"

char _license[] SEC("license") = "GPL";

#define GLOBAL_DSQ 0x1000
#define STALL_DSQ 0x1001 /* never consumed: tasks parked here stall */
#define LLC_DSQ_BASE 0x2000
#define PF_KTHREAD_FLAG 0x00200000
/* How far behind the most advanced running task a task's vtime may lag: a
 * task that slept keeps at most this much credit, and tasks on a CPU that
 * got less time (an emulated vCPU preempted on its host) can catch up. */
#define MAX_LAG (10 * SCX_SLICE_DFL)

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
 * it to .bss, where the host reads it to see the guest had the config. */
extern unsigned int CONFIG_HZ __kconfig;
u32 kconfig_hz;

static u64 vtime_now;
static u64 start_ns;
static bool error_fired;

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

s32 BPF_STRUCT_OPS(ktstr_select_cpu, struct task_struct *p, s32 prev_cpu, u64 wake_flags)
{
	bool idle = false;
	s32 cpu;

	if (stalls(p))
		return prev_cpu;
	if (piles(p))
		return 0;
	cpu = scx_bpf_select_cpu_dfl(p, prev_cpu, wake_flags, &idle);
	if (idle)
		scx_insert(p, SCX_DSQ_LOCAL, SCX_SLICE_DFL, 0);
	return cpu;
}

void BPF_STRUCT_OPS(ktstr_enqueue, struct task_struct *p, u64 enq_flags)
{
	u64 vtime = p->scx.dsq_vtime;
	u64 dsq;
	s32 cpu;

	maybe_error();
	if (stalls(p)) {
		scx_insert(p, STALL_DSQ, SCX_SLICE_DFL, enq_flags);
		return;
	}
	if (piles(p)) {
		scx_insert(p, SCX_DSQ_LOCAL_ON | 0, SCX_SLICE_DFL, enq_flags);
		return;
	}
	if (time_before64(vtime, vtime_now - MAX_LAG))
		vtime = vtime_now - MAX_LAG;
	dsq = (enq_flags & SCX_ENQ_WAKEUP) ? llc_dsq(scx_bpf_task_cpu(p)) : GLOBAL_DSQ;
	scx_insert_vtime(p, dsq, SCX_SLICE_DFL, vtime, enq_flags);

	cpu = scx_bpf_pick_idle_cpu(p->cpus_ptr, 0);
	if (cpu >= 0)
		scx_bpf_kick_cpu(cpu, SCX_KICK_IDLE);
}

static int spin_cb(u64 i, void *ctx)
{
	return bpf_ktime_get_ns() >= *(u64 *)ctx;
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
	if (scx_move_to_local(llc_dsq(cpu)))
		return;
	if (scx_move_to_local(GLOBAL_DSQ))
		return;
	for (i = 0; i < KTSTR_MAX_LLCS && i < cfg.nr_llcs; i++)
		if (i != mine && scx_move_to_local(LLC_DSQ_BASE + i))
			return;
}

void BPF_STRUCT_OPS(ktstr_running, struct task_struct *p)
{
	if (time_before64(vtime_now, p->scx.dsq_vtime))
		vtime_now = p->scx.dsq_vtime;
}

void BPF_STRUCT_OPS(ktstr_stopping, struct task_struct *p, bool runnable)
{
	u64 used = SCX_SLICE_DFL - p->scx.slice;

	if (p->scx.slice > SCX_SLICE_DFL)
		used = 0;
	p->scx.dsq_vtime += used * 100 / (p->scx.weight ? p->scx.weight : 100);
}

void BPF_STRUCT_OPS(ktstr_enable, struct task_struct *p)
{
	p->scx.dsq_vtime = vtime_now;
}

s32 BPF_STRUCT_OPS_SLEEPABLE(ktstr_init)
{
	s32 ret;
	u32 i;

	start_ns = bpf_ktime_get_ns();
	kconfig_hz = CONFIG_HZ;
	ret = scx_bpf_create_dsq(GLOBAL_DSQ, -1);
	if (!ret)
		ret = scx_bpf_create_dsq(STALL_DSQ, -1);
	for (i = 0; !ret && i < KTSTR_MAX_LLCS && i < cfg.nr_llcs; i++)
		ret = scx_bpf_create_dsq(LLC_DSQ_BASE + i, -1);
	return ret;
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
	.init = (void *)ktstr_init,
	.exit = (void *)ktstr_exit,
	.timeout_ms = 3000,
	.name = "ktstr",
};
