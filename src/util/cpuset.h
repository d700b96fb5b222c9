/* SPDX-License-Identifier: GPL-2.0-only */
/* CPU sets and the kernel's cpu-list text form ("0-3,5,7-9"). */
#ifndef KTSTR_CPUSET_H
#define KTSTR_CPUSET_H

#include <stdbool.h>
#include <stdint.h>

#define KTSTR_MAX_CPUS 1024

struct cpuset {
	uint64_t bits[KTSTR_MAX_CPUS / 64];
};

void cpuset_zero(struct cpuset *s);
void cpuset_set(struct cpuset *s, unsigned cpu);
void cpuset_clear(struct cpuset *s, unsigned cpu);
bool cpuset_test(const struct cpuset *s, unsigned cpu);
unsigned cpuset_count(const struct cpuset *s);
bool cpuset_equal(const struct cpuset *a, const struct cpuset *b);
bool cpuset_is_subset(const struct cpuset *sub, const struct cpuset *super);
void cpuset_or(struct cpuset *dst, const struct cpuset *src);
void cpuset_and(struct cpuset *dst, const struct cpuset *src);
/* Lowest set CPU >= from, or -1. */
int cpuset_next(const struct cpuset *s, unsigned from);
/* Strict parse of "0-3,5": -EINVAL on syntax errors, reversed ranges, -ERANGE past KTSTR_MAX_CPUS.
 * Surrounding whitespace and a trailing newline are accepted; "" is the empty set. */
int cpuset_parse(const char *text, struct cpuset *out);
/* Canonical compact form, ranges collapsed; "" for the empty set. Caller frees. */
char *cpuset_format(const struct cpuset *s);

#endif
