// SPDX-License-Identifier: GPL-2.0-only
/* Loading runs and choosing the sides of a comparison (cli/runs.h). */
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "cli/runs.h"
#include "core/sched_args.h"
#include "runner/timefmt.h"
#include "util/util.h"

void run_free(struct run *r)
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
int run_read(const char *path, bool strict, struct run *run, char **err)
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
		char *copy = xstrdup(path);
		size_t len = strlen(copy);
		const char *slash;

		while (len > 1 && copy[len - 1] == '/')
			copy[--len] = '\0'; /* "RUN/" names RUN */
		slash = strrchr(copy, '/');
		run->id = xstrdup(slash && slash[1] ? slash + 1 : copy);
		free(copy);
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
	xqsort(run->recs, run->n, sizeof(*run->recs), cmp_rec);
	return 0;
}

int run_resolve(const char *root, const char *spec, char **path, char **id, char **err)
{
	struct sidecar_run *runs = NULL;
	size_t n = 0;
	int rc;

	*path = *id = NULL;
	if (strchr(spec, '/') || (path_exists(spec) && !timefmt_is_run_id(spec))) {
		*path = xstrdup(spec);
		return 0;
	}
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
			*id = xstrdup(runs[n - 1 - back].id);
			*path = xstrdup(runs[n - 1 - back].path);
		}
	} else {
		for (size_t i = 0; i < n && !*path; i++)
			if (!strcmp(runs[i].id, spec)) {
				*id = xstrdup(runs[i].id);
				*path = xstrdup(runs[i].path);
			}
		if (!*path) {
			*err = xasprintf("unknown run '%s' (no such directory under %s; "
					 "'ktstr stats list' shows the runs)",
					 spec, root);
			rc = -ENOENT;
		}
	}
	sidecar_runs_free(runs, n);
	return *path ? 0 : rc;
}

int run_load(const char *root, const char *spec, struct run *run, char **err)
{
	char *path;
	int rc;

	memset(run, 0, sizeof(*run));
	rc = run_resolve(root, spec, &path, &run->id, err);
	if (rc < 0)
		return rc;
	rc = run_read(path, true, run, err);
	free(path);
	return rc;
}

/* Arguments as the records join them: split at whitespace, joined by one space. */
char *args_norm(const char *s)
{
	char **v = sched_split_args(s);
	struct strbuf sb = { 0 };

	for (size_t i = 0; v && v[i]; i++) {
		sb_printf(&sb, "%s%s", i ? " " : "", v[i]);
		free(v[i]);
	}
	free(v);
	return sb_steal(&sb);
}

static char *args_join(char *const *v)
{
	struct strbuf sb = { 0 };

	for (size_t i = 0; v && v[i]; i++)
		sb_printf(&sb, "%s%s", i ? " " : "", v[i]);
	return sb_steal(&sb);
}

static bool in_list(const char *const *v, size_t n, const char *s)
{
	if (!n)
		return true;
	for (size_t i = 0; i < n; i++)
		if (s && !strcmp(v[i], s))
			return true;
	return false;
}

static bool rec_selected(const struct sidecar_record *s, const char *args,
			 const struct side_sel *sel, const struct ab_args *a)
{
	if (!in_list(a->scenarios, a->nscenarios, s->test) ||
	    !in_list(a->topologies, a->ntopologies, s->topology))
		return false;
	if (sel->scheduler && (!s->scheduler || strcmp(sel->scheduler, s->scheduler)))
		return false;
	if (sel->kernel && !(s->kernel_version && !strcmp(sel->kernel, s->kernel_version)) &&
	    !(s->kernel_id && !strcmp(sel->kernel, s->kernel_id)))
		return false;
	return !sel->args || !strcmp(sel->args, args);
}

static void view_add(const struct run *r, const struct side_sel *sel, const struct ab_args *a,
		     struct view *v)
{
	v->recs = xrealloc(v->recs, (v->n + r->n + 1) * sizeof(*v->recs));
	v->args = xrealloc(v->args, (v->n + r->n + 1) * sizeof(*v->args));
	for (size_t i = 0; i < r->n; i++) {
		const struct sidecar_record *s = &r->recs[i];
		char *args = args_join(s->scheduler_args);

		if (!rec_selected(s, args, sel, a)) {
			free(args);
			continue;
		}
		v->args[v->n] = args;
		v->recs[v->n++] = compare_rec_of(s, args);
	}
}

static void view_free(struct view *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->args[i]);
	free(v->args);
	free(v->recs);
}

/* "3 records; test: steady, cpuset_apply; topology: 1n1l2c1t; scheduler: eevdf; ..." */
static void describe_side(FILE *f, const char *which, const char *run, const struct view *v)
{
	struct compare_side s = { run, v->recs, v->n };

	fprintf(f, "  %s (%s): %zu record(s)", which, run, v->n);
	for (int d = 0; d < DIM_COUNT && v->n; d++) {
		char *vals = compare_dim_values(&s, d);

		fprintf(f, "%s %s: %s", d ? ";" : ":", compare_dim_name(d), vals);
		free(vals);
	}
	fprintf(f, "\n");
}

int ab_option(struct ab_args *a, int c, char **argv, const char *prog)
{
	const char *arg = optarg;
	char *end;

	switch (c) {
	case ':':
		fprintf(stderr, "%s: %s needs a value\n", prog, argv[optind - 1]);
		return -1;
	case '?':
		fprintf(stderr, "%s: unknown option '%s' ('%s --help' explains)\n", prog,
			argv[optind - 1], prog);
		return -1;
	case 'd':
		free(a->root);
		a->root = xstrdup(arg);
		return 1;
	case 't':
		errno = 0;
		a->rel = strtod(arg, &end);
		if (errno || end == arg || *end || !(a->rel >= 0) || !isfinite(a->rel)) {
			fprintf(stderr, "%s: bad --threshold '%s' (a percentage, e.g. 10)\n", prog, arg);
			return -1;
		}
		a->rel /= 100.0;
		return 1;
	case 'S':
		a->a.scheduler = arg;
		return 1;
	case 's':
		a->b.scheduler = arg;
		return 1;
	case 'K':
		a->a.kernel = arg;
		return 1;
	case 'k':
		a->b.kernel = arg;
		return 1;
	case 'A':
		free(a->a_args);
		a->a.args = a->a_args = args_norm(arg);
		return 1;
	case 'a':
		free(a->b_args);
		a->b.args = a->b_args = args_norm(arg);
		return 1;
	case 'n':
	case 'T':
		if ((c == 'n' ? a->nscenarios : a->ntopologies) >= AB_MAX_FILTERS) {
			fprintf(stderr, "%s: too many --%s values (at most %d)\n", prog,
				c == 'n' ? "scenario" : "topology", AB_MAX_FILTERS);
			return -1;
		}
		if (c == 'n')
			a->scenarios[a->nscenarios++] = arg;
		else
			a->topologies[a->ntopologies++] = arg;
		return 1;
	default:
		return 0;
	}
}

static void ab_differ(const struct ab_args *a, bool differ[DIM_COUNT])
{
	differ[DIM_SCHEDULER] =
		a->a.scheduler && a->b.scheduler && strcmp(a->a.scheduler, a->b.scheduler);
	differ[DIM_KERNEL] = a->a.kernel && a->b.kernel && strcmp(a->a.kernel, a->b.kernel);
	differ[DIM_ARGS] = a->a.args && a->b.args && strcmp(a->a.args, a->b.args);
}

bool ab_chosen(const struct ab_args *a)
{
	bool differ[DIM_COUNT] = { 0 };

	ab_differ(a, differ);
	for (int d = 0; d < DIM_COUNT; d++)
		if (differ[d])
			return true;
	return false;
}

void ab_args_free(struct ab_args *a)
{
	free(a->a_args);
	free(a->b_args);
	free(a->root);
	a->a_args = a->b_args = a->root = NULL;
}

int ab_load(const char *root, const struct ab_args *a, const char *prog, struct ab *ab)
{
	memset(ab, 0, sizeof(*ab));
	ab->runs = xcalloc(a->nruns + 1, sizeof(*ab->runs));
	for (size_t i = 0; i < a->nruns; i++) {
		char *err = NULL;

		if (run_load(root, a->runs[i], &ab->runs[i], &err) < 0) {
			fprintf(stderr, "%s: %s%s\n", prog,
				a->nruns == 2 ? (i ? "B: " : "A: ") : "", err);
			free(err);
			return -1;
		}
		ab->nruns++;
		if (!ab->runs[i].n) {
			fprintf(stderr, "%s: run %s has no records\n", prog, ab->runs[i].path);
			return -1;
		}
	}
	return 0;
}

/* "id1+id2+..." of runs [from, to) */
static char *runs_name(const struct ab *ab, size_t from, size_t to)
{
	struct strbuf sb = { 0 };

	for (size_t i = from; i < to; i++)
		sb_printf(&sb, "%s%s", i > from ? "+" : "", ab->runs[i].id);
	return sb_steal(&sb);
}

int ab_compare(struct ab *ab, const struct ab_args *a, const char *prog)
{
	struct compare_opts o = { .rel_override = a->rel };
	struct compare_side sa, sb;
	bool two = ab->nruns == 2;

	ab_differ(a, o.differ);
	if (!two && !ab_chosen(a)) {
		fprintf(stderr, "%s: compare with %s needs the sides chosen by a dimension: "
				"--a-scheduler X --b-scheduler Y, --a-kernel/--b-kernel or "
				"--a-args/--b-args with different values\n",
			prog, ab->nruns == 1 ? "one run" : "more than two runs");
		return -1;
	}
	for (size_t i = 0; i < ab->nruns; i++) {
		if (!two || i == 0)
			view_add(&ab->runs[i], &a->a, a, &ab->va);
		if (!two || i == 1)
			view_add(&ab->runs[i], &a->b, a, &ab->vb);
	}
	ab->ida = two ? xstrdup(ab->runs[0].id) : runs_name(ab, 0, ab->nruns);
	ab->idb = two ? xstrdup(ab->runs[1].id) : runs_name(ab, 0, ab->nruns);
	sa = (struct compare_side){ ab->ida, ab->va.recs, ab->va.n };
	sb = (struct compare_side){ ab->idb, ab->vb.recs, ab->vb.n };
	compare_runs(&sa, &sb, &o, &ab->rep);
	ab->compared = true;
	if (!ab->rep.paired) {
		/* nothing to judge is bad input, never a pass */
		fprintf(stderr, "%s: compare: no test is on both sides (pairing on %s%s%s)\n", prog,
			ab->rep.pairing, ab->rep.differing ? "; differing: " : "",
			ab->rep.differing ? ab->rep.differing : "");
		describe_side(stderr, "A", ab->ida, &ab->va);
		describe_side(stderr, "B", ab->idb, &ab->vb);
		return -1;
	}
	return 0;
}

void ab_free(struct ab *ab)
{
	if (ab->compared)
		compare_report_free(&ab->rep);
	view_free(&ab->va);
	view_free(&ab->vb);
	for (size_t i = 0; i < ab->nruns; i++)
		run_free(&ab->runs[i]);
	free(ab->runs);
	free(ab->ida);
	free(ab->idb);
	memset(ab, 0, sizeof(*ab));
}
