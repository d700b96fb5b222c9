/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Judging worker reports against merged thresholds. Each check adds failure
 * details (typed) to a result; checks_run also records the statistics.
 * Unset thresholds switch a check off; not_starved is on unless KTSTR_OFF.
 *
 * Fairness is judged on wait%: the share of a worker's wall time it spent
 * runnable but not running (schedstat run_delay; off-CPU time where schedstat
 * is absent). Sleeping by design is not waiting, so sleepers and spinners are
 * judged by the same measure.
 */
#ifndef KTSTR_CHECKS_H
#define KTSTR_CHECKS_H

#include <ktstr/ktstr.h>
#include <stddef.h>

#include "core/result.h"
#include "util/cpuset.h"

/* One worker as the checks see it. Spread and throughput parity compare workers of the
 * same (cgroup, group); cgroup spread compares cgroups within a demand class; latency
 * and migration ratio pool a whole cgroup. */
struct check_worker {
	const struct ktstr_worker_report *r;
	const char *cgroup;   /* "" for workers outside any test cgroup */
	unsigned group;       /* work group id, unique within the scenario */
	unsigned demand;      /* equal for workers that ran the same work on the same CPUs
			       * over the same time: what a fair scheduler gives them alike */
	bool low_share;       /* its policy or nice gives it a small share by design
			       * (SCHED_IDLE, NiceSweep, PolicyChurn), or it blocks in ways
			       * of its own (Custom): long gaps expected */
	bool constrained;     /* isolation applies: allowed is every CPU it may use */
	struct cpuset allowed;
	uint64_t life_ms;     /* how long its set ran, from release to stop */
};

struct check_input {
	const struct check_worker *w;
	unsigned n;
	const struct ktstr_thresholds *thr;
	unsigned ncpus;       /* CPUs the workers share; 0 = unknown (taken as n) */
	/* NUMA: the CPUs of each node (a worker's pages are local on the nodes of its
	 * allowed CPUs, of every node when unconstrained), and the NUMA balancing
	 * migrations over the run (vmstat numa_pages_migrated delta) */
	const struct cpuset *node_cpus;
	unsigned nnodes;
	bool have_numa_migrated;
	uint64_t numa_migrated;
};

/* Every enabled check plus the statistics; returns KTSTR_PASS or KTSTR_FAIL. */
int checks_run(const struct check_input *in, struct ktstr_result *res);

void check_starved(const struct check_input *in, struct ktstr_result *res);
void check_spread(const struct check_input *in, struct ktstr_result *res);
void check_cgroup_spread(const struct check_input *in, struct ktstr_result *res);
void check_gap(const struct check_input *in, struct ktstr_result *res);
void check_isolation(const struct check_input *in, struct ktstr_result *res);
void check_throughput(const struct check_input *in, struct ktstr_result *res);
void check_latency(const struct check_input *in, struct ktstr_result *res);
void check_iteration_rate(const struct check_input *in, struct ktstr_result *res);
void check_migration(const struct check_input *in, struct ktstr_result *res);
/* min_page_locality per cgroup; max_cross_node_migration_ratio over the run. Work
 * without pages is not judged. */
void check_page_locality(const struct check_input *in, struct ktstr_result *res);
void check_cross_node_migration(const struct check_input *in, struct ktstr_result *res);
/* page_locality per cgroup, worst_page_locality, numa_pages, numa_pages_migrated,
 * worst_cross_node_migration_ratio: recorded whenever a worker has pages. */
void checks_numa_stats(const struct check_input *in, struct ktstr_result *res);
/* Pages of worker w on its local nodes, and in all. */
void checks_worker_locality(const struct check_input *in, const struct check_worker *w,
			    uint64_t *local, uint64_t *total);
void checks_stats(const struct check_input *in, struct ktstr_result *res);

/* Several scenarios in one test fold into the same statistics: counts add up, worst-of
 * values keep the worst (FOLD_MIN: the lowest, for higher-is-better values). */
enum fold { FOLD_SUM, FOLD_MAX, FOLD_MIN };
void checks_stat_fold(struct ktstr_result *res, const char *name, double v, enum fold how);

/* "(none)" for the empty cgroup name. */
const char *checks_cg_label(const char *name);
/* Distinct cgroup names in first-seen order (pointers into the input); out holds n. */
unsigned checks_cgroups_of(const struct check_input *in, const char **out);

/* Arithmetic shared with the report accessors. */
double checks_off_cpu_pct(const struct ktstr_worker_report *r);
double checks_wait_pct(const struct ktstr_worker_report *r);
/* Nearest rank over sorted values: sorted[ceil(n*pct/100)-1]; 0 when n == 0. */
uint64_t checks_percentile(const uint64_t *sorted, size_t n, double pct);
/* Population coefficient of variation (stddev/mean); 0 when n < 2 or mean == 0. */
double checks_cv(const double *v, size_t n);
/* Concatenated latency samples of the workers selected by keep (NULL = all), sorted. */
uint64_t *checks_latency_pool(const struct check_worker *w, unsigned n,
			      bool (*keep)(const struct check_worker *, const void *),
			      const void *arg, size_t *count);

#endif
