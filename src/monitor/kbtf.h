/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Struct layouts of the guest kernel from its BTF (the vmlinux .BTF section,
 * or raw BTF such as /sys/kernel/btf/vmlinux), by member name.
 */
#ifndef KTSTR_KBTF_H
#define KTSTR_KBTF_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stddef.h>
#include <stdint.h>

struct btf;

/* Open the BTF of an ELF vmlinux or a raw BTF file: NULL with *err. Free with btf__free(). */
struct btf *kbtf_open(const char *path, char **err);
/* A raw BTF blob (e.g. read from guest memory) whose header is sound, or NULL
 * with errno set. */
struct btf *kbtf_new_raw(const void *data, uint32_t size);

/*
 * Byte offset and size of a member of `struct sname` given by a dotted path
 * ("scx.local_dsq.nr"); members of anonymous structs and unions are found as
 * if they were direct members. 0, -ENOENT (no such struct or member) or
 * -EINVAL (a bitfield, or a path through a non-struct).
 */
int kbtf_member(const struct btf *btf, const char *sname, const char *path, uint32_t *off,
		uint32_t *size);
/* The same in the struct or union of type id `id` (of any BTF). */
int kbtf_member_of(const struct btf *btf, uint32_t id, const char *path, uint32_t *off,
		   uint32_t *size);
/* A member offset to resolve into a layout struct of uint32_t offsets. */
struct kbtf_field {
	const char *sname, *path;
	size_t at; /* offsetof the uint32_t in the layout */
};
#define KBTF_FIELD(sname, path, layout, field) { sname, path, offsetof(layout, field) }
/* Resolve n fields into base: 0, or -ENOENT with *missing ("struct.path", allocated). */
int kbtf_fields(const struct btf *btf, const struct kbtf_field *f, size_t n, void *base,
		char **missing);
/* Size of `struct sname`, or 0 when unknown. */
uint32_t kbtf_struct_size(const struct btf *btf, const char *sname);

#endif
