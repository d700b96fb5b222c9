/* SPDX-License-Identifier: GPL-2.0-only */
/* The CPU topology a running kernel exposes in sysfs (guest side, also works on the host). */
#ifndef KTSTR_HWTOPO_H
#define KTSTR_HWTOPO_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdio.h>

#include "util/cpuset.h"

#define HWTOPO_MAX_LLCS 256
#define HWTOPO_MAX_NODES 8

/* Big (about 200 KB): allocate it, do not put it on a small stack. */
struct hw_topo {
	unsigned ncpus;                       /* online CPUs */
	struct cpuset online;
	unsigned nllcs;
	struct cpuset llc[HWTOPO_MAX_LLCS];   /* from cache/index3/shared_cpu_list, ordered by first CPU */
	unsigned nsmt;
	struct cpuset smt[KTSTR_MAX_CPUS];    /* thread_siblings_list groups, ordered by first CPU */
	unsigned nnodes;
	struct cpuset node[HWTOPO_MAX_NODES];
	unsigned distance[HWTOPO_MAX_NODES][HWTOPO_MAX_NODES];
	unsigned threads_per_core;            /* largest SMT group */
	int cpu_llc[KTSTR_MAX_CPUS];          /* LLC index of each CPU, -1 if none */
	int cpu_node[KTSTR_MAX_CPUS];
};

/*
 * root is "/sys" normally; tests point it at a fake tree. Reads the online CPUs,
 * per CPU the LLC (cache/index3, else the highest cache level present) and the
 * SMT siblings, and the NUMA nodes with their distances (one node holding every
 * CPU when the kernel has no node directory). Groups only hold online CPUs.
 * Returns 0, or -errno with *err (allocated) naming the file that was wrong.
 */
int hw_topo_read(const char *root, struct hw_topo *out, char **err);
/* {"cpus":N,"llcs":N,"numa_nodes":N,"online":"0-3","llc_groups":["0-1",..],
 *  "smt_groups":[..],"nodes":["0-3",..],"distances":[[10,20],[20,10]],
 *  "threads_per_core":N}. Caller frees. */
char *hw_topo_to_json(const struct hw_topo *t);
/* The inverse, for JSON a guest sent: bounds-checked and consistent (groups are
 * disjoint subsets of the online CPUs, counts match). -EINVAL with *err. */
int hw_topo_from_json(const char *json, struct hw_topo *out, char **err);
/* Human-readable, several lines, each starting with indent. */
void hw_topo_print(FILE *f, const struct hw_topo *t, const char *indent);

#endif
