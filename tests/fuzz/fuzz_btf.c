// SPDX-License-Identifier: GPL-2.0-only
/*
 * BTF from the guest: a BPF map's value BTF is copied out of guest memory and
 * parsed (monitor/bpfmap.h: bpfmap_var, bpfmap_ints); the same bytes as a
 * kernel BTF go through the member lookups of the layout resolvers
 * (monitor/kbtf.h, kidr.h, bpfmap.h, bpfprog.h). The input is the raw BTF.
 * Properties: integer globals have a size of 1, 2, 4 or 8, lie inside the
 * map's value and can be read.
 */
#include "fuzz.h"

#include <bpf/btf.h>

#include "guestram.h"
#include "monitor/kbtf.h"

#define MAP 0x1000
#define BTF_S 0x2000
#define BTF_DATA 0x3000
#define VALUE_SIZE 4096

static void put(uint8_t *ram, uint64_t pa, const void *v, size_t n)
{
	memcpy(ram + pa, v, n);
}

/* Member lookups by name, over every struct and union (at most 64 types). */
static void kernel_btf(const struct btf *b, uint32_t *datasec, uint32_t *sid)
{
	struct bpfmap_layout ml;
	struct bpfprog_layout pl;
	uint32_t n = btf__type_cnt(b), off, size;
	char *missing = NULL;

	for (uint32_t id = 1; id < n && id < 64; id++) {
		const struct btf_type *t = btf__type_by_id(b, id);
		const struct btf_member *m;

		if (!t)
			continue;
		if (btf_is_datasec(t) && !*datasec)
			*datasec = id;
		if (!btf_is_struct(t) && !btf_is_union(t))
			continue;
		if (!*sid)
			*sid = id;
		m = btf_members(t);
		for (uint16_t i = 0; i < btf_vlen(t) && i < 8; i++, m++) {
			const char *name = btf__name_by_offset(b, m->name_off);
			char path[128];

			if (!name || !*name)
				continue;
			(void)kbtf_member_of(b, id, name, &off, &size);
			snprintf(path, sizeof(path), "%s.%s", name, name);
			(void)kbtf_member_of(b, id, path, &off, &size);
		}
		(void)kbtf_struct_size(b, btf__name_by_offset(b, t->name_off));
	}
	(void)kbtf_member(b, "rq", "scx.local_dsq.nr", &off, &size);
	if (bpfmap_layout_resolve(b, &ml, &missing))
		free(missing);
	missing = NULL;
	if (bpfprog_layout_resolve(b, &pl, &missing))
		free(missing);
}

/* The input as the value BTF of an array map in guest memory. */
static void map_btf(const uint8_t *data, size_t size, uint32_t type_id)
{
	const struct bpfmap_layout *L = &fuzz_map_layout;
	uint64_t ramsize = BTF_DATA + size + VALUE_SIZE, btf_va = KVA(BTF_S), data_va =
		KVA(BTF_DATA);
	uint8_t *ram = calloc(1, ramsize);
	struct bpfmap_int ints[16];
	struct guestmem gm;
	uint32_t len = (uint32_t)size, off, vsize;
	char *err = NULL;
	int n;

	if (!ram)
		abort();
	fuzz_guestram(&gm, ram, ramsize, 0);
	put(ram, BTF_DATA, data, size);
	put(ram, BTF_S + L->btf_data, &data_va, 8);
	put(ram, BTF_S + L->btf_data_size, &len, 4);
	struct bpfmap m = {
		.va = KVA(MAP), .id = 1, .name = "fuzz.bss", .type = BPFMAP_TYPE_ARRAY,
		.value_size = VALUE_SIZE, .max_entries = 1, .btf_value_type_id = type_id,
		.elem_size = VALUE_SIZE, .btf_va = btf_va,
	};
	static const char *const vars[] = { "knob", "nr_dispatched", "a.b", "" };

	for (size_t i = 0; i < sizeof(vars) / sizeof(vars[0]); i++) {
		if (bpfmap_var(&gm, L, &m, vars[i], &off, &vsize, &err))
			FUZZ_CHECK(err);
		free(err);
		err = NULL;
	}
	n = bpfmap_ints(&gm, L, &m, ints, 16);
	for (int i = 0; i < n; i++) {
		int64_t v;

		FUZZ_CHECK(ints[i].size == 1 || ints[i].size == 2 || ints[i].size == 4 ||
			   ints[i].size == 8);
		FUZZ_CHECK(ints[i].va >= m.va + L->array_value &&
			   ints[i].va + ints[i].size <= m.va + L->array_value + m.value_size);
		FUZZ_CHECK(!bpfmap_int_read(&gm, &ints[i], &v));
	}
	free(ram);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint32_t datasec = 0, sid = 0;
	struct btf *b;

	if (size > BPFMAP_MAX_BTF)
		return 0;
	b = kbtf_new_raw(data, (uint32_t)size);
	if (b) {
		kernel_btf(b, &datasec, &sid);
		btf__free(b);
	}
	map_btf(data, size, datasec ? datasec : sid ? sid : 1);
	return 0;
}
