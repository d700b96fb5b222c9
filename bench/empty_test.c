// SPDX-License-Identifier: GPL-2.0-only
/* Empty ktstr tests for bench/boot: start-to-result of a cold and a restored VM,
 * under EEVDF and (when the fixture is built) under scx_ktstr, which adds the
 * scheduler's load and attach. */
#include <ktstr/ktstr.h>

KTSTR_TEST(bench_empty)
{
	return KTSTR_PASS;
}

#ifdef SCX_KTSTR
KTSTR_SCHEDULER(bench_scx, .binary = SCX_KTSTR);

KTSTR_TEST(bench_empty_scx, .scheduler = &bench_scx)
{
	return KTSTR_PASS;
}
#endif
