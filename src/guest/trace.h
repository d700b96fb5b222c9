/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --trace in the guest: the scheduler's activity through tracefs for the
 * test body's duration, in a trace instance of ktstr's own with a bounded
 * per-CPU ring buffer: sched_switch, sched_wakeup, sched_wakeup_new,
 * sched_migrate_task and every sched_ext tracepoint the kernel has. Init
 * stages and the body's marks go into it as trace_marker lines. At the end
 * the text of its `trace` file goes to the host (CHAN_FILE TRACEFS_FILE),
 * after TRACEFS_INFO lines with the kernel's per-CPU overrun and dropped
 * counts and the text cut to fit (proto/tracefs.h).
 */
#ifndef KTSTR_GUEST_TRACE_H
#define KTSTR_GUEST_TRACE_H

#include <stddef.h>

#define TRACE_TRACEFS "/sys/kernel/tracing"
#define TRACE_BUFFER_KB 1024       /* per CPU */
#define TRACE_TEXT_MAX (12u << 20) /* text sent; the rest is counted as cut */

/* Create the instance under tracefs, size its buffer, enable the events and
 * start recording: 0, or -errno with *why naming the step (caller frees). */
int trace_start(const char *tracefs, char **why);
/* A marker line (label cut at 256 bytes) when trace_start ran; else nothing. */
void trace_mark(const char *tracefs, const char *label, size_t len);
/* Stop recording; the loss lines and the text, at most max bytes of it
 * (*len set), or NULL when nothing was recorded. */
char *trace_collect(const char *tracefs, size_t max, size_t *len);

#endif
