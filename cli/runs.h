/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Runs of records for `ktstr stats` and `ktstr report`: loading a run by id,
 * path or latest~N, choosing the two sides of a comparison (two runs, or
 * --a-X/--b-X dimensions within runs) and comparing them.
 */
#ifndef KTSTR_CLI_RUNS_H
#define KTSTR_CLI_RUNS_H

#include <getopt.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "runner/compare.h"
#include "runner/sidecar.h"

#define EXIT_BAD_INPUT 2

/* The records of one run, sorted by test and variant. */
struct run {
	char *id;
	char *path;
	struct sidecar_record *recs;
	size_t n;
	size_t corrupt; /* unreadable records (list only tolerates them) */
};

void run_free(struct run *r);
/* Read the records of the run at path (a directory, or a single record file).
 * strict: the first unreadable record is an error naming the file. */
int run_read(const char *path, bool strict, struct run *run, char **err);
/* Resolve spec (id, path, latest, latest~N) under root: *path, and *id for a run
 * under root (NULL for a path). 0 or -errno with *err. */
int run_resolve(const char *root, const char *spec, char **path, char **id, char **err);
/* Resolve spec under root and read it strictly. */
int run_load(const char *root, const char *spec, struct run *run, char **err);

/* How one side is chosen: --a-X / --b-X values (NULL = any). */
struct side_sel {
	const char *scheduler, *kernel, *args;
};

#define AB_MAX_FILTERS 64

/* The side selection options of a command line. */
struct ab_args {
	const char **runs; /* run specs, in order */
	size_t nruns;
	struct side_sel a, b;
	const char *scenarios[AB_MAX_FILTERS], *topologies[AB_MAX_FILTERS];
	size_t nscenarios, ntopologies; /* --scenario, --topology: both sides */
	char *a_args, *b_args;          /* storage behind a.args, b.args */
	double rel;                     /* --threshold / 100, or -1 */
	char *root;                     /* --runs-dir, or NULL */
};
#define AB_ARGS_INIT { .rel = -1.0 }

/* The getopt_long entries of the side selection options, for a command's table. */
#define AB_LONG_OPTIONS                                             \
	{ "runs-dir", required_argument, NULL, 'd' },               \
	{ "threshold", required_argument, NULL, 't' },              \
	{ "a-scheduler", required_argument, NULL, 'S' },            \
	{ "b-scheduler", required_argument, NULL, 's' },            \
	{ "a-kernel", required_argument, NULL, 'K' },               \
	{ "b-kernel", required_argument, NULL, 'k' },               \
	{ "a-args", required_argument, NULL, 'A' },                 \
	{ "b-args", required_argument, NULL, 'a' },                 \
	{ "scenario", required_argument, NULL, 'n' },               \
	{ "topology", required_argument, NULL, 'T' }

/* What getopt_long (optstring starting with ':') returned: an option of
 * AB_LONG_OPTIONS with its value (optarg), a missing value (':') or an unknown
 * option ('?'). 1 taken, 0 none of these (the command's own), -1 bad: said on
 * stderr, prefixed with prog. */
int ab_option(struct ab_args *a, int c, char **argv, const char *prog);
/* Are the sides chosen by a dimension (--a-X and --b-X with different values)? */
bool ab_chosen(const struct ab_args *a);
void ab_args_free(struct ab_args *a);

/* One side: compare_rec views of the selected records (pointers into runs). */
struct view {
	struct compare_rec *recs;
	char **args; /* storage behind recs[].args */
	size_t n;
};

/* A comparison: the runs, the sides chosen from them, and the report. */
struct ab {
	struct run *runs;
	size_t nruns;
	char *ida, *idb; /* the sides' names: run ids ("r1+r2" for a pool) */
	struct view va, vb;
	struct compare_report rep;
	bool compared;
};

/* Load every run of a (the first failure is said on stderr, prefixed with prog).
 * 0 or -1. */
int ab_load(const char *root, const struct ab_args *a, const char *prog, struct ab *ab);
/*
 * Compare the sides of the loaded runs: two runs are A and B (each filtered by
 * its --a-X / --b-X); otherwise the sides are chosen by a dimension from all of
 * them (one run, or a pool). Nothing paired, or no way to choose the sides, is
 * said on stderr with what each side had; then -1.
 */
int ab_compare(struct ab *ab, const struct ab_args *a, const char *prog);
void ab_free(struct ab *ab);

#endif
