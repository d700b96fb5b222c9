/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The --trace file: the guest's tracefs text (proto/tracefs.h) and ktstr's
 * own timeline as one Chrome JSON trace ({"traceEvents": [...]}, times in
 * microseconds of the guest's trace clock), which the Perfetto UI and its
 * trace processor open:
 *
 * - process 1 "CPUs": a track per CPU named in an event ("CPU N", tid N)
 *   with a slice per task run from sched_switch ("comm pid", args pid and
 *   end_state), instants for wakeups ("wakeup comm" on the target CPU),
 *   migrations ("migrate comm" on the destination) and every other event
 *   (sched_ext ones: its name, args text);
 * - process 2 "ktstr": track 1 "steps" with a slice per scenario step (the
 *   marks "step i/n", each to the next or to the body's end), track 2
 *   "marks" with every init stage and body mark as an instant, counter
 *   tracks from the host's monitor samples (nr_running, local_dsq per CPU,
 *   imbalance = max - min nr_running), placed on the trace clock through the
 *   "body" mark both sides saw, and the failure as a global instant (at the
 *   first sched_ext_exit or sched_ext_dump event if there is one, else at the
 *   body's end).
 *
 * What the guest lost (ring buffer overruns, text cut) and the lines that
 * did not parse are in "metadata" and in the stats for the run record.
 */
#ifndef KTSTR_TRACEJSON_H
#define KTSTR_TRACEJSON_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

#include "monitor/monitor.h"
#include "proto/tracefs.h"

#define TRACEJSON_SUFFIX ".trace.json"

struct tracejson_in {
	const char *text;                 /* the guest's TRACEFS_FILE payload */
	size_t len;
	const struct monitor_data *mon;   /* NULL: no counters, no alignment */
	const char *failure;              /* why the test failed (expected or not); NULL: it
					   * did not */
};

struct tracejson_stats {
	unsigned long events;     /* parsed event lines */
	unsigned long bad_lines;  /* lines that were no event and no comment */
	unsigned long slices;     /* task run slices written */
	unsigned cpus;            /* CPU tracks */
	unsigned steps;           /* step slices */
	unsigned counters;        /* monitor samples written as counters */
	struct tracefs_loss loss;
};

/* The trace document (caller frees) and what went into it. */
char *tracejson_build(const struct tracejson_in *in, struct tracejson_stats *st);
/* The run record's "trace" object: file (its name, next to the record) and
 * the stats. */
json_t *tracejson_record(const char *file, const struct tracejson_stats *st);

#endif
