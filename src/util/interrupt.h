/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * SIGINT/SIGTERM as a request to stop: the handler only notes the signal, and
 * the program winds down at its next check (stops its VMs, records what was
 * cut short, prints its summary) instead of dying mid-write.
 */
#ifndef KTSTR_INTERRUPT_H
#define KTSTR_INTERRUPT_H

/* Note SIGINT and SIGTERM from now on (a signal the process ignores, as a
 * background job ignores SIGINT, stays ignored). */
void interrupt_install(void);
/* Record sig as received (async-signal-safe; the first one is kept). */
void interrupt_note(int sig);
/* The signal that asked this process to stop, or 0. */
int interrupt_signal(void);

#endif
