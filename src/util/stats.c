// SPDX-License-Identifier: GPL-2.0-only
#include "util/stats.h"
#include "util/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *p, const void *q)
{
	double a = *(const double *)p, b = *(const double *)q;

	return a < b ? -1 : a > b;
}

static double *sorted_copy(const double *v, size_t n)
{
	double *s = xmalloc((n ? n : 1) * sizeof(*s));

	memcpy(s, v, n * sizeof(*s));
	qsort(s, n, sizeof(*s), cmp_double);
	return s;
}

static double quantile_sorted(const double *s, size_t n, double p)
{
	double h = (double)(n - 1) * p;
	size_t lo = (size_t)floor(h);

	if (lo + 1 >= n)
		return s[n - 1];
	return s[lo] + (h - (double)lo) * (s[lo + 1] - s[lo]);
}

double stats_quantile(const double *v, size_t n, double p)
{
	double *s, q;

	if (!n)
		return NAN;
	s = sorted_copy(v, n);
	q = quantile_sorted(s, n, p < 0 ? 0 : p > 1 ? 1 : p);
	free(s);
	return q;
}

double stats_median(const double *v, size_t n)
{
	return stats_quantile(v, n, 0.5);
}

/*
 * P(U <= u) for u = 0..m*n under the null hypothesis, into cdf[0..m*n]. The
 * counts of U are the coefficients of the Gaussian binomial [m+n choose m] in
 * q: prod over i = 1..m of (1 - q^(n+i)) / (1 - q^i), built factor by factor
 * (multiply by 1 - q^(n+i), then divide by 1 - q^i as a running sum).
 */
static void u_cdf(size_t m, size_t n, double *cdf)
{
	size_t max = m * n;
	double *c = xcalloc(max + 1, sizeof(*c)), total = 0;

	c[0] = 1;
	for (size_t i = 1; i <= m; i++) {
		for (size_t u = max; u >= n + i && u <= max; u--)
			c[u] -= c[u - (n + i)];
		for (size_t u = i; u <= max; u++)
			c[u] += c[u - i];
	}
	for (size_t u = 0; u <= max; u++) {
		total += c[u];
		cdf[u] = total;
	}
	for (size_t u = 0; u <= max; u++)
		cdf[u] /= total;
	free(c);
}

/* Standard normal CDF. */
static double phi(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

/* z with phi(z) = p, by bisection (p in (0, 1)). */
static double phi_inv(double p)
{
	double lo = -40, hi = 40;

	for (int i = 0; i < 200; i++) {
		double mid = (lo + hi) / 2;

		if (phi(mid) < p)
			lo = mid;
		else
			hi = mid;
	}
	return (lo + hi) / 2;
}

int stats_shift(const double *a, size_t na, const double *b, size_t nb, double conf,
		struct stats_shift *out)
{
	size_t nd = na * nb, k = 0, w = 0;
	double alpha = 1 - conf, *d, cover;

	memset(out, 0, sizeof(*out));
	if (!na || !nb || !(conf > 0 && conf < 1))
		return -EINVAL;
	d = xmalloc(nd * sizeof(*d));
	for (size_t i = 0; i < na; i++)
		for (size_t j = 0; j < nb; j++) {
			d[w++] = b[j] - a[i];
			out->u += b[j] > a[i] ? 1.0 : b[j] == a[i] ? 0.5 : 0.0;
		}
	qsort(d, nd, sizeof(*d), cmp_double);
	out->hl = quantile_sorted(d, nd, 0.5);
	if (nd <= STATS_EXACT_MAX) {
		double *cdf = xmalloc((nd + 1) * sizeof(*cdf));
		double ulo = floor(MIN(out->u, (double)nd - out->u));

		u_cdf(na, nb, cdf);
		while (k < nd && cdf[k] <= alpha / 2)
			k++; /* k values 0..k-1 together have mass <= alpha / 2 */
		cover = 1 - 2 * (k ? cdf[k - 1] : 0);
		out->p = MIN(1.0, 2 * cdf[(size_t)ulo]);
		free(cdf);
	} else {
		double mean = (double)nd / 2;
		double sd = sqrt((double)nd * (double)(na + nb + 1) / 12);
		double z = phi_inv(1 - alpha / 2);
		double kk = floor(mean - z * sd);

		k = kk > 0 ? (size_t)kk : 0;
		cover = conf;
		out->p = MIN(1.0, 2 * phi(-fabs(out->u - mean) / sd));
	}
	if (k >= 1 && k <= nd - k + 1) {
		out->lo = d[k - 1];
		out->hi = d[nd - k];
		out->conf = cover;
	} else {
		out->lo = -INFINITY;
		out->hi = INFINITY;
		out->conf = 1;
	}
	free(d);
	return 0;
}
