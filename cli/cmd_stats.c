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
#include "cli/runs.h"
#include "runner/compare.h"
#include "runner/output.h"
#include "runner/sidecar.h"
#include "runner/timefmt.h"
#include "util/util.h"

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
		"       ktstr stats [--runs-dir DIR] merge RUN... [-o DIR]\n"
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
		"  merge RUN...     the runs of a sharded run's shards (ktstr run --partition\n"
		"                   I/N on N machines) become one run in -o DIR (default: a\n"
		"                   new run under the runs directory): one run id, every\n"
		"                   record once with the shard it came from. Missing,\n"
		"                   duplicate and unplanned items are listed (exit 1); shards\n"
		"                   of different plans do not merge (exit 2).\n"
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
		"  -o, --output DIR    merge: the merged run's directory (empty or absent)\n"
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
		"exit status: 0 no regression, 1 regression (compare) or an incomplete merge,\n"
		"2 bad input: unknown run, corrupt record, bad option, no test on both sides\n"
		"(compare), shards of different plans (merge)\n"
		"\n"
		"environment: KTSTR_RUNS_DIR  where runs are (default ./ktstr-runs)\n"
		"\n"
		"examples:\n"
		"  ktstr stats list\n"
		"  ktstr stats show latest\n"
		"  ktstr stats compare latest~1 latest --changed\n"
		"  ktstr stats compare --a-scheduler eevdf --b-scheduler scx_ktstr latest\n"
		"  ktstr stats compare base new --scenario steady --a-args '' --b-args '--slow-dispatch'\n"
		"  ktstr stats merge shard-*/ktstr-runs/* -o ktstr-runs/merged\n");
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

/* A merged run (ktstr stats merge): "merged from shards 1/3 RUN, 2/3 RUN, ...". */
static void print_shards(const struct run *r)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; i < r->n; i++) {
		const struct sidecar_record *rec = &r->recs[i];
		bool seen = false;

		if (!rec->shard_run_id)
			continue;
		for (size_t k = 0; k < i && !seen; k++)
			seen = r->recs[k].shard_run_id &&
			       !strcmp(r->recs[k].shard_run_id, rec->shard_run_id);
		if (!seen)
			sb_printf(&sb, "%s %u/%u %s", sb.len ? "," : "merged from shards",
				  rec->shard_index, rec->shard_count, rec->shard_run_id);
	}
	if (sb.len)
		printf("%s\n", sb.buf);
	sb_free(&sb);
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
	print_shards(&r);
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

static int cmd_compare(const char *root, const struct ab_args *args, bool json,
		       bool only_changed)
{
	struct ab ab;
	int rc = EXIT_BAD_INPUT;

	if (ab_load(root, args, "ktstr stats", &ab) < 0)
		goto out;
	ab_compare(&ab, args, "ktstr stats");
	if (!ab.compared)
		goto out;
	rc = compare_exit_code(&ab.rep);
	if (json) {
		json_t *j = compare_report_to_json(&ab.rep);

		json_object_set_new(j, "a", json_string(ab.ida));
		json_object_set_new(j, "b", json_string(ab.idb));
		json_object_set_new(j, "a_records", json_integer((json_int_t)ab.va.n));
		json_object_set_new(j, "b_records", json_integer((json_int_t)ab.vb.n));
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	} else if (ab.rep.paired) {
		print_report(&ab.rep, ab.ida, ab.va.n, ab.idb, ab.vb.n, only_changed,
			     output_use_color(stdout));
	}
out:
	ab_free(&ab);
	return rc;
}

/* ---- merge ---- */

/* The shards' runs (ids, paths, latest~N) merged into out (default: a new run
 * under root). */
static int cmd_merge(const char *root, char *const *specs, size_t n, const char *out)
{
	char **paths = xcalloc(n + 1, sizeof(*paths)), *dir, *err = NULL;
	int rc = EXIT_BAD_INPUT;
	size_t got = 0;

	for (; got < n; got++) {
		char *id;

		if (run_resolve(root, specs[got], &paths[got], &id, &err) < 0) {
			fprintf(stderr, "ktstr stats merge: %s\n", err);
			free(err);
			goto out;
		}
		free(id);
	}
	dir = out ? xstrdup(out) : xasprintf("%s/%s", root, timefmt_run_id());
	rc = stats_merge(paths, n, dir);
	free(dir);
out:
	strv_free(paths);
	return rc;
}

/* ---- dispatch ---- */

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "changed", no_argument, NULL, 'c' },
		AB_LONG_OPTIONS,
		{ "output", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ab_args ab = AB_ARGS_INIT;
	bool json = false, only_changed = false;
	char *out_dir = NULL;
	int c, rc = EXIT_BAD_INPUT;

	optind = 0; /* reinitialize getopt; GNU getopt lets options follow the words */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		int taken = ab_option(&ab, c, argv, "ktstr stats");

		if (taken < 0)
			goto out;
		if (c == 'o') {
			free(out_dir);
			out_dir = xstrdup(optarg);
		} else if (c == 'j')
			json = true;
		else if (c == 'c')
			only_changed = true;
		else if (c == 'h') {
			usage(stdout);
			rc = 0;
			goto out;
		}
	}
	if (!ab.root)
		ab.root = sidecar_runs_root();
	if (optind >= argc) {
		usage(stderr);
	} else if (!strcmp(argv[optind], "list") && argc - optind == 1) {
		rc = cmd_list(ab.root, json);
	} else if (!strcmp(argv[optind], "show") && argc - optind == 2) {
		rc = cmd_show(ab.root, argv[optind + 1], json);
	} else if (!strcmp(argv[optind], "compare") && (argc - optind == 2 || argc - optind == 3)) {
		ab.nruns = (size_t)(argc - optind - 1);
		ab.runs = (const char **)&argv[optind + 1];
		rc = cmd_compare(ab.root, &ab, json, only_changed);
	} else if (!strcmp(argv[optind], "merge") && argc - optind >= 2) {
		rc = cmd_merge(ab.root, argv + optind + 1, (size_t)(argc - optind - 1), out_dir);
	} else {
		fprintf(stderr, "ktstr stats: expected 'list', 'show RUN', 'compare A B', "
				"'compare RUN --a-X .. --b-X ..' or 'merge RUN... [-o DIR]' "
				"('ktstr stats --help' explains)\n");
	}
out:
	free(out_dir);
	ab_args_free(&ab);
	return rc;
}
