/* SPDX-License-Identifier: GPL-2.0-only */
/* The work types' inner loops; used by worker.c inside each worker process. */
#ifndef KTSTR_WORKTYPES_H
#define KTSTR_WORKTYPES_H

#include <ktstr/scenario.h>
#include <signal.h>
#include <stdint.h>

#include "util/cpuset.h"

#define WT_SHM_SLOT 64 /* bytes of shared memory per worker group */

/* What a worker's loop sees. */
struct wt_ctx {
	struct ktstr_work work;      /* params resolved */
	unsigned gidx, gsize;        /* position in its group, group size */
	void *gshm;                  /* WT_SHM_SLOT shared bytes of its group */
	int in_fd, out_fd;           /* PipeIo: from / to the partner */
	struct cpuset pool;          /* CPUs allowed at start */
	uint64_t rng;
	volatile sig_atomic_t *stop;
	struct ktstr_worker_report *rep;
	uint64_t start_ns, last_ckpt_ns, credit_ns;
	uint64_t cpu_read_ns, cpu_read_cpu_ns, slept_since_read_ns; /* last CPU-time reading */
	int last_cpu;
	void *priv;
	void *mem;                   /* the work's memory region (its pages' nodes are reported) */
	size_t mem_len;
};

struct wt_ops {
	unsigned (*group_size)(const struct ktstr_work *w); /* NULL = 1 */
	bool pipes;                     /* pairs get a pipe each way (in_fd/out_fd) */
	void (*defaults)(struct ktstr_work_params *p);
	int (*init)(struct wt_ctx *c);  /* optional; negative errno aborts the worker */
	void (*iter)(struct wt_ctx *c); /* one outer iteration; counts work units */
	void (*fini)(struct wt_ctx *c); /* optional */
	/* optional: what the defaults cannot fix (message in *err) */
	int (*validate)(const struct ktstr_work *w, char **err);
};

const struct wt_ops *wt_get(enum ktstr_work_type t);

/* Sequence (wt_sequence.c): check phases and copy them to out[KTSTR_MAX_PHASES] with each
 * work phase's params resolved; *n phases. -EINVAL with *err (caller frees) when a phase
 * is invalid, there are none, or more than KTSTR_MAX_PHASES. */
int wt_seq_plan(const struct ktstr_phase *phases, struct ktstr_phase *out, unsigned *n,
		char **err);
/* Whether a phase running elapsed_ns for iters iterations is over. */
bool wt_phase_done(const struct ktstr_phase *ph, uint64_t elapsed_ns, uint64_t iters);
extern const struct wt_ops wt_sequence_ops;
extern const struct wt_ops wt_custom_ops; /* wt_custom.c */

/* Worker loop helpers the work types call. */
/* Starts the clocks (before the first iteration), then after every iteration: the
 * scheduling gap, CPUs used, migrations. */
void wt_checkpoint_start(struct wt_ctx *c);
void wt_checkpoint(struct wt_ctx *c);
/* Intentional sleep: credited against gap measurement; overshoot is a latency sample. */
void wt_sleep_ns(struct wt_ctx *c, uint64_t ns);
void wt_spin(unsigned n);
uint64_t wt_rand(uint64_t *state);

#endif
