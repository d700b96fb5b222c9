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
/* SKIP (recorded) when the guest has fewer than n CPUs; true to go on. */
bool cat_need_cpus(struct scn_env *env, unsigned n);

#define SKIP_UNLESS_CPUS(env, n)                                                                   \
	do {                                                                                       \
		if (!cat_need_cpus(env, n))                                                        \
			return KTSTR_SKIP;                                                         \
	} while (0)

#define CATALOG_PART(cat)                                                                          \
	extern const struct scn_entry scn_catalog_##cat[];                                         \
	extern const unsigned scn_catalog_##cat##_count

CATALOG_PART(affinity);
CATALOG_PART(basic);
CATALOG_PART(cpuset);
CATALOG_PART(dynamic);
CATALOG_PART(interaction);
CATALOG_PART(nested);
CATALOG_PART(numa);
CATALOG_PART(sched_class);

#endif
