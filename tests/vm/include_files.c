// SPDX-License-Identifier: GPL-2.0-only
/*
 * Include files end to end: a directory (recursively), a bare name found in
 * $PATH (with its shared libraries) and a file given with -i on the command
 * line (test_payloads.sh passes -i /etc/os-release) are all in the VM.
 */
#include <ktstr/ktstr.h>

#include <unistd.h>

static int need(struct ktstr_ctx *ctx, const char *path, int mode)
{
	if (access(path, mode)) {
		return ktstr_fail(ctx, KTSTR_OTHER, "%s is not in the VM (or not %s)", path,
				  mode == X_OK ? "executable" : "readable");
	}
	ktstr_log(ctx, "found %s", path);
	return KTSTR_PASS;
}

/* not declared in .payloads: its binary arrives through .include_files */
KTSTR_PAYLOAD(hackbench_small, .binary = "hackbench", .args = KTSTR_ARGS("-g", "1", "-f", "2", "-l", "10"));

KTSTR_TEST(include_files_end_to_end,
	   .include_files = KTSTR_NAMES(INCLUDE_DIR_FIXTURE, "hackbench"))
{
	int v = need(ctx, "/include-files/vm/include_files.c", R_OK);

	v |= need(ctx, "/include-files/hackbench", X_OK);
	v |= need(ctx, "/include-files/os-release", R_OK);
	/* the bare name came with its ELF closure: it runs */
	if (v)
		return KTSTR_FAIL;
	return ktstr_payload_run(ctx, &hackbench_small, NULL);
}
