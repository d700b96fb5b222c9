// SPDX-License-Identifier: GPL-2.0-only
/*
 * The VM topology model and its "NnLlCcTt" text form.
 *
 * N NUMA nodes, L LLCs in total (a multiple of N), C cores per LLC, T threads
 * per core. The launcher maps it to QEMU's sockets=N, dies=L/N, cores=C,
 * threads=T, so every die is one LLC and every socket one NUMA node.
 *
 * What the engine can represent: QEMU builds x86 APIC IDs from bit fields
 * (thread, core, die, package), each as wide as its count rounded up to a
 * power of two. Without x2APIC (TCG in QEMU 7.2, and q35 without an IOMMU)
 * the highest APIC ID must stay below 255, so both the CPU count and the
 * padded ID space are checked: 1n1l255c1t fits, 1n3l80c1t (240 CPUs, APIC
 * IDs up to 335) does not.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "core/topo.h"
#include "util/util.h"

#define TOPO_FORM_HINT "the form is NnLlCcTt, e.g. 1n2l4c2t"
#define TOPO_MAX_APIC_ID 254

static const struct {
	char letter;
	const char *what;
} topo_fields[] = {
	{ 'n', "NUMA nodes" },
	{ 'l', "LLCs" },
	{ 'c', "cores per LLC" },
	{ 't', "threads per core" },
};

static int topo_fail(char **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int topo_fail(char **err, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/* Bits QEMU gives a topology level with count entries. */
static unsigned topo_field_bits(unsigned count)
{
	unsigned bits = 0;

	while ((1u << bits) < count)
		bits++;
	return bits;
}

static uint64_t topo_max_apic_id(const struct ktstr_topology *t)
{
	unsigned dies = t->llcs / t->numa_nodes;
	unsigned core_off = topo_field_bits(t->threads_per_core);
	unsigned die_off = core_off + topo_field_bits(t->cores_per_llc);
	unsigned pkg_off = die_off + topo_field_bits(dies);

	if (pkg_off >= 40)
		return UINT64_MAX;
	return ((uint64_t)(t->numa_nodes - 1) << pkg_off) | ((uint64_t)(dies - 1) << die_off) |
	       ((uint64_t)(t->cores_per_llc - 1) << core_off) | (t->threads_per_core - 1);
}

int topo_validate(const struct ktstr_topology *t, char **err)
{
	const unsigned vals[] = { t->numa_nodes, t->llcs, t->cores_per_llc, t->threads_per_core };
	char name[64];
	uint64_t cpus;

	topo_format(t, name, sizeof(name));
	for (size_t i = 0; i < ARRAY_SIZE(vals); i++)
		if (vals[i] == 0)
			return topo_fail(err, "topology %s: the number of %s must be at least 1", name,
					 topo_fields[i].what);
	if (t->numa_nodes > KTSTR_TOPO_MAX_NODES)
		return topo_fail(err, "topology %s: %u NUMA nodes, at most %u are supported", name,
				 t->numa_nodes, KTSTR_TOPO_MAX_NODES);
	if (t->llcs % t->numa_nodes)
		return topo_fail(err,
				 "topology %s: %u LLCs cannot be split evenly over %u NUMA nodes "
				 "(LLCs must be a multiple of NUMA nodes)",
				 name, t->llcs, t->numa_nodes);
	cpus = (uint64_t)t->llcs * t->cores_per_llc * t->threads_per_core;
	if (cpus > KTSTR_TOPO_MAX_CPUS)
		return topo_fail(err, "topology %s: %llu CPUs, the VM engine supports at most %u",
				 name, (unsigned long long)cpus, KTSTR_TOPO_MAX_CPUS);
	if (topo_max_apic_id(t) > TOPO_MAX_APIC_ID)
		return topo_fail(err,
				 "topology %s: needs APIC IDs up to %llu, the VM engine supports at "
				 "most %u (counts are padded to powers of two; use power-of-two "
				 "cores or LLCs per node)",
				 name, (unsigned long long)topo_max_apic_id(t), TOPO_MAX_APIC_ID);
	if (t->has_distances) {
		for (unsigned a = 0; a < t->numa_nodes; a++) {
			for (unsigned b = 0; b < t->numa_nodes; b++) {
				unsigned d = t->distance[a][b];

				if (a == b && d != 10)
					return topo_fail(err,
							 "topology %s: distance from node %u to "
							 "itself is %u, it must be 10",
							 name, a, d);
				if (a != b && (d <= 10 || d >= 255))
					return topo_fail(err,
							 "topology %s: distance from node %u to node "
							 "%u is %u, it must be between 11 and 254",
							 name, a, b, d);
			}
		}
	}
	return 0;
}

int topo_parse(const char *text, struct ktstr_topology *out, char **err)
{
	unsigned vals[ARRAY_SIZE(topo_fields)];
	const char *p = text;

	if (err)
		*err = NULL;
	if (!text || !*text)
		return topo_fail(err, "empty topology: " TOPO_FORM_HINT);
	for (size_t i = 0; i < ARRAY_SIZE(topo_fields); i++) {
		unsigned long long v = 0;
		const char *start = p;

		if (*p < '0' || *p > '9') {
			if (!*p)
				return topo_fail(err,
						 "topology '%s' ends early: expected the number of "
						 "%s ('%c'); " TOPO_FORM_HINT,
						 text, topo_fields[i].what, topo_fields[i].letter);
			return topo_fail(err,
					 "topology '%s': expected the number of %s at '%s'; " TOPO_FORM_HINT,
					 text, topo_fields[i].what, p);
		}
		while (*p >= '0' && *p <= '9') {
			v = v * 10 + (unsigned)(*p - '0');
			if (v > 1000000)
				return topo_fail(err, "topology '%s': %.*s... is too large", text,
						 (int)(p - start + 1), start);
			p++;
		}
		if (*p != topo_fields[i].letter) {
			for (size_t j = 0; j < ARRAY_SIZE(topo_fields); j++)
				if (*p == topo_fields[j].letter)
					return topo_fail(err,
							 "topology '%s': '%c' (%s) is out of order, "
							 "expected '%c' (%s) after %.*s; " TOPO_FORM_HINT,
							 text, *p, topo_fields[j].what,
							 topo_fields[i].letter, topo_fields[i].what,
							 (int)(p - start), start);
			if (!*p)
				return topo_fail(err,
						 "topology '%s' ends early: expected '%c' (%s) after "
						 "%.*s; " TOPO_FORM_HINT,
						 text, topo_fields[i].letter, topo_fields[i].what,
						 (int)(p - start), start);
			return topo_fail(err,
					 "topology '%s': unexpected '%c' after %.*s, expected '%c' (%s); "
					 TOPO_FORM_HINT,
					 text, *p, (int)(p - start), start, topo_fields[i].letter,
					 topo_fields[i].what);
		}
		if (v == 0)
			return topo_fail(err, "topology '%s': the number of %s must be at least 1",
					 text, topo_fields[i].what);
		vals[i] = (unsigned)v;
		p++;
	}
	if (*p)
		return topo_fail(err, "topology '%s': unexpected '%s' after the threads per core; "
				 TOPO_FORM_HINT, text, p);

	struct ktstr_topology t = {
		.numa_nodes = vals[0],
		.llcs = vals[1],
		.cores_per_llc = vals[2],
		.threads_per_core = vals[3],
	};
	int r = topo_validate(&t, err);

	if (r)
		return r;
	*out = t;
	return 0;
}

char *topo_format(const struct ktstr_topology *t, char *buf, size_t len)
{
	snprintf(buf, len, "%un%ul%uc%ut", t->numa_nodes, t->llcs, t->cores_per_llc,
		 t->threads_per_core);
	return buf;
}

unsigned topo_total_cpus(const struct ktstr_topology *t)
{
	return t->llcs * t->cores_per_llc * t->threads_per_core;
}

unsigned topo_distance(const struct ktstr_topology *t, unsigned a, unsigned b)
{
	if (a >= KTSTR_TOPO_MAX_NODES || b >= KTSTR_TOPO_MAX_NODES)
		return 0;
	if (t->has_distances)
		return t->distance[a][b];
	return a == b ? 10 : 20;
}
