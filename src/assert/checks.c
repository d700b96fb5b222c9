// SPDX-License-Identifier: GPL-2.0-only
#include "assert/checks.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

double checks_off_cpu_pct(const struct ktstr_worker_report *r)
{
	if (!r->wall_ns)
		return 0;
	return (double)r->off_cpu_ns * 100.0 / (double)r->wall_ns;
}

double checks_wait_pct(const struct ktstr_worker_report *r)
{
	if (!r->run_count)
		return checks_off_cpu_pct(r);
	if (!r->wall_ns)
		return 0;
	return MIN(100.0, (double)r->run_delay_ns * 100.0 / (double)r->wall_ns);
}

uint64_t checks_percentile(const uint64_t *sorted, size_t n, double pct)
{
	size_t rank;

	if (!n)
		return 0;
	rank = (size_t)ceil((double)n * pct / 100.0);
	if (rank < 1)
		rank = 1;
	if (rank > n)
		rank = n;
	return sorted[rank - 1];
}

double checks_cv(const double *v, size_t n)
{
	double mean = 0, var = 0;

	if (n < 2)
		return 0;
	for (size_t i = 0; i < n; i++)
		mean += v[i];
	mean /= (double)n;
	if (mean == 0)
		return 0;
	for (size_t i = 0; i < n; i++)
		var += (v[i] - mean) * (v[i] - mean);
	return sqrt(var / (double)n) / mean;
}

static int cmp_u64(const void *a, const void *b)
{
	uint64_t x = *(const uint64_t *)a, y = *(const uint64_t *)b;

	return x < y ? -1 : x > y;
}

uint64_t *checks_latency_pool(const struct check_worker *w, unsigned n,
			      bool (*keep)(const struct check_worker *, const void *),
			      const void *arg, size_t *count)
{
	size_t total = 0, k = 0;
	uint64_t *pool;

	for (unsigned i = 0; i < n; i++)
		if (!keep || keep(&w[i], arg))
			total += w[i].r->nlat;
	pool = xmalloc((total ? total : 1) * sizeof(*pool));
	for (unsigned i = 0; i < n; i++)
		if (!keep || keep(&w[i], arg))
			for (unsigned j = 0; j < w[i].r->nlat; j++)
				pool[k++] = w[i].r->lat_ns[j];
	qsort(pool, total, sizeof(*pool), cmp_u64);
	*count = total;
	return pool;
}

static bool in_cgroup(const struct check_worker *w, const void *name)
{
	return !strcmp(w->cgroup, (const char *)name);
}

/*
 * Whether a worker's latency samples are wake-ups. A yielder's are the time until it
 * runs again after giving its CPU away (the other tasks' turn, by design), ForkExit's a
 * whole fork, exit and wait round trip (an emulated fork takes tens of ms).
 */
static bool samples_wake_ups(enum ktstr_work_type t)
{
	switch (t) {
	case KTSTR_WT_YIELD_HEAVY:
	case KTSTR_WT_MIXED:
	case KTSTR_WT_FORK_EXIT:
	case KTSTR_WT_NICE_SWEEP:
	case KTSTR_WT_AFFINITY_CHURN:
	case KTSTR_WT_POLICY_CHURN:
	case KTSTR_WT_CACHE_YIELD:
		return false;
	default:
		return true;
	}
}

/*
 * Workers per CPU, at least 1: how many turns a woken task may queue behind. A fair
 * FIFO with 20 ms slices and two CPU hogs per CPU delays a wake-up by about 40 ms.
 */
static double workers_per_cpu(const struct check_input *in)
{
	unsigned cpus = in->ncpus ? in->ncpus : in->n;

	return cpus && in->n > cpus ? (double)in->n / cpus : 1.0;
}

static bool wakes_in_cgroup(const struct check_worker *w, const void *name)
{
	return in_cgroup(w, name) && samples_wake_ups(w->r->type);
}

static const char *cg_label(const char *name)
{
	return *name ? name : "(none)";
}

/* Distinct cgroup names in first-seen order (pointers into the input). */
static unsigned cgroups_of(const struct check_input *in, const char **out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < in->n; i++) {
		unsigned k;

		for (k = 0; k < n; k++)
			if (!strcmp(out[k], in->w[i].cgroup))
				break;
		if (k == n)
			out[n++] = in->w[i].cgroup;
	}
	return n;
}

enum id_kind { BY_GROUP, BY_DEMAND };

/* Distinct work group (or demand class) ids in first-seen order. */
static unsigned ids_of(const struct check_input *in, enum id_kind kind, unsigned *out)
{
	unsigned n = 0;

	for (unsigned i = 0; i < in->n; i++) {
		unsigned id = kind == BY_GROUP ? in->w[i].group : in->w[i].demand, k;

		for (k = 0; k < n; k++)
			if (out[k] == id)
				break;
		if (k == n)
			out[n++] = id;
	}
	return n;
}

static bool not_starved_on(const struct check_input *in)
{
	return in->thr->not_starved != KTSTR_OFF;
}

/*
 * A worker released this shortly before it was stopped may not have run yet under a
 * correct scheduler: on 2 emulated CPUs shared by 8 tasks, EEVDF kept a task waiting
 * 1.1 s. Workers respawned every 250 ms by a looping step live less than this, so
 * neither starvation nor their wait% (fairness) is judged for them.
 */
#define MIN_JUDGED_LIFE_MS 1000

void check_starved(const struct check_input *in, struct ktstr_result *res)
{
	if (!not_starved_on(in))
		return;
	for (unsigned i = 0; i < in->n; i++) {
		const struct ktstr_worker_report *r = in->w[i].r;

		if (r->work_units || in->w[i].life_ms < MIN_JUDGED_LIFE_MS)
			continue;
		if (r->completed)
			result_fail(res, KTSTR_STARVED,
				    "worker %d starved (0 work units) in cgroup %s", r->pid,
				    cg_label(in->w[i].cgroup));
		else if (r->exit_status == -1)
			result_fail(res, KTSTR_STARVED,
				    "worker %d starved (0 work units, never reported, not reaped "
				    "2 s after SIGKILL) in cgroup %s",
				    r->pid, cg_label(in->w[i].cgroup));
		else
			result_fail(res, KTSTR_STARVED,
				    "worker %d starved (0 work units, never reported, "
				    "wait status 0x%x) in cgroup %s",
				    r->pid, (unsigned)r->exit_status, cg_label(in->w[i].cgroup));
	}
}

struct spread {
	double min, max, avg, spread;
	unsigned n;
};

/*
 * Whether a worker's wait% says anything about fairness: a FanOutCompute messenger
 * only wakes the others, and a YieldHeavy worker's share is whatever its CPU's other
 * tasks take when it yields (all of the CPU alone, almost none beside a spinner), so
 * theirs measures placement, not fairness. So do the two members of a pair (PipeIo,
 * FutexPingPong, CachePipe): they take turns, one blocked while the other runs, so
 * the split of the pair's waiting says where each one was woken. Under a correct
 * global FIFO one CachePipe member waited 85.3% of the time, its partner 2.1%, with
 * equal work done; a member woken late shows in its wake latency instead. A worker
 * that lived less than MIN_JUDGED_LIFE_MS may have waited all of it under a correct
 * scheduler.
 */
static bool judged_for_fairness(const struct check_worker *w)
{
	switch (w->r->type) {
	case KTSTR_WT_YIELD_HEAVY:
	case KTSTR_WT_PIPE_IO:
	case KTSTR_WT_FUTEX_PING_PONG:
	case KTSTR_WT_CACHE_PIPE:
		return false;
	default:
		return !w->r->messenger && w->life_ms >= MIN_JUDGED_LIFE_MS;
	}
}

/* Wait% spread of the judged workers of one group. */
static struct spread group_spread(const struct check_input *in, unsigned group)
{
	struct spread s = { .min = 1e300, .max = -1e300 };

	for (unsigned i = 0; i < in->n; i++) {
		double p;

		if (in->w[i].group != group || !judged_for_fairness(&in->w[i]))
			continue;
		p = checks_wait_pct(in->w[i].r);
		s.min = MIN(s.min, p);
		s.max = MAX(s.max, p);
		s.avg += p;
		s.n++;
	}
	if (!s.n)
		return (struct spread){ 0 };
	s.avg /= s.n;
	s.spread = s.max - s.min;
	return s;
}

static const char *group_cgroup(const struct check_input *in, unsigned group)
{
	for (unsigned i = 0; i < in->n; i++)
		if (in->w[i].group == group)
			return in->w[i].cgroup;
	return "";
}

static const char *group_type(const struct check_input *in, unsigned group)
{
	for (unsigned i = 0; i < in->n; i++)
		if (in->w[i].group == group)
			return ktstr_work_type_name(in->w[i].r->type);
	return "?";
}

void check_spread(const struct check_input *in, struct ktstr_result *res)
{
	unsigned *groups = xcalloc(in->n + 1, sizeof(*groups));
	unsigned ng = ids_of(in, BY_GROUP, groups);

	if (not_starved_on(in) && in->thr->max_spread_pct.set)
		for (unsigned g = 0; g < ng; g++) {
			struct spread s = group_spread(in, groups[g]);

			if (s.n >= 2 && s.spread > in->thr->max_spread_pct.v)
				result_fail(res, KTSTR_UNFAIR,
					    "cgroup %s (%s): wait spread %.1f points between "
					    "identical workers (min %.1f%%, max %.1f%%) > limit %g",
					    cg_label(group_cgroup(in, groups[g])),
					    group_type(in, groups[g]), s.spread, s.min, s.max,
					    in->thr->max_spread_pct.v);
		}
	free(groups);
}

/* Mean wait% of one cgroup's judged workers of one demand class; false if it has none. */
static bool cgroup_class_wait(const struct check_input *in, const char *cg, unsigned demand,
			      double *mean)
{
	unsigned n = 0;

	*mean = 0;
	for (unsigned i = 0; i < in->n; i++)
		if (in->w[i].demand == demand && !strcmp(in->w[i].cgroup, cg) &&
		    judged_for_fairness(&in->w[i])) {
			*mean += checks_wait_pct(in->w[i].r);
			n++;
		}
	if (n)
		*mean /= n;
	return n > 0;
}

struct cg_spread {
	double spread, lo, hi;
	const char *lo_cg, *hi_cg, *type;
};

/* Across the cgroups running one demand class: the spread of their mean wait%. */
static struct cg_spread class_cgroup_spread(const struct check_input *in, unsigned demand,
					    const char **cgs, unsigned ncg)
{
	struct cg_spread s = { .lo = 1e300, .hi = -1e300 };
	unsigned seen = 0;

	for (unsigned c = 0; c < ncg; c++) {
		double m;

		if (!cgroup_class_wait(in, cgs[c], demand, &m))
			continue;
		seen++;
		if (m < s.lo) {
			s.lo = m;
			s.lo_cg = cgs[c];
		}
		if (m > s.hi) {
			s.hi = m;
			s.hi_cg = cgs[c];
		}
	}
	for (unsigned i = 0; i < in->n; i++)
		if (in->w[i].demand == demand && judged_for_fairness(&in->w[i]))
			s.type = ktstr_work_type_name(in->w[i].r->type);
	if (seen < 2)
		return (struct cg_spread){ 0 };
	s.spread = s.hi - s.lo;
	return s;
}

/* The worst cgroup spread over every demand class run by two cgroups or more. */
static struct cg_spread worst_cgroup_spread(const struct check_input *in)
{
	const char **cgs = xcalloc(in->n + 1, sizeof(*cgs));
	unsigned *demands = xcalloc(in->n + 1, sizeof(*demands));
	unsigned ncg = cgroups_of(in, cgs), nd = ids_of(in, BY_DEMAND, demands);
	struct cg_spread worst = { 0 };

	for (unsigned d = 0; d < nd; d++) {
		struct cg_spread s = class_cgroup_spread(in, demands[d], cgs, ncg);

		if (s.spread > worst.spread)
			worst = s;
	}
	free(cgs);
	free(demands);
	return worst;
}

void check_cgroup_spread(const struct check_input *in, struct ktstr_result *res)
{
	struct cg_spread s;

	if (!not_starved_on(in) || !in->thr->max_cgroup_spread_pct.set)
		return;
	s = worst_cgroup_spread(in);
	if (s.spread > in->thr->max_cgroup_spread_pct.v)
		result_fail(res, KTSTR_UNFAIR,
			    "cgroups %s and %s run the same work (%s) but waited %.1f%% and "
			    "%.1f%% of the time: %.1f points > limit %g (%s favoured)",
			    cg_label(s.lo_cg), cg_label(s.hi_cg), s.type, s.lo, s.hi, s.spread,
			    in->thr->max_cgroup_spread_pct.v, cg_label(s.lo_cg));
}

void check_gap(const struct check_input *in, struct ktstr_result *res)
{
	if (!not_starved_on(in) || !in->thr->max_gap_ms.set)
		return;
	for (unsigned i = 0; i < in->n; i++) {
		const struct ktstr_worker_report *r = in->w[i].r;

		if (!in->w[i].low_share && r->max_gap_ms > in->thr->max_gap_ms.v)
			result_fail(res, KTSTR_STUCK,
				    "worker %d stuck %llums on cpu%d at +%llums in cgroup %s "
				    "(limit %llums)",
				    r->pid, (unsigned long long)r->max_gap_ms, r->max_gap_cpu,
				    (unsigned long long)r->max_gap_at_ms, cg_label(in->w[i].cgroup),
				    (unsigned long long)in->thr->max_gap_ms.v);
	}
}

void check_isolation(const struct check_input *in, struct ktstr_result *res)
{
	if (in->thr->isolation != KTSTR_ON)
		return;
	for (unsigned i = 0; i < in->n; i++) {
		const struct check_worker *w = &in->w[i];
		struct cpuset used, extra;
		char *e, *a;

		if (!w->constrained)
			continue;
		cpuset_zero(&used);
		memcpy(used.bits, w->r->cpus_used, sizeof(w->r->cpus_used));
		if (cpuset_is_subset(&used, &w->allowed))
			continue;
		cpuset_zero(&extra);
		for (int c = cpuset_next(&used, 0); c >= 0; c = cpuset_next(&used, (unsigned)c + 1))
			if (!cpuset_test(&w->allowed, (unsigned)c))
				cpuset_set(&extra, (unsigned)c);
		e = cpuset_format(&extra);
		a = cpuset_format(&w->allowed);
		result_fail(res, KTSTR_ISOLATION,
			    "worker %d ran on unexpected CPUs %s (cgroup %s allows %s)",
			    w->r->pid, e, cg_label(w->cgroup), a);
		free(e);
		free(a);
	}
}

static double work_rate(const struct ktstr_worker_report *r)
{
	return r->cpu_ns ? (double)r->work_units / ((double)r->cpu_ns / 1e9) : 0;
}

void check_throughput(const struct check_input *in, struct ktstr_result *res)
{
	const struct ktstr_thresholds *t = in->thr;
	unsigned *groups, ng;

	if (t->min_work_rate.set)
		for (unsigned i = 0; i < in->n; i++) {
			double rate = work_rate(in->w[i].r);

			if (rate < t->min_work_rate.v)
				result_fail(res, KTSTR_BENCHMARK,
					    "worker %d work rate %.0f units/cpu-s < minimum %g in "
					    "cgroup %s",
					    in->w[i].r->pid, rate, t->min_work_rate.v,
					    cg_label(in->w[i].cgroup));
		}
	if (!t->max_throughput_cv.set)
		return;
	groups = xcalloc(in->n + 1, sizeof(*groups));
	ng = ids_of(in, BY_GROUP, groups);
	for (unsigned g = 0; g < ng; g++) {
		double *rates = xcalloc(in->n, sizeof(*rates)), cv;
		size_t n = 0;

		for (unsigned i = 0; i < in->n; i++)
			if (in->w[i].group == groups[g] && !in->w[i].r->messenger)
				rates[n++] = work_rate(in->w[i].r);
		cv = checks_cv(rates, n);
		if (n >= 2 && cv > t->max_throughput_cv.v)
			result_fail(res, KTSTR_BENCHMARK,
				    "cgroup %s (%s): throughput CV %.3f > limit %g over %zu "
				    "workers",
				    cg_label(group_cgroup(in, groups[g])),
				    group_type(in, groups[g]), cv, t->max_throughput_cv.v, n);
		free(rates);
	}
	free(groups);
}

void check_latency(const struct check_input *in, struct ktstr_result *res)
{
	const struct ktstr_thresholds *t = in->thr;
	const char **cgs;
	unsigned ncg;

	if (!t->max_p99_wake_latency_ns.set && !t->max_median_wake_latency_ns.set &&
	    !t->max_wake_latency_cv.set)
		return;
	cgs = xcalloc(in->n + 1, sizeof(*cgs));
	ncg = cgroups_of(in, cgs);
	for (unsigned c = 0; c < ncg; c++) {
		size_t n;
		uint64_t *pool = checks_latency_pool(in->w, in->n, in_cgroup, cgs[c], &n);

		if (t->max_p99_wake_latency_ns.set && n) {
			uint64_t p99 = checks_percentile(pool, n, 99);
			double limit = (double)t->max_p99_wake_latency_ns.v;

			if ((double)p99 > limit)
				result_fail(res, KTSTR_BENCHMARK,
					    "cgroup %s: p99 wake latency %.1fus (%zu samples, "
					    "limit %gus)",
					    cg_label(cgs[c]), (double)p99 / 1000.0, n, limit / 1000.0);
		}
		if (t->max_median_wake_latency_ns.set) {
			size_t nw;
			uint64_t *wakes = checks_latency_pool(in->w, in->n, wakes_in_cgroup, cgs[c],
							      &nw);
			uint64_t med = checks_percentile(wakes, nw, 50);
			double load = workers_per_cpu(in);
			double limit = (double)t->max_median_wake_latency_ns.v * load;

			free(wakes);
			if (nw && (double)med > limit)
				result_fail(res, KTSTR_LATENCY,
					    "cgroup %s: median wake latency %.1fms over %zu wake-ups "
					    "> limit %gms (%gms x %.2g workers per CPU)",
					    cg_label(cgs[c]), (double)med / 1e6, nw, limit / 1e6,
					    (double)t->max_median_wake_latency_ns.v / 1e6, load);
		}
		if (t->max_wake_latency_cv.set && n >= 2) {
			double *v = xmalloc(n * sizeof(*v)), cv;

			for (size_t i = 0; i < n; i++)
				v[i] = (double)pool[i];
			cv = checks_cv(v, n);
			if (cv > t->max_wake_latency_cv.v)
				result_fail(res, KTSTR_BENCHMARK,
					    "cgroup %s: wake latency CV %.3f > limit %g "
					    "(%zu samples)",
					    cg_label(cgs[c]), cv, t->max_wake_latency_cv.v, n);
			free(v);
		}
		free(pool);
	}
	free(cgs);
}

void check_iteration_rate(const struct check_input *in, struct ktstr_result *res)
{
	if (!in->thr->min_iteration_rate.set)
		return;
	for (unsigned i = 0; i < in->n; i++) {
		const struct ktstr_worker_report *r = in->w[i].r;
		double rate = r->wall_ns ? (double)r->iterations / ((double)r->wall_ns / 1e9) : 0;

		if (rate < in->thr->min_iteration_rate.v)
			result_fail(res, KTSTR_BENCHMARK,
				    "worker %d: %.1f iterations/s < minimum %g in cgroup %s",
				    r->pid, rate, in->thr->min_iteration_rate.v,
				    cg_label(in->w[i].cgroup));
	}
}

static double cgroup_migration_ratio(const struct check_input *in, const char *cg)
{
	uint64_t mig = 0, it = 0;

	for (unsigned i = 0; i < in->n; i++)
		if (!strcmp(in->w[i].cgroup, cg)) {
			mig += in->w[i].r->migrations;
			it += in->w[i].r->iterations;
		}
	return it ? (double)mig / (double)it : 0;
}

void check_migration(const struct check_input *in, struct ktstr_result *res)
{
	const char **cgs;
	unsigned ncg;

	if (!in->thr->max_migration_ratio.set)
		return;
	cgs = xcalloc(in->n + 1, sizeof(*cgs));
	ncg = cgroups_of(in, cgs);
	for (unsigned c = 0; c < ncg; c++) {
		double ratio = cgroup_migration_ratio(in, cgs[c]);

		if (ratio > in->thr->max_migration_ratio.v)
			result_fail(res, KTSTR_MIGRATION,
				    "cgroup %s: migration ratio %.4f > limit %g", cg_label(cgs[c]),
				    ratio, in->thr->max_migration_ratio.v);
	}
	free(cgs);
}

static void stat_fold(struct ktstr_result *res, const char *name, double v, enum fold how)
{
	for (unsigned i = 0; i < res->nstats; i++)
		if (!strcmp(res->stats[i].name, name)) {
			v = how == FOLD_SUM   ? res->stats[i].value + v
			    : how == FOLD_MAX ? MAX(res->stats[i].value, v)
					      : MIN(res->stats[i].value, v);
			break;
		}
	result_stat(res, name, v);
}

static bool stat_has(const struct ktstr_result *res, const char *name, double *v)
{
	for (unsigned i = 0; i < res->nstats; i++)
		if (!strcmp(res->stats[i].name, name)) {
			*v = res->stats[i].value;
			return true;
		}
	return false;
}

static void stat_cg(struct ktstr_result *res, const char *cg, const char *what, double v,
		    enum fold how)
{
	char *name = xasprintf("cgroup.%s.%s", *cg ? cg : "(none)", what);

	stat_fold(res, name, v, how);
	free(name);
}

void checks_stats(const struct check_input *in, struct ktstr_result *res)
{
	const char **cgs = xcalloc(in->n + 1, sizeof(*cgs));
	unsigned *groups = xcalloc(in->n + 1, sizeof(*groups));
	unsigned ncg = cgroups_of(in, cgs), ng = ids_of(in, BY_GROUP, groups);
	struct cpuset all;
	uint64_t mig = 0, gap = 0, work = 0, worst_p99 = 0, stall = 0;
	double worst_spread = 0, worst_ratio = 0;
	int gap_cpu = -1;

	cpuset_zero(&all);
	for (unsigned i = 0; i < in->n; i++) {
		const struct ktstr_worker_report *r = in->w[i].r;
		struct cpuset u;

		cpuset_zero(&u);
		memcpy(u.bits, r->cpus_used, sizeof(r->cpus_used));
		cpuset_or(&all, &u);
		mig += r->migrations;
		work += r->work_units;
		stall = MAX(stall, r->max_host_stall_ms);
		result_worker(res, &(struct ktstr_worker_share){
					   .cgroup = (char *)in->w[i].cgroup,
					   .pid = r->pid,
					   .cpu_pct = r->wall_ns ? (double)r->cpu_ns * 100.0 /
								   (double)r->wall_ns :
								 0,
					   .wait_pct = checks_wait_pct(r),
					   .work_units = (double)r->work_units,
					   .migrations = (double)r->migrations,
				   });
		if (r->max_gap_ms > gap || gap_cpu < 0) {
			gap = MAX(gap, r->max_gap_ms);
			gap_cpu = r->max_gap_cpu;
		}
	}
	for (unsigned g = 0; g < ng; g++) {
		struct spread s = group_spread(in, groups[g]);

		worst_spread = MAX(worst_spread, s.spread);
	}
	for (unsigned c = 0; c < ncg; c++) {
		struct cpuset u;
		unsigned nw = 0;
		uint64_t cg_gap = 0, cg_mig = 0, cg_work = 0;
		double off = 0, wait = 0, cg_spread = 0;
		size_t n;
		uint64_t *pool = checks_latency_pool(in->w, in->n, in_cgroup, cgs[c], &n);
		double ratio = cgroup_migration_ratio(in, cgs[c]);

		cpuset_zero(&u);
		for (unsigned i = 0; i < in->n; i++) {
			const struct ktstr_worker_report *r = in->w[i].r;
			struct cpuset x;

			if (strcmp(in->w[i].cgroup, cgs[c]))
				continue;
			nw++;
			cpuset_zero(&x);
			memcpy(x.bits, r->cpus_used, sizeof(r->cpus_used));
			cpuset_or(&u, &x);
			cg_gap = MAX(cg_gap, r->max_gap_ms);
			cg_mig += r->migrations;
			cg_work += r->work_units;
			off += checks_off_cpu_pct(r);
			wait += checks_wait_pct(r);
		}
		for (unsigned g = 0; g < ng; g++)
			if (!strcmp(group_cgroup(in, groups[g]), cgs[c]))
				cg_spread = MAX(cg_spread, group_spread(in, groups[g]).spread);
		stat_cg(res, cgs[c], "workers", nw, FOLD_SUM);
		stat_cg(res, cgs[c], "cpus", cpuset_count(&u), FOLD_MAX);
		stat_cg(res, cgs[c], "work_units", (double)cg_work, FOLD_SUM);
		stat_cg(res, cgs[c], "avg_off_cpu_pct", nw ? off / nw : 0, FOLD_MAX);
		stat_cg(res, cgs[c], "avg_wait_pct", nw ? wait / nw : 0, FOLD_MAX);
		stat_cg(res, cgs[c], "spread", cg_spread, FOLD_MAX);
		stat_cg(res, cgs[c], "max_gap_ms", (double)cg_gap, FOLD_MAX);
		stat_cg(res, cgs[c], "migrations", (double)cg_mig, FOLD_SUM);
		stat_cg(res, cgs[c], "migration_ratio", ratio, FOLD_MAX);
		if (n) {
			uint64_t p99 = checks_percentile(pool, n, 99);

			stat_cg(res, cgs[c], "p99_wake_latency_us", (double)p99 / 1000.0, FOLD_MAX);
			stat_cg(res, cgs[c], "median_wake_latency_us", (double)pool[n / 2] / 1000.0,
				FOLD_MAX);
			worst_p99 = MAX(worst_p99, p99);
		}
		worst_ratio = MAX(worst_ratio, ratio);
		free(pool);
	}
	{
		double prev_gap;

		if (!stat_has(res, "worst_gap_ms", &prev_gap) || (double)gap > prev_gap)
			result_stat(res, "worst_gap_cpu", gap_cpu);
	}
	stat_fold(res, "workers", in->n, FOLD_SUM);
	stat_fold(res, "cpus", cpuset_count(&all), FOLD_MAX);
	stat_fold(res, "work_units", (double)work, FOLD_SUM);
	stat_fold(res, "migrations", (double)mig, FOLD_SUM);
	stat_fold(res, "worst_spread", worst_spread, FOLD_MAX);
	stat_fold(res, "worst_cgroup_spread", worst_cgroup_spread(in).spread, FOLD_MAX);
	stat_fold(res, "worst_gap_ms", (double)gap, FOLD_MAX);
	stat_fold(res, "worst_host_stall_ms", (double)stall, FOLD_MAX);
	stat_fold(res, "worst_migration_ratio", worst_ratio, FOLD_MAX);
	if (worst_p99)
		stat_fold(res, "worst_p99_wake_latency_us", (double)worst_p99 / 1000.0, FOLD_MAX);
	free(cgs);
	free(groups);
}

void checks_stat_fold(struct ktstr_result *res, const char *name, double v, enum fold how)
{
	stat_fold(res, name, v, how);
}

const char *checks_cg_label(const char *name)
{
	return cg_label(name);
}

unsigned checks_cgroups_of(const struct check_input *in, const char **out)
{
	return cgroups_of(in, out);
}

int checks_run(const struct check_input *in, struct ktstr_result *res)
{
	unsigned before = res->ndetails;

	check_starved(in, res);
	check_spread(in, res);
	check_cgroup_spread(in, res);
	check_gap(in, res);
	check_isolation(in, res);
	check_throughput(in, res);
	check_latency(in, res);
	check_iteration_rate(in, res);
	check_migration(in, res);
	check_page_locality(in, res);
	check_cross_node_migration(in, res);
	checks_stats(in, res);
	checks_numa_stats(in, res);
	return res->ndetails > before ? KTSTR_FAIL : KTSTR_PASS;
}
