// SPDX-License-Identifier: GPL-2.0-only
/*
 * Sequence: a worker cycling through phases, each another work type's iterations
 * (or a sleep) for a time or an iteration count. One call of its iter runs one
 * phase; the work units done in it are counted for that phase as well.
 */
#include "guest/worktypes.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

#define SEQ_SLEEP_SLICE_NS 100000000ull /* a sleep phase looks at the stop flag this often */

/*
 * Work types a phase may run: alone (no partner, no shared memory), leaving the worker's
 * nice, policy and affinity as they were for the next phase, and taking latency samples
 * only of real wake-ups (a Sequence's samples are judged as wake latency: a yield's
 * return or a fork round trip would be judged as one).
 */
static bool phase_type_ok(enum ktstr_work_type t)
{
	switch (t) {
	case KTSTR_WT_CPU_SPIN:
	case KTSTR_WT_YIELD_HEAVY:
	case KTSTR_WT_MIXED:
	case KTSTR_WT_IO_SYNC:
	case KTSTR_WT_BURSTY:
	case KTSTR_WT_CACHE_PRESSURE:
	case KTSTR_WT_PAGE_FAULT_CHURN:
		return true;
	default:
		return false;
	}
}

static int phase_check(const struct ktstr_phase *ph, unsigned i, char **err)
{
	if (ph->sleep) {
		if (!ph->ms || ph->iters) {
			*err = xasprintf("Sequence phase %u: a sleep phase takes .ms (> 0) and "
					 "no .iters", i + 1);
			return -EINVAL;
		}
		return 0;
	}
	if (!phase_type_ok(ph->type)) {
		*err = xasprintf("Sequence phase %u: work type %s cannot be a phase", i + 1,
				 ktstr_work_type_name(ph->type));
		return -EINVAL;
	}
	if (!ph->ms == !ph->iters) {
		*err = xasprintf("Sequence phase %u: set exactly one of .ms and .iters (got %u "
				 "and %u)", i + 1, ph->ms, ph->iters);
		return -EINVAL;
	}
	return 0;
}

int wt_seq_plan(const struct ktstr_phase *phases, struct ktstr_phase *out, unsigned *n,
		char **err)
{
	unsigned k = 0;

	*n = 0;
	for (const struct ktstr_phase *ph = phases; ph && !ph->end_; ph++, k++) {
		const struct wt_ops *o;
		int ret;

		if (k == KTSTR_MAX_PHASES) {
			*err = xasprintf("Sequence has more than %d phases", KTSTR_MAX_PHASES);
			return -EINVAL;
		}
		ret = phase_check(ph, k, err);
		if (ret < 0)
			return ret;
		out[k] = *ph;
		o = ph->sleep ? NULL : wt_get(ph->type);
		if (o && o->defaults)
			o->defaults(&out[k].p);
	}
	if (!k) {
		*err = xstrdup("Sequence needs at least one phase (.phases)");
		return -EINVAL;
	}
	*n = k;
	return 0;
}

bool wt_phase_done(const struct ktstr_phase *ph, uint64_t elapsed_ns, uint64_t iters)
{
	return ph->ms ? elapsed_ns >= (uint64_t)ph->ms * 1000000ull : iters >= ph->iters;
}

struct seq_priv {
	struct ktstr_phase ph[KTSTR_MAX_PHASES];
	void *priv[KTSTR_MAX_PHASES]; /* each phase's own state (its type's init) */
	unsigned n, next;
};

static int seq_validate(const struct ktstr_work *w, char **err)
{
	struct ktstr_phase ph[KTSTR_MAX_PHASES];
	unsigned n;

	return wt_seq_plan(w->phases, ph, &n, err);
}

/* Run phase i's init or fini on c as if the worker were of that type. */
static int phase_call(struct wt_ctx *c, struct seq_priv *sp, unsigned i, bool init)
{
	const struct wt_ops *o = sp->ph[i].sleep ? NULL : wt_get(sp->ph[i].type);
	struct ktstr_work saved = c->work;
	void *priv = c->priv;
	int ret = 0;

	if (!o || (init ? !o->init : !o->fini))
		return 0;
	c->work.type = sp->ph[i].type;
	c->work.p = sp->ph[i].p;
	c->priv = sp->priv[i];
	if (init)
		ret = o->init(c);
	else
		o->fini(c);
	sp->priv[i] = init ? c->priv : NULL;
	c->work = saved;
	c->priv = priv;
	return ret;
}

static void seq_fini(struct wt_ctx *c)
{
	struct seq_priv *sp = c->priv;

	for (unsigned i = 0; i < sp->n; i++)
		if (sp->priv[i])
			phase_call(c, sp, i, false);
	c->priv = NULL;
	free(sp);
}

static int seq_init(struct wt_ctx *c)
{
	struct seq_priv *sp = xcalloc(1, sizeof(*sp));
	char *err = NULL;
	int ret = wt_seq_plan(c->work.phases, sp->ph, &sp->n, &err);

	free(err);
	if (ret < 0) {
		free(sp);
		return ret;
	}
	c->priv = sp;
	c->rep->nphases = sp->n;
	for (unsigned i = 0; i < sp->n; i++) {
		ret = phase_call(c, sp, i, true);
		if (ret < 0) {
			seq_fini(c);
			return ret;
		}
	}
	return 0;
}

static void sleep_phase(struct wt_ctx *c, const struct ktstr_phase *ph)
{
	uint64_t end = now_ns() + (uint64_t)ph->ms * 1000000ull;

	while (!*c->stop) {
		uint64_t now = now_ns();

		if (now >= end)
			break;
		wt_sleep_ns(c, MIN(end - now, SEQ_SLEEP_SLICE_NS));
	}
}

static void work_phase(struct wt_ctx *c, struct seq_priv *sp, unsigned i)
{
	const struct wt_ops *o = wt_get(sp->ph[i].type);
	struct ktstr_work saved = c->work;
	void *priv = c->priv;
	uint64_t t0 = now_ns(), iters = 0;

	c->work.type = sp->ph[i].type;
	c->work.p = sp->ph[i].p;
	c->priv = sp->priv[i];
	while (!*c->stop && !wt_phase_done(&sp->ph[i], now_ns() - t0, iters)) {
		o->iter(c);
		iters++;
		wt_checkpoint(c);
	}
	c->work = saved;
	c->priv = priv;
}

static void seq_iter(struct wt_ctx *c)
{
	struct seq_priv *sp = c->priv;
	unsigned i = sp->next;
	uint64_t before = c->rep->work_units;

	sp->next = (i + 1) % sp->n;
	c->rep->phase_runs[i]++;
	if (sp->ph[i].sleep)
		sleep_phase(c, &sp->ph[i]);
	else
		work_phase(c, sp, i);
	c->rep->phase_work[i] += c->rep->work_units - before;
}

const struct wt_ops wt_sequence_ops = {
	.init = seq_init,
	.iter = seq_iter,
	.fini = seq_fini,
	.validate = seq_validate,
};
