/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * x86 bzImage: the boot protocol header, and the ELF vmlinux inside the
 * compressed payload (zstd or gzip). Everything read from the image is
 * bounds-checked: a truncated or hostile image yields an error, never a read
 * outside the buffer.
 */
#ifndef KTSTR_BZIMAGE_H
#define KTSTR_BZIMAGE_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stddef.h>
#include <stdint.h>

enum bzimage_comp {
	BZIMAGE_COMP_UNKNOWN,
	BZIMAGE_COMP_ZSTD,
	BZIMAGE_COMP_GZIP,
	BZIMAGE_COMP_XZ,
	BZIMAGE_COMP_LZMA,
	BZIMAGE_COMP_BZIP2,
	BZIMAGE_COMP_LZ4,
	BZIMAGE_COMP_LZO,
};

struct bzimage_hdr {
	uint16_t protocol;       /* boot protocol version, e.g. 0x020f */
	uint64_t payload_offset; /* from the start of the file */
	uint64_t payload_length;
	enum bzimage_comp comp;
	char version[128]; /* first word of the kernel_version string, "" if absent */
};

const char *bzimage_comp_name(enum bzimage_comp c);

/* Parse the header of a whole image held in buf. -EINVAL with *err on anything
 * that is not a bzImage (protocol >= 2.08) or whose payload lies outside buf. */
int bzimage_parse(const uint8_t *buf, size_t len, struct bzimage_hdr *out, char **err);
/* Same, for a file. */
int bzimage_read_header(const char *path, struct bzimage_hdr *out, char **err);

/* Decompress the payload of the image at buf into fd (streaming; the ELF is
 * ~60 MB). -ENOTSUP for compressions other than zstd and gzip. */
int bzimage_extract_buf(const uint8_t *buf, size_t len, int fd, char **err);
/* Write the vmlinux of image to out_path (created 0644, replaced). */
int bzimage_extract_vmlinux(const char *image, const char *out_path, char **err);

/* The config embedded by CONFIG_IKCONFIG ("IKCFG_ST" + gzip inside the vmlinux),
 * as text in *text (caller frees). -ENOENT when the kernel has none. Decompresses
 * the whole payload: ~0.5 s for a 60 MB vmlinux. */
int bzimage_ikconfig(const char *image, char **text, char **err);

#endif
