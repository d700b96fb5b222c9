// SPDX-License-Identifier: GPL-2.0-only
/* A suite with one invalid registration: nothing may run (see test_bad_registration.sh). */
#include <ktstr/ktstr.h>

KTSTR_TEST(fine)
{
	return KTSTR_PASS;
}

/* 3 LLCs cannot be spread over 2 NUMA nodes. */
KTSTR_TEST(uneven_llcs, .numa_nodes = 2, .llcs = 3)
{
	return KTSTR_PASS;
}

/* A range check with lo > hi in a payload the test declares. */
KTSTR_PAYLOAD(bad_range, .binary = "true",
	      .checks = KTSTR_CHECKS(KTSTR_CHECK_RANGE("x", 2, 1)));
KTSTR_TEST(bad_payload, .payloads = KTSTR_PAYLOADS(&bad_range))
{
	return KTSTR_PASS;
}
