// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr verifier`: boot a VM, load a sched_ext scheduler with the kernel's
 * verifier statistics on (proto/verstats.h) and print, per BPF program, the
 * instructions processed against the limit, the states and the verification
 * time; --compare loads a second build and prints the deltas.
 */
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <ktstr/ktstr.h>

#include "cli/commands.h"
#include "core/entry.h"
#include "core/sched_args.h"
#include "core/topo.h"
#include "proto/verstats.h"
#include "runner/preflight.h"
#include "runner/run_one.h"
#include "runner/sidecar.h"
#include "util/util.h"

#define VERIFIER_SCENARIO "steady" /* the load happens before it; 1 s of it */

struct vargs {
	const char *sched, *compare, *kernel, *sched_args, *topology;
};

static void usage(FILE *f)
{
	fprintf(f,
		"NAME\n"
		"    ktstr verifier - the BPF verifier's statistics per program of a scheduler\n\n"
		"SYNOPSIS\n"
		"    ktstr verifier --scheduler NAME|PATH [--compare NAME|PATH] [--kernel K]\n"
		"                   [--sched-args 'ARGS'] [--topology NnLlCcTt]\n\n"
		"DESCRIPTION\n"
		"    Boots a VM, loads the scheduler with KTSTR_VERIFIER_STATS=1 in its\n"
		"    environment and prints, per BPF program, the instructions the verifier\n"
		"    processed, the limit (1000000), the states (total, peak, most per\n"
		"    instruction) and the verification time. A loader prints them when it\n"
		"    sets the kernel log level BPF_LOG_STATS (libbpf kernel_log_level 4) and\n"
		"    prints libbpf's 'PROG LOAD LOG' blocks, as scx_ktstr does under that\n"
		"    variable; for any other loader the instruction counts the kernel kept\n"
		"    for its struct_ops programs (bpf_prog_aux, read from guest memory) are\n"
		"    shown instead. A program the verifier rejects is marked, with the end\n"
		"    of its log. The run record (under $KTSTR_RUNS_DIR) keeps them as\n"
		"    \"verifier\".\n\n"
		"OPTIONS\n"
		"    --scheduler S   the scheduler: a registered name (scx_ktstr) or a binary.\n"
		"    --compare O     also load O and print, per program, O minus S.\n"
		"    --kernel K      kernel image, version or cache key (see 'ktstr kernel').\n"
		"    --sched-args A  arguments for the scheduler binaries, split at whitespace.\n"
		"    --topology T    the VM's topology (default 1n1l2c1t).\n\n"
		"EXIT STATUS\n"
		"    0 statistics printed; 1 a load failed or no statistics; 2 usage error.\n");
}

/* One VM: load spec's scheduler, its statistics into *vs. 0, or 1 (said). */
static int load_one(const struct vargs *a, const char *spec, struct verstats *vs, char **name)
{
	const struct ktstr_scheduler *s;
	struct ktstr_test t = *find_test(VERIFIER_SCENARIO);
	struct sidecar_record rec;
	struct run_outcome out;
	struct plan_item it;
	char *err = NULL, *variant;
	int ret = 1;

	memset(vs, 0, sizeof(*vs));
	s = cli_pick_scheduler(spec, &err);
	if (!s || !s->binary) {
		fprintf(stderr, "ktstr verifier: '%s': %s\n", spec,
			s ? "not a sched_ext scheduler binary" : err ? err : "not found");
		free(err);
		return 2;
	}
	*name = xstrdup(s->name);
	t.scheduler = s;
	t.duration_s = 1;
	t.extra_sched_args = a->sched_args ? (const char *const *)sched_split_args(a->sched_args)
					   : NULL;
	run_item_for(&t, &it);
	if (a->topology && topo_parse(a->topology, &it.topo, &err)) {
		fprintf(stderr, "ktstr verifier: --topology: %s\n", err);
		free(err);
		return 2;
	}
	it.variant = variant = xasprintf("verifier-%s", s->name);
	run_one(&it, &(struct run_opts){ .kernel = a->kernel, .verbosity = 1,
					 .verifier_stats = true }, &out);
	if (out.result.verdict != KTSTR_PASS)
		fprintf(stderr, "%s", out.text ? out.text : "");
	sidecar_record_init(&rec);
	if (!out.record_path || sidecar_read(out.record_path, &rec, &err)) {
		fprintf(stderr, "ktstr verifier: %s: no run record: %s\n", s->name,
			err ? err : "not written");
	} else if (!rec.verifier || verstats_from_json(rec.verifier, vs, &err)) {
		fprintf(stderr, "ktstr verifier: %s: %s\n", s->name,
			err ? err : "the record holds no verifier statistics");
	} else if (!vs->n) {
		fprintf(stderr, "ktstr verifier: %s: the scheduler printed no verifier statistics "
			"and no struct_ops program was seen loaded\n", s->name);
	} else {
		ret = 0;
	}
	free(err);
	sidecar_record_free(&rec);
	free(variant);
	run_outcome_free(&out);
	return ret;
}

static void opt_cell(int64_t v, int width)
{
	if (v < 0)
		printf(" %*s", width, "-");
	else
		printf(" %*" PRId64, width, v);
}

static void print_table(const char *name, const struct verstats *vs)
{
	uint64_t total = 0;

	printf("%s: %u programs\n", name, vs->n);
	printf("  %-32s %9s %9s %6s %8s %6s %8s %9s\n", "program", "insns", "limit", "%limit",
	       "states", "peak", "max/insn", "time_us");
	for (unsigned i = 0; i < vs->n; i++) {
		const struct verstats_prog *p = &vs->progs[i];

		printf("  %-32s", p->name);
		opt_cell(p->have_insns ? (int64_t)p->insns : -1, 9);
		opt_cell(p->have_insns && p->limit ? (int64_t)p->limit : -1, 9);
		if (p->have_insns && p->limit)
			printf(" %5.1f%%", 100.0 * (double)p->insns / (double)p->limit);
		else
			printf(" %6s", "-");
		opt_cell(p->total_states, 8);
		opt_cell(p->peak_states, 6);
		opt_cell(p->max_states_per_insn, 8);
		opt_cell(p->time_us, 9);
		printf("%s\n", p->failed ? "  REJECTED" : "");
		total += p->insns;
	}
	printf("  %-32s %9" PRIu64 "\n", "total", total);
	if (vs->fail_log)
		printf("--- verifier log of the rejected program (last lines) ---\n%s",
		       vs->fail_log);
}

static const struct verstats_prog *find_prog(const struct verstats *vs, const char *name)
{
	for (unsigned i = 0; i < vs->n; i++)
		if (!strcmp(vs->progs[i].name, name))
			return &vs->progs[i];
	return NULL;
}

/* "+N (+P%)" of b against a, or "-" when either is missing. */
static void delta_cell(int64_t a, int64_t b, int width)
{
	char cell[48];

	if (a < 0 || b < 0)
		snprintf(cell, sizeof(cell), "-");
	else if (a)
		snprintf(cell, sizeof(cell), "%+" PRId64 " (%+.1f%%)", b - a,
			 100.0 * (double)(b - a) / (double)a);
	else
		snprintf(cell, sizeof(cell), "%+" PRId64, b - a);
	printf(" %*s", width, cell);
}

static void compare_row(const char *name, const struct verstats_prog *a,
			const struct verstats_prog *b)
{
	int64_t ia = a && a->have_insns ? (int64_t)a->insns : -1;
	int64_t ib = b && b->have_insns ? (int64_t)b->insns : -1;

	printf("  %-32s", name);
	opt_cell(ia, 9);
	opt_cell(ib, 9);
	delta_cell(ia, ib, 18);
	delta_cell(a ? a->total_states : -1, b ? b->total_states : -1, 16);
	delta_cell(a ? a->peak_states : -1, b ? b->peak_states : -1, 16);
	delta_cell(a ? a->time_us : -1, b ? b->time_us : -1, 18);
	printf("%s\n", !a ? "  (only in B)" : !b ? "  (only in A)" : "");
}

static void print_compare(const char *na, const struct verstats *a, const char *nb,
			  const struct verstats *b)
{
	printf("\nA = %s, B = %s: B - A per program\n", na, nb);
	printf("  %-32s %9s %9s %18s %16s %16s %18s\n", "program", "insns A", "insns B",
	       "insns", "states", "peak", "time_us");
	for (unsigned i = 0; i < a->n; i++)
		compare_row(a->progs[i].name, &a->progs[i], find_prog(b, a->progs[i].name));
	for (unsigned i = 0; i < b->n; i++)
		if (!find_prog(a, b->progs[i].name))
			compare_row(b->progs[i].name, NULL, &b->progs[i]);
}

static bool any_rejected(const struct verstats *vs)
{
	for (unsigned i = 0; i < vs->n; i++)
		if (vs->progs[i].failed)
			return true;
	return false;
}

static const struct option options[] = {
	{ "scheduler", required_argument, NULL, 'S' },
	{ "compare", required_argument, NULL, 'C' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "sched-args", required_argument, NULL, 'A' },
	{ "topology", required_argument, NULL, 't' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

static int parse(int argc, char **argv, struct vargs *a)
{
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", options, NULL)) != -1) {
		switch (c) {
		case 'S': a->sched = optarg; break;
		case 'C': a->compare = optarg; break;
		case 'k': a->kernel = optarg; break;
		case 'A': a->sched_args = optarg; break;
		case 't': a->topology = optarg; break;
		case 'h': usage(stdout); return KTSTR_EXIT_PASS;
		default: fprintf(stderr, "(see ktstr verifier --help)\n"); return KTSTR_EXIT_USAGE;
		}
	}
	if (optind < argc || !a->sched) {
		fprintf(stderr, "ktstr verifier: %s (see ktstr verifier --help)\n",
			optind < argc ? "unexpected argument" : "--scheduler is required");
		return KTSTR_EXIT_USAGE;
	}
	return -1;
}

int cmd_verifier(int argc, char **argv)
{
	struct vargs a = { 0 };
	struct verstats va, vb = { 0 };
	char *na = NULL, *nb = NULL, *err = NULL;
	int code = parse(argc, argv, &a), ra, rb = 0;

	if (code >= 0)
		return code;
	if (a.kernel && preflight_kernel(a.kernel, &err)) {
		fprintf(stderr, "ktstr verifier: %s\n", err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	ra = load_one(&a, a.sched, &va, &na);
	if (!ra)
		print_table(na, &va);
	if (ra != 2 && a.compare) {
		rb = load_one(&a, a.compare, &vb, &nb);
		if (!rb) {
			printf("\n");
			print_table(nb, &vb);
		}
		if (!ra && !rb)
			print_compare(na, &va, nb, &vb);
	}
	code = ra == 2 || rb == 2 ? KTSTR_EXIT_USAGE
	       : ra || rb || any_rejected(&va) || any_rejected(&vb) ? KTSTR_EXIT_FAIL
								    : KTSTR_EXIT_PASS;
	verstats_free(&va);
	verstats_free(&vb);
	free(na);
	free(nb);
	return code;
}
