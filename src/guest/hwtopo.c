// SPDX-License-Identifier: GPL-2.0-only
/*
 * CPU topology from sysfs: what the kernel actually built from the ACPI tables
 * and CPUID the VM engine provided. The same code reads the host's topology.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "guest/hwtopo.h"
#include "util/util.h"

static int hwt_fail(char **err, int code, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int hwt_fail(char **err, int code, const char *fmt, ...)
{
	va_list ap;

	if (err) {
		va_start(ap, fmt);
		*err = xvasprintf(fmt, ap);
		va_end(ap);
	}
	return code;
}

/* Read a cpu-list file into s. -errno, with *err set. */
static int hwt_read_list(const char *path, struct cpuset *s, char **err)
{
	char *text = file_read_line(path);
	int r;

	if (!text)
		return hwt_fail(err, -errno, "cannot read %s: %s", path, strerror(errno));
	r = cpuset_parse(text, s);
	if (r)
		hwt_fail(err, r, "%s: '%s' is not a CPU list", path, text);
	free(text);
	return r;
}

/* Add group g (masked to online) to the list unless an equal one is there. */
static int hwt_add_group(struct cpuset *groups, unsigned *n, unsigned max, const struct cpuset *g,
			 const struct cpuset *online)
{
	struct cpuset m = *g;

	cpuset_and(&m, online);
	for (unsigned i = 0; i < *n; i++)
		if (cpuset_equal(&groups[i], &m))
			return (int)i;
	if (*n >= max)
		return -E2BIG;
	groups[*n] = m;
	return (int)(*n)++;
}

static int hwt_cmp_first(const void *a, const void *b)
{
	return cpuset_next(a, 0) - cpuset_next(b, 0);
}

/* The cache directory of cpu that describes its LLC: index3, else the highest level. */
static char *hwt_llc_dir(const char *cpu_dir)
{
	char *best = NULL, *path = xasprintf("%s/cache/index3/shared_cpu_list", cpu_dir);
	unsigned best_level = 0;

	if (path_exists(path)) {
		free(path);
		return xasprintf("%s/cache/index3", cpu_dir);
	}
	free(path);
	for (unsigned i = 0; i < 16; i++) {
		char *dir = xasprintf("%s/cache/index%u", cpu_dir, i);
		char *lvpath = xasprintf("%s/level", dir);
		char *lv = file_read_line(lvpath);
		uint64_t level;

		free(lvpath);
		if (lv && !str_to_u64(lv, &level) && level > best_level) {
			best_level = (unsigned)level;
			free(best);
			best = dir;
			dir = NULL;
		}
		free(lv);
		free(dir);
	}
	return best;
}

static int hwt_read_cpus(const char *root, struct hw_topo *t, char **err)
{
	char *path = xasprintf("%s/devices/system/cpu/online", root);
	int r = hwt_read_list(path, &t->online, err);

	free(path);
	if (r)
		return r;
	t->ncpus = cpuset_count(&t->online);
	for (int cpu = cpuset_next(&t->online, 0); cpu >= 0; cpu = cpuset_next(&t->online, cpu + 1)) {
		char *cpu_dir = xasprintf("%s/devices/system/cpu/cpu%d", root, cpu);
		char *llc_dir = hwt_llc_dir(cpu_dir);
		struct cpuset g;

		if (llc_dir) {
			path = xasprintf("%s/shared_cpu_list", llc_dir);
			r = hwt_read_list(path, &g, err);
			free(path);
			free(llc_dir);
			if (!r && hwt_add_group(t->llc, &t->nllcs, HWTOPO_MAX_LLCS, &g,
						&t->online) < 0)
				r = hwt_fail(err, -E2BIG, "more than %u LLCs", HWTOPO_MAX_LLCS);
		}
		path = xasprintf("%s/topology/thread_siblings_list", cpu_dir);
		if (!r && path_exists(path)) {
			r = hwt_read_list(path, &g, err);
			if (!r && hwt_add_group(t->smt, &t->nsmt, KTSTR_MAX_CPUS, &g, &t->online) < 0)
				r = hwt_fail(err, -E2BIG, "more than %u SMT groups", KTSTR_MAX_CPUS);
		}
		free(path);
		free(cpu_dir);
		if (r)
			return r;
	}
	return 0;
}

static int hwt_read_nodes(const char *root, struct hw_topo *t, char **err)
{
	char *dir = xasprintf("%s/devices/system/node", root);
	unsigned ids[HWTOPO_MAX_NODES];
	struct dirent *de;
	DIR *d = opendir(dir);
	int r = 0;

	if (!d) {
		free(dir);
		/* No NUMA support in this kernel: one node holds every CPU. */
		t->nnodes = 1;
		t->node[0] = t->online;
		t->distance[0][0] = 10;
		return 0;
	}
	while ((de = readdir(d))) {
		uint64_t id;

		if (!str_starts_with(de->d_name, "node") || str_to_u64(de->d_name + 4, &id))
			continue;
		if (t->nnodes >= HWTOPO_MAX_NODES) {
			r = hwt_fail(err, -E2BIG, "more than %u NUMA nodes in %s", HWTOPO_MAX_NODES,
				     dir);
			break;
		}
		/* insertion sort by id */
		unsigned i = t->nnodes++;

		while (i > 0 && ids[i - 1] > id) {
			ids[i] = ids[i - 1];
			i--;
		}
		ids[i] = (unsigned)id;
	}
	closedir(d);
	for (unsigned n = 0; !r && n < t->nnodes; n++) {
		char *path = xasprintf("%s/node%u/cpulist", dir, ids[n]);
		char *dist;

		r = hwt_read_list(path, &t->node[n], err);
		cpuset_and(&t->node[n], &t->online);
		free(path);
		if (r)
			break;
		path = xasprintf("%s/node%u/distance", dir, ids[n]);
		dist = file_read_line(path);
		if (!dist) {
			r = hwt_fail(err, -errno, "cannot read %s: %s", path, strerror(errno));
		} else {
			char *p = dist, *end;
			unsigned m = 0;

			for (;;) {
				while (*p == ' ')
					p++;
				if (!*p)
					break;
				unsigned long v = strtoul(p, &end, 10);

				if (end == p || m >= t->nnodes || v > 255) {
					r = hwt_fail(err, -EINVAL,
						     "%s: '%s' is not %u distances", path, dist,
						     t->nnodes);
					break;
				}
				t->distance[n][m++] = (unsigned)v;
				p = end;
			}
			if (!r && m != t->nnodes)
				r = hwt_fail(err, -EINVAL, "%s: '%s' is not %u distances", path,
					     dist, t->nnodes);
		}
		free(dist);
		free(path);
	}
	free(dir);
	return r;
}

static void hwt_index(struct hw_topo *t)
{
	t->threads_per_core = 0;
	for (unsigned c = 0; c < KTSTR_MAX_CPUS; c++)
		t->cpu_llc[c] = t->cpu_node[c] = -1;
	for (unsigned i = 0; i < t->nllcs; i++)
		for (int c = cpuset_next(&t->llc[i], 0); c >= 0; c = cpuset_next(&t->llc[i], c + 1))
			t->cpu_llc[c] = (int)i;
	for (unsigned i = 0; i < t->nnodes; i++)
		for (int c = cpuset_next(&t->node[i], 0); c >= 0; c = cpuset_next(&t->node[i], c + 1))
			t->cpu_node[c] = (int)i;
	for (unsigned i = 0; i < t->nsmt; i++)
		t->threads_per_core = MAX(t->threads_per_core, cpuset_count(&t->smt[i]));
}

int hw_topo_read(const char *root, struct hw_topo *out, char **err)
{
	int r;

	if (err)
		*err = NULL;
	memset(out, 0, sizeof(*out));
	r = hwt_read_cpus(root, out, err);
	if (!r)
		r = hwt_read_nodes(root, out, err);
	if (r)
		return r;
	qsort(out->llc, out->nllcs, sizeof(out->llc[0]), hwt_cmp_first);
	qsort(out->smt, out->nsmt, sizeof(out->smt[0]), hwt_cmp_first);
	hwt_index(out);
	return 0;
}

static json_t *hwt_groups_json(const struct cpuset *groups, unsigned n)
{
	json_t *a = json_array();

	for (unsigned i = 0; i < n; i++) {
		char *s = cpuset_format(&groups[i]);

		json_array_append_new(a, json_string(s));
		free(s);
	}
	return a;
}

char *hw_topo_to_json(const struct hw_topo *t)
{
	json_t *o = json_object(), *dist = json_array();
	char *online = cpuset_format(&t->online), *s;

	json_object_set_new(o, "cpus", json_integer(t->ncpus));
	json_object_set_new(o, "llcs", json_integer(t->nllcs));
	json_object_set_new(o, "numa_nodes", json_integer(t->nnodes));
	json_object_set_new(o, "threads_per_core", json_integer(t->threads_per_core));
	json_object_set_new(o, "online", json_string(online));
	json_object_set_new(o, "llc_groups", hwt_groups_json(t->llc, t->nllcs));
	json_object_set_new(o, "smt_groups", hwt_groups_json(t->smt, t->nsmt));
	json_object_set_new(o, "nodes", hwt_groups_json(t->node, t->nnodes));
	for (unsigned a = 0; a < t->nnodes; a++) {
		json_t *row = json_array();

		for (unsigned b = 0; b < t->nnodes; b++)
			json_array_append_new(row, json_integer(t->distance[a][b]));
		json_array_append_new(dist, row);
	}
	json_object_set_new(o, "distances", dist);
	s = json_dumps(o, JSON_COMPACT | JSON_PRESERVE_ORDER);
	json_decref(o);
	free(online);
	if (!s)
		abort();
	return s;
}

/* Parse a list of disjoint cpu-list strings, each a subset of online. */
static int hwt_groups_from_json(json_t *a, const char *key, struct cpuset *groups, unsigned max,
				unsigned *n, const struct cpuset *online, char **err)
{
	struct cpuset seen;
	size_t i;
	json_t *v;

	if (!json_is_array(a))
		return hwt_fail(err, -EINVAL, "topology JSON: '%s' is not a list", key);
	if (json_array_size(a) > max)
		return hwt_fail(err, -EINVAL, "topology JSON: '%s' has %zu entries, at most %u",
				key, json_array_size(a), max);
	cpuset_zero(&seen);
	*n = 0;
	json_array_foreach(a, i, v) {
		struct cpuset g, both;

		if (!json_is_string(v) || cpuset_parse(json_string_value(v), &g))
			return hwt_fail(err, -EINVAL, "topology JSON: %s[%zu] is not a CPU list",
					key, i);
		both = g;
		cpuset_and(&both, &seen);
		if (!cpuset_count(&g) || cpuset_count(&both) || !cpuset_is_subset(&g, online))
			return hwt_fail(err, -EINVAL,
					"topology JSON: %s[%zu] '%s' is empty, overlaps another "
					"group or holds CPUs that are not online",
					key, i, json_string_value(v));
		cpuset_or(&seen, &g);
		groups[(*n)++] = g;
	}
	return 0;
}

int hw_topo_from_json(const char *json, struct hw_topo *out, char **err)
{
	json_t *o = json_loads(json, JSON_REJECT_DUPLICATES, NULL), *dist;
	json_int_t cpus, llcs, nodes, tpc;
	const char *online;
	int r = -EINVAL;

	if (err)
		*err = NULL;
	memset(out, 0, sizeof(*out));
	if (!o || json_unpack(o, "{s:I, s:I, s:I, s:I, s:s, s:o}", "cpus", &cpus, "llcs", &llcs,
			      "numa_nodes", &nodes, "threads_per_core", &tpc, "online", &online,
			      "distances", &dist)) {
		hwt_fail(err, r, "topology JSON: not an object with cpus, llcs, numa_nodes, "
				 "threads_per_core, online and distances");
		goto out;
	}
	if (cpuset_parse(online, &out->online)) {
		hwt_fail(err, r, "topology JSON: online '%s' is not a CPU list", online);
		goto out;
	}
	out->ncpus = cpuset_count(&out->online);
	if ((r = hwt_groups_from_json(json_object_get(o, "llc_groups"), "llc_groups", out->llc,
				      HWTOPO_MAX_LLCS, &out->nllcs, &out->online, err)) ||
	    (r = hwt_groups_from_json(json_object_get(o, "smt_groups"), "smt_groups", out->smt,
				      KTSTR_MAX_CPUS, &out->nsmt, &out->online, err)) ||
	    (r = hwt_groups_from_json(json_object_get(o, "nodes"), "nodes", out->node,
				      HWTOPO_MAX_NODES, &out->nnodes, &out->online, err)))
		goto out;
	r = -EINVAL;
	if (cpus != out->ncpus || llcs != out->nllcs || nodes != out->nnodes) {
		hwt_fail(err, r, "topology JSON: counts (cpus %lld, llcs %lld, numa_nodes %lld) "
				 "do not match the lists (%u, %u, %u)",
			 (long long)cpus, (long long)llcs, (long long)nodes, out->ncpus,
			 out->nllcs, out->nnodes);
		goto out;
	}
	if (!json_is_array(dist) || json_array_size(dist) != out->nnodes) {
		hwt_fail(err, r, "topology JSON: distances is not a %ux%u matrix", out->nnodes,
			 out->nnodes);
		goto out;
	}
	for (unsigned a = 0; a < out->nnodes; a++) {
		json_t *row = json_array_get(dist, a);

		if (!json_is_array(row) || json_array_size(row) != out->nnodes) {
			hwt_fail(err, r, "topology JSON: distances is not a %ux%u matrix",
				 out->nnodes, out->nnodes);
			goto out;
		}
		for (unsigned b = 0; b < out->nnodes; b++) {
			json_t *v = json_array_get(row, b);

			if (!json_is_integer(v) || json_integer_value(v) < 0 ||
			    json_integer_value(v) > 255) {
				hwt_fail(err, r, "topology JSON: distances[%u][%u] is not 0-255",
					 a, b);
				goto out;
			}
			out->distance[a][b] = (unsigned)json_integer_value(v);
		}
	}
	hwt_index(out);
	if ((json_int_t)out->threads_per_core != tpc) {
		hwt_fail(err, r, "topology JSON: threads_per_core %lld but the largest SMT group "
				 "has %u CPUs",
			 (long long)tpc, out->threads_per_core);
		goto out;
	}
	r = 0;
out:
	json_decref(o);
	return r;
}

static void hwt_print_groups(FILE *f, const struct cpuset *groups, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		char *s = cpuset_format(&groups[i]);

		fprintf(f, " [%s]", s);
		free(s);
	}
	fputc('\n', f);
}

void hw_topo_print(FILE *f, const struct hw_topo *t, const char *indent)
{
	char *online = cpuset_format(&t->online);

	fprintf(f, "%sCPUs:        %u online (%s)\n", indent, t->ncpus, online);
	if (t->nllcs) {
		fprintf(f, "%sLLCs:        %u:", indent, t->nllcs);
		hwt_print_groups(f, t->llc, t->nllcs);
	} else {
		fprintf(f, "%sLLCs:        none reported (no cache information in sysfs)\n", indent);
	}
	if (t->nsmt) {
		fprintf(f, "%sSMT:         %u thread%s per core, %u cores:", indent,
			t->threads_per_core, t->threads_per_core == 1 ? "" : "s", t->nsmt);
		if (t->nsmt > 32)
			fprintf(f, " (not listed)\n");
		else
			hwt_print_groups(f, t->smt, t->nsmt);
	} else {
		fprintf(f, "%sSMT:         not reported (no thread_siblings_list in sysfs)\n", indent);
	}
	fprintf(f, "%sNUMA nodes:  %u:", indent, t->nnodes);
	hwt_print_groups(f, t->node, t->nnodes);
	fprintf(f, "%sdistances:  ", indent);
	for (unsigned a = 0; a < t->nnodes; a++) {
		fprintf(f, "%s", a ? " |" : "");
		for (unsigned b = 0; b < t->nnodes; b++)
			fprintf(f, " %u", t->distance[a][b]);
	}
	fputc('\n', f);
	free(online);
}
