/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small-sample statistics for A/B comparisons: quantiles, and the
 * Mann-Whitney U test with the Hodges-Lehmann estimate of the shift between
 * two samples and its distribution-free confidence interval.
 *
 * Quantiles interpolate linearly between order statistics (Hyndman-Fan
 * type 7, the default of R and numpy): q(p) = x[h] + (h - floor h) *
 * (x[h+1] - x[h]) with h = (n - 1) p over the sorted sample.
 *
 * The shift of b against a is estimated by the median of the n_a * n_b
 * pairwise differences b_j - a_i (Hodges-Lehmann). Its confidence interval
 * is [D(k), D(n_a n_b + 1 - k)] over the sorted differences D, where k - 1
 * is the largest U with P(U <= k - 1) <= (1 - conf) / 2 under the null
 * distribution of U: exact (counted) for n_a * n_b <= STATS_EXACT_MAX, the
 * normal approximation above. When no k >= 1 qualifies (too few samples,
 * e.g. 3 and 3 at 95%) the interval is unbounded: -inf to +inf.
 */
#ifndef KTSTR_UTIL_STATS_H
#define KTSTR_UTIL_STATS_H

#include <stddef.h>

#define STATS_EXACT_MAX 10000

/* The p quantile (0..1) of v[0..n), n >= 1; v need not be sorted. NaN when n == 0. */
double stats_quantile(const double *v, size_t n, double p);
double stats_median(const double *v, size_t n);

struct stats_shift {
	double hl;     /* Hodges-Lehmann estimate of b - a */
	double lo, hi; /* its confidence interval; -inf/+inf when unbounded */
	double u;      /* Mann-Whitney U of b over a (ties count 1/2) */
	double p;      /* two-sided p-value of U (exact up to STATS_EXACT_MAX pairs) */
	double conf;   /* the interval's coverage: at least the conf asked for (exact) */
};

/* Shift of b[0..nb) against a[0..na) at confidence conf (0.95); na, nb >= 1.
 * 0, or -EINVAL when a sample is empty or conf is not in (0, 1). */
int stats_shift(const double *a, size_t na, const double *b, size_t nb, double conf,
		struct stats_shift *out);

#endif
