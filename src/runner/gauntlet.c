// SPDX-License-Identifier: GPL-2.0-only
/* Gauntlet axes: topology presets with their filters, and flag profiles. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "runner/gauntlet.h"
#include "runner/host_class.h"
#include "util/util.h"

static const struct gauntlet_preset presets[] = {
	{ "tiny-1llc", 1, 1, 4, 1 },
	{ "tiny-2llc", 1, 2, 2, 1 },
	{ "odd-3llc", 1, 3, 3, 1 },
	{ "odd-5llc", 1, 5, 3, 1 },
	{ "odd-7llc", 1, 7, 2, 1 },
	{ "smt-2llc", 1, 2, 2, 2 },
	{ "smt-3llc", 1, 3, 2, 2 },
	{ "medium-4llc", 1, 4, 4, 2 },
	{ "medium-8llc", 1, 8, 4, 2 },
	{ "large-4llc", 1, 4, 16, 2 },
	{ "large-8llc", 1, 8, 8, 2 },
	{ "near-max-llc", 1, 15, 8, 2 },
	{ "max-cpu", 1, 14, 9, 2 },
	{ "medium-4llc-nosmt", 1, 4, 8, 1 },
	{ "medium-8llc-nosmt", 1, 8, 8, 1 },
	{ "large-4llc-nosmt", 1, 4, 32, 1 },
	{ "large-8llc-nosmt", 1, 8, 16, 1 },
	{ "near-max-llc-nosmt", 1, 15, 16, 1 },
	{ "max-cpu-nosmt", 1, 14, 18, 1 },
	{ "numa2-4llc", 2, 4, 4, 1 },
	{ "numa2-8llc", 2, 8, 8, 2 },
	{ "numa2-8llc-nosmt", 2, 8, 16, 1 },
	{ "numa4-8llc", 4, 8, 4, 1 },
	{ "numa4-12llc", 4, 12, 8, 2 },
};

const struct gauntlet_preset *gauntlet_presets(size_t *n)
{
	*n = ARRAY_SIZE(presets);
	return presets;
}

const struct gauntlet_preset *gauntlet_find_preset(const char *name)
{
	for (size_t i = 0; name && i < ARRAY_SIZE(presets); i++)
		if (!strcmp(presets[i].name, name))
			return &presets[i];
	return NULL;
}

void gauntlet_preset_topology(const struct gauntlet_preset *p, struct ktstr_topology *out)
{
	memset(out, 0, sizeof(*out));
	out->numa_nodes = p->numa_nodes;
	out->llcs = p->llcs;
	out->cores_per_llc = p->cores_per_llc;
	out->threads_per_core = p->threads_per_core;
}

static unsigned or_default(unsigned v, unsigned def)
{
	return v ? v : def;
}

bool gauntlet_constraints_accept(const struct ktstr_constraints *c, const struct ktstr_topology *t)
{
	unsigned cpus = topo_total_cpus(t);

	return t->numa_nodes >= or_default(c->min_numa_nodes, 1) &&
	       t->numa_nodes <= or_default(c->max_numa_nodes, GAUNTLET_DEFAULT_MAX_NUMA_NODES) &&
	       t->llcs >= or_default(c->min_llcs, 1) &&
	       t->llcs <= or_default(c->max_llcs, GAUNTLET_DEFAULT_MAX_LLCS) &&
	       cpus >= or_default(c->min_cpus, 1) &&
	       cpus <= or_default(c->max_cpus, GAUNTLET_DEFAULT_MAX_CPUS) &&
	       (c->requires_smt != KTSTR_ON || t->threads_per_core >= 2);
}

bool gauntlet_host_accepts(const struct ktstr_topology *t, enum accel_kind accel,
			   unsigned host_cpus)
{
	return topo_validate(t, NULL) == 0 &&
	       host_class_check_topology(t, accel, host_cpus, NULL) == HOST_OK;
}

static bool in_list(const char *const *list, const char *name)
{
	for (; list && *list; list++)
		if (!strcmp(*list, name))
			return true;
	return false;
}

static int check_names(const struct ktstr_scheduler *s, const char *const *names,
		       const char *field, char **err)
{
	for (; names && *names; names++) {
		if (!entry_find_flag(s, *names)) {
			*err = xasprintf("%s names '%s', not a flag of scheduler '%s'", field,
					 *names, s->name ? s->name : "?");
			return -EINVAL;
		}
	}
	return 0;
}

/* Every active flag's requires are active too. */
static bool requires_met(const struct ktstr_flag *const *active, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		for (const char *const *r = active[i]->requires; r && *r; r++) {
			bool found = false;

			for (size_t j = 0; j < n && !found; j++)
				found = !strcmp(active[j]->name, *r);
			if (!found)
				return false;
		}
	}
	return true;
}

int gauntlet_profiles(const struct ktstr_scheduler *s, const char *const *required,
		      const char *const *excluded, struct gauntlet_profile **out, size_t *n,
		      char **err)
{
	const struct ktstr_flag *optional[GAUNTLET_MAX_OPTIONAL_FLAGS];
	const struct ktstr_flag **active;
	size_t nflags = 0, nopt = 0, cap, count = 0;
	struct gauntlet_profile *v;
	int r;

	*out = NULL;
	*n = 0;
	*err = NULL;
	if ((r = check_names(s, required, "required_flags", err)) ||
	    (r = check_names(s, excluded, "excluded_flags", err)))
		return r;
	for (const struct ktstr_flag *f = s->flags; f && f->name; f++) {
		nflags++;
		if (in_list(required, f->name) || in_list(excluded, f->name))
			continue;
		if (nopt == GAUNTLET_MAX_OPTIONAL_FLAGS) {
			*err = xasprintf("scheduler '%s' leaves more than %d flags optional: too "
					 "many profiles for a gauntlet (require or exclude some)",
					 s->name ? s->name : "?", GAUNTLET_MAX_OPTIONAL_FLAGS);
			return -EINVAL;
		}
		optional[nopt++] = f;
	}
	cap = (size_t)1 << nopt;
	v = xcalloc(cap, sizeof(*v));
	active = xcalloc(nflags + 1, sizeof(*active));
	for (size_t mask = 0; mask < cap; mask++) {
		struct strbuf name = { 0 };
		size_t na = 0;

		/* declaration order: walk the scheduler's flags, keep the active ones */
		for (const struct ktstr_flag *f = s->flags; f && f->name; f++) {
			bool on = in_list(required, f->name);

			for (size_t k = 0; k < nopt && !on; k++)
				on = optional[k] == f && (mask >> k & 1);
			if (on)
				active[na++] = f;
		}
		if (!requires_met(active, na))
			continue;
		v[count].flags = xcalloc(na + 1, sizeof(*v[count].flags));
		v[count].nflags = na;
		for (size_t k = 0; k < na; k++) {
			v[count].flags[k] = active[k]->name;
			sb_printf(&name, "%s%s", k ? "+" : "", active[k]->name);
		}
		v[count].name = na ? sb_steal(&name) : xstrdup("default");
		count++;
	}
	free(active);
	*out = v;
	*n = count;
	return 0;
}

void gauntlet_profiles_free(struct gauntlet_profile *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(p[i].flags);
		free(p[i].name);
	}
	free(p);
}
