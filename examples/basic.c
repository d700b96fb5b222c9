// SPDX-License-Identifier: GPL-2.0-only
/*
 * A first test file: every kind of outcome a suite can have. Build with meson
 * (examples/basic) or by hand:
 *
 *	cc -o basic basic.c $(pkg-config --cflags --libs ktstr)
 *	./basic                    # every test, each in its own VM: exits 1 (one fails)
 *	./basic --filter topology  # just the passing one: exits 0
 *	./basic --list
 */
#include <ktstr/ktstr.h>

#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

/* Passes: the VM has the topology the test declared (2 LLCs of 1 core). */
KTSTR_TEST(topology_matches, .llcs = 2, .cores = 1)
{
	ktstr_log(ctx, "guest sees %u CPUs in %u LLCs", ktstr_ctx_cpus(ctx), ktstr_ctx_llcs(ctx));
	ktstr_stat(ctx, "cpus", ktstr_ctx_cpus(ctx));
	if (ktstr_ctx_cpus(ctx) != 2)
		return ktstr_fail(ctx, KTSTR_OTHER, "expected 2 CPUs, the guest has %u",
				  ktstr_ctx_cpus(ctx));
	if (ktstr_ctx_llcs(ctx) != 2)
		return ktstr_fail(ctx, KTSTR_OTHER, "expected 2 LLCs, the guest has %u",
				  ktstr_ctx_llcs(ctx));
	return KTSTR_PASS;
}

/* Fails, on purpose, with a detail saying what was expected and what was seen. */
KTSTR_TEST(asserts_too_many_cpus)
{
	unsigned want = 4, have = ktstr_ctx_cpus(ctx);

	ktstr_stat(ctx, "cpus", have);
	if (have < want)
		return ktstr_fail(ctx, KTSTR_OTHER, "wanted at least %u CPUs, the guest has %u",
				  want, have);
	return KTSTR_PASS;
}

/* Skips: it cannot say anything useful on a VM this small. */
KTSTR_TEST(needs_numa)
{
	if (ktstr_ctx_numa_nodes(ctx) < 2)
		return ktstr_skip(ctx, "needs 2 NUMA nodes, the guest has %u",
				  ktstr_ctx_numa_nodes(ctx));
	return KTSTR_PASS;
}

/* Must fail: passes because the check inside it fails as expected. */
KTSTR_TEST(expected_failure, .expect_err = true)
{
	return ktstr_fail(ctx, KTSTR_STUCK, "a worker made no progress for %u ms", 2500u);
}

/* Runs on the host, no VM: checks something about the host itself. */
KTSTR_TEST(host_has_proc, .host_only = true)
{
	struct utsname u;

	if (access("/proc/self/status", R_OK))
		return ktstr_fail(ctx, KTSTR_OTHER, "/proc is not mounted on this host");
	uname(&u);
	ktstr_log(ctx, "host kernel %s", u.release);
	return KTSTR_PASS;
}
