/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-side monitor: a thread that reads every guest CPU's runqueue straight
 * from the guest's RAM (no guest instrumentation) about every 100 ms while the
 * VM runs. Symbols come from the guest's CHAN_KALLSYMS frame, struct layouts
 * from the kernel's BTF; a field the kernel lacks disables that metric only.
 */
#ifndef KTSTR_MONITOR_H
#define KTSTR_MONITOR_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include <ktstr/ktstr.h>

#include "monitor/bpfmap.h"
#include "monitor/bpfprog.h"
#include "proto/mapreq.h"

#define MONITOR_INTERVAL_MS 100
#define MONITOR_MAX_CPUS 256
#define MONITOR_MAX_SAMPLES 6000   /* 10 minutes; later samples are counted, not kept */
#define MONITOR_READY_WAIT_S 5     /* a map request waits this long for the monitor's setup */
#define MONITOR_LIVE_EVERY 5       /* samples between live evaluations of the checks */
#define MONITOR_MAX_PROGS 64
#define MONITOR_PROG_MIN_CALLS 5   /* fewer calls in an interval say little of its mean */
#define MONITOR_MAX_VARS 64

/* sched_ext event counters (struct scx_event_stats members), when the kernel has them. */
enum monitor_event {
	MON_EV_SELECT_CPU_FALLBACK,
	MON_EV_DISPATCH_LOCAL_DSQ_OFFLINE,
	MON_EV_DISPATCH_KEEP_LAST,
	MON_EV_ENQ_SKIP_EXITING,
	MON_EV_ENQ_SKIP_MIGRATION_DISABLED,
	MON_EV_REFILL_SLICE_DFL,
	MON_EV_BYPASS_DISPATCH,
	MON_EV_BYPASS_ACTIVATE,
	MON_EV_INSERT_NOT_OWNED,
	MON_EV_N
};
const char *monitor_event_name(enum monitor_event e); /* "select_cpu_fallback" */

/* Which metrics this kernel offers (BTF fields and symbols found). */
struct monitor_caps {
	bool nr_running, clock, scx_nr_running, local_dsq, scx_flags, runnable_age;
	bool events[MON_EV_N];
	bool vcpu_times; /* the QEMU vCPU threads were found on the host */
};

struct monitor_cpu {
	uint32_t nr_running, scx_nr_running, local_dsq, scx_flags;
	uint64_t clock;          /* rq->clock, ns */
	uint32_t wait_ms;        /* oldest runnable sched_ext task's wait (runnable_list head) */
	uint32_t wait_weight;    /* its sched_ext weight (100 = nice 0; 0 = unknown) */
	int64_t ev[MON_EV_N];    /* cumulative counters */
	uint64_t vcpu_run_ns;    /* host: the vCPU thread's CPU time ... */
	uint64_t vcpu_wait_ns;   /* ... and its time waiting for a host CPU (schedstat) */
	bool ok;                 /* the runqueue could be read */
};

struct monitor_sample {
	uint32_t t_ms;           /* since the monitor started */
	bool scx;                /* a sched_ext scheduler was loaded (scx_root set) */
	uint64_t jiffies;        /* the guest's jiffies_64 (0 = unread) */
	struct monitor_cpu *cpu; /* ncpus entries */
};

#define MONITOR_MAX_MARKS 32

/* A guest init stage ("scheduler", "body", ...) as it reached the host. */
struct monitor_mark {
	uint32_t t_ms;
	char label[32];
};

struct monitor_data {
	unsigned ncpus;
	unsigned hz;
	struct monitor_caps caps;
	struct monitor_sample *s;
	size_t n;                /* kept samples */
	size_t dropped;          /* samples beyond MONITOR_MAX_SAMPLES */
	char *error;             /* why monitoring could not start or stopped (NULL = fine) */
	char *note;              /* non-fatal: metrics disabled by the kernel's layout */
	/* the watchdog override (spec.watchdog_s) */
	unsigned watchdog_s;
	uint64_t watchdog_was;   /* jiffies found before the first write (0 = never written) */
	unsigned watchdog_writes;
	char *watchdog_error;    /* why it could not be set */
	struct monitor_mark marks[MONITOR_MAX_MARKS];
	unsigned nmarks;
	/* the scheduler's struct_ops programs (its callbacks), as last read while
	 * it was loaded: runs and time so far, verifier instruction counts */
	struct bpfprog progs[MONITOR_MAX_PROGS];
	unsigned nprogs;
	uint32_t progs_t_ms;     /* when they were read */
	/* per callback (the index of progs): the mean run time, in ns, of each sampling
	 * interval in which it ran MONITOR_PROG_MIN_CALLS times or more */
	float *prog_interval_ns[MONITOR_MAX_PROGS];
	unsigned prog_nintervals[MONITOR_MAX_PROGS];
	/* the integer globals of the scheduler's data sections (.bss, .data,
	 * .rodata), as last read while it was loaded */
	struct monitor_var {
		struct bpfmap_int at;
		int64_t value;
	} vars[MONITOR_MAX_VARS];
	unsigned nvars;
	uint32_t vars_t_ms;
};
void monitor_data_free(struct monitor_data *d);

struct monitor_spec {
	/* <ram_dir>/ram-nodeN: the VM's work directory (a cold boot: QEMU shares
	 * the files) or its template's (a restore: QEMU maps them privately, and
	 * the RAM is read in QEMU's process, monitor_attach_qemu) */
	const char *ram_dir;
	bool ram_private;
	unsigned nodes;
	unsigned cpus;
	const char *btf_path;    /* vmlinux (ELF with .BTF) or raw BTF */
	const char *kconfig;     /* kernel config: CONFIG_HZ (NULL = 250) */
	/* > 0: hold the sched_ext watchdog timeout at this many seconds by writing
	 * scx_root->watchdog_timeout (7.1+; older: scx_watchdog_timeout) every
	 * sample, as each scheduler load starts from its own value. 0: leave it. */
	unsigned watchdog_s;
	/* Non-NULL (a sched_ext scheduler under test; merged thresholds): evaluate
	 * the checks while the VM runs too, and at the first violation ask for the
	 * kernel's sched_ext dump once (monitor_take_dump_request). */
	const struct ktstr_thresholds *live;
};

struct monitor;
/* Start the thread; it waits for the symbols before reading anything. */
struct monitor *monitor_start(const struct monitor_spec *spec);
/* The QEMU process running the VM, just spawned (not yet reaped): its vCPU
 * threads, and its RAM when spec.ram_private. Any thread; NULL m is allowed. */
void monitor_attach_qemu(struct monitor *m, pid_t pid);
/* The guest's CHAN_KALLSYMS payload (any thread). */
void monitor_feed_kallsyms(struct monitor *m, const void *data, size_t len);
/* A phase starts now (the guest's CHAN_STAGE text; any thread; printable
 * ASCII kept, at most MONITOR_MAX_MARKS). */
void monitor_mark(struct monitor *m, const void *label, size_t len);
/*
 * Serve a test body's BPF map request (CHAN_MAP_REQ) from the launcher's
 * thread: find the map in guest memory, read or write the u32, fill *rp
 * (rc 0 or -errno with an error text). Waits up to MONITOR_READY_WAIT_S for
 * the monitor's setup. NULL m (no access to guest memory) answers -ENOTSUP.
 */
void monitor_map_request(struct monitor *m, const struct map_req *rq, struct map_reply *rp);
/* True once, at the first violation the live checks found: the caller asks
 * the guest for the kernel's sched_ext dump. Any thread; NULL m is allowed. */
bool monitor_take_dump_request(struct monitor *m);
/* Stop and join; *out owns the samples. NULL m is allowed (out is zeroed). */
void monitor_stop(struct monitor *m, struct monitor_data *out);

#endif
