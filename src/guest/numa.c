// SPDX-License-Identifier: GPL-2.0-only
#include "guest/numa.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "util/util.h"

/* The kernel's mode numbers (include/uapi/linux/mempolicy.h). */
enum {
	SYS_MPOL_DEFAULT = 0,
	SYS_MPOL_PREFERRED = 1,
	SYS_MPOL_BIND = 2,
	SYS_MPOL_INTERLEAVE = 3,
	SYS_MPOL_LOCAL = 4,
	SYS_MPOL_PREFERRED_MANY = 5,
	SYS_MPOL_WEIGHTED_INTERLEAVE = 6,
};

#define MPOL_FLAGS_KNOWN                                                                           \
	(KTSTR_MPOL_F_STATIC_NODES | KTSTR_MPOL_F_RELATIVE_NODES | KTSTR_MPOL_F_NUMA_BALANCING)

#define NUMA_MAPS_MAX_BYTES (16u << 20)

void numa_nodes_of_cpus(const struct hw_topo *t, const struct cpuset *cpus, struct cpuset *out)
{
	cpuset_zero(out);
	for (unsigned n = 0; n < t->nnodes && n < HWTOPO_MAX_NODES; n++) {
		struct cpuset x = t->node[n];

		if (cpuset_count(cpus))
			cpuset_and(&x, cpus);
		if (cpuset_count(&x))
			cpuset_set(out, n);
	}
}

static bool mode_takes_nodes(enum ktstr_mpol_mode m)
{
	return m != KTSTR_MPOL_DEFAULT && m != KTSTR_MPOL_LOCAL;
}

int numa_mpol_resolve(const struct ktstr_mempolicy *m, const struct hw_topo *t,
		      const struct cpuset *pool, const struct cpuset *mems, struct cpuset *nodes,
		      char **err)
{
	const char *name = ktstr_mpol_mode_name(m->mode);
	struct cpuset all;

	*err = NULL;
	cpuset_zero(nodes);
	if ((unsigned)m->mode > KTSTR_MPOL_WEIGHTED_INTERLEAVE) {
		*err = xasprintf("unknown memory policy mode %d", (int)m->mode);
		return -EINVAL;
	}
	if (m->flags & ~MPOL_FLAGS_KNOWN) {
		*err = xasprintf("memory policy %s: unknown flags 0x%x", name,
				 m->flags & ~MPOL_FLAGS_KNOWN);
		return -EINVAL;
	}
	if ((m->flags & KTSTR_MPOL_F_STATIC_NODES) && (m->flags & KTSTR_MPOL_F_RELATIVE_NODES)) {
		*err = xasprintf("memory policy %s: static and relative nodes exclude each other",
				 name);
		return -EINVAL;
	}
	if ((m->flags & KTSTR_MPOL_F_NUMA_BALANCING) && m->mode != KTSTR_MPOL_BIND &&
	    m->mode != KTSTR_MPOL_PREFERRED_MANY) {
		*err = xasprintf("memory policy %s: the NUMA balancing flag needs bind or "
				 "preferred-many",
				 name);
		return -EINVAL;
	}
	if (!mode_takes_nodes(m->mode))
		return 0;
	cpuset_zero(&all);
	for (unsigned n = 0; n < t->nnodes && n < HWTOPO_MAX_NODES; n++)
		cpuset_set(&all, n);
	if (!m->nodes) {
		numa_nodes_of_cpus(t, pool, nodes);
	} else if (!strcmp(m->nodes, "all")) {
		*nodes = all;
	} else if (cpuset_parse(m->nodes, nodes) < 0) {
		*err = xasprintf("memory policy %s: bad node list \"%s\"", name, m->nodes);
		return -EINVAL;
	}
	if (!cpuset_count(nodes)) {
		*err = xasprintf("memory policy %s: no nodes", name);
		return -EINVAL;
	}
	if (!cpuset_is_subset(nodes, &all)) {
		char *l = cpuset_format(nodes);

		*err = xasprintf("memory policy %s: nodes %s beyond the topology's %u node(s)",
				 name, l, t->nnodes);
		free(l);
		return -EINVAL;
	}
	if (mems && !cpuset_is_subset(nodes, mems)) {
		char *l = cpuset_format(nodes), *r = cpuset_format(mems);

		*err = xasprintf("memory policy %s: nodes %s not reachable from the cgroup "
				 "(cpuset.mems.effective %s)",
				 name, l, r);
		free(l);
		free(r);
		return -EINVAL;
	}
	return 0;
}

int numa_mpol_apply(const struct ktstr_mempolicy *m, const struct cpuset *nodes)
{
	static const int modes[] = {
	    [KTSTR_MPOL_DEFAULT] = SYS_MPOL_DEFAULT,
	    [KTSTR_MPOL_BIND] = SYS_MPOL_BIND,
	    [KTSTR_MPOL_PREFERRED] = SYS_MPOL_PREFERRED,
	    [KTSTR_MPOL_INTERLEAVE] = SYS_MPOL_INTERLEAVE,
	    [KTSTR_MPOL_LOCAL] = SYS_MPOL_LOCAL,
	    [KTSTR_MPOL_PREFERRED_MANY] = SYS_MPOL_PREFERRED_MANY,
	    [KTSTR_MPOL_WEIGHTED_INTERLEAVE] = SYS_MPOL_WEIGHTED_INTERLEAVE,
	};
	unsigned long mask = 0;

	if ((unsigned)m->mode >= ARRAY_SIZE(modes))
		return -EINVAL;
	for (int n = cpuset_next(nodes, 0); n >= 0 && n < HWTOPO_MAX_NODES;
	     n = cpuset_next(nodes, (unsigned)n + 1))
		mask |= 1ul << n;
	if (syscall(SYS_set_mempolicy, modes[m->mode] | (int)m->flags, mask ? &mask : NULL,
		    mask ? (unsigned long)HWTOPO_MAX_NODES + 1 : 0ul) < 0)
		return -errno;
	return 0;
}

/* One numa_maps line: its start address and the N<node>= counts. */
static int parse_line(const char *line, uintptr_t *start, uint64_t pages[KTSTR_NUMA_MAX_NODES])
{
	const char *p = line;
	char *end;
	unsigned long long a;

	errno = 0;
	a = strtoull(p, &end, 16);
	if (end == p || *end != ' ' || errno)
		return -EINVAL;
	*start = (uintptr_t)a;
	memset(pages, 0, KTSTR_NUMA_MAX_NODES * sizeof(*pages));
	for (p = end; *p;) {
		unsigned long node;
		unsigned long long count;

		while (*p == ' ')
			p++;
		if (p[0] == 'N' && p[1] >= '0' && p[1] <= '9') {
			errno = 0;
			node = strtoul(p + 1, &end, 10);
			if (*end != '=' || errno)
				return -EINVAL;
			p = end + 1;
			count = strtoull(p, &end, 10);
			if (errno || end == p || (*end && *end != ' '))
				return -EINVAL;
			if (node < KTSTR_NUMA_MAX_NODES)
				pages[node] += count;
			p = end;
			continue;
		}
		while (*p && *p != ' ')
			p++;
	}
	return 0;
}

int numa_maps_region_pages(const char *text, uintptr_t start, size_t len,
			   uint64_t pages[KTSTR_NUMA_MAX_NODES])
{
	uintptr_t end = start + len < start ? UINTPTR_MAX : start + len;
	uint64_t line_pages[KTSTR_NUMA_MAX_NODES], base[KTSTR_NUMA_MAX_NODES];
	bool have_base = false;
	const char *p = text;

	memset(pages, 0, KTSTR_NUMA_MAX_NODES * sizeof(*pages));
	memset(base, 0, sizeof(base));
	while (p && *p) {
		const char *nl = strchr(p, '\n');
		char *line = nl ? xstrndup(p, (size_t)(nl - p)) : xstrdup(p);
		uintptr_t a;
		int ret = *line ? parse_line(line, &a, line_pages) : 1;

		free(line);
		p = nl ? nl + 1 : NULL;
		if (ret < 0)
			return ret;
		if (ret > 0)
			continue;
		if (a <= start) {
			/* the last mapping starting at or below start contains it */
			memcpy(base, line_pages, sizeof(base));
			have_base = true;
		} else if (a < end) {
			for (unsigned n = 0; n < KTSTR_NUMA_MAX_NODES; n++)
				pages[n] += line_pages[n];
		}
	}
	if (!have_base)
		return -ENOENT;
	for (unsigned n = 0; n < KTSTR_NUMA_MAX_NODES; n++)
		pages[n] += base[n];
	return 0;
}

int numa_self_region_pages(const void *start, size_t len, uint64_t pages[KTSTR_NUMA_MAX_NODES])
{
	char *text = file_read("/proc/self/numa_maps", NULL, NUMA_MAPS_MAX_BYTES);
	int ret;

	memset(pages, 0, KTSTR_NUMA_MAX_NODES * sizeof(*pages));
	if (!text)
		return -errno;
	ret = numa_maps_region_pages(text, (uintptr_t)start, len, pages);
	free(text);
	return ret;
}

int numa_vmstat_migrated(const char *text, uint64_t *out)
{
	static const char key[] = "numa_pages_migrated ";

	for (const char *p = text; p && *p;) {
		if (str_starts_with(p, key)) {
			char *end;

			errno = 0;
			*out = strtoull(p + sizeof(key) - 1, &end, 10);
			if (errno || end == p + sizeof(key) - 1 || (*end && *end != '\n'))
				return -EINVAL;
			return 0;
		}
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return -ENOENT;
}

int numa_vmstat_read_migrated(uint64_t *out)
{
	char *text = file_read("/proc/vmstat", NULL, 1u << 20);
	int ret;

	if (!text)
		return -errno;
	ret = numa_vmstat_migrated(text, out);
	free(text);
	return ret;
}
