/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Time-budget selection (--budget S, KTSTR_BUDGET_SECS): from the planned
 * items, the subset that covers the most distinct configurations within S
 * seconds of estimated run time.
 *
 * Each item has a set of features:
 *	test=NAME  sched=NAME  flag=F (each active flag) or flags=none
 *	preset=NAME|declared   profile=NAME|declared (the test's own topology/flags)
 *	cpus<=4|<=8|<=16|<=64|<=128|>128   llcs=1|2|<=4|<=8|>8
 *	smt=yes|no   numa=1|2|<=4|>4   kernel=LABEL (two or more kernels)
 *	host_only   expect_err
 * and a cost: budget_estimate_s. Greedy: repeatedly take the item that fits
 * the remaining budget with the most new features per estimated second
 * (ties: the smaller name); stop when no fitting item adds a feature.
 * Deterministic for a given plan and accelerator.
 */
#ifndef KTSTR_BUDGET_H
#define KTSTR_BUDGET_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/plan.h"
#include "util/util.h"
#include "vm/accel.h"

/* Cost model, seconds. KVM: boot 10 + (cpus - 16) / 10 above 16 vCPUs,
 * teardown 2. TCG: boot 18 + 2 per vCPU, teardown 2 (emulated vCPUs
 * time-share the host; measured on the 2-core build host shared with other
 * VMs, load 7-13: a 1 s test took 18 s on 2 vCPUs, 22 s on 4, 28 s on 8, and
 * a 2 s test 32 s on 4 vCPUs at load 12; the model covers the loaded case).
 * Then the test's duration; host_only: duration + 2. The sum is serial time,
 * an upper bound when the suite runs VMs side by side (-j). Host load is deliberately not an input: every CI
 * shard must compute the same selection. */
#define BUDGET_KVM_BOOT_S 10.0
#define BUDGET_TCG_BOOT_S 18.0
#define BUDGET_TCG_PER_VCPU_S 2.0
#define BUDGET_TEARDOWN_S 2.0

double budget_estimate_s(const struct plan_item *it, enum accel_kind accel);

/* The feature names of an item, NULL-terminated (caller frees with strv free:
 * each string, then the array). */
char **budget_features(const struct plan_item *it);

struct budget_result {
	size_t chosen, total;
	size_t covered, possible;   /* features */
	double estimated_s;
};

/*
 * Choose among items[0..n) within budget_s; keep[i] is set for the chosen
 * ones (cleared for the others). Fills *res.
 */
void budget_select(const struct plan_item *items, size_t n, double budget_s, enum accel_kind accel,
		   bool *keep, struct budget_result *res);

/* "budget 120 s: 9 of 312 variants, 41/44 features covered, estimated 114 s\n" */
void budget_format(struct strbuf *sb, double budget_s, const struct budget_result *res,
		   const char *what);

/* Parse a budget: seconds, a positive number ("120", "90.5"). 0 or -EINVAL. */
int budget_parse(const char *s, double *out);

#endif
