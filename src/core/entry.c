// SPDX-License-Identifier: GPL-2.0-only
/* Registries of tests and schedulers, and a test's effective values. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "util/util.h"

const struct ktstr_scheduler ktstr_eevdf = {
	.name = "eevdf",
	.binary = NULL,
};
static const struct ktstr_scheduler *const ktstr_sched_ptr_eevdf KTSTR_SECTION_("ktstr_scheds") =
	&ktstr_eevdf;

/* The linker defines these in the test binary, outside libktstr (so KTSTR_API). Weak: a
 * binary without any KTSTR_TEST has no such section and still links. */
extern const struct ktstr_test *const __start_ktstr_tests[] KTSTR_API __attribute__((weak));
extern const struct ktstr_test *const __stop_ktstr_tests[] KTSTR_API __attribute__((weak));
extern const struct ktstr_scheduler *const __start_ktstr_scheds[] KTSTR_API __attribute__((weak));
extern const struct ktstr_scheduler *const __stop_ktstr_scheds[] KTSTR_API __attribute__((weak));

static const struct ktstr_test **tests_sorted;
static size_t ntests;
static const struct ktstr_scheduler **scheds_sorted;
static size_t nscheds;
static pthread_once_t registry_once = PTHREAD_ONCE_INIT;

static int cmp_name(const char *a, const char *b)
{
	return strcmp(a ? a : "", b ? b : "");
}

static int cmp_test(const void *a, const void *b)
{
	const struct ktstr_test *x = *(const struct ktstr_test *const *)a;
	const struct ktstr_test *y = *(const struct ktstr_test *const *)b;
	int c = cmp_name(x->name, y->name);

	/* Stable for duplicates: declaration site, so messages are reproducible. */
	if (!c)
		c = cmp_name(x->file, y->file);
	if (!c)
		c = (x->line > y->line) - (x->line < y->line);
	return c;
}

static int cmp_sched(const void *a, const void *b)
{
	const struct ktstr_scheduler *x = *(const struct ktstr_scheduler *const *)a;
	const struct ktstr_scheduler *y = *(const struct ktstr_scheduler *const *)b;

	return cmp_name(x->name, y->name);
}

/* Copy the non-NULL pointers of a section, sorted. */
static void *section_sorted(const void *const *start, const void *const *stop, size_t *n,
			    int (*cmp)(const void *, const void *))
{
	size_t cap = start && stop && stop > start ? (size_t)(stop - start) : 0;
	const void **v = xcalloc(cap ? cap : 1, sizeof(*v));

	*n = 0;
	for (size_t i = 0; i < cap; i++)
		if (start[i])
			v[(*n)++] = start[i];
	qsort(v, *n, sizeof(*v), cmp);
	return v;
}

static void registry_init(void)
{
	tests_sorted = section_sorted((const void *const *)__start_ktstr_tests,
				      (const void *const *)__stop_ktstr_tests, &ntests, cmp_test);
	scheds_sorted = section_sorted((const void *const *)__start_ktstr_scheds,
				       (const void *const *)__stop_ktstr_scheds, &nscheds, cmp_sched);
}

const struct ktstr_test *const *registry_tests(size_t *n)
{
	pthread_once(&registry_once, registry_init);
	*n = ntests;
	return tests_sorted;
}

const struct ktstr_scheduler *const *registry_schedulers(size_t *n)
{
	pthread_once(&registry_once, registry_init);
	*n = nscheds;
	return scheds_sorted;
}

/* Linear search of a sorted registry by the name member at name_off. */
static const void *find_named(const void *const *v, size_t n, size_t name_off, const char *name)
{
	if (!name)
		return NULL;
	for (size_t i = 0; i < n; i++) {
		const char *it = *(const char *const *)((const char *)v[i] + name_off);

		if (it && !strcmp(it, name))
			return v[i];
	}
	return NULL;
}

const struct ktstr_test *find_test(const char *name)
{
	size_t n;
	const struct ktstr_test *const *v = registry_tests(&n);

	return find_named((const void *const *)v, n, offsetof(struct ktstr_test, name), name);
}

const struct ktstr_scheduler *find_scheduler(const char *name)
{
	size_t n;
	const struct ktstr_scheduler *const *v = registry_schedulers(&n);

	return find_named((const void *const *)v, n, offsetof(struct ktstr_scheduler, name), name);
}

const struct ktstr_scheduler *entry_scheduler(const struct ktstr_test *t)
{
	return t->scheduler ? t->scheduler : &ktstr_eevdf;
}

bool entry_sched_active(const struct ktstr_test *t)
{
	return entry_scheduler(t)->binary != NULL;
}

static unsigned pick(unsigned test, unsigned sched, unsigned def)
{
	return test ? test : sched ? sched : def;
}

void entry_topology(const struct ktstr_test *t, struct ktstr_topology *out)
{
	const struct ktstr_topo_decl *s = &entry_scheduler(t)->topology;

	memset(out, 0, sizeof(*out));
	out->numa_nodes = pick(t->numa_nodes, s->numa_nodes, ENTRY_DEFAULT_NUMA_NODES);
	out->llcs = pick(t->llcs, s->llcs, ENTRY_DEFAULT_LLCS);
	out->cores_per_llc = pick(t->cores, s->cores, ENTRY_DEFAULT_CORES);
	out->threads_per_core = pick(t->threads, s->threads, ENTRY_DEFAULT_THREADS);
}

unsigned entry_duration_s(const struct ktstr_test *t)
{
	return t->duration_s ? t->duration_s : ENTRY_DEFAULT_DURATION_S;
}

unsigned entry_workers_per_cgroup(const struct ktstr_test *t)
{
	return t->workers_per_cgroup ? t->workers_per_cgroup : ENTRY_DEFAULT_WORKERS;
}

unsigned entry_memory_mb(const struct ktstr_test *t, unsigned cpus)
{
	unsigned mb = t->memory_mb ? t->memory_mb : ENTRY_DEFAULT_MEMORY_MB;
	unsigned per_cpu = cpus > UINT32_MAX / ENTRY_MEMORY_MB_PER_CPU
				   ? UINT32_MAX
				   : cpus * ENTRY_MEMORY_MB_PER_CPU;

	return MAX(MAX(mb, per_cpu), (unsigned)ENTRY_MIN_MEMORY_MB);
}

unsigned entry_timeout_s(const struct ktstr_test *t, unsigned cpus, enum accel_kind accel)
{
	unsigned payload_s = 0;

	if (t->timeout_s)
		return t->timeout_s;
	/* time for each declared payload to run to its own timeout */
	for (const struct ktstr_payload *const *p = t->payloads; p && *p && payload_s < 86400; p++)
		payload_s += ((*p)->timeout_ms ? (*p)->timeout_ms : KTSTR_PAYLOAD_TIMEOUT_MS) / 1000;
	return entry_duration_s(t) + entry_boot_allowance_s(cpus, accel) + payload_s;
}

unsigned entry_boot_allowance_s(unsigned cpus, enum accel_kind accel)
{
	if (accel == ACCEL_KVM)
		return ENTRY_BOOT_ALLOWANCE_KVM_S;
	return ENTRY_BOOT_ALLOWANCE_TCG_S + MIN(cpus, 1000u) * ENTRY_TIMEOUT_PER_CPU_TCG_S;
}

unsigned entry_watchdog_s(const struct ktstr_test *t)
{
	return pick(t->watchdog_timeout_s, entry_scheduler(t)->watchdog_timeout_s,
		    ENTRY_DEFAULT_WATCHDOG_S);
}

void entry_constraints(const struct ktstr_test *t, struct ktstr_constraints *out)
{
	const struct ktstr_constraints *s = &entry_scheduler(t)->constraints;
	const struct ktstr_constraints *c = &t->constraints;

	out->min_numa_nodes = pick(c->min_numa_nodes, s->min_numa_nodes, 0);
	out->max_numa_nodes = pick(c->max_numa_nodes, s->max_numa_nodes, 0);
	out->min_llcs = pick(c->min_llcs, s->min_llcs, 0);
	out->max_llcs = pick(c->max_llcs, s->max_llcs, 0);
	out->min_cpus = pick(c->min_cpus, s->min_cpus, 0);
	out->max_cpus = pick(c->max_cpus, s->max_cpus, 0);
	out->requires_smt = c->requires_smt != KTSTR_INHERIT ? c->requires_smt : s->requires_smt;
}

const struct ktstr_flag *entry_find_flag(const struct ktstr_scheduler *s, const char *name)
{
	if (!s->flags || !name)
		return NULL;
	for (const struct ktstr_flag *f = s->flags; f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}
