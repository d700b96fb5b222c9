// SPDX-License-Identifier: GPL-2.0-only
/* Selected /proc/kallsyms symbols: filtered in the guest, parsed on the host. */
#include <errno.h>
#include <stdio.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <linux/bpf.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/ksyms.h"
#include "util/util.h"

const char *const ksyms_wanted[] = {
	"runqueues",
	"__per_cpu_offset",
	"page_offset_base",
	"phys_base",
	"jiffies_64",
	"init_top_pgt",
	"swapper_pg_dir",
	"__pgtable_l5_enabled",
	"nr_cpu_ids",
	"scx_root",
	"scx_watchdog_timeout",
	"map_idr",
	"prog_idr",
	NULL,
};

static bool ksyms_is_wanted(const char *name, size_t len)
{
	for (const char *const *w = ksyms_wanted; *w; w++)
		if (strlen(*w) == len && !memcmp(*w, name, len))
			return true;
	return false;
}

char *ksyms_collect(const char *kallsyms_path)
{
	FILE *f = fopen(kallsyms_path, "re");
	struct strbuf sb = { 0 };
	char line[512];

	if (!f)
		return NULL;
	while (fgets(line, sizeof(line), f)) {
		char *name, *end;

		/* "ffffffff83000000 D name" or "... t name\t[module]" */
		if (strlen(line) < 20 || line[16] != ' ' || line[18] != ' ')
			continue;
		name = line + 19;
		end = name + strcspn(name, " \t\n");
		if (*end == '\t')
			continue; /* a module symbol */
		if (ksyms_is_wanted(name, (size_t)(end - name))) {
			*end = '\0';
			sb_printf(&sb, "%s\n", line);
		}
	}
	fclose(f);
	return sb_steal(&sb);
}

/* The BPF program's context: name in, address and helper return out. */
struct ksyms_bpf_ctx {
	char name[64];
	uint64_t addr;
	int64_t ret;
};

#define KI(c, d, s, o, i) ((struct bpf_insn){ .code = (c), .dst_reg = (d), .src_reg = (s), \
					      .off = (o), .imm = (i) })

char *ksyms_collect_bpf(void)
{
	struct bpf_insn prog[40];
	struct ksyms_bpf_ctx ctx;
	struct strbuf sb = { 0 };
	unsigned n = 0;
	int fd;

	/* r6 = ctx; copy ctx->name to the stack (helper memory must not be ctx) */
	prog[n++] = KI(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_6, BPF_REG_1, 0, 0);
	for (int i = 0; i < 8; i++) {
		prog[n++] = KI(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_0, BPF_REG_6, 8 * i, 0);
		prog[n++] = KI(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_10, BPF_REG_0, -72 + 8 * i, 0);
	}
	prog[n++] = KI(BPF_ST | BPF_MEM | BPF_DW, BPF_REG_10, 0, -80, 0);
	/* bpf_kallsyms_lookup_name(fp-72, 64, 0, fp-80) */
	prog[n++] = KI(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_1, BPF_REG_10, 0, 0);
	prog[n++] = KI(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_1, 0, 0, -72);
	prog[n++] = KI(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_2, 0, 0, 64);
	prog[n++] = KI(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_3, 0, 0, 0);
	prog[n++] = KI(BPF_ALU64 | BPF_MOV | BPF_X, BPF_REG_4, BPF_REG_10, 0, 0);
	prog[n++] = KI(BPF_ALU64 | BPF_ADD | BPF_K, BPF_REG_4, 0, 0, -80);
	prog[n++] = KI(BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_kallsyms_lookup_name);
	/* ctx->addr = *(fp-80); ctx->ret = r0; return 0 */
	prog[n++] = KI(BPF_LDX | BPF_MEM | BPF_DW, BPF_REG_1, BPF_REG_10, -80, 0);
	prog[n++] = KI(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_1, 64, 0);
	prog[n++] = KI(BPF_STX | BPF_MEM | BPF_DW, BPF_REG_6, BPF_REG_0, 72, 0);
	prog[n++] = KI(BPF_ALU64 | BPF_MOV | BPF_K, BPF_REG_0, 0, 0, 0);
	prog[n++] = KI(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);

	LIBBPF_OPTS(bpf_prog_load_opts, lopts, .prog_flags = BPF_F_SLEEPABLE);
	fd = bpf_prog_load(BPF_PROG_TYPE_SYSCALL, "ktstr_ksyms", "GPL", prog, n, &lopts);
	if (fd < 0) {
		errno = -fd;
		return NULL;
	}
	for (const char *const *w = ksyms_wanted; *w; w++) {
		LIBBPF_OPTS(bpf_test_run_opts, ropts, .ctx_in = &ctx, .ctx_size_in = sizeof(ctx));
		int rc;

		memset(&ctx, 0, sizeof(ctx));
		snprintf(ctx.name, sizeof(ctx.name), "%s", *w);
		rc = bpf_prog_test_run_opts(fd, &ropts);
		if (rc) {
			close(fd);
			sb_free(&sb);
			errno = -rc;
			return NULL;
		}
		if (!ctx.ret && ctx.addr)
			sb_printf(&sb, "%016llx ? %s\n", (unsigned long long)ctx.addr, *w);
	}
	close(fd);
	return sb_steal(&sb);
}

int ksyms_parse(const char *text, size_t len, struct ksyms *out, unsigned *bad)
{
	const char *p = text, *end = text + len;
	unsigned nbad = 0;

	memset(out, 0, sizeof(*out));
	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t ll = nl ? (size_t)(nl - p) : (size_t)(end - p);
		char line[128], name[64], type;
		unsigned long long addr;
		int used = 0;

		if (ll && ll < sizeof(line)) {
			memcpy(line, p, ll);
			line[ll] = '\0';
		} else {
			line[0] = '\0';
		}
		p += ll + 1;
		if (!ll)
			continue;
		/* address 0: what an unprivileged reader of kallsyms sees, never a symbol */
		if (sscanf(line, "%16llx %c %63s%n", &addr, &type, name, &used) != 3 ||
		    line[used] != '\0' || !addr || !ksyms_is_wanted(name, strlen(name))) {
			nbad++;
			continue;
		}
		if (ksyms_addr(out, name))
			continue;
		out->v = xrealloc(out->v, (out->n + 1) * sizeof(*out->v));
		snprintf(out->v[out->n].name, sizeof(out->v[out->n].name), "%s", name);
		out->v[out->n++].addr = addr;
	}
	if (bad)
		*bad = nbad;
	return 0;
}

uint64_t ksyms_addr(const struct ksyms *k, const char *name)
{
	for (size_t i = 0; i < k->n; i++)
		if (!strcmp(k->v[i].name, name))
			return k->v[i].addr;
	return 0;
}

void ksyms_free(struct ksyms *k)
{
	free(k->v);
	memset(k, 0, sizeof(*k));
}
