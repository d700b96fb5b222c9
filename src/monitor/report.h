/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the monitor tells users: the run record's `monitor` object (summary,
 * per-CPU peaks and averages, check outcomes, a per-CPU timeline of the
 * samples) and the `--- monitor ---` section of the failure output.
 * docs/records.md describes the object.
 */
#ifndef KTSTR_MONITOR_REPORT_H
#define KTSTR_MONITOR_REPORT_H

#include <jansson.h>

#include <ktstr/ktstr.h>

#include "monitor/checks.h"
#include "monitor/monitor.h"

struct ktstr_result;
struct metric_set;

#define MONREPORT_TIMELINE_MAX 600 /* samples kept in the record; evenly thinned beyond */

/* The record object. checked: the checks ran (a sched_ext scheduler was under test). */
json_t *monreport_json(const struct monitor_data *d, const struct monchk_result *r, bool checked);
/* The section body (no header line), allocated. */
char *monreport_text(const struct monitor_data *d, const struct monchk_result *r);
/* One KTSTR_MONITOR detail per violation. */
void monreport_fail(const struct monchk_result *r, struct ktstr_result *res);
/*
 * Everything after a VM in one call: evaluate the checks when th is non-NULL
 * (a sched_ext scheduler was under test; merged thresholds), add violations to
 * res when non-NULL, and return the record object and the section text.
 */
void monreport_finish(const struct monitor_data *d, const struct ktstr_thresholds *th,
		      struct ktstr_result *res, json_t **record, char **text);

/*
 * The scheduler's callbacks as metrics (ktstr stats compare shows their
 * deltas): bpf.<callback>.ns_per_call for each that ran, lower better. Under
 * TCG one callback's mean run time moved by -28% to +219% between two runs of
 * the same build, so only a significant change over repeats is a regression.
 */
void monreport_metrics(const struct monitor_data *d, struct metric_set *ms);

#endif
