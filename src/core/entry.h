/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The registries of tests and schedulers (linker sections "ktstr_tests" and
 * "ktstr_scheds", filled by KTSTR_TEST / KTSTR_SCHEDULER), and the effective
 * values of a test once defaults and its scheduler are taken into account.
 *
 * Every effective value is resolved here and nowhere else, so the listing, the
 * launcher, the guest and the run record all agree on what a test asked for.
 */
#ifndef KTSTR_ENTRY_H
#define KTSTR_ENTRY_H

#include <stddef.h>

#include <ktstr/ktstr.h>

#include "core/accel_kind.h"
#include "core/topo.h"

/* Defaults of a test that sets nothing (and names no scheduler that sets it). */
#define ENTRY_DEFAULT_NUMA_NODES 1
#define ENTRY_DEFAULT_LLCS 1
#define ENTRY_DEFAULT_CORES 2
#define ENTRY_DEFAULT_THREADS 1
#define ENTRY_DEFAULT_DURATION_S 2
#define ENTRY_DEFAULT_WORKERS 2
#define ENTRY_DEFAULT_MEMORY_MB 1024 /* floor; see entry_memory_mb */
#define ENTRY_MIN_MEMORY_MB 256
#define ENTRY_MEMORY_MB_PER_CPU 64
#define ENTRY_DEFAULT_WATCHDOG_S 4   /* sched_ext watchdog_timeout the guest sets */
/* The boot allowance (entry_boot_allowance_s): 20 s on KVM, 60 s + 2 s per vCPU on TCG. */
#define ENTRY_BOOT_ALLOWANCE_KVM_S 20
#define ENTRY_BOOT_ALLOWANCE_TCG_S 60
#define ENTRY_TIMEOUT_PER_CPU_TCG_S 2

/*
 * Registries, sorted by name (strcmp) on first use. Valid for the life of the
 * process; the arrays are never modified after that. Duplicates stay in the
 * array (adjacent): entry_validate reports them.
 */
const struct ktstr_test *const *registry_tests(size_t *n);
const struct ktstr_scheduler *const *registry_schedulers(size_t *n);
/* NULL when no such name. find_scheduler("eevdf") is &ktstr_eevdf. */
const struct ktstr_test *find_test(const char *name);
const struct ktstr_scheduler *find_scheduler(const char *name);

/* The test's scheduler: its .scheduler, or &ktstr_eevdf. */
const struct ktstr_scheduler *entry_scheduler(const struct ktstr_test *t);
/* True when the scheduler is a sched_ext binary (not the kernel default). */
bool entry_sched_active(const struct ktstr_test *t);

/*
 * Topology: per dimension, the test's value if set, else its scheduler's
 * topology, else 1n1l2c1t. No NUMA distances or per-node memory.
 */
void entry_topology(const struct ktstr_test *t, struct ktstr_topology *out);
unsigned entry_duration_s(const struct ktstr_test *t);
unsigned entry_workers_per_cgroup(const struct ktstr_test *t);
/* max(declared or ENTRY_DEFAULT_MEMORY_MB, cpus * 64, 256) for a topology of cpus. */
unsigned entry_memory_mb(const struct ktstr_test *t, unsigned cpus);
/*
 * Timeouts. A test's timeout_s (or --timeout) is the wall limit of its body: the
 * guest stops the body there (the host, for a host-only test). The VM's limit
 * is the body's plus the boot allowance, the time to boot the guest and start
 * the body. Both scale with the accelerator: boot, scheduler attach, worker
 * start and collection run 5-50x slower under TCG.
 *
 * entry_timeout_s is the body's limit: the test's timeout_s if set, else the
 * duration, plus each payload's own timeout, plus the boot allowance again as
 * the margin for the body's setup and collection.
 */
unsigned entry_timeout_s(const struct ktstr_test *t, unsigned cpus, enum accel_kind accel);
/* The boot allowance: the VM's limit is the body's limit plus this. */
unsigned entry_boot_allowance_s(unsigned cpus, enum accel_kind accel);
/* sched_ext watchdog seconds: the test's, else its scheduler's, else 4. */
unsigned entry_watchdog_s(const struct ktstr_test *t);
/* Gauntlet constraints: test field if set, else the scheduler's, else unset (0). */
void entry_constraints(const struct ktstr_test *t, struct ktstr_constraints *out);
/* The scheduler's flag named name, or NULL. */
const struct ktstr_flag *entry_find_flag(const struct ktstr_scheduler *s, const char *name);

#endif
