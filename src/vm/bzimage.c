// SPDX-License-Identifier: GPL-2.0-only
/* bzImage header parsing and vmlinux extraction (zstd, gzip). */
#include "vm/bzimage.h"
#include "util/endian.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <zlib.h>
#include <zstd.h>

/* Offsets in the setup header (Documentation/arch/x86/boot.rst). */
#define HDR_SETUP_SECTS 0x1f1
#define HDR_BOOT_FLAG 0x1fe
#define HDR_MAGIC 0x202
#define HDR_VERSION 0x206
#define HDR_KERNEL_VERSION 0x20e
#define HDR_PAYLOAD_OFFSET 0x248
#define HDR_PAYLOAD_LENGTH 0x24c
#define HDR_END 0x250

#define OUT_CHUNK (1u << 20)

static const char *const comp_names[] = {
	[BZIMAGE_COMP_UNKNOWN] = "unknown", [BZIMAGE_COMP_ZSTD] = "zstd",
	[BZIMAGE_COMP_GZIP] = "gzip",	    [BZIMAGE_COMP_XZ] = "xz",
	[BZIMAGE_COMP_LZMA] = "lzma",	    [BZIMAGE_COMP_BZIP2] = "bzip2",
	[BZIMAGE_COMP_LZ4] = "lz4",	    [BZIMAGE_COMP_LZO] = "lzo",
};

const char *bzimage_comp_name(enum bzimage_comp c)
{
	return (size_t)c < ARRAY_SIZE(comp_names) ? comp_names[c] : "unknown";
}

static enum bzimage_comp detect(const uint8_t *p, uint64_t n)
{
	static const struct {
		enum bzimage_comp c;
		uint8_t len;
		uint8_t magic[6];
	} magics[] = {
		{ BZIMAGE_COMP_ZSTD, 4, { 0x28, 0xb5, 0x2f, 0xfd } },
		{ BZIMAGE_COMP_GZIP, 2, { 0x1f, 0x8b } },
		{ BZIMAGE_COMP_XZ, 6, { 0xfd, '7', 'z', 'X', 'Z', 0x00 } },
		{ BZIMAGE_COMP_LZMA, 3, { 0x5d, 0x00, 0x00 } },
		{ BZIMAGE_COMP_BZIP2, 3, { 'B', 'Z', 'h' } },
		{ BZIMAGE_COMP_LZ4, 4, { 0x02, 0x21, 0x4c, 0x18 } },
		{ BZIMAGE_COMP_LZO, 4, { 0x89, 'L', 'Z', 'O' } },
	};

	for (size_t i = 0; i < ARRAY_SIZE(magics); i++)
		if (n >= magics[i].len && !memcmp(p, magics[i].magic, magics[i].len))
			return magics[i].c;
	return BZIMAGE_COMP_UNKNOWN;
}

static int fail(char **err, const char *msg)
{
	if (err)
		*err = xstrdup(msg);
	return -EINVAL;
}

int bzimage_parse(const uint8_t *buf, size_t len, struct bzimage_hdr *out, char **err)
{
	uint64_t setup_sects, prot, off, plen;
	uint16_t kv;

	memset(out, 0, sizeof(*out));
	if (len < HDR_END)
		return fail(err, "too short for a bzImage header");
	if (le16(buf + HDR_BOOT_FLAG) != 0xaa55 || memcmp(buf + HDR_MAGIC, "HdrS", 4))
		return fail(err, "not a bzImage (no boot flag or HdrS magic)");
	out->protocol = le16(buf + HDR_VERSION);
	if (out->protocol < 0x208)
		return fail(err, "boot protocol older than 2.08 (no payload fields)");
	setup_sects = buf[HDR_SETUP_SECTS] ? buf[HDR_SETUP_SECTS] : 4;
	prot = (setup_sects + 1) * 512;
	off = prot + le32(buf + HDR_PAYLOAD_OFFSET);
	plen = le32(buf + HDR_PAYLOAD_LENGTH);
	if (prot > len || off > len || plen > len - off || plen == 0)
		return fail(err, "payload lies outside the image (truncated?)");
	out->payload_offset = off;
	out->payload_length = plen;
	out->comp = detect(buf + off, plen);

	/* kernel_version: offset from 0x200 to a NUL-terminated string in the setup code. */
	kv = le16(buf + HDR_KERNEL_VERSION);
	if (kv && (uint64_t)kv + 0x200 < MIN(len, prot)) {
		const uint8_t *s = buf + kv + 0x200;
		size_t max = MIN(MIN(len, prot) - (kv + 0x200), sizeof(out->version) - 1), i;

		for (i = 0; i < max && s[i] > ' ' && s[i] < 0x7f; i++)
			out->version[i] = (char)s[i];
		out->version[i] = '\0';
	}
	return 0;
}

struct mapped {
	uint8_t *p;
	size_t len;
};

static int map_file(const char *path, struct mapped *m, char **err)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), ret;

	m->p = NULL;
	m->len = 0;
	if (fd < 0 || fstat(fd, &st) < 0) {
		ret = -errno;
		if (fd >= 0)
			close(fd);
		if (err)
			*err = xasprintf("%s: %s", path, strerror(-ret));
		return ret;
	}
	if (st.st_size == 0) {
		close(fd);
		if (err)
			*err = xasprintf("%s: empty file", path);
		return -EINVAL;
	}
	m->len = (size_t)st.st_size;
	m->p = mmap(NULL, m->len, PROT_READ, MAP_PRIVATE, fd, 0);
	close(fd);
	if (m->p == MAP_FAILED) {
		ret = -errno;
		m->p = NULL;
		if (err)
			*err = xasprintf("%s: mmap: %s", path, strerror(-ret));
		return ret;
	}
	return 0;
}

static void unmap_file(struct mapped *m)
{
	if (m->p)
		munmap(m->p, m->len);
}

int bzimage_read_header(const char *path, struct bzimage_hdr *out, char **err)
{
	struct mapped m;
	char *e = NULL;
	int ret = map_file(path, &m, err);

	if (ret)
		return ret;
	ret = bzimage_parse(m.p, m.len, out, &e);
	if (ret && err)
		*err = xasprintf("%s: %s", path, e);
	free(e);
	unmap_file(&m);
	return ret;
}

static int extract_zstd(const uint8_t *in, size_t len, int fd, char **err)
{
	ZSTD_DCtx *dctx = ZSTD_createDCtx();
	uint8_t *obuf = xmalloc(OUT_CHUNK);
	ZSTD_inBuffer ib;
	uint64_t total = 0;
	uint32_t expect;
	size_t r = 1;
	int ret = 0;

	/* The kernel build appends the uncompressed size (u32 LE) to the frame. */
	if (len < 8) {
		ret = fail(err, "zstd payload too short");
		goto out;
	}
	expect = le32(in + len - 4);
	ib = (ZSTD_inBuffer){ in, len - 4, 0 };
	if (!dctx || ZSTD_isError(ZSTD_DCtx_setParameter(dctx, ZSTD_d_windowLogMax, 31))) {
		ret = fail(err, "zstd: cannot set up the decompressor");
		goto out;
	}
	while (ib.pos < ib.size) {
		ZSTD_outBuffer ob = { obuf, OUT_CHUNK, 0 };

		r = ZSTD_decompressStream(dctx, &ob, &ib);
		if (ZSTD_isError(r)) {
			if (err)
				*err = xasprintf("zstd: %s", ZSTD_getErrorName(r));
			ret = -EINVAL;
			goto out;
		}
		ret = write_full(fd, obuf, ob.pos);
		if (ret) {
			if (err)
				*err = xasprintf("write: %s", strerror(-ret));
			goto out;
		}
		total += ob.pos;
		if (r == 0)
			break;
	}
	/* Flush what the decoder still holds once the input is consumed. */
	while (r != 0) {
		ZSTD_outBuffer ob = { obuf, OUT_CHUNK, 0 };

		r = ZSTD_decompressStream(dctx, &ob, &ib);
		if (ZSTD_isError(r) || ob.pos == 0) {
			ret = fail(err, "zstd: payload ends inside a frame (truncated?)");
			goto out;
		}
		ret = write_full(fd, obuf, ob.pos);
		if (ret)
			goto out;
		total += ob.pos;
	}
	if ((uint32_t)total != expect) {
		if (err)
			*err = xasprintf("zstd: decompressed %llu bytes, the image says %u",
					 (unsigned long long)total, expect);
		ret = -EINVAL;
	}
out:
	ZSTD_freeDCtx(dctx);
	free(obuf);
	return ret;
}

static int extract_gzip(const uint8_t *in, size_t len, int fd, char **err)
{
	uint8_t *obuf = xmalloc(OUT_CHUNK);
	z_stream zs = { 0 };
	int zr = Z_OK, ret = 0;

	if (inflateInit2(&zs, 15 + 16) != Z_OK) {
		free(obuf);
		return fail(err, "gzip: cannot set up the decompressor");
	}
	zs.next_in = (Bytef *)in;
	while (zr != Z_STREAM_END) {
		/* avail_in is 32-bit: feed at most 1 GiB at a time. */
		if (zs.avail_in == 0) {
			size_t left = len - (size_t)((const uint8_t *)zs.next_in - in);

			zs.avail_in = (uInt)MIN(left, (size_t)1 << 30);
		}
		zs.next_out = obuf;
		zs.avail_out = OUT_CHUNK;
		zr = inflate(&zs, Z_NO_FLUSH);
		if (zr != Z_OK && zr != Z_STREAM_END) {
			if (err)
				*err = xasprintf("gzip: %s", zr == Z_BUF_ERROR ?
							   "payload ends inside the stream (truncated?)" :
							   (zs.msg ? zs.msg : "corrupt data"));
			ret = -EINVAL;
			break;
		}
		ret = write_full(fd, obuf, OUT_CHUNK - zs.avail_out);
		if (ret) {
			if (err)
				*err = xasprintf("write: %s", strerror(-ret));
			break;
		}
	}
	inflateEnd(&zs);
	free(obuf);
	return ret;
}

int bzimage_extract_buf(const uint8_t *buf, size_t len, int fd, char **err)
{
	struct bzimage_hdr h;
	const uint8_t *p;
	int ret = bzimage_parse(buf, len, &h, err);

	if (ret)
		return ret;
	p = buf + h.payload_offset;
	switch (h.comp) {
	case BZIMAGE_COMP_ZSTD:
		return extract_zstd(p, h.payload_length, fd, err);
	case BZIMAGE_COMP_GZIP:
		return extract_gzip(p, h.payload_length, fd, err);
	default:
		if (err)
			*err = xasprintf("unsupported compression: %s (zstd and gzip are supported)",
					 bzimage_comp_name(h.comp));
		return -ENOTSUP;
	}
}

int bzimage_extract_vmlinux(const char *image, const char *out_path, char **err)
{
	static const uint8_t elfmag[4] = { 0x7f, 'E', 'L', 'F' };
	struct mapped m;
	uint8_t head[4];
	char *e = NULL;
	int fd, ret = map_file(image, &m, err);

	if (ret)
		return ret;
	fd = open(out_path, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		ret = -errno;
		if (err)
			*err = xasprintf("%s: %s", out_path, strerror(-ret));
		unmap_file(&m);
		return ret;
	}
	ret = bzimage_extract_buf(m.p, m.len, fd, &e);
	if (!ret && (pread(fd, head, sizeof(head), 0) != sizeof(head) ||
		     memcmp(head, elfmag, sizeof(head)))) {
		e = xstrdup("the decompressed payload is not an ELF file");
		ret = -EINVAL;
	}
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (ret) {
		if (err)
			*err = xasprintf("%s: %s", image, e ? e : strerror(-ret));
		unlink(out_path);
	}
	free(e);
	unmap_file(&m);
	return ret;
}

/* Read the whole of fd (from offset 0) into a NUL-terminated buffer. */
static char *read_fd(int fd, size_t *len)
{
	struct strbuf sb = { 0 };
	char chunk[65536];
	ssize_t n;

	if (lseek(fd, 0, SEEK_SET) < 0)
		return NULL;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			sb_free(&sb);
			return NULL;
		}
		sb_appendn(&sb, chunk, (size_t)n);
	}
	*len = sb.len;
	return sb_steal(&sb);
}

int bzimage_ikconfig(const char *image, char **text, char **err)
{
	static const char start[] = "IKCFG_ST";
	int vfd = -1, cfd = -1, ret;
	struct mapped m, v = { 0 };
	const uint8_t *at;
	char *e = NULL;
	size_t len;

	*text = NULL;
	ret = map_file(image, &m, err);
	if (ret)
		return ret;
	vfd = memfd_create("vmlinux", MFD_CLOEXEC);
	cfd = memfd_create("ikconfig", MFD_CLOEXEC);
	if (vfd < 0 || cfd < 0) {
		ret = -errno;
		e = xasprintf("memfd_create: %s", strerror(-ret));
		goto out;
	}
	ret = bzimage_extract_buf(m.p, m.len, vfd, &e);
	if (ret)
		goto out;
	v.len = (size_t)lseek(vfd, 0, SEEK_END);
	v.p = v.len ? mmap(NULL, v.len, PROT_READ, MAP_PRIVATE, vfd, 0) : MAP_FAILED;
	if (v.p == MAP_FAILED) {
		v.p = NULL;
		ret = -EINVAL;
		e = xstrdup("empty or unmappable vmlinux");
		goto out;
	}
	/* kernel/configs.c: "IKCFG_ST" gzip-data "IKCFG_ED". */
	at = memmem(v.p, v.len, start, sizeof(start) - 1);
	if (!at) {
		ret = -ENOENT;
		e = xstrdup("no embedded config (CONFIG_IKCONFIG is not set)");
		goto out;
	}
	at += sizeof(start) - 1;
	ret = extract_gzip(at, v.len - (size_t)(at - v.p), cfd, &e);
	if (!ret) {
		*text = read_fd(cfd, &len);
		if (!*text) {
			ret = -errno;
			e = xasprintf("reading the embedded config: %s", strerror(-ret));
		}
	}
out:
	if (ret && err)
		*err = xasprintf("%s: %s", image, e ? e : strerror(-ret));
	free(e);
	unmap_file(&v);
	unmap_file(&m);
	if (vfd >= 0)
		close(vfd);
	if (cfd >= 0)
		close(cfd);
	return ret;
}
