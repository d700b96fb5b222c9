// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test binary with VM tests, for test_exit_status.sh: its bad-input cases
 * must exit 2 before any VM boots, so no body runs there. The scheduler's
 * binary is a bare name the script puts on $PATH (a script, an ELF of another
 * machine, one missing a library) or leaves out.
 */
#include <ktstr/ktstr.h>

KTSTR_SCHEDULER(exit_sched, .binary = "ktstr-exit-status-sched");

KTSTR_TEST(in_a_vm)
{
	return KTSTR_PASS;
}

KTSTR_TEST(under_exit_sched, .scheduler = &exit_sched)
{
	return KTSTR_PASS;
}
