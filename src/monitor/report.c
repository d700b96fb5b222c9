// SPDX-License-Identifier: GPL-2.0-only
/* The monitor's record object, output section and failure details. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/report.h"
#include "core/metrics.h"
#include "core/result.h"
#include "util/util.h"

static const char *state_name(enum monchk_state s)
{
	switch (s) {
	case MONCHK_EVALUATED: return "evaluated";
	case MONCHK_NO_DATA: return "no_data";
	case MONCHK_NO_SCX: return "no_sched_ext";
	case MONCHK_NOT_INITIALIZED: return "not_initialized";
	}
	return "?";
}

static json_t *jround(double v)
{
	return json_real(round(v * 1000.0) / 1000.0);
}

static json_t *caps_json(const struct monitor_caps *c)
{
	json_t *o = json_object(), *ev = json_array();

	json_object_set_new(o, "nr_running", json_boolean(c->nr_running));
	json_object_set_new(o, "clock", json_boolean(c->clock));
	json_object_set_new(o, "scx_nr_running", json_boolean(c->scx_nr_running));
	json_object_set_new(o, "local_dsq", json_boolean(c->local_dsq));
	json_object_set_new(o, "runnable_wait", json_boolean(c->runnable_age));
	json_object_set_new(o, "vcpu_times", json_boolean(c->vcpu_times));
	for (int e = 0; e < MON_EV_N; e++)
		if (c->events[e])
			json_array_append_new(ev, json_string(monitor_event_name(e)));
	json_object_set_new(o, "events", ev);
	return o;
}

/* Per CPU: t_ms, nr_running, scx_nr_running, local_dsq, clock_ms, wait_ms arrays. */
static json_t *timeline_json(const struct monitor_data *d)
{
	json_t *o = json_object(), *t = json_array(), *cpus = json_array();
	size_t step = d->n > MONREPORT_TIMELINE_MAX
			      ? (d->n + MONREPORT_TIMELINE_MAX - 1) / MONREPORT_TIMELINE_MAX
			      : 1;

	for (size_t i = 0; i < d->n; i += step)
		json_array_append_new(t, json_integer(d->s[i].t_ms));
	for (unsigned c = 0; c < d->ncpus; c++) {
		json_t *nr = json_array(), *snr = json_array(), *dsq = json_array(),
		       *clk = json_array(), *wait = json_array();

		for (size_t i = 0; i < d->n; i += step) {
			const struct monitor_cpu *x = &d->s[i].cpu[c];

			if (!x->ok) {
				json_array_append_new(nr, json_null());
				json_array_append_new(snr, json_null());
				json_array_append_new(dsq, json_null());
				json_array_append_new(clk, json_null());
				json_array_append_new(wait, json_null());
				continue;
			}
			json_array_append_new(nr, json_integer(x->nr_running));
			json_array_append_new(snr, json_integer(x->scx_nr_running));
			json_array_append_new(dsq, json_integer(x->local_dsq));
			json_array_append_new(clk, json_integer((json_int_t)(x->clock / 1000000)));
			json_array_append_new(wait, json_integer(x->wait_ms));
		}
		json_array_append_new(cpus, json_pack("{s:i, s:o, s:o, s:o, s:o, s:o}", "cpu", c,
						      "nr_running", nr, "scx_nr_running", snr,
						      "local_dsq", dsq, "clock_ms", clk, "wait_ms",
						      wait));
	}
	json_object_set_new(o, "t_ms", t);
	json_object_set_new(o, "cpus", cpus);
	return o;
}

struct phase {
	unsigned samples, scx;  /* samples, and those with a scheduler loaded */
	double imb_sum, imb_max;
	uint32_t dsq_max, wait_max;
	int dsq_cpu;
};

/* Numbers over the samples in [from, to) ms, every sample (not only evaluated ones). */
static void phase_stats(const struct monitor_data *d, uint32_t from, uint32_t to, struct phase *p)
{
	memset(p, 0, sizeof(*p));
	p->dsq_cpu = -1;
	for (size_t i = 0; i < d->n; i++) {
		const struct monitor_sample *s = &d->s[i];
		unsigned mn = UINT32_MAX, mx = 0;
		double imb;

		if (s->t_ms < from || s->t_ms >= to)
			continue;
		for (unsigned c = 0; c < d->ncpus; c++) {
			const struct monitor_cpu *x = &s->cpu[c];

			if (!x->ok || x->local_dsq > MONCHK_DSQ_PLAUSIBLE)
				continue;
			mn = MIN(mn, x->nr_running);
			mx = MAX(mx, x->nr_running);
			if (x->local_dsq > p->dsq_max || p->dsq_cpu < 0) {
				p->dsq_max = x->local_dsq;
				p->dsq_cpu = (int)c;
			}
			p->wait_max = MAX(p->wait_max, x->wait_ms);
		}
		if (mn == UINT32_MAX)
			continue;
		imb = (double)mx / (double)MAX(1u, mn);
		p->samples++;
		p->scx += s->scx;
		p->imb_sum += imb;
		p->imb_max = MAX(p->imb_max, imb);
	}
}

static uint32_t phase_end(const struct monitor_data *d, unsigned i)
{
	return i + 1 < d->nmarks ? d->marks[i + 1].t_ms : UINT32_MAX;
}

/* One entry per guest stage: when it began and what the runqueues looked like. */
static json_t *phases_json(const struct monitor_data *d)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < d->nmarks; i++) {
		struct phase p;

		phase_stats(d, d->marks[i].t_ms, phase_end(d, i), &p);
		json_array_append_new(
			a, json_pack("{s:s, s:i, s:i, s:i, s:o, s:o, s:i, s:i, s:i}", "stage",
				     d->marks[i].label, "t_ms", (json_int_t)d->marks[i].t_ms,
				     "samples", (json_int_t)p.samples, "sched_ext_samples",
				     (json_int_t)p.scx,
				     "imbalance_avg",
				     jround(p.samples ? p.imb_sum / p.samples : 0), "imbalance_max",
				     jround(p.imb_max), "local_dsq_max", (json_int_t)p.dsq_max,
				     "local_dsq_max_cpu", (json_int_t)p.dsq_cpu, "wait_max_ms",
				     (json_int_t)p.wait_max));
	}
	return a;
}

static double prog_ns_per_call(const struct bpfprog *p)
{
	return p->cnt ? (double)p->nsecs / (double)p->cnt : 0.0;
}

/* The scheduler's struct_ops programs: runs, mean run time, the median of the
 * per-interval means the callback check judges (null with too few intervals),
 * verifier effort. */
static json_t *progs_json(const struct monitor_data *d)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < d->nprogs; i++) {
		const struct bpfprog *p = &d->progs[i];
		double us;

		json_array_append_new(
		    a, json_pack("{s:s, s:I, s:o, s:o, s:o, s:i}", "name", p->name, "calls",
				 (json_int_t)p->cnt, "ns_per_call", jround(prog_ns_per_call(p)),
				 "median_us", monchk_callback_median_us(d, i, &us) ? jround(us)
										    : json_null(),
				 "total_ms", jround((double)p->nsecs / 1e6), "verified_insns",
				 (json_int_t)p->verified_insns));
	}
	return a;
}

/* The scheduler's integer globals: [{map, name, value}]. */
static json_t *vars_json(const struct monitor_data *d)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < d->nvars; i++)
		json_array_append_new(a, json_pack("{s:s, s:s, s:I}", "map", d->vars[i].at.map,
						   "name", d->vars[i].at.name, "value",
						   (json_int_t)d->vars[i].value));
	return a;
}

json_t *monreport_json(const struct monitor_data *d, const struct monchk_result *r, bool checked)
{
	json_t *o = json_object(), *per = json_array(), *viol = json_array(), *ev = json_object();

	json_object_set_new(o, "interval_ms", json_integer(MONITOR_INTERVAL_MS));
	json_object_set_new(o, "cpus", json_integer(d->ncpus));
	json_object_set_new(o, "samples", json_integer((json_int_t)d->n));
	json_object_set_new(o, "samples_dropped", json_integer((json_int_t)d->dropped));
	json_object_set_new(o, "error", d->error ? json_string(d->error) : json_null());
	/* no samples: whatever the verdict, the monitor's checks had no part in it */
	json_object_set_new(o, "verdict_without_monitor", json_boolean(!d->n));
	json_object_set_new(o, "note", d->note ? json_string(d->note) : json_null());
	json_object_set_new(o, "metrics", caps_json(&d->caps));
	json_object_set_new(o, "watchdog",
			    d->watchdog_s ? json_pack("{s:i, s:i, s:i, s:o}", "set_s",
						      (json_int_t)d->watchdog_s, "was_jiffies",
						      (json_int_t)d->watchdog_was, "writes",
						      (json_int_t)d->watchdog_writes, "error",
						      d->watchdog_error
							      ? json_string(d->watchdog_error)
							      : json_null())
					  : json_null());
	json_object_set_new(o, "checks", json_string(checked ? state_name(r->state) : "off"));
	json_object_set_new(o, "evaluated_samples", json_integer(r->used));
	json_object_set_new(o, "sched_ext_t_ms",
			    r->scx_first_t || r->scx_last_t
				    ? json_pack("{s:i, s:i}", "first", (json_int_t)r->scx_first_t,
						"last", (json_int_t)r->scx_last_t)
				    : json_null());
	json_object_set_new(o, "implausible_samples", json_integer(r->implausible));
	json_object_set_new(o, "imbalance", json_pack("{s:o, s:o, s:i}", "avg", jround(r->imb_avg),
						      "max", jround(r->imb_max), "max_t_ms",
						      (json_int_t)r->imb_max_t));
	json_object_set_new(o, "local_dsq_max",
			    json_pack("{s:i, s:i, s:i}", "depth", (json_int_t)r->dsq_max, "cpu",
				      r->dsq_max_cpu, "t_ms", (json_int_t)r->dsq_max_t));
	json_object_set_new(o, "rates_max", json_pack("{s:o, s:o}", "select_cpu_fallback",
						      jround(r->fallback_rate_max),
						      "dispatch_keep_last",
						      jround(r->keep_last_rate_max)));
	for (int e = 0; e < MON_EV_N; e++)
		if (d->caps.events[e])
			json_object_set_new(ev, monitor_event_name(e),
					    json_integer(r->ev_delta[e]));
	json_object_set_new(o, "event_deltas", ev);
	for (unsigned c = 0; r->cpu && c < r->ncpus; c++)
		json_array_append_new(
			per, json_pack("{s:i, s:o, s:i, s:o, s:i, s:i, s:i}", "cpu", c, "nr_avg",
				       jround(r->cpu[c].nr_avg), "nr_max",
				       (json_int_t)r->cpu[c].nr_max, "dsq_avg",
				       jround(r->cpu[c].dsq_avg), "dsq_max",
				       (json_int_t)r->cpu[c].dsq_max, "wait_max_ms",
				       (json_int_t)r->cpu[c].wait_max_ms, "stall_samples",
				       (json_int_t)r->cpu[c].stall_samples));
	json_object_set_new(o, "per_cpu", per);
	for (unsigned i = 0; i < r->nv; i++) {
		const struct monchk_violation *v = &r->v[i];

		json_array_append_new(
			viol, json_pack("{s:s, s:o, s:i, s:i, s:i, s:o, s:s}", "check",
					monchk_kind_name(v->kind), "cpu",
					v->cpu < 0 ? json_null() : json_integer(v->cpu), "t_ms",
					(json_int_t)v->t_ms, "confirmed_t_ms",
					(json_int_t)v->confirmed_t_ms, "samples",
					(json_int_t)v->samples, "peak", jround(v->peak), "msg",
					v->msg ? v->msg : ""));
	}
	json_object_set_new(o, "violations", viol);
	json_object_set_new(o, "bpf_progs", progs_json(d));
	json_object_set_new(o, "sched_vars", vars_json(d));
	json_object_set_new(o, "phases", phases_json(d));
	json_object_set_new(o, "timeline", timeline_json(d));
	return o;
}

static void violation_line(struct strbuf *sb, const struct monchk_violation *v)
{
	sb_printf(sb, "%s", monchk_kind_name(v->kind));
	if (v->cpu >= 0)
		sb_printf(sb, " on cpu %d", v->cpu);
	sb_printf(sb, " for %u samples from %.1f s after launch (peak %.1f): %s", v->samples,
		  v->t_ms / 1000.0, v->peak, v->msg ? v->msg : "");
}

char *monreport_text(const struct monitor_data *d, const struct monchk_result *r)
{
	struct strbuf sb = { 0 };

	if (!d->n && d->error)
		return xasprintf("monitor: did not run (%s); the verdict is reached without its "
				 "checks\n",
				 d->error);
	if (!d->n)
		return xstrdup(""); /* no section: the record says why (monitor.error) */
	if (d->error)
		sb_printf(&sb, "monitor: %s\n", d->error);
	sb_printf(&sb, "%zu samples of %u cpus every %d ms, %u evaluated (%s)", d->n, d->ncpus,
		  MONITOR_INTERVAL_MS, r->used, state_name(r->state));
	if (r->scx_last_t)
		sb_printf(&sb, "; sched_ext loaded from %.1f s to %.1f s after launch",
			  r->scx_first_t / 1000.0, r->scx_last_t / 1000.0);
	sb_append(&sb, "\n");
	if (r->used) {
		sb_printf(&sb, "imbalance avg %.2f max %.2f at %.1f s; local DSQ max %u on cpu %d "
			       "at %.1f s\n",
			  r->imb_avg, r->imb_max, r->imb_max_t / 1000.0, r->dsq_max, r->dsq_max_cpu,
			  r->dsq_max_t / 1000.0);
		for (unsigned c = 0; c < r->ncpus; c++)
			sb_printf(&sb,
				  "  cpu %u: nr_running avg %.2f max %u, local DSQ avg %.2f max %u, "
				  "longest runnable wait %u ms, stalled samples %u\n",
				  c, r->cpu[c].nr_avg, r->cpu[c].nr_max, r->cpu[c].dsq_avg,
				  r->cpu[c].dsq_max, r->cpu[c].wait_max_ms, r->cpu[c].stall_samples);
		if (d->caps.events[MON_EV_SELECT_CPU_FALLBACK])
			sb_printf(&sb, "select_cpu fallback max %.0f/s, keep-last max %.0f/s\n",
				  r->fallback_rate_max, r->keep_last_rate_max);
	}
	for (unsigned i = 0; i < r->nv; i++) {
		violation_line(&sb, &r->v[i]);
		sb_append(&sb, "\n");
	}
	for (unsigned i = 0; i < d->nmarks; i++) {
		struct phase p;

		phase_stats(d, d->marks[i].t_ms, phase_end(d, i), &p);
		if (!p.samples)
			continue;
		sb_printf(&sb,
			  "phase %-15s from %5.1f s: %3u samples (%u sched_ext), imbalance avg %.2f "
			  "max %.2f, local DSQ max %u (cpu %d), longest wait %u ms\n",
			  d->marks[i].label, d->marks[i].t_ms / 1000.0, p.samples, p.scx,
			  p.imb_sum / p.samples, p.imb_max, p.dsq_max, p.dsq_cpu, p.wait_max);
	}
	if (d->nprogs)
		sb_printf(&sb, "scheduler callbacks (BPF run stats at %.1f s):\n",
			  d->progs_t_ms / 1000.0);
	for (unsigned i = 0; i < d->nprogs; i++)
		sb_printf(&sb, "  %-16s %9llu calls %8.0f ns/call %9u insns verified\n",
			  d->progs[i].name, (unsigned long long)d->progs[i].cnt,
			  prog_ns_per_call(&d->progs[i]), d->progs[i].verified_insns);
	if (d->nvars)
		sb_printf(&sb, "scheduler variables at %.1f s:", d->vars_t_ms / 1000.0);
	for (unsigned i = 0; i < d->nvars; i++) {
		if (!i || strcmp(d->vars[i].at.map, d->vars[i - 1].at.map))
			sb_printf(&sb, "\n  %s:", d->vars[i].at.map);
		sb_printf(&sb, " %s=%lld", d->vars[i].at.name, (long long)d->vars[i].value);
	}
	if (d->nvars)
		sb_append(&sb, "\n");
	if (d->watchdog_s)
		sb_printf(&sb, "sched_ext watchdog held at %u s (%u writes; it was %llu jiffies)%s%s\n",
			  d->watchdog_s, d->watchdog_writes, (unsigned long long)d->watchdog_was,
			  d->watchdog_error ? ": " : "",
			  d->watchdog_error ? d->watchdog_error : "");
	if (d->note)
		sb_printf(&sb, "%s\n", d->note);
	return sb_steal(&sb);
}

void monreport_fail(const struct monchk_result *r, struct ktstr_result *res)
{
	for (unsigned i = 0; i < r->nv; i++) {
		struct strbuf sb = { 0 };
		char *line;

		sb_append(&sb, "monitor: ");
		violation_line(&sb, &r->v[i]);
		line = sb_steal(&sb);
		result_fail(res, KTSTR_MONITOR, "%s", line);
		free(line);
	}
}

void monreport_finish(const struct monitor_data *d, const struct ktstr_thresholds *th,
		      struct ktstr_result *res, json_t **record, char **text)
{
	struct monchk_limits l = { .sustained = 1 };
	struct monchk_result r;

	if (th)
		monchk_limits_from(th, &l);
	monchk_evaluate(d, &l, &r);
	if (th && res)
		monreport_fail(&r, res);
	*record = monreport_json(d, &r, th != NULL);
	*text = monreport_text(d, &r);
	monchk_result_free(&r);
}

void monreport_metrics(const struct monitor_data *d, struct metric_set *ms)
{
	for (unsigned i = 0; i < d->nprogs; i++) {
		char *name;
		struct metric *m;

		if (!d->progs[i].cnt)
			continue;
		name = xasprintf("bpf.%s.ns_per_call", d->progs[i].name);
		m = metrics_add(ms, name, prog_ns_per_call(&d->progs[i]));
		m->polarity = KTSTR_LOWER_BETTER;
		free(m->unit);
		m->unit = xstrdup("ns");
		free(name);
	}
}
