// SPDX-License-Identifier: GPL-2.0-only
/* Canned scenarios: the parts of the catalog joined in category order, and the
 * helpers the parts share. */
#include <string.h>

#include "guest/catalog.h"

unsigned cat_wpc(const struct scn_env *env)
{
	return env->workers_per_cgroup ? env->workers_per_cgroup : 2;
}

unsigned cat_ncpus(const struct scn_env *env)
{
	return cpuset_count(&env->topo->online);
}

bool cat_need_cpus(struct scn_env *env, unsigned n)
{
	if (cat_ncpus(env) >= n)
		return true;
	result_skip(env->result, "needs at least %u CPUs, the guest has %u", n, cat_ncpus(env));
	return false;
}

struct catalog_part {
	const struct scn_entry *entries;
	const unsigned *count;
};

#define PART(cat)                                                                                  \
	{                                                                                          \
		scn_catalog_##cat, &scn_catalog_##cat##_count                                      \
	}

/* Sorted by category name: the catalog is ordered by category, then name. */
static const struct catalog_part parts[] = {
    PART(affinity),    PART(basic),  PART(cpuset),	PART(dynamic),
    PART(interaction), PART(nested), PART(numa),	PART(sched_class),
};

unsigned ktstr_scenarios_count(void)
{
	unsigned n = 0;

	for (unsigned p = 0; p < ARRAY_SIZE(parts); p++)
		n += *parts[p].count;
	return n;
}

const struct scn_entry *scn_catalog_at(unsigned i)
{
	for (unsigned p = 0; p < ARRAY_SIZE(parts); p++) {
		if (i < *parts[p].count)
			return &parts[p].entries[i];
		i -= *parts[p].count;
	}
	return NULL;
}

const struct scn_entry *scn_catalog_find(const char *name)
{
	const struct scn_entry *e;

	for (unsigned i = 0; name && (e = scn_catalog_at(i)); i++)
		if (!strcmp(e->pub.name, name))
			return e;
	return NULL;
}

const struct ktstr_scenario *ktstr_scenario_at(unsigned i)
{
	const struct scn_entry *e = scn_catalog_at(i);

	return e ? &e->pub : NULL;
}

const struct ktstr_scenario *ktstr_scenario_find(const char *name)
{
	const struct scn_entry *e = scn_catalog_find(name);

	return e ? &e->pub : NULL;
}
