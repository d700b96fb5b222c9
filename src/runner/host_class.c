// SPDX-License-Identifier: GPL-2.0-only
/* Host-insufficiency classes: skip or fail, and --no-skip. */
#include <stdlib.h>

#include "runner/host_class.h"
#include "util/util.h"

#define TCG_VCPUS_PER_HOST_CPU 4
#define TCG_MIN_VCPUS 8

struct class_info {
	const char *name;
	bool skip;            /* skipped unless --no-skip */
	const char *no_skip_hint;
};

static const struct class_info classes[] = {
	[HOST_OK] = { "ok", false, NULL },
	[HOST_TOPOLOGY_INSUFFICIENT] = { "host topology insufficient", true,
		"run on a host with more CPUs, narrow the test's topology, raise KTSTR_MAX_VCPUS, or drop --no-skip to accept the skip" },
	[HOST_RESOURCE_CONTENTION] = { "resource contention", true,
		"run with fewer parallel VMs (-j), on a quieter host, or drop --no-skip to accept the skip" },
	[HOST_KERNEL_UNAVAILABLE] = { "harness not configured: no kernel", true,
		"pass --kernel, set KTSTR_KERNEL, or run `ktstr kernel fetch`" },
	[HOST_KERNEL_NO_SCHED_EXT] = { "kernel lacks sched_ext", true,
		"use a kernel built with CONFIG_SCHED_CLASS_EXT=y (`ktstr kernel fetch` gets one)" },
	[HOST_ACCEL_UNAVAILABLE] = { "accelerator unavailable", false, NULL },
	[HOST_TOPOLOGY_UNREPRESENTABLE] = { "topology unrepresentable", false, NULL },
};

const char *host_class_name(enum host_class c)
{
	if ((unsigned)c >= ARRAY_SIZE(classes))
		return "unknown";
	return classes[c].name;
}

enum ktstr_verdict host_class_verdict(enum host_class c, bool no_skip)
{
	if (c == HOST_OK)
		return KTSTR_PASS;
	if ((unsigned)c < ARRAY_SIZE(classes) && classes[c].skip && !no_skip)
		return KTSTR_SKIP;
	return KTSTR_FAIL;
}

char *host_class_message(enum host_class c, const char *reason, bool no_skip)
{
	const char *name = host_class_name(c);

	if (!reason || !*reason)
		reason = "<unknown>";
	if ((unsigned)c < ARRAY_SIZE(classes) && classes[c].skip && no_skip)
		return xasprintf("%s under --no-skip: %s. To run it: %s", name, reason,
				 classes[c].no_skip_hint);
	return xasprintf("%s: %s", name, reason);
}

unsigned host_class_max_vcpus(enum accel_kind accel, unsigned host_cpus)
{
	const char *env = getenv("KTSTR_MAX_VCPUS");
	uint64_t v;
	unsigned n;

	if (env && *env && !str_to_u64(env, &v) && v > 0)
		return (unsigned)MIN(v, (uint64_t)KTSTR_TOPO_MAX_CPUS);
	if (!host_cpus)
		host_cpus = 1;
	if (accel == ACCEL_KVM)
		n = host_cpus;
	else
		n = MAX(host_cpus * TCG_VCPUS_PER_HOST_CPU, (unsigned)TCG_MIN_VCPUS);
	return MIN(n, (unsigned)KTSTR_TOPO_MAX_CPUS);
}

enum host_class host_class_check_topology(const struct ktstr_topology *t, enum accel_kind accel,
					  unsigned host_cpus, char **reason)
{
	unsigned long long cpus =
		(unsigned long long)t->llcs * t->cores_per_llc * t->threads_per_core;
	unsigned max = host_class_max_vcpus(accel, host_cpus);

	if (reason)
		*reason = NULL;
	if (cpus > KTSTR_TOPO_MAX_CPUS || t->numa_nodes > KTSTR_TOPO_MAX_NODES) {
		if (reason)
			*reason = xasprintf("%llu vCPUs in %u NUMA nodes; a VM can have at most %u vCPUs and %u nodes",
					    cpus, t->numa_nodes, KTSTR_TOPO_MAX_CPUS,
					    KTSTR_TOPO_MAX_NODES);
		return HOST_TOPOLOGY_UNREPRESENTABLE;
	}
	if (cpus > max) {
		if (reason)
			*reason = xasprintf("needs %llu vCPUs, %s allows %u on this host (%u CPUs)", cpus,
					    accel_name(accel), max, host_cpus);
		return HOST_TOPOLOGY_INSUFFICIENT;
	}
	return HOST_OK;
}
