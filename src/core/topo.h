/* SPDX-License-Identifier: GPL-2.0-only */
/* The VM topology model and its "NnLlCcTt" text form (1n2l4c2t). */
#ifndef KTSTR_TOPO_H
#define KTSTR_TOPO_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>

#define KTSTR_TOPO_MAX_NODES 8
#define KTSTR_TOPO_MAX_CPUS 255 /* QEMU q35 without x2APIC/IR; see topo.c */

struct ktstr_topology {
	unsigned numa_nodes;      /* >= 1 */
	unsigned llcs;            /* in total, multiple of numa_nodes */
	unsigned cores_per_llc;
	unsigned threads_per_core;
	unsigned node_memory_mb[KTSTR_TOPO_MAX_NODES]; /* 0 = even share */
	bool has_distances;
	unsigned char distance[KTSTR_TOPO_MAX_NODES][KTSTR_TOPO_MAX_NODES]; /* SLIT; 10 local */
};

/* Parse "1n2l4c2t". On error returns -EINVAL and, if err is non-NULL, an
 * allocated message naming what is wrong (caller frees). */
int topo_parse(const char *text, struct ktstr_topology *out, char **err);
/* Check the rules parse enforces on a topology built in code. Same contract. */
int topo_validate(const struct ktstr_topology *t, char **err);
/* "1n2l4c2t" into buf; returns buf. */
char *topo_format(const struct ktstr_topology *t, char *buf, size_t len);
unsigned topo_total_cpus(const struct ktstr_topology *t);
/* Distance between nodes a and b: the matrix if set, else 10 local / 20 remote. */
unsigned topo_distance(const struct ktstr_topology *t, unsigned a, unsigned b);

#endif
