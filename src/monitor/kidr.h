/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An IDR of the guest kernel (map_idr, prog_idr), walked from the host
 * through guest memory. An IDR is an xarray: xa_head is either the only entry
 * (index 0) or a node pointer tagged with 2 in its low bits; a node holds 64
 * slots covering 64 << shift indices, and its children have shift - 6.
 * Entries with other low bits (values, retry/zero/sibling markers) are skipped,
 * and so are slots whose indices lie past 2^64 (16 and up at shift 60).
 *
 * The guest is not trusted: at most KIDR_MAX_NODES nodes per walk, a child
 * must have a smaller shift than its parent (no cycles), every read goes
 * through guestmem.
 */
#ifndef KTSTR_KIDR_H
#define KTSTR_KIDR_H

#include <stdint.h>

#include "monitor/guestmem.h"

struct btf;

#define KIDR_MAX_NODES 4096

struct kidr_layout {
	uint32_t idr_xa_head;        /* idr.idr_rt.xa_head */
	uint32_t xa_shift, xa_slots; /* xa_node.shift (u8), xa_node.slots[64] */
};

/* 0, or -ENOENT with *missing ("struct.field", allocated) naming what the BTF lacks. */
int kidr_layout_resolve(const struct btf *kbtf, struct kidr_layout *l, char **missing);

/*
 * Call fn(index, entry, arg) for every pointer entry of the IDR at idr_va, in
 * index order, until fn returns nonzero. 0, or -EFAULT when the IDR itself
 * cannot be read.
 */
int kidr_walk(const struct guestmem *gm, const struct kidr_layout *l, uint64_t idr_va,
	      int (*fn)(uint64_t index, uint64_t entry, void *arg), void *arg);

#endif
