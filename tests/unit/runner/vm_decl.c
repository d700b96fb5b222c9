// SPDX-License-Identifier: GPL-2.0-only
/*
 * A test binary with one VM test, for test_exit_status.sh: its bad-input
 * cases must exit 2 before any VM boots, so the body never runs there.
 */
#include <ktstr/ktstr.h>

KTSTR_TEST(in_a_vm)
{
	return KTSTR_PASS;
}
