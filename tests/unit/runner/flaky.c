// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-only tests that count their runs in $KTSTR_FLAKY_DIR/<test> (see
 * test_retries.sh): deterministic flakiness without a VM.
 */
#include <ktstr/ktstr.h>

#include <stdio.h>
#include <stdlib.h>

/* This run's number (1 on the first), kept in the counter file. */
static int count_run(struct ktstr_ctx *ctx, const char *name)
{
	const char *dir = getenv("KTSTR_FLAKY_DIR");
	char path[4096];
	int n = 0;
	FILE *f;

	if (!dir || !*dir)
		return -1;
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	f = fopen(path, "r");
	if (f) {
		if (fscanf(f, "%d", &n) != 1)
			n = 0;
		fclose(f);
	}
	f = fopen(path, "w");
	if (!f)
		return -1;
	fprintf(f, "%d\n", ++n);
	fclose(f);
	return n;
}

KTSTR_TEST(fails_once, .host_only = true)
{
	int n = count_run(ctx, "fails_once");

	if (n < 0)
		return ktstr_fail(ctx, KTSTR_OTHER, "KTSTR_FLAKY_DIR unset or not writable");
	if (n == 1)
		return ktstr_fail(ctx, KTSTR_OTHER, "attempt %d fails on purpose", n);
	return KTSTR_PASS;
}

KTSTR_TEST(always_fails, .host_only = true)
{
	return ktstr_fail(ctx, KTSTR_OTHER, "attempt %d fails too", count_run(ctx, "always_fails"));
}

KTSTR_TEST(skips, .host_only = true)
{
	count_run(ctx, "skips");
	return ktstr_skip(ctx, "nothing to do here");
}
