/* SPDX-License-Identifier: GPL-2.0-only */
/* Timestamps, run ids and human durations. All times are UTC. */
#ifndef KTSTR_TIMEFMT_H
#define KTSTR_TIMEFMT_H

#include <stddef.h>
#include <stdint.h>

#define TIMEFMT_ISO_LEN 21     /* "2026-11-27T01:30:00Z" + NUL */
#define TIMEFMT_COMPACT_LEN 17 /* "20261127T013000Z" + NUL */

/* "2026-11-27T01:30:00Z" for a CLOCK_REALTIME time in ns; returns buf. */
char *timefmt_iso8601(uint64_t real_ns, char *buf, size_t len);
/* "20261127T013000Z"; returns buf. */
char *timefmt_compact(uint64_t real_ns, char *buf, size_t len);

/*
 * The id of this run: "20261127T013000Z-4242" (UTC start time and pid).
 * Fixed for the life of the process. If env KTSTR_RUN_ID holds a valid run id
 * (a parent exported it with timefmt_export_run_id), that one is used, so
 * every process of one suite run writes into the same run directory.
 */
const char *timefmt_run_id(void);
/* setenv KTSTR_RUN_ID for child processes. */
void timefmt_export_run_id(void);
/* Whether s has the run id shape "YYYYMMDDTHHMMSSZ-<1..16 [0-9a-z]>". */
int timefmt_is_run_id(const char *s);

/* "0.4s", "3.2s", "59.9s", "1m05s", "1h02m"; negative or NaN -> "?"; returns buf. */
char *timefmt_duration(double seconds, char *buf, size_t len);

#endif
