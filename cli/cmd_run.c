// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr run`: catalog scenarios x topologies x schedulers, each in its own
 * VM, through the same suite runner as a test binary (the scenarios are tests
 * in this binary's registry, cli/scenarios.c): a progress line while the VMs
 * run, each test's block as it finishes, a results table, run records,
 * optional JSON/JUnit, exit 0/1/2.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/entry.h"
#include "core/sched_args.h"
#include "core/topo.h"
#include "guest/catalog.h"
#include "runner/args.h"
#include "runner/entry_validate.h"
#include "runner/output.h"
#include "runner/partition.h"
#include "runner/preflight.h"
#include "runner/retry.h"
#include "runner/run_one.h"
#include "runner/sidecar.h"
#include "runner/suite.h"
#include "util/util.h"
#include "vm/elfdeps.h"
#include "vm/kbuild.h"
#include "vm/kconfig.h"
#include "vm/ksource.h"
#include "vm/snapshot.h"

/* The quick default set: about a minute together under TCG. */
static const char *const default_scenarios[] = { "steady", "cpuset_apply", "cpuset_clear" };
#define DEFAULT_SCHEDULER "scx_ktstr"
#define MAX_LIST 256

static void usage(FILE *f)
{
	fprintf(f,
		"NAME\n"
		"    ktstr run - run catalog scenarios in VMs against a scheduler\n\n"
		"SYNOPSIS\n"
		"    ktstr run [--scheduler eevdf|NAME|PATH]... [--sched-args 'ARGS']\n"
		"              [--topology NnLlCcTt]... [--scenario NAME... | --category C... | --all]\n"
		"              [--duration S] [--workers N] [--timeout S] [--kernel K] [-j N]\n"
		"              [--retries N] [--flaky-fails] [--auto-repro] [--repeat N] [--json]\n"
		"              [--junit FILE] [--no-skip] [--no-build] [--trace] [--partition I/N]\n"
		"              [--plan] [-v|-q]\n\n"
		"DESCRIPTION\n"
		"    Every selected scenario runs on every topology under every scheduler, each\n"
		"    combination in its own VM booted with that CPU topology: the scheduler is\n"
		"    started and attached, the scenario's cgroup workloads run, and what every\n"
		"    worker got is checked (starvation, gaps, spread, isolation). No C needed.\n"
		"    A scenario whose needs (ktstr list) a topology or scheduler does not meet\n"
		"    is not run there: it is a SKIP with the reason, in --plan, the blocks and\n"
		"    the table, and no VM boots for it.\n"
		"    While VMs run, a progress line goes to stderr (rewritten in place on a\n"
		"    terminal, with each VM's stage: boot, scheduler, body...; one line per\n"
		"    start and finish otherwise). Each test's block is\n"
		"    printed when it finishes, then a results table and the closing line\n"
		"    'N passed, N failed, N skipped'. A run record per test is written under\n"
		"    $KTSTR_RUNS_DIR (default ./ktstr-runs); compare runs with 'ktstr stats'.\n\n"
		"OPTIONS\n"
		"    --scheduler S   eevdf (the kernel's own), a name found next to ktstr, in the\n"
		"                    build tree's schedulers/ or $PATH (the bundled scx_ktstr),\n"
		"                    or a path to a sched_ext binary. Repeatable. Default: %s.\n"
		"    --sched-args A  arguments for the scheduler binary, split at whitespace.\n"
		"    --topology T    NUMA nodes, LLCs per node, cores per LLC, threads per core,\n"
		"                    e.g. 1n2l2c1t. Repeatable. Default: 1n1l2c1t.\n"
		"    --scenario N    a catalog scenario (see 'ktstr list'). Repeatable.\n"
		"    --category C    every scenario of a category. Repeatable.\n"
		"    --all           every catalog scenario.\n"
		"                    Default: the quick set steady, cpuset_apply, cpuset_clear.\n"
		"    --duration S    scenario length in seconds (default 2).\n"
		"    --workers N     workers per cgroup (default 2).\n"
		"    --timeout S     limit for each test body in seconds (default derived).\n"
		"    --kernel K      kernel image path, version or cache key (see 'ktstr kernel'),\n"
		"                    or a kernel source tree: a tree built by hand\n"
		"                    (arch/x86/boot/bzImage) is used as it is, any other is\n"
		"                    built into the cache first unless cached already, as by\n"
		"                    'ktstr kernel build TREE'.\n"
		"    --no-build      refuse a --kernel source tree that would need a build.\n"
		"    -j, --jobs N    VMs at once (default: as many as host CPUs allow).\n"
		"    --retries N     rerun a failed test (fail, timeout, crash; not a skip) at\n"
		"                    once, in a fresh VM, up to N more times (default 0). A pass\n"
		"                    on a rerun is FLAKY: its own line, verdict FLAKY in the\n"
		"                    table, counted in 'N passed, N failed, N flaky, N skipped'\n"
		"                    and recorded as pass with \"flaky\": true and every attempt.\n"
		"    --flaky-fails   a FLAKY test fails the run (exit 1).\n"
		"    --auto-repro    a test whose sched_ext scheduler died or whose monitor check\n"
		"                    failed runs once more with probes on the failure's stack\n"
		"                    and the sched_ext path; the hits (function, CPU, time to\n"
		"                    the failure, arguments) show under '--- auto-repro ---'\n"
		"                    and go into the run record (docs/auto-repro.md).\n"
		"    --repeat N      run every combination N times (1..1000), each in its own VM\n"
		"                    and record (repeat I of N): the samples 'ktstr stats compare'\n"
		"                    takes medians and confidence intervals over.\n"
		"    --json          results as JSON on stdout (blocks and table go to stderr).\n"
		"    --junit FILE    write a JUnit XML report.\n"
		"    --no-skip       a host that cannot run a test fails it instead of skipping.\n"
		"    --trace         record the scheduling in each VM (sched_switch, wakeups,\n"
		"                    migrations, sched_ext events) and write <record>.trace.json\n"
		"                    next to each record: a Chrome JSON trace with ktstr's steps,\n"
		"                    marks, monitor counters and the failure, for the Perfetto\n"
		"                    UI (ui.perfetto.dev).\n"
		"    --partition I/N run shard I of N (1-based) of the combinations, for CI:\n"
		"                    shards are balanced by estimated time (boot or restore,\n"
		"                    scheduler load, duration), every combination in exactly\n"
		"                    one, the same split on every machine. The run directory\n"
		"                    gets a shard manifest; 'ktstr stats merge' joins the\n"
		"                    shards' runs into one. Without it: KTSTR_PARTITION, or a\n"
		"                    CI engine's variables (see ENVIRONMENT); stderr says which.\n"
		"    --plan          print what each shard would run and its estimate, run\n"
		"                    nothing (--json: as JSON).\n"
		"    --no-snapshot   boot every VM instead of restoring it from a VM template\n"
		"                    (also: KTSTR_SNAPSHOT=0).\n"
		"    -v, -q          more (stats, records, diagnostics) or less output.\n\n"
		"EXIT STATUS\n"
		"    0    every combination ran and passed, or was skipped for a reason the\n"
		"         command line did not override (--no-skip makes a skip a failure);\n"
		"         a FLAKY test counts as passed unless --flaky-fails.\n"
		"    1    a test failed (or, with --flaky-fails, was flaky).\n"
		"    2    bad input, found before any VM boots: a usage error, a kernel\n"
		"         (--kernel, KTSTR_KERNEL) that does not exist or is not a kernel\n"
		"         image, a scheduler that cannot run in the VM (missing, a #! script\n"
		"         whose interpreter the VM lacks, another architecture, a missing\n"
		"         shared library).\n"
		"    130, 143  interrupted by SIGINT, SIGTERM: the VMs are stopped, each\n"
		"         unfinished combination is recorded with verdict interrupted, and\n"
		"         the table and closing line (with 'N interrupted') are printed.\n\n"
		"ENVIRONMENT\n"
		"    KTSTR_KERNEL     default kernel (path, version or cache key)\n"
		"    KTSTR_RUNS_DIR   where run records go (default ./ktstr-runs)\n"
		"    KTSTR_ACCEL      kvm or tcg (default: kvm when usable)\n"
		"    KTSTR_KEEP=1     keep a failed test's scratch directory\n"
		"    KTSTR_PARTITION  I/N, when --partition is not given; else, in this order,\n"
		"                     GitLab CI_NODE_INDEX (1-based) and CI_NODE_TOTAL,\n"
		"                     Buildkite BUILDKITE_PARALLEL_JOB (0-based) and\n"
		"                     BUILDKITE_PARALLEL_JOB_COUNT, Kubernetes\n"
		"                     JOB_COMPLETION_INDEX (0-based) and KTSTR_PARTITION_COUNT\n"
		"                     (set it to the Job's completions). docs/scale-out.md\n\n"
		"EXAMPLES\n"
		"    ktstr run                                   quick set on scx_ktstr\n"
		"    ktstr run --scheduler eevdf --scheduler scx_ktstr --topology 1n2l2c1t\n"
		"    ktstr run --scheduler ./scx_simple --category cpuset --json > out.json\n"
		"    ktstr run --scheduler eevdf --scheduler scx_ktstr --repeat 5 -j 1\n"
		"    ktstr run --all --topology 1n2l2c1t --partition 2/4 --plan\n",
		DEFAULT_SCHEDULER);
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

/* eevdf, a registered scheduler, or a binary (bare name or path); the binary
 * must resolve now and be able to run in the VM (an ELF of this machine with
 * its libraries, not a script), so a bad one is refused before any VM boots. */
const struct ktstr_scheduler *cli_pick_scheduler(const char *spec, char **err)
{
	const struct ktstr_scheduler *s = find_scheduler(spec);
	struct ktstr_scheduler probe = { .name = spec, .binary = spec }, *own;
	char *self, *path = NULL;
	int r;

	if (s && !s->binary)
		return s;
	self = realpath("/proc/self/exe", NULL);
	r = sched_resolve_binary(s ? s : &probe, self ? dirname(self) : NULL, getenv("PATH"),
				 &path, err);
	free(self);
	if (!r && (r = elfdeps_check_exec(path, err)))
		free(path);
	if (r)
		return NULL;
	if (s) {
		free(path);
		return s;
	}
	own = xcalloc(1, sizeof(*own));
	own->binary = path;
	own->name = xstrdup(basename(path)); /* basename of our own copy */
	return own;
}

struct row {
	const char *scenario, *sched;
	unsigned repeat;  /* --repeat: 1-based, else 0 */
	char label[96];   /* "steady", or "steady#2" with --repeat */
	char topo[32];
	char stage[20];  /* the VM's last stage (progress) */
	bool started, done;
	bool flaky;
	unsigned attempts;  /* when it ran more than once, else 0 */
	uint64_t start_ns;
	struct ktstr_result result;
	double wall_s;
	char *record;
};

struct progress {
	struct row *rows;
	size_t n, done;
	bool tty;
	uint64_t t0;
	FILE *table;
	bool status_shown;
};

static unsigned since_s(const struct progress *p, uint64_t t)
{
	return (unsigned)((now_ns() - t) / 1000000000ull);
}

static void status_clear(struct progress *p)
{
	if (p->tty && p->status_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		p->status_shown = false;
	}
}

static void on_tick(void *arg)
{
	struct progress *p = arg;
	struct strbuf sb = { 0 };
	unsigned running = 0;

	if (!p->tty)
		return;
	for (size_t i = 0; i < p->n; i++) {
		const struct row *r = &p->rows[i];

		if (!r->started || r->done)
			continue;
		if (running++ < 2)
			sb_printf(&sb, "%s %s %s %s %us%s%s%s", running > 1 ? "," : "", r->label,
				  r->topo, r->sched, since_s(p, r->start_ns),
				  r->stage[0] ? " [" : "", r->stage, r->stage[0] ? "]" : "");
	}
	if (running > 2)
		sb_printf(&sb, " +%u more", running - 2);
	fprintf(stderr, "\r\033[K[%4us] %zu/%zu done; running:%s", since_s(p, p->t0), p->done,
		p->n, sb.buf ? sb.buf : " -");
	fflush(stderr);
	p->status_shown = true;
	sb_free(&sb);
}

static void on_stage(void *arg, size_t idx, const char *stage)
{
	struct progress *p = arg;

	snprintf(p->rows[idx].stage, sizeof(p->rows[idx].stage), "%s", stage);
	on_tick(p);
}

static void on_start(void *arg, size_t idx)
{
	struct progress *p = arg;
	struct row *r = &p->rows[idx];

	r->started = true;
	r->start_ns = now_ns();
	if (p->tty) {
		on_tick(p);
		return;
	}
	fprintf(stderr, "[%4us] start %zu/%zu: %s %s %s\n", since_s(p, p->t0), idx + 1, p->n,
		r->label, r->topo, r->sched);
	fflush(stderr);
}

static void on_finish(void *arg, size_t idx, const struct run_outcome *o)
{
	struct progress *p = arg;
	struct row *r = &p->rows[idx];

	r->done = true;
	p->done++;
	r->wall_s = o->wall_s;
	r->record = o->record_path ? xstrdup(o->record_path) : NULL;
	r->flaky = o->flaky;
	r->attempts = o->nattempts;
	result_copy(&r->result, &o->result);
	status_clear(p);
	if (!p->tty) {
		fprintf(stderr, "[%4us] done  %zu/%zu: %s %s %s: %s %.1fs\n", since_s(p, p->t0),
			idx + 1, p->n, r->label, r->topo, r->sched,
			o->flaky ? "flaky" : verdict_name(o->result.verdict), o->wall_s);
		fflush(stderr);
	}
}

static bool row_stat(const struct row *r, const char *name, double *v)
{
	for (unsigned i = 0; i < r->result.nstats; i++)
		if (!strcmp(r->result.stats[i].name, name)) {
			*v = r->result.stats[i].value;
			return true;
		}
	return false;
}

static void cell(FILE *f, const struct row *r, const char *stat, const char *fmt)
{
	double v;
	char buf[32];

	if (row_stat(r, stat, &v))
		snprintf(buf, sizeof(buf), fmt, v);
	else
		snprintf(buf, sizeof(buf), "-");
	fprintf(f, " %12s", buf);
}

static const char *row_verdict(const struct row *r)
{
	if (!r->done)
		return "NOT-RUN";
	if (r->flaky)
		return "FLAKY";
	if (r->result.verdict == KTSTR_SKIP)
		return "SKIP";
	if (r->result.verdict == KTSTR_INTERRUPTED)
		return "INTERRUPTED";
	return r->result.verdict == KTSTR_PASS ? "PASS" : "FAIL";
}

static void print_table(void *arg)
{
	struct progress *p = arg;
	FILE *f = p->table;
	int w = 8;

	status_clear(p);
	for (size_t i = 0; i < p->n; i++)
		w = MAX(w, (int)strlen(p->rows[i].label));
	fprintf(f, "\n%-*s %-10s %-12s %-11s %8s %12s %12s %12s\n", w, "scenario", "topology",
		"scheduler", "verdict", "time", "worst_gap_ms", "worst_spread", "migrations");
	for (size_t i = 0; i < p->n; i++) {
		const struct row *r = &p->rows[i];

		fprintf(f, "%-*s %-10s %-12s %-11s", w, r->label, r->topo, r->sched,
			row_verdict(r));
		if (r->done)
			fprintf(f, " %7.1fs", r->wall_s);
		else
			fprintf(f, " %8s", "-");
		cell(f, r, "worst_gap_ms", "%.0f");
		cell(f, r, "worst_spread", "%.1f");
		cell(f, r, "migrations", "%.0f");
		if (r->done && r->result.verdict == KTSTR_SKIP && r->result.skip_reason)
			fprintf(f, "  %s", r->result.skip_reason);
		fputc('\n', f);
	}
	for (size_t i = 0; i < p->n; i++)
		if (p->rows[i].record) {
			char *d = xstrdup(p->rows[i].record);

			fprintf(f, "records: %s\n", dirname(d));
			free(d);
			break;
		}
	fflush(f);
}

static void print_json(const struct progress *p)
{
	json_t *top = json_object(), *arr = json_array();
	unsigned count[4] = { 0 }, flaky = 0;
	char *text;

	for (size_t i = 0; i < p->n; i++) {
		const struct row *r = &p->rows[i];
		json_t *o = r->done ? result_to_json(&r->result) : json_object();

		json_object_set_new(o, "scenario", json_string(r->scenario));
		json_object_set_new(o, "topology", json_string(r->topo));
		json_object_set_new(o, "scheduler", json_string(r->sched));
		if (r->repeat)
			json_object_set_new(o, "repeat", json_integer(r->repeat));
		if (!r->done)
			json_object_set_new(o, "verdict", json_string("not-run"));
		else if (r->flaky)
			flaky++;
		else
			count[r->result.verdict == KTSTR_PASS		? 0
			      : r->result.verdict == KTSTR_SKIP	? 2
			      : r->result.verdict == KTSTR_INTERRUPTED ? 3
								: 1]++;
		if (r->attempts) {
			json_object_set_new(o, "flaky", json_boolean(r->flaky));
			json_object_set_new(o, "attempts", json_integer(r->attempts));
		}
		json_object_set_new(o, "wall_s", json_real(r->wall_s));
		json_object_set_new(o, "record", r->record ? json_string(r->record) : json_null());
		json_array_append_new(arr, o);
	}
	json_object_set_new(top, "results", arr);
	json_object_set_new(top, "passed", json_integer(count[0]));
	json_object_set_new(top, "failed", json_integer(count[1]));
	json_object_set_new(top, "flaky", json_integer(flaky));
	json_object_set_new(top, "skipped", json_integer(count[2]));
	json_object_set_new(top, "interrupted", json_integer(count[3]));
	text = json_dumps(top, JSON_INDENT(2));
	printf("%s\n", text);
	fflush(stdout);
	free(text);
	json_decref(top);
}

static int usage_err(const char *fmt, const char *a)
{
	fputs("ktstr run: ", stderr);
	fprintf(stderr, fmt, a);
	fputs(" (see ktstr run --help)\n", stderr);
	return KTSTR_EXIT_USAGE;
}

static bool has_scenario(const char *const *v, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(v[i], name))
			return true;
	return false;
}

/* What the command line asked for. */
struct run_args {
	const char *scen[MAX_LIST], *cats[MAX_LIST], *scheds[MAX_LIST], *topos[MAX_LIST];
	size_t nscen, ncats, nscheds, ntopos;
	const char *sched_args, *junit;
	const char *const *extra; /* sched_args, split */
	const char *partition;    /* --partition I/N, unparsed */
	bool all, json, plan, no_build;
	char kernel_id[256]; /* the cache id built from a --kernel source tree */
	struct run_opts ro;
	unsigned duration, workers, jobs, repeats;
	const struct ktstr_scheduler *sobj[MAX_LIST];
	struct ktstr_topology tobj[MAX_LIST];
};

/* Returned by the argument steps when cmd_run goes on; anything else is its exit code. */
#define GO_ON (-1)

static const struct option run_options[] = {
	{ "scenario", required_argument, NULL, 's' },
	{ "category", required_argument, NULL, 'c' },
	{ "all", no_argument, NULL, 'a' },
	{ "scheduler", required_argument, NULL, 'S' },
	{ "sched-args", required_argument, NULL, 'A' },
	{ "topology", required_argument, NULL, 't' },
	{ "duration", required_argument, NULL, 'd' },
	{ "workers", required_argument, NULL, 'w' },
	{ "timeout", required_argument, NULL, 'T' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "jobs", required_argument, NULL, 'j' },
	{ "json", no_argument, NULL, 'J' },
	{ "junit", required_argument, NULL, 'U' },
	{ "no-skip", no_argument, NULL, 'n' },
	{ "no-snapshot", no_argument, NULL, 'N' },
	{ "no-build", no_argument, NULL, 'B' },
	{ "retries", required_argument, NULL, 'R' },
	{ "flaky-fails", no_argument, NULL, 'F' },
	{ "trace", no_argument, NULL, 'X' },
	{ "auto-repro", no_argument, NULL, 'Y' },
	{ "repeat", required_argument, NULL, 'r' },
	{ "partition", required_argument, NULL, 'P' },
	{ "plan", no_argument, NULL, 'p' },
	{ "verbose", no_argument, NULL, 'v' },
	{ "quiet", no_argument, NULL, 'q' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* --scenario, --category, --scheduler, --topology: each adds to its list. */
static int add_listed(struct run_args *a, int c, const char *arg)
{
	const char **list = c == 's' ? a->scen : c == 'c' ? a->cats
			    : c == 'S' ? a->scheds : a->topos;
	size_t *cnt = c == 's' ? &a->nscen : c == 'c' ? &a->ncats
		      : c == 'S' ? &a->nscheds : &a->ntopos;

	if (*cnt >= MAX_LIST)
		return usage_err("too many values for one option (at most 64)", "");
	list[(*cnt)++] = arg;
	return GO_ON;
}

/* --duration, --timeout, --workers, --jobs: a number in 1..86400. */
static int set_number(struct run_args *a, int c, const char *arg)
{
	uint64_t v;

	if (str_to_u64(arg, &v) || !v || v > 86400) {
		fprintf(stderr, "ktstr run: --%s: '%s' is not a number in 1..86400 "
			"(see ktstr run --help)\n",
			c == 'd' ? "duration" : c == 'T' ? "timeout"
			: c == 'w' ? "workers" : "jobs", arg);
		return KTSTR_EXIT_USAGE;
	}
	if (c == 'd')
		a->duration = (unsigned)v;
	else if (c == 'T')
		a->ro.timeout_s = (unsigned)v;
	else if (c == 'w')
		a->workers = (unsigned)v;
	else
		a->jobs = (unsigned)v;
	return GO_ON;
}

static int set_retries(struct run_args *a, const char *arg)
{
	char *err = NULL;

	if (retry_parse(arg, &a->ro.retries, &err)) {
		fprintf(stderr, "ktstr run: %s (see ktstr run --help)\n", err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	return GO_ON;
}

static int set_repeat(struct run_args *a, const char *arg)
{
	uint64_t v;

	if (str_to_u64(arg, &v) || !v || v > ARGS_REPEAT_MAX) {
		fprintf(stderr, "ktstr run: --repeat: '%s' is not a number in 1..%d "
			"(see ktstr run --help)\n", arg, ARGS_REPEAT_MAX);
		return KTSTR_EXIT_USAGE;
	}
	a->repeats = (unsigned)v;
	return GO_ON;
}

/* One option from getopt_long. */
static int parse_option(struct run_args *a, int c, const char *arg)
{
	switch (c) {
	case 's':
	case 'c':
	case 'S':
	case 't':
		return add_listed(a, c, arg);
	case 'a':
		a->all = true;
		break;
	case 'A':
		a->sched_args = arg;
		break;
	case 'd':
	case 'T':
	case 'w':
	case 'j':
		return set_number(a, c, arg);
	case 'k':
		a->ro.kernel = arg;
		break;
	case 'J':
		a->json = true;
		break;
	case 'U':
		a->junit = arg;
		break;
	case 'n':
		a->ro.no_skip = true;
		break;
	case 'B':
		a->no_build = true;
		break;
	case 'N': /* the workers inherit it */
		setenv("KTSTR_SNAPSHOT", "0", 1);
		break;
	case 'R':
		return set_retries(a, arg);
	case 'F':
		a->ro.flaky_fails = true;
		break;
	case 'X':
		a->ro.trace = true;
		break;
	case 'Y':
		a->ro.auto_repro = true;
		break;
	case 'r':
		return set_repeat(a, arg);
	case 'P':
		a->partition = arg;
		break;
	case 'p':
		a->plan = true;
		break;
	case 'v':
		a->ro.verbosity = 2;
		break;
	case 'q':
		a->ro.verbosity = 0;
		break;
	case 'h':
		usage(stdout);
		return KTSTR_EXIT_PASS;
	default:
		fprintf(stderr, "(see ktstr run --help)\n");
		return KTSTR_EXIT_USAGE;
	}
	return GO_ON;
}

/*
 * --kernel naming a kernel source tree: a tree the user configured and built
 * (arch/x86/boot/bzImage) is used as it is once its config has what ktstr needs;
 * any other tree is built into the cache unless it is there already (--no-build:
 * refuse it instead), and the run uses the cache entry.
 */
static int kernel_from_source(struct run_args *a)
{
	struct kbuild_opts o = { .source = a->ro.kernel, .no_build = a->no_build };
	struct kbuild_result res;
	char *err = NULL, *image;
	bool built_tree;
	int ret;

	if (!a->ro.kernel || !path_is_dir(a->ro.kernel) || !ksource_is_tree(a->ro.kernel))
		return GO_ON;
	image = xasprintf("%s/arch/x86/boot/bzImage", a->ro.kernel);
	built_tree = path_exists(image);
	free(image);
	if (built_tree) {
		char *config = xasprintf("%s/.config", a->ro.kernel);
		struct kconfig_report rep;
		struct kconfig kc;
		struct strbuf missing = { 0 };

		ret = kconfig_load(config, &kc, &err);
		free(config);
		if (ret) {
			fprintf(stderr, "ktstr run: --kernel %s: %s; nothing was run\n", a->ro.kernel,
				err);
			free(err);
			return KTSTR_EXIT_USAGE;
		}
		kconfig_check(&kc, &rep);
		for (size_t i = 0; i < rep.n; i++)
			if (!rep.r[i].ok && rep.r[i].req->hard)
				sb_printf(&missing, "%s%s (%s)", missing.len ? ", " : "",
					  rep.r[i].req->what, rep.r[i].detail);
		kconfig_report_free(&rep);
		kconfig_free(&kc);
		if (missing.len) {
			fprintf(stderr, "ktstr run: --kernel %s: the built kernel lacks %s "
					"(`ktstr kernel check %s`); nothing was run\n",
				a->ro.kernel, missing.buf, a->ro.kernel);
			sb_free(&missing);
			return KTSTR_EXIT_USAGE;
		}
		return GO_ON;
	}
	ret = kbuild_run(&o, &res, &err);
	if (ret) {
		fprintf(stderr, "ktstr run: --kernel %s: %s%s; nothing was run\n", a->ro.kernel,
			err ? err : strerror(-ret),
			ret == -ESTALE ? " (without --no-build the tree is built)" : "");
		free(err);
		kbuild_result_free(&res);
		return ret == -ESTALE ? KTSTR_EXIT_USAGE : 1;
	}
	log_info("--kernel %s: cached kernel %s%s", a->ro.kernel, res.id,
		 res.cached ? "" : " (just built)");
	snprintf(a->kernel_id, sizeof(a->kernel_id), "%s", res.id);
	a->ro.kernel = a->kernel_id;
	kbuild_result_free(&res);
	return GO_ON;
}

static int parse_args(int argc, char **argv, struct run_args *a)
{
	int c, code;

	optind = 1;
	while ((c = getopt_long(argc, argv, "j:vqh", run_options, NULL)) != -1) {
		code = parse_option(a, c, optarg);
		if (code != GO_ON)
			return code;
	}
	if (optind < argc)
		return usage_err("unexpected argument '%s'", argv[optind]);
	if ((a->nscen > 0) + (a->ncats > 0) + a->all > 1)
		return usage_err("--scenario, --category and --all exclude each other%s", "");
	if (entry_validate_registry() || catalog_check())
		return KTSTR_EXIT_USAGE;
	return GO_ON;
}

/* The scenarios named, those of the categories named (or all), else the defaults. */
static int pick_scenarios(struct run_args *a)
{
	for (size_t i = 0; i < a->nscen; i++)
		if (!find_test(a->scen[i]))
			return usage_err("unknown scenario '%s' (ktstr list shows them)",
					 a->scen[i]);
	for (size_t i = 0; i < a->ncats; i++) {
		bool found = false;

		for (unsigned k = 0; k < ktstr_scenarios_count(); k++)
			found |= !strcmp(ktstr_scenario_at(k)->category, a->cats[i]);
		if (!found)
			return usage_err("unknown category '%s' (ktstr list shows them)",
					 a->cats[i]);
	}
	if (a->all || a->ncats) {
		for (unsigned k = 0; k < ktstr_scenarios_count() && a->nscen < MAX_LIST; k++) {
			const struct ktstr_scenario *s = ktstr_scenario_at(k);
			bool want = a->all;

			for (size_t i = 0; i < a->ncats; i++)
				want |= !strcmp(s->category, a->cats[i]);
			if (want && !has_scenario(a->scen, a->nscen, s->name))
				a->scen[a->nscen++] = s->name;
		}
	}
	if (!a->nscen)
		for (size_t i = 0; i < ARRAY_SIZE(default_scenarios); i++)
			a->scen[a->nscen++] = default_scenarios[i];
	return GO_ON;
}

static int parse_topologies(struct run_args *a)
{
	for (size_t i = 0; i < a->ntopos; i++) {
		char *err = NULL;

		if (topo_parse(a->topos[i], &a->tobj[i], &err)) {
			fprintf(stderr, "ktstr run: --topology: %s (see ktstr run --help)\n", err);
			free(err);
			return KTSTR_EXIT_USAGE;
		}
	}
	return GO_ON;
}

static int pick_schedulers(struct run_args *a)
{
	if (!a->nscheds)
		a->scheds[a->nscheds++] = DEFAULT_SCHEDULER;
	for (size_t i = 0; i < a->nscheds; i++) {
		char *err = NULL;

		a->sobj[i] = cli_pick_scheduler(a->scheds[i], &err);
		if (!a->sobj[i]) {
			fprintf(stderr, "ktstr run: --scheduler '%s': %s\n", a->scheds[i],
				err ? err : "not found");
			if (!strcmp(a->scheds[i], DEFAULT_SCHEDULER))
				fprintf(stderr, "ktstr run: the bundled scx_ktstr is built when clang "
					"and bpftool are installed (scripts/setup.sh); or use "
					"--scheduler eevdf\n");
			free(err);
			return KTSTR_EXIT_USAGE;
		}
		if (a->sched_args && !a->sobj[i]->binary)
			return usage_err("--sched-args: '%s' runs no scheduler binary",
					 a->scheds[i]);
	}
	/* the kernel, when one is named; a source tree is built first */
	{
		char *err = NULL;
		int code = kernel_from_source(a);

		if (code != GO_ON)
			return code;

		if (preflight_kernel(a->ro.kernel, &err)) {
			fprintf(stderr, "ktstr run: %s; nothing was run\n", err);
			free(err);
			return KTSTR_EXIT_USAGE;
		}
	}
	if (a->sched_args)
		a->extra = (const char *const *)sched_split_args(a->sched_args);
	return GO_ON;
}

/* The item and its row for scenario s, topology tp and scheduler-and-repeat k. */
static void fill_item(const struct run_args *a, size_t s, size_t tp, size_t k,
		      struct plan_item *it, struct row *r)
{
	const struct ktstr_scheduler *sched = a->sobj[k / a->repeats];
	struct ktstr_test *t = xmalloc(sizeof(*t));
	struct strbuf name = { 0 };

	*t = *find_test(a->scen[s]);
	t->scheduler = sched;
	t->extra_sched_args = sched->binary ? a->extra : NULL;
	if (a->duration)
		t->duration_s = a->duration;
	if (a->workers)
		t->workers_per_cgroup = a->workers;
	run_item_for(t, it);
	if (a->ntopos)
		it->topo = a->tobj[tp];
	topo_format(&it->topo, r->topo, sizeof(r->topo));
	{
		struct scn_offer o = {
			.cpus = topo_total_cpus(&it->topo),
			.llcs = it->topo.llcs,
			.numa_nodes = it->topo.numa_nodes,
			.threads_per_core = it->topo.threads_per_core,
			.sched_ext = sched->binary != NULL,
		};
		char why[128];

		if (scn_needs_unmet(&ktstr_scenario_find(a->scen[s])->needs, &o, why, sizeof(why)))
			it->skip_reason = xstrdup(why);
	}
	r->scenario = a->scen[s];
	r->sched = sched->name;
	sb_append(&name, a->scen[s]);
	if (a->ntopos > 1)
		sb_printf(&name, "/%s", r->topo);
	if (a->nscheds > 1)
		sb_printf(&name, "/%s", r->sched);
	if (a->repeats > 1) {
		r->repeat = it->repeat = (unsigned)(k % a->repeats) + 1;
		it->repeats = a->repeats;
		sb_printf(&name, "#%u", r->repeat);
		snprintf(r->label, sizeof(r->label), "%s#%u", a->scen[s], r->repeat);
	} else {
		snprintf(r->label, sizeof(r->label), "%s", a->scen[s]);
	}
	it->name = sb_steal(&name);
	it->variant = xasprintf("%s-%s", r->topo, r->sched);
}

/* The items: scenario x topology x scheduler x repeat, with a progress row each. */
static struct plan_item *build_items(const struct run_args *a, struct progress *prog)
{
	size_t ntp = MAX(a->ntopos, 1), total = a->nscen * ntp * a->nscheds * a->repeats, n = 0;
	struct plan_item *items = xcalloc(total, sizeof(*items));

	prog->rows = xcalloc(total, sizeof(*prog->rows));
	for (size_t s = 0; s < a->nscen; s++)
		for (size_t tp = 0; tp < ntp; tp++)
			for (size_t k = 0; k < a->nscheds * a->repeats; k++, n++)
				fill_item(a, s, tp, k, &items[n], &prog->rows[n]);
	prog->n = n;
	return items;
}

/* The suite with its progress display; the items and their test copies live until exit. */
static int run_items(struct run_args *a, struct plan_item *items, struct progress *prog)
{
	int code;

	prog->tty = isatty(STDERR_FILENO) && !a->json;
	prog->t0 = now_ns();
	prog->table = a->json ? stderr : stdout;
	a->ro.color = output_use_color(prog->table);
	code = suite_run_hooks(items, prog->n, &a->ro, a->jobs, a->junit, "ktstr-run",
			       &(struct suite_hooks){
				       .out = prog->table,
				       .on_start = on_start,
				       .on_finish = on_finish,
				       .on_tick = on_tick,
				       .on_stage = on_stage,
				       .before_summary = print_table,
				       .arg = prog,
			       });
	if (a->json)
		print_json(prog);
	for (size_t i = 0; i < prog->n; i++) {
		result_free(&prog->rows[i].result);
		free(prog->rows[i].record);
	}
	free(prog->rows);
	return code;
}

/*
 * --plan prints what each shard runs; a shard (--partition, KTSTR_PARTITION,
 * a CI engine's variables) keeps its own items and leaves its manifest in
 * the run directory. Returns GO_ON to run the items left, else the exit code.
 */
static int shard_items(const struct run_args *a, struct plan_item *items, struct progress *prog)
{
	struct partition pt;
	bool *keep;
	char *err = NULL, *dir;
	size_t w = 0;
	int r;

	if (partition_resolve(a->partition, &pt, &err)) {
		fprintf(stderr, "ktstr run: %s (see ktstr run --help)\n", err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	if (a->plan) {
		struct strbuf sb = { 0 };

		partition_plan_format(&sb, items, prog->n, &pt, snapshot_enabled(), a->json);
		fputs(sb.buf ? sb.buf : "", stdout);
		sb_free(&sb);
		return KTSTR_EXIT_PASS;
	}
	if (!pt.count)
		return GO_ON;
	keep = xcalloc(prog->n ? prog->n : 1, sizeof(*keep));
	dir = sidecar_run_dir();
	r = partition_select(items, prog->n, &pt, snapshot_enabled(), "ktstr run", dir, keep, &err);
	free(dir);
	if (r) {
		fprintf(stderr, "ktstr run: %s; nothing was run\n", err);
		free(err);
		free(keep);
		return KTSTR_EXIT_USAGE;
	}
	for (size_t i = 0; i < prog->n; i++) {
		if (!keep[i])
			continue;
		items[w] = items[i];
		prog->rows[w++] = prog->rows[i];
	}
	prog->n = w;
	free(keep);
	if (!w) {
		fprintf(stderr, "ktstr run: nothing to run in shard %u/%u\n", pt.index, pt.count);
		return KTSTR_EXIT_PASS;
	}
	return GO_ON;
}

int cmd_run(int argc, char **argv)
{
	struct run_args a = { .ro = { .verbosity = 1 }, .repeats = 1 };
	struct progress prog = { 0 };
	struct plan_item *items;
	int code;

	setvbuf(stdout, NULL, _IOLBF, 0);
	code = parse_args(argc, argv, &a);
	if (code == GO_ON)
		code = pick_scenarios(&a);
	if (code == GO_ON)
		code = parse_topologies(&a);
	if (code == GO_ON)
		code = pick_schedulers(&a);
	if (code != GO_ON)
		return code;
	items = build_items(&a, &prog);
	code = shard_items(&a, items, &prog);
	if (code != GO_ON)
		return code;
	return run_items(&a, items, &prog);
}
