/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * One guest CPU's runqueue read from guest memory for the monitor: counters
 * of struct rq, the head of its sched_ext runnable list (the oldest waiting
 * task) and the scheduler's per-CPU event counters. Every address comes from
 * the guest and every read goes through guestmem.
 */
#ifndef KTSTR_RQREAD_H
#define KTSTR_RQREAD_H

#include <stdbool.h>
#include <stdint.h>

#include "monitor/guestmem.h"
#include "monitor/monitor.h"

#define MON_OFF_NONE UINT32_MAX

/* Field offsets; MON_OFF_NONE = the kernel lacks it. */
struct mon_layout {
	uint32_t rq_nr_running, rq_clock, rq_scx_nr_running, rq_local_dsq_nr, rq_scx_flags;
	uint32_t rq_runnable_list;         /* rq.scx.runnable_list (list_head) */
	uint32_t see_node, see_at;         /* task_struct.scx.runnable_{node,at} */
	uint32_t see_weight;               /* task_struct.scx.weight (optional) */
	uint32_t sch_pcpu;                 /* scx_sched.pcpu (6.18+) */
	uint32_t sch_event_stats_cpu;      /* scx_sched.event_stats_cpu (6.16-6.17) */
	uint32_t pcpu_event_stats;         /* scx_sched_pcpu.event_stats */
	uint32_t ev[MON_EV_N];             /* in scx_event_stats */
	uint32_t sch_watchdog;             /* scx_sched.watchdog_timeout (7.1+) */
};

static inline bool rqread_has(uint32_t off)
{
	return off != MON_OFF_NONE;
}

/*
 * Fill c from the runqueue at rq: the fields caps enables, c->ok when they
 * could all be read; the wait of the runnable list's head (jiffies now, hz
 * ticks a second); the event counters at ev (this CPU's scx_event_stats,
 * 0 = none).
 */
void rqread_cpu(const struct guestmem *gm, const struct mon_layout *l,
		const struct monitor_caps *caps, unsigned hz, uint64_t rq, uint64_t jiffies,
		uint64_t ev, struct monitor_cpu *c);

/* Per-CPU base of the event counters of the scheduler at sch, 0 without one. */
uint64_t rqread_event_base(const struct guestmem *gm, const struct mon_layout *l, uint64_t sch);

#endif
