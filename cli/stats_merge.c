// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr stats merge RUN... [-o DIR]`: the runs of a partitioned run's shards
 * become one run (runner/merge.h). Exit 0 every item merged once, 1 merged
 * with items missing, recorded twice or outside the plan, 2 bad input
 * (different plans, no shard manifest, DIR not empty).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/commands.h"
#include "runner/merge.h"
#include "runner/timefmt.h"
#include "util/util.h"

static void print_list(const char *what, char *const *v)
{
	for (size_t i = 0; v && v[i]; i++)
		fprintf(stderr, "ktstr stats merge: %s: %s\n", what, v[i]);
}

/* The merged run's id: DIR's name when it is a run id, else this process's. */
static const char *merged_id(const char *out)
{
	const char *slash = strrchr(out, '/');
	const char *base = slash ? slash + 1 : out;

	return timefmt_is_run_id(base) ? base : timefmt_run_id();
}

int stats_merge(char *const *paths, size_t n, const char *out)
{
	struct merge_shard *shards = xcalloc(n ? n : 1, sizeof(*shards));
	struct merge_result res = { 0 };
	const char *id = merged_id(out);
	char *err = NULL;
	size_t got = 0;
	int code = 2;

	for (; got < n; got++)
		if (merge_shard_read(paths[got], &shards[got], &err))
			goto out;
	if (merge_plan(shards, n, &res, &err) ||
	    merge_write(shards, n, &res, out, id, &err))
		goto out;
	print_list("missing", res.missing);
	print_list("duplicate", res.duplicates);
	print_list("not merged", res.unplanned);
	printf("merged %zu shard run%s of plan %.12s (%u shards): %zu of %zu items, "
	       "%zu missing, %zu duplicate, %zu not in the plan\n"
	       "run %s: %s\n",
	       n, n == 1 ? "" : "s", res.plan_id, res.count, res.npicks, shards[0].nitems,
	       res.nmissing, res.nduplicates, res.nunplanned, id, out);
	code = res.nmissing || res.nduplicates || res.nunplanned ? 1 : 0;
out:
	if (err) {
		fprintf(stderr, "ktstr stats merge: %s\n", err);
		free(err);
	}
	merge_result_free(&res);
	for (size_t i = 0; i < got; i++)
		merge_shard_free(&shards[i]);
	free(shards);
	return code;
}
