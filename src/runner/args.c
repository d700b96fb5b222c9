// SPDX-License-Identifier: GPL-2.0-only
/* The test binary's command line. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "runner/args.h"
#include "runner/budget.h"
#include "runner/partition.h"
#include "runner/retry.h"
#include "util/util.h"

struct parser {
	int argc;
	char **argv;
	int i;
	char **err;
};

static int fail(struct parser *p, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static int fail(struct parser *p, const char *fmt, ...)
{
	va_list ap;

	if (p->err) {
		va_start(ap, fmt);
		*p->err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * Match an option taking a value in the forms "--opt=V" and "--opt V" (and,
 * for a short option, "-jV" and "-j V"). Returns 1 and *val on a match, 0 if
 * arg is another option, -EINVAL if the value is missing or empty.
 */
static int opt_value(struct parser *p, const char *name, const char **val)
{
	const char *arg = p->argv[p->i];
	size_t len = strlen(name);
	bool is_short = name[1] != '-';

	if (strncmp(arg, name, len))
		return 0;
	if (arg[len] == '=' || (is_short && arg[len])) {
		*val = arg + len + (arg[len] == '=');
	} else if (!arg[len]) {
		if (p->i + 1 >= p->argc)
			return fail(p, "%s needs a value (see --help)", name);
		*val = p->argv[++p->i];
	} else {
		return 0;
	}
	if (!**val)
		return fail(p, "%s needs a non-empty value", name);
	return 1;
}

static int parse_count(struct parser *p, const char *opt, const char *val, const char *what,
		       unsigned *out)
{
	uint64_t v;

	if (str_to_u64(val, &v) || v > 1000000)
		return fail(p, "%s: '%s' is not a whole number of %s", opt, val, what);
	if (v == 0)
		return fail(p, "%s: must be at least 1 (got 0)", opt);
	*out = (unsigned)v;
	return 0;
}

/* --repeat N: 1..ARGS_REPEAT_MAX. */
static int parse_repeat(struct parser *p, const char *val, unsigned *out)
{
	uint64_t v;

	if (str_to_u64(val, &v) || v < 1 || v > ARGS_REPEAT_MAX)
		return fail(p, "--repeat: '%s' is not a number in 1..%d", val, ARGS_REPEAT_MAX);
	*out = (unsigned)v;
	return 0;
}

static int resolve_partition(struct parser *p, const char *flag, struct ktstr_args *out)
{
	struct partition pt;
	char *why = NULL;

	if (partition_resolve(flag, &pt, &why)) {
		int r = fail(p, "%s", why);

		free(why);
		return r;
	}
	out->part_index = pt.index;
	out->part_count = pt.count;
	out->part_source = pt.source;
	return 0;
}

static bool is_flag(const char *arg, const char *a, const char *b)
{
	return !strcmp(arg, a) || (b && !strcmp(arg, b));
}

int args_parse(int argc, char **argv, struct ktstr_args *out, char **err)
{
	struct parser p = { .argc = argc, .argv = argv, .i = 1, .err = err };
	const char *val;
	const char *env;
	const char *part = NULL;
	bool rest_are_filters = false;
	int r;

	memset(out, 0, sizeof(*out));
	out->verbosity = 1;
	out->prog = argc > 0 && argv[0] ? argv[0] : "ktstr-test";
	if (strrchr(out->prog, '/'))
		out->prog = strrchr(out->prog, '/') + 1;
	if (err)
		*err = NULL;

	for (; p.i < argc; p.i++) {
		const char *arg = argv[p.i];

		if (rest_are_filters || arg[0] != '-' || !arg[1]) {
			strv_push(&out->filters, &out->nfilters, argv[p.i]);
			continue;
		}
		if (!strcmp(arg, "--")) {
			rest_are_filters = true;
			continue;
		}
		if (is_flag(arg, "-h", "--help")) {
			out->help = true;
		} else if (is_flag(arg, "--list", NULL)) {
			out->list = true;
		} else if (is_flag(arg, "--json", NULL)) {
			out->json = true;
		} else if (is_flag(arg, "--no-skip", NULL)) {
			out->no_skip = true;
		} else if (is_flag(arg, "--flaky-fails", NULL)) {
			out->flaky_fails = true;
		} else if (is_flag(arg, "--trace", NULL)) {
			out->trace = true;
		} else if (is_flag(arg, "--auto-repro", NULL)) {
			out->auto_repro = true;
		} else if (is_flag(arg, "--no-snapshot", NULL)) {
			out->no_snapshot = true;
		} else if (is_flag(arg, "-v", "--verbose")) {
			out->verbosity = 2;
		} else if (is_flag(arg, "-q", "--quiet")) {
			out->verbosity = 0;
		} else if ((r = opt_value(&p, "--ktstr-test-fn", &val))) {
			if (r < 0)
				goto error;
			out->test_fn = val;
		} else if ((r = opt_value(&p, "--ktstr-topo", &val))) {
			if (r < 0)
				goto error;
			out->topo = val;
		} else if ((r = opt_value(&p, "--filter", &val))) {
			if (r < 0)
				goto error;
			strv_push(&out->filters, &out->nfilters, (char *)val);
		} else if ((r = opt_value(&p, "--exact", &val))) {
			if (r < 0)
				goto error;
			strv_push(&out->exact, &out->nexact, (char *)val);
		} else if ((r = opt_value(&p, "--jobs", &val)) || (r = opt_value(&p, "-j", &val))) {
			if (r < 0 || (r = parse_count(&p, "-j", val, "jobs", &out->jobs)))
				goto error;
		} else if ((r = opt_value(&p, "--kernel", &val))) {
			if (r < 0)
				goto error;
			strv_push(&out->kernels, &out->nkernels, (char *)val);
		} else if ((r = opt_value(&p, "--include-file", &val)) ||
			   (r = opt_value(&p, "-i", &val))) {
			if (r < 0)
				goto error;
			strv_push(&out->includes, &out->nincludes, (char *)val);
		} else if (is_flag(arg, "--gauntlet", NULL)) {
			out->gauntlet = true;
		} else if ((r = opt_value(&p, "--partition", &val))) {
			if (r < 0)
				goto error;
			part = val;
		} else if ((r = opt_value(&p, "--budget", &val))) {
			if (r < 0)
				goto error;
			if (budget_parse(val, &out->budget_s)) {
				r = fail(&p, "--budget: '%s' is not a positive number of seconds", val);
				goto error;
			}
		} else if ((r = opt_value(&p, "--timeout", &val))) {
			if (r < 0 || (r = parse_count(&p, "--timeout", val, "seconds", &out->timeout_s)))
				goto error;
		} else if ((r = opt_value(&p, "--retries", &val))) {
			if (r < 0 || (r = retry_parse(val, &out->retries, err)))
				goto error;
		} else if ((r = opt_value(&p, "--repeat", &val))) {
			if (r < 0 || (r = parse_repeat(&p, val, &out->repeat)))
				goto error;
		} else if ((r = opt_value(&p, "--junit", &val))) {
			if (r < 0)
				goto error;
			out->junit = val;
		} else if ((r = opt_value(&p, "--show-thresholds", &val))) {
			if (r < 0)
				goto error;
			out->show_thresholds = val;
		} else {
			r = fail(&p, "unknown option '%s' (see %s --help)", arg, out->prog);
			goto error;
		}
	}

	if (out->topo && !out->test_fn) {
		r = fail(&p, "--ktstr-topo needs --ktstr-test-fn=NAME");
		goto error;
	}
	if (out->json && !out->list) {
		r = fail(&p, "--json only applies to --list");
		goto error;
	}
	if (out->list && out->show_thresholds) {
		r = fail(&p, "--list and --show-thresholds cannot be combined");
		goto error;
	}
	if (out->test_fn)
		out->role = out->topo ? ARGS_ROLE_HOST_SINGLE : ARGS_ROLE_GUEST_BODY;
	/* the shard: --partition, else (a suite run) KTSTR_PARTITION or a CI engine's */
	if ((part || out->role == ARGS_ROLE_SUITE) && (r = resolve_partition(&p, part, out)))
		goto error;
	env = getenv("KTSTR_BUDGET_SECS");
	if (!out->budget_s && env && *env && budget_parse(env, &out->budget_s))
		log_warn("KTSTR_BUDGET_SECS='%s' is not a positive number of seconds; ignored", env);
	env = getenv("KTSTR_NO_SKIP");
	if (env && *env)
		out->no_skip = true;
	return 0;

error:
	args_free(out);
	return r;
}

void args_free(struct ktstr_args *a)
{
	free(a->filters);
	free(a->exact);
	free(a->kernels);
	free(a->includes);
	a->includes = NULL;
	a->nincludes = 0;
	a->filters = a->exact = a->kernels = NULL;
	a->nfilters = a->nexact = a->nkernels = 0;
}

bool args_selects(const struct ktstr_args *a, const char *name)
{
	if (!a->nfilters && !a->nexact)
		return true;
	for (size_t i = 0; i < a->nexact; i++)
		if (!strcmp(a->exact[i], name))
			return true;
	for (size_t i = 0; i < a->nfilters; i++)
		if (strstr(name, a->filters[i]))
			return true;
	return false;
}

void args_usage(FILE *f, const char *prog)
{
	fprintf(f,
		"usage: %s [options] [SUBSTR...]\n"
		"\n"
		"Runs every registered test, each in its own VM with its declared topology,\n"
		"and prints one line per test: PASS|FAIL|SKIP name (topology, accel) time,\n"
		"then \"N passed, N failed, N skipped\".\n"
		"\n"
		"Selecting tests:\n"
		"  SUBSTR, --filter SUBSTR  run tests whose name contains SUBSTR (repeatable;\n"
		"                           a test matching any filter runs)\n"
		"  --exact NAME             run the test named exactly NAME (repeatable)\n"
		"  --list                   print the selected test names and exit\n"
		"  --json                   with --list: a JSON array with each test's topology,\n"
		"                           scheduler, duration, timeout and source location\n"
		"  --show-thresholds NAME   print the assertion thresholds NAME runs with and\n"
		"                           which layer (default, scheduler, test) set each\n"
		"  --gauntlet               also list/run every test across the topology presets\n"
		"                           its constraints accept (and this host can boot) and\n"
		"                           its scheduler's flag profiles:\n"
		"                           gauntlet/TEST/PRESET/PROFILE\n"
		"  --budget S               run the subset covering the most distinct\n"
		"                           configurations in about S seconds (estimated; also\n"
		"                           KTSTR_BUDGET_SECS=S); prints what it chose\n"
		"  --partition I/N          run shard I of N (1-based), for CI: shards balanced\n"
		"                           by estimated time, every test in exactly one;\n"
		"                           also KTSTR_PARTITION=I/N or a CI engine's parallel\n"
		"                           job variables (docs/scale-out.md)\n"
		"\n"
		"Running:\n"
		"  -j, --jobs N             run up to N VMs at once (default: from host CPUs)\n"
		"  --kernel K               kernel image, build tree or cache id\n"
		"                           (default: $KTSTR_KERNEL, then the newest cached kernel);\n"
		"                           repeat to run every test on each kernel (LABEL=K names\n"
		"                           it; names then end in /LABEL)\n"
		"  -i, --include-file PATH  also pack PATH (file or directory; a bare name is\n"
		"                           looked up in $PATH) into every VM under\n"
		"                           /include-files/ (repeatable)\n"
		"  --timeout S              wall limit of each test body in seconds, replacing the\n"
		"                           test's own; the VM gets a boot allowance on top\n"
		"  --no-skip                a test that cannot run on this host fails instead of\n"
		"                           being skipped (also: KTSTR_NO_SKIP=1)\n"
		"  --no-snapshot            boot every VM instead of restoring it from a template\n"
		"                           (also: KTSTR_SNAPSHOT=0)\n"
		"  --retries N              rerun a failed test (fail, timeout, crash; not a\n"
		"                           skip) at once, in a fresh VM, up to N more times\n"
		"                           (default 0); a pass on a rerun is FLAKY, counted in\n"
		"                           the closing line \"N passed, N failed, N flaky,\n"
		"                           N skipped\"\n"
		"  --flaky-fails            a FLAKY test fails the run (exit 1); by default it\n"
		"                           does not\n"
		"  --auto-repro             a test whose sched_ext scheduler died or whose monitor\n"
		"                           check failed runs once more with probes on the\n"
		"                           failure's stack; their hits are shown under\n"
		"                           '--- auto-repro ---' and kept in the run record\n"
		"  --repeat N               run every selected test N times (1..1000), each in its\n"
		"                           own VM and record (repeat I of N, file *.rI.ktstr.json),\n"
		"                           as samples for 'ktstr stats compare'\n"
		"  --trace                  record the scheduling (sched_switch, wakeups,\n"
		"                           migrations, sched_ext events) in each VM and write\n"
		"                           <record>.trace.json next to each record, for the\n"
		"                           Perfetto UI (ui.perfetto.dev)\n"
		"\n"
		"Reporting:\n"
		"  --junit FILE             also write the results as JUnit XML to FILE\n"
		"  -v, --verbose            show stats, diagnostics and record paths for every test\n"
		"  -q, --quiet              print failures and the closing line only\n"
		"  -h, --help               this text\n"
		"\n"
		"Records: one JSON record per test in $KTSTR_RUNS_DIR (default ./ktstr-runs)/<run id>/.\n"
		"\n"
		"EXIT STATUS\n"
		"  0        every selected test ran and passed, or was skipped for a reason\n"
		"           the command line did not override (--no-skip makes a skip a\n"
		"           failure); a FLAKY test counts as passed unless --flaky-fails\n"
		"  1        a test failed (or, with --flaky-fails, was flaky)\n"
		"  2        bad input, found before any VM boots: a usage error, invalid test\n"
		"           declarations, a kernel (--kernel, KTSTR_KERNEL) that does not\n"
		"           exist or is not a kernel image, or a selected test's scheduler\n"
		"           binary that is missing or cannot run in the VM (a script, another\n"
		"           architecture, a shared library not found)\n"
		"  130, 143 interrupted by SIGINT, SIGTERM: the VMs are stopped, each\n"
		"           unfinished test is recorded as interrupted, the closing line is\n"
		"           printed with \"N interrupted\"\n"
		"\n"
		"Internal roles (used by the harness itself):\n"
		"  --ktstr-test-fn=NAME                  run NAME's body in this process (guest)\n"
		"  --ktstr-test-fn=NAME --ktstr-topo=T   boot one VM for NAME with topology T\n"
		"                                        (NnLlCcTt, e.g. 1n2l4c1t)\n",
		prog);
}
