// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runner/report_page.h"
#include "util/html.h"
#include "util/util.h"

#define CHART_W 900.0
#define CHART_H 200.0
#define PAD_L 56.0
#define PAD_R 30.0
#define PAD_T 34.0 /* room for the phase labels */
#define PAD_B 28.0
#define MAX_MARKS 32
#define DUMP_MAX (64u << 10) /* bytes of a sched_ext dump shown */
#define MSG_MAX (16u << 10)  /* bytes of one detail shown */
#define DELTA_CLIP 200.0     /* percent: the delta chart's widest axis */

static const char *const palette[] = {
	"#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd",
	"#8c564b", "#e377c2", "#7f7f7f", "#bcbd22", "#17becf",
};

static const char style[] =
	"body{font:14px/1.4 system-ui,sans-serif;margin:1.5em;color:#222;max-width:1100px}"
	"h1{font-size:1.5em}h2{font-size:1.25em;border-bottom:1px solid #ccc;margin-top:2em}"
	"h3{font-size:1.05em;margin:1.5em 0 .3em}"
	"table{border-collapse:collapse;margin:.4em 0}"
	"td,th{border:1px solid #ddd;padding:2px 6px;text-align:left;vertical-align:top}"
	"td.n{text-align:right;font-variant-numeric:tabular-nums}"
	".pass{color:#1a7f37}.fail,.regression{color:#c0392b;font-weight:bold}"
	".skip,.interrupted{color:#9a6700}.improvement{color:#1a7f37}.changed{color:#b35900}"
	".noise{color:#777}.muted{color:#666;font-size:.9em}"
	"pre{background:#f6f8fa;padding:.5em;overflow-x:auto;white-space:pre-wrap;font-size:12px}"
	"ul.details li{margin:.2em 0;white-space:pre-wrap}"
	"svg.chart{display:block;margin:.3em 0;background:#fff}"
	"svg text{font:10px system-ui,sans-serif;fill:#333}"
	".legend span{display:inline-block;margin-right:1em;font-size:.9em}"
	".legend i{display:inline-block;width:12px;height:3px;margin-right:4px;"
	"vertical-align:middle}"
	"section.rec{border-left:3px solid #ddd;padding-left:1em;margin:1em 0}"
	"section.rec.fail{border-left-color:#c0392b;font-weight:normal;color:inherit}";

static void esc(struct strbuf *sb, const char *s)
{
	html_escape(sb, s, 0);
}

/* ---- bounded numbers from untrusted JSON ---- */

static double jnum(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);
	double d = json_is_number(v) ? json_number_value(v) : NAN;

	return isfinite(d) ? d : NAN;
}

static double arr_num(const json_t *a, size_t i)
{
	const json_t *v = json_array_get(a, i);
	double d = json_is_number(v) ? json_number_value(v) : NAN;

	return isfinite(d) ? d : NAN;
}

size_t report_bucket_len(size_t n, size_t max)
{
	if (!max || n <= max)
		return 1;
	return (n + max - 1) / max;
}

size_t report_bucket_max(const double *v, size_t n, size_t len, double *out)
{
	size_t nb = 0;

	if (!len)
		len = 1;
	for (size_t s = 0; s < n; s += len, nb++) {
		double m = NAN;

		for (size_t i = s; i < n && i < s + len; i++)
			if (!isnan(v[i]) && (isnan(m) || v[i] > m))
				m = v[i];
		out[nb] = m;
	}
	return nb;
}

/* A round axis top at or above v (1, 2, 5 x 10^k), at least 1. */
static double nice_top(double v)
{
	double p;

	if (!(v > 1))
		return 1;
	p = pow(10, floor(log10(v)));
	if (v <= p)
		return p;
	if (v <= 2 * p && isfinite(2 * p))
		return 2 * p;
	if (v <= 5 * p && isfinite(5 * p))
		return 5 * p;
	return isfinite(10 * p) ? 10 * p : v;
}

/* "%.4g" of v, or "-" when it is unknown. */
static void text_num(struct strbuf *sb, double v)
{
	if (isfinite(v))
		sb_printf(sb, "%.4g", v);
	else
		sb_append(sb, "-");
}

/* ---- line charts ---- */

struct series {
	char label[32];
	double *y; /* m values, NaN = no sample */
};

struct mark {
	const char *label;
	double t_s;
};

struct line_chart {
	const char *kind;  /* data-kind, the metric */
	const char *title; /* shown above */
	const double *x;   /* m times, seconds */
	size_t m;
	const struct series *s;
	size_t ns;
	const struct mark *marks;
	size_t nmarks;
};

static double sx(double x0, double x1, double x)
{
	return PAD_L + (x - x0) / (x1 > x0 ? x1 - x0 : 1) * (CHART_W - PAD_L - PAD_R);
}

static double sy(double top, double y)
{
	return PAD_T + (1 - y / top) * (CHART_H - PAD_T - PAD_B);
}

static void line_chart(struct strbuf *sb, const struct line_chart *c)
{
	double x0 = c->x[0], x1 = c->x[c->m - 1], span = x1 - x0, top = 0;
	unsigned drawn = 0;

	/* marks shortly before or after the samples widen the axis (by at most its span) */
	for (size_t k = 0; k < c->nmarks; k++) {
		double t = c->marks[k].t_s;

		if (t < x0 && t >= c->x[0] - span)
			x0 = t;
		if (t > x1 && t <= c->x[c->m - 1] + span)
			x1 = t;
	}

	for (size_t k = 0; k < c->ns; k++)
		for (size_t i = 0; i < c->m; i++)
			if (!isnan(c->s[k].y[i]) && c->s[k].y[i] > top)
				top = c->s[k].y[i];
	top = nice_top(top);
	sb_printf(sb, "<div class=\"muted\">");
	esc(sb, c->title);
	sb_printf(sb, "</div>\n<svg class=\"chart\" data-kind=\"%s\" data-points=\"%zu\" "
		      "data-series=\"%zu\" width=\"%.0f\" height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" "
		      "role=\"img\">",
		  c->kind, c->m, c->ns, CHART_W, CHART_H, CHART_W, CHART_H);
	/* axes, grid, ticks */
	for (int i = 0; i <= 4; i++) {
		double v = top / 4 * i, y = sy(top, v); /* top * i may overflow */

		sb_printf(sb, "<line x1=\"%.0f\" x2=\"%.0f\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\"/>",
			  PAD_L, CHART_W - PAD_R, y, y, i ? "#eee" : "#999");
		sb_printf(sb, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">%g</text>", PAD_L - 4,
			  y + 3, v);
	}
	for (int i = 0; i <= 5; i++) {
		double t = x0 + (x1 - x0) * i / 5, x = sx(x0, x1, t);

		sb_printf(sb, "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%.1f s</text>", x,
			  CHART_H - PAD_B + 14, t);
	}
	for (size_t k = 0; k < c->nmarks; k++) {
		double t = c->marks[k].t_s, x;

		if (!(t >= x0 && t <= x1))
			continue;
		x = sx(x0, x1, t);
		sb_printf(sb, "<g class=\"mark\"><title>");
		esc(sb, c->marks[k].label);
		sb_printf(sb, " at %.2f s</title><line x1=\"", t);
		html_coord(sb, x);
		sb_printf(sb, "\" x2=\"");
		html_coord(sb, x);
		sb_printf(sb, "\" y1=\"%.0f\" y2=\"%.0f\" stroke=\"#888\" stroke-dasharray=\"3,3\"/>"
			      "<text x=\"",
			  PAD_T - 2, CHART_H - PAD_B);
		html_coord(sb, x + 2);
		sb_printf(sb, "\" y=\"%.0f\">", 10.0 + (double)(drawn++ % 3) * 10);
		html_escape(sb, c->marks[k].label, 24);
		sb_printf(sb, "</text></g>");
	}
	for (size_t k = 0; k < c->ns; k++) {
		const char *col = palette[k % ARRAY_SIZE(palette)];
		bool open = false;

		sb_printf(sb, "<g class=\"series\" data-series=\"%s\"><title>%s</title>",
			  c->s[k].label, c->s[k].label);
		for (size_t i = 0; i < c->m; i++) {
			double y = c->s[k].y[i];

			if (isnan(y)) {
				if (open)
					sb_printf(sb, "\"/>");
				open = false;
				continue;
			}
			if (!open)
				sb_printf(sb, "<polyline fill=\"none\" stroke=\"%s\" "
					      "stroke-width=\"2\" points=\"",
					  col);
			else
				sb_printf(sb, " ");
			html_coord(sb, sx(x0, x1, c->x[i]));
			sb_printf(sb, ",");
			html_coord(sb, sy(top, y));
			open = true;
		}
		if (open)
			sb_printf(sb, "\"/>");
		sb_printf(sb, "</g>");
	}
	sb_printf(sb, "</svg>\n<div class=\"legend\">");
	for (size_t k = 0; k < c->ns; k++)
		sb_printf(sb, "<span><i style=\"background:%s\"></i>%s</span>",
			  palette[k % ARRAY_SIZE(palette)], c->s[k].label);
	sb_printf(sb, "</div>\n");
}

/* ---- the monitor timeline ---- */

struct timeline {
	size_t n, ncpus, len, m; /* samples, CPUs drawn, bucket length, points */
	size_t cpus_in_record, samples_in_record;
	double *t;               /* m times (s): each bucket's first sample */
	struct series *nr, *dsq; /* ncpus each */
	struct series imb;
};

static void timeline_free(struct timeline *tl)
{
	for (size_t c = 0; c < tl->ncpus; c++) {
		free(tl->nr[c].y);
		free(tl->dsq[c].y);
	}
	free(tl->nr);
	free(tl->dsq);
	free(tl->imb.y);
	free(tl->t);
}

/* Series key of every CPU of the record's timeline, bucketed to max points. */
static bool timeline_read(const json_t *mon, size_t max, struct timeline *tl)
{
	const json_t *tj = json_object_get(json_object_get(mon, "timeline"), "t_ms");
	const json_t *cj = json_object_get(json_object_get(mon, "timeline"), "cpus");
	double *raw, *imb_min, *imb_max, *imb;

	memset(tl, 0, sizeof(*tl));
	if (!json_is_array(tj) || !json_is_array(cj) || json_array_size(tj) < 2 ||
	    !json_array_size(cj))
		return false;
	tl->n = MIN(json_array_size(tj), (size_t)REPORT_MAX_SAMPLES);
	tl->samples_in_record = json_array_size(tj);
	tl->cpus_in_record = json_array_size(cj);
	tl->ncpus = MIN(tl->cpus_in_record, (size_t)REPORT_MAX_CPUS);
	tl->len = report_bucket_len(tl->n, max);
	raw = xcalloc(tl->n, sizeof(*raw));
	imb_min = xcalloc(tl->n, sizeof(*imb_min));
	imb_max = xcalloc(tl->n, sizeof(*imb_max));
	imb = xcalloc(tl->n, sizeof(*imb));
	for (size_t i = 0; i < tl->n; i++) {
		imb_min[i] = imb_max[i] = NAN;
		raw[i] = arr_num(tj, i) / 1000.0;
	}
	tl->t = xcalloc(tl->n / tl->len + 1, sizeof(*tl->t));
	for (size_t b = 0; b * tl->len < tl->n; b++) {
		double t = raw[b * tl->len];

		/* a missing time takes its predecessor's: the x axis never runs back */
		tl->t[b] = isnan(t) || (b && t < tl->t[b - 1]) ? (b ? tl->t[b - 1] : 0) : t;
		tl->m = b + 1;
	}
	tl->nr = xcalloc(tl->ncpus, sizeof(*tl->nr));
	tl->dsq = xcalloc(tl->ncpus, sizeof(*tl->dsq));
	for (size_t c = 0; c < tl->cpus_in_record; c++) {
		const json_t *cpu = json_array_get(cj, c);
		const json_t *nr = json_object_get(cpu, "nr_running");
		const json_t *dsq = json_object_get(cpu, "local_dsq");

		for (size_t i = 0; i < tl->n; i++) {
			double v = arr_num(nr, i);

			raw[i] = v;
			if (isnan(v))
				continue;
			imb_min[i] = isnan(imb_min[i]) ? v : MIN(imb_min[i], v);
			imb_max[i] = isnan(imb_max[i]) ? v : MAX(imb_max[i], v);
		}
		if (c >= tl->ncpus)
			continue;
		snprintf(tl->nr[c].label, sizeof(tl->nr[c].label), "cpu%zu", c);
		memcpy(tl->dsq[c].label, tl->nr[c].label, sizeof(tl->dsq[c].label));
		tl->nr[c].y = xcalloc(tl->m, sizeof(double));
		tl->dsq[c].y = xcalloc(tl->m, sizeof(double));
		report_bucket_max(raw, tl->n, tl->len, tl->nr[c].y);
		for (size_t i = 0; i < tl->n; i++)
			raw[i] = arr_num(dsq, i);
		report_bucket_max(raw, tl->n, tl->len, tl->dsq[c].y);
	}
	for (size_t i = 0; i < tl->n; i++)
		imb[i] = isnan(imb_max[i]) ? NAN : imb_max[i] / MAX(1.0, imb_min[i]);
	snprintf(tl->imb.label, sizeof(tl->imb.label), "imbalance");
	tl->imb.y = xcalloc(tl->m, sizeof(double));
	report_bucket_max(imb, tl->n, tl->len, tl->imb.y);
	free(raw);
	free(imb_min);
	free(imb_max);
	free(imb);
	return true;
}

#define REPRO_HITS_SHOWN 400

/* The record's auto_repro (runner/repro.h): the rerun's outcome, then every
 * hit as on the terminal, in the order kept. */
static void auto_repro_section(struct strbuf *sb, const json_t *ar)
{
	const json_t *hits = json_object_get(ar, "hits"), *h;
	size_t i;

	if (!json_is_object(ar))
		return;
	sb_printf(sb, "<details><summary>auto-repro: ");
	html_escape(sb, json_string_value(json_object_get(ar, "outcome")), MSG_MAX);
	sb_printf(sb, "</summary><pre>");
	json_array_foreach(hits, i, h) {
		double rel = jnum(h, "rel_ns") / 1e6, cpu = jnum(h, "cpu");

		if (i == REPRO_HITS_SHOWN) {
			sb_printf(sb, "&hellip; (%zu hits in all)\n", json_array_size(hits));
			break;
		}
		html_escape(sb, json_string_value(json_object_get(h, "func")), MSG_MAX);
		sb_printf(sb, " %+.3f ms cpu %.0f ", isnan(rel) ? 0.0 : rel, isnan(cpu) ? -1.0 : cpu);
		html_escape(sb, json_string_value(json_object_get(h, "task")), MSG_MAX);
		sb_printf(sb, " ");
		html_escape(sb, json_string_value(json_object_get(h, "args")), MSG_MAX);
		sb_printf(sb, "\n");
	}
	sb_printf(sb, "</pre></details>\n");
}

static void monitor_section(struct strbuf *sb, const json_t *mon, size_t max)
{
	const json_t *phases = json_object_get(mon, "phases"), *viol, *v;
	struct mark marks[MAX_MARKS];
	struct timeline tl;
	size_t nmarks = 0, i;

	if (!json_is_object(mon)) {
		sb_printf(sb, "<p class=\"muted\">no monitor data in this record</p>\n");
		return;
	}
	if (json_is_string(json_object_get(mon, "error"))) {
		sb_printf(sb, "<p class=\"muted\">monitor: ");
		esc(sb, json_string_value(json_object_get(mon, "error")));
		sb_printf(sb, "</p>\n");
	}
	sb_printf(sb, "<p>monitor: checks ");
	esc(sb, json_string_value(json_object_get(mon, "checks")));
	sb_printf(sb, "; imbalance avg ");
	text_num(sb, jnum(json_object_get(mon, "imbalance"), "avg"));
	sb_printf(sb, " max ");
	text_num(sb, jnum(json_object_get(mon, "imbalance"), "max"));
	sb_printf(sb, "; deepest local DSQ ");
	text_num(sb, jnum(json_object_get(mon, "local_dsq_max"), "depth"));
	sb_printf(sb, "; samples ");
	text_num(sb, jnum(mon, "samples"));
	sb_printf(sb, "</p>\n");
	viol = json_object_get(mon, "violations");
	if (json_is_array(viol) && json_array_size(viol)) {
		sb_printf(sb, "<ul class=\"details\">");
		json_array_foreach(viol, i, v) {
			sb_printf(sb, "<li class=\"fail\">");
			esc(sb, json_string_value(json_object_get(v, "check")));
			if (json_is_integer(json_object_get(v, "cpu"))) {
				sb_printf(sb, " cpu ");
				text_num(sb, jnum(v, "cpu"));
			}
			sb_printf(sb, " at ");
			text_num(sb, jnum(v, "t_ms") / 1000.0);
			sb_printf(sb, " s: ");
			html_escape(sb, json_string_value(json_object_get(v, "msg")), MSG_MAX);
			sb_printf(sb, "</li>");
		}
		sb_printf(sb, "</ul>\n");
	}
	if (json_is_array(phases))
		json_array_foreach(phases, i, v) {
			const char *st = json_string_value(json_object_get(v, "stage"));
			double t = jnum(v, "t_ms");

			if (nmarks < MAX_MARKS && st && !isnan(t))
				marks[nmarks++] = (struct mark){ st, t / 1000.0 };
		}
	if (!timeline_read(mon, max, &tl)) {
		sb_printf(sb, "<p class=\"muted\">no monitor timeline in this record</p>\n");
		return;
	}
	{
		struct line_chart c = { .x = tl.t, .m = tl.m, .marks = marks, .nmarks = nmarks };

		c.kind = "nr_running";
		c.title = "nr_running per CPU (runnable tasks on the runqueue)";
		c.s = tl.nr;
		c.ns = tl.ncpus;
		line_chart(sb, &c);
		c.kind = "local_dsq";
		c.title = "local DSQ depth per CPU (sched_ext)";
		c.s = tl.dsq;
		line_chart(sb, &c);
		c.kind = "imbalance";
		c.title = "imbalance: max / max(1, min) of nr_running over CPUs";
		c.s = &tl.imb;
		c.ns = 1;
		line_chart(sb, &c);
	}
	if (tl.len > 1)
		sb_printf(sb, "<p class=\"muted\">downsampled: %zu samples drawn as %zu points, "
			      "each the maximum of %zu samples</p>\n",
			  tl.n, tl.m, tl.len);
	if (tl.samples_in_record > tl.n)
		sb_printf(sb, "<p class=\"muted\">the first %zu of %zu samples drawn</p>\n", tl.n,
			  tl.samples_in_record);
	if (tl.cpus_in_record > tl.ncpus)
		sb_printf(sb, "<p class=\"muted\">the first %zu of %zu CPUs drawn</p>\n", tl.ncpus,
			  tl.cpus_in_record);
	timeline_free(&tl);
}

/* ---- workers ---- */

static double clamp_pct(double v)
{
	return isfinite(v) ? (v < 0 ? 0 : v > 100 ? 100 : v) : 0;
}

static void worker_bars(struct strbuf *sb, const struct ktstr_result *r)
{
	const double row = 16, lab = 200, w = CHART_W - lab - 60;
	double h = row * r->nworkers + 24;

	if (!r->nworkers) {
		sb_printf(sb, "<p class=\"muted\">no per-worker data in this record</p>\n");
		return;
	}
	sb_printf(sb, "<div class=\"muted\">CPU share per worker: on CPU (blue) and runnable "
		      "but waiting (orange), percent of its run</div>\n"
		      "<svg class=\"chart\" data-kind=\"workers\" data-points=\"%u\" width=\"%.0f\" "
		      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
		  r->nworkers, CHART_W, h, CHART_W, h);
	for (int p = 0; p <= 100; p += 25) {
		double x = lab + w * p / 100;

		sb_printf(sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%.0f\" stroke=\"#eee\"/>"
			      "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%d%%</text>",
			  x, x, h - 18, x, h - 6, p);
	}
	for (unsigned i = 0; i < r->nworkers; i++) {
		const struct ktstr_worker_share *k = &r->workers[i];
		double y = row * i, on = clamp_pct(k->cpu_pct), wait = clamp_pct(k->wait_pct);

		sb_printf(sb, "<g class=\"worker\"><title>");
		esc(sb, *k->cgroup ? k->cgroup : "(no cgroup)");
		sb_printf(sb, " pid %d: on CPU ", k->pid);
		text_num(sb, k->cpu_pct);
		sb_printf(sb, "%%, waiting ");
		text_num(sb, k->wait_pct);
		sb_printf(sb, "%%, work units ");
		text_num(sb, k->work_units);
		sb_printf(sb, ", migrations ");
		text_num(sb, k->migrations);
		sb_printf(sb, "</title>");
		sb_printf(sb, "<text x=\"%.0f\" y=\"%.1f\" text-anchor=\"end\">", lab - 6, y + 12);
		html_escape(sb, *k->cgroup ? k->cgroup : "(no cgroup)", 24);
		sb_printf(sb, " pid %d</text>", k->pid);
		sb_printf(sb, "<rect x=\"%.0f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
			      "fill=\"#1f77b4\"/>",
			  lab, y + 2, w * on / 100, row - 4);
		sb_printf(sb, "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.0f\" "
			      "fill=\"#ff7f0e\"/>",
			  lab + w * on / 100, y + 2, w * MIN(wait, 100 - on) / 100, row - 4);
		sb_printf(sb, "<text x=\"%.1f\" y=\"%.1f\">%.1f%%</text></g>",
			  lab + w * MIN(100, on + wait) / 100 + 4, y + 12, on);
	}
	sb_printf(sb, "</svg>\n");
}

/* ---- one record ---- */

static const char *verdict_class(const struct sidecar_record *r)
{
	return r->flaky ? "pass" : verdict_name(r->result.verdict);
}

static void record_title(struct strbuf *sb, const struct sidecar_record *r)
{
	/* the config: the variant less the topology and scheduler shown beside it */
	const char *config = r->config ? r->config : r->variant;

	esc(sb, r->test ? r->test : "?");
	if (config && strcmp(config, "default")) {
		sb_printf(sb, " [");
		esc(sb, config);
		sb_printf(sb, "]");
	}
	if (r->repeats > 1)
		sb_printf(sb, " #%u/%u", r->repeat, r->repeats);
}

static void stats_table(struct strbuf *sb, const struct ktstr_result *r)
{
	char num[STR_DOUBLE_LEN];

	if (!r->nstats)
		return;
	sb_printf(sb, "<details><summary>%u statistics</summary><table>", r->nstats);
	for (unsigned i = 0; i < r->nstats; i++) {
		sb_printf(sb, "<tr><td>");
		esc(sb, r->stats[i].name);
		sb_printf(sb, "</td><td class=\"n\">%s</td></tr>",
			  str_fmt_double(num, r->stats[i].value));
	}
	sb_printf(sb, "</table></details>\n");
}

static void record_section(struct strbuf *sb, const struct sidecar_record *r, size_t run,
			   size_t idx, size_t max)
{
	const char *vc = verdict_class(r);

	sb_printf(sb, "<section class=\"rec %s\" id=\"r%zu-%zu\"><h3>", vc, run, idx);
	record_title(sb, r);
	sb_printf(sb, " &mdash; <span class=\"%s\">%s</span></h3>\n<p class=\"muted\">", vc,
		  r->flaky ? "flaky" : verdict_name(r->result.verdict));
	sb_printf(sb, "topology ");
	esc(sb, r->topology ? r->topology : "-");
	sb_printf(sb, ", scheduler ");
	esc(sb, r->scheduler ? r->scheduler : "-");
	for (size_t i = 0; r->scheduler_args && r->scheduler_args[i]; i++) {
		sb_printf(sb, " ");
		esc(sb, r->scheduler_args[i]);
	}
	sb_printf(sb, ", kernel ");
	esc(sb, r->kernel_version ? r->kernel_version : "-");
	if (r->wall_s >= 0)
		sb_printf(sb, ", %.1f s", r->wall_s);
	if (r->timed_out)
		sb_printf(sb, ", <span class=\"fail\">timed out</span>");
	sb_printf(sb, "</p>\n");
	if (r->result.skip_reason) {
		sb_printf(sb, "<p>skipped: ");
		esc(sb, r->result.skip_reason);
		sb_printf(sb, "</p>\n");
	}
	if (r->result.ndetails) {
		sb_printf(sb, "<ul class=\"details\">");
		for (unsigned i = 0; i < r->result.ndetails; i++) {
			sb_printf(sb, "<li><b>%s</b>: ", fail_kind_name(r->result.details[i].kind));
			if (html_escape(sb, r->result.details[i].msg, MSG_MAX))
				sb_printf(sb, " &hellip; (cut)");
			sb_printf(sb, "</li>");
		}
		sb_printf(sb, "</ul>\n");
	}
	if (r->panic_line) {
		sb_printf(sb, "<p class=\"fail\">kernel: ");
		esc(sb, r->panic_line);
		sb_printf(sb, "</p>\n");
	}
	if (r->sched_ext_dump) {
		sb_printf(sb, "<details><summary>sched_ext dump</summary><pre>");
		if (html_escape(sb, r->sched_ext_dump, DUMP_MAX))
			sb_printf(sb, "\n&hellip; (cut at %u KiB)", DUMP_MAX >> 10);
		sb_printf(sb, "</pre></details>\n");
	}
	auto_repro_section(sb, r->auto_repro);
	worker_bars(sb, &r->result);
	monitor_section(sb, r->monitor, max);
	stats_table(sb, &r->result);
	sb_printf(sb, "</section>\n");
}

/* ---- the comparison ---- */

static const char *change_class(const struct compare_delta *d)
{
	if (d->change == CMP_SAME)
		return d->past_gates && !d->significant ? "noise" : "same";
	return compare_change_name(d->change);
}

static const char *change_color(const struct compare_delta *d)
{
	switch (d->change) {
	case CMP_REGRESSION:
		return "#c0392b";
	case CMP_IMPROVEMENT:
		return "#1a7f37";
	case CMP_CHANGED:
		return "#b35900";
	default:
		return "#888";
	}
}

/* A delta is drawn relative to median A: needs A != 0 and finite numbers. */
static bool drawable(const struct compare_delta *d)
{
	return d->change < CMP_ONLY_A && isfinite(d->rel) && d->a != 0;
}

static double dx(double span, double pct)
{
	const double lab = 300, w = CHART_W - lab - 20;

	pct = pct < -span ? -span : pct > span ? span : pct;
	return lab + (pct + span) / (2 * span) * w;
}

static void delta_chart(struct strbuf *sb, const struct compare_test *t)
{
	const double row = 18;
	double span = 10, h;
	unsigned n = 0, k = 0;

	for (unsigned i = 0; i < t->ndeltas; i++) {
		const struct compare_delta *d = &t->deltas[i];
		double a = fabs(d->a) / 100;

		if (!drawable(d))
			continue;
		n++;
		span = MAX(span, fabs(d->rel) * 100);
		span = MAX(span, d->rel_gate * 100);
		if (d->method == CMP_METHOD_HL && isfinite(d->lo))
			span = MAX(span, fabs(d->lo / a));
		if (d->method == CMP_METHOD_HL && isfinite(d->hi))
			span = MAX(span, fabs(d->hi / a));
	}
	if (!n)
		return;
	span = MIN(nice_top(span * 1.05), DELTA_CLIP);
	h = row * n + 30;
	sb_printf(sb, "<div class=\"muted\">change of the median, percent of A: the dot is the "
		      "change, the line its 95%% interval, the grey band the relative gate "
		      "(axis cut at &plusmn;%g%%: a change beyond is written beside its dot)</div>\n"
		      "<svg class=\"chart\" data-kind=\"deltas\" data-points=\"%u\" width=\"%.0f\" "
		      "height=\"%.0f\" viewBox=\"0 0 %.0f %.0f\" role=\"img\">",
		  span, n, CHART_W, h, CHART_W, h);
	for (int i = -2; i <= 2; i++) {
		double x = dx(span, span * i / 2);

		sb_printf(sb, "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"0\" y2=\"%.0f\" stroke=\"%s\"/>"
			      "<text x=\"%.1f\" y=\"%.0f\" text-anchor=\"middle\">%+g%%</text>",
			  x, x, h - 22, i ? "#eee" : "#999", x, h - 8, span * i / 2);
	}
	for (unsigned i = 0; i < t->ndeltas; i++) {
		const struct compare_delta *d = &t->deltas[i];
		double y = row * k + row / 2, a = fabs(d->a) / 100, lo, hi;
		const char *col = change_color(d);

		if (!drawable(d))
			continue;
		k++;
		sb_printf(sb, "<g class=\"delta %s\" data-metric=\"", change_class(d));
		esc(sb, d->metric);
		sb_printf(sb, "\"><title>");
		esc(sb, d->metric);
		sb_printf(sb, ": %+.2f%%", d->rel * 100);
		if (d->method == CMP_METHOD_HL)
			sb_printf(sb, ", 95%% interval [%.4g, %.4g] (%+.2f%%, %+.2f%%)", d->lo, d->hi,
				  d->lo / a, d->hi / a);
		sb_printf(sb, " &mdash; %s</title>", change_class(d));
		sb_printf(sb, "<text x=\"294\" y=\"%.1f\" text-anchor=\"end\">", y + 3);
		html_escape(sb, d->metric, 48);
		sb_printf(sb, "</text><rect x=\"");
		html_coord(sb, dx(span, -d->rel_gate * 100));
		sb_printf(sb, "\" y=\"%.1f\" width=\"", y - row / 2 + 2);
		html_coord(sb, dx(span, d->rel_gate * 100) - dx(span, -d->rel_gate * 100));
		sb_printf(sb, "\" height=\"%.0f\" fill=\"#f0f0f0\"/>", row - 4);
		if (d->method == CMP_METHOD_HL) {
			lo = isfinite(d->lo) ? d->lo / a : -span;
			hi = isfinite(d->hi) ? d->hi / a : span;
			sb_printf(sb, "<line class=\"ci\" x1=\"");
			html_coord(sb, dx(span, lo));
			sb_printf(sb, "\" x2=\"");
			html_coord(sb, dx(span, hi));
			sb_printf(sb, "\" y1=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>", y,
				  y, col);
		}
		sb_printf(sb, "<circle cx=\"");
		html_coord(sb, dx(span, d->rel * 100));
		sb_printf(sb, "\" cy=\"%.1f\" r=\"4\" fill=\"%s\"/>", y, col);
		if (fabs(d->rel * 100) > span) /* off the axis: the dot sits at its end */
			sb_printf(sb, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\">%+.4g%%</text>",
				  dx(span, d->rel > 0 ? span : -span) + (d->rel > 0 ? -8 : 8), y - 4,
				  d->rel > 0 ? "end" : "start", d->rel * 100);
		sb_printf(sb, "</g>");
	}
	sb_printf(sb, "</svg>\n");
}

static void dist_cell(struct strbuf *sb, const struct compare_dist *d)
{
	char m[STR_DOUBLE_LEN];

	sb_printf(sb, "<td class=\"n\">%s", str_fmt_double(m, d->median));
	if (d->n > 1)
		sb_printf(sb, " <span class=\"muted\">(iqr %.3g, n %u)</span>", d->q3 - d->q1, d->n);
	sb_printf(sb, "</td>");
}

static void delta_table(struct strbuf *sb, const struct compare_test *t)
{
	unsigned undrawn = 0;

	sb_printf(sb, "<details><summary>%u metrics</summary><table><tr><th>metric</th>"
		      "<th>median A</th><th>median B</th><th>change</th><th>95%% interval</th>"
		      "<th>judged</th></tr>",
		  t->ndeltas);
	for (unsigned i = 0; i < t->ndeltas; i++) {
		const struct compare_delta *d = &t->deltas[i];

		undrawn += d->change < CMP_ONLY_A && !drawable(d);
		sb_printf(sb, "<tr><td>");
		esc(sb, d->metric);
		sb_printf(sb, "</td>");
		if (d->change == CMP_ONLY_A || d->change == CMP_ONLY_B) {
			sb_printf(sb, "<td colspan=\"5\">only in %s</td></tr>",
				  d->change == CMP_ONLY_A ? "A" : "B");
			continue;
		}
		dist_cell(sb, &d->sa);
		dist_cell(sb, &d->sb);
		sb_printf(sb, "<td class=\"n\">%+.6g", d->delta);
		if (isfinite(d->rel))
			sb_printf(sb, " (%+.1f%%)", d->rel * 100);
		sb_printf(sb, "</td><td class=\"n\">");
		if (d->method == CMP_METHOD_HL)
			sb_printf(sb, "[%.4g, %.4g]", d->lo, d->hi);
		else
			sb_printf(sb, "(1 sample: gates only)");
		sb_printf(sb, "</td><td class=\"%s\">%s</td></tr>", change_class(d),
			  d->change == CMP_SAME && !(d->past_gates && !d->significant) ?
				  "" :
				  change_class(d));
	}
	sb_printf(sb, "</table>");
	if (undrawn)
		sb_printf(sb, "<p class=\"muted\">%u metric(s) with median A = 0 are in the table "
			      "only (no relative change)</p>",
			  undrawn);
	sb_printf(sb, "</details>\n");
}

static void comparison_section(struct strbuf *sb, const struct report_page_opts *o)
{
	const struct compare_report *rep = o->cmp;

	sb_printf(sb, "<h2 id=\"comparison\">Comparison</h2>\n<p>A: ");
	esc(sb, o->a_name);
	sb_printf(sb, " (%zu records)<br>B: ", o->a_records);
	esc(sb, o->b_name);
	sb_printf(sb, " (%zu records)<br>pairing on ", o->b_records);
	esc(sb, rep->pairing);
	if (rep->differing) {
		sb_printf(sb, "; differing: <b>");
		esc(sb, rep->differing);
		sb_printf(sb, "</b>");
	}
	sb_printf(sb, "</p>\n<p class=\"%s\">%u regression(s) (%u metric, %u pass&rarr;fail), "
		      "%u improvement(s); %u test(s) paired, %u only in A, %u only in B</p>\n",
		  compare_has_regression(rep) ? "regression" : "pass",
		  rep->regressions + rep->verdict_regressions, rep->regressions,
		  rep->verdict_regressions, rep->improvements + rep->verdict_improvements,
		  rep->paired, rep->only_a, rep->only_b);
	for (size_t i = 0; i < rep->ntests; i++) {
		const struct compare_test *t = &rep->tests[i];

		if (!t->in_a || !t->in_b)
			continue;
		sb_printf(sb, "<h3>");
		esc(sb, t->label);
		sb_printf(sb, ": <span class=\"%s\">%s</span>", verdict_name(t->va),
			  verdict_name(t->va));
		if (t->na > 1)
			sb_printf(sb, " (%u/%u failed)", t->fail_a, t->na);
		sb_printf(sb, " &rarr; <span class=\"%s\">%s</span>", verdict_name(t->vb),
			  verdict_name(t->vb));
		if (t->nb > 1)
			sb_printf(sb, " (%u/%u failed)", t->fail_b, t->nb);
		if (t->verdict_change == CMP_REGRESSION)
			sb_printf(sb, " <span class=\"regression\">REGRESSION</span>");
		else if (t->verdict_change == CMP_IMPROVEMENT)
			sb_printf(sb, " <span class=\"improvement\">fixed</span>");
		sb_printf(sb, "</h3>\n");
		if ((t->va == KTSTR_PASS) != (t->vb == KTSTR_PASS)) {
			sb_printf(sb, "<p class=\"muted\">metrics are compared only when the test "
				      "passed on both sides</p>\n");
			continue;
		}
		delta_chart(sb, t);
		if (t->ndeltas)
			delta_table(sb, t);
	}
	for (int side = 0; side < 2; side++) {
		bool any = false;

		for (size_t i = 0; i < rep->ntests; i++) {
			const struct compare_test *t = &rep->tests[i];

			if ((t->in_a && t->in_b) || (side == 0) != t->in_a)
				continue;
			sb_printf(sb, "%s", any ? ", " : side ? "<p>only in B: " : "<p>only in A: ");
			esc(sb, t->label);
			any = true;
		}
		if (any)
			sb_printf(sb, "</p>\n");
	}
	sb_printf(sb, "<p class=\"muted\">Per metric: the median of each side's samples from "
		      "passing records; the change is median B &minus; median A. The interval is the "
		      "95%% Hodges-Lehmann interval of the shift (Mann-Whitney U); a change is judged "
		      "only when the interval excludes 0 and the change crosses the metric's "
		      "absolute and relative gates. With one sample on a side the gates alone "
		      "decide (no interval). Metrics without polarity are shown, never "
		      "judged.</p>\n");
}

/* ---- the page ---- */

static void run_summary(struct strbuf *sb, const struct report_page_opts *o)
{
	sb_printf(sb, "<table><tr><th>run</th><th>test</th><th>verdict</th><th>topology</th>"
		      "<th>scheduler</th><th>details</th></tr>\n");
	for (size_t r = 0; r < o->nruns; r++)
		for (size_t i = 0; i < o->runs[r].n; i++) {
			const struct sidecar_record *rec = &o->runs[r].recs[i];

			sb_printf(sb, "<tr><td>");
			esc(sb, o->runs[r].id);
			sb_printf(sb, "</td><td><a href=\"#r%zu-%zu\">", r, i);
			record_title(sb, rec);
			sb_printf(sb, "</a></td><td class=\"%s\">%s</td><td>", verdict_class(rec),
				  rec->flaky ? "flaky" : verdict_name(rec->result.verdict));
			esc(sb, rec->topology ? rec->topology : "-");
			sb_printf(sb, "</td><td>");
			esc(sb, rec->scheduler ? rec->scheduler : "-");
			sb_printf(sb, "</td><td class=\"n\">%u</td></tr>\n", rec->result.ndetails);
		}
	sb_printf(sb, "</table>\n");
}

char *report_page_html(const struct report_page_opts *o)
{
	struct strbuf sb = { 0 };
	size_t max = o->max_points ? o->max_points : REPORT_MAX_POINTS;

	sb_printf(&sb, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\n"
		       "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
		       "style-src 'unsafe-inline'\">\n"
		       "<title>ktstr report</title>\n<style>%s</style></head><body>\n"
		       "<h1>ktstr report</h1>\n<p class=\"muted\">",
		  style);
	if (o->command) {
		sb_printf(&sb, "<code>");
		esc(&sb, o->command);
		sb_printf(&sb, "</code> ");
	}
	if (o->created) {
		sb_printf(&sb, "at ");
		esc(&sb, o->created);
	}
	sb_printf(&sb, "</p>\n");
	if (o->cmp)
		sb_printf(&sb, "<p><a href=\"#comparison\">comparison</a></p>\n");
	run_summary(&sb, o);
	if (o->cmp)
		comparison_section(&sb, o);
	for (size_t r = 0; r < o->nruns; r++) {
		sb_printf(&sb, "<h2>run ");
		esc(&sb, o->runs[r].id);
		sb_printf(&sb, "</h2>\n<p class=\"muted\">");
		esc(&sb, o->runs[r].path);
		sb_printf(&sb, ", %zu record(s)</p>\n", o->runs[r].n);
		for (size_t i = 0; i < o->runs[r].n; i++)
			record_section(&sb, &o->runs[r].recs[i], r, i, max);
	}
	sb_printf(&sb, "</body></html>\n");
	return sb_steal(&sb);
}
