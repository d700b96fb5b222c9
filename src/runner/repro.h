/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * --auto-repro (and the test attribute auto_repro): a test that failed
 * because its sched_ext scheduler died or a monitor check failed runs once
 * more, in a fresh VM, with probes (proto/probe.h) on the functions of the
 * failure's stack (the sched_ext dump's backtrace, kernel log frames of
 * sched_ext) and on a fixed set of the sched_ext path. The hits, with their
 * arguments and times relative to the failure, go under "--- auto-repro ---"
 * in the test's block and into its run record ("auto_repro"). The rerun
 * writes no record of its own and does not change the verdict.
 *
 *	    --- auto-repro ---
 *	    rerun with probes on 15 functions: fail [sched_died] scheduler scx_ktstr was ejected ...
 *	    147 hits; times relative to scx_claim_exit kind=1025 (ERROR_BPF) on cpu 1 (init-106)
 *	    scx_do_enqueue_task: 16 hits, the last 4:
 *	         -20.636 ms  cpu 0   init-108   cpu=0 pid=108 comm="init" enq_flags=0x0 sticky_cpu=-1
 */
#ifndef KTSTR_REPRO_H
#define KTSTR_REPRO_H

#include <jansson.h>
#include <stdbool.h>

#include "core/result.h"
#include "proto/probe.h"
#include "runner/plan.h"
#include "runner/run_one.h"
#include "util/util.h"

#define REPRO_STACK_MAX 6 /* kernel frames taken from the top of a backtrace */
#define REPRO_SHOW 4      /* hits per function on the terminal (-v: all kept) */

/* A failure auto-repro reruns: a scheduler death or a monitor check. */
bool repro_wanted(const struct ktstr_result *r);

/*
 * The functions to probe, NULL-terminated, at most PROBE_MAX: the frames of
 * the dump's first "Backtrace:" from its top down to the first entry, IRQ or
 * worker frame (at most REPRO_STACK_MAX; BPF programs skipped, a struct_ops
 * trampoline "bpf__sched_ext_ops_OP" giving OP's kernel caller), then frames
 * of the kernel log naming sched_ext ("scx" in the name, or on a line about
 * ext.c), then probe_fixed_fns. dump and console may be NULL; both are
 * untrusted: only valid names are taken.
 */
char **repro_targets(const char *dump, const char *console);

/* What the guest sent back (PROBE_FILE), parsed. */
struct repro_hits {
	struct probe_hit *hits; /* in the order received, duplicates dropped */
	unsigned n;
	char **notes;           /* the guest's "# ..." lines, without "# " */
	size_t nnotes;
	int stop;               /* index of the earliest stop-function hit, -1 if none */
	uint64_t ref_ns;        /* the stop hit's time, else the latest hit's */
};

/* Parse at most len bytes; at most PROBE_MAX * PROBE_KEEP hits and 64 notes are kept. */
void repro_parse(const char *text, size_t len, struct repro_hits *rh);
void repro_hits_free(struct repro_hits *rh);

/* args with the values it knows spelled out: "dsq_id=0x8000000000000002"
 * gains "(LOCAL)", "kind=1025" gains "(ERROR_BPF)". Caller frees. */
char *repro_decode_args(const char *args);

/* The "--- auto-repro ---" section (indented like the test's other
 * sections): targets in order, each with its last show hits (0 = all). */
void repro_format(struct strbuf *sb, const struct repro_hits *rh, char *const *targets,
		  const char *outcome, unsigned show);
/* {"outcome":..,"targets":[..],"notes":[..],"stop":HIT|null,
 *  "hits":[{"func","cpu","task","ts_ns","rel_ns","args"}]} */
json_t *repro_to_json(const struct repro_hits *rh, char *const *targets, const char *outcome);

/* After run_one / retry_run filled *out: the rerun with probes when it is
 * wanted (opts->auto_repro or the test's auto_repro, a sched_ext scheduler,
 * repro_wanted), its section appended to out->text and its hits added to
 * out's record. */
void repro_after(const struct plan_item *it, const struct run_opts *opts, struct run_outcome *out);

#endif
