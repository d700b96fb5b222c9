/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A fake guest RAM for the guest-memory targets: one buffer at guest physical
 * 0, reached through the direct map (KVA), with the made-up kernel layout the
 * unit tests use; the walkers follow whatever the layout says.
 */
#ifndef KTSTR_FUZZ_GUESTRAM_H
#define KTSTR_FUZZ_GUESTRAM_H

#include "monitor/bpfmap.h"
#include "monitor/bpfprog.h"
#include "monitor/guestmem.h"

#define KVA(pa) (GUESTMEM_PAGE_OFFSET_L4 + (uint64_t)(pa))

static const struct bpfmap_layout fuzz_map_layout = {
	.idr = { .idr_xa_head = 8, .xa_shift = 0, .xa_slots = 40 },
	.map_name = 16, .map_type = 0, .map_flags = 4, .map_value_size = 8, .map_max_entries = 12,
	.map_btf = 32, .map_btf_value_type_id = 40, .array_elem_size = 48, .array_value = 64,
	.btf_data = 0, .btf_data_size = 8,
};

static const struct bpfprog_layout fuzz_prog_layout = {
	.idr = { .idr_xa_head = 8, .xa_shift = 0, .xa_slots = 40 },
	.prog_type = 4, .prog_aux = 16, .prog_stats = 24,
	.aux_name = 8, .aux_verified_insns = 32,
	.stats_cnt = 0, .stats_nsecs = 8,
};

/* RAM of size bytes (writable copy) as one NUMA node, or split in two at split. */
static inline void fuzz_guestram(struct guestmem *gm, uint8_t *ram, uint64_t size,
				 uint64_t split)
{
	const void *host[2] = { ram, ram + split };
	uint64_t sizes[2] = { split, size - split };

	memset(gm, 0, sizeof(*gm));
	if (!split || split >= size)
		FUZZ_CHECK(!guestmem_init_ram(gm, host, &size, 1));
	else
		FUZZ_CHECK(!guestmem_init_ram(gm, host, sizes, 2));
	gm->writable = true;
}

#endif
