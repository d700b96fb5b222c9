// SPDX-License-Identifier: GPL-2.0-only
/* Greedy marginal-coverage selection of planned items within a time budget. */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "runner/budget.h"
#include "core/entry.h"
#include "util/util.h"

double budget_estimate_s(const struct plan_item *it, enum accel_kind accel)
{
	double duration = entry_duration_s(it->test);
	unsigned cpus = topo_total_cpus(&it->topo);

	if (it->test->host_only)
		return duration + BUDGET_TEARDOWN_S;
	if (accel == ACCEL_KVM)
		return BUDGET_KVM_BOOT_S + (cpus > 16 ? (cpus - 16) / 10.0 : 0.0) + duration +
		       BUDGET_TEARDOWN_S;
	return BUDGET_TCG_BOOT_S + BUDGET_TCG_PER_VCPU_S * cpus + duration + BUDGET_TEARDOWN_S;
}

static const char *bucket(unsigned v, const unsigned *limits, const char *const *names,
			  size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (v <= limits[i])
			return names[i];
	return names[n];
}

char **budget_features(const struct plan_item *it)
{
	static const unsigned cpu_lim[] = { 4, 8, 16, 64, 128 };
	static const char *const cpu_names[] = { "<=4", "<=8", "<=16", "<=64", "<=128", ">128" };
	static const unsigned llc_lim[] = { 1, 2, 4, 8 };
	static const char *const llc_names[] = { "1", "2", "<=4", "<=8", ">8" };
	static const unsigned numa_lim[] = { 1, 2, 4 };
	static const char *const numa_names[] = { "1", "2", "<=4", ">4" };
	const struct ktstr_test *t = it->test;
	char **v = NULL;
	size_t n = 0;

	strv_push(&v, &n, xasprintf("test=%s", t->name));
	strv_push(&v, &n, xasprintf("sched=%s", entry_scheduler(t)->name));
	for (const char **f = it->flags; f && *f; f++)
		strv_push(&v, &n, xasprintf("flag=%s", *f));
	if (!it->flags || !*it->flags)
		strv_push(&v, &n, xstrdup("flags=none"));
	strv_push(&v, &n, xasprintf("profile=%s", it->profile ? it->profile : "declared"));
	if (!t->host_only)
		strv_push(&v, &n, xasprintf("preset=%s", it->preset ? it->preset->name : "declared"));
	if (t->host_only) {
		strv_push(&v, &n, xstrdup("host_only"));
	} else {
		strv_push(&v, &n, xasprintf("cpus%s", bucket(topo_total_cpus(&it->topo), cpu_lim,
							cpu_names, ARRAY_SIZE(cpu_lim))));
		strv_push(&v, &n, xasprintf("llcs=%s", bucket(it->topo.llcs, llc_lim, llc_names,
							 ARRAY_SIZE(llc_lim))));
		strv_push(&v, &n, xstrdup(it->topo.threads_per_core > 1 ? "smt=yes" : "smt=no"));
		strv_push(&v, &n, xasprintf("numa=%s", bucket(it->topo.numa_nodes, numa_lim,
							 numa_names, ARRAY_SIZE(numa_lim))));
	}
	if (it->kernel && it->kernel->label)
		strv_push(&v, &n, xasprintf("kernel=%s", it->kernel->label));
	if (t->expect_err)
		strv_push(&v, &n, xstrdup("expect_err"));
	return v;
}

/* Interned features: items hold indices into one table of names. */
struct universe {
	char **names;
	size_t n;
};

static size_t intern(struct universe *u, char *name)
{
	for (size_t i = 0; i < u->n; i++) {
		if (!strcmp(u->names[i], name)) {
			free(name);
			return i;
		}
	}
	u->names = xrealloc(u->names, (u->n + 1) * sizeof(*u->names));
	u->names[u->n] = name;
	return u->n++;
}

struct cand {
	size_t *feat;
	size_t nfeat;
	double cost;
};

void budget_select(const struct plan_item *items, size_t n, double budget_s, enum accel_kind accel,
		   bool *keep, struct budget_result *res)
{
	struct universe u = { 0 };
	struct cand *c = xcalloc(n ? n : 1, sizeof(*c));
	bool *covered;
	double left = budget_s;

	memset(res, 0, sizeof(*res));
	res->total = n;
	for (size_t i = 0; i < n; i++) {
		char **f = budget_features(&items[i]);
		size_t nf = 0;

		while (f[nf])
			nf++;
		c[i].feat = xcalloc(nf ? nf : 1, sizeof(*c[i].feat));
		for (size_t k = 0; k < nf; k++)
			c[i].feat[c[i].nfeat++] = intern(&u, f[k]);
		free(f);
		c[i].cost = budget_estimate_s(&items[i], accel);
		keep[i] = false;
	}
	covered = xcalloc(u.n ? u.n : 1, sizeof(*covered));
	for (;;) {
		size_t best = n;
		double best_score = 0;

		for (size_t i = 0; i < n; i++) {
			size_t fresh = 0;
			double score;

			if (keep[i] || c[i].cost > left)
				continue;
			for (size_t k = 0; k < c[i].nfeat; k++)
				fresh += !covered[c[i].feat[k]];
			if (!fresh)
				continue;
			score = (double)fresh / c[i].cost;
			if (best == n || score > best_score ||
			    (score == best_score && strcmp(items[i].name, items[best].name) < 0)) {
				best = i;
				best_score = score;
			}
		}
		if (best == n)
			break;
		keep[best] = true;
		left -= c[best].cost;
		res->estimated_s += c[best].cost;
		res->chosen++;
		for (size_t k = 0; k < c[best].nfeat; k++) {
			res->covered += !covered[c[best].feat[k]];
			covered[c[best].feat[k]] = true;
		}
	}
	res->possible = u.n;
	for (size_t i = 0; i < n; i++)
		free(c[i].feat);
	free(c);
	free(covered);
	for (size_t i = 0; i < u.n; i++)
		free(u.names[i]);
	free(u.names);
}

void budget_format(struct strbuf *sb, double budget_s, const struct budget_result *res,
		   const char *what)
{
	sb_printf(sb, "budget %.0f s: %zu of %zu %s, %zu/%zu features covered, estimated %.0f s\n",
		  budget_s, res->chosen, res->total, what, res->covered, res->possible,
		  res->estimated_s);
}

int budget_parse(const char *s, double *out)
{
	char *end;
	double v;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	v = strtod(s, &end);
	if (errno || *end || !isfinite(v) || v <= 0)
		return -EINVAL;
	*out = v;
	return 0;
}
