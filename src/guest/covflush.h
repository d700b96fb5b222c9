/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest side of coverage: counters of coverage-instrumented programs that ran
 * in the VM travel to the host as CHAN_FILE frames.
 *
 * Every process init starts inherits GCOV_PREFIX=/tmp/cov (gcov: a .gcda file
 * lands at /tmp/cov/<its absolute build path>) and
 * LLVM_PROFILE_FILE=/tmp/cov/llvm/%p-%m.profraw (LLVM source-based coverage), so
 * the test body, the scheduler loader and payloads write there when they exit
 * normally. Init itself never exits; before power-off an instrumented init
 * forks a child that exit()s, which makes the runtime dump init's counters.
 * Then every file under /tmp/cov goes out as a CHAN_FILE named
 * "cov/<path below /tmp/cov>" (files too big for one frame are skipped with
 * a log line). No file there, no frame.
 */
#ifndef KTSTR_GUEST_COVFLUSH_H
#define KTSTR_GUEST_COVFLUSH_H

#include <stdbool.h>

#define COVFLUSH_DIR "/tmp/cov"
#define COVFLUSH_FILE_PREFIX "cov/" /* CHAN_FILE names of coverage files */

/* Whether this binary carries a gcov or LLVM profile runtime. */
bool covflush_instrumented(void);
/* Write this process's counters now, as exit() would (instrumented builds
 * only; no-op otherwise): for init, which never exits, and forked children
 * that end with _exit(). */
void covflush_dump(void);
/* Export GCOV_PREFIX and LLVM_PROFILE_FILE for everything started after this. */
void covflush_setenv(void);
/* Dump this process's own counters (instrumented binaries only), then send
 * every file under COVFLUSH_DIR to port. Returns the number of files sent. */
int covflush_send(int port);

#endif
