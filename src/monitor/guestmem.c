// SPDX-License-Identifier: GPL-2.0-only
/* Guest RAM through QEMU's memory-backend files or QEMU's own mapping of them;
 * kernel address translation. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "monitor/guestmem.h"
#include "monitor/procmaps.h"
#include "util/util.h"

#define PTE_PRESENT 0x1ull
#define PTE_PS 0x80ull
#define PTE_ADDR_MASK 0x000ffffffffff000ull
#define PAGE_4K 0x1000ull

uint64_t guestmem_q35_lowmem(uint64_t ram_size)
{
	return ram_size >= 0xb0000000ull ? 0x80000000ull : 0xb0000000ull;
}

static void gm_add(struct guestmem *gm, uint64_t gpa, uint64_t size, uint64_t host)
{
	if (!size)
		return;
	gm->r[gm->n++] = (struct guestmem_region){ .gpa = gpa, .size = size, .host = host };
}

/* The q35 layout of nodes whose RAM starts at host[i] (here or in QEMU). */
static int gm_layout(struct guestmem *gm, const uint64_t *host, const uint64_t *sizes,
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
		uint64_t s = sizes[i], lo = 0;

		if (off < lowmem)
			lo = MIN(s, lowmem - off);
		gm_add(gm, off, lo, host[i]);
		/* the rest starts at RAM offset MAX(off, lowmem), mapped above 4 GiB */
		gm_add(gm, GUESTMEM_Q35_4G + MAX(off, lowmem) - lowmem, s - lo, host[i] + lo);
	}
	gm->ram_size = total;
	if (!gm->levels)
		guestmem_set_kernel(gm, 0, 0, 0, 4);
	return 0;
}

int guestmem_init_ram(struct guestmem *gm, const void *const *host, const uint64_t *sizes,
		      unsigned nodes)
{
	uint64_t addr[GUESTMEM_MAX_NODES];

	if (!nodes || nodes > GUESTMEM_MAX_NODES)
		return -EINVAL;
	for (unsigned i = 0; i < nodes; i++)
		addr[i] = (uint64_t)(uintptr_t)host[i];
	gm->remote = false;
	return gm_layout(gm, addr, sizes, nodes);
}

/* A cold boot: map the shared files. */
static int gm_open_files(struct guestmem *gm, const struct guestmem_source *src, char **err)
{
	const void *host[GUESTMEM_MAX_NODES];
	int rc;

	for (unsigned i = 0; i < src->nodes; i++) {
		char *path = xasprintf("%s/ram-node%u", src->dir, i);
		int fd = open(path, (src->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
		struct stat st;
		void *p;

		if (fd < 0 || fstat(fd, &st) || (uint64_t)st.st_size < src->sizes[i]) {
			rc = fd < 0 ? -errno : -EAGAIN;
			*err = fd < 0 ? xasprintf("%s: %s", path, strerror(errno))
				      : xasprintf("%s: %lld bytes, expected %llu", path,
						  (long long)st.st_size,
						  (unsigned long long)src->sizes[i]);
			if (fd >= 0)
				close(fd);
			free(path);
			return rc;
		}
		p = mmap(NULL, src->sizes[i], PROT_READ | (src->writable ? PROT_WRITE : 0),
			 MAP_SHARED, fd, 0);
		rc = -errno;
		close(fd);
		if (p == MAP_FAILED) {
			*err = xasprintf("mmap %s: %s", path, strerror(-rc));
			free(path);
			return rc;
		}
		free(path);
		gm->map[i] = p;
		gm->map_len[i] = src->sizes[i];
		gm->nmaps = i + 1;
		host[i] = p;
	}
	return guestmem_init_ram(gm, host, src->sizes, src->nodes);
}

/* A restore: QEMU's private mapping of each file, through its /proc/<pid>/mem. */
static int gm_open_process(struct guestmem *gm, const struct guestmem_source *src, char **err)
{
	uint64_t addr[GUESTMEM_MAX_NODES];
	size_t len = 0;
	char *maps = file_read_at(src->qemu_proc, "maps", &len, 64u << 20);
	int rc = 0;

	if (!maps) {
		rc = -errno;
		*err = xasprintf("QEMU's /proc maps: %s", strerror(-rc));
		return rc;
	}
	for (unsigned i = 0; i < src->nodes && !rc; i++) {
		char *path = xasprintf("%s/ram-node%u", src->dir, i), *real = realpath(path, NULL);

		rc = real ? procmaps_find(maps, len, real, src->sizes[i], &addr[i]) : -errno;
		/* a mapping past what a file offset (and pread's offset) can address is not RAM */
		if (!rc && (addr[i] > (uint64_t)LLONG_MAX - src->sizes[i]))
			rc = -ERANGE;
		if (rc)
			*err = rc == -EEXIST ? xasprintf("QEMU maps %s twice", path)
					     : xasprintf("QEMU's mapping of %s: %s", path,
							 strerror(-rc));
		free(real);
		free(path);
	}
	free(maps);
	if (rc)
		return rc;
	gm->mem_fd = openat(src->qemu_proc, "mem", (src->writable ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (gm->mem_fd < 0) {
		rc = -errno;
		*err = xasprintf("QEMU's /proc mem: %s", strerror(-rc));
		return rc;
	}
	gm->remote = true;
	return gm_layout(gm, addr, src->sizes, src->nodes);
}

int guestmem_open(struct guestmem *gm, const struct guestmem_source *src, char **err)
{
	int rc;

	memset(gm, 0, sizeof(*gm));
	gm->mem_fd = -1;
	if (!src->nodes || src->nodes > GUESTMEM_MAX_NODES) {
		*err = xasprintf("bad NUMA node count %u", src->nodes);
		return -EINVAL;
	}
	rc = src->qemu_proc >= 0 ? gm_open_process(gm, src, err) : gm_open_files(gm, src, err);
	if (rc) {
		guestmem_close(gm);
		return rc;
	}
	gm->writable = src->writable;
	return 0;
}

void guestmem_close(struct guestmem *gm)
{
	for (unsigned i = 0; i < gm->nmaps; i++)
		if (gm->map[i])
			munmap(gm->map[i], gm->map_len[i]);
	if (gm->remote && gm->mem_fd >= 0)
		close(gm->mem_fd);
	memset(gm, 0, sizeof(*gm));
}

/* Where [pa, pa+len) is (here or in QEMU), when it lies inside one region. */
static bool gm_locate(const struct guestmem *gm, uint64_t pa, size_t len, uint64_t *host)
{
	for (unsigned i = 0; i < gm->n; i++) {
		const struct guestmem_region *r = &gm->r[i];

		if (pa >= r->gpa && pa - r->gpa < r->size && len <= r->size - (pa - r->gpa)) {
			*host = r->host + (pa - r->gpa);
			return true;
		}
	}
	return false;
}

bool guestmem_is_ram(const struct guestmem *gm, uint64_t pa, size_t len)
{
	uint64_t host;

	return gm_locate(gm, pa, len, &host);
}

/* Copy the located bytes at host into buf, in one go: 0 or -EFAULT. */
static int gm_get(const struct guestmem *gm, uint64_t host, void *buf, size_t len)
{
	ssize_t n;

	if (!gm->remote) {
		/* the guest writes concurrently: one copy, never a re-read */
		memcpy(buf, (const void *)(uintptr_t)host, len);
		return 0;
	}
	do
		n = pread(gm->mem_fd, buf, len, (off_t)host);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -EFAULT; /* QEMU gone, or a short copy */
}

/* Copy buf to the located bytes at host (a writable source): 0 or -EFAULT. */
static int gm_put(const struct guestmem *gm, uint64_t host, const void *buf, size_t len)
{
	ssize_t n;

	if (!gm->remote) {
		memcpy((void *)(uintptr_t)host, buf, len);
		return 0;
	}
	do
		n = pwrite(gm->mem_fd, buf, len, (off_t)host);
	while (n < 0 && errno == EINTR);
	return n == (ssize_t)len ? 0 : -EFAULT;
}

int guestmem_read_pa(const struct guestmem *gm, uint64_t pa, void *buf, size_t len)
{
	uint64_t host;

	if (!gm_locate(gm, pa, len, &host))
		return -EFAULT;
	return gm_get(gm, host, buf, len);
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
	if (va >= gm->page_offset && guestmem_is_ram(gm, va - gm->page_offset, 1)) {
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
		uint64_t pa, host;
		int rc = guestmem_va_pa(gm, va, &pa);

		if (rc)
			return rc;
		if (!gm_locate(gm, pa, chunk, &host))
			return -EFAULT;
		if (apply && (rc = gm_put(gm, host, in, chunk)))
			return rc;
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
