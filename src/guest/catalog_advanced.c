// SPDX-License-Identifier: GPL-2.0-only
/* Catalog scenarios of the "advanced" category: scheduling classes side by side (RT and
 * deadline tasks beside normal ones, which are sched_ext tasks under a sched_ext
 * scheduler), running tasks switched between classes, cgroup weights and nice levels
 * changed mid-run. RT and deadline work here is bursty or bandwidth-limited: an RT task
 * that never sleeps owns its CPU by design, which no check could fairly judge. */
#include "guest/catalog.h"

#define CATEGORY "advanced"

static int cat_rt_fifo_beside_normal(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "rt",
				.work = KTSTR_WORK(KTSTR_WT_BURSTY, .policy = KTSTR_POLICY_FIFO,
						   .p = {.burst_ms = 5, .sleep_ms = 20})},
			       {.name = "cg_0", .workers = n}, {.name = "cg_1", .workers = n}));
}

/*
 * One cgroup of spinners, not two: the RR pair takes half of one CPU, and how much of
 * that loss falls on which cgroup's spinners is placement, not fairness (EEVDF left
 * one of two cgroups waiting 27 points more).
 */
static int cat_rt_rr_pinned_pair(struct scn_env *env)
{
	return scn_run_cgroups(
	    env, KTSTR_CGROUPS({.name = "rr",
				.workers = 2,
				.work = KTSTR_WORK(KTSTR_WT_BURSTY, .policy = KTSTR_POLICY_RR,
						   .p = {.burst_ms = 10, .sleep_ms = 30},
						   .affinity = {.kind = KTSTR_AFF_SINGLE_CPU})},
			       {.name = "spin", .workers = MAX(cat_ncpus(env), 1u)}));
}

static int cat_deadline_beside_normal(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "dl",
			   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_DEADLINE,
					      .dl_runtime_us = 2000, .dl_period_us = 10000)},
			  {.name = "cg_0", .workers = n}, {.name = "cg_1", .workers = n}));
}

static int cat_class_ladder(struct scn_env *env)
{
	return scn_run_cgroups(
	    env,
	    KTSTR_CGROUPS({.name = "dl",
			   .workers = 1,
			   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_DEADLINE,
					      .dl_runtime_us = 1000, .dl_period_us = 10000)},
			  {.name = "rt",
			   .workers = 1,
			   .work = KTSTR_WORK(KTSTR_WT_BURSTY, .policy = KTSTR_POLICY_FIFO,
					      .p = {.burst_ms = 2, .sleep_ms = 18})},
			  {.name = "normal"},
			  {.name = "batch",
			   .work = KTSTR_WORK(KTSTR_WT_CPU_SPIN, .policy = KTSTR_POLICY_BATCH)},
			  {.name = "idle",
			   .work = KTSTR_WORK(KTSTR_WT_BURSTY, .policy = KTSTR_POLICY_IDLE,
					      .p = {.burst_ms = 10, .sleep_ms = 10})}));
}

static int cat_policy_switch(struct scn_env *env)
{
	return scn_run_steps(
	    env, KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"})},
			     {.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("cg_0", KTSTR_POLICY_BATCH))},
			     {.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("cg_0", KTSTR_POLICY_IDLE))},
			     {.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("cg_0", KTSTR_POLICY_NORMAL))}));
}

/* Bursty workers leave the fair (or sched_ext) class for FIFO, then deadline (6 ms every
 * 20 ms covers a 5 ms burst), and come back. */
static int cat_class_switch(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS({.name = "switch", .work = KTSTR_WORK_BURSTY_P(5, 15)},
					  {.name = "spin"})},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("switch", KTSTR_POLICY_FIFO))},
		{.ops =
		     KTSTR_OPS(KTSTR_OP_SET_POLICY("switch", KTSTR_POLICY_DEADLINE,
						   .dl_runtime_us = 6000, .dl_period_us = 20000))},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("switch", KTSTR_POLICY_NORMAL))}));
}

static int cat_weight_change(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_steps(env,
			     KTSTR_STEPS({.cgroups = KTSTR_CGROUPS({.name = "cg_0", .workers = n},
								   {.name = "cg_1", .workers = n})},
					 {.ops = KTSTR_OPS(KTSTR_OP_SET_WEIGHT("cg_0", 400))},
					 {.ops = KTSTR_OPS(KTSTR_OP_SET_WEIGHT("cg_0", 25))},
					 {.ops = KTSTR_OPS(KTSTR_OP_SET_WEIGHT("cg_0", 100))}));
}

static int cat_weight_skew(struct scn_env *env)
{
	unsigned n = MAX(cat_ncpus(env), 1u);

	return scn_run_steps(
	    env,
	    KTSTR_STEPS({.ops = KTSTR_OPS(
			     KTSTR_OP_ADD_CGROUP("light"), KTSTR_OP_ADD_CGROUP("heavy"),
			     KTSTR_OP_SET_WEIGHT("light", 50), KTSTR_OP_SET_WEIGHT("heavy", 200)),
			 .cgroups = KTSTR_CGROUPS({.name = "light", .workers = n},
						  {.name = "heavy", .workers = n},
						  {.name = "default", .workers = n})}));
}

static int cat_nice_change(struct scn_env *env)
{
	return scn_run_steps(
	    env,
	    KTSTR_STEPS(
		{.cgroups = KTSTR_CGROUPS({.name = "cg_0"}, {.name = "cg_1"})},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("cg_0", KTSTR_POLICY_NORMAL, .nice = 5))},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("cg_0", KTSTR_POLICY_NORMAL, .nice = -5))},
		{.ops = KTSTR_OPS(KTSTR_OP_SET_POLICY("cg_0", KTSTR_POLICY_NORMAL))}));
}

/* Sorted by name. */
const struct scn_entry scn_catalog_advanced[] = {
    SCN(class_ladder, "deadline, FIFO, normal, batch and idle tasks side by side"),
    SCN(class_switch, "Bursty workers switched normal -> FIFO -> deadline -> normal mid-run"),
    SCN(deadline_beside_normal, "SCHED_DEADLINE spinners (2 ms every 10 ms) beside two cgroups "
				"of one spinner per CPU"),
    SCN(nice_change, "one cgroup's spinners go to nice 5, then -5, then back to 0"),
    SCN(policy_switch, "one cgroup's spinners switched normal -> batch -> idle -> normal"),
    SCN(rt_fifo_beside_normal, "FIFO Bursty workers (5 ms on, 20 ms off) beside two cgroups of "
			       "one spinner per CPU"),
    SCN(rt_rr_pinned_pair, "two RR Bursty workers share one CPU beside one spinner per CPU"),
    SCN(weight_change, "cgroup cpu.weight goes 100 -> 400 -> 25 -> 100 under contention"),
    SCN(weight_skew, "cgroups of weight 50, 200 and 100, one spinner per CPU each"),
};

const unsigned scn_catalog_advanced_count = ARRAY_SIZE(scn_catalog_advanced);
