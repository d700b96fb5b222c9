// SPDX-License-Identifier: GPL-2.0-only
#include "runner/compare.h"
#include "runner/sidecar.h"
#include "util/stats.h"
#include "util/util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Harness statistics: polarity, absolute gate, relative gate, unit. */
const struct compare_metric_def compare_builtins[] = {
	{ "worst_spread", KTSTR_LOWER_BETTER, 5.0, 0.25, "%" },
	{ "worst_gap_ms", KTSTR_LOWER_BETTER, 500.0, 0.50, "ms" },
	{ "total_migrations", KTSTR_LOWER_BETTER, 10.0, 0.30, "" },
	{ "worst_migration_ratio", KTSTR_LOWER_BETTER, 0.05, 0.20, "" },
	{ "max_imbalance_ratio", KTSTR_LOWER_BETTER, 1.0, 0.25, "x" },
	{ "max_dsq_depth", KTSTR_LOWER_BETTER, 10.0, 0.50, "" },
	{ "stall_count", KTSTR_LOWER_BETTER, 1.0, 0.50, "" },
	{ "total_fallback", KTSTR_LOWER_BETTER, 5.0, 0.30, "" },
	{ "total_keep_last", KTSTR_LOWER_BETTER, 5.0, 0.30, "" },
	{ "worst_p99_wake_latency_us", KTSTR_LOWER_BETTER, 50.0, 0.25, "us" },
	{ "worst_median_wake_latency_us", KTSTR_LOWER_BETTER, 20.0, 0.25, "us" },
	{ "worst_wake_latency_cv", KTSTR_LOWER_BETTER, 0.10, 0.25, "" },
	{ "total_iterations", KTSTR_HIGHER_BETTER, 100.0, 0.10, "" },
	{ "work_units", KTSTR_HIGHER_BETTER, 100.0, 0.10, "" },
	{ "migrations", KTSTR_LOWER_BETTER, 10.0, 0.30, "" },
	{ "worst_throughput_cv", KTSTR_LOWER_BETTER, 0.10, 0.25, "" },
	{ "worst_mean_run_delay_us", KTSTR_LOWER_BETTER, 50.0, 0.25, "us" },
	{ "worst_run_delay_us", KTSTR_LOWER_BETTER, 100.0, 0.50, "us" },
	{ "worst_wake_latency_tail_ratio", KTSTR_LOWER_BETTER, 0.5, 0.25, "x" },
	{ "worst_iterations_per_worker", KTSTR_HIGHER_BETTER, 10.0, 0.10, "" },
	{ "worst_page_locality", KTSTR_HIGHER_BETTER, 0.05, 0.10, "" },
	{ "worst_cross_node_migration_ratio", KTSTR_LOWER_BETTER, 0.05, 0.20, "" },
	{ 0 },
};

/* Per-cgroup statistics ("cgroup.<name>.<what>") judged like their run-wide worst. */
static const struct {
	const char *what, *as;
} cgroup_aliases[] = {
	{ "spread", "worst_spread" },
	{ "max_gap_ms", "worst_gap_ms" },
	{ "migrations", "migrations" },
	{ "migration_ratio", "worst_migration_ratio" },
	{ "p99_wake_latency_us", "worst_p99_wake_latency_us" },
	{ "median_wake_latency_us", "worst_median_wake_latency_us" },
	{ "work_units", "work_units" },
	{ "page_locality", "worst_page_locality" },
};

static const struct compare_metric_def *builtin_exact(const char *name)
{
	for (const struct compare_metric_def *d = compare_builtins; d->name; d++)
		if (!strcmp(d->name, name))
			return d;
	return NULL;
}

const struct compare_metric_def *compare_builtin(const char *name)
{
	const char *what = strrchr(name, '.');

	if (!str_starts_with(name, "cgroup.") || !what || what < name + strlen("cgroup."))
		return builtin_exact(name);
	for (size_t i = 0; i < ARRAY_SIZE(cgroup_aliases); i++)
		if (!strcmp(what + 1, cgroup_aliases[i].what))
			return builtin_exact(cgroup_aliases[i].as);
	return NULL;
}

static const char *const change_names[] = {
	[CMP_SAME] = "same",	       [CMP_REGRESSION] = "regression",
	[CMP_IMPROVEMENT] = "improvement", [CMP_CHANGED] = "changed",
	[CMP_ONLY_A] = "only_a",	       [CMP_ONLY_B] = "only_b",
};

const char *compare_change_name(enum compare_change c)
{
	return (size_t)c < ARRAY_SIZE(change_names) ? change_names[c] : "same";
}

const char *compare_method_name(enum compare_method m)
{
	return m == CMP_METHOD_HL ? "hodges-lehmann" : "gates";
}

static const char *const dim_names[DIM_COUNT] = {
	[DIM_TEST] = "test",	       [DIM_VARIANT] = "variant", [DIM_TOPOLOGY] = "topology",
	[DIM_SCHEDULER] = "scheduler", [DIM_ARGS] = "args",	  [DIM_KERNEL] = "kernel",
};

const char *compare_dim_name(enum compare_dim d)
{
	return (size_t)d < DIM_COUNT ? dim_names[d] : "?";
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* ktstr run's variant "{topology}-{scheduler}" says nothing beyond those two. */
static bool variant_is_topo_sched(const struct compare_rec *r)
{
	size_t lt = strlen(nz(r->topology));

	return r->topology && r->scheduler && !strncmp(r->variant, r->topology, lt) &&
	       r->variant[lt] == '-' && !strcmp(r->variant + lt + 1, r->scheduler);
}

struct compare_rec compare_rec_of(const struct sidecar_record *r, const char *args)
{
	return (struct compare_rec){
		.test = r->test,
		.variant = r->variant,
		.config = r->config,
		.topology = r->topology,
		.scheduler = r->scheduler,
		.args = args,
		.kernel = r->kernel_version ? r->kernel_version : r->kernel_id,
		.verdict = r->result.verdict,
		.stats = r->result.stats,
		.nstats = r->result.nstats,
		.metrics = r->metrics.v,
		.nmetrics = r->metrics.n,
	};
}

const char *compare_dim_value(const struct compare_rec *r, enum compare_dim d)
{
	switch (d) {
	case DIM_TEST:
		return nz(r->test);
	case DIM_VARIANT:
		if (r->config)
			return r->config;
		if (!r->variant || !*r->variant || variant_is_topo_sched(r))
			return "default";
		return r->variant;
	case DIM_TOPOLOGY:
		return nz(r->topology);
	case DIM_SCHEDULER:
		return nz(r->scheduler);
	case DIM_ARGS:
		return nz(r->args);
	case DIM_KERNEL:
		return nz(r->kernel);
	default:
		return "";
	}
}

/* ---- one side, grouped by pairing key ---- */

struct acc {
	const char *name;
	bool payload;
	double *v;
	unsigned cnt;
	enum ktstr_polarity polarity;
	double target;
	const char *unit;
};

struct group {
	char *key;
	const struct compare_rec *first;
	enum ktstr_verdict verdict;
	unsigned n, failed;
	struct acc *accs;
	unsigned nacc;
};

struct groups {
	struct group *v;
	size_t n;
};

static char *make_key(const struct compare_rec *r, const bool *differ)
{
	struct strbuf sb = { 0 };

	for (int d = 0; d < DIM_COUNT; d++)
		sb_printf(&sb, "%s\x1f", differ[d] ? "" : compare_dim_value(r, d));
	return sb_steal(&sb);
}

static char *make_label(const struct compare_rec *r, const bool *differ)
{
	struct strbuf sb = { 0 };
	const char *sep = " (", *v = compare_dim_value(r, DIM_VARIANT);

	sb_append(&sb, nz(r->test));
	if (!differ[DIM_VARIANT] && strcmp(v, "default"))
		sb_printf(&sb, " [%s]", v);
	for (int d = DIM_TOPOLOGY; d < DIM_COUNT; d++) {
		if (differ[d] || !*compare_dim_value(r, d) || d == DIM_KERNEL)
			continue;
		sb_printf(&sb, "%s%s", sep, compare_dim_value(r, d));
		sep = ", ";
	}
	if (strcmp(sep, " ("))
		sb_append(&sb, ")");
	return sb_steal(&sb);
}

static void acc_add(struct group *g, const char *name, bool payload, double v,
		    enum ktstr_polarity pol, double target, const char *unit)
{
	struct acc *a = NULL;

	for (unsigned i = 0; i < g->nacc; i++)
		if (g->accs[i].payload == payload && !strcmp(g->accs[i].name, name))
			a = &g->accs[i];
	if (!a) {
		g->accs = xrealloc(g->accs, (g->nacc + 1) * sizeof(*g->accs));
		a = &g->accs[g->nacc++];
		*a = (struct acc){ .name = name, .payload = payload, .unit = unit ? unit : "" };
	}
	a->v = xrealloc(a->v, (a->cnt + 1) * sizeof(*a->v));
	a->v[a->cnt++] = v;
	if (a->polarity == KTSTR_POLARITY_UNKNOWN && pol != KTSTR_POLARITY_UNKNOWN) {
		a->polarity = pol;
		a->target = target;
		a->unit = unit ? unit : "";
	}
}

/* FAIL beats PASS beats INTERRUPTED beats SKIP: a key failed if any of its
 * records failed. */
/* A verdict of a run whose numbers are samples: it ran to a verdict (skipped and
 * interrupted runs did not). A failed run's numbers count: a scheduler that fails
 * a check is often slower too, and the metric shows by how much. */
static bool ran(enum ktstr_verdict v)
{
	return v == KTSTR_PASS || v == KTSTR_FAIL;
}

static enum ktstr_verdict verdict_merge(enum ktstr_verdict a, enum ktstr_verdict b)
{
	if (a == KTSTR_FAIL || b == KTSTR_FAIL)
		return KTSTR_FAIL;
	if (a == KTSTR_PASS || b == KTSTR_PASS)
		return KTSTR_PASS;
	if (a == KTSTR_INTERRUPTED || b == KTSTR_INTERRUPTED)
		return KTSTR_INTERRUPTED;
	return KTSTR_SKIP;
}

static void group_side(const struct compare_side *s, const bool *differ, struct groups *gs)
{
	for (size_t i = 0; i < s->n; i++) {
		const struct compare_rec *r = &s->recs[i];
		char *key = make_key(r, differ);
		struct group *g = NULL;

		for (size_t k = 0; k < gs->n && !g; k++)
			if (!strcmp(gs->v[k].key, key))
				g = &gs->v[k];
		if (g) {
			free(key);
			g->verdict = verdict_merge(g->verdict, r->verdict);
		} else {
			gs->v = xrealloc(gs->v, (gs->n + 1) * sizeof(*gs->v));
			g = &gs->v[gs->n++];
			*g = (struct group){ .key = key, .first = r, .verdict = r->verdict };
		}
		g->n++;
		g->failed += r->verdict == KTSTR_FAIL;
		if (!ran(r->verdict))
			continue;
		for (unsigned k = 0; k < r->nstats; k++) {
			const struct compare_metric_def *d = compare_builtin(r->stats[k].name);

			acc_add(g, r->stats[k].name, false, r->stats[k].value,
				d ? d->polarity : KTSTR_POLARITY_UNKNOWN, 0, d ? d->unit : "");
		}
		for (unsigned k = 0; k < r->nmetrics; k++) {
			const struct metric *m = &r->metrics[k];

			acc_add(g, m->name, true, m->value, m->polarity, m->target, m->unit);
		}
	}
}

static void groups_free(struct groups *gs)
{
	for (size_t i = 0; i < gs->n; i++) {
		for (unsigned k = 0; k < gs->v[i].nacc; k++)
			free(gs->v[i].accs[k].v);
		free(gs->v[i].key);
		free(gs->v[i].accs);
	}
	free(gs->v);
}

static const struct group *group_find(const struct groups *gs, const char *key)
{
	for (size_t i = 0; i < gs->n; i++)
		if (!strcmp(gs->v[i].key, key))
			return &gs->v[i];
	return NULL;
}

static const struct acc *acc_find(const struct group *g, const char *name, bool payload)
{
	for (unsigned i = 0; i < g->nacc; i++)
		if (g->accs[i].payload == payload && !strcmp(g->accs[i].name, name))
			return &g->accs[i];
	return NULL;
}

/* ---- the dimensions the sides differ in ---- */

/* The one value of dimension d on side s, or NULL when it has several (or none). */
static const char *single_value(const struct compare_side *s, enum compare_dim d)
{
	const char *v = NULL;

	for (size_t i = 0; i < s->n; i++) {
		const char *x = compare_dim_value(&s->recs[i], d);

		if (v && strcmp(v, x))
			return NULL;
		v = x;
	}
	return v;
}

char *compare_dim_values(const struct compare_side *s, enum compare_dim d)
{
	struct strbuf sb = { 0 };
	const char **seen = xcalloc(s->n + 1, sizeof(*seen));
	size_t n = 0;

	for (size_t i = 0; i < s->n; i++) {
		const char *x = compare_dim_value(&s->recs[i], d);
		bool dup = false;

		for (size_t k = 0; k < n && !dup; k++)
			dup = !strcmp(seen[k], x);
		if (dup)
			continue;
		if (n == 6) {
			sb_append(&sb, ", ...");
			break;
		}
		sb_printf(&sb, "%s%s", n ? ", " : "", *x ? x : "(none)");
		seen[n++] = x;
	}
	free(seen);
	return sb_steal(&sb);
}

static void describe_dims(const struct compare_side *a, const struct compare_side *b,
			  struct compare_report *out)
{
	struct strbuf on = { 0 }, off = { 0 };

	for (int d = 0; d < DIM_COUNT; d++) {
		char *va, *vb;

		if (!out->differ[d]) {
			sb_printf(&on, "%s%s", on.len ? ", " : "", dim_names[d]);
			continue;
		}
		va = compare_dim_values(a, d);
		vb = compare_dim_values(b, d);
		sb_printf(&off, "%s%s (%s -> %s)", off.len ? ", " : "", dim_names[d], va, vb);
		free(va);
		free(vb);
	}
	out->pairing = sb_steal(&on);
	out->differing = off.len ? sb_steal(&off) : NULL;
}

/* ---- deltas ---- */

static void dist_of(const struct acc *x, struct compare_dist *d)
{
	d->n = x ? x->cnt : 0;
	d->median = x ? stats_median(x->v, x->cnt) : NAN;
	d->q1 = x ? stats_quantile(x->v, x->cnt, 0.25) : NAN;
	d->q3 = x ? stats_quantile(x->v, x->cnt, 0.75) : NAN;
}

/* The change in the "badness" direction: > 0 is worse for the metric's polarity. */
static double badness(const struct compare_delta *d, double a, double b)
{
	switch (d->polarity) {
	case KTSTR_HIGHER_BETTER:
		return a - b;
	case KTSTR_TARGET_VALUE:
		return fabs(b - d->target) - fabs(a - d->target);
	default:
		return b - a;
	}
}

static void judge(struct compare_delta *d)
{
	double x = badness(d, d->a, d->b);

	d->past_gates = x != 0 && fabs(x) >= d->abs_gate &&
			(d->a == 0 || fabs(x) / fabs(d->a) >= d->rel_gate);
	/* significant: the interval of the shift lies wholly on the side of the change */
	d->significant = d->method == CMP_METHOD_GATES ||
			 (d->delta > 0 && d->lo > 0) || (d->delta < 0 && d->hi < 0);
	if (!d->past_gates || !d->significant)
		d->change = CMP_SAME;
	else if (d->polarity == KTSTR_POLARITY_UNKNOWN)
		d->change = CMP_CHANGED;
	else
		d->change = x > 0 ? CMP_REGRESSION : CMP_IMPROVEMENT;
}

/*
 * The scheduler's callback times (bpf.<callback>.ns_per_call): under TCG one
 * callback's mean moved by -63% to +219% between two runs of one build, and by up
 * to 36% between the medians of five runs each. Judged only over repeats, past a
 * doubling; a single run against a single run shows the change unjudged.
 */
#define CALLBACK_TIME_SUFFIX ".ns_per_call"
#define CALLBACK_TIME_REL 1.0

static bool callback_time(const char *name)
{
	return str_starts_with(name, "bpf.") && str_ends_with(name, CALLBACK_TIME_SUFFIX);
}

static void add_delta(struct compare_test *t, const struct acc *x, const struct acc *y,
		      const struct compare_opts *o)
{
	const struct acc *m = x ? x : y;
	const struct compare_metric_def *def = m->payload ? NULL : compare_builtin(m->name);
	bool cb = m->payload && callback_time(m->name);
	struct compare_delta *d;
	struct stats_shift sh;

	t->deltas = xrealloc(t->deltas, (t->ndeltas + 1) * sizeof(*t->deltas));
	d = &t->deltas[t->ndeltas++];
	*d = (struct compare_delta){
		.metric = xstrdup(m->name),
		.payload = m->payload,
		.polarity = (x && x->polarity) ? x->polarity : (y ? y->polarity : x->polarity),
		.target = (x && x->polarity) ? x->target : (y ? y->target : x->target),
		.abs_gate = def ? def->abs : COMPARE_PAYLOAD_ABS,
		.rel_gate = o->rel_override >= 0 ? o->rel_override :
			    def ? def->rel : cb ? CALLBACK_TIME_REL : COMPARE_PAYLOAD_REL,
		.unit = (x && *x->unit) ? x->unit : (y ? y->unit : x->unit),
		.hl = NAN, .lo = NAN, .hi = NAN, .p = NAN,
	};
	dist_of(x, &d->sa);
	dist_of(y, &d->sb);
	d->a = d->sa.median;
	d->b = d->sb.median;
	if (!x || !y) {
		d->delta = d->rel = NAN;
		d->change = x ? CMP_ONLY_A : CMP_ONLY_B;
		return;
	}
	d->delta = d->b - d->a;
	d->rel = d->a != 0 ? d->delta / fabs(d->a) : NAN;
	d->method = x->cnt > 1 && y->cnt > 1 ? CMP_METHOD_HL : CMP_METHOD_GATES;
	if (cb && d->method == CMP_METHOD_GATES)
		d->polarity = KTSTR_POLARITY_UNKNOWN;
	if (d->method == CMP_METHOD_HL &&
	    !stats_shift(x->v, x->cnt, y->v, y->cnt, COMPARE_CONF, &sh)) {
		d->hl = sh.hl;
		d->lo = sh.lo;
		d->hi = sh.hi;
		d->p = sh.p;
	}
	judge(d);
}

static int cmp_delta(const void *p, const void *q)
{
	const struct compare_delta *a = p, *b = q;

	if (a->payload != b->payload)
		return a->payload ? 1 : -1;
	return strcmp(a->metric, b->metric);
}

static int cmp_test(const void *p, const void *q)
{
	return strcmp(((const struct compare_test *)p)->key, ((const struct compare_test *)q)->key);
}

static void fill_test(struct compare_test *t, const struct group *ga, const struct group *gb,
		      const struct compare_opts *o)
{
	t->in_a = ga != NULL;
	t->in_b = gb != NULL;
	t->va = ga ? ga->verdict : KTSTR_SKIP;
	t->vb = gb ? gb->verdict : KTSTR_SKIP;
	t->na = ga ? ga->n : 0;
	t->nb = gb ? gb->n : 0;
	t->fail_a = ga ? ga->failed : 0;
	t->fail_b = gb ? gb->failed : 0;
	if (!ga || !gb)
		return;
	if (t->va == KTSTR_PASS && t->vb == KTSTR_FAIL)
		t->verdict_change = CMP_REGRESSION;
	else if (t->va == KTSTR_FAIL && t->vb == KTSTR_PASS)
		t->verdict_change = CMP_IMPROVEMENT;
	else if (t->va != t->vb)
		t->verdict_change = CMP_CHANGED;
	if (!ran(t->va) || !ran(t->vb))
		return;
	for (unsigned i = 0; i < ga->nacc; i++)
		add_delta(t, &ga->accs[i], acc_find(gb, ga->accs[i].name, ga->accs[i].payload), o);
	for (unsigned i = 0; i < gb->nacc; i++)
		if (!acc_find(ga, gb->accs[i].name, gb->accs[i].payload))
			add_delta(t, NULL, &gb->accs[i], o);
	xqsort(t->deltas, t->ndeltas, sizeof(*t->deltas), cmp_delta);
}

void compare_runs(const struct compare_side *a, const struct compare_side *b,
		  const struct compare_opts *opts, struct compare_report *out)
{
	const struct compare_opts def = COMPARE_OPTS_DEFAULT;
	const struct compare_opts *o = opts ? opts : &def;
	struct groups ga = { 0 }, gb = { 0 };

	memset(out, 0, sizeof(*out));
	out->rel_override = o->rel_override;
	for (int d = 0; d < DIM_COUNT; d++) {
		const char *va = single_value(a, d), *vb = single_value(b, d);

		out->differ[d] = o->differ[d] || (va && vb && strcmp(va, vb));
	}
	describe_dims(a, b, out);
	group_side(a, out->differ, &ga);
	group_side(b, out->differ, &gb);

	out->tests = xcalloc(ga.n + gb.n + 1, sizeof(*out->tests));
	for (size_t i = 0; i < ga.n + gb.n; i++) {
		bool from_a = i < ga.n;
		const struct group *g = from_a ? &ga.v[i] : &gb.v[i - ga.n];
		const struct group *ga_ = from_a ? g : group_find(&ga, g->key);
		const struct group *gb_ = from_a ? group_find(&gb, g->key) : g;
		struct compare_test *t;

		if (!from_a && ga_)
			continue; /* paired already */
		t = &out->tests[out->ntests++];
		t->key = xstrdup(g->key);
		t->label = make_label(g->first, out->differ);
		fill_test(t, ga_, gb_, o);
	}
	xqsort(out->tests, out->ntests, sizeof(*out->tests), cmp_test);
	for (size_t i = 0; i < out->ntests; i++) {
		const struct compare_test *t = &out->tests[i];

		out->paired += t->in_a && t->in_b;
		out->only_a += t->in_a && !t->in_b;
		out->only_b += t->in_b && !t->in_a;
		out->verdict_regressions += t->verdict_change == CMP_REGRESSION;
		out->verdict_improvements += t->verdict_change == CMP_IMPROVEMENT;
		for (unsigned k = 0; k < t->ndeltas; k++) {
			out->regressions += t->deltas[k].change == CMP_REGRESSION;
			out->improvements += t->deltas[k].change == CMP_IMPROVEMENT;
		}
	}
	groups_free(&ga);
	groups_free(&gb);
}

void compare_report_free(struct compare_report *r)
{
	for (size_t i = 0; i < r->ntests; i++) {
		for (unsigned k = 0; k < r->tests[i].ndeltas; k++)
			free(r->tests[i].deltas[k].metric);
		free(r->tests[i].deltas);
		free(r->tests[i].key);
		free(r->tests[i].label);
	}
	free(r->tests);
	free(r->pairing);
	free(r->differing);
	memset(r, 0, sizeof(*r));
}

bool compare_has_regression(const struct compare_report *r)
{
	return r->regressions || r->verdict_regressions;
}

int compare_exit_code(const struct compare_report *r)
{
	if (!r->paired)
		return 2;
	return compare_has_regression(r) ? 1 : 0;
}

/* JSON has no NaN or infinity: unknown or unbounded numbers are null. */
static json_t *num(double v)
{
	return isfinite(v) ? json_real(v) : json_null();
}

static json_t *dist_json(const struct compare_dist *d)
{
	return json_pack("{s:i, s:o, s:o, s:o, s:o}", "n", (int)d->n, "median", num(d->median),
			 "q1", num(d->q1), "q3", num(d->q3), "iqr", num(d->q3 - d->q1));
}

static json_t *delta_json(const struct compare_delta *d)
{
	json_t *o = json_pack("{s:s, s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:s, s:s, s:f, s:f, s:s, "
			      "s:s, s:b, s:b}",
			      "metric", d->metric, "source", d->payload ? "payload" : "harness",
			      "a", dist_json(&d->sa), "b", dist_json(&d->sb), "median_a",
			      num(d->a), "median_b", num(d->b), "delta", num(d->delta), "rel",
			      num(d->rel), "method", compare_method_name(d->method), "polarity",
			      metrics_polarity_name(d->polarity), "abs_gate", d->abs_gate,
			      "rel_gate", d->rel_gate, "unit", d->unit, "change",
			      compare_change_name(d->change), "significant", d->significant,
			      "past_gates", d->past_gates);

	if (d->method == CMP_METHOD_HL)
		json_object_set_new(o, "interval",
				    json_pack("{s:f, s:o, s:o, s:o, s:o}", "conf", COMPARE_CONF,
					      "hl", num(d->hl), "lo", num(d->lo), "hi", num(d->hi),
					      "p", num(d->p)));
	if (d->polarity == KTSTR_TARGET_VALUE)
		json_object_set_new(o, "target", json_real(d->target));
	return o;
}

json_t *compare_report_to_json(const struct compare_report *r)
{
	json_t *tests = json_array(), *differ = json_array();

	for (int d = 0; d < DIM_COUNT; d++)
		if (r->differ[d])
			json_array_append_new(differ, json_string(dim_names[d]));
	for (size_t i = 0; i < r->ntests; i++) {
		const struct compare_test *t = &r->tests[i];
		json_t *deltas = json_array();

		for (unsigned k = 0; k < t->ndeltas; k++)
			json_array_append_new(deltas, delta_json(&t->deltas[k]));
		json_array_append_new(
			tests,
			json_pack("{s:s, s:o, s:o, s:i, s:i, s:i, s:i, s:s, s:o}", "test", t->label,
				  "a", t->in_a ? json_string(verdict_name(t->va)) : json_null(),
				  "b", t->in_b ? json_string(verdict_name(t->vb)) : json_null(),
				  "a_records", (int)t->na, "b_records", (int)t->nb, "a_failed",
				  (int)t->fail_a, "b_failed", (int)t->fail_b, "verdict_change",
				  compare_change_name(t->verdict_change), "metrics", deltas));
	}
	return json_pack("{s:s, s:o, s:o, s:o, s:b, s:i, s:{s:i, s:i, s:i, s:i, s:i, s:i, s:i}, "
			 "s:o}",
			 "pairing", r->pairing, "differing", differ, "differing_text",
			 r->differing ? json_string(r->differing) : json_null(), "threshold_rel",
			 r->rel_override >= 0 ? json_real(r->rel_override) : json_null(),
			 "regression", compare_has_regression(r), "exit", compare_exit_code(r),
			 "summary", "regressions", (int)r->regressions, "improvements",
			 (int)r->improvements, "verdict_regressions", (int)r->verdict_regressions,
			 "verdict_improvements", (int)r->verdict_improvements, "paired",
			 (int)r->paired, "only_a", (int)r->only_a, "only_b", (int)r->only_b,
			 "tests", tests);
}
