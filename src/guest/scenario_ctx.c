// SPDX-License-Identifier: GPL-2.0-only
/* The public scenario API on a test body's context: thin wrappers over guest/scenario.c. */
#include "guest/catalog.h"
#include "guest/ctx.h"
#include "guest/cgroup.h"
#include "guest/scenario.h"
#include "util/util.h"

void scn_env_from_ctx(struct ktstr_ctx *ctx, struct scn_env *env)
{
	*env = (struct scn_env){
		.topo = &ctx->topo,
		.duration_ms = ctx->duration_ms,
		.workers_per_cgroup = ctx->workers_per_cgroup,
		/* merged, time limits scaled by the host (orders); the checks say by how much */
		.thr = &ctx->thresholds,
		.time_scale = ctx->time_scale,
		.accel = ctx->accel,
		.result = &ctx->result,
		.sched_pid = ctx->sched_pid,
		.cgroup_parent = ctx->cgroup_root,
		.sched_name = ctx->test && ctx->test->scheduler ? ctx->test->scheduler->name : NULL,
		.ctx = ctx,
	};
}

char *ktstr_cgroup_path(struct ktstr_ctx *ctx, const char *name)
{
	const char *root = ctx->cgroup_root ? ctx->cgroup_root : CGROUP_DEFAULT_PARENT;

	return name && *name ? xasprintf("%s/%s", root, name) : xstrdup(root);
}

int ktstr_run_cgroups(struct ktstr_ctx *ctx, const struct ktstr_cgroup_def *defs)
{
	struct scn_env env;

	scn_env_from_ctx(ctx, &env);
	return scn_run_cgroups(&env, defs);
}

int ktstr_run_steps(struct ktstr_ctx *ctx, const struct ktstr_step *steps)
{
	struct scn_env env;

	scn_env_from_ctx(ctx, &env);
	return scn_run_steps(&env, steps);
}

int ktstr_run_scenario(struct ktstr_ctx *ctx, const struct ktstr_backdrop *backdrop,
		       const struct ktstr_step *steps)
{
	struct scn_env env;

	scn_env_from_ctx(ctx, &env);
	return scn_run_scenario(&env, backdrop, steps);
}

struct ktstr_reports *ktstr_spawn_and_collect(struct ktstr_ctx *ctx, const char *cg, unsigned n,
					      struct ktstr_work w)
{
	struct scn_env env;

	scn_env_from_ctx(ctx, &env);
	return scn_spawn_and_collect(&env, cg, n, w);
}

int ktstr_reports_check(struct ktstr_ctx *ctx, const struct ktstr_reports *r)
{
	struct scn_env env;

	scn_env_from_ctx(ctx, &env);
	return scn_reports_check(&env, r);
}

/* ---- the catalog as public one-liners ---- */

int ktstr_scenario_run(struct ktstr_ctx *ctx, const char *name)
{
	const struct scn_entry *e = scn_catalog_find(name);
	struct scn_env env;

	if (!e)
		return ktstr_fail(ctx, KTSTR_OTHER, "no scenario named '%s' in the catalog",
				  name ? name : "(null)");
	scn_env_from_ctx(ctx, &env);
	{
		struct scn_offer o = {
			.cpus = cat_ncpus(&env),
			.llcs = env.topo->nllcs,
			.numa_nodes = env.topo->nnodes,
			.threads_per_core = env.topo->threads_per_core,
			.sched_ext = env.sched_pid != 0,
		};
		char why[128];

		if (scn_needs_unmet(&e->pub.needs, &o, why, sizeof(why)))
			return ktstr_skip(ctx, "%s", why);
	}
	return e->run(&env);
}

#define ONE_LINER(n)                                                                               \
	int ktstr_scenario_##n(struct ktstr_ctx *ctx)                                              \
	{                                                                                          \
		return ktstr_scenario_run(ctx, #n);                                                \
	}

ONE_LINER(steady)
ONE_LINER(steady_llc)
ONE_LINER(oversubscribed)
ONE_LINER(cpuset_apply)
ONE_LINER(cpuset_clear)
ONE_LINER(cpuset_resize)
ONE_LINER(cgroup_add)
ONE_LINER(cgroup_remove)
ONE_LINER(affinity_change)
ONE_LINER(affinity_pinned)
ONE_LINER(mixed_workloads)
ONE_LINER(nested_steady)
ONE_LINER(nested_task_move)
