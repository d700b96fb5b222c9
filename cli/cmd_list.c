// SPDX-License-Identifier: GPL-2.0-only
/* `ktstr list`: the catalog scenarios `ktstr run` can run, by category. */
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/ktstr.h>
#include <ktstr/scenario.h>

#include "cli/commands.h"
#include "guest/catalog.h"
#include "runner/args.h"

static void usage(FILE *f)
{
	fprintf(f,
		"NAME\n"
		"    ktstr list - list the catalog scenarios\n\n"
		"SYNOPSIS\n"
		"    ktstr list [--category C] [--json]\n\n"
		"DESCRIPTION\n"
		"    Prints every scenario 'ktstr run --scenario NAME' accepts with its category,\n"
		"    a one-line description and what it needs (at least N CPUs, LLCs or NUMA\n"
		"    nodes, SMT, a sched_ext scheduler), grouped by category. 'ktstr run' skips\n"
		"    a scenario on a topology or scheduler that does not meet its needs.\n\n"
		"OPTIONS\n"
		"    --category C   only this category\n"
		"    --json         a JSON object: {\"scenarios\": [{name, category, description,\n"
		"                   needs: {cpus, llcs, numa_nodes, smt, sched_ext}}],\n"
		"                   \"categories\": [names]}\n\n"
		"EXIT STATUS\n"
		"    0 listed, 2 usage error (unknown option or category).\n\n"
		"EXAMPLES\n"
		"    ktstr list\n"
		"    ktstr list --json | jq -r '.scenarios[].name'\n");
}

int cmd_catalog(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'J' },
		{ "category", required_argument, NULL, 'c' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *cat = NULL, *prev = NULL;
	json_t *top, *arr, *cats;
	bool json = false, found = false;
	char *text;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'J':
			json = true;
			break;
		case 'c':
			cat = optarg;
			break;
		case 'h':
			usage(stdout);
			return KTSTR_EXIT_PASS;
		default:
			fprintf(stderr, "(see ktstr list --help)\n");
			return KTSTR_EXIT_USAGE;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "ktstr list: unexpected argument '%s'\n", argv[optind]);
		return KTSTR_EXIT_USAGE;
	}
	for (unsigned i = 0; i < ktstr_scenarios_count(); i++)
		found |= !cat || !strcmp(ktstr_scenario_at(i)->category, cat);
	if (!found) {
		fprintf(stderr, "ktstr list: unknown category '%s'\n", cat);
		return KTSTR_EXIT_USAGE;
	}
	top = json_object();
	arr = json_array();
	cats = json_array();
	/* the catalog is sorted by category, then name */
	for (unsigned i = 0; i < ktstr_scenarios_count(); i++) {
		const struct ktstr_scenario *s = ktstr_scenario_at(i);

		if (cat && strcmp(s->category, cat))
			continue;
		if (!prev || strcmp(prev, s->category)) {
			json_array_append_new(cats, json_string(s->category));
			if (!json)
				printf("%s%s:\n", prev ? "\n" : "", s->category);
			prev = s->category;
		}
		if (json) {
			const struct ktstr_scenario_needs *n = &s->needs;

			json_array_append_new(
			    arr, json_pack("{s:s,s:s,s:s,s:{s:i,s:i,s:i,s:b,s:b}}", "name", s->name,
					   "category", s->category, "description", s->description,
					   "needs", "cpus", (json_int_t)n->cpus, "llcs",
					   (json_int_t)n->llcs, "numa_nodes", (json_int_t)n->numa_nodes,
					   "smt", n->smt, "sched_ext", n->sched_ext));
		} else {
			char needs[96];

			scn_needs_format(&s->needs, needs, sizeof(needs));
			printf("  %-22s %s%s%s%s\n", s->name, s->description, *needs ? " [needs " : "",
			       needs, *needs ? "]" : "");
		}
	}
	json_object_set_new(top, "scenarios", arr);
	json_object_set_new(top, "categories", cats);
	if (json) {
		text = json_dumps(top, JSON_INDENT(2));
		printf("%s\n", text);
		free(text);
	}
	json_decref(top);
	return KTSTR_EXIT_PASS;
}
