/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The gauntlet's two axes: topology presets and scheduler flag profiles.
 *
 * A test runs across every preset its constraints (merged with its
 * scheduler's, see entry_constraints) accept and this host can boot, times
 * every flag profile of its scheduler. plan.c names and selects the
 * resulting variants; this file only knows the axes.
 *
 *	preset        topology     CPUs      preset              topology    CPUs
 *	tiny-1llc     1n1l4c1t       4       medium-4llc-nosmt   1n4l8c1t      32
 *	tiny-2llc     1n2l2c1t       4       medium-8llc-nosmt   1n8l8c1t      64
 *	odd-3llc      1n3l3c1t       9       large-4llc-nosmt    1n4l32c1t    128
 *	odd-5llc      1n5l3c1t      15       large-8llc-nosmt    1n8l16c1t    128
 *	odd-7llc      1n7l2c1t      14       near-max-llc-nosmt  1n15l16c1t   240
 *	smt-2llc      1n2l2c2t       8       max-cpu-nosmt       1n14l18c1t   252
 *	smt-3llc      1n3l2c2t      12       numa2-4llc          2n4l4c1t      16
 *	medium-4llc   1n4l4c2t      32       numa2-8llc          2n8l8c2t     128
 *	medium-8llc   1n8l4c2t      64       numa2-8llc-nosmt    2n8l16c1t    128
 *	large-4llc    1n4l16c2t    128       numa4-8llc          4n8l4c1t      32
 *	large-8llc    1n8l8c2t     128       numa4-12llc         4n12l8c2t    192
 *	near-max-llc  1n15l8c2t    240
 *	max-cpu       1n14l9c2t    252
 */
#ifndef KTSTR_GAUNTLET_H
#define KTSTR_GAUNTLET_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>

#include <ktstr/ktstr.h>

#include "core/topo.h"
#include "vm/accel.h"

/* Constraint defaults for fields a test and its scheduler leave unset (0):
 * min 1 NUMA node / LLC / CPU, at most 12 LLCs, 1 NUMA node (multi-NUMA is
 * opt-in through max_numa_nodes) and 192 CPUs; SMT not required. */
#define GAUNTLET_DEFAULT_MAX_LLCS 12
#define GAUNTLET_DEFAULT_MAX_NUMA_NODES 1
#define GAUNTLET_DEFAULT_MAX_CPUS 192

/* More optional flags than this would make 2^n profiles: refused. */
#define GAUNTLET_MAX_OPTIONAL_FLAGS 10

struct gauntlet_preset {
	const char *name;
	unsigned numa_nodes, llcs, cores_per_llc, threads_per_core;
};

/* The 24 presets, in the order of the table above. */
const struct gauntlet_preset *gauntlet_presets(size_t *n);
const struct gauntlet_preset *gauntlet_find_preset(const char *name);
void gauntlet_preset_topology(const struct gauntlet_preset *p, struct ktstr_topology *out);

/* Whether constraints c (unset fields take the defaults above) admit t. */
bool gauntlet_constraints_accept(const struct ktstr_constraints *c, const struct ktstr_topology *t);
/* Whether this host can boot t: the VM engine can build it (topo_validate:
 * max-cpu and max-cpu-nosmt need APIC IDs beyond x2APIC-less q35, so never)
 * and its vCPUs are within host_class_max_vcpus(accel, host_cpus)
 * (KTSTR_MAX_VCPUS overrides). */
bool gauntlet_host_accepts(const struct ktstr_topology *t, enum accel_kind accel,
			   unsigned host_cpus);

/* One flag profile: the active flags, in the scheduler's declaration order. */
struct gauntlet_profile {
	const char **flags; /* NULL-terminated; the strings belong to the scheduler */
	size_t nflags;
	char *name;         /* flags joined by '+', or "default" when none */
};

/*
 * Every profile of s: required flags always on, excluded flags always off,
 * each subset of the remaining flags, minus the sets in which an active
 * flag's `requires` is not active. In mask order (the empty optional set
 * first). 0, or -EINVAL with *err when a required/excluded name is not a flag
 * of s or there are more than GAUNTLET_MAX_OPTIONAL_FLAGS optional flags.
 * *n may be 0 (a required flag needs an excluded one).
 */
int gauntlet_profiles(const struct ktstr_scheduler *s, const char *const *required,
		      const char *const *excluded, struct gauntlet_profile **out, size_t *n,
		      char **err);
void gauntlet_profiles_free(struct gauntlet_profile *p, size_t n);

#endif
