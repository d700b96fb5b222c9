// SPDX-License-Identifier: GPL-2.0-only
/* Validate every registered test and scheduler before anything runs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "core/thresholds.h"
#include "runner/entry_validate.h"
#include "runner/payload.h"
#include "util/util.h"

struct checker {
	struct entry_problems *out;
	size_t count;
	char *who; /* "test 'foo' (x.c:12)" / "scheduler 'bar'" */
};

static void problem(struct checker *c, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void problem(struct checker *c, const char *fmt, ...)
{
	va_list ap;
	char *msg;

	va_start(ap, fmt);
	msg = xvasprintf(fmt, ap);
	va_end(ap);
	c->out->msgs = xrealloc(c->out->msgs, (c->out->n + 1) * sizeof(*c->out->msgs));
	c->out->msgs[c->out->n++] = xasprintf("ktstr: %s: %s", c->who, msg);
	c->count++;
	free(msg);
}

void entry_problems_free(struct entry_problems *p)
{
	for (size_t i = 0; i < p->n; i++)
		free(p->msgs[i]);
	free(p->msgs);
	p->msgs = NULL;
	p->n = 0;
}

static void set_who_test(struct checker *c, const struct ktstr_test *t)
{
	free(c->who);
	if (t->file)
		c->who = xasprintf("test '%s' (%s:%d)", t->name ? t->name : "", t->file, t->line);
	else
		c->who = xasprintf("test '%s'", t->name ? t->name : "");
}

static void set_who_sched(struct checker *c, const struct ktstr_scheduler *s)
{
	free(c->who);
	c->who = xasprintf("scheduler '%s'", s->name ? s->name : "");
}

static void check_name(struct checker *c, const char *name)
{
	if (!name || !*name) {
		problem(c, "name is empty");
		return;
	}
	for (const char *p = name; *p; p++) {
		if (*p == '/' || *p == '\\' || *p <= ' ' || *p == 0x7f) {
			problem(c, "name must not contain '/', '\\', spaces or control characters");
			return;
		}
	}
}

static void check_min_max(struct checker *c, const char *min_name, unsigned min,
			  const char *max_name, unsigned max)
{
	if (min && max && max < min)
		problem(c, "%s (%u) < %s (%u)", max_name, max, min_name, min);
}

static void check_switch(struct checker *c, const char *name, enum ktstr_switch s)
{
	if (s != KTSTR_INHERIT && s != KTSTR_ON && s != KTSTR_OFF)
		problem(c, "%s (%d) is not KTSTR_ON or KTSTR_OFF", name, (int)s);
}

static void check_constraints(struct checker *c, const struct ktstr_constraints *k)
{
	check_min_max(c, "min_numa_nodes", k->min_numa_nodes, "max_numa_nodes", k->max_numa_nodes);
	check_min_max(c, "min_llcs", k->min_llcs, "max_llcs", k->max_llcs);
	check_min_max(c, "min_cpus", k->min_cpus, "max_cpus", k->max_cpus);
	check_switch(c, "requires_smt", k->requires_smt);
}

static void bad_threshold(void *arg, const char *name, double value)
{
	struct checker *c = arg;

	if (!strcmp(name, "not_starved") || !strcmp(name, "isolation") ||
	    !strcmp(name, "fail_on_stall"))
		check_switch(c, name, (enum ktstr_switch)value);
	else
		problem(c, "%s (%g) must be a finite number >= 0", name, value);
}

static void check_topology(struct checker *c, const struct ktstr_topology *t, unsigned max_cpus)
{
	unsigned long long cpus =
		(unsigned long long)t->llcs * t->cores_per_llc * t->threads_per_core;

	if (t->llcs % t->numa_nodes)
		problem(c, "llcs (%u) is not a multiple of numa_nodes (%u): every NUMA node needs the same number of LLCs",
			t->llcs, t->numa_nodes);
	if (t->numa_nodes > KTSTR_TOPO_MAX_NODES)
		problem(c, "numa_nodes (%u) > %u, the most a VM can have", t->numa_nodes,
			KTSTR_TOPO_MAX_NODES);
	if (cpus > max_cpus)
		problem(c, "%u llcs x %u cores x %u threads = %llu CPUs, more than the %u a VM can have",
			t->llcs, t->cores_per_llc, t->threads_per_core, cpus, max_cpus);
}

static void check_scheduler(struct checker *c, const struct ktstr_scheduler *s)
{
	const struct ktstr_topo_decl *d = &s->topology;

	set_who_sched(c, s);
	check_name(c, s->name);
	if (s->binary && !*s->binary)
		problem(c, "binary is empty (leave it unset for the kernel's default scheduler)");
	if (!s->binary && s->args && *s->args)
		problem(c, "args without a binary: the kernel's default scheduler takes no arguments");
	if (d->numa_nodes && d->llcs && d->llcs % d->numa_nodes)
		problem(c, "topology: llcs (%u) is not a multiple of numa_nodes (%u)", d->llcs,
			d->numa_nodes);
	if (s->cgroup_parent &&
	    (s->cgroup_parent[0] != '/' || !s->cgroup_parent[1] || strstr(s->cgroup_parent, "..")))
		problem(c, "cgroup_parent '%s' must be an absolute path below the cgroup root, without '..'",
			s->cgroup_parent);
	check_constraints(c, &s->constraints);
	thresholds_check(&s->thresholds, bad_threshold, c);
	for (const struct ktstr_flag *f = s->flags; f && f->name; f++) {
		if (!*f->name)
			problem(c, "a flag has an empty name");
		for (const struct ktstr_flag *g = s->flags; g != f; g++)
			if (!strcmp(g->name, f->name)) {
				problem(c, "flag '%s' is declared twice", f->name);
				break;
			}
		for (const char *const *r = f->requires; r && *r; r++) {
			if (!entry_find_flag(s, *r))
				problem(c, "flag '%s' requires '%s', which is not a flag of this scheduler",
					f->name, *r);
			else if (!strcmp(*r, f->name))
				problem(c, "flag '%s' requires itself", f->name);
		}
	}
}

static void flag_list(struct strbuf *sb, const struct ktstr_scheduler *s)
{
	for (const struct ktstr_flag *f = s->flags; f && f->name; f++)
		sb_printf(sb, "%s%s", f == s->flags ? "" : ", ", f->name);
}

static void check_flags(struct checker *c, const struct ktstr_test *t, const char *field,
			const char *const *names, const char *const *other, const char *other_field)
{
	const struct ktstr_scheduler *s = entry_scheduler(t);

	for (const char *const *n = names; n && *n; n++) {
		if (!s->flags || !s->flags->name) {
			problem(c, "%s names '%s' but scheduler '%s' declares no flags", field, *n,
				s->name ? s->name : "");
		} else if (!entry_find_flag(s, *n)) {
			struct strbuf sb = { 0 };

			flag_list(&sb, s);
			problem(c, "%s names unknown flag '%s'; flags of scheduler '%s': %s", field, *n,
				s->name ? s->name : "", sb.buf);
			sb_free(&sb);
		}
		for (const char *const *o = other; other_field && o && *o; o++)
			if (!strcmp(*o, *n))
				problem(c, "flag '%s' is in both %s and %s", *n, field, other_field);
	}
}

static void check_host_only(struct checker *c, const struct ktstr_test *t)
{
	static const char hint[] = "a host_only test runs on the host, without a VM";

	if (!t->host_only)
		return;
	if (t->scheduler && t->scheduler->binary)
		problem(c, "host_only with scheduler '%s': %s, so it cannot run a sched_ext scheduler",
			t->scheduler->name ? t->scheduler->name : "", hint);
	if (t->numa_nodes || t->llcs || t->cores || t->threads)
		problem(c, "host_only with a topology (numa_nodes/llcs/cores/threads): %s", hint);
	if (t->memory_mb)
		problem(c, "host_only with memory_mb: %s", hint);
	if (t->extra_sched_args && *t->extra_sched_args)
		problem(c, "host_only with extra_sched_args: %s", hint);
	if ((t->required_flags && *t->required_flags) || (t->excluded_flags && *t->excluded_flags))
		problem(c, "host_only with required_flags/excluded_flags: %s", hint);
	if (t->include_files && *t->include_files)
		problem(c, "host_only with include_files: %s", hint);
	if (t->watchdog_timeout_s)
		problem(c, "host_only with watchdog_timeout_s: %s", hint);
}

static void check_test(struct checker *c, const struct ktstr_test *t, unsigned max_cpus)
{
	struct ktstr_topology topo;
	struct ktstr_constraints k;

	set_who_test(c, t);
	check_name(c, t->name);
	if (!t->fn)
		problem(c, "has no body");
	for (const struct ktstr_payload *const *p = t->payloads; p && *p; p++) {
		char *err = NULL;

		if (payload_validate(*p, &err))
			problem(c, "%s", err);
		free(err);
	}
	if (t->numa_nodes && t->llcs && t->llcs % t->numa_nodes) {
		problem(c, "llcs (%u) is not a multiple of numa_nodes (%u)", t->llcs, t->numa_nodes);
	} else if (!t->host_only) {
		entry_topology(t, &topo);
		check_topology(c, &topo, max_cpus);
	}
	/* Effective constraints, for pairs the test sets at least one side of (the
	 * scheduler's own pairs are reported once, with the scheduler). */
	entry_constraints(t, &k);
	if (t->min_numa_nodes || t->max_numa_nodes)
		check_min_max(c, "min_numa_nodes", k.min_numa_nodes, "max_numa_nodes",
			      k.max_numa_nodes);
	if (t->min_llcs || t->max_llcs)
		check_min_max(c, "min_llcs", k.min_llcs, "max_llcs", k.max_llcs);
	if (t->min_cpus || t->max_cpus)
		check_min_max(c, "min_cpus", k.min_cpus, "max_cpus", k.max_cpus);
	check_switch(c, "requires_smt", t->requires_smt);
	if (t->timeout_s && t->timeout_s <= entry_duration_s(t))
		problem(c, "timeout_s (%u) <= duration_s (%u): the body would be stopped before the scenario ends",
			t->timeout_s, entry_duration_s(t));
	thresholds_check(&t->thresholds, bad_threshold, c);
	check_flags(c, t, "required_flags", t->required_flags, t->excluded_flags, "excluded_flags");
	check_flags(c, t, "excluded_flags", t->excluded_flags, NULL, NULL);
	if (!t->host_only && !entry_sched_active(t) && t->extra_sched_args && *t->extra_sched_args)
		problem(c, "extra_sched_args but scheduler '%s' has no binary to pass them to",
			entry_scheduler(t)->name ? entry_scheduler(t)->name : "");
	check_host_only(c, t);
}

static int cmp_str(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;

	return strcmp(x ? x : "", y ? y : "");
}

/* Report each name that occurs more than once in names[0..n). */
static void check_duplicates(struct checker *c, const char *kind, const char **names, size_t n)
{
	qsort(names, n, sizeof(*names), cmp_str);
	for (size_t i = 1; i < n; i++) {
		if (!names[i] || !*names[i] || strcmp(names[i], names[i - 1]))
			continue;
		if (i >= 2 && names[i - 2] && !strcmp(names[i], names[i - 2]))
			continue; /* reported once */
		free(c->who);
		c->who = xasprintf("%s '%s'", kind, names[i]);
		problem(c, "name registered more than once; names must be unique");
	}
}

static void check_test_duplicates(struct checker *c, const struct ktstr_test *const *tests, size_t nt)
{
	for (size_t i = 0; i < nt; i++) {
		const struct ktstr_test *t = tests[i];

		if (!t->name || !*t->name)
			continue;
		for (size_t j = 0; j < i; j++) {
			const struct ktstr_test *u = tests[j];

			if (!u->name || strcmp(u->name, t->name))
				continue;
			set_who_test(c, t);
			problem(c, "duplicate test name, also declared at %s:%d", u->file ? u->file : "?",
				u->line);
			break;
		}
	}
}

size_t entry_validate(const struct ktstr_test *const *tests, size_t nt,
		      const struct ktstr_scheduler *const *scheds, size_t ns, unsigned max_cpus,
		      struct entry_problems *out)
{
	struct checker c = { .out = out };
	const struct ktstr_scheduler **all = xcalloc(ns + nt + 1, sizeof(*all));
	const char **names = xcalloc(ns + nt + 1, sizeof(*names));
	size_t nall = 0;

	/* Registered schedulers plus any a test names without registering it. */
	for (size_t i = 0; i < ns; i++)
		all[nall++] = scheds[i];
	for (size_t i = 0; i < nt; i++) {
		const struct ktstr_scheduler *s = tests[i]->scheduler;
		bool seen = !s;

		for (size_t j = 0; j < nall && !seen; j++)
			seen = all[j] == s;
		if (!seen)
			all[nall++] = s;
	}
	for (size_t i = 0; i < nall; i++) {
		check_scheduler(&c, all[i]);
		names[i] = all[i]->name;
	}
	check_duplicates(&c, "scheduler", names, nall);
	for (size_t i = 0; i < nt; i++)
		check_test(&c, tests[i], max_cpus);
	check_test_duplicates(&c, tests, nt);
	free(all);
	free(names);
	free(c.who);
	return c.count;
}

size_t entry_validate_registry(void)
{
	struct entry_problems p = { 0 };
	size_t nt, ns, n;
	const struct ktstr_test *const *t = registry_tests(&nt);
	const struct ktstr_scheduler *const *s = registry_schedulers(&ns);

	n = entry_validate(t, nt, s, ns, KTSTR_TOPO_MAX_CPUS, &p);
	for (size_t i = 0; i < p.n; i++)
		fprintf(stderr, "%s\n", p.msgs[i]);
	if (n)
		fprintf(stderr, "ktstr: %zu invalid declaration%s; nothing was run\n", n,
			n == 1 ? "" : "s");
	entry_problems_free(&p);
	return n;
}
