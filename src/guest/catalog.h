/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The scenario catalog's parts: one file per category (catalog_<category>.c),
 * each a table sorted by name; catalog.c joins them in category order and
 * holds the helpers scenarios share.
 */
#ifndef KTSTR_GUEST_CATALOG_H
#define KTSTR_GUEST_CATALOG_H

#include "guest/scenario.h"
#include "util/util.h"

/* Workers per cgroup: the test's setting, else 2. */
unsigned cat_wpc(const struct scn_env *env);
/* Online CPUs of the guest. */
unsigned cat_ncpus(const struct scn_env *env);
/* Run n cgroups <prefix>_0..<prefix>_<n-1>, each like tmpl (its name ignored; with
 * per_llc, cgroup i confined to LLC i), for the duration. */
int cat_run_numbered(struct scn_env *env, const char *prefix, unsigned n,
		     const struct ktstr_cgroup_def *tmpl, bool per_llc);

/* What a topology and a scheduler offer a scenario. */
struct scn_offer {
	unsigned cpus, llcs, numa_nodes, threads_per_core;
	bool sched_ext;
};

/* The first need of n that o does not meet, as "needs 4 CPUs, the topology has 2" in buf;
 * false (buf untouched) when o meets every need. */
bool scn_needs_unmet(const struct ktstr_scenario_needs *n, const struct scn_offer *o, char *buf,
		     size_t len);
/* The needs as "4 CPUs, 2 LLCs, SMT, sched_ext", "" when none. */
void scn_needs_format(const struct ktstr_scenario_needs *n, char *buf, size_t len);

/* A table entry: scenario n of the file's CATEGORY, run by cat_<n>(), with its needs
 * (designated ktstr_scenario_needs fields, e.g. .cpus = 4). */
#define SCN(n, desc, ...)                                                                          \
	{                                                                                          \
		{ .name = #n,                                                                      \
		  .category = CATEGORY,                                                            \
		  .description = desc,                                                             \
		  .needs = { __VA_ARGS__ } },                                                      \
		    cat_##n                                                                        \
	}

#define CATALOG_PART(cat)                                                                          \
	extern const struct scn_entry scn_catalog_##cat[];                                         \
	extern const unsigned scn_catalog_##cat##_count

CATALOG_PART(advanced);
CATALOG_PART(affinity);
CATALOG_PART(basic);
CATALOG_PART(cpuset);
CATALOG_PART(dynamic);
CATALOG_PART(interaction);
CATALOG_PART(nested);
CATALOG_PART(numa);
CATALOG_PART(performance);
CATALOG_PART(sched_class);
CATALOG_PART(stall);
CATALOG_PART(stress);

#endif
