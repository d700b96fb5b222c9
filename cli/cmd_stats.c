// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr stats`: list runs, show one run, compare two runs.
 *
 * Runs are directories of run records (runner/sidecar.h) under
 * $KTSTR_RUNS_DIR (default ./ktstr-runs). Exit codes: 0 fine, 1 a regression
 * (compare only), 2 bad input (unknown run, corrupt record, bad option).
 */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/commands.h"
#include "core/sched_args.h"
#include "runner/compare.h"
#include "runner/output.h"
#include "runner/sidecar.h"
#include "runner/timefmt.h"
#include "util/util.h"

#define EXIT_BAD_INPUT 2
#define RED "\033[31m"
#define GREEN "\033[32m"
#define BOLD "\033[1m"
#define RESET "\033[0m"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ktstr stats [--runs-dir DIR] list [--json]\n"
		"       ktstr stats [--runs-dir DIR] show RUN [--json]\n"
		"       ktstr stats [--runs-dir DIR] compare A B [SELECT] [--threshold PCT]\n"
		"                   [--changed] [--json]\n"
		"       ktstr stats [--runs-dir DIR] compare RUN --a-X V --b-X W [SELECT] ...\n"
		"\n"
		"Every test run leaves one JSON record per test in a run directory under\n"
		"$KTSTR_RUNS_DIR (default ./ktstr-runs); these commands read them.\n"
		"\n"
		"  list             runs, newest first: run id, tests, passed/failed/skipped,\n"
		"                   kernel, start time\n"
		"  show RUN         one run: verdict, topology, scheduler, duration and key\n"
		"                   statistics per test; failure details under failed tests\n"
		"  compare A B      B against baseline A: verdict changes and per-metric changes.\n"
		"  compare RUN      both sides from one run (or pool), chosen by dimension with\n"
		"                   --a-scheduler/--b-scheduler, --a-kernel/--b-kernel or\n"
		"                   --a-args/--b-args.\n"
		"\n"
		"Pairing: records pair on every dimension (test, variant, topology, scheduler,\n"
		"args, kernel) except those the sides differ in: the ones chosen with --a-X/--b-X,\n"
		"and any where each side has one value and they differ. The first lines say\n"
		"which: 'pairing on test, variant, topology, args, kernel; differing: scheduler\n"
		"(eevdf -> scx_ktstr)'. Records of one test on a side (ktstr run --repeat N)\n"
		"are its samples.\n"
		"\n"
		"Judging: per metric the median (and iqr) of each side's samples from passing\n"
		"records. The change of medians is a regression when it goes the wrong way for\n"
		"the metric's polarity, crosses both its absolute and its relative gate\n"
		"(|change| >= abs and |change|/|A| >= rel) AND, with two or more samples on\n"
		"each side, the 95%% Hodges-Lehmann interval of the shift (Mann-Whitney U)\n"
		"excludes 0. With one sample on a side only the gates apply. Metrics without\n"
		"polarity are shown, never judged. A test that passed in every sample of A\n"
		"and failed in a sample of B is a regression too.\n"
		"\n"
		"RUN, A, B: a run id, a run directory (or one record file), 'latest', or\n"
		"'latest~N' (N runs before the latest).\n"
		"\n"
		"options:\n"
		"  --runs-dir DIR      read runs from DIR instead of $KTSTR_RUNS_DIR\n"
		"  --a-scheduler S, --b-scheduler S\n"
		"                      side A's / B's records: scheduler name (eevdf, scx_ktstr)\n"
		"  --a-kernel K, --b-kernel K\n"
		"                      kernel version or cache id\n"
		"  --a-args 'A', --b-args 'A'\n"
		"                      scheduler arguments, as given ('' = none)\n"
		"  --scenario NAME     only this test/scenario (repeatable; both sides)\n"
		"  --topology T        only this topology (repeatable; both sides)\n"
		"  --threshold PCT     relative gate for every metric, in percent (default: per\n"
		"                      metric, e.g. worst_spread 25%%, payload metrics 10%%)\n"
		"  --changed           compare: print only metrics judged changed\n"
		"  --json              machine-readable output on stdout (compare: everything\n"
		"                      the text shows: samples, medians, quartiles, interval)\n"
		"\n"
		"exit status: 0 no regression, 1 regression (compare), 2 bad input: unknown\n"
		"run, corrupt record, bad option, or no test on both sides (compare)\n"
		"\n"
		"environment: KTSTR_RUNS_DIR  where runs are (default ./ktstr-runs)\n"
		"\n"
		"examples:\n"
		"  ktstr stats list\n"
		"  ktstr stats show latest\n"
		"  ktstr stats compare latest~1 latest --changed\n"
		"  ktstr stats compare --a-scheduler eevdf --b-scheduler scx_ktstr latest\n"
		"  ktstr stats compare base new --scenario steady --a-args '' --b-args '--slow-dispatch'\n");
}

/* ---- loading runs ---- */

struct run {
	char *id;
	char *path;
	struct sidecar_record *recs;
	size_t n;
	size_t corrupt; /* unreadable records (list only tolerates them) */
};

static void run_free(struct run *r)
{
	for (size_t i = 0; i < r->n; i++)
		sidecar_record_free(&r->recs[i]);
	free(r->recs);
	free(r->id);
	free(r->path);
	memset(r, 0, sizeof(*r));
}

static int cmp_rec(const void *a, const void *b)
{
	const struct sidecar_record *x = a, *y = b;
	int c = strcmp(x->test ? x->test : "", y->test ? y->test : "");

	return c ? c : strcmp(x->variant ? x->variant : "", y->variant ? y->variant : "");
}

/*
 * Read the records of the run at path (a directory, or a single record file).
 * strict: the first unreadable record is an error naming the file.
 */
static int run_read(const char *path, bool strict, struct run *run, char **err)
{
	char **files;
	struct stat st;

	if (stat(path, &st) < 0) {
		int e = errno;

		*err = xasprintf("%s: %s", path, strerror(e));
		run_free(run);
		return -e;
	}
	if (S_ISDIR(st.st_mode)) {
		files = sidecar_list_records(path);
		if (!files) {
			*err = xasprintf("%s: cannot list records: %s", path, strerror(errno));
			run_free(run);
			return -EIO;
		}
	} else {
		files = xcalloc(2, sizeof(*files));
		files[0] = xstrdup(path);
	}
	run->path = xstrdup(path);
	if (!run->id) {
		char *copy = xstrdup(path);
		size_t len = strlen(copy);
		const char *slash;

		while (len > 1 && copy[len - 1] == '/')
			copy[--len] = '\0'; /* "RUN/" names RUN */
		slash = strrchr(copy, '/');
		run->id = xstrdup(slash && slash[1] ? slash + 1 : copy);
		free(copy);
	}
	for (size_t i = 0; files[i]; i++) {
		struct sidecar_record rec;
		char *e = NULL;

		if (sidecar_read(files[i], &rec, &e) < 0) {
			if (strict && !*err) {
				*err = e;
				e = NULL;
			} else {
				fprintf(stderr, "ktstr: skipping %s\n", e);
			}
			free(e);
			run->corrupt++;
			continue;
		}
		run->recs = xrealloc(run->recs, (run->n + 1) * sizeof(*run->recs));
		run->recs[run->n++] = rec;
	}
	for (size_t i = 0; files[i]; i++)
		free(files[i]);
	free(files);
	if (strict && *err) {
		run_free(run);
		return -EINVAL;
	}
	if (!S_ISDIR(st.st_mode) && run->n && run->recs[0].run_id) {
		free(run->id); /* a single record file: name the run it belongs to */
		run->id = xstrdup(run->recs[0].run_id);
	}
	xqsort(run->recs, run->n, sizeof(*run->recs), cmp_rec);
	return 0;
}

/* Resolve RUN (id, path, latest, latest~N) and read it. */
static int run_load(const char *root, const char *spec, struct run *run, char **err)
{
	struct sidecar_run *runs = NULL;
	size_t n = 0;
	char *path = NULL;
	int rc;

	memset(run, 0, sizeof(*run));
	if (strchr(spec, '/') || (path_exists(spec) && !timefmt_is_run_id(spec)))
		return run_read(spec, true, run, err);
	rc = sidecar_list_runs(root, &runs, &n);
	if (rc < 0 && rc != -ENOENT) {
		*err = xasprintf("cannot read runs directory %s: %s", root, strerror(-rc));
		return rc;
	}
	if (!strcmp(spec, "latest") || str_starts_with(spec, "latest~")) {
		uint64_t back = 0;

		if (spec[6] && str_to_u64(spec + 7, &back) < 0) {
			*err = xasprintf("bad run '%s': expected latest or latest~N", spec);
			rc = -EINVAL;
		} else if (back >= n) {
			*err = xasprintf("run '%s' does not exist: %zu run(s) under %s", spec, n, root);
			rc = -ENOENT;
		} else {
			run->id = xstrdup(runs[n - 1 - back].id);
			path = xstrdup(runs[n - 1 - back].path);
		}
	} else {
		for (size_t i = 0; i < n && !path; i++)
			if (!strcmp(runs[i].id, spec)) {
				run->id = xstrdup(runs[i].id);
				path = xstrdup(runs[i].path);
			}
		if (!path) {
			*err = xasprintf("unknown run '%s' (no such directory under %s; "
					 "'ktstr stats list' shows the runs)",
					 spec, root);
			rc = -ENOENT;
		}
	}
	sidecar_runs_free(runs, n);
	if (!path)
		return rc;
	rc = run_read(path, true, run, err);
	free(path);
	return rc;
}

/* ---- list ---- */

struct run_summary {
	size_t passed, failed, skipped, interrupted;
	const char *kernel; /* NULL none, or the one kernel */
	bool kernels_mixed;
	const char *started; /* earliest started_at */
};

static void summarize(const struct run *r, struct run_summary *s)
{
	memset(s, 0, sizeof(*s));
	for (size_t i = 0; i < r->n; i++) {
		const struct sidecar_record *rec = &r->recs[i];

		s->passed += rec->result.verdict == KTSTR_PASS;
		s->failed += rec->result.verdict == KTSTR_FAIL;
		s->skipped += rec->result.verdict == KTSTR_SKIP;
		s->interrupted += rec->result.verdict == KTSTR_INTERRUPTED;
		if (rec->kernel_version) {
			if (s->kernel && strcmp(s->kernel, rec->kernel_version))
				s->kernels_mixed = true;
			else
				s->kernel = rec->kernel_version;
		}
		if (rec->started_at && (!s->started || strcmp(rec->started_at, s->started) < 0))
			s->started = rec->started_at;
	}
}

static int cmd_list(const char *root, bool json)
{
	struct sidecar_run *runs = NULL;
	json_t *arr = json_array();
	size_t n = 0;
	int rc = sidecar_list_runs(root, &runs, &n);

	if (rc < 0 && rc != -ENOENT) {
		fprintf(stderr, "ktstr: cannot read runs directory %s: %s\n", root, strerror(-rc));
		json_decref(arr);
		return EXIT_BAD_INPUT;
	}
	if (!n && !json)
		printf("no runs under %s\n", root);
	else if (!json)
		printf("%-26s %5s %5s %5s %5s  %-24s %s\n", "RUN", "TESTS", "PASS", "FAIL", "SKIP",
		       "KERNEL", "STARTED");
	for (size_t i = n; i-- > 0;) {
		struct run r = { .id = xstrdup(runs[i].id) };
		struct run_summary s;
		char *err = NULL;
		char kern[64];

		run_read(runs[i].path, false, &r, &err);
		free(err);
		summarize(&r, &s);
		snprintf(kern, sizeof(kern), "%s%s", s.kernel ? s.kernel : "-",
			 s.kernels_mixed ? "+" : "");
		if (json) {
			json_array_append_new(
				arr, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:i, s:o, s:b, s:o}",
					       "run_id", r.id, "path", runs[i].path, "tests",
					       (int)r.n, "passed", (int)s.passed, "failed",
					       (int)s.failed, "skipped", (int)s.skipped,
					       "interrupted", (int)s.interrupted, "corrupt",
					       (int)r.corrupt, "kernel",
					       s.kernel ? json_string(s.kernel) : json_null(),
					       "kernels_mixed", s.kernels_mixed, "started",
					       s.started ? json_string(s.started) : json_null()));
		} else {
			printf("%-26s %5zu %5zu %5zu %5zu  %-24s %s", r.id, r.n, s.passed, s.failed,
			       s.skipped, kern, s.started ? s.started : "-");
			if (r.corrupt)
				printf("  (%zu unreadable)", r.corrupt);
			printf("\n");
		}
		run_free(&r);
	}
	if (json) {
		json_dumpf(arr, stdout, JSON_INDENT(2));
		printf("\n");
	}
	json_decref(arr);
	sidecar_runs_free(runs, n);
	return 0;
}

/* ---- show ---- */

static const char *or_dash(const char *s)
{
	return s && *s ? s : "-";
}

static char *record_label(const struct sidecar_record *r)
{
	if (r->variant && *r->variant && strcmp(r->variant, "default"))
		return xasprintf("%s [%s]", or_dash(r->test), r->variant);
	return xstrdup(or_dash(r->test));
}

/* Harness statistics in the built-in table's order, then the rest. */
static char *key_stats(const struct ktstr_result *res)
{
	struct strbuf sb = { 0 };
	unsigned shown = 0;

	for (const struct compare_metric_def *d = compare_builtins; d->name; d++)
		for (unsigned i = 0; i < res->nstats; i++)
			if (!strcmp(res->stats[i].name, d->name) && shown < 4) {
				sb_printf(&sb, "%s%s=%.6g", shown ? " " : "", d->name,
					  res->stats[i].value);
				shown++;
			}
	for (unsigned i = 0; i < res->nstats && shown < 4; i++)
		if (!compare_builtin(res->stats[i].name)) {
			sb_printf(&sb, "%s%s=%.6g", shown ? " " : "", res->stats[i].name,
				  res->stats[i].value);
			shown++;
		}
	if (res->nstats > shown)
		sb_printf(&sb, " (+%u more)", res->nstats - shown);
	return sb_steal(&sb);
}

static int cmd_show(const char *root, const char *spec, bool json)
{
	struct run r;
	struct run_summary s;
	char *err = NULL;
	bool color = output_use_color(stdout);

	if (run_load(root, spec, &r, &err) < 0) {
		fprintf(stderr, "ktstr: %s\n", err);
		free(err);
		return EXIT_BAD_INPUT;
	}
	if (json) {
		json_t *arr = json_array();

		for (size_t i = 0; i < r.n; i++)
			json_array_append_new(arr, sidecar_to_json(&r.recs[i]));
		json_dumpf(json_pack("{s:s, s:s, s:o}", "run_id", r.id, "path", r.path, "records",
				     arr),
			   stdout, JSON_INDENT(2) | JSON_SORT_KEYS);
		printf("\n");
		run_free(&r);
		return 0;
	}
	summarize(&r, &s);
	printf("run %s (%s)\n", r.id, r.path);
	if (r.n) {
		const struct sidecar_record *f = &r.recs[0];

		printf("kernel %s%s, accel %s, commit %s, started %s\n", or_dash(s.kernel),
		       s.kernels_mixed ? " (mixed)" : "", or_dash(f->accel),
		       or_dash(f->project_commit), or_dash(s.started));
		if (f->host_cpu_model || f->hostname)
			printf("host %s: %s, %u cpus\n", or_dash(f->hostname),
			       or_dash(f->host_cpu_model), f->host_cpus);
	}
	printf("\n%-32s %-11s %-10s %-12s %8s  %s\n", "TEST", "VERDICT", "TOPOLOGY", "SCHEDULER",
	       "DURATION", "KEY STATS");
	for (size_t i = 0; i < r.n; i++) {
		const struct sidecar_record *rec = &r.recs[i];
		const char *v = rec->flaky ? "flaky" : verdict_name(rec->result.verdict);
		const char *col = rec->result.verdict == KTSTR_FAIL ? RED :
				  rec->result.verdict == KTSTR_PASS ? GREEN : "";
		char dur[32], *label = record_label(rec), *ks = key_stats(&rec->result);

		timefmt_duration(rec->wall_s, dur, sizeof(dur));
		printf("%-32s %s%-11s%s %-10s %-12s %8s  %s\n", label, color ? col : "", v,
		       color ? RESET : "", or_dash(rec->topology), or_dash(rec->scheduler), dur, ks);
		for (unsigned k = 0; k < rec->result.ndetails && k < 3; k++)
			printf("    [%s] %s\n", fail_kind_name(rec->result.details[k].kind),
			       rec->result.details[k].msg);
		if (rec->result.ndetails > 3)
			printf("    (+%u more details)\n", rec->result.ndetails - 3);
		if (rec->result.verdict == KTSTR_SKIP && rec->result.skip_reason)
			printf("    %s\n", rec->result.skip_reason);
		free(label);
		free(ks);
	}
	printf("\n%zu passed, %zu failed, %zu skipped", s.passed, s.failed, s.skipped);
	if (s.interrupted)
		printf(", %zu interrupted", s.interrupted);
	printf("\n");
	run_free(&r);
	return 0;
}

/* ---- compare ---- */

/* How one side is chosen: --a-X / --b-X values (NULL = any). */
struct side_sel {
	const char *scheduler, *kernel, *args;
};

/* Filters for both sides: --scenario, --topology (repeatable). */
struct both_sel {
	const char **scenarios, **topologies;
	size_t nscenarios, ntopologies;
};

/* Arguments as the records join them: split at whitespace, joined by one space. */
static char *args_norm(const char *s)
{
	char **v = sched_split_args(s);
	struct strbuf sb = { 0 };

	for (size_t i = 0; v && v[i]; i++) {
		sb_printf(&sb, "%s%s", i ? " " : "", v[i]);
		free(v[i]);
	}
	free(v);
	return sb_steal(&sb);
}

static char *args_join(char *const *v)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; v && v[i]; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", v[i]);
	return sb_steal(&sb);
}

static bool in_list(const char **v, size_t n, const char *s)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (s && !strcmp(v[i], s))
			return true;
	return false;
}

static bool rec_selected(const struct sidecar_record *s, const char *args,
			 const struct side_sel *sel, const struct both_sel *both)
{
	if (!in_list(both->scenarios, both->nscenarios, s->test) ||
	    !in_list(both->topologies, both->ntopologies, s->topology))
		return false;
	if (sel->scheduler && (!s->scheduler || strcmp(sel->scheduler, s->scheduler)))
		return false;
	if (sel->kernel && !(s->kernel_version && !strcmp(sel->kernel, s->kernel_version)) &&
	    !(s->kernel_id && !strcmp(sel->kernel, s->kernel_id)))
		return false;
	return !sel->args || !strcmp(sel->args, args);
}

/* One side: compare_rec views of the selected records of r (pointers into r). */
struct view {
	struct compare_rec *recs;
	char **args; /* storage behind recs[].args */
	size_t n;
};

static void view_build(const struct run *r, const struct side_sel *sel,
		       const struct both_sel *both, struct view *v)
{
	v->recs = xcalloc(r->n + 1, sizeof(*v->recs));
	v->args = xcalloc(r->n + 1, sizeof(*v->args));
	v->n = 0;
	for (size_t i = 0; i < r->n; i++) {
		const struct sidecar_record *s = &r->recs[i];
		char *args = args_join(s->scheduler_args);

		if (!rec_selected(s, args, sel, both)) {
			free(args);
			continue;
		}
		v->args[v->n] = args;
		v->recs[v->n++] = compare_rec_of(s, args);
	}
}

static void view_free(struct view *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->args[i]);
	free(v->args);
	free(v->recs);
}

/* "3 records; test: steady, cpuset_apply; topology: 1n1l2c1t; scheduler: eevdf; ..." */
static void describe_side(FILE *f, const char *which, const char *run, const struct view *v)
{
	struct compare_side s = { run, v->recs, v->n };

	fprintf(f, "  %s (%s): %zu record(s)", which, run, v->n);
	for (int d = 0; d < DIM_COUNT && v->n; d++) {
		char *vals = compare_dim_values(&s, d);

		fprintf(f, "%s %s: %s", d ? ";" : ":", compare_dim_name(d), vals);
		free(vals);
	}
	fprintf(f, "\n");
}

static const char *polarity_short(enum ktstr_polarity p)
{
	switch (p) {
	case KTSTR_HIGHER_BETTER:
		return "higher better";
	case KTSTR_LOWER_BETTER:
		return "lower better";
	case KTSTR_TARGET_VALUE:
		return "target";
	default:
		return "no polarity";
	}
}

static void fmt_dist(char *buf, size_t len, const struct compare_dist *d)
{
	if (d->n > 1)
		snprintf(buf, len, "%.6g (iqr %.3g)", d->median, d->q3 - d->q1);
	else
		snprintf(buf, len, "%.6g", d->median);
}

static void fmt_bound(char *buf, size_t len, double v)
{
	if (isinf(v))
		snprintf(buf, len, "%sinf", v < 0 ? "-" : "");
	else
		snprintf(buf, len, "%.4g", v);
}

static void print_delta(const struct compare_delta *d, bool color)
{
	const char *col = d->change == CMP_REGRESSION ? RED :
			  d->change == CMP_IMPROVEMENT ? GREEN : "";
	char delta[64], gate[96], da[48], db[48], ci[64], lo[24], hi[24];
	const char *verdict = compare_change_name(d->change);
	int n;

	if (d->change == CMP_ONLY_A || d->change == CMP_ONLY_B) {
		printf("    %-32s %s\n", d->metric,
		       d->change == CMP_ONLY_A ? "only in A" : "only in B");
		return;
	}
	if (isfinite(d->rel))
		snprintf(delta, sizeof(delta), "%+.6g (%+.1f%%)", d->delta, d->rel * 100);
	else
		snprintf(delta, sizeof(delta), "%+.6g%s", d->delta, d->delta ? " (from 0)" : "");
	if (d->method == CMP_METHOD_HL) {
		fmt_bound(lo, sizeof(lo), d->lo);
		fmt_bound(hi, sizeof(hi), d->hi);
		snprintf(ci, sizeof(ci), "[%s, %s]", lo, hi);
	} else {
		snprintf(ci, sizeof(ci), "(1 sample)");
	}
	if (d->change == CMP_SAME)
		verdict = d->past_gates && !d->significant ? "noise" : "";
	n = snprintf(gate, sizeof(gate), "%s", polarity_short(d->polarity));
	if (d->polarity == KTSTR_TARGET_VALUE)
		n += snprintf(gate + n, sizeof(gate) - n, " %.6g", d->target);
	if (d->abs_gate > 0)
		snprintf(gate + n, sizeof(gate) - n, ", gates %.6g%s/%.0f%%", d->abs_gate, d->unit,
			 d->rel_gate * 100);
	else
		snprintf(gate + n, sizeof(gate) - n, ", gate %.0f%%", d->rel_gate * 100);
	fmt_dist(da, sizeof(da), &d->sa);
	fmt_dist(db, sizeof(db), &d->sb);
	printf("    %-32s %20s -> %-20s %-20s %-22s %s%-11s%s  %s\n", d->metric, da, db, delta, ci,
	       color ? col : "", verdict, color ? RESET : "", gate);
}

static void print_verdicts(const struct compare_test *t, bool color)
{
	const char *col = t->verdict_change == CMP_REGRESSION ? RED :
			  t->verdict_change == CMP_IMPROVEMENT ? GREEN : "";

	printf(": %s", verdict_name(t->va));
	if (t->na > 1)
		printf(" (%u/%u failed)", t->fail_a, t->na);
	printf(" -> %s%s%s", color ? col : "", verdict_name(t->vb), color ? RESET : "");
	if (t->nb > 1)
		printf(" (%u/%u failed)", t->fail_b, t->nb);
	if (t->verdict_change == CMP_REGRESSION)
		printf("  REGRESSION");
	else if (t->verdict_change == CMP_IMPROVEMENT)
		printf("  fixed");
	printf("\n");
}

static void print_report(const struct compare_report *rep, const char *ida, size_t na,
			 const char *idb, size_t nb, bool only_changed, bool color)
{
	bool gates_only = false, hl = false;

	printf("A: %s (%zu records)\nB: %s (%zu records)\n", ida, na, idb, nb);
	printf("pairing on %s%s%s\n", rep->pairing, rep->differing ? "; differing: " : "",
	       rep->differing ? rep->differing : "");
	if (rep->rel_override >= 0)
		printf("relative gate: %.6g%% for every metric (--threshold)\n",
		       rep->rel_override * 100);
	for (size_t i = 0; i < rep->ntests; i++) {
		const struct compare_test *t = &rep->tests[i];

		if (!t->in_a || !t->in_b)
			continue; /* listed at the end */
		printf("\n%s%s%s", color ? BOLD : "", t->label, color ? RESET : "");
		print_verdicts(t, color);
		if ((t->va == KTSTR_PASS) != (t->vb == KTSTR_PASS))
			printf("    (metrics are compared only when the test passed on both sides)\n");
		else if (t->ndeltas)
			printf("    %-32s %20s    %-20s %-20s %-22s\n", "metric", "median A",
			       "median B", "change", "95% interval");
		for (unsigned k = 0, heading = 0; k < t->ndeltas; k++) {
			gates_only |= t->deltas[k].method == CMP_METHOD_GATES &&
				      t->deltas[k].change < CMP_ONLY_A;
			hl |= t->deltas[k].method == CMP_METHOD_HL;
			if (only_changed && t->deltas[k].change == CMP_SAME)
				continue;
			if (t->deltas[k].payload && !heading++)
				printf("    metrics (payloads, scheduler callbacks):\n");
			print_delta(&t->deltas[k], color);
		}
	}
	for (int side = 0; side < 2; side++) {
		const char *sep = side ? "\nonly in B: " : "\nonly in A: ";

		for (size_t i = 0; i < rep->ntests; i++) {
			const struct compare_test *t = &rep->tests[i];

			if (t->in_a && t->in_b)
				continue;
			if ((side == 0) != t->in_a)
				continue;
			printf("%s%s [%s]", sep, t->label, verdict_name(side ? t->vb : t->va));
			sep = ", ";
		}
		if (strcmp(sep, ", ") == 0)
			printf("\n");
	}
	if (hl)
		printf("\nstatistics: median (iqr) of each side's samples; the change of medians is "
		       "judged only when\nthe 95%% Hodges-Lehmann interval of the shift (Mann-Whitney) "
		       "excludes 0 and it passes\nboth gates; 'noise': past the gates, "
		       "interval includes 0\n");
	if (gates_only)
		printf("\nnote: a side has a single sample for some metrics: those are judged on "
		       "the gates alone\n(no interval); 'ktstr run --repeat N' gives samples\n");
	printf("\n%s%u regression(s)%s (%u metric, %u pass->fail), %u improvement(s) "
	       "(%u metric, %u fail->pass); %u test(s) paired, %u only in A, %u only in B\n",
	       color && compare_has_regression(rep) ? RED : "",
	       rep->regressions + rep->verdict_regressions,
	       color && compare_has_regression(rep) ? RESET : "", rep->regressions,
	       rep->verdict_regressions, rep->improvements + rep->verdict_improvements,
	       rep->improvements, rep->verdict_improvements, rep->paired, rep->only_a,
	       rep->only_b);
}

struct compare_args {
	const char *runs[2];
	size_t nruns;
	struct side_sel a, b;
	struct both_sel both;
	double rel;
	bool json, only_changed;
};

static int compare_bad(struct run *runs, size_t n)
{
	for (size_t i = 0; i < n; i++)
		run_free(&runs[i]);
	return EXIT_BAD_INPUT;
}

static int cmd_compare(const char *root, struct compare_args *ca)
{
	struct run runs[2] = { 0 };
	struct compare_opts o = { .rel_override = ca->rel };
	struct view va, vb;
	struct compare_side side_a, side_b;
	struct compare_report rep;
	const struct run *ra, *rb;
	char *err = NULL;
	bool chosen = false;
	int rc;

	for (size_t i = 0; i < ca->nruns; i++) {
		if (run_load(root, ca->runs[i], &runs[i], &err) < 0) {
			fprintf(stderr, "ktstr: %s%s\n", ca->nruns > 1 ? (i ? "B: " : "A: ") : "",
				err);
			free(err);
			return compare_bad(runs, i);
		}
		if (!runs[i].n) {
			fprintf(stderr, "ktstr: run %s has no records\n", runs[i].path);
			return compare_bad(runs, i + 1);
		}
	}
	/* the dimensions the sides are chosen by are never paired on */
	o.differ[DIM_SCHEDULER] = ca->a.scheduler && ca->b.scheduler &&
				  strcmp(ca->a.scheduler, ca->b.scheduler);
	o.differ[DIM_KERNEL] = ca->a.kernel && ca->b.kernel && strcmp(ca->a.kernel, ca->b.kernel);
	o.differ[DIM_ARGS] = ca->a.args && ca->b.args && strcmp(ca->a.args, ca->b.args);
	for (int d = 0; d < DIM_COUNT; d++)
		chosen |= o.differ[d];
	if (ca->nruns == 1 && !chosen) {
		fprintf(stderr, "ktstr stats: compare with one run needs the sides chosen by a "
				"dimension: --a-scheduler X --b-scheduler Y, --a-kernel/--b-kernel "
				"or --a-args/--b-args with different values\n");
		return compare_bad(runs, 1);
	}
	ra = &runs[0];
	rb = &runs[ca->nruns - 1];
	view_build(ra, &ca->a, &ca->both, &va);
	view_build(rb, &ca->b, &ca->both, &vb);
	side_a = (struct compare_side){ ra->id, va.recs, va.n };
	side_b = (struct compare_side){ rb->id, vb.recs, vb.n };
	compare_runs(&side_a, &side_b, &o, &rep);
	rc = compare_exit_code(&rep);
	if (ca->json) {
		json_t *j = compare_report_to_json(&rep);

		json_object_set_new(j, "a", json_string(ra->id));
		json_object_set_new(j, "b", json_string(rb->id));
		json_object_set_new(j, "a_records", json_integer((json_int_t)va.n));
		json_object_set_new(j, "b_records", json_integer((json_int_t)vb.n));
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	} else if (rep.paired) {
		print_report(&rep, ra->id, va.n, rb->id, vb.n, ca->only_changed,
			     output_use_color(stdout));
	}
	if (!rep.paired) {
		/* nothing to judge is bad input, never a pass */
		fprintf(stderr, "ktstr stats: compare: no test is on both sides (pairing on %s%s%s)\n",
			rep.pairing, rep.differing ? "; differing: " : "",
			rep.differing ? rep.differing : "");
		describe_side(stderr, "A", ra->id, &va);
		describe_side(stderr, "B", rb->id, &vb);
	}
	compare_report_free(&rep);
	view_free(&va);
	view_free(&vb);
	run_free(&runs[0]);
	if (ca->nruns > 1)
		run_free(&runs[1]);
	return rc;
}

/* ---- dispatch ---- */

#define MAX_FILTERS 64

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs-dir", required_argument, NULL, 'd' },
		{ "threshold", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "changed", no_argument, NULL, 'c' },
		{ "a-scheduler", required_argument, NULL, 'S' },
		{ "b-scheduler", required_argument, NULL, 's' },
		{ "a-kernel", required_argument, NULL, 'K' },
		{ "b-kernel", required_argument, NULL, 'k' },
		{ "a-args", required_argument, NULL, 'A' },
		{ "b-args", required_argument, NULL, 'a' },
		{ "scenario", required_argument, NULL, 'n' },
		{ "topology", required_argument, NULL, 'T' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *scenarios[MAX_FILTERS], *topologies[MAX_FILTERS];
	struct compare_args ca = { .rel = -1.0 };
	char *root = NULL, *end, *a_args = NULL, *b_args = NULL;
	int c, rc = EXIT_BAD_INPUT;

	ca.both.scenarios = scenarios;
	ca.both.topologies = topologies;
	optind = 0; /* reinitialize getopt; GNU getopt lets options follow the words */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			free(root);
			root = xstrdup(optarg);
			break;
		case 't':
			errno = 0;
			ca.rel = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(ca.rel >= 0) || !isfinite(ca.rel)) {
				fprintf(stderr, "ktstr stats: bad --threshold '%s' (a percentage, e.g. 10)\n",
					optarg);
				goto out;
			}
			ca.rel /= 100.0;
			break;
		case 'j':
			ca.json = true;
			break;
		case 'c':
			ca.only_changed = true;
			break;
		case 'S':
			ca.a.scheduler = optarg;
			break;
		case 's':
			ca.b.scheduler = optarg;
			break;
		case 'K':
			ca.a.kernel = optarg;
			break;
		case 'k':
			ca.b.kernel = optarg;
			break;
		case 'A':
			free(a_args);
			ca.a.args = a_args = args_norm(optarg);
			break;
		case 'a':
			free(b_args);
			ca.b.args = b_args = args_norm(optarg);
			break;
		case 'n':
		case 'T':
			if ((c == 'n' ? ca.both.nscenarios : ca.both.ntopologies) >= MAX_FILTERS) {
				fprintf(stderr, "ktstr stats: too many --%s values (at most %d)\n",
					c == 'n' ? "scenario" : "topology", MAX_FILTERS);
				goto out;
			}
			if (c == 'n')
				scenarios[ca.both.nscenarios++] = optarg;
			else
				topologies[ca.both.ntopologies++] = optarg;
			break;
		case 'h':
			usage(stdout);
			rc = 0;
			goto out;
		case ':':
			fprintf(stderr, "ktstr stats: %s needs a value\n", argv[optind - 1]);
			goto out;
		default:
			fprintf(stderr, "ktstr stats: unknown option '%s' ('ktstr stats --help' explains)\n",
				argv[optind - 1]);
			goto out;
		}
	}
	if (!root)
		root = sidecar_runs_root();
	if (optind >= argc) {
		usage(stderr);
	} else if (!strcmp(argv[optind], "list") && argc - optind == 1) {
		rc = cmd_list(root, ca.json);
	} else if (!strcmp(argv[optind], "show") && argc - optind == 2) {
		rc = cmd_show(root, argv[optind + 1], ca.json);
	} else if (!strcmp(argv[optind], "compare") && (argc - optind == 2 || argc - optind == 3)) {
		ca.nruns = (size_t)(argc - optind - 1);
		ca.runs[0] = argv[optind + 1];
		ca.runs[1] = ca.nruns > 1 ? argv[optind + 2] : NULL;
		rc = cmd_compare(root, &ca);
	} else {
		fprintf(stderr, "ktstr stats: expected 'list', 'show RUN', 'compare A B' or "
				"'compare RUN --a-X .. --b-X ..' ('ktstr stats --help' explains)\n");
	}
out:
	free(root);
	free(a_args);
	free(b_args);
	return rc;
}
