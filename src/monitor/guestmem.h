/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Access to a live guest's RAM from the host, and translation of guest kernel
 * virtual addresses (x86_64, nokaslr). QEMU keeps each NUMA node's RAM in a
 * memory-backend-file <dir>/ram-nodeN. A cold boot shares those files
 * (share=on): they are mapped here. A VM restored from a template maps the
 * template's files privately (share=off, copy-on-write): its RAM exists only
 * in its QEMU process, and is read and written there, through
 * /proc/<pid>/mem at QEMU's own mapping of each file (procmaps.h). Either
 * way the calls below are the same.
 *
 * Guest physical layout (QEMU q35): the node backends are concatenated in node
 * order into one RAM block; its first `lowmem` bytes sit at guest physical 0,
 * the rest at 4 GiB. lowmem is 0xb0000000 when the RAM is smaller than
 * 0xb0000000 (all of it below the PCI hole), else 0x80000000 (pc_q35.c).
 *
 * The guest is not trusted: every access is bounds-checked against the RAM
 * regions and fails with -EFAULT instead of touching anything else; page-table
 * walks are bounded by the number of levels.
 */
#ifndef KTSTR_GUESTMEM_H
#define KTSTR_GUESTMEM_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define GUESTMEM_MAX_NODES 16
#define GUESTMEM_KIMG_BASE 0xffffffff80000000ull  /* __START_KERNEL_map */
#define GUESTMEM_KIMG_SIZE 0x40000000ull          /* KERNEL_IMAGE_SIZE (1 GiB) */
#define GUESTMEM_PAGE_OFFSET_L4 0xffff888000000000ull
#define GUESTMEM_PAGE_OFFSET_L5 0xff11000000000000ull
#define GUESTMEM_Q35_4G 0x100000000ull

struct guestmem_region {
	uint64_t gpa, size;
	uint64_t host; /* address of its first byte: here, or in QEMU (remote) */
};

struct guestmem {
	struct guestmem_region r[2 * GUESTMEM_MAX_NODES]; /* sorted by gpa */
	unsigned n;
	uint64_t ram_size;   /* total bytes of RAM */
	void *map[GUESTMEM_MAX_NODES];
	size_t map_len[GUESTMEM_MAX_NODES];
	unsigned nmaps;
	bool writable;
	bool remote;          /* regions are addresses in QEMU's process, reached through mem_fd */
	int mem_fd;           /* remote: QEMU's /proc/<pid>/mem */
	/* translation state (guestmem_set_kernel) */
	uint64_t phys_base;   /* kernel image load offset (0 with nokaslr at the default address) */
	uint64_t page_offset; /* direct map base */
	uint64_t pgd_pa;      /* physical address of the kernel's top page table, 0 = unknown */
	unsigned levels;      /* 4 or 5 */
};

/* q35's low-RAM size for a total RAM size. */
uint64_t guestmem_q35_lowmem(uint64_t ram_size);

/*
 * Lay out nodes (host buffers in node order, sizes in bytes) as q35 does; the
 * buffers stay owned by the caller. -EINVAL for 0 or too many nodes.
 */
int guestmem_init_ram(struct guestmem *gm, const void *const *host, const uint64_t *sizes,
		      unsigned nodes);

/* A VM's RAM: the files <dir>/ram-node0..nodes-1 of the given sizes. */
struct guestmem_source {
	const char *dir;
	const uint64_t *sizes;
	unsigned nodes;
	bool writable;     /* else writes fail with -EROFS */
	/*
	 * -1: QEMU shares the files (a cold boot): they are mapped here. Else an
	 * open /proc/<pid> directory of the QEMU process running the VM, which maps
	 * the files privately (a restore): its mapping of each is found in its
	 * maps and reached through its mem. Being a directory of that process, not
	 * a pid, it never reaches another process that reuses the pid.
	 */
	int qemu_proc;
};

/*
 * Open the RAM of src. The files must exist with the given sizes (QEMU
 * creates them at start-up: retry until it has), and a QEMU process must have
 * mapped them. Returns 0 or -errno with *err.
 */
int guestmem_open(struct guestmem *gm, const struct guestmem_source *src, char **err);
void guestmem_close(struct guestmem *gm);

/* Whether [pa, pa+len) lies inside one RAM region. */
bool guestmem_is_ram(const struct guestmem *gm, uint64_t pa, size_t len);
/* Copy from guest physical memory: 0 or -EFAULT (out of RAM, or crossing a hole). */
int guestmem_read_pa(const struct guestmem *gm, uint64_t pa, void *buf, size_t len);

/*
 * Translation state: page_offset 0 = the default for the paging levels;
 * pgd_pa 0 = no page-table walks.
 */
void guestmem_set_kernel(struct guestmem *gm, uint64_t phys_base, uint64_t page_offset,
			 uint64_t pgd_pa, unsigned levels);

/* Kernel image address -> physical: -EFAULT outside the image mapping. */
int guestmem_kimg_pa(const struct guestmem *gm, uint64_t va, uint64_t *pa);
/* Software page-table walk from pgd_pa (4K, 2M and 1G pages): -EFAULT when
 * unmapped, non-canonical, or a table lies outside RAM; -ENXIO without a pgd. */
int guestmem_walk(const struct guestmem *gm, uint64_t va, uint64_t *pa);
/* Any kernel address: image, then direct map (when the result is RAM), then a walk. */
int guestmem_va_pa(const struct guestmem *gm, uint64_t va, uint64_t *pa);
/* Copy from guest virtual memory, page by page: 0 or a negative errno. */
int guestmem_read_va(const struct guestmem *gm, uint64_t va, void *buf, size_t len);
int guestmem_read_u64(const struct guestmem *gm, uint64_t va, uint64_t *v);
int guestmem_read_u32(const struct guestmem *gm, uint64_t va, uint32_t *v);
/* Write guest virtual memory (a writable mapping only, else -EROFS); same checks as reads. */
int guestmem_write_va(const struct guestmem *gm, uint64_t va, const void *buf, size_t len);

#endif
