// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe of tests/coverage/check.sh: in a coverage build, the counts of
 * these two functions are read back from the merged .gcda after VM runs.
 */
#include <ktstr/ktstr.h>

/* Called only by the test body, which runs inside the VM. */
__attribute__((noinline)) int cov_guest_only(int x)
{
	return x * 3 + 1;
}

/* Never called: must stay unexecuted in the merged report. */
__attribute__((noinline)) int cov_never_called(int x)
{
	return x - 7;
}

KTSTR_TEST(cov_probe, .timeout_s = 30)
{
	ktstr_log(ctx, "cov_guest_only(1) = %d", cov_guest_only(1));
	return KTSTR_PASS;
}

/* A second test calling the same function: `cov_probe -j 2` runs both at once. */
KTSTR_TEST(cov_probe_b, .timeout_s = 30)
{
	ktstr_log(ctx, "cov_guest_only(2) = %d", cov_guest_only(2));
	return KTSTR_PASS;
}
