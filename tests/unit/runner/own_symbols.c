// SPDX-License-Identifier: GPL-2.0-only
/*
 * A user's test file that defines names libktstr uses inside (log_err, xmalloc,
 * file_read), with other types. It links against libktstr as installed (only
 * the ktstr_* API and main are global there) and its own definitions are the
 * ones called.
 */
#include <ktstr/ktstr.h>

#include <stdlib.h>
#include <string.h>

static int calls;
const char *file_read = "mine";

int log_err(int n)
{
	return calls += n;
}

void *xmalloc(size_t n)
{
	calls++;
	return malloc(n);
}

KTSTR_TEST(own_symbols, .host_only = true)
{
	free(xmalloc(8));
	if (log_err(2) != 3 || strcmp(file_read, "mine"))
		return ktstr_fail(ctx, KTSTR_OTHER, "the test file's own log_err/xmalloc/file_read "
					       "were not the ones called");
	return KTSTR_PASS;
}
