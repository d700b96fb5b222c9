/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * ktstr: test harness for Linux process schedulers.
 *
 * A test file includes this header only:
 *
 *	KTSTR_TEST(steady_baseline) { return ktstr_scenario_steady(ctx); }
 *
 * Declarations are data: KTSTR_TEST and KTSTR_SCHEDULER place const
 * descriptors in linker sections; libktstr supplies main(), which lists,
 * plans and boots one VM per test, and inside the VM runs the body.
 */
#ifndef KTSTR_KTSTR_H
#define KTSTR_KTSTR_H

#include <ktstr/api.h>

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---- "unset" is distinct from zero for every threshold and switch ---- */

struct ktstr_opt_u64 {
	bool set;
	uint64_t v;
};

struct ktstr_opt_f64 {
	bool set;
	double v;
};

/* Tri-state switch: unset inherits from the layer below; OFF disables an inherited check. */
enum ktstr_switch {
	KTSTR_INHERIT = 0,
	KTSTR_ON = 1,
	KTSTR_OFF = 2,
};

#define KTSTR_SET(x) { .set = true, .v = (x) }

/*
 * Assertion thresholds. Layers merge defaults < scheduler < test: a set field
 * wins over the layer below it. The field list is a macro so the same fields
 * can be written directly in KTSTR_TEST / KTSTR_SCHEDULER attributes.
 */
#define KTSTR_THRESHOLD_FIELDS                                                                     \
	enum ktstr_switch not_starved;      /* starvation + spread + gap (default on) */           \
	enum ktstr_switch isolation;        /* workers stay inside their cpuset (default off) */   \
	struct ktstr_opt_u64 max_gap_ms;    /* longest scheduling gap (default 2000 ms) */         \
	struct ktstr_opt_f64 max_spread_pct; /* wait%% spread of identical workers (default 75) */ \
	struct ktstr_opt_f64 max_cgroup_spread_pct; /* same work, cgroup means (default 25) */     \
	struct ktstr_opt_f64 max_throughput_cv;                                                    \
	struct ktstr_opt_f64 min_work_rate;      /* work units per CPU-second, per worker */       \
	struct ktstr_opt_u64 max_p99_wake_latency_ns;                                              \
	struct ktstr_opt_u64 max_median_wake_latency_ns; /* per cgroup (default 25 ms) */         \
	struct ktstr_opt_f64 max_wake_latency_cv;                                                  \
	struct ktstr_opt_f64 min_iteration_rate; /* iterations per wall-second, per worker */      \
	struct ktstr_opt_f64 max_migration_ratio;                                                  \
	/* NUMA (default off): pages on the nodes of the workers' CPUs, fraction 0..1 */          \
	struct ktstr_opt_f64 min_page_locality;                                                    \
	/* NUMA balancing migrations (vmstat numa_pages_migrated) per page of the workers */      \
	struct ktstr_opt_f64 max_cross_node_migration_ratio;                                       \
	/* host-side monitor (sched_ext only) */                                                   \
	struct ktstr_opt_f64 max_imbalance_ratio; /* CPU idle: default 3.0 */                           \
	struct ktstr_opt_u64 max_local_dsq_depth; /* default 50 */                                 \
	enum ktstr_switch fail_on_stall;          /* default on */                                 \
	struct ktstr_opt_u64 sustained_samples;   /* default 5 */                                  \
	struct ktstr_opt_f64 max_fallback_rate;   /* default off (recorded) */                     \
	struct ktstr_opt_f64 max_keep_last_rate;  /* default off (recorded) */                     \
	struct ktstr_opt_f64 max_callback_us;     /* mean run time of a callback (default 1500) */

struct ktstr_thresholds {
	KTSTR_THRESHOLD_FIELDS
};

/* Gauntlet topology constraints (0 = unset). */
#define KTSTR_CONSTRAINT_FIELDS                                                                    \
	unsigned min_numa_nodes, max_numa_nodes;                                                   \
	unsigned min_llcs, max_llcs;                                                               \
	unsigned min_cpus, max_cpus;                                                               \
	enum ktstr_switch requires_smt;

struct ktstr_constraints {
	KTSTR_CONSTRAINT_FIELDS
};

/* Declared topology: numa nodes, LLCs in total, cores per LLC, threads per core (0 = unset). */
struct ktstr_topo_decl {
	unsigned numa_nodes, llcs, cores, threads;
};
#define KTSTR_TOPO(n, l, c, t) { .numa_nodes = (n), .llcs = (l), .cores = (c), .threads = (t) }

/* NULL-terminated lists written as compound literals. */
#define KTSTR_ARGS(...) ((const char *const[]){ __VA_ARGS__, NULL })
#define KTSTR_NAMES(...) KTSTR_ARGS(__VA_ARGS__)

/* A scheduler flag: extra arguments, and flags it needs to be meaningful. */
struct ktstr_flag {
	const char *name;
	const char *const *args;
	const char *const *requires;
};
#define KTSTR_FLAGS(...) ((const struct ktstr_flag[]){ __VA_ARGS__, { 0 } })

/* A scheduler under test. binary NULL = the kernel's default (EEVDF). */
struct ktstr_scheduler {
	const char *name;
	const char *binary;             /* next to the test binary, then $PATH, or a path */
	const char *const *args;
	const struct ktstr_flag *flags; /* terminated by an entry with name == NULL */
	const char *const *sysctls;     /* "kernel.foo=1" -> guest cmdline sysctl.kernel.foo=1 */
	const char *const *kargs;       /* extra guest kernel command line words */
	const char *cgroup_parent;      /* created before the scheduler starts */
	unsigned watchdog_timeout_s;    /* sched_ext watchdog override (0 = default 4 s) */
	struct ktstr_topo_decl topology;
	union {
		struct {
			KTSTR_CONSTRAINT_FIELDS
		};
		struct ktstr_constraints constraints;
	};
	union {
		struct {
			KTSTR_THRESHOLD_FIELDS
		};
		struct ktstr_thresholds thresholds;
	};
};

/* The kernel's default scheduler; what a test gets when it names none. */
KTSTR_API extern const struct ktstr_scheduler ktstr_eevdf;

struct ktstr_ctx;
struct ktstr_payload;

/* A test body returns one of these (ktstr_fail / ktstr_skip return them too). */
enum ktstr_verdict {
	KTSTR_PASS = 0,
	KTSTR_FAIL = 1,
	KTSTR_SKIP = 2,
	/* set by the harness only: SIGINT/SIGTERM stopped the run before the test
	 * finished (a body returning it fails) */
	KTSTR_INTERRUPTED = 3,
};

/* What kind of failure a detail reports. */
enum ktstr_fail_kind {
	KTSTR_OTHER = 0,
	KTSTR_STARVED,
	KTSTR_STUCK,
	KTSTR_UNFAIR,
	KTSTR_ISOLATION,
	KTSTR_BENCHMARK,
	KTSTR_MIGRATION,
	KTSTR_MONITOR,
	KTSTR_SCHED_DIED,
	KTSTR_METRIC,
	KTSTR_TIMEOUT,
	KTSTR_CRASH,
	KTSTR_LATENCY,
	KTSTR_PAGE_LOCALITY,
	KTSTR_CROSS_NODE_MIGRATION,
};

struct ktstr_test {
	const char *name;
	int (*fn)(struct ktstr_ctx *ctx);
	const char *file;
	int line;
	/* topology: 0 inherits from the scheduler, else 1n1l2c1t */
	unsigned numa_nodes, llcs, cores, threads;
	unsigned memory_mb;             /* 0 = default */
	const struct ktstr_scheduler *scheduler; /* NULL = EEVDF */
	const char *const *extra_sched_args;
	unsigned duration_s;            /* scenario length, default 2 */
	unsigned workers_per_cgroup;    /* default 2 */
	unsigned timeout_s;             /* the body's wall limit (the VM gets boot time on top);
					 * default derived from duration */
	unsigned watchdog_timeout_s;
	bool host_only;                 /* run the body on the host, no VM */
	bool expect_err;                /* the test must fail to pass */
	bool trace;                     /* record a Perfetto-openable trace, as --trace does */
	bool auto_repro;                /* a scheduler death or failed monitor check reruns
					 * the test once with probes (as --auto-repro) */
	const char *const *required_flags;
	const char *const *excluded_flags;
	const char *const *include_files; /* files/dirs packed under /include-files/ */
	const struct ktstr_payload *const *payloads; /* KTSTR_PAYLOADS(&p, ...): packed too */
	union {
		struct {
			KTSTR_CONSTRAINT_FIELDS
		};
		struct ktstr_constraints constraints;
	};
	union {
		struct {
			KTSTR_THRESHOLD_FIELDS
		};
		struct ktstr_thresholds thresholds;
	};
};

#define KTSTR_SECTION_(sec) __attribute__((used, section(sec), aligned(sizeof(void *))))

/* Register a test: KTSTR_TEST(name, .llcs = 2, ...) { body using ctx } */
#define KTSTR_TEST(tname, ...)                                                                     \
	static int ktstr_body_##tname(struct ktstr_ctx *ctx);                                      \
	static const struct ktstr_test ktstr_test_##tname = {                                      \
		.name = #tname,                                                                    \
		.fn = ktstr_body_##tname,                                                          \
		.file = __FILE__,                                                                  \
		.line = __LINE__,                                                                  \
		__VA_ARGS__                                                                        \
	};                                                                                         \
	static const struct ktstr_test *const ktstr_test_ptr_##tname KTSTR_SECTION_(              \
		"ktstr_tests") = &ktstr_test_##tname;                                              \
	static int ktstr_body_##tname(struct ktstr_ctx *ctx)

/* Define and register a scheduler: KTSTR_SCHEDULER(mysched, .binary = "scx_x", ...); */
#define KTSTR_SCHEDULER(sname, ...)                                                                \
	const struct ktstr_scheduler sname = { .name = #sname, __VA_ARGS__ };                      \
	static const struct ktstr_scheduler *const ktstr_sched_ptr_##sname KTSTR_SECTION_(        \
		"ktstr_scheds") = &sname

/* Use a scheduler defined in another file. */
#define KTSTR_SCHEDULER_DECLARE(sname) extern const struct ktstr_scheduler sname

/* ---- inside a test body ---- */

/* Record a failure detail and return KTSTR_FAIL. */
KTSTR_API int ktstr_fail(struct ktstr_ctx *ctx, enum ktstr_fail_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Record why the test cannot run here and return KTSTR_SKIP. */
KTSTR_API int ktstr_skip(struct ktstr_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Add a named numeric statistic to the result (shown in output and stored in the record). */
KTSTR_API void ktstr_stat(struct ktstr_ctx *ctx, const char *name, double value);
/* Log a line to the host (shown with the test's output). */
KTSTR_API void ktstr_log(struct ktstr_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Start a named phase of the host-side monitor's timeline ("warm-up", "flip"):
 * the monitor section and the record's monitor.phases summarise each phase.
 * Scenario steps mark themselves ("step 2/3"). At most 32 marks per run. */
KTSTR_API void ktstr_mark(struct ktstr_ctx *ctx, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/*
 * Read or write a u32 in one of the guest kernel's BPF array maps from the
 * host, through guest memory: flip a scheduler's knob mid-run without its
 * cooperation, or read one of its counters. In a per-CPU array a read sums
 * the CPUs' copies and a write sets each.
 *   map     a map name suffix: ".bss", ".data", or the whole "scx_ktstr.bss"
 *           (which also finds the kernel's "scx_ktst.bss": libbpf cuts object
 *           names short); exactly one (per-CPU) array map must match
 *   var     a variable of the map's data section or a member of its struct
 *           value, by the map's BTF; NULL: offset counts from the value's start
 *   offset  bytes added to the variable's offset
 * Returns 0 or -errno (-ENOENT: no such map or variable, -ERANGE: outside it,
 * -EPERM: a .rodata map, -ENOTSUP: no host access to this VM's memory); the
 * host's reason is logged. Every access is also in the host's log, and a
 * write marks the monitor's timeline. Needs a VM booted cold with the
 * host-side monitor: every test with a sched_ext scheduler.
 */
KTSTR_API int ktstr_bpf_map_read_u32(struct ktstr_ctx *ctx, const char *map, const char *var,
				     uint32_t offset, uint32_t *value);
KTSTR_API int ktstr_bpf_map_write_u32(struct ktstr_ctx *ctx, const char *map, const char *var,
				      uint32_t offset, uint32_t value);

KTSTR_API unsigned ktstr_ctx_cpus(const struct ktstr_ctx *ctx);
KTSTR_API unsigned ktstr_ctx_llcs(const struct ktstr_ctx *ctx);
KTSTR_API unsigned ktstr_ctx_numa_nodes(const struct ktstr_ctx *ctx);
KTSTR_API unsigned ktstr_ctx_duration_ms(const struct ktstr_ctx *ctx);
KTSTR_API unsigned ktstr_ctx_workers_per_cgroup(const struct ktstr_ctx *ctx);
KTSTR_API int ktstr_ctx_sched_pid(const struct ktstr_ctx *ctx); /* 0 under EEVDF */
KTSTR_API const struct ktstr_thresholds *ktstr_ctx_thresholds(const struct ktstr_ctx *ctx);

/* Entry point libktstr's main() calls; call it from your own main() if you have one. */
KTSTR_API int ktstr_main(int argc, char **argv);

#ifdef __cplusplus
}
#endif

#include <ktstr/scenario.h>
#include <ktstr/payload.h>

#endif
