// SPDX-License-Identifier: GPL-2.0-only
/* A guest CPU's runqueue, read through guest memory (see rqread.h). */
#include "monitor/rqread.h"

void rqread_cpu(const struct guestmem *gm, const struct mon_layout *l,
		const struct monitor_caps *caps, unsigned hz, uint64_t rq, uint64_t jiffies,
		uint64_t ev, struct monitor_cpu *c)
{
	bool ok = true;

	if (rqread_has(l->rq_nr_running))
		ok &= !guestmem_read_u32(gm, rq + l->rq_nr_running, &c->nr_running);
	if (rqread_has(l->rq_clock))
		ok &= !guestmem_read_u64(gm, rq + l->rq_clock, &c->clock);
	if (rqread_has(l->rq_scx_nr_running))
		ok &= !guestmem_read_u32(gm, rq + l->rq_scx_nr_running, &c->scx_nr_running);
	if (rqread_has(l->rq_local_dsq_nr))
		ok &= !guestmem_read_u32(gm, rq + l->rq_local_dsq_nr, &c->local_dsq);
	if (rqread_has(l->rq_scx_flags))
		ok &= !guestmem_read_u32(gm, rq + l->rq_scx_flags, &c->scx_flags);
	c->ok = ok;
	if (caps->runnable_age) {
		uint64_t head = rq + l->rq_runnable_list, next = 0, at = 0;

		/* the oldest waiting task heads the list; its runnable_at is in jiffies */
		if (!guestmem_read_u64(gm, head, &next) && next && next != head &&
		    !guestmem_read_u64(gm, next - l->see_node + l->see_at, &at) && jiffies >= at &&
		    jiffies - at < 1000000ull * hz) {
			c->wait_ms = (uint32_t)((jiffies - at) * 1000 / hz);
			if (rqread_has(l->see_weight))
				guestmem_read_u32(gm, next - l->see_node + l->see_weight,
						  &c->wait_weight);
		}
	}
	if (ev)
		for (int e = 0; e < MON_EV_N; e++)
			if (caps->events[e])
				guestmem_read_u64(gm, ev + l->ev[e], (uint64_t *)&c->ev[e]);
}

uint64_t rqread_event_base(const struct guestmem *gm, const struct mon_layout *l, uint64_t sch)
{
	uint64_t p = 0;

	if (!sch)
		return 0;
	if (rqread_has(l->sch_pcpu) && rqread_has(l->pcpu_event_stats)) {
		if (!guestmem_read_u64(gm, sch + l->sch_pcpu, &p) && p)
			return p + l->pcpu_event_stats;
	} else if (rqread_has(l->sch_event_stats_cpu)) {
		if (!guestmem_read_u64(gm, sch + l->sch_event_stats_cpu, &p) && p)
			return p;
	}
	return 0;
}
