/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Checks over the monitor's samples (defaults: imbalance 4.0, local DSQ depth
 * 50, stall on, 5 sustained samples, callbacks 1500 us per call; the fallback and
 * keep-last rates only when a test sets a limit: a CPU that keeps running its
 * only task is what a healthy, under-subscribed scheduler does).
 * A check fails only after `sustained` consecutive violating samples.
 * Evaluated only over samples taken while a sched_ext scheduler was loaded,
 * after a warm-up; samples with an implausible DSQ depth are skipped, and a
 * run whose rq clocks never moved is "not initialized" (no verdict).
 *
 * Imbalance: max(nr_running) / max(1, min(nr_running)) over the CPUs, judged
 * only while some CPU is idle: tasks a shared DSQ holds count on the runqueue of
 * the CPU they last ran on, so while every CPU is busy a lopsided count wastes
 * nothing (fairness between the tasks is judged by the workers' checks).
 *
 * Callback: a struct_ops program whose typical run time is above max_callback_us:
 * the median, over the sampling intervals in which it ran MONITOR_PROG_MIN_CALLS
 * times or more (at least MONCHK_CALLBACK_MIN_INTERVALS of them), of each
 * interval's mean.
 *
 * Stall: a CPU with runnable tasks in two consecutive samples whose rq clock
 * did not move, or whose oldest runnable sched_ext task has waited
 * MONCHK_STALL_WAIT_MS or more (longer in proportion below the default weight of
 * 100: a SCHED_IDLE task, weight 1, waits by design). Excused when the vCPU
 * thread spent the interval waiting for a host CPU (schedstat wait grew by 10
 * guest ticks or more while it ran less than that), and a frozen clock when the
 * guest's jiffies did not move either (the host ran no vCPU at all): the guest
 * could not run, not the scheduler's fault. A halted vCPU (idle, sleeping on the host) is not excused.
 */
#ifndef KTSTR_MONITOR_CHECKS_H
#define KTSTR_MONITOR_CHECKS_H

#include <stdbool.h>
#include <stdint.h>

#include <ktstr/ktstr.h>

#include "monitor/monitor.h"

#define MONCHK_WARMUP_SAMPLES 10        /* after the scheduler is first seen */
#define MONCHK_DSQ_PLAUSIBLE 10000
#define MONCHK_STALL_WAIT_MS 1000
#define MONCHK_CALLBACK_MIN_INTERVALS 3 /* sampling intervals with calls, to judge a callback */

struct monchk_limits {
	bool imbalance_on, dsq_on, stall_on, fallback_on, keep_last_on, callback_on;
	double max_imbalance;
	uint64_t max_dsq;
	unsigned sustained;
	double max_fallback_rate, max_keep_last_rate;
	double max_callback_us;
};
/* From merged thresholds (thresholds_effective): an unset number = that check off. */
void monchk_limits_from(const struct ktstr_thresholds *t, struct monchk_limits *out);

enum monchk_kind {
	MONCHK_IMBALANCE,
	MONCHK_DSQ,
	MONCHK_STALL,
	MONCHK_FALLBACK,
	MONCHK_KEEP_LAST,
	MONCHK_CALLBACK,
};
const char *monchk_kind_name(enum monchk_kind k);

struct monchk_violation {
	enum monchk_kind kind;
	int cpu;            /* -1 for whole-VM checks */
	uint32_t t_ms;      /* first sample of the sustained run (ms after the VM's launch) */
	uint32_t confirmed_t_ms; /* when the run first reached `sustained` samples */
	unsigned samples;   /* length of the run */
	double peak;        /* worst value in the run */
	char *msg;
};

struct monchk_cpu {
	double nr_avg, dsq_avg;
	uint32_t nr_max, dsq_max, wait_max_ms;
	unsigned stall_samples;
};

enum monchk_state {
	MONCHK_EVALUATED,
	MONCHK_NO_DATA,         /* no samples */
	MONCHK_NO_SCX,          /* no sched_ext scheduler seen (EEVDF): no checks */
	MONCHK_NOT_INITIALIZED, /* rq clocks never moved */
};

struct monchk_result {
	enum monchk_state state;
	unsigned used;          /* samples evaluated */
	unsigned implausible;   /* skipped: DSQ depth above MONCHK_DSQ_PLAUSIBLE */
	unsigned ncpus;
	uint32_t scx_first_t, scx_last_t; /* first and last sample with a scheduler loaded */
	double imb_avg, imb_max;
	uint32_t imb_max_t;
	uint32_t dsq_max;
	int dsq_max_cpu;
	uint32_t dsq_max_t;
	double fallback_rate_max, keep_last_rate_max;
	int64_t ev_delta[MON_EV_N];  /* last - first over the evaluated samples, clamped >= 0 */
	struct monchk_cpu *cpu;
	struct monchk_violation *v;
	unsigned nv;
};

/* The typical run time of program i in us, as the callback check judges it: the median
 * of its per-interval means; false with too few intervals. */
bool monchk_callback_median_us(const struct monitor_data *d, unsigned i, double *us);
void monchk_evaluate(const struct monitor_data *d, const struct monchk_limits *l,
		     struct monchk_result *out);
void monchk_result_free(struct monchk_result *r);

#endif
