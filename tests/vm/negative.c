// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tests that must FAIL, each in its own way; test_runtime.sh runs them one
 * by one and checks the harness reports them correctly.
 */
#include <ktstr/ktstr.h>

#include <signal.h>
#include <unistd.h>

/* The body crashes: the run fails naming the signal. */
KTSTR_TEST(body_segv)
{
	ktstr_log(ctx, "about to crash");
	raise(SIGSEGV);
	return KTSTR_PASS;
}

/* The body never returns: the guest kills it at its 5 s limit. */
KTSTR_TEST(body_timeout, .timeout_s = 5)
{
	for (;;)
		pause();
	return KTSTR_PASS;
}
