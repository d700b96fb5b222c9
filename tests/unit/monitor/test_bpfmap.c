// SPDX-License-Identifier: GPL-2.0-only
/*
 * bpfmap and bpfprog: IDR walks over synthetic xarrays in fake guest RAM
 * (nested nodes, value and internal entries, a node that points to itself),
 * map lookup by name, variables by a map's BTF, u32 access bounds, struct_ops
 * programs with per-CPU run stats, fuzzing with garbage pointers; and the map
 * request/reply codec with malformed input.
 */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "monitor/bpfmap.h"
#include "monitor/bpfprog.h"
#include "monitor/guestmem.h"
#include "proto/mapreq.h"

#define RAM (1u << 20)
#define PO GUESTMEM_PAGE_OFFSET_L4
#define KVA(pa) (PO + (pa))

static uint8_t *ram;
static struct guestmem gm;

/* a made-up kernel layout: the walk must follow whatever the BTF says */
static const struct bpfmap_layout L = {
	.idr = { .idr_xa_head = 8, .xa_shift = 0, .xa_slots = 40 },
	.map_name = 16, .map_type = 0, .map_flags = 4, .map_value_size = 8, .map_max_entries = 12,
	.map_btf = 32, .map_btf_value_type_id = 40, .array_elem_size = 48, .array_value = 64,
	.btf_data = 0, .btf_data_size = 8,
};

#define IDR 0x1000
#define NODE0 0x2000
#define NODE1 0x3000
#define LOOP 0x4000
#define MAP_A 0x10000
#define MAP_B 0x11000
#define MAP_C 0x12000
#define MAP_D 0x13000
#define MAP_E 0x14000
#define BTF_S 0x20000
#define BTF_DATA 0x21000

static void put(uint64_t pa, const void *v, size_t n)
{
	memcpy(ram + pa, v, n);
}

static void put64(uint64_t pa, uint64_t v)
{
	put(pa, &v, 8);
}

static void put32(uint64_t pa, uint32_t v)
{
	put(pa, &v, 4);
}

static void mkmap(uint64_t pa, const char *name, uint32_t type, uint32_t flags, uint32_t vsize,
		  uint32_t max)
{
	put32(pa + L.map_type, type);
	put32(pa + L.map_flags, flags);
	put32(pa + L.map_value_size, vsize);
	put32(pa + L.map_max_entries, max);
	strncpy((char *)ram + pa + L.map_name, name, 16);
	put32(pa + L.array_elem_size, (vsize + 7) & ~7u);
}

/* .bss of knob (u32) at 0, neg (s32) at 4, counter (u64) at 8; returns the DATASEC id */
static int mkbtf(void)
{
	struct btf *b = btf__new_empty();
	int u32_id = btf__add_int(b, "u32", 4, 0), u64_id = btf__add_int(b, "u64", 8, 0);
	int knob = btf__add_var(b, "knob", BTF_VAR_GLOBAL_ALLOCATED, u32_id);
	int counter = btf__add_var(b, "counter", BTF_VAR_GLOBAL_ALLOCATED, u64_id);
	int s32_id = btf__add_int(b, "s32", 4, BTF_INT_SIGNED);
	int neg = btf__add_var(b, "neg", BTF_VAR_STATIC, s32_id);
	int compat = btf__add_var(b, "__SCX_DSQ_LOCAL", BTF_VAR_GLOBAL_ALLOCATED, u32_id);
	int sec = btf__add_datasec(b, ".bss", 16);
	const void *raw;
	uint32_t len;

	assert_true(u32_id > 0 && u64_id > 0 && knob > 0 && counter > 0 && sec > 0);
	assert_int_equal(btf__add_datasec_var_info(b, knob, 0, 4), 0);
	assert_int_equal(btf__add_datasec_var_info(b, neg, 4, 4), 0);
	assert_int_equal(btf__add_datasec_var_info(b, compat, 4, 4), 0); /* skipped */
	assert_int_equal(btf__add_datasec_var_info(b, counter, 8, 8), 0);
	raw = btf__raw_data(b, &len);
	assert_non_null(raw);
	put(BTF_DATA, raw, len);
	put64(BTF_S + L.btf_data, KVA(BTF_DATA));
	put32(BTF_S + L.btf_data_size, len);
	btf__free(b);
	return sec;
}

/*
 * ids 1, 2, 5, 6 under a shift-0 node, id 64 as a leaf of the shift-6 root;
 * a value entry and a zero entry that are no maps.
 */
static void mkidr(void)
{
	int sec;

	memset(ram, 0, RAM);
	put64(IDR + L.idr.idr_xa_head, KVA(NODE0) | 2);
	ram[NODE0 + L.idr.xa_shift] = 6;
	put64(NODE0 + L.idr.xa_slots + 0 * 8, KVA(NODE1) | 2);
	put64(NODE0 + L.idr.xa_slots + 1 * 8, KVA(MAP_E));
	ram[NODE1 + L.idr.xa_shift] = 0;
	put64(NODE1 + L.idr.xa_slots + 1 * 8, KVA(MAP_A));
	put64(NODE1 + L.idr.xa_slots + 2 * 8, KVA(MAP_B));
	put64(NODE1 + L.idr.xa_slots + 3 * 8, (12345ull << 1) | 1); /* xa_mk_value */
	put64(NODE1 + L.idr.xa_slots + 4 * 8, 0x406);              /* XA_ZERO_ENTRY */
	put64(NODE1 + L.idr.xa_slots + 5 * 8, KVA(MAP_C));
	put64(NODE1 + L.idr.xa_slots + 6 * 8, KVA(MAP_D));
	mkmap(MAP_A, "scx_ktst.bss", BPFMAP_TYPE_ARRAY, 0, 16, 1);
	mkmap(MAP_B, "scx_ktst.data", BPFMAP_TYPE_ARRAY, 0, 12, 4);
	mkmap(MAP_C, ".rodata.cfg", BPFMAP_TYPE_ARRAY, BPFMAP_F_RDONLY_PROG, 8, 1);
	mkmap(MAP_D, "other.bss", 1 /* HASH */, 0, 16, 8);
	mkmap(MAP_E, "x.bss", BPFMAP_TYPE_ARRAY, 0, 4, 1);
	sec = mkbtf();
	put64(MAP_A + L.map_btf, KVA(BTF_S));
	put32(MAP_A + L.map_btf_value_type_id, (uint32_t)sec);
}

static void test_list(void **state)
{
	struct bpfmap m[8];
	int n;

	mkidr();
	n = bpfmap_list(&gm, &L, KVA(IDR), m, 8);
	assert_int_equal(n, 5);
	assert_int_equal(m[0].id, 1);
	assert_string_equal(m[0].name, "scx_ktst.bss");
	assert_int_equal(m[0].elem_size, 16);
	assert_int_equal(m[1].id, 2);
	assert_int_equal(m[1].max_entries, 4);
	assert_int_equal(m[2].id, 5);
	assert_int_equal(m[2].flags, BPFMAP_F_RDONLY_PROG);
	assert_int_equal(m[3].id, 6);
	assert_int_equal(m[3].type, 1);
	assert_int_equal(m[4].id, 64);
	/* the output is bounded */
	assert_int_equal(bpfmap_list(&gm, &L, KVA(IDR), m, 2), 2);
	/* an IDR outside RAM, an empty one, a single entry at the head */
	assert_int_equal(bpfmap_list(&gm, &L, KVA(RAM + 4096), m, 8), -EFAULT);
	put64(IDR + L.idr.idr_xa_head, 0);
	assert_int_equal(bpfmap_list(&gm, &L, KVA(IDR), m, 8), 0);
	put64(IDR + L.idr.idr_xa_head, KVA(MAP_B));
	assert_int_equal(bpfmap_list(&gm, &L, KVA(IDR), m, 8), 1);
	assert_string_equal(m[0].name, "scx_ktst.data");
}

static void test_cycles(void **state)
{
	struct bpfmap m[8];

	mkidr();
	/* a node whose slots point back at itself (and its parent): shifts must fall */
	put64(IDR + L.idr.idr_xa_head, KVA(LOOP) | 2);
	ram[LOOP + L.idr.xa_shift] = 12;
	for (int i = 0; i < 64; i++)
		put64(LOOP + L.idr.xa_slots + (uint64_t)i * 8, KVA(i == 5 ? NODE0 : LOOP) | 2);
	/* NODE0 (shift 6) is a legal child once: its maps are found, then the walk ends */
	assert_int_equal(bpfmap_list(&gm, &L, KVA(IDR), m, 8), 5);
	/* a shift that is no multiple of 6, and one above 60 */
	ram[LOOP + L.idr.xa_shift] = 7;
	assert_int_equal(bpfmap_list(&gm, &L, KVA(IDR), m, 8), 0);
	ram[LOOP + L.idr.xa_shift] = 66;
	assert_int_equal(bpfmap_list(&gm, &L, KVA(IDR), m, 8), 0);
}

static int note_index(uint64_t index, uint64_t entry, void *arg)
{
	uint64_t *seen = arg;

	seen[seen[0]++ + 1] = index;
	return seen[0] == 4;
}

/* A root at shift 60 spans 2^66 indices: slots 16..63 lie past 2^64 and are
 * skipped, so indices never wrap around and stay in increasing order. */
static void test_top_shift(void **state)
{
	uint64_t seen[5] = { 0 };

	mkidr();
	put64(IDR + L.idr.idr_xa_head, KVA(LOOP) | 2);
	memset(ram + LOOP + L.idr.xa_slots, 0, 64 * 8);
	ram[LOOP + L.idr.xa_shift] = 60;
	put64(LOOP + L.idr.xa_slots + 1 * 8, KVA(MAP_A));
	put64(LOOP + L.idr.xa_slots + 15 * 8, KVA(MAP_B));
	put64(LOOP + L.idr.xa_slots + 16 * 8, KVA(MAP_C));
	put64(LOOP + L.idr.xa_slots + 63 * 8, KVA(MAP_D));
	assert_int_equal(kidr_walk(&gm, &L.idr, KVA(IDR), note_index, seen), 0);
	assert_int_equal(seen[0], 2);
	assert_true(seen[1] == 1ull << 60);
	assert_true(seen[2] == 15ull << 60);
}

static void test_names(void **state)
{
	assert_true(bpfmap_name_matches("scx_ktst.bss", ".bss"));
	assert_true(bpfmap_name_matches("scx_ktst.bss", "scx_ktst.bss"));
	assert_true(bpfmap_name_matches("scx_ktst.bss", "scx_ktstr.bss"));
	assert_true(bpfmap_name_matches("scx_ktst.bss", "bss"));
	assert_false(bpfmap_name_matches("scx_ktst.bss", "scx_ktstr.data"));
	assert_false(bpfmap_name_matches("scx_ktst.bss", "scx_other.bss"));
	assert_false(bpfmap_name_matches(".rodata.cfg", "x.rodata.cfg.y"));
	assert_false(bpfmap_name_matches(".bss", "scx_ktstr.bss"));
	assert_false(bpfmap_name_matches("bss", ".bss"));
}

static void test_find(void **state)
{
	struct bpfmap m;
	char *err = NULL;

	mkidr();
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), "scx_ktstr.bss", &m, &err), 0);
	assert_int_equal(m.id, 1);
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), ".data", &m, &err), 0);
	assert_int_equal(m.id, 2);
	/* x.bss and scx_ktst.bss; other.bss is a hash map */
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), ".bss", &m, &err), -EEXIST);
	assert_non_null(strstr(err, "scx_ktst.bss (id 1), x.bss (id 64)"));
	free(err);
	err = NULL;
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), ".nosuch", &m, &err), -ENOENT);
	assert_non_null(strstr(err, "among the guest's 5 map(s): scx_ktst.bss, scx_ktst.data"));
	free(err);
	err = NULL;
	assert_int_equal(bpfmap_find(&gm, &L, KVA(RAM * 2), ".bss", &m, &err), -EFAULT);
	free(err);
}

static void test_var_and_access(void **state)
{
	struct bpfmap a, b, c;
	uint32_t off = 0, size = 0, v = 0;
	char *err = NULL;

	mkidr();
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), "scx_ktstr.bss", &a, &err), 0);
	assert_int_equal(bpfmap_var(&gm, &L, &a, "counter", &off, &size, &err), 0);
	assert_int_equal(off, 8);
	assert_int_equal(size, 8);
	assert_int_equal(bpfmap_var(&gm, &L, &a, "nope", &off, &size, &err), -ENOENT);
	assert_string_equal(err, "map scx_ktst.bss has no variable nope");
	free(err);
	err = NULL;
	/* no BTF: by offset only */
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), ".data", &b, &err), 0);
	assert_int_equal(bpfmap_var(&gm, &L, &b, "x", &off, &size, &err), -EFAULT);
	assert_non_null(strstr(err, "address it by offset"));
	free(err);
	err = NULL;
	/* BTF that does not parse, and a size beyond the cap */
	put32(BTF_DATA, 0xdeadbeef);
	assert_int_equal(bpfmap_var(&gm, &L, &a, "knob", &off, &size, &err), -EFAULT);
	assert_non_null(strstr(err, "does not parse"));
	free(err);
	err = NULL;
	put32(BTF_S + L.btf_data_size, BPFMAP_MAX_BTF + 1);
	assert_int_equal(bpfmap_var(&gm, &L, &a, "knob", &off, &size, &err), -EFAULT);
	free(err);
	err = NULL;

	/* every integer of the data section, with its value */
	{
		struct bpfmap_int iv[4];
		int64_t val;

		mkidr(); /* the BTF was corrupted above */
		put32(MAP_A + L.array_value + 4, (uint32_t)-5);
		put64(MAP_A + L.array_value + 8, 1ull << 40);
		assert_int_equal(bpfmap_ints(&gm, &L, &a, iv, 4), 3);
		assert_string_equal(iv[1].name, "neg");
		assert_string_equal(iv[1].map, "scx_ktst.bss");
		assert_int_equal(bpfmap_int_read(&gm, &iv[1], &val), 0);
		assert_int_equal(val, -5);
		assert_int_equal(bpfmap_int_read(&gm, &iv[2], &val), 0);
		assert_int_equal(val, 1ll << 40);
		assert_int_equal(bpfmap_ints(&gm, &L, &a, iv, 1), 1);
		assert_int_equal(bpfmap_ints(&gm, &L, &b, iv, 4), -EINVAL); /* no BTF */
	}
	/* u32 access: inside one element's value only */
	v = 7;
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, 8, true, &v), 0);
	assert_int_equal(*(uint32_t *)(ram + MAP_A + L.array_value + 8), 7);
	v = 0;
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, 8, false, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, 12, false, &v), 0);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, 13, false, &v), -ERANGE);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, 16, false, &v), -ERANGE);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, UINT32_MAX, false, &v), -ERANGE);
	/* 4 elements of 12 bytes in 16-byte slots: 16+8 is in element 1, 16+12 in its padding */
	assert_int_equal(bpfmap_access_u32(&gm, &L, &b, NULL, 0, 16 + 8, false, &v), 0);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &b, NULL, 0, 16 + 12, false, &v), -ERANGE);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &b, NULL, 0, 4 * 16, false, &v), -ERANGE);
	/* .rodata: readable, never written */
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), ".rodata.cfg", &c, &err), 0);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &c, NULL, 0, 0, false, &v), 0);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &c, NULL, 0, 0, true, &v), -EPERM);
	/* a read-only mapping */
	gm.writable = false;
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, 0, true, &v), -EROFS);
	gm.writable = true;
	/* a map pointer the guest corrupted to point outside RAM (and no page tables) */
	a.va = KVA(RAM - 8);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &a, NULL, 0, 8, false, &v), -ENXIO);
}

#define MAP_F 0x15000
#define PCPU 0x40000 /* element i of CPU c at PCPU + i * 0x100 + c * 0x1000 */

static void test_percpu(void **state)
{
	const uint64_t pcpu[2] = { 0, 0x1000 };
	struct bpfmap f;
	uint32_t v = 0;
	char *err = NULL;

	mkidr();
	put64(NODE1 + L.idr.xa_slots + 7 * 8, KVA(MAP_F));
	mkmap(MAP_F, "stats", BPFMAP_TYPE_PERCPU_ARRAY, 0, 8, 2);
	put64(MAP_F + L.array_value, KVA(PCPU));
	put64(MAP_F + L.array_value + 8, KVA(PCPU + 0x100));
	put32(PCPU, 3);
	put32(PCPU + 0x1000, 4);
	put32(PCPU + 0x100 + 4, 10);
	put32(PCPU + 0x1000 + 0x100 + 4, 20);
	assert_int_equal(bpfmap_find(&gm, &L, KVA(IDR), "stats", &f, &err), 0);
	assert_int_equal(f.elem_size, 8);
	/* a read sums the CPUs; elements by offset */
	assert_int_equal(bpfmap_access_u32(&gm, &L, &f, pcpu, 2, 0, false, &v), 0);
	assert_int_equal(v, 7);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &f, pcpu, 2, 8 + 4, false, &v), 0);
	assert_int_equal(v, 30);
	/* a write sets every CPU's copy */
	v = 0;
	assert_int_equal(bpfmap_access_u32(&gm, &L, &f, pcpu, 2, 0, true, &v), 0);
	assert_int_equal(*(uint32_t *)(ram + PCPU + 0x1000), 0);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &f, pcpu, 2, 0, false, &v), 0);
	assert_int_equal(v, 0);
	/* no per-CPU offsets, an element past the end, a per-CPU pointer out of RAM */
	assert_int_equal(bpfmap_access_u32(&gm, &L, &f, NULL, 0, 0, false, &v), -ENXIO);
	assert_int_equal(bpfmap_access_u32(&gm, &L, &f, pcpu, 2, 16, false, &v), -ERANGE);
	put64(MAP_F + L.array_value, KVA(RAM - 2));
	assert_true(bpfmap_access_u32(&gm, &L, &f, pcpu, 2, 0, false, &v) < 0);
}

static uint64_t rnd_state = 0x243f6a8885a308d3ull;
static uint64_t rnd(void)
{
	rnd_state ^= rnd_state << 13;
	rnd_state ^= rnd_state >> 7;
	rnd_state ^= rnd_state << 17;
	return rnd_state;
}

/* A pointer-ish garbage value: in RAM, near it, tagged, or anything. */
static uint64_t garbage(void)
{
	uint64_t r = rnd();

	switch (r % 5) {
	case 0:
		return KVA(rnd() % RAM) | 2;
	case 1:
		return KVA(rnd() % RAM) & ~7ull;
	case 2:
		return KVA(RAM - (rnd() % 64));
	case 3:
		return r & 0xfff;
	default:
		return rnd();
	}
}

static void test_fuzz(void **state)
{
	struct bpfmap m[16], one;
	uint32_t off, size, v;
	char *err;

	for (int round = 0; round < 300; round++) {
		mkidr();
		/* scribble garbage over the nodes, maps and BTF */
		for (int i = 0; i < 200; i++) {
			static const uint64_t at[] = { IDR, NODE0, NODE1, MAP_A, MAP_C, BTF_S };
			uint64_t pa = at[rnd() % 6] + (rnd() % 600 & ~7ull);

			put64(pa, garbage());
			if (rnd() % 4 == 0)
				ram[NODE0 + L.idr.xa_shift] = (uint8_t)rnd();
		}
		assert_true(bpfmap_list(&gm, &L, KVA(IDR), m, 16) <= 16);
		assert_true(bpfmap_list(&gm, &L, garbage(), m, 16) <= 16);
		err = NULL;
		if (!bpfmap_find(&gm, &L, KVA(IDR), "scx_ktstr.bss", &one, &err)) {
			free(err);
			err = NULL;
			if (bpfmap_var(&gm, &L, &one, "counter", &off, &size, &err) == 0)
				assert_true(off + size <= 16);
			bpfmap_access_u32(&gm, &L, &one, NULL, 0, (uint32_t)rnd(), rnd() & 1, &v);
		}
		free(err);
	}
}

/* a made-up bpf_prog layout */
static const struct bpfprog_layout P = {
	.idr = { .idr_xa_head = 8, .xa_shift = 0, .xa_slots = 40 },
	.prog_type = 4, .prog_aux = 16, .prog_stats = 24,
	.aux_name = 32, .aux_verified_insns = 8,
	.stats_cnt = 0, .stats_nsecs = 8,
};

#define PROG_IDR 0x30000
#define PROG_NODE 0x31000
#define PROG(i) (0x32000 + (i) * 0x100)
#define AUX(i) (0x33000 + (i) * 0x100)
#define STATS 0x34000 /* per-CPU copies at STATS + cpu * 0x1000 */

static void mkprog(int i, uint32_t type, const char *name, uint32_t insns, bool stats)
{
	put32(PROG(i) + P.prog_type, type);
	put64(PROG(i) + P.prog_aux, KVA(AUX(i)));
	put64(PROG(i) + P.prog_stats, stats ? KVA(STATS + i * 0x40) : 0);
	strncpy((char *)ram + AUX(i) + P.aux_name, name, 16);
	put32(AUX(i) + P.aux_verified_insns, insns);
}

static void test_progs(void **state)
{
	const uint64_t pcpu[2] = { 0, 0x1000 };
	struct bpfprog p[4];

	memset(ram, 0, RAM);
	put64(PROG_IDR + P.idr.idr_xa_head, KVA(PROG_NODE) | 2);
	ram[PROG_NODE + P.idr.xa_shift] = 0;
	put64(PROG_NODE + P.idr.xa_slots + 1 * 8, KVA(PROG(1)));
	put64(PROG_NODE + P.idr.xa_slots + 2 * 8, KVA(PROG(2)));
	put64(PROG_NODE + P.idr.xa_slots + 3 * 8, KVA(PROG(3)));
	mkprog(1, BPFPROG_TYPE_STRUCT_OPS, "ktstr_dispatch", 138, true);
	mkprog(2, 26 /* BPF_PROG_TYPE_TRACING */, "other", 9, true);
	mkprog(3, BPFPROG_TYPE_STRUCT_OPS, "ktstr_exit", 18, false);
	/* ktstr_dispatch ran 10 + 5 times, 1000 + 2000 ns */
	put64(STATS + 0x40 + P.stats_cnt, 10);
	put64(STATS + 0x40 + P.stats_nsecs, 1000);
	put64(STATS + 0x1000 + 0x40 + P.stats_cnt, 5);
	put64(STATS + 0x1000 + 0x40 + P.stats_nsecs, 2000);

	assert_int_equal(bpfprog_struct_ops(&gm, &P, KVA(PROG_IDR), pcpu, 2, p, 4), 2);
	assert_string_equal(p[0].name, "ktstr_dispatch");
	assert_int_equal(p[0].id, 1);
	assert_int_equal(p[0].cnt, 15);
	assert_int_equal(p[0].nsecs, 3000);
	assert_int_equal(p[0].verified_insns, 138);
	assert_string_equal(p[1].name, "ktstr_exit");
	assert_int_equal(p[1].cnt, 0);
	/* bounded output; garbage aux and stats pointers: skipped or zero, no crash */
	assert_int_equal(bpfprog_struct_ops(&gm, &P, KVA(PROG_IDR), pcpu, 2, p, 1), 1);
	put64(PROG(1) + P.prog_aux, KVA(RAM + 64));
	put64(PROG(3) + P.prog_stats, 0xdead0000beefull);
	assert_int_equal(bpfprog_struct_ops(&gm, &P, KVA(PROG_IDR), pcpu, 2, p, 4), 1);
	assert_int_equal(p[0].cnt, 0);
	assert_int_equal(bpfprog_struct_ops(&gm, &P, KVA(RAM * 4), pcpu, 2, p, 4), -EFAULT);
}

static void test_resolve(void **state)
{
	struct bpfmap_layout l;
	struct btf *b = btf__new_empty();
	char *missing = NULL;

	assert_int_equal(bpfmap_layout_resolve(b, &l, &missing), -ENOENT);
	assert_string_equal(missing, "idr.idr_rt.xa_head");
	free(missing);
	btf__free(b);
	/* the host kernel's own BTF has every field, when it is readable here */
	b = btf__parse("/sys/kernel/btf/vmlinux", NULL);
	if (!b)
		skip();
	missing = NULL;
	assert_int_equal(bpfmap_layout_resolve(b, &l, &missing), 0);
	assert_true(l.array_value > l.array_elem_size);
	{
		struct bpfprog_layout pl;

		assert_int_equal(bpfprog_layout_resolve(b, &pl, &missing), 0);
		assert_int_equal(pl.stats_nsecs, 8);
	}
	btf__free(b);
}

static void test_codec(void **state)
{
	struct map_req rq = { .id = 9, .write = true, .offset = 4, .value = 0xffffffffu }, back;
	struct map_reply rp = { .id = 9, .rc = -ERANGE, .offset = 4 }, rback;
	char *s, *err = NULL;

	strcpy(rq.map, ".bss");
	strcpy(rq.var, "knob");
	s = mapreq_encode(&rq);
	assert_int_equal(mapreq_decode(s, strlen(s), &back, &err), 0);
	free(s);
	assert_memory_equal(&rq, &back, sizeof(rq));
	strcpy(rp.map, "scx_ktst.bss");
	strcpy(rp.error, "outside");
	s = mapreply_encode(&rp);
	assert_int_equal(mapreply_decode(s, strlen(s), &rback, &err), 0);
	free(s);
	assert_memory_equal(&rp, &rback, sizeof(rp));

	static const char *const bad_req[] = {
		"",
		"not json",
		"[1]",
		"{\"id\":1,\"op\":\"read\"}",
		"{\"id\":1,\"op\":\"erase\",\"map\":\".bss\"}",
		"{\"id\":-1,\"op\":\"read\",\"map\":\".bss\"}",
		"{\"id\":1,\"op\":\"read\",\"map\":\".bss\",\"offset\":4294967296}",
		"{\"id\":1,\"op\":\"read\",\"map\":\".bss\",\"value\":\"7\"}",
		"{\"id\":1,\"op\":\"read\",\"map\":\".b\\u0000ss\"}",
		"{\"id\":1,\"op\":\"read\",\"map\":\"0123456789012345678901234567890123456789"
		"012345678901234567890123\"}",
		"{\"id\":1,\"op\":\"read\",\"map\":\".bss\",\"map\":\".data\"}",
	};
	for (size_t i = 0; i < sizeof(bad_req) / sizeof(bad_req[0]); i++) {
		err = NULL;
		assert_int_equal(mapreq_decode(bad_req[i], strlen(bad_req[i]), &back, &err),
				 -EINVAL);
		assert_non_null(err);
		free(err);
	}
	static const char *const bad_reply[] = {
		"{\"id\":1,\"rc\":5}",
		"{\"id\":1,\"rc\":-1,\"value\":-3}",
		"{}}",
	};
	for (size_t i = 0; i < sizeof(bad_reply) / sizeof(bad_reply[0]); i++) {
		err = NULL;
		assert_int_equal(mapreply_decode(bad_reply[i], strlen(bad_reply[i]), &rback, &err),
				 -EINVAL);
		free(err);
	}
}

static int setup(void **state)
{
	const void *host[1];
	uint64_t sizes[1] = { RAM };

	ram = calloc(1, RAM);
	host[0] = ram;
	if (!ram || guestmem_init_ram(&gm, host, sizes, 1))
		return -1;
	guestmem_set_kernel(&gm, 0, PO, 0, 4);
	gm.writable = true;
	return 0;
}

static int teardown(void **state)
{
	free(ram);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_list),	     cmocka_unit_test(test_cycles),
		cmocka_unit_test(test_top_shift),
		cmocka_unit_test(test_names),	     cmocka_unit_test(test_find),
		cmocka_unit_test(test_var_and_access), cmocka_unit_test(test_fuzz),
		cmocka_unit_test(test_percpu),	     cmocka_unit_test(test_progs),	     cmocka_unit_test(test_resolve),	     cmocka_unit_test(test_codec),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
