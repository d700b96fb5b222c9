// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process entry: one binary plays every role (docs/execution.md).
 *
 *	PID 1 in the guest                     -> guest init
 *	--ktstr-test-fn=NAME                   -> guest test body (run by init)
 *	--ktstr-test-fn=NAME --ktstr-topo=T    -> host: one VM for NAME with topology T
 *	anything else                          -> host suite: validate, list or run
 *
 * libktstr supplies a weak main() calling ktstr_main(); a test file may define
 * its own main() and call ktstr_main() from it.
 */
#include "core/entry.h"
#include "core/thresholds.h"
#include "guest/body.h"
#include "guest/init.h"
#include "runner/args.h"
#include "runner/budget.h"
#include "runner/entry_validate.h"
#include "runner/output.h"
#include "runner/partition.h"
#include "runner/plan.h"
#include "runner/preflight.h"
#include "runner/run_one.h"
#include "runner/sidecar.h"
#include "runner/suite.h"
#include "util/util.h"
#include "vm/accel.h"
#include "vm/snapshot.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog_name(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;

	return s ? s + 1 : argv0 ? argv0 : "ktstr-test";
}

static int host_single(const struct ktstr_args *a, const struct run_opts *opts)
{
	const struct ktstr_test *t = find_test(a->test_fn);
	struct plan_item it;
	struct run_outcome o;
	char *err = NULL;
	int code;

	if (!t) {
		fprintf(stderr, "%s: unknown test '%s'\n", a->prog, a->test_fn);
		return KTSTR_EXIT_USAGE;
	}
	run_item_for(t, &it);
	if (topo_parse(a->topo, &it.topo, &err)) {
		fprintf(stderr, "%s: --ktstr-topo: %s\n", a->prog, err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	code = run_one(&it, opts, &o) == KTSTR_FAIL ? KTSTR_EXIT_FAIL : KTSTR_EXIT_PASS;
	fputs(o.text, stdout);
	fflush(stdout);
	run_outcome_free(&o);
	return code;
}

static int show_thresholds(const char *name, const char *prog)
{
	const struct ktstr_test *t = find_test(name);
	struct strbuf sb = { 0 };

	if (!t) {
		fprintf(stderr, "%s: unknown test '%s'\n", prog, name);
		return KTSTR_EXIT_USAGE;
	}
	thresholds_format(t, &sb);
	fputs(sb.buf ? sb.buf : "", stdout);
	sb_free(&sb);
	return KTSTR_EXIT_PASS;
}

/* Keep this shard's items (partition.h); a run (not --list) leaves the shard
 * manifest in its run directory. */
static int shard_keep(const struct ktstr_args *a, struct plan *p)
{
	struct partition pt = { a->part_index, a->part_count, a->part_source };
	bool *keep = xcalloc(p->n ? p->n : 1, sizeof(*keep));
	char *dir = a->list ? NULL : sidecar_run_dir(), *err = NULL;
	int r = partition_select(p->items, p->n, &pt, snapshot_enabled(), a->prog, dir, keep, &err);

	if (r) {
		fprintf(stderr, "%s: %s\n", a->prog, err);
		free(err);
	} else {
		plan_keep(p, keep);
	}
	free(dir);
	free(keep);
	return r ? KTSTR_EXIT_USAGE : KTSTR_EXIT_PASS;
}

/* preflight_schedulers with this binary's directory and $PATH, as a run resolves them */
static int preflight_run_schedulers(const struct plan *p, char **err)
{
	char *self = realpath("/proc/self/exe", NULL);
	int ret = preflight_schedulers(p->items, p->n, self ? dirname(self) : NULL,
				       getenv("PATH"), err);

	free(self);
	return ret;
}

static int suite(const struct ktstr_args *a, const struct run_opts *opts)
{
	size_t n;
	const struct ktstr_test *const *all = registry_tests(&n);
	struct plan_opts po = {
		.gauntlet = a->gauntlet,
		.kernels = (const char *const *)a->kernels,
		.accel = ACCEL_TCG,
		.host_cpus = (unsigned)MAX(sysconf(_SC_NPROCESSORS_ONLN), 1L),
	};
	struct accel_choice accel;
	struct plan p;
	char *err = NULL;
	int code;

	/* the gauntlet keeps only presets this host can boot with this accelerator */
	if (a->gauntlet || a->budget_s > 0) {
		if (accel_detect(&accel))
			return KTSTR_EXIT_USAGE;
		po.accel = accel.kind;
	}
	if (plan_build(all, n, &po, &p, &err)) {
		fprintf(stderr, "%s: %s\n", a->prog, err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	plan_filter(&p, a);
	if (a->budget_s > 0) {
		bool *keep = xcalloc(p.n ? p.n : 1, sizeof(*keep));
		struct budget_result res;
		struct strbuf sb = { 0 };

		budget_select(p.items, p.n, a->budget_s, po.accel, keep, &res);
		plan_keep(&p, keep);
		budget_format(&sb, a->budget_s, &res, a->gauntlet ? "variants" : "tests");
		fputs(sb.buf ? sb.buf : "", stderr);
		sb_free(&sb);
		free(keep);
	}
	if (a->part_count && (code = shard_keep(a, &p)) != KTSTR_EXIT_PASS) {
		plan_free(&p);
		return code;
	}
	plan_repeat(&p, a->repeat);
	if (a->list) {
		struct strbuf sb = { 0 };

		output_list_format(&sb, p.items, p.n, a->json);
		fputs(sb.buf ? sb.buf : "", stdout);
		sb_free(&sb);
		plan_free(&p);
		return KTSTR_EXIT_PASS;
	}
	if (!p.n && a->part_count) {
		fprintf(stderr, "%s: nothing to run in this shard\n", a->prog);
		plan_free(&p);
		return KTSTR_EXIT_PASS;
	}
	if (!p.n) {
		fprintf(stderr, "%s: no test selected (%zu registered; see --list)\n", a->prog, n);
		plan_free(&p);
		return KTSTR_EXIT_USAGE;
	}
	if (preflight_kernels(p.items, p.n, opts->kernel, &err) ||
	    preflight_run_schedulers(&p, &err)) {
		fprintf(stderr, "%s: %s; nothing was run\n", a->prog, err);
		free(err);
		plan_free(&p);
		return KTSTR_EXIT_USAGE;
	}
	code = suite_run(p.items, p.n, opts, a->jobs, a->junit, a->prog);
	plan_free(&p);
	return code;
}

int ktstr_main(int argc, char **argv)
{
	struct ktstr_args a;
	struct run_opts opts;
	char *err = NULL;
	int code;

	if (getpid() == 1)
		return guest_init_main(argc, argv);
	if (args_parse(argc, argv, &a, &err)) {
		fprintf(stderr, "%s: %s\n", prog_name(argc ? argv[0] : NULL), err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	a.prog = prog_name(a.prog);
	if (a.role == ARGS_ROLE_GUEST_BODY) {
		code = body_main(a.test_fn);
		args_free(&a);
		return code;
	}
	if (a.help) {
		args_usage(stdout, a.prog);
		args_free(&a);
		return KTSTR_EXIT_PASS;
	}
	log_verbosity = a.verbosity;
	if (a.no_snapshot) /* the suite's workers inherit it */
		setenv("KTSTR_SNAPSHOT", "0", 1);
	/* every registration is checked before anything lists or boots */
	if (entry_validate_registry()) {
		args_free(&a);
		return KTSTR_EXIT_USAGE;
	}
	opts = (struct run_opts){
		.kernel = a.nkernels == 1 ? a.kernels[0] : NULL,
		.timeout_s = a.timeout_s,
		.include_files = (const char *const *)a.includes,
		.no_skip = a.no_skip,
		.budget_s = a.budget_s,
		.verbosity = a.verbosity,
		.color = output_use_color(stdout),
		.retries = a.retries,
		.flaky_fails = a.flaky_fails,
		.trace = a.trace,
		.auto_repro = a.auto_repro,
	};
	if (a.role == ARGS_ROLE_HOST_SINGLE)
		code = host_single(&a, &opts);
	else if (a.show_thresholds)
		code = show_thresholds(a.show_thresholds, a.prog);
	else
		code = suite(&a, &opts);
	args_free(&a);
	return code;
}

/* Weak: a test file that defines main() gets its own. */
__attribute__((weak)) KTSTR_API int main(int argc, char **argv)
{
	return ktstr_main(argc, argv);
}
