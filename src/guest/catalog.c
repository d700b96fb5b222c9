// SPDX-License-Identifier: GPL-2.0-only
/* Canned scenarios: the parts of the catalog joined in category order, and the
 * helpers the parts share. */
#include <stdio.h>
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

int cat_run_numbered(struct scn_env *env, const char *prefix, unsigned n,
		     const struct ktstr_cgroup_def *tmpl, bool per_llc)
{
	struct ktstr_cgroup_def *defs = xcalloc(n + 1, sizeof(*defs));
	char **names = xcalloc(n ? n : 1, sizeof(*names));
	int v;

	for (unsigned i = 0; i < n; i++) {
		names[i] = xasprintf("%s_%u", prefix, i);
		defs[i] = *tmpl;
		defs[i].name = names[i];
		if (per_llc)
			defs[i].cpuset = KTSTR_CPUSET_LLC(i);
	}
	defs[n].end_ = true;
	v = scn_run_cgroups(env, defs);
	for (unsigned i = 0; i < n; i++)
		free(names[i]);
	free(names);
	free(defs);
	return v;
}

static bool unmet(char *buf, size_t len, const char *what, unsigned need, unsigned have)
{
	snprintf(buf, len, "needs %u %s, the topology has %u", need, what, have);
	return true;
}

bool scn_needs_unmet(const struct ktstr_scenario_needs *n, const struct scn_offer *o, char *buf,
		     size_t len)
{
	if (o->cpus < n->cpus)
		return unmet(buf, len, "CPUs", n->cpus, o->cpus);
	if (o->llcs < n->llcs)
		return unmet(buf, len, "LLCs", n->llcs, o->llcs);
	if (o->numa_nodes < n->numa_nodes)
		return unmet(buf, len, "NUMA nodes", n->numa_nodes, o->numa_nodes);
	if (n->smt && o->threads_per_core < 2) {
		snprintf(buf, len, "needs SMT, the topology has %u thread per core",
			 o->threads_per_core);
		return true;
	}
	if (n->sched_ext && !o->sched_ext) {
		snprintf(buf, len, "needs a sched_ext scheduler, the kernel's own is running");
		return true;
	}
	return false;
}

void scn_needs_format(const struct ktstr_scenario_needs *n, char *buf, size_t len)
{
	struct strbuf sb = {0};

	if (n->cpus)
		sb_printf(&sb, ", %u CPUs", n->cpus);
	if (n->llcs)
		sb_printf(&sb, ", %u LLCs", n->llcs);
	if (n->numa_nodes)
		sb_printf(&sb, ", %u NUMA nodes", n->numa_nodes);
	if (n->smt)
		sb_append(&sb, ", SMT");
	if (n->sched_ext)
		sb_append(&sb, ", sched_ext");
	snprintf(buf, len, "%s", sb.buf ? sb.buf + 2 : "");
	sb_free(&sb);
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
    PART(advanced),    PART(affinity),	  PART(basic),	PART(cpuset),
    PART(dynamic),     PART(interaction), PART(nested), PART(numa),
    PART(performance), PART(sched_class), PART(stall),	PART(stress),
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
