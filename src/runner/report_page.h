/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The report page (`ktstr report`): one self-contained HTML file of run
 * records and, optionally, the comparison of two sides.
 *
 * Per record: the verdict and every failure detail, each worker's CPU share
 * (result.workers) as bars, and the monitor timeline (per-CPU nr_running, local
 * DSQ depth, and the imbalance max/min of nr_running over CPUs per sample) with
 * the phase marks (stages, scenario steps, marks) as charts. A comparison adds,
 * per paired test, the relative change of every metric's median with its 95%
 * interval, drawn against the metric's relative gate, and the table behind it.
 *
 * Charts are SVG written here; the page has no script, and a Content Security
 * Policy that allows nothing but its own inline style, so it loads nothing when
 * viewed. Every string from a record is escaped (records are untrusted); every
 * number drawn is clamped finite. Timelines longer than max_points are cut into
 * buckets of equal length, each drawn as its maximum (spikes stay visible), and
 * the page says so under the chart.
 */
#ifndef KTSTR_REPORT_PAGE_H
#define KTSTR_REPORT_PAGE_H

#include <stddef.h>

#include "runner/compare.h"
#include "runner/sidecar.h"

#define REPORT_MAX_POINTS 400 /* default points per timeline series */
#define REPORT_MAX_CPUS 64    /* CPUs drawn per timeline chart */
#define REPORT_MAX_SAMPLES 100000 /* timeline samples read per record */

struct report_run {
	const char *id, *path;
	const struct sidecar_record *recs;
	size_t n;
};

struct report_page_opts {
	const struct report_run *runs;
	size_t nruns;
	const struct compare_report *cmp; /* NULL: no comparison */
	const char *a_name, *b_name;      /* the sides (run ids), with cmp */
	size_t a_records, b_records;
	const char *command;  /* the command line, shown on the page; may be NULL */
	const char *created; /* when, shown; may be NULL */
	size_t max_points;   /* 0 = REPORT_MAX_POINTS */
};
#define REPORT_PAGE_OPTS_DEFAULT { .max_points = REPORT_MAX_POINTS }

/* The page, NUL-terminated (caller frees). */
char *report_page_html(const struct report_page_opts *o);

/* Bucket length for n samples drawn as at most max points: ceil(n / max), >= 1. */
size_t report_bucket_len(size_t n, size_t max);
/* out[b] = the largest non-NaN v in bucket b (v[b*len .. b*len+len-1]), NaN when
 * the bucket has none; returns the number of buckets, ceil(n / len). */
size_t report_bucket_max(const double *v, size_t n, size_t len, double *out);

#endif
