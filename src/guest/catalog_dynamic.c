// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "dynamic" category. */
#include "guest/catalog.h"

#define CATEGORY "dynamic"

static int cat_cgroup_add(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_1"})}));
}

static int cat_cgroup_remove(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("cg_1"))}));
}

static int cat_cgroup_churn(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "stable"},
						       {.name = "churn", .no_workers = true}),
			      .ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("churn"),
					       KTSTR_OP_SPAWN("churn", KTSTR_WORK_CPU_SPIN)),
			      .hold = {.kind = KTSTR_HOLD_KIND_LOOP, .interval_ms = 250}}));
}

static int cat_cgroup_add_many(struct scn_env *env)
{
	return scn_run_steps(env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_1"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_2"})},
					      {.cgroups = KTSTR_CGROUPS({.name = "cg_3"})}));
}

static int cat_work_change(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "change"}, {.name = "spin"})},
			{.ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("change"),
					  KTSTR_OP_SPAWN("change", KTSTR_WORK_BURSTY_P(10, 10)))},
			{.ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("change"),
					  KTSTR_OP_SPAWN("change", KTSTR_WORK_YIELD_HEAVY))}));
}

static int cat_cgroup_replace(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "old"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("old")),
			      .cgroups = KTSTR_CGROUPS({.name = "new"})}));
}

/* A CPU taken offline or brought back through sysfs: a KTSTR_OP_CALL stimulus. */
struct hotplug {
	unsigned cpu;
	bool online;
};

static int cpu_set_online(struct ktstr_ctx *ctx, void *arg)
{
	const struct hotplug *h = arg;
	char *path = xasprintf("/sys/devices/system/cpu/cpu%u/online", h->cpu);
	int ret = file_write_str(path, h->online ? "1" : "0");

	free(path);
	return ret;
}

/*
 * The highest CPU goes offline for the middle third of the run, then comes back. Only
 * under the kernel's scheduler: a sched_ext scheduler without cpu_online/cpu_offline
 * callbacks is made to exit by the kernel on any hotplug, by design.
 */
static int cat_cpu_hotplug(struct scn_env *env)
{
	int last = -1;
	char *path;
	bool can;

	for (int c = cpuset_next(&env->topo->online, 0); c >= 0;
	     c = cpuset_next(&env->topo->online, (unsigned)c + 1))
		last = c;
	if (env->sched_pid) {
		result_skip(env->result,
			    "CPU hotplug makes a sched_ext scheduler exit unless it "
			    "implements cpu_online/cpu_offline; runs under the kernel's "
			    "scheduler");
		return KTSTR_SKIP;
	}
	path = xasprintf("/sys/devices/system/cpu/cpu%d/online", last);
	can = last > 0 && path_exists(path);
	free(path);
	if (!can) {
		result_skip(env->result,
			    "CPU %d cannot be taken offline (no hotplug control "
			    "in sysfs)",
			    last);
		return KTSTR_SKIP;
	}
	{
		struct hotplug off = {(unsigned)last, false}, on = {(unsigned)last, true};

		return scn_run_steps(
		    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"})},
				     {.ops = KTSTR_OPS(KTSTR_OP_CALL(cpu_set_online, &off))},
				     {.ops = KTSTR_OPS(KTSTR_OP_CALL(cpu_set_online, &on))}));
	}
}

/* A backdrop cgroup spins through every step while cgroups come and go around it. */
static int cat_backdrop_steps(struct scn_env *env)
{
	return scn_run_scenario(
	    env, &(struct ktstr_backdrop){.cgroups = KTSTR_CGROUPS({.name = "backdrop"})},
	    KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"})},
			{.ops = KTSTR_OPS(KTSTR_OP_REMOVE_CGROUP("cg_0")),
			 .cgroups = KTSTR_CGROUPS({.name = "cg_1"})},
			{.ops = KTSTR_OPS(KTSTR_OP_STOP_CGROUP("cg_1"))}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_dynamic[] = {
    SCN(backdrop_steps, "a backdrop cgroup runs through three steps that add and remove cgroups"),
    SCN(cgroup_add, "a second cgroup of workers is added mid-run"),
    SCN(cgroup_add_many, "four cgroups of workers join one per quarter of the run"),
    SCN(cgroup_churn, "a cgroup's workers are stopped and respawned every 250 ms"),
    SCN(cgroup_remove, "one of two busy cgroups is removed mid-run"),
    SCN(cgroup_replace, "a busy cgroup is removed and a new one started in the same step"),
    SCN(cpu_hotplug,
	"the highest CPU goes offline under two busy cgroups, then comes back "
	"(kernel scheduler only)",
	.cpus = 2),
    SCN(work_change, "a cgroup's workers are replaced: CpuSpin, then Bursty, then YieldHeavy"),
};

const unsigned scn_catalog_dynamic_count = ARRAY_SIZE(scn_catalog_dynamic);
