// SPDX-License-Identifier: GPL-2.0-only
/*
 * Workloads under EEVDF that must PASS: steady cgroups and cpuset isolation,
 * a handful of catalog scenarios, and every work type (20) making progress.
 * Several scenarios share one VM: each boot costs seconds under TCG.
 */
#include <ktstr/ktstr.h>

/* Two busy cgroups, then one cgroup per LLC confined to it (isolation checked). */
KTSTR_TEST(wl_steady_and_isolation, .llcs = 2, .cores = 2, .duration_s = 2,
	   .isolation = KTSTR_ON)
{
	int v = ktstr_scenario_steady(ctx);

	if (v != KTSTR_PASS)
		return v;
	return ktstr_run_cgroups(ctx, KTSTR_CGROUPS(
		{ .name = "llc_0", .cpuset = KTSTR_CPUSET_LLC(0) },
		{ .name = "llc_1", .cpuset = KTSTR_CPUSET_LLC(1) }));
}

/* Dynamic scenarios from the catalog (2 s each: shorter runs are noisy under TCG). */
KTSTR_TEST(wl_catalog_dynamic, .llcs = 2, .cores = 2, .duration_s = 2, .isolation = KTSTR_ON)
{
	static const char *const names[] = { "cpuset_apply",  "cpuset_swap",
					     "cgroup_remove", "nested_task_move",
					     "affinity_change" };
	int v = KTSTR_PASS;

	for (unsigned i = 0; i < sizeof(names) / sizeof(names[0]) && v == KTSTR_PASS; i++) {
		ktstr_log(ctx, "scenario %s", names[i]);
		v = ktstr_scenario_run(ctx, names[i]);
	}
	return v;
}

static int custom_unit(struct ktstr_worker *w, void *arg)
{
	ktstr_worker_add_work(w, 1);
	ktstr_worker_sleep_ns(w, 1000000);
	return 0;
}

/* Every work type at once, one cgroup each: every worker must make progress. Workers of
 * different types share 4 CPUs unevenly, so fairness spread is not judged here. */
KTSTR_TEST(wl_all_work_types, .llcs = 2, .cores = 2, .duration_s = 2,
	   .max_spread_pct = KTSTR_SET(100.0))
{
	struct ktstr_cgroup_def defs[KTSTR_WT_COUNT + 1] = { 0 };

	for (int t = 0; t < KTSTR_WT_COUNT; t++) {
		defs[t].name = ktstr_work_type_name(t);
		defs[t].work.type = t;
		defs[t].workers = ktstr_work_group_size(&defs[t].work);
		if (defs[t].workers < 2)
			defs[t].workers = 2;
	}
	/* one messenger and two workers multiplying small matrices */
	defs[KTSTR_WT_FAN_OUT_COMPUTE].work.p.group = 2;
	defs[KTSTR_WT_FAN_OUT_COMPUTE].work.p.operations = 1;
	defs[KTSTR_WT_FAN_OUT_COMPUTE].workers = 3;
	defs[KTSTR_WT_FUTEX_FAN_OUT].work.p.group = 2;
	defs[KTSTR_WT_FUTEX_FAN_OUT].workers = 3;
	defs[KTSTR_WT_SEQUENCE].work.phases =
		KTSTR_PHASES(KTSTR_PHASE_SPIN(20), KTSTR_PHASE_SLEEP(10), KTSTR_PHASE_IO(10));
	defs[KTSTR_WT_CUSTOM].work.custom = custom_unit;
	defs[KTSTR_WT_COUNT].end_ = true;
	return ktstr_run_cgroups(ctx, defs);
}
