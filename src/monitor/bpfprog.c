// SPDX-License-Identifier: GPL-2.0-only
/* struct_ops programs and their run stats from guest memory (see bpfprog.h). */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/bpfprog.h"
#include "monitor/kbtf.h"
#include "util/util.h"

/* clang-format off */
static const struct kbtf_field bpfprog_fields[] = {
#define F(s, path, field) KBTF_FIELD(s, path, struct bpfprog_layout, field)
	F("bpf_prog", "type", prog_type),
	F("bpf_prog", "aux", prog_aux),
	F("bpf_prog", "stats", prog_stats),
	F("bpf_prog_aux", "name", aux_name),
	F("bpf_prog_aux", "verified_insns", aux_verified_insns),
	F("bpf_prog_stats", "cnt", stats_cnt),
	F("bpf_prog_stats", "nsecs", stats_nsecs),
#undef F
};
/* clang-format on */

int bpfprog_layout_resolve(const struct btf *kbtf, struct bpfprog_layout *l, char **missing)
{
	if (kidr_layout_resolve(kbtf, &l->idr, missing))
		return -ENOENT;
	return kbtf_fields(kbtf, bpfprog_fields, ARRAY_SIZE(bpfprog_fields), l, missing);
}

struct prog_list {
	const struct guestmem *gm;
	const struct bpfprog_layout *l;
	const uint64_t *pcpu_off;
	unsigned ncpus;
	struct bpfprog *out;
	unsigned n, max;
};

static int prog_leaf(uint64_t index, uint64_t va, void *arg)
{
	struct prog_list *w = arg;
	const struct guestmem *gm = w->gm;
	const struct bpfprog_layout *l = w->l;
	struct bpfprog p = { .id = (uint32_t)index };
	uint64_t aux = 0, stats = 0;
	uint32_t type = 0;

	if (w->n >= w->max)
		return 1;
	if (index > UINT32_MAX || guestmem_read_u32(gm, va + l->prog_type, &type) ||
	    type != BPFPROG_TYPE_STRUCT_OPS || guestmem_read_u64(gm, va + l->prog_aux, &aux) ||
	    guestmem_read_va(gm, aux + l->aux_name, p.name, BPFPROG_NAME_LEN) ||
	    guestmem_read_u32(gm, aux + l->aux_verified_insns, &p.verified_insns))
		return 0;
	p.name[BPFPROG_NAME_LEN] = '\0';
	str_printable(p.name, strlen(p.name));
	/* no stats (never run with stats on, or unreadable): counts stay 0 */
	if (!guestmem_read_u64(gm, va + l->prog_stats, &stats) && stats)
		for (unsigned c = 0; c < w->ncpus; c++) {
			uint64_t cnt = 0, ns = 0, at = stats + w->pcpu_off[c];

			if (!guestmem_read_u64(gm, at + l->stats_cnt, &cnt) &&
			    !guestmem_read_u64(gm, at + l->stats_nsecs, &ns)) {
				p.cnt += cnt;
				p.nsecs += ns;
			}
		}
	w->out[w->n++] = p;
	return 0;
}

int bpfprog_struct_ops(const struct guestmem *gm, const struct bpfprog_layout *l, uint64_t idr_va,
		       const uint64_t *pcpu_off, unsigned ncpus, struct bpfprog *out,
		       unsigned max)
{
	struct prog_list w = {
		.gm = gm, .l = l, .pcpu_off = pcpu_off, .ncpus = ncpus, .out = out, .max = max,
	};
	int rc = kidr_walk(gm, &l->idr, idr_va, prog_leaf, &w);

	return rc ? rc : (int)w.n;
}
