/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Worker processes: one fork per worker, held at a barrier until started,
 * stopped by SIGUSR1 with a deadline (then SIGKILL), each handing back a
 * struct ktstr_worker_report as JSON over its own pipe.
 */
#ifndef KTSTR_WORKER_H
#define KTSTR_WORKER_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <ktstr/scenario.h>
#include <jansson.h>
#include <sys/types.h>

#include "guest/hwtopo.h"
#include "util/cpuset.h"

struct worker_spec {
	struct ktstr_work work;     /* work.workers = how many */
	struct cpuset pool;         /* CPUs the cgroup allows; empty = every online CPU */
	const struct hw_topo *topo; /* for LLC-aligned affinity; may be NULL */
	const char *cgroup_dir;     /* absolute cgroup to put workers in; NULL = stay; its
				     * cpuset.mems.effective bounds work.mem's nodes */
	uint64_t seed;              /* random subsets and per-worker RNG */
};

struct worker_set {
	struct ktstr_work work;
	unsigned n;
	pid_t *pids;
	int *start_fds;  /* write ends, -1 once released */
	int *report_fds; /* read ends */
	void *shm;       /* per-group shared words (futex types) */
	size_t shm_len;
	uint64_t *progress; /* shared: each worker's live iteration count */
	size_t progress_len;
	struct cpuset mem_nodes; /* work.mem resolved */
	struct ktstr_worker_report *reports;
	bool running, collected;
	uint64_t start_ns, stop_ns;
};

/* Fill the work type's defaults into w->p, and check the worker count against the
 * group size (message in *err). */
int worker_work_resolve(struct ktstr_work *w, char **err);
/* Resolve an affinity kind against a pool (empty = topo's online CPUs). Returns false
 * when the result is "no affinity" (inherit). */
bool worker_affinity_resolve(const struct ktstr_affinity *a, const struct cpuset *pool,
			     const struct hw_topo *topo, uint64_t *rng, struct cpuset *out);

/* Fork the workers, put them in the cgroup, apply policy and affinity; they wait.
 * Each sets its memory policy (work.mem) itself before it waits. */
int worker_set_spawn(const struct worker_spec *spec, struct worker_set **out, char **err);
/* Release the barrier. */
void worker_set_start(struct worker_set *s);
/* SIGUSR1, collect reports until deadline_ms, SIGKILL the rest, reap. Workers that
 * did not report get a report with completed=false and their wait status. */
void worker_set_stop(struct worker_set *s, unsigned deadline_ms);
/* Stop several sets together (one deadline for all). */
void worker_sets_stop(struct worker_set **sets, unsigned n, unsigned deadline_ms);
/* Iterations worker i has completed so far (live, while it runs). */
uint64_t worker_set_progress(const struct worker_set *s, unsigned i);
/* Fill the policy's defaults (RT prio 1, deadline 2000/10000/10000 us) into w and check
 * the prio, nice and deadline parameters (message in *err). */
int worker_policy_resolve(struct ktstr_work *w, char **err);
/* w's policy, prio, nice and deadline parameters on every live worker (resolved first);
 * the set's work takes them. The first error in *err. */
int worker_set_policy(struct worker_set *s, const struct ktstr_work *w, char **err);
/* sched_setaffinity on every live worker; returns the first error. */
int worker_set_affinity(struct worker_set *s, const struct cpuset *cpus);
void worker_set_free(struct worker_set *s);

json_t *worker_report_to_json(const struct ktstr_worker_report *r);
/* Strict and bounds-checked: *err names the bad field (caller frees). */
int worker_report_from_json(const json_t *j, struct ktstr_worker_report *r, char **err);

/* Record one latency sample into the report's reservoir. */
void worker_report_add_latency(struct ktstr_worker_report *r, uint64_t ns, uint64_t *rng);

#endif
