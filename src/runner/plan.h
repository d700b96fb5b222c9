/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What a suite run lists or runs: a list of named items, each one test with
 * a topology, active scheduler flags and a kernel.
 *
 *	steady                                  the test as declared
 *	gauntlet/steady/tiny-2llc/llc+steal     --gauntlet: a preset x flag profile
 *	steady/kernel_6_12                      with two or more --kernel: per kernel
 *	gauntlet/steady/tiny-2llc/default/kernel_6_12
 *
 * Built in registry order (per test: the test itself, then its variants by
 * preset, profile, kernel), then narrowed by the name filters, the time
 * budget (budget.h) and the shard (partition.h), in that order.
 */
#ifndef KTSTR_PLAN_H
#define KTSTR_PLAN_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <ktstr/ktstr.h>

#include "core/topo.h"
#include "runner/args.h"
#include "runner/gauntlet.h"
#include "vm/accel.h"

struct plan_kernel {
	char *label; /* NULL with fewer than two kernels */
	char *spec;  /* as given to --kernel (after "LABEL=") */
};

struct plan_item {
	const struct ktstr_test *test;
	char *name;
	const struct gauntlet_preset *preset; /* NULL: the test's own topology */
	struct ktstr_topology topo;           /* what the VM gets */
	const char **flags;                   /* active flags, NULL-terminated */
	const char *profile;                  /* the flag profile's name for a variant, else NULL */
	const struct plan_kernel *kernel;     /* NULL: the default kernel resolution */
	const char *variant;                  /* record variant when set (ktstr run:
					       * "1n1l2c1t-eevdf"), else derived */
	unsigned repeat, repeats;             /* --repeat: run repeat (1-based) of repeats;
					       * 0/0 = the item runs once */
	const char *skip_reason;              /* set: no VM boots, the item is a SKIP with this
					       * reason (ktstr run: a scenario's needs unmet) */
};

struct plan {
	struct plan_item *items;
	size_t n;
	struct plan_kernel *kernels;
	size_t nkernels;
	char **profile_names;                 /* storage behind items[].profile */
	size_t nprofile_names;
};

struct plan_opts {
	bool gauntlet;                        /* add the preset x profile variants */
	const char *const *kernels;           /* --kernel values, NULL-terminated; may be NULL */
	enum accel_kind accel;                /* for the host capacity filter */
	unsigned host_cpus;
};

/*
 * Every item for tests[0..n). A preset is used when the test's constraints
 * accept it and this host can boot it; host_only tests have no variants.
 * A --kernel value is "LABEL=SPEC" or SPEC (label derived: "kernel_" and the
 * lowercase alphanumeric runs of SPEC joined by '_'). 0, or -EINVAL with *err
 * (bad or duplicate kernel label, flags a profile cannot be built from).
 */
int plan_build(const struct ktstr_test *const *tests, size_t n, const struct plan_opts *o,
	       struct plan *out, char **err);
void plan_free(struct plan *p);

/* Keep the items whose keep[i] is true, in order. */
void plan_keep(struct plan *p, const bool *keep);
/* Keep the items args_selects (name filters, --exact). */
void plan_filter(struct plan *p, const struct ktstr_args *a);

/* --repeat N (N > 1): every item N times in a row, named "NAME#I", repeat I of N. */
void plan_repeat(struct plan *p, unsigned repeats);

/* "kernel_" + lowercase alphanumeric runs of raw joined by '_'. Caller frees. */
char *plan_kernel_label(const char *raw);

/* The record's variant: it->variant when set, else the gauntlet preset and
 * flag profile and the kernel label joined by '-', or "default". Caller frees. */
char *plan_item_variant(const struct plan_item *it);
/* The variant less what the record has as fields of its own (topology,
 * scheduler, kernel): "PRESET-PROFILE" or "default". Caller frees. */
char *plan_item_config(const struct plan_item *it);
/* The file name of the item's run record (sidecar_file_name). Caller frees. */
char *plan_item_record_name(const struct plan_item *it);

#endif
