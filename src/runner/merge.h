/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Merging the runs of a partitioned run's shards (`ktstr stats merge`) into
 * one ordinary run: one run id, every record once, the shard each record
 * came from kept in the record ("shard": {run_id, index, count}) and in the
 * merged run's provenance file (MERGE_PROVENANCE).
 *
 * Each shard's run directory holds its shard manifest (partition.h): the
 * plan id and every item of the plan with its record file and shard. Shards
 * of different plans (plan id, or number of shards) do not merge. Every item
 * of the plan is looked for in the shards given:
 *	missing    no shard run has its record (its shard was not given, or
 *	           the item did not finish there)
 *	duplicate  several runs have it (a shard given twice, a retried
 *	           shard job): the record of the run of the item's own shard is
 *	           kept, the latest such run (run ids sort by time)
 *	unplanned  a record in a shard run that is no item of the plan: not merged
 */
#ifndef KTSTR_MERGE_H
#define KTSTR_MERGE_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#define MERGE_PROVENANCE "ktstr-merge.json"
#define MERGE_MANIFEST_MAX_BYTES (64u << 20)

struct merge_item {
	char *name;
	char *record; /* record file name (no directory) */
	unsigned shard;
};

/* One shard's run directory. */
struct merge_shard {
	char *path;
	char *run_id, *plan_id, *source, *started_at;
	unsigned index, count;
	struct merge_item *items; /* the whole plan, as this shard saw it */
	size_t nitems;
	char **records;           /* record files present (names), sorted, NULL-terminated */
};

/* Read dir's shard manifest and list its records. 0, or -errno / -EINVAL with
 * *err ("DIR: no shard manifest (ktstr-shard.json): not the run of a
 * --partition shard", a field of the wrong type or out of range). */
int merge_shard_read(const char *dir, struct merge_shard *s, char **err);
void merge_shard_free(struct merge_shard *s);

/* Which record of which shard run each plan item gets. */
struct merge_pick {
	const struct merge_item *item; /* in shards[0].items */
	size_t from;                   /* index into shards[] */
};

struct merge_result {
	char *plan_id;
	unsigned count;
	struct merge_pick *picks; /* in plan order */
	size_t npicks;
	char **missing, **duplicates, **unplanned; /* one line each, NULL-terminated */
	size_t nmissing, nduplicates, nunplanned;
};

/*
 * Pair the plan's items with the shards' records. 0, or -EINVAL with *err
 * when the shards are of different plans ("RUN_A and RUN_B are shards of
 * different plans (plan 3f2a9c41d0e7 vs 77aa01b2c3d4): ...") or none is given.
 */
int merge_plan(const struct merge_shard *shards, size_t n, struct merge_result *res, char **err);
void merge_result_free(struct merge_result *res);

/*
 * Write the merged run into out_dir (created; it must be empty or absent):
 * each picked record with run_id set to run_id and its shard provenance, and
 * MERGE_PROVENANCE with the plan, the shards and every problem found.
 * 0, or -errno / -EEXIST (out_dir not empty) with *err.
 */
int merge_write(const struct merge_shard *shards, size_t n, const struct merge_result *res,
		const char *out_dir, const char *run_id, char **err);

/* The provenance document merge_write writes. Caller frees. */
json_t *merge_provenance(const struct merge_shard *shards, size_t n,
			 const struct merge_result *res, const char *run_id);

#endif
