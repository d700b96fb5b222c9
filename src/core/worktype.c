// SPDX-License-Identifier: GPL-2.0-only
/* The work types' names, shared by the guest's workers, checks and reports. */
#include <ktstr/scenario.h>
#include <string.h>

static const char *const names[KTSTR_WT_COUNT] = { 
	[KTSTR_WT_CPU_SPIN] = "CpuSpin",
	[KTSTR_WT_YIELD_HEAVY] = "YieldHeavy",
	[KTSTR_WT_MIXED] = "Mixed",
	[KTSTR_WT_IO_SYNC] = "IoSync",
	[KTSTR_WT_BURSTY] = "Bursty",
	[KTSTR_WT_PIPE_IO] = "PipeIo",
	[KTSTR_WT_FUTEX_PING_PONG] = "FutexPingPong",
	[KTSTR_WT_CACHE_PRESSURE] = "CachePressure",
	[KTSTR_WT_FORK_EXIT] = "ForkExit",
	[KTSTR_WT_NICE_SWEEP] = "NiceSweep",
	[KTSTR_WT_AFFINITY_CHURN] = "AffinityChurn",
	[KTSTR_WT_POLICY_CHURN] = "PolicyChurn",
	[KTSTR_WT_PAGE_FAULT_CHURN] = "PageFaultChurn",
	[KTSTR_WT_MUTEX_CONTENTION] = "MutexContention",
	[KTSTR_WT_FAN_OUT_COMPUTE] = "FanOutCompute",
	[KTSTR_WT_CACHE_YIELD] = "CacheYield",
	[KTSTR_WT_CACHE_PIPE] = "CachePipe",
	[KTSTR_WT_FUTEX_FAN_OUT] = "FutexFanOut",
	[KTSTR_WT_SEQUENCE] = "Sequence",
	[KTSTR_WT_CUSTOM] = "Custom",
};

const char *ktstr_work_type_name(enum ktstr_work_type t)
{
	return (unsigned)t < KTSTR_WT_COUNT ? names[t] : "?";
}

int ktstr_work_type_parse(const char *name)
{
	for (unsigned i = 0; i < KTSTR_WT_COUNT; i++)
		if (name && !strcmp(name, names[i]))
			return (int)i;
	return -1;
}

static const char *const mpol_names[] = {
	[KTSTR_MPOL_DEFAULT] = "default",
	[KTSTR_MPOL_BIND] = "bind",
	[KTSTR_MPOL_PREFERRED] = "preferred",
	[KTSTR_MPOL_INTERLEAVE] = "interleave",
	[KTSTR_MPOL_LOCAL] = "local",
	[KTSTR_MPOL_PREFERRED_MANY] = "preferred-many",
	[KTSTR_MPOL_WEIGHTED_INTERLEAVE] = "weighted-interleave",
};

const char *ktstr_mpol_mode_name(enum ktstr_mpol_mode m)
{
	return (unsigned)m < sizeof(mpol_names) / sizeof(mpol_names[0]) ? mpol_names[m] : "?";
}
