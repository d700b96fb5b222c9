/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's side of --auto-repro probes (proto/probe.h): before the
 * scheduler starts, one fprobe event per ordered function and one trace
 * instance per event, a ring of PROBES_RING_KB per CPU holding the event and
 * the stop functions' events, whose first stop hit turns that instance off
 * (a "traceoff" trigger). After the scheduler stopped, each ring's last
 * PROBE_KEEP hits go to the host as one text.
 */
#ifndef KTSTR_GUEST_PROBES_H
#define KTSTR_GUEST_PROBES_H

#define PROBES_RING_KB 32

/*
 * Define and enable the probes on fns (NULL-terminated) under tracefs root.
 * A function that cannot be probed is skipped. Returns the notes for the
 * host ("# ..." lines: what was set, what was skipped and why); caller frees.
 */
char *probes_setup(const char *tracefs, char *const *fns);
/* The notes, then each function's last PROBE_KEEP trace lines; caller frees. */
char *probes_collect(const char *tracefs, char *const *fns, const char *notes);

#endif
