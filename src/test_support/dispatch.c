// SPDX-License-Identifier: GPL-2.0-only
/*
 * Process entry: one binary plays every role (DESIGN D2).
 *
 *	PID 1 in the guest                     -> guest init
 *	--ktstr-test-fn=NAME                   -> guest test body (run by init)
 *	--ktstr-test-fn=NAME --ktstr-topo=T    -> host: one VM for NAME with topology T
 *	anything else                          -> host suite: validate, list or run
 *
 * libktstr supplies a weak main() calling ktstr_main(); a test file may define
 * its own main() and call ktstr_main() from it.
 */
#include "assert/thresholds.h"
#include "guest/body.h"
#include "guest/init.h"
#include "test_support/args.h"
#include "test_support/entry.h"
#include "test_support/entry_validate.h"
#include "test_support/output.h"
#include "test_support/run_one.h"
#include "test_support/suite.h"
#include "vm/accel.h"
#include "util/util.h"

#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static const char *prog_name(const char *argv0)
{
	const char *s = argv0 ? strrchr(argv0, '/') : NULL;

	return s ? s + 1 : argv0 ? argv0 : "ktstr-test";
}

static int host_single(const struct ktstr_args *a, const struct run_opts *base)
{
	const struct ktstr_test *t = find_test(a->test_fn);
	struct ktstr_topology topo;
	struct run_opts opts = *base;
	struct run_outcome o;
	char *err = NULL;
	int code;

	if (!t) {
		fprintf(stderr, "%s: unknown test '%s'\n", a->prog, a->test_fn);
		return KTSTR_EXIT_USAGE;
	}
	if (topo_parse(a->topo, &topo, &err)) {
		fprintf(stderr, "%s: --ktstr-topo: %s\n", a->prog, err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	opts.topo = &topo;
	code = run_one(t, &opts, &o) == KTSTR_FAIL ? KTSTR_EXIT_FAIL : KTSTR_EXIT_PASS;
	fputs(o.text, stdout);
	fflush(stdout);
	run_outcome_free(&o);
	return code;
}

static int show_thresholds(const char *name, const char *prog)
{
	const struct ktstr_test *t = find_test(name);
	struct accel_choice accel;
	struct strbuf sb = { 0 };

	if (!t) {
		fprintf(stderr, "%s: unknown test '%s'\n", prog, name);
		return KTSTR_EXIT_USAGE;
	}
	if (accel_detect(&accel))
		return KTSTR_EXIT_USAGE;
	thresholds_format(t, accel_time_scale(accel.kind), accel_name(accel.kind), &sb);
	fputs(sb.buf ? sb.buf : "", stdout);
	sb_free(&sb);
	return KTSTR_EXIT_PASS;
}

static int suite(const struct ktstr_args *a, const struct run_opts *opts)
{
	size_t n, nsel = 0;
	const struct ktstr_test *const *all = registry_tests(&n);
	const struct ktstr_test **sel = xcalloc(n ? n : 1, sizeof(*sel));
	struct strbuf sb = { 0 };
	int code;

	for (size_t i = 0; i < n; i++)
		if (args_selects(a, all[i]->name))
			sel[nsel++] = all[i];
	if (a->list) {
		output_list_format(&sb, sel, nsel, a->json);
		fputs(sb.buf ? sb.buf : "", stdout);
		sb_free(&sb);
		free(sel);
		return KTSTR_EXIT_PASS;
	}
	if (!nsel) {
		fprintf(stderr, "%s: no test selected (%zu registered; see --list)\n", a->prog, n);
		free(sel);
		return KTSTR_EXIT_USAGE;
	}
	code = suite_run(sel, nsel, opts, a->jobs, a->junit, a->prog);
	free(sel);
	return code;
}

int ktstr_main(int argc, char **argv)
{
	struct ktstr_args a;
	struct run_opts opts;
	char *err = NULL;
	int code;

	if (getpid() == 1)
		return guest_init_main(argc, argv);
	if (args_parse(argc, argv, &a, &err)) {
		fprintf(stderr, "%s: %s\n", prog_name(argc ? argv[0] : NULL), err);
		free(err);
		return KTSTR_EXIT_USAGE;
	}
	a.prog = prog_name(a.prog);
	if (a.role == ARGS_ROLE_GUEST_BODY) {
		code = body_main(a.test_fn);
		args_free(&a);
		return code;
	}
	if (a.help) {
		args_usage(stdout, a.prog);
		args_free(&a);
		return KTSTR_EXIT_PASS;
	}
	log_verbosity = a.verbosity;
	/* every registration is checked before anything lists or boots */
	if (entry_validate_registry()) {
		args_free(&a);
		return KTSTR_EXIT_USAGE;
	}
	opts = (struct run_opts){
		.kernel = a.kernel,
		.timeout_s = a.timeout_s,
		.no_skip = a.no_skip,
		.verbosity = a.verbosity,
		.color = output_use_color(stdout),
	};
	if (a.role == ARGS_ROLE_HOST_SINGLE)
		code = host_single(&a, &opts);
	else if (a.show_thresholds)
		code = show_thresholds(a.show_thresholds, a.prog);
	else
		code = suite(&a, &opts);
	args_free(&a);
	return code;
}

/* Weak: a test file that defines main() gets its own. */
__attribute__((weak)) int main(int argc, char **argv)
{
	return ktstr_main(argc, argv);
}
