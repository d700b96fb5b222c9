// SPDX-License-Identifier: GPL-2.0-only
/* Monitor checks with sustained-sample logic, and the run's summary numbers. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/checks.h"
#include "util/util.h"

#define MONCHK_KINDS 6

void monchk_limits_from(const struct ktstr_thresholds *t, struct monchk_limits *out)
{
	memset(out, 0, sizeof(*out));
	out->imbalance_on = t->max_imbalance_ratio.set;
	out->max_imbalance = t->max_imbalance_ratio.v;
	out->dsq_on = t->max_local_dsq_depth.set;
	out->max_dsq = t->max_local_dsq_depth.v;
	out->stall_on = t->fail_on_stall == KTSTR_ON;
	out->fallback_on = t->max_fallback_rate.set;
	out->max_fallback_rate = t->max_fallback_rate.v;
	out->keep_last_on = t->max_keep_last_rate.set;
	out->max_keep_last_rate = t->max_keep_last_rate.v;
	out->callback_on = t->max_callback_us.set;
	out->max_callback_us = t->max_callback_us.v;
	out->sustained = t->sustained_samples.set && t->sustained_samples.v ? (unsigned)t->sustained_samples.v : 1;
}

const char *monchk_kind_name(enum monchk_kind k)
{
	static const char *const n[MONCHK_KINDS] = { "imbalance", "local_dsq_depth", "stall",
						     "select_cpu_fallback_rate",
						     "dispatch_keep_last_rate", "callback_time" };

	return (unsigned)k < MONCHK_KINDS ? n[k] : "?";
}

/* One sustained-violation tracker per (check, cpu); slot ncpus is "whole VM". */
struct run {
	unsigned len;
	uint32_t start;
	double peak;
	char msg[192]; /* at the peak */
	int vi;        /* index of its violation, -1 none yet */
};

struct ctx {
	const struct monchk_limits *l;
	struct monchk_result *r;
	struct run *runs; /* MONCHK_KINDS x (ncpus + 1) */
	unsigned ncpus;
	/* the walk over the samples */
	const struct monitor_data *d;
	const struct monitor_sample *prev, *first, *last; /* prev: NULL after a gap */
	unsigned warm;                                    /* warm-up samples seen */
	bool clock_moved, any_scx;
	double *nr_sum, *dsq_sum, imb_sum;                /* per CPU; over samples */
};

static void track(struct ctx *c, enum monchk_kind k, int cpu, bool bad, double value,
		  uint32_t t_ms, const char *what)
{
	struct run *run = &c->runs[k * (c->ncpus + 1) + (cpu < 0 ? c->ncpus : (unsigned)cpu)];
	struct monchk_violation *v;

	if (!bad) {
		run->len = 0;
		return;
	}
	if (!run->len++ || value >= run->peak) {
		if (run->len == 1)
			run->start = t_ms;
		run->peak = value;
		snprintf(run->msg, sizeof(run->msg), "%s", what);
	}
	if (run->len < c->l->sustained)
		return;
	if (run->vi < 0) {
		c->r->v = xrealloc(c->r->v, (c->r->nv + 1) * sizeof(*c->r->v));
		run->vi = (int)c->r->nv++;
		v = &c->r->v[run->vi];
		memset(v, 0, sizeof(*v));
		v->kind = k;
		v->cpu = cpu;
		v->t_ms = run->start;
		v->confirmed_t_ms = t_ms;
	}
	v = &c->r->v[run->vi];
	if (run->len >= v->samples) {
		/* the longest run is the one reported */
		v->samples = run->len;
		v->t_ms = run->start;
	}
	if (!v->msg || run->peak >= v->peak) {
		v->peak = run->peak;
		free(v->msg);
		v->msg = xstrdup(run->msg);
	}
}

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return x < y ? -1 : x > y;
}

bool monchk_callback_median_us(const struct monitor_data *d, unsigned i, double *us)
{
	unsigned n = d->prog_nintervals[i];
	float *v;

	if (n < MONCHK_CALLBACK_MIN_INTERVALS || !d->prog_interval_ns[i])
		return false;
	v = xmalloc(n * sizeof(*v));
	memcpy(v, d->prog_interval_ns[i], n * sizeof(*v));
	qsort(v, n, sizeof(*v), cmp_float);
	*us = (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2) / 1e3;
	free(v);
	return true;
}

/*
 * Callbacks whose typical run time is over the limit: one violation each. Typical is
 * the median over the sampling intervals of each interval's mean: a vCPU preempted by
 * its host inside one call charges that wait to the call, which moves one interval,
 * not the median (a whole-run mean over 66 calls reached 611 us that way).
 */
static void check_callbacks(const struct monitor_data *d, const struct monchk_limits *l,
			    struct monchk_result *r)
{
	for (unsigned i = 0; l->callback_on && i < d->nprogs; i++) {
		const struct bpfprog *p = &d->progs[i];
		struct monchk_violation *v;
		double us;

		if (!monchk_callback_median_us(d, i, &us) || us <= l->max_callback_us)
			continue;
		r->v = xrealloc(r->v, (r->nv + 1) * sizeof(*r->v));
		v = &r->v[r->nv++];
		memset(v, 0, sizeof(*v));
		v->kind = MONCHK_CALLBACK;
		v->cpu = -1;
		v->t_ms = v->confirmed_t_ms = d->progs_t_ms;
		v->samples = 1;
		v->peak = us;
		v->msg = xasprintf("%s takes %.0f us per call (median of %u intervals of %u ms, "
				   "%llu calls) > %g us",
				   p->name, us, d->prog_nintervals[i], MONITOR_INTERVAL_MS,
				   (unsigned long long)p->cnt, l->max_callback_us);
	}
}

/*
 * How long the oldest runnable task may wait: MONCHK_STALL_WAIT_MS at the default
 * weight (100, nice 0), longer in proportion below it: a fair scheduler runs a
 * SCHED_IDLE task (weight 1) beside a spinner about once in 100 slices. The kernel's
 * watchdog still bounds every task's wait.
 */
static uint32_t stall_wait_ms(uint32_t weight)
{
	if (!weight || weight >= 100)
		return MONCHK_STALL_WAIT_MS;
	return MONCHK_STALL_WAIT_MS * 100 / weight;
}

/*
 * Whether the guest ran between two samples: its jiffies moved (or were not read). A
 * host too busy to run the VM stops every vCPU at once, freezing every rq clock with
 * the tasks that were runnable; jiffies stand still with them, while a scheduler that
 * strands tasks leaves the timer tick going on some CPU.
 */
static bool guest_ran(const struct monitor_sample *prev, const struct monitor_sample *s)
{
	return !prev->jiffies || !s->jiffies || prev->jiffies != s->jiffies;
}

static bool excused(const struct monitor_data *d, const struct monitor_cpu *p,
		    const struct monitor_cpu *c)
{
	uint64_t ticks10 = 10ull * 1000000000ull / (d->hz ? d->hz : 250);

	if (!d->caps.vcpu_times || !c->vcpu_run_ns || c->vcpu_wait_ns < p->vcpu_wait_ns ||
	    c->vcpu_run_ns < p->vcpu_run_ns)
		return false;
	return c->vcpu_wait_ns - p->vcpu_wait_ns >= ticks10 &&
	       c->vcpu_run_ns - p->vcpu_run_ns < ticks10;
}

static bool plausible(const struct monitor_sample *s, unsigned ncpus)
{
	for (unsigned i = 0; i < ncpus; i++)
		if (s->cpu[i].ok && s->cpu[i].local_dsq > MONCHK_DSQ_PLAUSIBLE)
			return false;
	return true;
}

/* A CPU whose rq clock froze with tasks runnable while the guest ran, or whose oldest
 * sched_ext task waited too long, since the previous sample. */
static void eval_stall(struct ctx *c, const struct monitor_sample *s, unsigned cpu)
{
	const struct monitor_cpu *x = &s->cpu[cpu], *p = &c->prev->cpu[cpu];
	bool frozen = x->clock && x->clock == p->clock && (x->nr_running || p->nr_running) &&
		      guest_ran(c->prev, s);
	bool waiting = x->wait_ms >= stall_wait_ms(x->wait_weight);
	bool stall = (frozen || waiting) && !excused(c->d, p, x);
	char msg[256];

	if (x->clock != p->clock)
		c->clock_moved = true;
	if (stall)
		c->r->cpu[cpu].stall_samples++;
	if (c->l->stall_on) {
		snprintf(msg, sizeof(msg),
			 "%s; %u runnable, oldest sched_ext task waiting %u ms (weight %u)",
			 frozen ? "rq clock frozen" : "rq clock moving", x->nr_running, x->wait_ms,
			 x->wait_weight);
		track(c, MONCHK_STALL, (int)cpu, stall, x->wait_ms, s->t_ms, msg);
	}
}

/* One CPU of a sample: its maxima and sums, local DSQ depth, stalls. */
static void eval_cpu(struct ctx *c, const struct monitor_sample *s, unsigned cpu)
{
	const struct monchk_limits *l = c->l;
	struct monchk_result *r = c->r;
	const struct monitor_cpu *x = &s->cpu[cpu];
	char msg[256];

	c->nr_sum[cpu] += x->nr_running;
	c->dsq_sum[cpu] += x->local_dsq;
	r->cpu[cpu].nr_max = MAX(r->cpu[cpu].nr_max, x->nr_running);
	r->cpu[cpu].dsq_max = MAX(r->cpu[cpu].dsq_max, x->local_dsq);
	r->cpu[cpu].wait_max_ms = MAX(r->cpu[cpu].wait_max_ms, x->wait_ms);
	if (x->local_dsq > r->dsq_max || r->dsq_max_cpu < 0) {
		r->dsq_max = x->local_dsq;
		r->dsq_max_cpu = (int)cpu;
		r->dsq_max_t = s->t_ms;
	}
	if (l->dsq_on) {
		snprintf(msg, sizeof(msg), "local DSQ depth %u > %llu", x->local_dsq,
			 (unsigned long long)l->max_dsq);
		track(c, MONCHK_DSQ, (int)cpu, x->local_dsq > l->max_dsq, x->local_dsq, s->t_ms,
		      msg);
	}
	if (c->prev && c->prev->cpu[cpu].ok)
		eval_stall(c, s, cpu);
}

/* Runnable tasks on the busiest CPU over those on the idlest one. */
static void eval_imbalance(struct ctx *c, const struct monitor_sample *s, unsigned nr_min,
			   unsigned nr_max)
{
	const struct monchk_limits *l = c->l;
	struct monchk_result *r = c->r;
	double imb = (double)nr_max / (double)MAX(1u, nr_min);
	char msg[256];

	c->imb_sum += imb;
	if (imb > r->imb_max || r->used == 1) {
		r->imb_max = imb;
		r->imb_max_t = s->t_ms;
	}
	if (l->imbalance_on) {
		snprintf(msg, sizeof(msg), "a CPU idle while another has %u runnable: %.1f > %.1f",
			 nr_max, imb, l->max_imbalance);
		track(c, MONCHK_IMBALANCE, -1, !nr_min && imb > l->max_imbalance, imb, s->t_ms,
		      msg);
	}
}

/* select_cpu fallbacks and dispatch keep-lasts per second since the previous sample. */
static void eval_rates(struct ctx *c, const struct monitor_sample *s)
{
	const struct monchk_limits *l = c->l;
	const struct monitor_sample *prev = c->prev;
	struct monchk_result *r = c->r;
	double dt = (s->t_ms - prev->t_ms) / 1000.0, fb = 0, kl = 0;
	char msg[256];

	for (unsigned cpu = 0; cpu < c->ncpus; cpu++) {
		if (!s->cpu[cpu].ok || !prev->cpu[cpu].ok)
			continue;
		fb += (double)(s->cpu[cpu].ev[MON_EV_SELECT_CPU_FALLBACK] -
			       prev->cpu[cpu].ev[MON_EV_SELECT_CPU_FALLBACK]);
		kl += (double)(s->cpu[cpu].ev[MON_EV_DISPATCH_KEEP_LAST] -
			       prev->cpu[cpu].ev[MON_EV_DISPATCH_KEEP_LAST]);
	}
	fb = MAX(fb, 0) / dt;
	kl = MAX(kl, 0) / dt;
	r->fallback_rate_max = MAX(r->fallback_rate_max, fb);
	r->keep_last_rate_max = MAX(r->keep_last_rate_max, kl);
	if (l->fallback_on && c->d->caps.events[MON_EV_SELECT_CPU_FALLBACK]) {
		snprintf(msg, sizeof(msg), "select_cpu fallbacks %.0f/s > %.0f/s", fb,
			 l->max_fallback_rate);
		track(c, MONCHK_FALLBACK, -1, fb > l->max_fallback_rate, fb, s->t_ms, msg);
	}
	if (l->keep_last_on && c->d->caps.events[MON_EV_DISPATCH_KEEP_LAST]) {
		snprintf(msg, sizeof(msg), "dispatch keep-last %.0f/s > %.0f/s", kl,
			 l->max_keep_last_rate);
		track(c, MONCHK_KEEP_LAST, -1, kl > l->max_keep_last_rate, kl, s->t_ms, msg);
	}
}

/* One sample: skipped outside sched_ext, during warm-up and when implausible. */
static void eval_sample(struct ctx *c, const struct monitor_sample *s)
{
	struct monchk_result *r = c->r;
	unsigned nr_min = UINT32_MAX, nr_max = 0, ok = 0;

	if (!s->scx) {
		c->prev = NULL;
		return;
	}
	if (!c->any_scx)
		r->scx_first_t = s->t_ms;
	r->scx_last_t = s->t_ms;
	c->any_scx = true;
	if (c->warm < MONCHK_WARMUP_SAMPLES) {
		c->warm++;
		c->prev = s;
		return;
	}
	if (!plausible(s, c->ncpus)) {
		r->implausible++;
		c->prev = NULL;
		return;
	}
	r->used++;
	if (!c->first)
		c->first = s;
	c->last = s;
	for (unsigned cpu = 0; cpu < c->ncpus; cpu++) {
		const struct monitor_cpu *x = &s->cpu[cpu];

		if (!x->ok)
			continue;
		ok++;
		nr_min = MIN(nr_min, x->nr_running);
		nr_max = MAX(nr_max, x->nr_running);
		eval_cpu(c, s, cpu);
	}
	if (!ok) {
		c->prev = NULL;
		return;
	}
	eval_imbalance(c, s, nr_min, nr_max);
	if (c->prev && s->t_ms > c->prev->t_ms)
		eval_rates(c, s);
	c->prev = s;
}

/* What the walk amounts to; violations count only when it was evaluated. */
static void eval_state(struct ctx *c)
{
	struct monchk_result *r = c->r;

	if (!c->any_scx) {
		r->state = MONCHK_NO_SCX;
	} else if (!r->used) {
		r->state = MONCHK_NO_DATA;
	} else if (!c->clock_moved) {
		/* the clocks never moved: the addresses are wrong or the guest never ran */
		r->state = MONCHK_NOT_INITIALIZED;
	} else {
		r->state = MONCHK_EVALUATED;
	}
	if (r->state != MONCHK_EVALUATED) {
		for (unsigned i = 0; i < r->nv; i++)
			free(r->v[i].msg);
		free(r->v);
		r->v = NULL;
		r->nv = 0;
	}
}

/* Averages over the samples used, and event counts from the first to the last. */
static void eval_totals(struct ctx *c)
{
	struct monchk_result *r = c->r;
	unsigned n = c->ncpus;

	if (r->used) {
		r->imb_avg = c->imb_sum / r->used;
		for (unsigned cpu = 0; cpu < n; cpu++) {
			r->cpu[cpu].nr_avg = c->nr_sum[cpu] / r->used;
			r->cpu[cpu].dsq_avg = c->dsq_sum[cpu] / r->used;
		}
	}
	if (c->first && c->last)
		for (int e = 0; e < MON_EV_N; e++) {
			int64_t delta = 0;

			for (unsigned cpu = 0; cpu < n; cpu++)
				delta += c->last->cpu[cpu].ev[e] - c->first->cpu[cpu].ev[e];
			r->ev_delta[e] = MAX(delta, 0);
		}
}

void monchk_evaluate(const struct monitor_data *d, const struct monchk_limits *l,
		     struct monchk_result *r)
{
	unsigned n = d->ncpus;
	struct ctx c = { .l = l, .r = r, .ncpus = n, .d = d };

	memset(r, 0, sizeof(*r));
	r->ncpus = n;
	r->dsq_max_cpu = -1;
	if (!d->n || !n) {
		r->state = MONCHK_NO_DATA;
		return;
	}
	r->cpu = xcalloc(n, sizeof(*r->cpu));
	c.nr_sum = xcalloc(n, sizeof(double));
	c.dsq_sum = xcalloc(n, sizeof(double));
	c.runs = xcalloc(MONCHK_KINDS * (n + 1), sizeof(*c.runs));
	for (unsigned i = 0; i < MONCHK_KINDS * (n + 1); i++)
		c.runs[i].vi = -1;

	for (size_t i = 0; i < d->n; i++)
		eval_sample(&c, &d->s[i]);
	check_callbacks(d, l, r);
	eval_state(&c);
	eval_totals(&c);
	free(c.nr_sum);
	free(c.dsq_sum);
	free(c.runs);
}

void monchk_result_free(struct monchk_result *r)
{
	for (unsigned i = 0; i < r->nv; i++)
		free(r->v[i].msg);
	free(r->v);
	free(r->cpu);
	memset(r, 0, sizeof(*r));
}
