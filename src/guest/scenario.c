// SPDX-License-Identifier: GPL-2.0-only
#include "guest/scenario.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assert/checks.h"
#include "guest/cgroup.h"
#include "guest/numa.h"
#include "guest/worker.h"
#include "util/util.h"

/* ---- cpuset specs ---- */

/* The i-th..(j-1)-th usable CPUs (in ascending order). */
static void slice(const struct cpuset *usable, unsigned lo, unsigned hi, struct cpuset *out)
{
	unsigned k = 0;

	cpuset_zero(out);
	for (int c = cpuset_next(usable, 0); c >= 0; c = cpuset_next(usable, (unsigned)c + 1), k++)
		if (k >= lo && k < hi)
			cpuset_set(out, (unsigned)c);
}

int scn_cpuset_resolve(const struct ktstr_cpuset_spec *s, const struct hw_topo *t,
		       struct cpuset *out, char **err)
{
	unsigned n = cpuset_count(&t->online), lo, hi;

	*err = NULL;
	cpuset_zero(out);
	switch (s->kind) {
	case KTSTR_CPUSET_KIND_NONE:
		return 0;
	case KTSTR_CPUSET_KIND_LLC:
		if (s->index >= t->nllcs) {
			*err = xasprintf("LLC index %u >= LLC count %u", s->index, t->nllcs);
			return -EINVAL;
		}
		*out = t->llc[s->index];
		break;
	case KTSTR_CPUSET_KIND_NUMA:
		if (s->index >= t->nnodes) {
			*err = xasprintf("NUMA node %u >= node count %u", s->index, t->nnodes);
			return -EINVAL;
		}
		*out = t->node[s->index];
		break;
	case KTSTR_CPUSET_KIND_RANGE:
		if (!(s->start >= 0 && s->end <= 1 && s->start < s->end)) {
			*err = xasprintf("range fractions must satisfy 0 <= start < end <= 1 "
					 "(got %g, %g)", s->start, s->end);
			return -EINVAL;
		}
		lo = (unsigned)floor(s->start * n);
		hi = (unsigned)ceil(s->end * n - 1e-9);
		if (hi <= lo)
			hi = lo + 1;
		slice(&t->online, lo, MIN(hi, n), out);
		break;
	case KTSTR_CPUSET_KIND_DISJOINT:
	case KTSTR_CPUSET_KIND_OVERLAP:
		if (!s->of || s->index >= s->of) {
			*err = xasprintf("partition index %u >= partition count %u", s->index,
					 s->of);
			return -EINVAL;
		}
		if (n < s->of) {
			*err = xasprintf("not enough usable CPUs (%u) for %u partitions", n, s->of);
			return -EINVAL;
		}
		lo = s->index * n / s->of;
		hi = (s->index + 1) * n / s->of;
		if (s->kind == KTSTR_CPUSET_KIND_OVERLAP) {
			unsigned ext;

			if (!(s->frac >= 0 && s->frac <= 1)) {
				*err = xasprintf("overlap fraction %g outside [0, 1]", s->frac);
				return -EINVAL;
			}
			ext = (unsigned)ceil(s->frac * (double)(n / s->of));
			lo = lo > ext ? lo - ext : 0;
			hi = MIN(n, hi + ext);
		}
		slice(&t->online, lo, hi, out);
		break;
	case KTSTR_CPUSET_KIND_EXACT:
		if (!s->cpus || cpuset_parse(s->cpus, out) < 0 || !cpuset_count(out)) {
			*err = xasprintf("bad exact cpu list \"%s\"", s->cpus ? s->cpus : "");
			return -EINVAL;
		}
		if (!cpuset_is_subset(out, &t->online)) {
			char *on = cpuset_format(&t->online);

			*err = xasprintf("cpu list \"%s\" is not within the online CPUs %s",
					 s->cpus, on);
			free(on);
			return -EINVAL;
		}
		break;
	default:
		*err = xasprintf("unknown cpuset kind %d", (int)s->kind);
		return -EINVAL;
	}
	if (!cpuset_count(out)) {
		*err = xstrdup("cpuset spec resolves to no CPUs");
		return -EINVAL;
	}
	return 0;
}

/* ---- executor state ---- */

struct scn_cg {
	char *name;
	bool has_cpuset;
	struct cpuset cpus;
	unsigned weight_op; /* the op that last set its cpu.weight (0: never) */
	bool low_weight;    /* that weight is under a tenth of the default */
};

struct scn_wset {
	struct worker_set *set;
	char *cgroup;
	unsigned group;
	bool constrained;
	struct cpuset allowed;
	struct ktstr_work work;
	unsigned born_batch; /* the spawn batch that started it */
	unsigned stop_seq;   /* which stop_sets() call stopped it */
	uint64_t altered;    /* the ops that re-set its policy, weight or affinity, folded
			      * (alter_fold; 0: none) */
	bool low;            /* given a small share by design at some point */
	bool host;           /* in the hierarchy's root cgroup (SpawnHost) */
};

/* A background payload: started by an op or the backdrop, consumed by a wait or stop. */
struct scn_bg {
	const struct ktstr_payload *p;
	char *cgroup; /* its opts.cgroup, NULL = none */
	struct ktstr_payload_handle *h;
};

#define BG_STOP_GRACE_MS 3000 /* a stopped payload's time to write its metrics and exit */

struct scn {
	struct scn_env *env;
	struct cgmgr cg;
	bool cg_ready;
	struct scn_cg *cgs;
	unsigned ncgs;
	struct scn_wset *ws;
	unsigned nws;
	struct scn_bg *bg;
	unsigned nbg;
	uint64_t t0;
	bool died;
	unsigned batch;      /* spawn batches so far: one per step, one per pass of a
			      * looping hold (each pass spawns at its own time) */
	unsigned stop_seq;   /* stop_sets() calls so far */
	unsigned alters;     /* ops so far that altered running workers */
	bool have_migrated;  /* vmstat numa_pages_migrated read at the start and the end */
	uint64_t migrated0, migrated;
};

static int fail(struct scn *s, enum ktstr_fail_kind kind, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static int fail(struct scn *s, enum ktstr_fail_kind kind, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	result_fail(s->env->result, kind, "%s", msg);
	free(msg);
	return -1;
}

bool scn_sched_alive(int pid)
{
	char path[64], *stat, *rp;
	bool alive;

	if (pid <= 0)
		return true;
	if (kill(pid, 0) < 0 && errno == ESRCH)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	stat = file_read_line(path);
	if (!stat)
		return false;
	rp = strrchr(stat, ')');
	alive = !(rp && rp[1] == ' ' && (rp[2] == 'Z' || rp[2] == 'X'));
	free(stat);
	return alive;
}

static unsigned stop_deadline_ms(const struct scn_env *env)
{
	double scale = env->time_scale > 0 ? env->time_scale : 1;

	return (unsigned)MIN(1000.0 * scale, 3000.0);
}

static int ensure_cgmgr(struct scn *s)
{
	char *err = NULL;
	int ret;

	if (s->cg_ready)
		return 0;
	ret = cgmgr_init(&s->cg, s->env->cgroup_parent, &err);
	if (ret < 0) {
		fail(s, KTSTR_OTHER, "cgroup setup: %s", err ? err : strerror(-ret));
		free(err);
		return ret;
	}
	s->cg_ready = true;
	return 0;
}

static struct scn_cg *find_cg(struct scn *s, const char *name)
{
	for (unsigned i = 0; i < s->ncgs; i++)
		if (!strcmp(s->cgs[i].name, name))
			return &s->cgs[i];
	return NULL;
}

/* CPUs a task in cgroup name may use: nearest ancestor (or itself) with a cpuset. */
static bool effective_cpus(struct scn *s, const char *name, struct cpuset *out)
{
	char *n = xstrdup(name);

	for (;;) {
		struct scn_cg *c = *n ? find_cg(s, n) : NULL;
		char *slash;

		if (c && c->has_cpuset) {
			*out = c->cpus;
			free(n);
			return true;
		}
		slash = strrchr(n, '/');
		if (!slash)
			break;
		*slash = '\0';
	}
	free(n);
	return false;
}

/* A history of ops folded into one value: equal histories, equal values. */
static uint64_t alter_fold(uint64_t h, unsigned op)
{
	return h * 1000003u + op;
}

/* The weight ops on cgroup name and its ancestors, folded, and whether one of them left a
 * small share by design. */
static uint64_t weight_ops(struct scn *s, const char *name, bool *low)
{
	char *n = xstrdup(name), *slash;
	uint64_t h = 0;

	*low = false;
	do {
		struct scn_cg *c = *n ? find_cg(s, n) : NULL;

		if (c && c->weight_op) {
			h = alter_fold(h, c->weight_op);
			*low |= c->low_weight;
		}
		slash = strrchr(n, '/');
		if (slash)
			*slash = '\0';
	} while (slash);
	free(n);
	return h;
}

/* After a cpuset change or move: widen each live set's allowed CPUs to what it may use now
 * (every online CPU once its cpuset is gone). A set once constrained stays so: it did not
 * have the CPUs of a set that never was, and is not compared with one. */
static void refresh_allowed(struct scn *s)
{
	for (unsigned i = 0; i < s->nws; i++) {
		struct scn_wset *w = &s->ws[i];
		struct cpuset eff;

		if (w->set->collected || !w->constrained)
			continue;
		if (effective_cpus(s, w->cgroup, &eff))
			cpuset_or(&w->allowed, &eff);
		else
			cpuset_or(&w->allowed, &s->env->topo->online);
	}
}

static bool is_under(const char *name, const char *cg)
{
	size_t n = strlen(cg);

	return !strcmp(name, cg) || (!strncmp(name, cg, n) && name[n] == '/');
}

static void stop_sets(struct scn *s, const char *cg)
{
	struct worker_set **sets = xcalloc(s->nws + 1, sizeof(*sets));
	unsigned n = 0;

	s->stop_seq++;
	for (unsigned i = 0; i < s->nws; i++)
		if (!s->ws[i].set->collected &&
		    (!cg || (!s->ws[i].host && is_under(s->ws[i].cgroup, cg)))) {
			sets[n++] = s->ws[i].set;
			s->ws[i].stop_seq = s->stop_seq;
		}
	if (n)
		worker_sets_stop(sets, n, stop_deadline_ms(s->env));
	free(sets);
}

static int add_cgroup(struct scn *s, const char *name)
{
	int ret;

	if (find_cg(s, name))
		return 0;
	if (ensure_cgmgr(s) < 0)
		return -1;
	ret = cgmgr_create(&s->cg, name);
	if (ret < 0 && ret != -EEXIST)
		return fail(s, KTSTR_OTHER, "cannot create cgroup %s: %s", name, strerror(-ret));
	s->cgs = xrealloc(s->cgs, (s->ncgs + 1) * sizeof(*s->cgs));
	memset(&s->cgs[s->ncgs], 0, sizeof(*s->cgs));
	s->cgs[s->ncgs++].name = xstrdup(name);
	return 0;
}

static int remove_cgroup(struct scn *s, const char *name)
{
	int ret;

	if (!find_cg(s, name))
		return fail(s, KTSTR_OTHER, "remove: no cgroup %s", name);
	stop_sets(s, name);
	ret = cgmgr_remove(&s->cg, name);
	if (ret < 0)
		return fail(s, KTSTR_OTHER, "cannot remove cgroup %s: %s", name, strerror(-ret));
	for (unsigned i = s->ncgs; i-- > 0;)
		if (is_under(s->cgs[i].name, name)) {
			free(s->cgs[i].name);
			s->cgs[i] = s->cgs[--s->ncgs];
		}
	return 0;
}

static int write_cpuset(struct scn *s, struct scn_cg *c, const struct cpuset *cpus)
{
	int ret = cpus ? cgmgr_set_cpuset(&s->cg, c->name, cpus, NULL)
		       : cgmgr_clear_cpuset(&s->cg, c->name);

	if (ret == -EOPNOTSUPP)
		return fail(s, KTSTR_OTHER, "cgroup %s: the cpuset controller is not available",
			    c->name);
	if (ret < 0) {
		char *l = cpus ? cpuset_format(cpus) : xstrdup("");

		fail(s, KTSTR_OTHER, "cgroup %s: writing cpuset.cpus \"%s\": %s", c->name, l,
		     strerror(-ret));
		free(l);
		return -1;
	}
	c->has_cpuset = cpus != NULL;
	if (cpus)
		c->cpus = *cpus;
	refresh_allowed(s);
	return 0;
}

static int set_cpuset(struct scn *s, const char *name, const struct ktstr_cpuset_spec *spec)
{
	struct scn_cg *c = find_cg(s, name);
	struct cpuset cpus;
	char *err = NULL;

	if (!c)
		return fail(s, KTSTR_OTHER, "set cpuset: no cgroup %s", name);
	if (scn_cpuset_resolve(spec, s->env->topo, &cpus, &err) < 0) {
		fail(s, KTSTR_OTHER, "cgroup %s: %s", name, err);
		free(err);
		return -1;
	}
	return write_cpuset(s, c, spec->kind == KTSTR_CPUSET_KIND_NONE ? NULL : &cpus);
}

/* Work given a small share by design, not judged by gaps: long ones are what it asked for
 * (SCHED_IDLE; nice above 10: under a tenth of a nice-0 task's weight; SCHED_DEADLINE: the
 * kernel's deadline class, never the scheduler under test, runs it within its reservation,
 * and throttles it after an overrun, such as a stretch its vCPU did not run, until the
 * reservation has paid it back: 1.2 s under TCG on a busy host); and Custom work, whose
 * own blocking the harness cannot tell from a scheduler's delay. */
static bool low_share(const struct ktstr_work *w)
{
	return w->policy == KTSTR_POLICY_IDLE || w->policy == KTSTR_POLICY_DEADLINE ||
	       w->nice > 10 || w->type == KTSTR_WT_NICE_SWEEP || w->type == KTSTR_WT_POLICY_CHURN ||
	       w->type == KTSTR_WT_CUSTOM;
}

/* Start w's workers in cgroup cg ("" = the managed parent's level), or with host in the
 * hierarchy's root cgroup, outside every test cgroup. */
static int spawn(struct scn *s, const char *cg, bool host, struct ktstr_work w, unsigned workers,
		 struct worker_set **out)
{
	struct worker_spec spec = { .topo = s->env->topo };
	struct scn_wset *ws;
	struct worker_set *set;
	char *dir = NULL, *err = NULL;
	bool low;
	int ret;

	if (!w.workers)
		w.workers = workers ? workers : s->env->workers_per_cgroup;
	if (!w.workers)
		w.workers = 2;
	spec.work = w;
	spec.seed = 0x5eed0000ull + s->nws;
	if (host) {
		if (ensure_cgmgr(s) < 0)
			return -1;
		dir = xstrdup(s->cg.root);
		spec.cgroup_dir = dir;
	} else if (*cg) {
		if (!find_cg(s, cg))
			return fail(s, KTSTR_OTHER, "spawn: no cgroup %s", cg);
		dir = cgmgr_path(&s->cg, cg);
		spec.cgroup_dir = dir;
	}
	if (host || !effective_cpus(s, cg, &spec.pool))
		cpuset_zero(&spec.pool);
	ret = worker_set_spawn(&spec, &set, &err);
	free(dir);
	if (ret < 0) {
		fail(s, KTSTR_OTHER, "cgroup %s: %s", host ? "(host)" : *cg ? cg : "(none)",
		     err ? err : strerror(-ret));
		free(err);
		return -1;
	}
	s->ws = xrealloc(s->ws, (s->nws + 1) * sizeof(*s->ws));
	ws = &s->ws[s->nws];
	memset(ws, 0, sizeof(*ws));
	ws->set = set;
	ws->cgroup = xstrdup(cg);
	ws->group = s->nws++;
	ws->host = host;
	ws->constrained = !host && effective_cpus(s, cg, &ws->allowed);
	ws->work = w;
	ws->born_batch = s->batch;
	ws->altered = weight_ops(s, cg, &low);
	ws->low = low_share(&w) || low;
	*out = set;
	return 0;
}

static int set_affinity(struct scn *s, const char *cg, const struct ktstr_affinity *a)
{
	uint64_t rng = now_ns();
	struct cpuset pool, aff;
	int ret;

	if (!effective_cpus(s, cg, &pool))
		cpuset_zero(&pool);
	if (!worker_affinity_resolve(a, &pool, s->env->topo, &rng, &aff))
		aff = s->env->topo->online; /* inherit: undo earlier pinning */
	s->alters++;
	for (unsigned i = 0; i < s->nws; i++) {
		if (s->ws[i].set->collected || s->ws[i].host || strcmp(s->ws[i].cgroup, cg))
			continue;
		s->ws[i].altered = alter_fold(s->ws[i].altered, s->alters);
		ret = worker_set_affinity(s->ws[i].set, &aff);
		if (ret < 0)
			return fail(s, KTSTR_OTHER, "cgroup %s: set affinity: %s", cg,
				    strerror(-ret));
	}
	return 0;
}

static int set_policy(struct scn *s, const char *cg, const struct ktstr_work *w)
{
	char *err = NULL;

	s->alters++;
	for (unsigned i = 0; i < s->nws; i++) {
		struct scn_wset *ws = &s->ws[i];

		if (ws->set->collected || strcmp(ws->cgroup, cg))
			continue;
		if (worker_set_policy(ws->set, w, &err) < 0) {
			fail(s, KTSTR_OTHER, "cgroup %s: set policy: %s", cg, err);
			free(err);
			return -1;
		}
		ws->altered = alter_fold(ws->altered, s->alters);
		ws->work.policy = ws->set->work.policy;
		ws->work.prio = ws->set->work.prio;
		ws->work.nice = ws->set->work.nice;
		ws->work.dl_runtime_us = ws->set->work.dl_runtime_us;
		ws->work.dl_deadline_us = ws->set->work.dl_deadline_us;
		ws->work.dl_period_us = ws->set->work.dl_period_us;
		ws->low |= low_share(&ws->work);
	}
	return 0;
}

/* A weight changes the share of every task below the cgroup. */
static int set_weight(struct scn *s, const char *cg, unsigned weight)
{
	struct scn_cg *c = find_cg(s, cg);
	int ret;

	if (!c)
		return fail(s, KTSTR_OTHER, "set weight: no cgroup %s", cg);
	ret = cgmgr_set_weight(&s->cg, cg, weight);
	if (ret == -EOPNOTSUPP)
		return fail(s, KTSTR_OTHER, "cgroup %s: the cpu controller is not available", cg);
	if (ret < 0)
		return fail(s, KTSTR_OTHER, "cgroup %s: writing cpu.weight %u: %s", cg, weight,
			    strerror(-ret));
	/* sets spawned below it later inherit the stamp (spawn) */
	c->weight_op = ++s->alters;
	c->low_weight = weight < 10; /* under a tenth of the default 100 */
	for (unsigned i = 0; i < s->nws; i++)
		if (!s->ws[i].set->collected && is_under(s->ws[i].cgroup, cg)) {
			s->ws[i].altered = alter_fold(s->ws[i].altered, s->alters);
			s->ws[i].low |= c->low_weight;
		}
	return 0;
}

static int move_all(struct scn *s, const char *from, const char *to)
{
	int ret;

	if (!find_cg(s, from) || !find_cg(s, to))
		return fail(s, KTSTR_OTHER, "move: no cgroup %s", find_cg(s, from) ? to : from);
	ret = cgmgr_move_all(&s->cg, from, to);
	if (ret < 0)
		return fail(s, KTSTR_OTHER, "moving tasks %s -> %s: %s", from, to, strerror(-ret));
	for (unsigned i = 0; i < s->nws; i++)
		if (!s->ws[i].set->collected && !s->ws[i].host && !strcmp(s->ws[i].cgroup, from)) {
			free(s->ws[i].cgroup);
			s->ws[i].cgroup = xstrdup(to);
		}
	refresh_allowed(s);
	return 0;
}

static bool same_cgroup_name(const char *a, const char *b)
{
	return a && b ? !strcmp(a, b) : a == b;
}

/* The running background payload started as ps, or -1. */
static int bg_find(const struct scn *s, const struct ktstr_payload_step *ps)
{
	for (unsigned i = 0; i < s->nbg; i++)
		if (s->bg[i].p == ps->payload && same_cgroup_name(s->bg[i].cgroup, ps->opts.cgroup))
			return (int)i;
	return -1;
}

static int bg_start(struct scn *s, const struct ktstr_payload_step *ps)
{
	struct ktstr_payload_handle *h;

	if (!ps || !ps->payload)
		return fail(s, KTSTR_OTHER, "payload op without a payload");
	if (!s->env->ctx)
		return fail(s, KTSTR_OTHER, "payload '%s': payloads need a test context",
			    ps->payload->name);
	if (bg_find(s, ps) >= 0)
		return fail(s, KTSTR_OTHER, "payload '%s' started twice in cgroup %s",
			    ps->payload->name, ps->opts.cgroup ? ps->opts.cgroup : "(none)");
	h = ktstr_payload_spawn(s->env->ctx, ps->payload, &ps->opts);
	if (!h)
		return -1; /* the detail is in the result */
	s->bg = xrealloc(s->bg, (s->nbg + 1) * sizeof(*s->bg));
	s->bg[s->nbg++] = (struct scn_bg){
		.p = ps->payload,
		.cgroup = ps->opts.cgroup ? xstrdup(ps->opts.cgroup) : NULL,
		.h = h,
	};
	return 0;
}

/* Wait for (or stop) background payload i and forget it; its failures are in the result. */
static void bg_finish(struct scn *s, unsigned i, bool stop)
{
	struct scn_bg b = s->bg[i];

	s->bg[i] = s->bg[--s->nbg];
	if (stop)
		ktstr_payload_stop(b.h, BG_STOP_GRACE_MS);
	else
		ktstr_payload_wait(b.h);
	free(b.cgroup);
}

static int bg_end(struct scn *s, const struct ktstr_payload_step *ps, bool stop)
{
	int i = ps && ps->payload ? bg_find(s, ps) : -1;

	if (i < 0)
		return fail(s, KTSTR_OTHER, "payload '%s' is not running in the background",
			    ps && ps->payload ? ps->payload->name : "(none)");
	bg_finish(s, (unsigned)i, stop);
	return 0;
}

static int apply_op(struct scn *s, const struct ktstr_op *op)
{
	const char *cg = op->cgroup ? op->cgroup : "";
	struct worker_set *set;

	switch (op->kind) {
	case KTSTR_OPK_ADD_CGROUP:
		return add_cgroup(s, cg);
	case KTSTR_OPK_REMOVE_CGROUP:
		return remove_cgroup(s, cg);
	case KTSTR_OPK_SET_CPUSET:
		return set_cpuset(s, cg, &op->cpuset);
	case KTSTR_OPK_CLEAR_CPUSET: {
		struct scn_cg *c = find_cg(s, cg);

		if (!c)
			return fail(s, KTSTR_OTHER, "clear cpuset: no cgroup %s", cg);
		return write_cpuset(s, c, NULL);
	}
	case KTSTR_OPK_SWAP_CPUSETS: {
		struct scn_cg *a = find_cg(s, cg), *b = find_cg(s, op->other ? op->other : "");
		struct scn_cg ta, tb;

		if (!a || !b)
			return fail(s, KTSTR_OTHER, "swap cpusets: no cgroup %s",
				    a ? op->other : cg);
		ta = *a;
		tb = *b;
		if (write_cpuset(s, a, tb.has_cpuset ? &tb.cpus : NULL) < 0)
			return -1;
		return write_cpuset(s, b, ta.has_cpuset ? &ta.cpus : NULL);
	}
	case KTSTR_OPK_SPAWN:
	case KTSTR_OPK_SPAWN_HOST:
		if (spawn(s, cg, op->kind == KTSTR_OPK_SPAWN_HOST, op->work, 0, &set) < 0)
			return -1;
		worker_set_start(set);
		return 0;
	case KTSTR_OPK_PAYLOAD_START:
		return bg_start(s, op->payload);
	case KTSTR_OPK_PAYLOAD_WAIT:
	case KTSTR_OPK_PAYLOAD_STOP:
		return bg_end(s, op->payload, op->kind == KTSTR_OPK_PAYLOAD_STOP);
	case KTSTR_OPK_STOP_CGROUP:
		stop_sets(s, cg);
		return 0;
	case KTSTR_OPK_SET_AFFINITY:
		return set_affinity(s, cg, &op->affinity);
	case KTSTR_OPK_MOVE_ALL_TASKS:
		return move_all(s, cg, op->other ? op->other : "");
	case KTSTR_OPK_SET_POLICY:
		return set_policy(s, cg, &op->work);
	case KTSTR_OPK_SET_WEIGHT:
		return set_weight(s, cg, op->weight);
	case KTSTR_OPK_CALL: {
		int ret;

		if (!op->fn)
			return fail(s, KTSTR_OTHER, "call op without a function");
		ret = op->fn(s->env->ctx, op->arg);
		if (ret < 0)
			return fail(s, KTSTR_OTHER, "call op failed: %s", strerror(-ret));
		return 0;
	}
	case KTSTR_OPK_END:
		break;
	}
	return fail(s, KTSTR_OTHER, "unknown op kind %d", (int)op->kind);
}

static int apply_ops(struct scn *s, const struct ktstr_op *ops)
{
	for (; ops && ops->kind != KTSTR_OPK_END; ops++)
		if (apply_op(s, ops) < 0)
			return -1;
	return 0;
}

static int apply_defs(struct scn *s, const struct ktstr_cgroup_def *defs)
{
	struct worker_set **started = NULL;
	unsigned nstarted = 0;
	int ret = 0;

	for (const struct ktstr_cgroup_def *d = defs; d && !d->end_ && !ret; d++) {
		struct worker_set *set;

		if (!d->name || !*d->name) {
			ret = fail(s, KTSTR_OTHER, "cgroup definition without a name");
			break;
		}
		if (add_cgroup(s, d->name) < 0 || (d->cpuset.kind != KTSTR_CPUSET_KIND_NONE &&
						   set_cpuset(s, d->name, &d->cpuset) < 0)) {
			ret = -1;
			break;
		}
		if (d->no_workers)
			continue;
		started = xrealloc(started, (nstarted + 1) * sizeof(*started));
		if (spawn(s, d->name, false, d->work, d->workers, &set) < 0) {
			ret = -1;
			break;
		}
		started[nstarted++] = set;
		for (const struct ktstr_work *w = d->works; w && !w->end_; w++) {
			started = xrealloc(started, (nstarted + 1) * sizeof(*started));
			if (spawn(s, d->name, false, *w, d->workers, &set) < 0) {
				ret = -1;
				break;
			}
			started[nstarted++] = set;
		}
	}
	/* Release everything at once so the workers start together. */
	for (unsigned i = 0; !ret && i < nstarted; i++)
		worker_set_start(started[i]);
	free(started);
	return ret;
}

static unsigned hold_ms(const struct scn_env *env, const struct ktstr_hold *h, unsigned nsteps)
{
	switch (h->kind) {
	case KTSTR_HOLD_KIND_FRAC:
		return (unsigned)(h->frac * env->duration_ms);
	case KTSTR_HOLD_KIND_FIXED:
		return h->ms;
	case KTSTR_HOLD_KIND_LOOP:
		return h->ms ? h->ms : env->duration_ms / nsteps;
	case KTSTR_HOLD_KIND_DEFAULT:
		break;
	}
	return env->duration_ms / (nsteps ? nsteps : 1);
}

static void sched_died(struct scn *s, unsigned done, unsigned nsteps)
{
	s->died = true;
	fail(s, KTSTR_SCHED_DIED,
	     "%s process died unexpectedly after completing step %u of %u (%.1fs into test)",
	     s->env->sched_name ? s->env->sched_name : "scheduler", done, nsteps,
	     (double)(now_ns() - s->t0) / 1e9);
}

/* Sleep ms in slices, watching the scheduler. false if it died. */
static bool hold(struct scn *s, unsigned ms)
{
	uint64_t end = now_ns() + (uint64_t)ms * 1000000ull;

	for (;;) {
		uint64_t now = now_ns();

		if (!scn_sched_alive(s->env->sched_pid))
			return false;
		if (now >= end)
			return true;
		sleep_ms((unsigned)MIN(100ull, (end - now) / 1000000ull + 1));
	}
}

static int validate_hold(struct scn *s, const struct ktstr_hold *h, unsigned i)
{
	bool ok = true;

	switch (h->kind) {
	case KTSTR_HOLD_KIND_FRAC:
		ok = isfinite(h->frac) && h->frac > 0;
		break;
	case KTSTR_HOLD_KIND_FIXED:
		ok = h->ms > 0;
		break;
	case KTSTR_HOLD_KIND_LOOP:
		ok = h->interval_ms > 0;
		break;
	case KTSTR_HOLD_KIND_DEFAULT:
		break;
	}
	return ok ? 0 : fail(s, KTSTR_OTHER, "step %u: invalid hold", i + 1);
}

static bool same_phases(const struct ktstr_phase *a, const struct ktstr_phase *b)
{
	for (; a && b && !a->end_ && !b->end_; a++, b++)
		if (a->type != b->type || a->sleep != b->sleep || a->ms != b->ms ||
		    a->iters != b->iters || memcmp(&a->p, &b->p, sizeof(a->p)))
			return false;
	return (!a || a->end_) && (!b || b->end_);
}

/* The same work: for a Sequence the same phases, for Custom the same body and argument. */
static bool same_work(const struct ktstr_work *a, const struct ktstr_work *b)
{
	return a->type == b->type && a->policy == b->policy && a->prio == b->prio &&
	       a->nice == b->nice && a->dl_runtime_us == b->dl_runtime_us &&
	       a->dl_deadline_us == b->dl_deadline_us && a->dl_period_us == b->dl_period_us &&
	       a->affinity.kind == b->affinity.kind && a->mem.mode == b->mem.mode &&
	       !memcmp(&a->p, &b->p, sizeof(a->p)) && same_phases(a->phases, b->phases) &&
	       a->custom == b->custom && a->custom_arg == b->custom_arg &&
	       a->custom_once == b->custom_once;
}

/*
 * Two worker sets have the same demand when a fair scheduler owes their workers the same
 * share: the same work and policy on the same CPUs, spawned together (the same step, or
 * the same pass of a looping hold), altered by the same op (policy, weight, affinity) and
 * stopped together. (Not their wall times: a worker a scheduler starves answers the stop
 * late.)
 */
static bool same_demand(const struct scn_wset *a, const struct scn_wset *b)
{
	return same_work(&a->work, &b->work) && a->host == b->host &&
	       a->constrained == b->constrained &&
	       (!a->constrained || cpuset_equal(&a->allowed, &b->allowed)) &&
	       a->born_batch == b->born_batch && a->stop_seq == b->stop_seq &&
	       a->altered == b->altered;
}

/* The demand class of set i: the first set with the same demand. */
static unsigned demand_of(const struct scn *s, unsigned i)
{
	for (unsigned k = 0; k < i; k++)
		if (same_demand(&s->ws[k], &s->ws[i]))
			return k;
	return i;
}

static int judge(struct scn *s)
{
	struct check_worker *cw;
	struct check_input in = {
		.thr = s->env->thr,
		.ncpus = cpuset_count(&s->env->topo->online),
		.node_cpus = s->env->topo->node,
		.nnodes = s->env->topo->nnodes,
		.have_numa_migrated = s->have_migrated,
		.numa_migrated = s->migrated,
	};
	unsigned n = 0;
	int v;

	for (unsigned i = 0; i < s->nws; i++)
		n += s->ws[i].set->n;
	cw = xcalloc(n ? n : 1, sizeof(*cw));
	for (unsigned i = 0; i < s->nws; i++)
		for (unsigned k = 0; k < s->ws[i].set->n; k++) {
			struct check_worker *c = &cw[in.n++];

			c->r = &s->ws[i].set->reports[k];
			c->cgroup = s->ws[i].host ? "(host)" : s->ws[i].cgroup;
			c->group = s->ws[i].group;
			c->demand = demand_of(s, i);
			if (s->ws[i].set->start_ns)
				c->life_ms = (s->ws[i].set->stop_ns - s->ws[i].set->start_ns) /
					     1000000ull;
			c->low_share = s->ws[i].low;
			c->constrained = s->ws[i].constrained;
			c->allowed = s->ws[i].allowed;
		}
	in.w = cw;
	v = checks_run(&in, s->env->result);
	free(cw);
	return v;
}

static void scn_free(struct scn *s)
{
	for (unsigned i = 0; i < s->nws; i++) {
		worker_set_free(s->ws[i].set);
		free(s->ws[i].cgroup);
	}
	free(s->ws);
	while (s->nbg)
		bg_finish(s, s->nbg - 1, true);
	free(s->bg);
	for (unsigned i = 0; i < s->ncgs; i++)
		free(s->cgs[i].name);
	free(s->cgs);
	if (s->cg_ready) {
		int ret = cgmgr_cleanup(&s->cg);

		if (ret < 0)
			log_warn("cgroup cleanup: %s", strerror(-ret));
	}
}

static int verdict(const struct scn_env *env)
{
	return env->result->verdict == KTSTR_PASS ? KTSTR_PASS
	       : env->result->verdict == KTSTR_SKIP ? KTSTR_SKIP
						    : KTSTR_FAIL;
}

/* The backdrop: its cgroups and workers, its ops, then its background payloads. */
static int apply_backdrop(struct scn *s, const struct ktstr_backdrop *b)
{
	if (!b)
		return 0;
	if (apply_defs(s, b->cgroups) < 0 || apply_ops(s, b->ops) < 0)
		return -1;
	for (const struct ktstr_payload_step *ps = b->payloads; ps && ps->payload; ps++)
		if (bg_start(s, ps) < 0)
			return -1;
	return 0;
}

/* Run the steps; on success the scenario's worker sets are left collected in s. */
static int execute(struct scn *s, const struct ktstr_backdrop *backdrop,
		   const struct ktstr_step *steps)
{
	unsigned nsteps = 0, before = s->env->result->ndetails;

	for (const struct ktstr_step *st = steps; st && !st->end_; st++)
		if (validate_hold(s, &st->hold, nsteps++) < 0)
			return -1;
	s->have_migrated = numa_vmstat_read_migrated(&s->migrated0) == 0;
	s->t0 = now_ns();
	if (apply_backdrop(s, backdrop) < 0)
		goto out;
	for (unsigned i = 0; i < nsteps; i++) {
		const struct ktstr_step *st = &steps[i];
		unsigned ms = hold_ms(s->env, &st->hold, nsteps);

		s->batch++;
		if (!scn_sched_alive(s->env->sched_pid)) {
			sched_died(s, i, nsteps);
			break;
		}
		if (s->env->ctx && nsteps > 1)
			ktstr_mark(s->env->ctx, "step %u/%u", i + 1, nsteps);
		if (st->hold.kind == KTSTR_HOLD_KIND_LOOP) {
			uint64_t end = now_ns() + (uint64_t)ms * 1000000ull;

			if (apply_defs(s, st->cgroups) < 0)
				break;
			while (now_ns() < end) {
				s->batch++;
				if (apply_ops(s, st->ops) < 0)
					goto out;
				if (!hold(s, (unsigned)MIN((uint64_t)st->hold.interval_ms,
							   (end - now_ns()) / 1000000ull + 1))) {
					sched_died(s, i, nsteps);
					goto out;
				}
			}
			continue;
		}
		if (apply_ops(s, st->ops) < 0 || apply_defs(s, st->cgroups) < 0)
			break;
		if (!hold(s, ms)) {
			sched_died(s, i, nsteps);
			break;
		}
	}
out:
	if (s->have_migrated && numa_vmstat_read_migrated(&s->migrated) == 0 &&
	    s->migrated >= s->migrated0)
		s->migrated -= s->migrated0;
	else
		s->have_migrated = false;
	/* Payloads first: one still running would hold CPUs the workers need to stop. */
	while (s->nbg)
		bg_finish(s, s->nbg - 1, true);
	stop_sets(s, NULL);
	return s->env->result->ndetails > before ? -1 : 0;
}

int scn_run_scenario(struct scn_env *env, const struct ktstr_backdrop *backdrop,
		     const struct ktstr_step *steps)
{
	struct scn s = { .env = env };

	/* Setup errors and a dead scheduler are the verdict; judge only a clean run. */
	if (execute(&s, backdrop, steps) == 0)
		judge(&s);
	scn_free(&s);
	return verdict(env);
}

int scn_run_steps(struct scn_env *env, const struct ktstr_step *steps)
{
	return scn_run_scenario(env, NULL, steps);
}

int scn_run_cgroups(struct scn_env *env, const struct ktstr_cgroup_def *defs)
{
	const struct ktstr_step steps[] = {
		{ .cgroups = defs, .hold = KTSTR_HOLD_FULL },
		{ .end_ = true },
	};

	return scn_run_steps(env, steps);
}

struct ktstr_reports *scn_spawn_and_collect(struct scn_env *env, const char *cg, unsigned n,
					    struct ktstr_work w)
{
	struct scn s = { .env = env };
	struct ktstr_reports *r = NULL;
	struct worker_set *set;
	const char *name = cg ? cg : "";

	w.workers = n;
	s.t0 = now_ns();
	if ((*name && add_cgroup(&s, name) < 0) || spawn(&s, name, false, w, n, &set) < 0)
		goto out;
	worker_set_start(set);
	if (!hold(&s, env->duration_ms))
		sched_died(&s, 0, 1);
	stop_sets(&s, NULL);
	r = xcalloc(1, sizeof(*r));
	r->n = set->n;
	r->r = xmalloc(set->n * sizeof(*r->r));
	memcpy(r->r, set->reports, set->n * sizeof(*r->r));
out:
	scn_free(&s);
	return r;
}

int scn_reports_check(struct scn_env *env, const struct ktstr_reports *r)
{
	struct check_worker *cw = xcalloc(r->n ? r->n : 1, sizeof(*cw));
	struct check_input in = {
		.w = cw,
		.n = r->n,
		.thr = env->thr,
		.ncpus = cpuset_count(&env->topo->online),
	};

	for (unsigned i = 0; i < r->n; i++) {
		cw[i].r = &r->r[i];
		cw[i].cgroup = "";
	}
	checks_run(&in, env->result);
	free(cw);
	return verdict(env);
}

void ktstr_reports_free(struct ktstr_reports *r)
{
	if (!r)
		return;
	free(r->r);
	free(r);
}

unsigned ktstr_reports_count(const struct ktstr_reports *r)
{
	return r ? r->n : 0;
}

const struct ktstr_worker_report *ktstr_reports_get(const struct ktstr_reports *r, unsigned i)
{
	return r && i < r->n ? &r->r[i] : NULL;
}

uint64_t ktstr_reports_total_work(const struct ktstr_reports *r)
{
	uint64_t t = 0;

	for (unsigned i = 0; r && i < r->n; i++)
		t += r->r[i].work_units;
	return t;
}

uint64_t ktstr_reports_min_work(const struct ktstr_reports *r)
{
	uint64_t m = UINT64_MAX;

	for (unsigned i = 0; r && i < r->n; i++)
		m = MIN(m, r->r[i].work_units);
	return r && r->n ? m : 0;
}

uint64_t ktstr_reports_max_gap_ms(const struct ktstr_reports *r)
{
	uint64_t m = 0;

	for (unsigned i = 0; r && i < r->n; i++)
		m = MAX(m, r->r[i].max_gap_ms);
	return m;
}

uint64_t ktstr_reports_migrations(const struct ktstr_reports *r)
{
	uint64_t t = 0;

	for (unsigned i = 0; r && i < r->n; i++)
		t += r->r[i].migrations;
	return t;
}

uint64_t ktstr_reports_latency_pct_ns(const struct ktstr_reports *r, double pct)
{
	struct check_worker *cw;
	uint64_t *pool, v;
	size_t n;

	if (!r || !r->n)
		return 0;
	cw = xcalloc(r->n, sizeof(*cw));
	for (unsigned i = 0; i < r->n; i++)
		cw[i].r = &r->r[i];
	pool = checks_latency_pool(cw, r->n, NULL, NULL, &n);
	v = checks_percentile(pool, n, pct);
	free(pool);
	free(cw);
	return v;
}
