// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr run`: one catalog scenario against one scheduler on one topology, in
 * a VM, through the same runtime as a test binary (the scenarios are tests in
 * this binary's registry): verdict line, run record, exit 0/1/2.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "test_support/args.h"
#include "test_support/entry.h"
#include "test_support/entry_validate.h"
#include "test_support/output.h"
#include "test_support/run_one.h"
#include "test_support/sched_args.h"
#include "test_support/topo.h"
#include "util/util.h"

static void usage(FILE *f)
{

	fprintf(f,
		"usage: ktstr run --scenario NAME [--scheduler eevdf|NAME|PATH] [--topology NnLlCcTt]\n"
		"                 [--sched-args 'ARGS'] [--duration S] [--timeout S] [--kernel K]\n"
		"                 [--no-skip] [-v|-q]\n\n"
		"Boots a VM with the topology (default: the scenario's, 1n1l2c1t), starts the\n"
		"scheduler (default eevdf, the kernel's own; a registered name or a path to a\n"
		"sched_ext binary; --sched-args adds whitespace-separated arguments to it;\n"
		"scx_ktstr is the bundled fixture scheduler), runs the scenario and checks it.\n"
		"Prints one verdict line, writes a run record under $KTSTR_RUNS_DIR (default\n"
		"./ktstr-runs).\n"
		"Exit: 0 passed or skipped, 1 failed, 2 usage error.\n\nscenarios:\n");
	for (unsigned i = 0; i < ktstr_scenarios_count(); i++) {
		const struct ktstr_scenario *s = ktstr_scenario_at(i);

		fprintf(f, "  %-18s %-12s %s\n", s->name, s->category, s->description);
	}
}

/* cli/scenarios.c registers one test per catalog scenario: both lists agree. */
static int catalog_check(void)
{
	size_t n;
	int bad = 0;

	registry_tests(&n);
	for (unsigned i = 0; i < ktstr_scenarios_count(); i++) {
		if (!find_test(ktstr_scenario_at(i)->name)) {
			fprintf(stderr, "ktstr run: catalog scenario '%s' has no test in "
				"cli/scenarios.c\n", ktstr_scenario_at(i)->name);
			bad = 1;
		}
	}
	if (n != ktstr_scenarios_count()) {
		fprintf(stderr, "ktstr run: %zu registered tests for %u catalog scenarios\n", n,
			ktstr_scenarios_count());
		bad = 1;
	}
	return bad;
}

/* eevdf, a registered scheduler, or a binary path (name = its basename). */
static const struct ktstr_scheduler *pick_scheduler(const char *spec, struct ktstr_scheduler *own,
						    char **path)
{
	const struct ktstr_scheduler *s = find_scheduler(spec);

	if (s)
		return s;
	if (!strchr(spec, '/') && !path_exists(spec))
		return NULL;
	*path = realpath(spec, NULL);
	if (!*path)
		*path = xstrdup(spec); /* run_one says what is wrong with it */
	*own = (struct ktstr_scheduler){ .name = basename(*path), .binary = *path };
	return own;
}

int cmd_run(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "scenario", required_argument, NULL, 's' },
		{ "scheduler", required_argument, NULL, 'S' },
		{ "topology", required_argument, NULL, 't' },
		{ "sched-args", required_argument, NULL, 'a' },
		{ "duration", required_argument, NULL, 'd' },
		{ "timeout", required_argument, NULL, 'T' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "no-skip", no_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *scenario = NULL, *sched_spec = "eevdf", *topo_text = NULL;
	struct run_opts ro = { .verbosity = 1 };
	struct ktstr_scheduler own;
	struct ktstr_test t;
	struct plan_item it;
	struct run_outcome out;
	const struct ktstr_test *base;
	char *sched_path = NULL, *err = NULL, **sched_args = NULL;
	unsigned duration = 0;
	uint64_t v;
	int c, code;

	optind = 1;
	while ((c = getopt_long(argc, argv, "vqh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			scenario = optarg;
			break;
		case 'S':
			sched_spec = optarg;
			break;
		case 't':
			topo_text = optarg;
			break;
		case 'a':
			sched_strv_free(sched_args);
			sched_args = sched_split_args(optarg);
			break;
		case 'd':
		case 'T':
			if (str_to_u64(optarg, &v) || !v || v > 86400) {
				fprintf(stderr, "ktstr run: --%s: '%s' is not a number of seconds "
					"(1..86400)\n", c == 'd' ? "duration" : "timeout", optarg);
				return KTSTR_EXIT_USAGE;
			}
			if (c == 'd')
				duration = (unsigned)v;
			else
				ro.timeout_s = (unsigned)v;
			break;
		case 'k':
			ro.kernel = optarg;
			break;
		case 'n':
			ro.no_skip = true;
			break;
		case 'v':
			ro.verbosity = 2;
			break;
		case 'q':
			ro.verbosity = 0;
			break;
		case 'h':
			usage(stdout);
			return KTSTR_EXIT_PASS;
		default:
			usage(stderr);
			return KTSTR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ktstr run: unexpected argument '%s'\n", argv[optind]);
		return KTSTR_EXIT_USAGE;
	}
	if (!scenario) {
		fprintf(stderr, "ktstr run: --scenario NAME is required\n");
		usage(stderr);
		return KTSTR_EXIT_USAGE;
	}
	if (entry_validate_registry() || catalog_check())
		return KTSTR_EXIT_USAGE;
	base = find_test(scenario);
	if (!base) {
		fprintf(stderr, "ktstr run: unknown scenario '%s' (see ktstr run --help)\n", scenario);
		return KTSTR_EXIT_USAGE;
	}
	t = *base;
	t.scheduler = pick_scheduler(sched_spec, &own, &sched_path);
	if (!t.scheduler) {
		fprintf(stderr, "ktstr run: --scheduler '%s' is neither eevdf, a registered scheduler "
			"nor an existing file\n", sched_spec);
		return KTSTR_EXIT_USAGE;
	}
	if (sched_args && sched_args[0]) {
		if (!t.scheduler->binary) {
			fprintf(stderr, "ktstr run: --sched-args needs a sched_ext --scheduler\n");
			sched_strv_free(sched_args);
			free(sched_path);
			return KTSTR_EXIT_USAGE;
		}
		t.extra_sched_args = (const char *const *)sched_args;
	}
	if (duration)
		t.duration_s = duration;
	run_item_for(&t, &it);
	if (topo_text && topo_parse(topo_text, &it.topo, &err)) {
		fprintf(stderr, "ktstr run: --topology: %s\n", err);
		free(err);
		free(sched_path);
		sched_strv_free(sched_args);
		return KTSTR_EXIT_USAGE;
	}
	ro.color = output_use_color(stdout);
	code = run_one(&it, &ro, &out) == KTSTR_FAIL ? KTSTR_EXIT_FAIL : KTSTR_EXIT_PASS;
	fputs(out.text, stdout);
	if (out.record_path && ro.verbosity >= 1 && ro.verbosity < 2)
		printf("record: %s\n", out.record_path);
	fflush(stdout);
	run_outcome_free(&out);
	free(sched_path);
	sched_strv_free(sched_args);
	return code;
}
