/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CHAN_SCHED frame payload: a scheduler state change seen by the guest.
 *
 *	{"event":"running","name":"scx_ktstr","pid":107,"ops":"ktstr",
 *	 "attach_ms":2073,"elapsed_ms":2097}
 *	{"event":"ejected",...,"reason":"scheduler scx_ktstr was ejected ..."}
 *
 * event is one of: running, stopped, exec-failed, load-failed, not-attached,
 * exited, ejected. The guest writes it; the host parses it strictly (the
 * guest is untrusted: unknown events, wrong types and oversized strings are
 * errors).
 */
#ifndef KTSTR_SCHED_EVENT_H
#define KTSTR_SCHED_EVENT_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>

#define SCHED_EVENT_MAX_LEN (256u << 10)

struct sched_event {
	char *event;
	char *name;
	int pid;
	char *ops;        /* NULL if it never attached */
	long attach_ms;   /* start -> attached; -1 if it never attached */
	long elapsed_ms;  /* start -> this event; -1 if unknown */
	char *reason;     /* failures only */
};

void sched_event_init(struct sched_event *ev);
void sched_event_free(struct sched_event *ev);
/* Whether event names a failure (not running/stopped). */
bool sched_event_failed(const struct sched_event *ev);
/* Compact JSON (caller frees). */
char *sched_event_to_json(const struct sched_event *ev);
int sched_event_from_json(const char *text, size_t len, struct sched_event *ev, char **err);

#endif
