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
