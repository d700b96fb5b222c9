// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr report RUN [RUN...] -o FILE`: one self-contained HTML page of run
 * records (runner/report_page.h), with the comparison of two sides when two
 * runs or --a-X/--b-X dimensions are given (the sides as `ktstr stats
 * compare` chooses them, cli/runs.h). Exit codes: 0 written, 1 the file could
 * not be written, 2 bad input (unknown run, corrupt record, bad option,
 * nothing paired).
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "cli/runs.h"
#include "runner/report_page.h"
#include "runner/timefmt.h"
#include "util/util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ktstr report [--runs-dir DIR] RUN [RUN...] -o FILE [--a-X V --b-X W]\n"
		"                    [--scenario N] [--topology T] [--threshold PCT] [--max-points N]\n"
		"\n"
		"Write one self-contained HTML page about the runs: per test record the\n"
		"verdict and every failure detail, each worker's CPU share as bars (on CPU and\n"
		"runnable-but-waiting, percent of its run), and the monitor timeline: per-CPU\n"
		"nr_running, local DSQ depth and the imbalance (max / max(1, min) of\n"
		"nr_running over CPUs), with the phases (init stages, scenario steps, marks)\n"
		"as dashed lines. The page loads nothing (no script, no fonts, no network);\n"
		"every text from the records is escaped.\n"
		"\n"
		"Comparison: with two runs (A = the first, B = the second) or with sides chosen\n"
		"by a dimension (--a-scheduler/--b-scheduler, --a-kernel/--b-kernel,\n"
		"--a-args/--b-args; one run, or every run given as one pool), the page adds what\n"
		"'ktstr stats compare' judges: per paired test the verdicts and, per metric, the\n"
		"change of the median as a percent of A with its 95%% Hodges-Lehmann interval,\n"
		"drawn against the metric's relative gate, and the table of medians, iqr and\n"
		"intervals. 'ktstr stats --help' explains pairing and judging.\n"
		"\n"
		"RUN: a run id, a run directory (or one record file), 'latest', or 'latest~N'.\n"
		"\n"
		"options:\n"
		"  -o, --output FILE   the page to write (required); written to FILE.tmp.PID,\n"
		"                      then renamed, so FILE is never half written\n"
		"  --runs-dir DIR      read runs from DIR instead of $KTSTR_RUNS_DIR\n"
		"  --a-scheduler S, --b-scheduler S, --a-kernel K, --b-kernel K,\n"
		"  --a-args 'A', --b-args 'A'\n"
		"                      choose the sides by a dimension (as 'ktstr stats compare')\n"
		"  --scenario NAME     compare only this test/scenario (repeatable)\n"
		"  --topology T        compare only this topology (repeatable)\n"
		"  --threshold PCT     relative gate for every metric, in percent\n"
		"  --max-points N      points per timeline series (default %d, 10..100000);\n"
		"                      longer timelines are drawn as the maximum of each of N\n"
		"                      equal buckets, and the page says so\n"
		"\n"
		"exit status: 0 written (also with regressions: 'ktstr stats compare' judges),\n"
		"1 the file could not be written, 2 bad input: unknown run, corrupt record\n"
		"(named), bad option, or no test on both sides of a comparison\n"
		"\n"
		"examples:\n"
		"  ktstr report latest -o report.html\n"
		"  ktstr report latest~1 latest -o ab.html\n"
		"  ktstr report --a-scheduler eevdf --b-scheduler scx_ktstr latest -o sched.html\n",
		REPORT_MAX_POINTS);
}

static char *command_line(int argc, char **argv)
{
	struct strbuf sb = { 0 };

	sb_append(&sb, "ktstr");
	for (int i = 0; i < argc; i++)
		sb_printf(&sb, " %s", argv[i]);
	return sb_steal(&sb);
}

static int write_report(const char *root, const struct ab_args *args, const char *out,
			size_t max_points, const char *cmdline)
{
	struct report_page_opts o = REPORT_PAGE_OPTS_DEFAULT;
	struct report_run *runs;
	char stamp[TIMEFMT_ISO_LEN], *html;
	struct ab ab;
	int rc = EXIT_BAD_INPUT, e;

	if (ab_load(root, args, "ktstr report", &ab) < 0)
		goto out;
	if ((ab.nruns == 2 || ab_chosen(args)) && ab_compare(&ab, args, "ktstr report") < 0)
		goto out;
	runs = xcalloc(ab.nruns, sizeof(*runs));
	for (size_t i = 0; i < ab.nruns; i++)
		runs[i] = (struct report_run){ ab.runs[i].id, ab.runs[i].path, ab.runs[i].recs,
					       ab.runs[i].n };
	o.runs = runs;
	o.nruns = ab.nruns;
	if (ab.compared) {
		o.cmp = &ab.rep;
		o.a_name = ab.ida;
		o.b_name = ab.idb;
		o.a_records = ab.va.n;
		o.b_records = ab.vb.n;
	}
	o.command = cmdline;
	o.created = timefmt_iso8601(now_real_ns(), stamp, sizeof(stamp));
	o.max_points = max_points;
	html = report_page_html(&o);
	e = file_write_atomic(out, html, strlen(html));
	if (e < 0) {
		fprintf(stderr, "ktstr report: cannot write %s: %s\n", out, strerror(-e));
		rc = 1;
	} else {
		fprintf(stderr, "ktstr report: wrote %s (%zu KiB, %zu run(s)%s)\n", out,
			strlen(html) >> 10, ab.nruns, ab.compared ? ", with a comparison" : "");
		rc = 0;
	}
	free(html);
	free(runs);
out:
	ab_free(&ab);
	return rc;
}

int cmd_report(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "output", required_argument, NULL, 'o' },
		{ "max-points", required_argument, NULL, 'm' },
		AB_LONG_OPTIONS,
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct ab_args ab = AB_ARGS_INIT;
	char *cmdline = command_line(argc, argv);
	const char *out = NULL;
	uint64_t max_points = REPORT_MAX_POINTS;
	int c, rc = EXIT_BAD_INPUT;

	optind = 0; /* reinitialize getopt; GNU getopt lets options follow the words */
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", opts, NULL)) != -1) {
		int taken = ab_option(&ab, c, argv, "ktstr report");

		if (taken < 0)
			goto out;
		if (c == 'o') {
			out = optarg;
		} else if (c == 'm' && (str_to_u64(optarg, &max_points) < 0 || max_points < 10 ||
					max_points > 100000)) {
			fprintf(stderr, "ktstr report: bad --max-points '%s' (10..100000)\n", optarg);
			goto out;
		} else if (c == 'h') {
			usage(stdout);
			rc = 0;
			goto out;
		}
	}
	if (optind >= argc || !out) {
		fprintf(stderr, "ktstr report: %s ('ktstr report --help' explains)\n",
			optind >= argc ? "expected at least one RUN" : "expected -o FILE");
		goto out;
	}
	if (!ab.root)
		ab.root = sidecar_runs_root();
	ab.runs = (const char **)&argv[optind];
	ab.nruns = (size_t)(argc - optind);
	rc = write_report(ab.root, &ab, out, (size_t)max_points, cmdline);
out:
	free(cmdline);
	ab_args_free(&ab);
	return rc;
}
