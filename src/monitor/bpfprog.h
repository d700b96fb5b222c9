/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A sched_ext scheduler's BPF callbacks seen from the host: the struct_ops
 * programs in the guest kernel's prog_idr (kidr.h), with how often each ran
 * and how long it took (struct bpf_prog_stats, per CPU, summed; the kernel
 * counts only while kernel.bpf_stats_enabled is 1, which guest init sets when
 * a scheduler runs) and how many instructions the verifier processed.
 */
#ifndef KTSTR_BPFPROG_H
#define KTSTR_BPFPROG_H

#include <stdint.h>

#include "monitor/guestmem.h"
#include "monitor/kidr.h"

struct btf;

#define BPFPROG_NAME_LEN 16         /* BPF_OBJ_NAME_LEN */
#define BPFPROG_TYPE_STRUCT_OPS 27  /* BPF_PROG_TYPE_STRUCT_OPS */

struct bpfprog_layout {
	struct kidr_layout idr;                    /* prog_idr */
	uint32_t prog_type, prog_aux, prog_stats;  /* bpf_prog */
	uint32_t aux_name, aux_verified_insns;     /* bpf_prog_aux */
	uint32_t stats_cnt, stats_nsecs;           /* bpf_prog_stats */
};

/* 0, or -ENOENT with *missing ("struct.field", allocated) naming what the BTF lacks. */
int bpfprog_layout_resolve(const struct btf *kbtf, struct bpfprog_layout *l, char **missing);

struct bpfprog {
	uint32_t id;
	char name[BPFPROG_NAME_LEN + 1];   /* the callback's function name, cut at 15 */
	uint32_t verified_insns;
	uint64_t cnt, nsecs;               /* runs and their total time, over all CPUs */
};

/*
 * The struct_ops programs of the IDR at idr_va, their stats summed over the
 * CPUs whose per-CPU offsets are given, in id order, at most max. The count,
 * or -EFAULT when the IDR cannot be read; programs that cannot be read are
 * skipped.
 */
int bpfprog_struct_ops(const struct guestmem *gm, const struct bpfprog_layout *l, uint64_t idr_va,
		       const uint64_t *pcpu_off, unsigned ncpus, struct bpfprog *out,
		       unsigned max);

#endif
