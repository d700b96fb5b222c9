// SPDX-License-Identifier: GPL-2.0-only
/* Guest RAM through QEMU's memory-backend files; kernel address translation. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/guestmem.h"
#include "util/util.h"

#define PTE_PRESENT 0x1ull
#define PTE_PS 0x80ull
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PAGE_4K 0x1000ull

uint64_t guestmem_q35_lowmem(uint64_t ram_size)
{
	return ram_size >= 0xb0000000ull ? 0x80000000ull : 0xb0000000ull;
}

static void gm_add(struct guestmem *gm, uint64_t gpa, uint64_t size, const uint8_t *host)
{
	if (!size)
		return;
	gm->r[gm->n++] = (struct guestmem_region){ .gpa = gpa, .size = size, .host = host };
}

int guestmem_init_ram(struct guestmem *gm, const void *const *host, const uint64_t *sizes,
		      unsigned nodes)
{
	uint64_t total = 0, off = 0, lowmem;

	if (!nodes || nodes > GUESTMEM_MAX_NODES)
		return -EINVAL;
	gm->n = 0;
	for (unsigned i = 0; i < nodes; i++)
		total += sizes[i];
	lowmem = guestmem_q35_lowmem(total);
	/* RAM offset [off, off+size) of each node, split at lowmem */
	for (unsigned i = 0; i < nodes; off += sizes[i], i++) {
		const uint8_t *h = host[i];
		uint64_t s = sizes[i], lo = 0;

		if (off < lowmem)
			lo = MIN(s, lowmem - off);
		gm_add(gm, off, lo, h);
		/* the rest starts at RAM offset MAX(off, lowmem), mapped above 4 GiB */
		gm_add(gm, GUESTMEM_Q35_4G + MAX(off, lowmem) - lowmem, s - lo, h + lo);
	}
	gm->ram_size = total;
	if (!gm->levels)
		guestmem_set_kernel(gm, 0, 0, 0, 4);
	return 0;
}

int guestmem_open(struct guestmem *gm, const char *dir, const uint64_t *sizes, unsigned nodes,
		  bool writable, char **err)
{
	const void *host[GUESTMEM_MAX_NODES];
	int rc;

	memset(gm, 0, sizeof(*gm));
	if (!nodes || nodes > GUESTMEM_MAX_NODES) {
		*err = xasprintf("bad NUMA node count %u", nodes);
		return -EINVAL;
	}
	for (unsigned i = 0; i < nodes; i++) {
		char *path = xasprintf("%s/ram-node%u", dir, i);
		int fd = open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		struct stat st;
		void *p;

		if (fd < 0 || fstat(fd, &st) || (uint64_t)st.st_size < sizes[i]) {
			rc = fd < 0 ? -errno : -EAGAIN;
			*err = fd < 0 ? xasprintf("%s: %s", path, strerror(errno))
				      : xasprintf("%s: %lld bytes, expected %llu", path,
						  (long long)st.st_size,
						  (unsigned long long)sizes[i]);
			if (fd >= 0)
				close(fd);
			free(path);
			guestmem_close(gm);
			return rc;
		}
		p = mmap(NULL, sizes[i], PROT_READ | (writable ? PROT_WRITE : 0), MAP_SHARED, fd, 0);
		rc = -errno;
		close(fd);
		if (p == MAP_FAILED) {
			*err = xasprintf("mmap %s: %s", path, strerror(-rc));
			free(path);
			guestmem_close(gm);
			return rc;
		}
		free(path);
		gm->map[i] = p;
		gm->map_len[i] = sizes[i];
		gm->nmaps = i + 1;
		host[i] = p;
	}
	gm->writable = writable;
	return guestmem_init_ram(gm, host, sizes, nodes);
}

void guestmem_close(struct guestmem *gm)
{
	for (unsigned i = 0; i < gm->nmaps; i++)
		if (gm->map[i])
			munmap(gm->map[i], gm->map_len[i]);
	memset(gm, 0, sizeof(*gm));
}

const uint8_t *guestmem_host(const struct guestmem *gm, uint64_t pa, size_t len)
{
	for (unsigned i = 0; i < gm->n; i++) {
		const struct guestmem_region *r = &gm->r[i];

		if (pa >= r->gpa && pa - r->gpa < r->size && len <= r->size - (pa - r->gpa))
			return r->host + (pa - r->gpa);
	}
	return NULL;
}

int guestmem_read_pa(const struct guestmem *gm, uint64_t pa, void *buf, size_t len)
{
	const uint8_t *h = guestmem_host(gm, pa, len);

	if (!h)
		return -EFAULT;
	/* the guest writes concurrently: one copy, never a re-read */
	memcpy(buf, (const void *)h, len);
	return 0;
}

void guestmem_set_kernel(struct guestmem *gm, uint64_t phys_base, uint64_t page_offset,
			 uint64_t pgd_pa, unsigned levels)
{
	gm->levels = levels == 5 ? 5 : 4;
	gm->phys_base = phys_base;
	gm->page_offset = page_offset ? page_offset
				      : (gm->levels == 5 ? GUESTMEM_PAGE_OFFSET_L5
							 : GUESTMEM_PAGE_OFFSET_L4);
	gm->pgd_pa = pgd_pa;
}

int guestmem_kimg_pa(const struct guestmem *gm, uint64_t va, uint64_t *pa)
{
	if (va < GUESTMEM_KIMG_BASE || va - GUESTMEM_KIMG_BASE >= GUESTMEM_KIMG_SIZE)
		return -EFAULT;
	*pa = va - GUESTMEM_KIMG_BASE + gm->phys_base;
	return 0;
}

static bool gm_canonical(uint64_t va, unsigned levels)
{
	unsigned bits = levels == 5 ? 57 : 48;
	uint64_t top = va >> (bits - 1);

	return top == 0 || top == (~0ull >> (bits - 1));
}

int guestmem_walk(const struct guestmem *gm, uint64_t va, uint64_t *pa)
{
	uint64_t table = gm->pgd_pa;
	unsigned shift = gm->levels == 5 ? 48 : 39;

	if (!table)
		return -ENXIO;
	if (!gm_canonical(va, gm->levels))
		return -EFAULT;
	for (unsigned level = gm->levels; level >= 1; level--, shift -= 9) {
		uint64_t e;

		if (guestmem_read_pa(gm, (table & PTE_ADDR_MASK) + ((va >> shift) & 511) * 8, &e,
				     sizeof(e)))
			return -EFAULT;
		if (!(e & PTE_PRESENT))
			return -EFAULT;
		/* a large page: 1 GiB at the PUD level, 2 MiB at the PMD level */
		if (level == 1 || ((level == 2 || level == 3) && (e & PTE_PS))) {
			uint64_t mask = (1ull << shift) - 1;

			*pa = ((e & PTE_ADDR_MASK) & ~mask) | (va & mask);
			return 0;
		}
		table = e;
	}
	return -EFAULT; /* not reached */
}

int guestmem_va_pa(const struct guestmem *gm, uint64_t va, uint64_t *pa)
{
	if (!guestmem_kimg_pa(gm, va, pa))
		return 0;
	if (va >= gm->page_offset && guestmem_host(gm, va - gm->page_offset, 1)) {
		*pa = va - gm->page_offset;
		return 0;
	}
	return guestmem_walk(gm, va, pa);
}

int guestmem_read_va(const struct guestmem *gm, uint64_t va, void *buf, size_t len)
{
	uint8_t *out = buf;

	if (len && va + len - 1 < va)
		return -EFAULT;
	while (len) {
		size_t chunk = MIN(len, PAGE_4K - (va & (PAGE_4K - 1)));
		uint64_t pa;
		int rc = guestmem_va_pa(gm, va, &pa);

		if (rc)
			return rc;
		if (guestmem_read_pa(gm, pa, out, chunk))
			return -EFAULT;
		out += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}

int guestmem_read_u64(const struct guestmem *gm, uint64_t va, uint64_t *v)
{
	return guestmem_read_va(gm, va, v, sizeof(*v));
}

int guestmem_read_u32(const struct guestmem *gm, uint64_t va, uint32_t *v)
{
	return guestmem_read_va(gm, va, v, sizeof(*v));
}

/* [va, va+len) page by page: only translated and checked, or (apply) written. */
static int gm_write_piece(const struct guestmem *gm, uint64_t va, size_t len, bool apply,
			  const uint8_t *in)
{
	while (len) {
		size_t chunk = MIN(len, PAGE_4K - (va & (PAGE_4K - 1)));
		const uint8_t *h;
		uint64_t pa;
		int rc = guestmem_va_pa(gm, va, &pa);

		if (rc)
			return rc;
		h = guestmem_host(gm, pa, chunk);
		if (!h)
			return -EFAULT;
		if (apply)
			memcpy((uint8_t *)(uintptr_t)h, in, chunk); /* the mapping is writable */
		in += chunk;
		va += chunk;
		len -= chunk;
	}
	return 0;
}

int guestmem_write_va(const struct guestmem *gm, uint64_t va, const void *buf, size_t len)
{
	int rc;

	if (!gm->writable)
		return -EROFS;
	if (len && va + len - 1 < va)
		return -EFAULT;
	/* translate every piece first: a write is whole or not at all */
	rc = gm_write_piece(gm, va, len, false, buf);
	return rc ? rc : gm_write_piece(gm, va, len, true, buf);
}
