/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Orders: what the host tells a booted guest to do, sent as one CHAN_ORDERS
 * JSON frame after the guest's HELLO (the guest is generic until then, so a
 * booted VM can be saved as a template for any test: docs/snapshots.md). The guest init keeps them
 * in a file and the test body process reads them from there.
 */
#ifndef KTSTR_ORDERS_H
#define KTSTR_ORDERS_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <jansson.h>
#include <ktstr/ktstr.h>
#include <stdbool.h>
#include <stdint.h>

#include "core/thresholds.h" /* thresholds_to_json / thresholds_from_json */

#define ORDERS_VERSION 1
#define ORDERS_MAX_LEN (1u << 20)

struct orders {
	char *test;                  /* registered test name */
	char *topology;              /* "1n2l4c1t" the VM was booted with */
	unsigned duration_ms;        /* scenario length */
	unsigned workers_per_cgroup;
	unsigned timeout_s;          /* the body's wall limit (core/entry.h), enforced by the guest */
	uint64_t seed;
	double time_scale;           /* accelerator slowdown: stretches the workers' stop deadline */
	char *accel;                 /* "kvm" / "tcg" */
	/* scheduler: NULL sched_path = the kernel's default (EEVDF) */
	char *sched_name;
	char *sched_path;            /* guest path, "/scheduler" */
	char **sched_args;           /* NULL-terminated */
	char *cgroup_parent;         /* NULL = none */
	unsigned watchdog_timeout_s; /* 0 = the kernel's default */
	struct ktstr_thresholds thresholds; /* merged: defaults < scheduler < test */
	bool trace;                  /* record tracefs events for the body (guest/trace.h) */
	bool verifier_stats;         /* the scheduler prints the verifier's statistics */
	char **probes;               /* --auto-repro rerun: functions to probe (probe.h),
				      * NULL-terminated; NULL = none */
};

void orders_init(struct orders *o);
void orders_free(struct orders *o);
/* Compact JSON text (caller frees). */
char *orders_to_json(const struct orders *o);
/* Strict parse: unknown version, missing test name or wrong types are errors
 * (-EINVAL, *err says which field; caller frees). */
int orders_from_json(const char *text, size_t len, struct orders *o, char **err);

#endif
