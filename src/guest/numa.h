/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * NUMA inside the guest: memory policies resolved against the topology and the
 * cgroup's reachable nodes and applied with set_mempolicy(2); where a region's
 * pages are (/proc/self/numa_maps); NUMA balancing migrations (/proc/vmstat).
 * Node sets are struct cpuset bitmaps indexed by node id.
 */
#ifndef KTSTR_GUEST_NUMA_H
#define KTSTR_GUEST_NUMA_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <ktstr/scenario.h>
#include <stddef.h>
#include <stdint.h>

#include "guest/hwtopo.h"
#include "util/cpuset.h"

/* Nodes holding any CPU of cpus (every node when cpus is empty). */
void numa_nodes_of_cpus(const struct hw_topo *t, const struct cpuset *cpus, struct cpuset *out);

/*
 * The node mask of m for workers on pool (empty = every CPU) of a cgroup whose
 * cpuset.mems.effective is mems (NULL = unknown, not checked). DEFAULT and LOCAL
 * resolve to no nodes. Errors: a bad list, a node past the topology's, nodes
 * outside mems, an empty set for a mode that needs nodes, unknown mode or flags.
 */
int numa_mpol_resolve(const struct ktstr_mempolicy *m, const struct hw_topo *t,
		      const struct cpuset *pool, const struct cpuset *mems, struct cpuset *nodes,
		      char **err);
/* set_mempolicy(2) for the calling thread; negative errno. */
int numa_mpol_apply(const struct ktstr_mempolicy *m, const struct cpuset *nodes);

/*
 * Pages per node of the mappings from the one containing start up to start + len, from
 * numa_maps text ("<hex start> <policy> ... N<node>=<pages> ..."); counts of nodes at or
 * past KTSTR_NUMA_MAX_NODES are dropped. -ENOENT when no mapping starts at or below
 * start, -EINVAL on a malformed line.
 */
int numa_maps_region_pages(const char *text, uintptr_t start, size_t len,
			   uint64_t pages[KTSTR_NUMA_MAX_NODES]);
/* The same on /proc/self/numa_maps (pages all 0 when it cannot be read). */
int numa_self_region_pages(const void *start, size_t len, uint64_t pages[KTSTR_NUMA_MAX_NODES]);

/* numa_pages_migrated from /proc/vmstat text; -ENOENT when the kernel has no such line. */
int numa_vmstat_migrated(const char *text, uint64_t *out);
/* The same on /proc/vmstat. */
int numa_vmstat_read_migrated(uint64_t *out);

#endif
