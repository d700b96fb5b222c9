// SPDX-License-Identifier: GPL-2.0-only
/* IDR (xarray) walks over guest memory (see kidr.h). */
#include <errno.h>
#include <stdbool.h>

#include "monitor/kbtf.h"
#include "monitor/kidr.h"
#include "util/util.h"

#define XA_CHUNK_SHIFT 6
#define XA_CHUNK_SIZE (1u << XA_CHUNK_SHIFT)
#define XA_MAX_SHIFT 60 /* 64-bit indices */

int kidr_layout_resolve(const struct btf *kbtf, struct kidr_layout *l, char **missing)
{
	static const struct kbtf_field fields[] = {
		KBTF_FIELD("idr", "idr_rt.xa_head", struct kidr_layout, idr_xa_head),
		KBTF_FIELD("xa_node", "shift", struct kidr_layout, xa_shift),
		KBTF_FIELD("xa_node", "slots", struct kidr_layout, xa_slots),
	};

	return kbtf_fields(kbtf, fields, ARRAY_SIZE(fields), l, missing);
}

struct kidr_walk {
	const struct guestmem *gm;
	const struct kidr_layout *l;
	int (*fn)(uint64_t index, uint64_t entry, void *arg);
	void *arg;
	unsigned nodes;
	bool stop;
};

static bool xa_is_node(uint64_t e)
{
	return (e & 3) == 2 && e > 4096;
}

static void kidr_leaf(struct kidr_walk *w, uint64_t index, uint64_t e)
{
	if (!w->stop && e && !(e & 3))
		w->stop = w->fn(index, e, w->arg) != 0;
}

/* node covers indices [index, index + (64 << shift)); its children must have a smaller shift */
static void kidr_node(struct kidr_walk *w, uint64_t node, uint64_t index, unsigned max_shift)
{
	uint64_t slots[XA_CHUNK_SIZE];
	uint8_t shift;

	if (w->stop || ++w->nodes > KIDR_MAX_NODES ||
	    guestmem_read_va(w->gm, node + w->l->xa_shift, &shift, 1) || shift > max_shift ||
	    shift % XA_CHUNK_SHIFT ||
	    guestmem_read_va(w->gm, node + w->l->xa_slots, slots, sizeof(slots)))
		return;
	/* a node at shift 60 covers 2^66 indices: only its first 16 slots are 64-bit ones */
	unsigned nslots = shift + XA_CHUNK_SHIFT > 64 ? 1u << (64 - shift) : XA_CHUNK_SIZE;

	for (unsigned i = 0; i < nslots && !w->stop; i++) {
		uint64_t e = slots[i], idx = index + ((uint64_t)i << shift);

		if (!xa_is_node(e))
			kidr_leaf(w, idx, e);
		else if (shift >= XA_CHUNK_SHIFT)
			kidr_node(w, e - 2, idx, shift - XA_CHUNK_SHIFT);
	}
}

int kidr_walk(const struct guestmem *gm, const struct kidr_layout *l, uint64_t idr_va,
	      int (*fn)(uint64_t index, uint64_t entry, void *arg), void *arg)
{
	struct kidr_walk w = { .gm = gm, .l = l, .fn = fn, .arg = arg };
	uint64_t head;

	if (guestmem_read_u64(gm, idr_va + l->idr_xa_head, &head))
		return -EFAULT;
	if (xa_is_node(head))
		kidr_node(&w, head - 2, 0, XA_MAX_SHIFT);
	else
		kidr_leaf(&w, 0, head);
	return 0;
}
