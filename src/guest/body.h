/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The test body process: builds the ctx, calls the registered function and
 * sends its result as one CHAN_RESULT frame. In the guest the init runs it as
 * a child (`/init --ktstr-test-fn=NAME`), so a crash in the body cannot take
 * the init down; on the host a host_only test runs it in a forked child.
 */
#ifndef KTSTR_BODY_H
#define KTSTR_BODY_H

#include <ktstr/ktstr.h>

struct orders;

/* Environment the guest init passes to the body process. */
#define BODY_ENV_ORDERS "KTSTR_ORDERS"       /* path of the orders JSON file */
#define BODY_ENV_CHAN_FD "KTSTR_CHAN_FD"     /* fd frames go to (a pipe to init) */
#define BODY_ENV_SCHED_PID "KTSTR_SCHED_PID" /* scheduler pid, absent under EEVDF */

/* Run t's body with orders o, topology from <sysroot>/devices/system/...
 * (sysroot "/sys"), frames to chan_fd. Returns the process exit code
 * (GUEST_EXIT_PASS / _FAIL / _SKIP of proto/guest_abi.h). */
int body_run(const struct ktstr_test *t, const struct orders *o, const char *sysroot,
	     int chan_fd);

/* The guest body role: `--ktstr-test-fn=NAME` with the environment above. */
int body_main(const char *name);

#endif
