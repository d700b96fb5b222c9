// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr stats`: list runs, show one run, compare two runs.
 *
 * Runs are directories of run records (test_support/sidecar.h) under
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
#include "test_support/compare.h"
#include "test_support/output.h"
#include "test_support/sidecar.h"
#include "test_support/timefmt.h"
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
		"       ktstr stats [--runs-dir DIR] compare A B [--threshold PCT] [--changed] [--json]\n"
		"\n"
		"Every test run leaves one JSON record per test in a run directory under\n"
		"$KTSTR_RUNS_DIR (default ./ktstr-runs); these commands read them.\n"
		"\n"
		"  list             runs, newest first: run id, tests, passed/failed/skipped,\n"
		"                   kernel, start time\n"
		"  show RUN         one run: verdict, topology, scheduler, duration and key\n"
		"                   statistics per test; failure details under failed tests\n"
		"  compare A B      B against baseline A: verdict changes and per-metric deltas.\n"
		"                   A delta is a regression when it goes the wrong way for the\n"
		"                   metric's polarity AND crosses both its absolute and its\n"
		"                   relative gate (|B-A| >= abs and |B-A|/|A| >= rel); a test that\n"
		"                   passed in A and failed in B is a regression too.\n"
		"                   Tests pair by name, variant, topology and scheduler; a\n"
		"                   dimension the runs differ in as a whole (e.g. scheduler\n"
		"                   eevdf -> scx_ktstr) is left out of the pairing.\n"
		"\n"
		"RUN, A, B: a run id, a run directory (or one record file), 'latest', or\n"
		"'latest~N' (N runs before the latest).\n"
		"\n"
		"options:\n"
		"  --runs-dir DIR   read runs from DIR instead of $KTSTR_RUNS_DIR\n"
		"  --threshold PCT  relative gate for every metric, in percent (default: per\n"
		"                   metric, e.g. worst_spread 25%%, payload metrics 10%%)\n"
		"  --changed        compare: print only metrics that changed significantly\n"
		"  --json           machine-readable output on stdout\n"
		"\n"
		"exit status: 0 no regression, 1 regression (compare), 2 bad input\n"
		"\n"
		"environment: KTSTR_RUNS_DIR  where runs are (default ./ktstr-runs)\n"
		"\n"
		"examples:\n"
		"  ktstr stats list\n"
		"  ktstr stats show latest\n"
		"  ktstr stats compare latest~1 latest --changed\n");
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
		const char *slash = strrchr(path, '/');

		run->id = xstrdup(slash && slash[1] ? slash + 1 : path);
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
	qsort(run->recs, run->n, sizeof(*run->recs), cmp_rec);
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
	size_t passed, failed, skipped;
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
				arr, json_pack("{s:s, s:s, s:i, s:i, s:i, s:i, s:i, s:o, s:b, s:o}",
					       "run_id", r.id, "path", runs[i].path, "tests",
					       (int)r.n, "passed", (int)s.passed, "failed",
					       (int)s.failed, "skipped", (int)s.skipped, "corrupt",
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
	printf("\n%-32s %-7s %-10s %-12s %8s  %s\n", "TEST", "VERDICT", "TOPOLOGY", "SCHEDULER",
	       "DURATION", "KEY STATS");
	for (size_t i = 0; i < r.n; i++) {
		const struct sidecar_record *rec = &r.recs[i];
		const char *v = rec->flaky ? "flaky" : verdict_name(rec->result.verdict);
		const char *col = rec->result.verdict == KTSTR_FAIL ? RED :
				  rec->result.verdict == KTSTR_PASS ? GREEN : "";
		char dur[32], *label = record_label(rec), *ks = key_stats(&rec->result);

		timefmt_duration(rec->wall_s, dur, sizeof(dur));
		printf("%-32s %s%-7s%s %-10s %-12s %8s  %s\n", label, color ? col : "", v,
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
	printf("\n%zu passed, %zu failed, %zu skipped\n", s.passed, s.failed, s.skipped);
	run_free(&r);
	return 0;
}

/* ---- compare ---- */

/* compare_rec views of a run's records (pointers into r). */
static struct compare_rec *compare_view(const struct run *r)
{
	struct compare_rec *v = xcalloc(r->n + 1, sizeof(*v));

	for (size_t i = 0; i < r->n; i++) {
		const struct sidecar_record *s = &r->recs[i];

		v[i] = (struct compare_rec){
			.test = s->test,
			.variant = s->variant,
			.topology = s->topology,
			.scheduler = s->scheduler,
			.kernel = s->kernel_version,
			.verdict = s->result.verdict,
			.stats = s->result.stats,
			.nstats = s->result.nstats,
			.metrics = s->metrics.v,
			.nmetrics = s->metrics.n,
		};
	}
	return v;
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

static void print_delta(const struct compare_delta *d, bool color)
{
	const char *col = d->change == CMP_REGRESSION ? RED :
			  d->change == CMP_IMPROVEMENT ? GREEN : "";
	char delta[64], gate[96];
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
	n = snprintf(gate, sizeof(gate), "%s", polarity_short(d->polarity));
	if (d->polarity == KTSTR_TARGET_VALUE)
		n += snprintf(gate + n, sizeof(gate) - n, " %.6g", d->target);
	if (d->abs_gate > 0)
		snprintf(gate + n, sizeof(gate) - n, ", gates %.6g%s/%.0f%%", d->abs_gate, d->unit,
			 d->rel_gate * 100);
	else
		snprintf(gate + n, sizeof(gate) - n, ", gate %.0f%%", d->rel_gate * 100);
	printf("    %-32s %10.6g -> %-10.6g %-20s %s%-11s%s  %s\n", d->metric, d->a, d->b, delta,
	       color ? col : "", d->change == CMP_SAME ? "" : compare_change_name(d->change),
	       color ? RESET : "", gate);
}

static void print_report(const struct compare_report *rep, const struct run *a,
			 const struct run *b, bool only_changed, bool color)
{
	printf("A: %s (%zu records)\nB: %s (%zu records)\n", a->id, a->n, b->id, b->n);
	if (rep->slicing)
		printf("comparing %s\n", rep->slicing);
	if (rep->kernels)
		printf("note: %s\n", rep->kernels);
	if (rep->rel_override >= 0)
		printf("relative gate: %.6g%% for every metric (--threshold)\n",
		       rep->rel_override * 100);
	for (size_t i = 0; i < rep->ntests; i++) {
		const struct compare_test *t = &rep->tests[i];
		const char *col = t->verdict_change == CMP_REGRESSION ? RED :
				  t->verdict_change == CMP_IMPROVEMENT ? GREEN : "";

		if (!t->in_a || !t->in_b)
			continue; /* listed at the end */
		printf("\n%s%s%s", color ? BOLD : "", t->label, color ? RESET : "");
		printf(": %s -> %s%s%s%s", verdict_name(t->va), color ? col : "",
		       verdict_name(t->vb), color ? RESET : "",
		       t->verdict_change == CMP_REGRESSION ?
			       "  REGRESSION" :
			       (t->verdict_change == CMP_IMPROVEMENT ? "  fixed" : ""));
		if (t->na > 1 || t->nb > 1)
			printf("  (averaged over %u and %u records)", t->na, t->nb);
		printf("\n");
		if ((t->va == KTSTR_PASS) != (t->vb == KTSTR_PASS))
			printf("    (metrics are compared only when the test passed on both sides)\n");
		for (unsigned k = 0, heading = 0; k < t->ndeltas; k++) {
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
	printf("\n%s%u regression(s)%s (%u metric, %u pass->fail), %u improvement(s) "
	       "(%u metric, %u fail->pass), %u test(s) only in A, %u only in B\n",
	       color && compare_has_regression(rep) ? RED : "",
	       rep->regressions + rep->verdict_regressions,
	       color && compare_has_regression(rep) ? RESET : "", rep->regressions,
	       rep->verdict_regressions, rep->improvements + rep->verdict_improvements,
	       rep->improvements, rep->verdict_improvements, rep->only_a, rep->only_b);
}

static int cmd_compare(const char *root, const char *sa, const char *sb, double rel, bool json,
		       bool only_changed)
{
	struct run a, b;
	struct compare_opts o = { .rel_override = rel };
	struct compare_rec *va, *vb;
	struct compare_side side_a, side_b;
	struct compare_report rep;
	char *err = NULL;
	int rc;

	if (run_load(root, sa, &a, &err) < 0) {
		fprintf(stderr, "ktstr: A: %s\n", err);
		free(err);
		return EXIT_BAD_INPUT;
	}
	if (run_load(root, sb, &b, &err) < 0) {
		fprintf(stderr, "ktstr: B: %s\n", err);
		free(err);
		run_free(&a);
		return EXIT_BAD_INPUT;
	}
	if (!a.n || !b.n) {
		fprintf(stderr, "ktstr: run %s has no records\n", !a.n ? a.path : b.path);
		run_free(&a);
		run_free(&b);
		return EXIT_BAD_INPUT;
	}
	va = compare_view(&a);
	vb = compare_view(&b);
	side_a = (struct compare_side){ a.id, va, a.n };
	side_b = (struct compare_side){ b.id, vb, b.n };
	compare_runs(&side_a, &side_b, &o, &rep);
	if (json) {
		json_t *j = compare_report_to_json(&rep);

		json_object_set_new(j, "a", json_string(a.id));
		json_object_set_new(j, "b", json_string(b.id));
		json_dumpf(j, stdout, JSON_INDENT(2));
		printf("\n");
		json_decref(j);
	} else {
		print_report(&rep, &a, &b, only_changed, output_use_color(stdout));
	}
	rc = compare_has_regression(&rep) ? 1 : 0;
	compare_report_free(&rep);
	free(va);
	free(vb);
	run_free(&a);
	run_free(&b);
	return rc;
}

/* ---- dispatch ---- */

int cmd_stats(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "runs-dir", required_argument, NULL, 'd' },
		{ "threshold", required_argument, NULL, 't' },
		{ "json", no_argument, NULL, 'j' },
		{ "changed", no_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	char *root = NULL, *end;
	double rel = -1.0;
	bool json = false, only_changed = false;
	int c, rc;

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
			rel = strtod(optarg, &end);
			if (errno || end == optarg || *end || !(rel >= 0) || !isfinite(rel)) {
				fprintf(stderr, "ktstr stats: bad --threshold '%s' (a percentage, e.g. 10)\n",
					optarg);
				free(root);
				return EXIT_BAD_INPUT;
			}
			rel /= 100.0;
			break;
		case 'j':
			json = true;
			break;
		case 'c':
			only_changed = true;
			break;
		case 'h':
			usage(stdout);
			free(root);
			return 0;
		case ':':
			fprintf(stderr, "ktstr stats: %s needs a value\n", argv[optind - 1]);
			free(root);
			return EXIT_BAD_INPUT;
		default:
			fprintf(stderr, "ktstr stats: unknown option '%s' ('ktstr stats --help' explains)\n",
				argv[optind - 1]);
			free(root);
			return EXIT_BAD_INPUT;
		}
	}
	if (!root)
		root = sidecar_runs_root();
	if (optind >= argc) {
		usage(stderr);
		rc = EXIT_BAD_INPUT;
	} else if (!strcmp(argv[optind], "list") && argc - optind == 1) {
		rc = cmd_list(root, json);
	} else if (!strcmp(argv[optind], "show") && argc - optind == 2) {
		rc = cmd_show(root, argv[optind + 1], json);
	} else if (!strcmp(argv[optind], "compare") && argc - optind == 3) {
		rc = cmd_compare(root, argv[optind + 1], argv[optind + 2], rel, json, only_changed);
	} else {
		fprintf(stderr, "ktstr stats: expected 'list', 'show RUN' or 'compare A B' "
				"('ktstr stats --help' explains)\n");
		rc = EXIT_BAD_INPUT;
	}
	free(root);
	return rc;
}
