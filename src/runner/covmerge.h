/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host side of coverage: the files a guest sent (guest/covflush.h) are staged
 * in the run's scratch directory while the VM runs, then merged once it ended.
 *
 *   .gcda     "cov/<absolute build path>.gcda": merged into that host file,
 *             only when the build made it (its .gcno sits next to it). A
 *             missing or empty host file is written; otherwise both are summed
 *             with `gcov-tool merge` (KTSTR_GCOV_TOOL overrides the program) and
 *             the sum written back in place. The target is held under the
 *             fcntl write lock libgcov itself takes, so parallel VMs and the
 *             host's own exiting processes never lose counts.
 *   .profraw  copied to the LLVM target directory (LLVM_COV_TARGET_DIR, else
 *             the directory of LLVM_PROFILE_FILE, else <binary dir>/llvm-cov-target)
 *             as ktstr-test-<pid>-<n>.profraw, for `llvm-profdata merge`.
 *
 * The host never trusts the guest: names are checked (relative, no "..", a
 * known suffix) and staging stops at COVMERGE_STAGE_CAP bytes per run.
 */
#ifndef KTSTR_COVMERGE_H
#define KTSTR_COVMERGE_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stddef.h>
#include <stdint.h>

#define COVMERGE_STAGE_CAP (256u << 20)

struct covmerge_stats {
	unsigned gcda_merged;  /* summed into an existing host .gcda */
	unsigned gcda_written; /* no host .gcda yet: written */
	unsigned profraw;      /* .profraw files placed */
	unsigned skipped;      /* refused or failed (see the message) */
};

/*
 * Stage one guest file; rel is the CHAN_FILE name after "cov/" (not
 * NUL-terminated). *staged counts the bytes staged so far for the cap.
 * Returns 0, or -errno with *err set (the file is dropped).
 */
int covmerge_stage(const char *stage_dir, const char *rel, size_t rel_len, const void *data,
		   size_t len, size_t *staged, char **err);

/*
 * Merge everything staged under stage_dir into the host (see above). Returns 0
 * when every file was placed, else -errno with *err describing the first
 * problem (the others were still tried); *st counts what happened.
 */
int covmerge_apply(const char *stage_dir, struct covmerge_stats *st, char **err);

#endif
