/* SPDX-License-Identifier: GPL-2.0-only */
/* The CPU topology a running kernel exposes in sysfs (guest side, also works on the host). */
#ifndef KTSTR_HWTOPO_H
#define KTSTR_HWTOPO_H

#include "util/cpuset.h"

#define HWTOPO_MAX_LLCS 64
#define HWTOPO_MAX_NODES 8

struct hw_topo {
	unsigned ncpus;                       /* online CPUs */
	struct cpuset online;
	unsigned nllcs;
	struct cpuset llc[HWTOPO_MAX_LLCS];   /* from cache/index3/shared_cpu_list, ordered by first CPU */
	unsigned nnodes;
	struct cpuset node[HWTOPO_MAX_NODES];
	unsigned distance[HWTOPO_MAX_NODES][HWTOPO_MAX_NODES];
	unsigned threads_per_core;            /* from topology/thread_siblings_list */
	int cpu_llc[KTSTR_MAX_CPUS];          /* LLC index of each CPU, -1 if none */
	int cpu_node[KTSTR_MAX_CPUS];
};

/* root is "/sys" normally; tests point it at a fake tree. */
int hw_topo_read(const char *root, struct hw_topo *out);
/* {"cpus":N,"llcs":N,"numa_nodes":N,"llc_groups":["0-1",..],"smt_groups":[..],
 *  "nodes":["0-3",..],"distances":[[10,20],[20,10]],"threads_per_core":N}. Caller frees. */
char *hw_topo_to_json(const struct hw_topo *t);

#endif
