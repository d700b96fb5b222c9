/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel symbols the host-side monitor needs, taken from the guest's
 * /proc/kallsyms (Debian ships no usable System.map and a vmlinux without a
 * symbol table). The guest filters kallsyms down to ksyms_wanted and sends the
 * lines as one CHAN_KALLSYMS frame; the host parses them strictly.
 */
#ifndef KTSTR_KSYMS_H
#define KTSTR_KSYMS_H

#include <stddef.h>
#include <stdint.h>

/* NULL-terminated. */
extern const char *const ksyms_wanted[];

/*
 * Guest side: read a kallsyms file and keep the "ADDR TYPE NAME" lines of the
 * wanted symbols (module symbols never match). Returns the text (allocated,
 * possibly empty) or NULL with errno when the file cannot be read.
 */
char *ksyms_collect(const char *kallsyms_path);
/*
 * Guest side, fast path: the same lines (type '?') from the kernel's
 * kallsyms_lookup_name through a tiny BPF_PROG_TYPE_SYSCALL program run once
 * per name with BPF_PROG_TEST_RUN, instead of formatting every symbol of
 * /proc/kallsyms (seconds under TCG). NULL with errno when the kernel cannot
 * (no BPF syscall programs, no such helper, no privilege).
 */
char *ksyms_collect_bpf(void);

struct ksyms {
	size_t n;
	struct ksym {
		char name[48];
		uint64_t addr;
	} *v;
};

/*
 * Host side: parse the frame's text. Lines that are malformed, give address
 * 0 or name a symbol not in ksyms_wanted are skipped and counted in *bad (may
 * be NULL); the first occurrence of a name wins, so each name is kept once. Returns 0 (out owns an array).
 */
int ksyms_parse(const char *text, size_t len, struct ksyms *out, unsigned *bad);
/* Address of a symbol, or 0 if the guest did not send it. */
uint64_t ksyms_addr(const struct ksyms *k, const char *name);
void ksyms_free(struct ksyms *k);

#endif
