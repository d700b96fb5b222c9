/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Cgroups, workers and scenarios inside a test body. Included by <ktstr/ktstr.h>.
 *
 *	return ktstr_run_cgroups(ctx, KTSTR_CGROUPS(
 *		{ .name = "cg_0", .workers = 2, .cpuset = KTSTR_CPUSET_LLC(0) },
 *		{ .name = "cg_1", .workers = 2, .work = KTSTR_WORK_BURSTY }));
 *
 * Lists (KTSTR_CGROUPS, KTSTR_STEPS, KTSTR_OPS, KTSTR_WORKS) are compound
 * literals whose terminator the macro adds. Zero fields mean "the default":
 * workers per cgroup from the test, work CpuSpin, policy normal, affinity
 * inherited, no cpuset, and a step's hold an equal share of the duration.
 */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#include <ktstr/api.h>

#include <stdbool.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

struct ktstr_ctx;
struct ktstr_payload_step;
struct ktstr_worker;

/* ---- work types ---- */

enum ktstr_work_type {
	KTSTR_WT_CPU_SPIN = 0,  /* 1024 spins per iteration */
	KTSTR_WT_YIELD_HEAVY,   /* sched_yield every iteration */
	KTSTR_WT_MIXED,         /* 1024 spins, then yield */
	KTSTR_WT_IO_SYNC,       /* 16 x 4 KiB writes to a memfd + fdatasync, sleep 100 us */
	KTSTR_WT_BURSTY,        /* spin burst_ms, sleep sleep_ms (50/100) */
	KTSTR_WT_PIPE_IO,       /* spin, 1-message pipe ping-pong with a partner (pairs) */
	KTSTR_WT_FUTEX_PING_PONG, /* spin, wake partner through a shared futex (pairs) */
	KTSTR_WT_CACHE_PRESSURE, /* strided read-modify-write over size_kb (32 KiB, stride 64) */
	KTSTR_WT_FORK_EXIT,     /* fork a child that exits at once, wait for it */
	KTSTR_WT_NICE_SWEEP,    /* spin 512, cycle nice -20..19, yield */
	KTSTR_WT_AFFINITY_CHURN, /* spin, pin to a random allowed CPU, yield */
	KTSTR_WT_POLICY_CHURN,  /* spin, cycle OTHER/BATCH/IDLE/FIFO/RR, yield */
	KTSTR_WT_PAGE_FAULT_CHURN, /* MADV_DONTNEED a 4 MiB region, touch random pages of it */
	KTSTR_WT_MUTEX_CONTENTION, /* futex mutex shared by a group of `contenders` (4) */
	KTSTR_WT_FAN_OUT_COMPUTE, /* a messenger wakes fan_out (4) workers that multiply matrices */
	KTSTR_WT_CACHE_YIELD,   /* CachePressure, then yield */
	KTSTR_WT_CACHE_PIPE,    /* CachePressure, then a pipe ping-pong with a partner (pairs) */
	KTSTR_WT_FUTEX_FAN_OUT, /* a spinning messenger futex-wakes `group` (4) receivers */
	KTSTR_WT_SEQUENCE,      /* cycles through .phases (KTSTR_WORK_SEQUENCE) */
	KTSTR_WT_CUSTOM,        /* the test's own function (KTSTR_WORK_CUSTOM) */
	KTSTR_WT_COUNT,
};

/* Parameters; 0 = the work type's default. */
struct ktstr_work_params {
	unsigned spin_iters;  /* spins per iteration */
	unsigned burst_ms, sleep_ms;   /* Bursty */
	unsigned size_kb, stride;      /* CachePressure; size_kb is the region for PageFaultChurn */
	unsigned touches;              /* PageFaultChurn pages touched per iteration (256) */
	unsigned group;                /* contenders / fan-out of the group types (4) */
	unsigned hold_iters;           /* MutexContention spins inside the lock (256) */
	unsigned footprint_kb, operations, sleep_us; /* FanOutCompute (256, 5, 100) */
};

enum ktstr_policy {
	KTSTR_POLICY_NORMAL = 0,
	KTSTR_POLICY_BATCH,
	KTSTR_POLICY_IDLE,
	KTSTR_POLICY_FIFO, /* .prio 1..99 (0 = 1) */
	KTSTR_POLICY_RR,
	KTSTR_POLICY_DEADLINE, /* .dl_runtime_us <= .dl_deadline_us <= .dl_period_us */
};

enum ktstr_affinity_kind {
	KTSTR_AFF_INHERIT = 0, /* whatever the cgroup allows */
	KTSTR_AFF_SINGLE_CPU,  /* lowest CPU of the pool */
	KTSTR_AFF_LLC_ALIGNED, /* the LLC overlapping the pool most (within the pool) */
	KTSTR_AFF_RANDOM_SUBSET, /* max(1, |pool|/2) random CPUs of the pool */
	KTSTR_AFF_EXACT,       /* .cpus ("0-1,4") intersected with the pool, else as given */
	KTSTR_AFF_ALL,         /* every online CPU (the kernel intersects with the cpuset) */
};

struct ktstr_affinity {
	enum ktstr_affinity_kind kind;
	const char *cpus; /* KTSTR_AFF_EXACT */
};

/*
 * Memory policy of a work group's workers (set_mempolicy(2), set in each worker before
 * its work allocates). Only work with a memory footprint (CachePressure, CacheYield,
 * CachePipe, PageFaultChurn; size_kb) places pages by it.
 */
enum ktstr_mpol_mode {
	KTSTR_MPOL_DEFAULT = 0,      /* the kernel's default (local, NUMA balancing may move) */
	KTSTR_MPOL_BIND,             /* only .nodes */
	KTSTR_MPOL_PREFERRED,        /* the lowest of .nodes first, others when it is full */
	KTSTR_MPOL_INTERLEAVE,       /* round-robin over .nodes */
	KTSTR_MPOL_LOCAL,            /* the node of the CPU allocating */
	KTSTR_MPOL_PREFERRED_MANY,   /* .nodes first (5.15+) */
	KTSTR_MPOL_WEIGHTED_INTERLEAVE, /* interleave by the kernel's node weights (6.9+) */
};

/* Mode flags, or-ed into .flags as the kernel defines them. */
#define KTSTR_MPOL_F_STATIC_NODES (1u << 15)
#define KTSTR_MPOL_F_RELATIVE_NODES (1u << 14)
#define KTSTR_MPOL_F_NUMA_BALANCING (1u << 13)

struct ktstr_mempolicy {
	enum ktstr_mpol_mode mode;
	/* NULL = the nodes of the cgroup's cpuset (every node without one), "all", or a
	 * node list ("1", "0-1"); must lie within the cgroup's cpuset.mems.effective.
	 * Ignored by DEFAULT and LOCAL. */
	const char *nodes;
	unsigned flags;
};
#define KTSTR_MEMPOLICY(m, ...) ((struct ktstr_mempolicy){ .mode = (m), __VA_ARGS__ })

#define KTSTR_NUMA_MAX_NODES 8

/*
 * One phase of a Sequence worker: another work type (with its params, 0 = its defaults)
 * or a sleep, for .ms milliseconds or .iters iterations of that work type (exactly one of
 * the two). A phase's work type must be one a worker runs alone, that leaves its
 * scheduling attributes as it found them and whose latency samples are wake-ups: CpuSpin,
 * YieldHeavy, Mixed, IoSync, Bursty, CachePressure or PageFaultChurn. A sleep phase takes
 * .ms. Work units are counted per phase as well (the report's phase_work, phase_runs).
 */
#define KTSTR_MAX_PHASES 8

struct ktstr_phase {
	enum ktstr_work_type type;
	struct ktstr_work_params p;
	bool sleep;     /* sleep instead of work */
	unsigned ms;    /* run for this long, or */
	unsigned iters; /* this many iterations of the work type */
	bool end_;      /* list terminator (KTSTR_PHASES adds it) */
};
#define KTSTR_PHASES(...) ((const struct ktstr_phase[]){ __VA_ARGS__, { .end_ = true } })
#define KTSTR_PHASE_SPIN(n) { .type = KTSTR_WT_CPU_SPIN, .ms = (n) }
#define KTSTR_PHASE_SLEEP(n) { .sleep = true, .ms = (n) }
#define KTSTR_PHASE_YIELD(n) { .type = KTSTR_WT_YIELD_HEAVY, .ms = (n) }
#define KTSTR_PHASE_IO(n) { .type = KTSTR_WT_IO_SYNC, .ms = (n) }

/*
 * The body of a Custom worker, run in the worker process. Loop mode calls it once per
 * iteration until the worker is stopped: return 0 to go on, > 0 to stop calling it (the
 * worker then idles until stopped), < 0 to end the worker with no report (it counts as
 * a worker that died). With .custom_once it is called once and must return when
 * ktstr_worker_stopping() says so. It counts its work with ktstr_worker_add_work() and
 * sleeps with ktstr_worker_sleep_ns(); any other blocking (a read, a futex wait) is time
 * off the CPU that the harness cannot tell from a scheduler's delay, so the gap check
 * does not judge Custom workers.
 */
typedef int (*ktstr_work_fn)(struct ktstr_worker *w, void *arg);

/* One group of identical workers. */
struct ktstr_work {
	enum ktstr_work_type type;
	unsigned workers; /* 0 = the cgroup's .workers, else the test's workers per cgroup */
	enum ktstr_policy policy;
	int prio;
	int nice;                     /* -20..19; normal, batch and idle policies */
	unsigned dl_runtime_us, dl_deadline_us, dl_period_us; /* deadline (2000, period, 10000) */
	struct ktstr_affinity affinity;
	struct ktstr_work_params p;
	struct ktstr_mempolicy mem;
	const struct ktstr_phase *phases; /* Sequence: 1..KTSTR_MAX_PHASES phases */
	ktstr_work_fn custom;             /* Custom: the body */
	void *custom_arg;
	bool custom_once;                 /* Custom: call it once, not in a loop */
	bool end_; /* list terminator (KTSTR_WORKS adds it) */
};

#define KTSTR_WORK(t, ...) ((struct ktstr_work){ .type = (t), __VA_ARGS__ })
#define KTSTR_WORK_CPU_SPIN KTSTR_WORK(KTSTR_WT_CPU_SPIN)
#define KTSTR_WORK_YIELD_HEAVY KTSTR_WORK(KTSTR_WT_YIELD_HEAVY)
#define KTSTR_WORK_MIXED KTSTR_WORK(KTSTR_WT_MIXED)
#define KTSTR_WORK_IO_SYNC KTSTR_WORK(KTSTR_WT_IO_SYNC)
#define KTSTR_WORK_BURSTY KTSTR_WORK(KTSTR_WT_BURSTY)
#define KTSTR_WORK_BURSTY_P(burst, sleep)                                                          \
	KTSTR_WORK(KTSTR_WT_BURSTY, .p = { .burst_ms = (burst), .sleep_ms = (sleep) })
#define KTSTR_WORK_PIPE_IO KTSTR_WORK(KTSTR_WT_PIPE_IO)
#define KTSTR_WORK_FUTEX_PING_PONG KTSTR_WORK(KTSTR_WT_FUTEX_PING_PONG)
#define KTSTR_WORK_CACHE_PRESSURE KTSTR_WORK(KTSTR_WT_CACHE_PRESSURE)
#define KTSTR_WORK_FORK_EXIT KTSTR_WORK(KTSTR_WT_FORK_EXIT)
#define KTSTR_WORK_NICE_SWEEP KTSTR_WORK(KTSTR_WT_NICE_SWEEP)
#define KTSTR_WORK_AFFINITY_CHURN KTSTR_WORK(KTSTR_WT_AFFINITY_CHURN)
#define KTSTR_WORK_POLICY_CHURN KTSTR_WORK(KTSTR_WT_POLICY_CHURN)
#define KTSTR_WORK_PAGE_FAULT_CHURN KTSTR_WORK(KTSTR_WT_PAGE_FAULT_CHURN)
#define KTSTR_WORK_MUTEX_CONTENTION KTSTR_WORK(KTSTR_WT_MUTEX_CONTENTION)
#define KTSTR_WORK_FAN_OUT_COMPUTE KTSTR_WORK(KTSTR_WT_FAN_OUT_COMPUTE)
#define KTSTR_WORK_CACHE_YIELD KTSTR_WORK(KTSTR_WT_CACHE_YIELD)
#define KTSTR_WORK_CACHE_PIPE KTSTR_WORK(KTSTR_WT_CACHE_PIPE)
#define KTSTR_WORK_FUTEX_FAN_OUT KTSTR_WORK(KTSTR_WT_FUTEX_FAN_OUT)
#define KTSTR_WORK_SEQUENCE(...)                                                                   \
	KTSTR_WORK(KTSTR_WT_SEQUENCE, .phases = KTSTR_PHASES(__VA_ARGS__))
#define KTSTR_WORK_CUSTOM(fn, arg)                                                                 \
	KTSTR_WORK(KTSTR_WT_CUSTOM, .custom = (fn), .custom_arg = (arg))
#define KTSTR_WORK_CUSTOM_ONCE(fn, arg)                                                            \
	KTSTR_WORK(KTSTR_WT_CUSTOM, .custom = (fn), .custom_arg = (arg), .custom_once = true)
#define KTSTR_WORKS(...) ((const struct ktstr_work[]){ __VA_ARGS__, { .end_ = true } })

/* For a Custom body, in its worker process. */
/* true once the worker has been told to stop: return from the body soon. */
KTSTR_API bool ktstr_worker_stopping(const struct ktstr_worker *w);
/* Count units of work done (what not_starved and the throughput checks see). */
KTSTR_API void ktstr_worker_add_work(struct ktstr_worker *w, uint64_t units);
/* Sleep by design: not a scheduling gap; the lateness of the wake-up is a latency
 * sample. Returns early when the worker is stopped. */
KTSTR_API void ktstr_worker_sleep_ns(struct ktstr_worker *w, uint64_t ns);
/* The worker's index within its work group. */
KTSTR_API unsigned ktstr_worker_index(const struct ktstr_worker *w);

KTSTR_API const char *ktstr_work_type_name(enum ktstr_work_type t); /* "CpuSpin", ... */
KTSTR_API const char *ktstr_mpol_mode_name(enum ktstr_mpol_mode m); /* "bind", ... */
KTSTR_API int ktstr_work_type_parse(const char *name);              /* -1 if unknown */
/* Workers per group the type needs (2 for pairs); a work's count must be a multiple. */
KTSTR_API unsigned ktstr_work_group_size(const struct ktstr_work *w);

/* ---- cpuset specs, resolved against the guest topology ---- */

enum ktstr_cpuset_kind {
	KTSTR_CPUSET_KIND_NONE = 0,
	KTSTR_CPUSET_KIND_LLC,      /* CPUs of LLC .index */
	KTSTR_CPUSET_KIND_NUMA,     /* CPUs of node .index */
	KTSTR_CPUSET_KIND_RANGE,    /* [.start, .end) fractions of the usable CPUs */
	KTSTR_CPUSET_KIND_DISJOINT, /* partition .index of .of equal parts */
	KTSTR_CPUSET_KIND_OVERLAP,  /* partition .index of .of, widened by .frac of a part */
	KTSTR_CPUSET_KIND_EXACT,    /* .cpus, e.g. "0-1,4" */
};

struct ktstr_cpuset_spec {
	enum ktstr_cpuset_kind kind;
	unsigned index, of;
	double start, end, frac;
	const char *cpus;
};

#define KTSTR_CPUSET_LLC(i)                                                                        \
	((struct ktstr_cpuset_spec){ .kind = KTSTR_CPUSET_KIND_LLC, .index = (i) })
#define KTSTR_CPUSET_NUMA(n)                                                                       \
	((struct ktstr_cpuset_spec){ .kind = KTSTR_CPUSET_KIND_NUMA, .index = (n) })
#define KTSTR_CPUSET_RANGE(s, e)                                                                   \
	((struct ktstr_cpuset_spec){ .kind = KTSTR_CPUSET_KIND_RANGE, .start = (s), .end = (e) })
#define KTSTR_CPUSET_DISJOINT(i, n)                                                                \
	((struct ktstr_cpuset_spec){ .kind = KTSTR_CPUSET_KIND_DISJOINT, .index = (i), .of = (n) })
#define KTSTR_CPUSET_OVERLAP(i, n, f)                                                              \
	((struct ktstr_cpuset_spec){ .kind = KTSTR_CPUSET_KIND_OVERLAP, .index = (i), .of = (n),  \
				     .frac = (f) })
#define KTSTR_CPUSET_EXACT(list)                                                                   \
	((struct ktstr_cpuset_spec){ .kind = KTSTR_CPUSET_KIND_EXACT, .cpus = (list) })

/* ---- cgroups ---- */

struct ktstr_cgroup_def {
	const char *name;                /* may nest: "parent/child" (create the parent first) */
	struct ktstr_cpuset_spec cpuset; /* none = inherit */
	unsigned workers;                /* for .work; 0 = the test's workers per cgroup */
	struct ktstr_work work;          /* the main worker group (CpuSpin by default) */
	const struct ktstr_work *works;  /* more groups (KTSTR_WORKS), started with .work */
	bool no_workers;                 /* create the cgroup only */
	bool end_;
};
#define KTSTR_CGROUPS(...) ((const struct ktstr_cgroup_def[]){ __VA_ARGS__, { .end_ = true } })

/* ---- ops, holds, steps ---- */

enum ktstr_op_kind {
	KTSTR_OPK_END = 0,
	KTSTR_OPK_ADD_CGROUP,
	KTSTR_OPK_REMOVE_CGROUP,  /* stop its workers, drain, rmdir */
	KTSTR_OPK_SET_CPUSET,
	KTSTR_OPK_CLEAR_CPUSET,
	KTSTR_OPK_SWAP_CPUSETS,   /* cgroup <-> other */
	KTSTR_OPK_SPAWN,          /* start .work in cgroup ("" = the managed parent's level) */
	KTSTR_OPK_STOP_CGROUP,    /* stop its workers, keep the cgroup */
	KTSTR_OPK_SET_AFFINITY,   /* re-pin every running worker of cgroup */
	KTSTR_OPK_MOVE_ALL_TASKS, /* cgroup -> other */
	KTSTR_OPK_CALL,           /* fn(ctx, arg): the test's own stimulus; < 0 fails the step */
	KTSTR_OPK_SET_POLICY,     /* .work's policy, prio, nice, deadline on every running
				   * worker of cgroup */
	KTSTR_OPK_SET_WEIGHT,     /* cpu.weight of cgroup (1..10000) */
	KTSTR_OPK_SPAWN_HOST,     /* start .work in the hierarchy's root cgroup, outside the
				   * test's cgroups; reported under cgroup "(host)" */
	KTSTR_OPK_PAYLOAD_START,  /* start .payload in the background */
	KTSTR_OPK_PAYLOAD_WAIT,   /* wait for the background .payload->payload to end */
	KTSTR_OPK_PAYLOAD_STOP,   /* stop it (SIGINT, then SIGKILL) and keep its metrics */
};

struct ktstr_op {
	enum ktstr_op_kind kind;
	const char *cgroup, *other;
	struct ktstr_cpuset_spec cpuset;
	struct ktstr_work work;
	struct ktstr_affinity affinity;
	int (*fn)(struct ktstr_ctx *ctx, void *arg);
	void *arg;
	unsigned weight;
	const struct ktstr_payload_step *payload; /* the payload ops (<ktstr/payload.h>) */
};

#define KTSTR_OP_ADD_CGROUP(cg) { .kind = KTSTR_OPK_ADD_CGROUP, .cgroup = (cg) }
#define KTSTR_OP_REMOVE_CGROUP(cg) { .kind = KTSTR_OPK_REMOVE_CGROUP, .cgroup = (cg) }
#define KTSTR_OP_SET_CPUSET(cg, spec)                                                              \
	{ .kind = KTSTR_OPK_SET_CPUSET, .cgroup = (cg), .cpuset = spec }
#define KTSTR_OP_CLEAR_CPUSET(cg) { .kind = KTSTR_OPK_CLEAR_CPUSET, .cgroup = (cg) }
#define KTSTR_OP_SWAP_CPUSETS(a, b) { .kind = KTSTR_OPK_SWAP_CPUSETS, .cgroup = (a), .other = (b) }
#define KTSTR_OP_SPAWN(cg, w) { .kind = KTSTR_OPK_SPAWN, .cgroup = (cg), .work = w }
#define KTSTR_OP_STOP_CGROUP(cg) { .kind = KTSTR_OPK_STOP_CGROUP, .cgroup = (cg) }
#define KTSTR_OP_SET_AFFINITY(cg, k, ...)                                                          \
	{ .kind = KTSTR_OPK_SET_AFFINITY, .cgroup = (cg), .affinity = { .kind = (k), __VA_ARGS__ } }
#define KTSTR_OP_MOVE_ALL_TASKS(from, to)                                                          \
	{ .kind = KTSTR_OPK_MOVE_ALL_TASKS, .cgroup = (from), .other = (to) }
#define KTSTR_OP_CALL(f, a) { .kind = KTSTR_OPK_CALL, .fn = (f), .arg = (a) }
/* KTSTR_OP_SET_POLICY("cg", KTSTR_POLICY_BATCH, .nice = 5): sets after the policy are
 * ktstr_work fields. Workers it touched are compared only with workers it touched alike. */
#define KTSTR_OP_SET_POLICY(cg, pol, ...)                                                          \
	{ .kind = KTSTR_OPK_SET_POLICY, .cgroup = (cg), .work = { .policy = (pol), __VA_ARGS__ } }
/* Workers under cgroup are compared only with workers whose weight changed alike. */
#define KTSTR_OP_SET_WEIGHT(cg, w) { .kind = KTSTR_OPK_SET_WEIGHT, .cgroup = (cg), .weight = (w) }
#define KTSTR_OP_SPAWN_HOST(w) { .kind = KTSTR_OPK_SPAWN_HOST, .work = w }
#define KTSTR_OPS(...) ((const struct ktstr_op[]){ __VA_ARGS__, { .kind = KTSTR_OPK_END } })

enum ktstr_hold_kind {
	KTSTR_HOLD_KIND_DEFAULT = 0, /* an equal share of the test duration */
	KTSTR_HOLD_KIND_FRAC,
	KTSTR_HOLD_KIND_FIXED,
	KTSTR_HOLD_KIND_LOOP,    /* repeat the step's ops every interval_ms until the share ends */
};

struct ktstr_hold {
	enum ktstr_hold_kind kind;
	double frac;
	unsigned ms, interval_ms;
};
#define KTSTR_HOLD_FRAC(f) ((struct ktstr_hold){ .kind = KTSTR_HOLD_KIND_FRAC, .frac = (f) })
#define KTSTR_HOLD_FULL KTSTR_HOLD_FRAC(1.0)
#define KTSTR_HOLD_MS(n) ((struct ktstr_hold){ .kind = KTSTR_HOLD_KIND_FIXED, .ms = (n) })
#define KTSTR_HOLD_LOOP(iv)                                                                        \
	((struct ktstr_hold){ .kind = KTSTR_HOLD_KIND_LOOP, .interval_ms = (iv) })

/* As a step op: KTSTR_OPS(KTSTR_OP_MAP_WRITE(".bss", "knob", 1)) writes a u32 into a BPF
 * map from the host when the step starts (ktstr_bpf_map_write_u32; .offset = N adds to the
 * variable's offset). A write the host refuses fails the step. */
struct ktstr_map_write {
	const char *map, *var;
	uint32_t value, offset;
};
KTSTR_API int ktstr_map_write_op(struct ktstr_ctx *ctx, void *write);
#define KTSTR_OP_MAP_WRITE(m, v, val, ...)                                                         \
	{ .kind = KTSTR_OPK_CALL, .fn = ktstr_map_write_op,                                        \
	  .arg = (void *)&(const struct ktstr_map_write){ .map = (m), .var = (v), .value = (val),  \
							  __VA_ARGS__ } }

/* A step: ops first, then the cgroups it sets up (created, cpuset, workers started), then the
 * hold. Workers run on across steps until stopped or their cgroup is removed; everything is
 * collected and checked after the last step. */
struct ktstr_step {
	const struct ktstr_op *ops;
	const struct ktstr_cgroup_def *cgroups;
	struct ktstr_hold hold;
	bool end_;
};
#define KTSTR_STEPS(...) ((const struct ktstr_step[]){ __VA_ARGS__, { .end_ = true } })

/*
 * What persists across every step of a scenario: set up before step 1 (its cgroups and
 * their workers, then its ops, then its background payloads), torn down after the last
 * (background payloads still running are stopped and their metrics kept, then every
 * worker is stopped and judged with the steps' workers).
 *
 *	ktstr_run_scenario(ctx, &(struct ktstr_backdrop){
 *		.cgroups = KTSTR_CGROUPS({ .name = "bg", .workers = 1 }),
 *		.payloads = KTSTR_BG_PAYLOADS(KTSTR_BG(&stress_ng, .cgroup = "bg")) },
 *		KTSTR_STEPS(...));
 */
struct ktstr_backdrop {
	const struct ktstr_cgroup_def *cgroups;
	const struct ktstr_op *ops;
	const struct ktstr_payload_step *payloads; /* KTSTR_BG_PAYLOADS (<ktstr/payload.h>) */
};

/* Run cgroups for the whole duration, then check. Returns KTSTR_PASS / FAIL / SKIP. */
KTSTR_API int ktstr_run_cgroups(struct ktstr_ctx *ctx, const struct ktstr_cgroup_def *defs);
KTSTR_API int ktstr_run_steps(struct ktstr_ctx *ctx, const struct ktstr_step *steps);
/* Steps with a backdrop (NULL = none). */
KTSTR_API int ktstr_run_scenario(struct ktstr_ctx *ctx, const struct ktstr_backdrop *backdrop,
				 const struct ktstr_step *steps);
/* The same functions under the names ktstr_execute_defs, _steps and _scenario. */
#define ktstr_execute_defs ktstr_run_cgroups
#define ktstr_execute_steps ktstr_run_steps
#define ktstr_execute_scenario ktstr_run_scenario

/* Absolute path of a scenario cgroup ("a/b"), for a test's own reads and writes (the
 * executor does not see those: moving a worker this way is invisible to it). Caller frees. */
KTSTR_API char *ktstr_cgroup_path(struct ktstr_ctx *ctx, const char *name);

/* ---- workers measured by hand ---- */

#define KTSTR_MAX_LAT_SAMPLES 1024 /* reservoir per worker */

struct ktstr_worker_report {
	int pid;
	unsigned index;          /* within its work group */
	enum ktstr_work_type type;
	bool completed;          /* reported by itself (false: killed, died, never reported) */
	int exit_status;         /* waitpid status when !completed; -1: not reaped */
	bool messenger;          /* FanOutCompute's waker */
	uint64_t work_units, iterations;
	uint64_t wall_ns, cpu_ns, off_cpu_ns;
	uint64_t run_delay_ns, run_count; /* /proc/self/schedstat deltas (0 if absent) */
	uint64_t max_gap_ms, max_gap_at_ms; /* longest time the guest kept it off its CPU */
	int max_gap_cpu;
	uint64_t max_host_stall_ms; /* longest stretch its vCPU did not run while it did */
	uint64_t migrations;
	uint64_t vol_switches, invol_switches;
	uint64_t cpus_used[16];  /* bitmap of CPUs observed (first 1024) */
	/* pages of its work's memory region on each NUMA node, read from
	 * /proc/self/numa_maps when its loop ends (all 0 for work without a region) */
	uint64_t numa_pages[KTSTR_NUMA_MAX_NODES];
	uint64_t lat_total;      /* wake/resume samples seen */
	unsigned nphases;        /* Sequence: its phases; 0 for other types */
	uint64_t phase_work[KTSTR_MAX_PHASES]; /* work units done in each phase */
	uint64_t phase_runs[KTSTR_MAX_PHASES]; /* times each phase was entered */
	unsigned nlat;           /* kept (reservoir) */
	uint64_t lat_ns[KTSTR_MAX_LAT_SAMPLES];
};

struct ktstr_reports;

/* Start n workers of w in cgroup cg (created if missing; "" or NULL = no cgroup of its own),
 * run the test duration, stop them and return their reports (NULL on setup failure, detail
 * recorded). Free with ktstr_reports_free(). */
KTSTR_API struct ktstr_reports *ktstr_spawn_and_collect(struct ktstr_ctx *ctx, const char *cg,
							unsigned n, struct ktstr_work w);
KTSTR_API void ktstr_reports_free(struct ktstr_reports *r);
KTSTR_API unsigned ktstr_reports_count(const struct ktstr_reports *r);
KTSTR_API const struct ktstr_worker_report *ktstr_reports_get(const struct ktstr_reports *r,
							      unsigned i);
KTSTR_API uint64_t ktstr_reports_total_work(const struct ktstr_reports *r);
KTSTR_API uint64_t ktstr_reports_min_work(const struct ktstr_reports *r);
KTSTR_API uint64_t ktstr_reports_max_gap_ms(const struct ktstr_reports *r);
KTSTR_API uint64_t ktstr_reports_migrations(const struct ktstr_reports *r);
/* Nearest-rank percentile (0..100) of every worker's wake latency samples, ns. */
KTSTR_API uint64_t ktstr_reports_latency_pct_ns(const struct ktstr_reports *r, double pct);
/* The default checks (thresholds of the test) on these reports; returns the verdict. */
KTSTR_API int ktstr_reports_check(struct ktstr_ctx *ctx, const struct ktstr_reports *r);

/* ---- canned scenarios ---- */

/* What a scenario needs to mean anything; 0/false = no need. `ktstr run` skips a
 * scenario whose needs a topology or scheduler does not meet, with the reason. */
struct ktstr_scenario_needs {
	unsigned cpus, llcs, numa_nodes; /* at least this many */
	bool smt;                        /* two or more threads per core */
	bool sched_ext;                  /* a sched_ext scheduler, not the kernel's own */
};

struct ktstr_scenario {
	const char *name;
	const char *category; /* advanced affinity basic cpuset dynamic interaction nested
			       * performance sched_class stall stress */
	const char *description;
	struct ktstr_scenario_needs needs;
};

/* The catalog, sorted by category then name: for (i = 0; i < ktstr_scenarios_count(); i++). */
KTSTR_API unsigned ktstr_scenarios_count(void);
KTSTR_API const struct ktstr_scenario *ktstr_scenario_at(unsigned i);
KTSTR_API const struct ktstr_scenario *ktstr_scenario_find(const char *name);
/* Run a catalog scenario by name (an unknown name is a failure with a detail). */
KTSTR_API int ktstr_scenario_run(struct ktstr_ctx *ctx, const char *name);

KTSTR_API int ktstr_scenario_steady(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_steady_llc(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_oversubscribed(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_cpuset_apply(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_cpuset_clear(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_cpuset_resize(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_cgroup_add(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_cgroup_remove(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_affinity_change(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_affinity_pinned(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_mixed_workloads(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_nested_steady(struct ktstr_ctx *ctx);
KTSTR_API int ktstr_scenario_nested_task_move(struct ktstr_ctx *ctx);

#ifdef __cplusplus
}
#endif

#endif
