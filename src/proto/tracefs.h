/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The text of a tracefs `trace` file, as the guest sends it for --trace
 * (CHAN_FILE TRACEFS_FILE), read line by line on the host. One event a line:
 *
 *     "  TASK-PID  [CPU] FLAGS  SECONDS.FRACTION: EVENT: ARGS"
 *
 * (TASK may hold spaces; FLAGS is absent on old kernels). The guest puts its
 * own comment lines first: the kernel's per-CPU loss counters and how much
 * text it cut (TRACEFS_INFO). The host never trusts this text: every field is
 * bounds-checked, names are cut to their buffers and made printable, and a
 * line that does not parse is counted, never fatal.
 */
#ifndef KTSTR_TRACEFS_H
#define KTSTR_TRACEFS_H

#include <stddef.h>
#include <stdint.h>

#define TRACEFS_FILE "trace"         /* the CHAN_FILE name */
#define TRACEFS_INFO "# ktstr-trace " /* the guest's own comment lines */
#define TRACEFS_MAX_CPUS 4096
#define TRACEFS_COMM_LEN 16          /* TASK_COMM_LEN: 15 characters */

enum tracefs_kind {
	TRACEFS_OTHER = 0,   /* any other event: text holds its arguments */
	TRACEFS_SWITCH,      /* sched_switch: pid/comm -> next_pid/next_comm */
	TRACEFS_WAKEUP,      /* sched_wakeup, sched_wakeup_new: pid/comm, target_cpu */
	TRACEFS_MIGRATE,     /* sched_migrate_task: pid/comm, orig_cpu -> target_cpu */
	TRACEFS_MARK,        /* tracing_mark_write: text is the label */
};

struct tracefs_event {
	enum tracefs_kind kind;
	unsigned cpu;                    /* where it was recorded */
	uint64_t ts_ns;
	char event[32];                  /* the event's name */
	int32_t pid, next_pid;
	char comm[TRACEFS_COMM_LEN], next_comm[TRACEFS_COMM_LEN];
	char prev_state[8];              /* sched_switch: "S", "R+", "D", ... */
	int32_t orig_cpu, target_cpu;
	const char *text;                /* into the line: TRACEFS_MARK, TRACEFS_OTHER */
	size_t text_len;
};

/*
 * One line (without its newline): 1 and *ev filled, 0 for a comment or blank
 * line, -EINVAL for a line that is no event or whose known event lacks a
 * field. A CPU at or past TRACEFS_MAX_CPUS is malformed.
 */
int tracefs_parse_line(const char *line, size_t len, struct tracefs_event *ev);

/* What the guest lost, from its TRACEFS_INFO lines. */
struct tracefs_loss {
	uint64_t overrun;   /* events the ring buffer overwrote, all CPUs */
	uint64_t dropped;   /* events the ring buffer could not take */
	uint64_t cut_bytes; /* text the guest did not send */
	unsigned buffer_kb; /* per-CPU buffer size */
};

/*
 * A TRACEFS_INFO line's "key=value" pairs added to *loss: "cpu=N overrun=N
 * dropped=N", "cut=N", "buffer_kb=N". 1 if it was one, 0 if not, -EINVAL if
 * malformed.
 */
int tracefs_parse_info(const char *line, size_t len, struct tracefs_loss *loss);

#endif
