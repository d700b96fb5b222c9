/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The BPF verifier's statistics per program, from a scheduler's libbpf load
 * logs. With the kernel log level BPF_LOG_STATS (4) libbpf prints, for each
 * program it loads,
 *
 *     libbpf: prog 'NAME': -- BEGIN PROG LOAD LOG --
 *     verification time 812 usec
 *     stack depth 24
 *     processed 170 insns (limit 1000000) max_states_per_insn 1 total_states 12 peak_states 12 mark_read 5
 *     -- END PROG LOAD LOG --
 *
 * and for a program the kernel rejects "prog 'NAME': BPF program load
 * failed: ..." before its block, which then also holds the verifier's error.
 * A scheduler prints these when VERIFIER_STATS_ENV is set in its environment
 * (scx_ktstr does); the guest sends the blocks as CHAN_FILE VERIFIER_FILE.
 * The text is untrusted: numbers are range-checked, names cut and made
 * printable, programs capped at VERSTATS_MAX_PROGS.
 */
#ifndef KTSTR_VERSTATS_H
#define KTSTR_VERSTATS_H

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define VERIFIER_FILE "verifier"
#define VERIFIER_STATS_ENV "KTSTR_VERIFIER_STATS"
#define VERIFIER_LOG_MAX (256u << 10)
#define VERSTATS_MAX_PROGS 256
#define VERSTATS_NAME_LEN 64
#define VERSTATS_TAIL_LINES 20 /* of a rejected program's block */

struct verstats_prog {
	char name[VERSTATS_NAME_LEN];
	bool have_insns;             /* a "processed N insns" line was seen */
	uint64_t insns, limit;
	int64_t max_states_per_insn, total_states, peak_states, mark_read; /* -1 = absent */
	int64_t time_us;             /* "verification time"; -1 = absent */
	int64_t stack_depth;         /* first "stack depth" value; -1 = absent */
	bool failed;                 /* the kernel rejected it */
};

struct verstats {
	struct verstats_prog *progs; /* in the order of their first log */
	unsigned n;
	char *fail_log;              /* a rejected program's block, its last lines; or NULL */
};

/* Parse a log; unknown lines are skipped. Always fills *vs (free with verstats_free). */
void verstats_parse(const char *text, size_t len, struct verstats *vs);
void verstats_free(struct verstats *vs);
/* {"programs":[{"name", "insns", "limit", ...}], "fail_log"} */
json_t *verstats_to_json(const struct verstats *vs);
/* The object verstats_to_json wrote: 0, or -EINVAL with *err (caller frees). */
int verstats_from_json(const json_t *j, struct verstats *vs, char **err);

#endif
