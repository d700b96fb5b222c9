/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Sharding a run across machines (--partition I/N, KTSTR_PARTITION, or a CI
 * engine's parallel-job variables): which shard this process is, and which
 * planned items each shard runs.
 *
 * The split is balanced by estimated duration, not by count: items sorted by
 * estimate (longest first, ties by name) go one by one to the shard with the
 * least estimated time so far (ties: the lowest index). It depends only on
 * the set of items (names and estimates), never on their order or on the
 * host, so every shard computes the same split; every item is in exactly one
 * shard, and the most loaded shard exceeds the least loaded by at most one
 * item's estimate.
 *
 * Estimate of an item, in milliseconds, the same on every host:
 *	host_only                 duration + PARTITION_HOST_MS
 *	VM restored (EEVDF, templates on)  duration + PARTITION_RESTORE_MS
 *	VM booted cold            duration + PARTITION_BOOT_MS
 *	                          + PARTITION_BOOT_PER_CPU_MS * vCPUs
 *	                          + PARTITION_SCHED_LOAD_MS (sched_ext)
 * (a sched_ext scheduler always boots cold, snapshots.md). On 1n2l2c1t with
 * a 2 s scenario that is 7.5 s under sched_ext against 2.7 s under EEVDF,
 * as measured under TCG.
 */
#ifndef KTSTR_PARTITION_H
#define KTSTR_PARTITION_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <jansson.h>

#include "runner/plan.h"
#include "util/util.h"

#define PARTITION_MAX 100000 /* N of I/N at most */

#define PARTITION_HOST_MS 200
#define PARTITION_RESTORE_MS 700
#define PARTITION_BOOT_MS 4000
#define PARTITION_BOOT_PER_CPU_MS 250
#define PARTITION_SCHED_LOAD_MS 500

/* The shard manifest a partitioned run leaves in its run directory. */
#define PARTITION_MANIFEST "ktstr-shard.json"
#define PARTITION_MANIFEST_VERSION 1

/* This process's shard: index (1-based) of count; 0/0 = not partitioned. */
struct partition {
	unsigned index, count;
	const char *source; /* where it came from: "--partition", "KTSTR_PARTITION",
			     * "CI_NODE_INDEX/CI_NODE_TOTAL", ... (static) */
};

/* "I/N" with 1 <= I <= N <= PARTITION_MAX. 0, or -EINVAL (*err: why, without
 * the option's name: "'x' is not I/N (e.g. 2/3)", "'4/3' needs 1 <= I <= N"). */
int partition_parse(const char *s, unsigned *index, unsigned *count, char **err);

/*
 * The shard: flag (an --partition value, NULL when not given) wins; else the
 * environment, first found of
 *	KTSTR_PARTITION=I/N
 *	CI_NODE_INDEX (1-based) and CI_NODE_TOTAL               GitLab parallel
 *	BUILDKITE_PARALLEL_JOB (0-based) and _JOB_COUNT         Buildkite parallelism
 *	JOB_COMPLETION_INDEX (0-based) and KTSTR_PARTITION_COUNT Kubernetes Indexed Job
 * 0 with *p filled (p->count 0: none of them is set), or -EINVAL with *err
 * naming the variables (a malformed value, an index without its total).
 */
int partition_resolve(const char *flag, struct partition *p, char **err);

/* The estimate of one item (above). snapshots: VM templates are on
 * (KTSTR_SNAPSHOT is not 0). */
uint64_t partition_estimate_ms(const struct plan_item *it, bool snapshots);

/* The shard (1..count) of each of items[0..n) into shard[0..n). */
void partition_assign(const struct plan_item *items, size_t n, unsigned count, bool snapshots,
		      unsigned *shard);

/*
 * This shard's items: keep[i] is set for the items[0..n) of shard p->index.
 * Says on stderr which shard from which source, with the counts and
 * estimates ("PROG: shard 2/3 (--partition): 4 of 12 items, estimated 19.9 s
 * of 59.7 s"). With run_dir, writes the shard manifest there first. 0, or
 * -errno with *err when the manifest cannot be written.
 */
int partition_select(const struct plan_item *items, size_t n, const struct partition *p,
		     bool snapshots, const char *prog, const char *run_dir, bool *keep, char **err);

/* The identity of a plan: a content hash of every item's name, record file,
 * estimate, flags and scheduler arguments, in name order (independent of the
 * items' order). Shards of one plan have the same id. Caller frees. */
char *partition_plan_id(const struct plan_item *items, size_t n, bool snapshots);

/*
 * The shard manifest (docs/scale-out.md): run id, plan id, this shard, and
 * every item of the plan with its record file, shard and estimate. shard[]
 * from partition_assign. Caller frees (json_decref).
 */
json_t *partition_manifest(const struct plan_item *items, size_t n, const unsigned *shard,
			   const struct partition *p, bool snapshots, const char *run_id);
/* Write it as dir/PARTITION_MANIFEST (dir created). 0 or -errno with *err. */
int partition_manifest_write(const json_t *manifest, const char *dir, char **err);

/*
 * What each shard of p (0/0: one shard) runs, for `--plan`: text
 *	plan 3f2a9c41d0e7: 12 items in 3 shards, estimated 60.0 s in all
 *	shard 1/3 (this one): 4 items, estimated 20.1 s
 *	  steady/1n2l2c1t/scx_ktstr 1n2l2c1t   scx_ktstr       7.5 s
 * or JSON {plan_id, count, index, source, estimate_s, shards: [{index,
 * estimate_s, items: [{name, test, topology, scheduler, repeat, record,
 * estimate_s}]}]}.
 */
void partition_plan_format(struct strbuf *sb, const struct plan_item *items, size_t n,
			   const struct partition *p, bool snapshots, bool json);

#endif
