/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Guest init's part of one test: run the test body as a child process in its
 * own process group, relay its frames and its stdout/stderr lines to the host
 * (as CHAN_LOG), enforce the body's timeout and report how the body ended.
 * (Scheduler sysctls and kargs reach the guest on the kernel command line.)
 */
#ifndef KTSTR_TESTRUN_H
#define KTSTR_TESTRUN_H

#include <stdbool.h>
#include <sys/types.h>

struct orders;

struct testrun_spec {
	const struct orders *orders;
	const char *orders_path; /* file the body reads the orders from */
	const char *exe;         /* this binary ("/init") */
	int port_fd;             /* frames to the host */
	pid_t sched_pid;         /* 0 under EEVDF */
	/* Polled every 100 ms while the body runs; a non-NULL return (allocated
	 * text) ends the run: the body is killed and the text becomes a
	 * KTSTR_SCHED_DIED detail. NULL hook = nothing to watch. */
	char *(*sched_check)(void *arg);
	void *sched_arg;
};

/*
 * Run the body; returns the code for CHAN_EXIT in the convention of
 * proto/guest_abi.h: the body's own exit (0 pass, 1 fail, 2 skip),
 * GUEST_EXIT_SIGNAL_BASE + N when signal N killed it (the host names it),
 * GUEST_EXIT_INIT_ERROR when it could not be started. A timeout or a
 * scheduler death found here is sent as one more CHAN_RESULT frame after any
 * the body sent (the host merges them, the worst verdict wins) with code 1.
 */
int testrun_body(const struct testrun_spec *spec);

#endif
