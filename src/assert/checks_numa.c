// SPDX-License-Identifier: GPL-2.0-only
/* NUMA checks: where the workers' pages are, and how many NUMA balancing moved. */
#include <stdlib.h>
#include <string.h>

#include "assert/checks.h"
#include "util/util.h"

void checks_worker_locality(const struct check_input *in, const struct check_worker *w,
			    uint64_t *local, uint64_t *total)
{
	*local = *total = 0;
	for (unsigned n = 0; n < KTSTR_NUMA_MAX_NODES; n++) {
		bool near = !w->constrained || n >= in->nnodes || !in->node_cpus;

		if (!near) {
			struct cpuset x = in->node_cpus[n];

			cpuset_and(&x, &w->allowed);
			near = cpuset_count(&x) > 0;
		}
		*total += w->r->numa_pages[n];
		if (near)
			*local += w->r->numa_pages[n];
	}
}

/* Pages of a cgroup's workers: on their local nodes, and in all. */
static void cgroup_locality(const struct check_input *in, const char *cg, uint64_t *local,
			    uint64_t *total)
{
	*local = *total = 0;
	for (unsigned i = 0; i < in->n; i++) {
		uint64_t l, t;

		if (strcmp(in->w[i].cgroup, cg))
			continue;
		checks_worker_locality(in, &in->w[i], &l, &t);
		*local += l;
		*total += t;
	}
}

static uint64_t total_pages(const struct check_input *in)
{
	uint64_t t = 0;

	for (unsigned i = 0; i < in->n; i++)
		for (unsigned n = 0; n < KTSTR_NUMA_MAX_NODES; n++)
			t += in->w[i].r->numa_pages[n];
	return t;
}

void check_page_locality(const struct check_input *in, struct ktstr_result *res)
{
	const char **cgs;
	unsigned ncg;

	if (!in->thr->min_page_locality.set)
		return;
	cgs = xcalloc(in->n + 1, sizeof(*cgs));
	ncg = checks_cgroups_of(in, cgs);
	for (unsigned c = 0; c < ncg; c++) {
		uint64_t local, total;
		double loc;

		cgroup_locality(in, cgs[c], &local, &total);
		if (!total)
			continue;
		loc = (double)local / (double)total;
		if (loc < in->thr->min_page_locality.v)
			result_fail(res, KTSTR_PAGE_LOCALITY,
				    "cgroup %s: page locality %.4f < limit %g (%llu of %llu pages "
				    "on the nodes of its CPUs)",
				    checks_cg_label(cgs[c]), loc, in->thr->min_page_locality.v,
				    (unsigned long long)local, (unsigned long long)total);
	}
	free(cgs);
}

void check_cross_node_migration(const struct check_input *in, struct ktstr_result *res)
{
	uint64_t total = total_pages(in);
	double ratio;

	if (!in->thr->max_cross_node_migration_ratio.set || !in->have_numa_migrated || !total)
		return;
	ratio = (double)in->numa_migrated / (double)total;
	if (ratio > in->thr->max_cross_node_migration_ratio.v)
		result_fail(res, KTSTR_CROSS_NODE_MIGRATION,
			    "cross-node migration ratio %.4f > limit %g (%llu pages migrated by "
			    "NUMA balancing / %llu pages of the workers)",
			    ratio, in->thr->max_cross_node_migration_ratio.v,
			    (unsigned long long)in->numa_migrated, (unsigned long long)total);
}

void checks_numa_stats(const struct check_input *in, struct ktstr_result *res)
{
	uint64_t total = total_pages(in);
	const char **cgs;
	unsigned ncg;

	if (!total)
		return;
	cgs = xcalloc(in->n + 1, sizeof(*cgs));
	ncg = checks_cgroups_of(in, cgs);
	for (unsigned c = 0; c < ncg; c++) {
		uint64_t local, t;
		char *name;

		cgroup_locality(in, cgs[c], &local, &t);
		if (!t)
			continue;
		name = xasprintf("cgroup.%s.page_locality", checks_cg_label(cgs[c]));
		checks_stat_fold(res, name, (double)local / (double)t, FOLD_MIN);
		checks_stat_fold(res, "worst_page_locality", (double)local / (double)t, FOLD_MIN);
		free(name);
	}
	checks_stat_fold(res, "numa_pages", (double)total, FOLD_SUM);
	if (in->have_numa_migrated) {
		checks_stat_fold(res, "numa_pages_migrated", (double)in->numa_migrated, FOLD_SUM);
		checks_stat_fold(res, "worst_cross_node_migration_ratio",
				 (double)in->numa_migrated / (double)total, FOLD_MAX);
	}
	free(cgs);
}
