/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The verdict of one test run, from what the guest reported (its result
 * frame, which may never have arrived) and what the host saw of the VM
 * (struct vm_result). A pure function: no I/O.
 * The guest's exit codes are in proto/guest_abi.h.
 *
 * Rules, in order (each adds a detail; the worst verdict wins):
 *	1. harness error (vm->error)       FAIL other   "could not run the VM: ..."
 *	2. VM timed out                    FAIL timeout "timed out after N s"
 *	                                   (a result that arrived first is kept under it)
 *	3. kernel panic / oops             FAIL crash   "kernel panic: <line>"
 *	4. body killed by a signal         FAIL crash   "killed by SIGSEGV"
 *	5. no result frame                 FAIL other   "no test result from the guest
 *	                                   (init stage: X)"; the console tail goes
 *	                                   to the diagnostics section
 *	6. the result frame's verdict, details and stats
 *	7. sched_ext ejected the scheduler (a "disabled" line other than a normal
 *	   unregistration) and the result does not already say so:
 *	                                   FAIL sched_died "<the kernel line>"
 *	8. expect_err: a FAIL decided by rules 4, 6 or 7 (the test reached a
 *	   verdict) becomes PASS with a note naming what failed; a PASS becomes
 *	   FAIL "expected the test to fail, but it passed". Timeouts, panics,
 *	   harness errors and missing results stay failures: the test never got
 *	   to the failure it expects. SKIP stays SKIP.
 */
#ifndef KTSTR_EVAL_H
#define KTSTR_EVAL_H

#include <stdbool.h>

#include "core/result.h"
#include "proto/guest_abi.h"
#include "vm/vm.h"

struct eval_input {
	bool expect_err;
	unsigned timeout_s;               /* the limit the VM ran under */
	const struct ktstr_result *guest; /* decoded CHAN_RESULT; NULL if none arrived */
	const struct vm_result *vm;       /* NULL for host-only tests */
	const char *stage;                /* last CHAN_STAGE text; NULL if none */
};

struct eval_outcome {
	struct ktstr_result result;       /* the final verdict, details and stats */
	bool expected_failure;            /* expect_err satisfied (result is PASS) */
	bool reached_verdict;             /* the test body produced a verdict */
	bool show_diagnostics;            /* output should print stage/console/sched log */
	char *note;                       /* one line under a PASS/FAIL, or NULL */
};

void eval_verdict(const struct eval_input *in, struct eval_outcome *out);
void eval_outcome_free(struct eval_outcome *o);

/* "SIGSEGV" for 11, "signal 77" for unknown numbers; returns buf. */
const char *eval_signal_name(int sig, char *buf, size_t len);
/* Whether a kernel "sched_ext: BPF scheduler ... disabled (...)" line is an
 * ejection (error, stall, sysrq) rather than a normal unregistration. */
bool eval_sched_ejected(const char *line);
/* "exited 0", "exited 1", "killed by SIGKILL" for a waitpid status; returns buf. */
const char *eval_wait_status(int status, char *buf, size_t len);

#endif
