// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest-memory walkers over a fake guest RAM built from the input: page
 * tables (guestmem_walk), IDR/radix trees (kidr_walk), BPF maps and their
 * values and value BTF (bpfmap), struct_ops programs (bpfprog), and a CPU's
 * runqueue with the head of its runnable list and event counters (rqread).
 *
 * Input: a 64-byte header, then the RAM (guest physical 0 on). Header, little
 * endian: u32 map_idr, u32 prog_idr, u32 pgd (physical; 0 = no page tables),
 * u8 flags (1: 5-level paging, 2: IDRs through the kernel image mapping,
 * 4: two NUMA nodes), u8 CPUs (mod 5), u16 node split (x 64 bytes), u64 a
 * virtual address to read, u32 rq, u32 scx_sched (physical), u64 x 4 per-CPU
 * offsets. Properties: IDR entries come in increasing index order; map names
 * are printable; a u32 written to an array map reads back.
 */
#include "fuzz.h"

#include "guestram.h"
#include "monitor/kidr.h"
#include "monitor/rqread.h"

#define HDR 64
#define MAX_MAPS 8

struct hdr {
	uint32_t map_idr, prog_idr, pgd;
	uint8_t flags, ncpus;
	uint16_t split;
	uint64_t va;
	uint32_t rq, sch;
	uint64_t pcpu[4];
};

static uint64_t le(const uint8_t *p, unsigned n)
{
	uint64_t v = 0;

	for (unsigned i = 0; i < n; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

static void parse_hdr(const uint8_t *d, struct hdr *h)
{
	h->map_idr = (uint32_t)le(d, 4);
	h->prog_idr = (uint32_t)le(d + 4, 4);
	h->pgd = (uint32_t)le(d + 8, 4);
	h->flags = d[12];
	h->ncpus = d[13] % 5;
	h->split = (uint16_t)le(d + 14, 2);
	h->va = le(d + 16, 8);
	h->rq = (uint32_t)le(d + 24, 4);
	h->sch = (uint32_t)le(d + 28, 4);
	for (int i = 0; i < 4; i++)
		h->pcpu[i] = le(d + 32 + 8 * i, 8);
}

struct order {
	uint64_t last;
	unsigned n;
};

static int in_order(uint64_t index, uint64_t entry, void *arg)
{
	struct order *o = arg;

	FUZZ_CHECK(!o->n || index > o->last);
	FUZZ_CHECK(entry && !(entry & 3));
	o->last = index;
	o->n++;
	return 0;
}

static void maps(const struct guestmem *gm, const struct hdr *h, uint64_t idr)
{
	const struct bpfmap_layout *L = &fuzz_map_layout;
	struct bpfmap m[MAX_MAPS], one;
	struct bpfmap_int ints[8];
	int n = bpfmap_list(gm, L, idr, m, MAX_MAPS);
	char *err = NULL;

	FUZZ_CHECK(n <= MAX_MAPS);
	for (int i = 0; i < n; i++) {
		uint32_t off, size, v = 0x5a5a5a5a, back = 0;
		int k;

		for (const char *p = m[i].name; *p; p++)
			FUZZ_CHECK(*p >= ' ' && *p < 0x7f);
		k = bpfmap_ints(gm, L, &m[i], ints, 8);
		for (int j = 0; j < k; j++) {
			int64_t val;

			(void)bpfmap_int_read(gm, &ints[j], &val);
		}
		if (bpfmap_var(gm, L, &m[i], "knob", &off, &size, &err))
			FUZZ_CHECK(err);
		free(err);
		err = NULL;
		(void)bpfmap_access_u32(gm, L, &m[i], h->pcpu, h->ncpus, 0, false, &back);
		if (!bpfmap_access_u32(gm, L, &m[i], h->pcpu, h->ncpus, 4, true, &v) &&
		    m[i].type == BPFMAP_TYPE_ARRAY) {
			FUZZ_CHECK(!bpfmap_access_u32(gm, L, &m[i], h->pcpu, h->ncpus, 4, false,
						      &back));
			FUZZ_CHECK(back == v);
		}
	}
	if (bpfmap_find(gm, L, idr, ".bss", &one, &err))
		FUZZ_CHECK(err);
	free(err);
}

static void runqueue(const struct guestmem *gm, const struct hdr *h)
{
	struct mon_layout l = {
		.rq_nr_running = 0, .rq_clock = 8, .rq_scx_nr_running = 16,
		.rq_local_dsq_nr = 20, .rq_scx_flags = 24, .rq_runnable_list = 32,
		.see_node = 0x40, .see_at = 0x50, .see_weight = 0x58,
		.sch_pcpu = 8, .sch_event_stats_cpu = MON_OFF_NONE, .pcpu_event_stats = 16,
		.sch_watchdog = MON_OFF_NONE,
	};
	struct monitor_caps caps = { .nr_running = true, .clock = true, .scx_nr_running = true,
				     .local_dsq = true, .scx_flags = true, .runnable_age = true };
	uint64_t ev;

	for (int e = 0; e < MON_EV_N; e++) {
		l.ev[e] = 8 * (uint32_t)e;
		caps.events[e] = true;
	}
	ev = rqread_event_base(gm, &l, gm->page_offset + h->sch);
	for (unsigned c = 0; c < h->ncpus; c++) {
		struct monitor_cpu cpu = { 0 };

		rqread_cpu(gm, &l, &caps, 250, gm->page_offset + h->rq + h->pcpu[c], h->va & 0xffffffff,
			   ev ? ev + h->pcpu[c] : 0, &cpu);
		FUZZ_CHECK(cpu.wait_ms < 1000000000u);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct bpfprog progs[8];
	struct guestmem gm;
	struct order o = { 0 };
	uint64_t base, ramsize, pa;
	uint8_t *ram, buf[64];
	struct hdr h;

	if (size <= HDR)
		return 0;
	parse_hdr(data, &h);
	ramsize = size - HDR;
	ram = malloc(ramsize);
	if (!ram)
		abort();
	memcpy(ram, data + HDR, ramsize);
	fuzz_guestram(&gm, ram, ramsize, h.flags & 4 ? (uint64_t)h.split * 64 : 0);
	guestmem_set_kernel(&gm, 0, 0, h.pgd, h.flags & 1 ? 5 : 4);
	base = h.flags & 2 ? GUESTMEM_KIMG_BASE : gm.page_offset;

	if (!guestmem_walk(&gm, h.va, &pa))
		(void)guestmem_read_pa(&gm, pa, buf, sizeof(buf));
	(void)guestmem_read_va(&gm, h.va, buf, sizeof(buf));
	(void)kidr_walk(&gm, &fuzz_map_layout.idr, base + h.map_idr, in_order, &o);
	maps(&gm, &h, base + h.map_idr);
	(void)bpfprog_struct_ops(&gm, &fuzz_prog_layout, base + h.prog_idr, h.pcpu, h.ncpus, progs,
				 8);
	runqueue(&gm, &h);
	free(ram);
	return 0;
}
