/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Host-insufficiency classes: reasons a test could not run on this host that
 * say nothing about the scheduler. Some are skips (the test is fine, the host
 * is too small or busy), some are failures (the request itself cannot work).
 * --no-skip (KTSTR_NO_SKIP) turns every skip into a failure, for CI hosts
 * that must run everything.
 *
 *	class                      default  --no-skip
 *	topology insufficient      skip     fail   (needs more vCPUs than allowed here)
 *	resource contention        skip     fail   (host CPUs busy / budget taken)
 *	kernel unavailable         skip     fail   (no kernel resolvable: harness not configured)
 *	kernel lacks sched_ext     skip     fail   (test needs a sched_ext scheduler)
 *	accelerator unavailable    fail     fail   (KTSTR_ACCEL=kvm without KVM, no QEMU)
 *	topology unrepresentable   fail     fail   (beyond what QEMU can build at all)
 */
#ifndef KTSTR_HOST_CLASS_H
#define KTSTR_HOST_CLASS_H

#include <stdbool.h>

#include <ktstr/ktstr.h>

#include "core/topo.h"
#include "vm/accel.h"

enum host_class {
	HOST_OK = 0,
	HOST_TOPOLOGY_INSUFFICIENT,
	HOST_RESOURCE_CONTENTION,
	HOST_KERNEL_UNAVAILABLE,
	HOST_KERNEL_NO_SCHED_EXT,
	HOST_ACCEL_UNAVAILABLE,
	HOST_TOPOLOGY_UNREPRESENTABLE,
};

/* "topology insufficient", ... */
const char *host_class_name(enum host_class c);
/* KTSTR_PASS for HOST_OK, else KTSTR_SKIP or KTSTR_FAIL per the table above. */
enum ktstr_verdict host_class_verdict(enum host_class c, bool no_skip);
/*
 * The line shown under the SKIP/FAIL and stored as skip reason or detail:
 * "host topology insufficient: needs 16 vCPUs, tcg allows 8 on this host".
 * Under no_skip, skip classes say how to get a run instead. Caller frees.
 */
char *host_class_message(enum host_class c, const char *reason, bool no_skip);

/*
 * Most vCPUs one test VM may have here: KVM -> host CPUs; TCG -> 4 per host
 * CPU, at least 8 (emulated vCPUs are threads that time-share); never more
 * than KTSTR_TOPO_MAX_CPUS. Env KTSTR_MAX_VCPUS (a number) overrides.
 */
unsigned host_class_max_vcpus(enum accel_kind accel, unsigned host_cpus);

/*
 * Classify a topology for this host: HOST_TOPOLOGY_UNREPRESENTABLE above
 * KTSTR_TOPO_MAX_CPUS or KTSTR_TOPO_MAX_NODES, HOST_TOPOLOGY_INSUFFICIENT
 * above host_class_max_vcpus, else HOST_OK. *reason (caller frees) says why.
 */
enum host_class host_class_check_topology(const struct ktstr_topology *t, enum accel_kind accel,
					  unsigned host_cpus, char **reason);

#endif
