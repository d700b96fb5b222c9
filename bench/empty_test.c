// SPDX-License-Identifier: GPL-2.0-only
/* An empty ktstr test for bench/boot: start-to-result of a cold and a restored VM. */
#include <ktstr/ktstr.h>

KTSTR_TEST(bench_empty)
{
	return KTSTR_PASS;
}
