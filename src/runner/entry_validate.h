/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Validation of every registered test and scheduler before anything runs.
 * Each problem is one line naming the test (or scheduler), where it was
 * declared, and the field:
 *
 *	ktstr: test 'foo' (tests/x.c:12): max_llcs (1) < min_llcs (2)
 *
 * Unsigned fields use 0 for "unset", so an explicit zero cannot be told from
 * "not given" and falls back to the default; everything else is checked.
 */
#ifndef KTSTR_ENTRY_VALIDATE_H
#define KTSTR_ENTRY_VALIDATE_H

#include <stddef.h>

#include <ktstr/ktstr.h>

/* Collected problems: msgs[i] are complete lines without the trailing newline. */
struct entry_problems {
	char **msgs;
	size_t n;
};
void entry_problems_free(struct entry_problems *p);

/*
 * Check tests[0..nt) and scheds[0..ns) (scheds are the registered schedulers;
 * a test may also name an unregistered one through .scheduler, which is then
 * checked too). max_cpus is the largest VM the launcher can build
 * (KTSTR_TOPO_MAX_CPUS). Returns the number of problems appended to *out.
 */
size_t entry_validate(const struct ktstr_test *const *tests, size_t nt,
		      const struct ktstr_scheduler *const *scheds, size_t ns, unsigned max_cpus,
		      struct entry_problems *out);

/* Validate the process registries; print every problem to stderr. Returns the count. */
size_t entry_validate_registry(void);

#endif
