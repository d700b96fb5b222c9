// SPDX-License-Identifier: GPL-2.0-only
/* Member offsets by name from kernel BTF, through libbpf's BTF API. */
#include <errno.h>
#include <string.h>

#include <bpf/btf.h>

#include "monitor/kbtf.h"
#include "util/util.h"

struct btf *kbtf_open(const char *path, char **err)
{
	struct btf *btf = btf__parse(path, NULL);

	if (!btf) {
		*err = xasprintf("cannot read BTF from %s: %s", path, strerror(errno));
		return NULL;
	}
	return btf;
}

struct btf *kbtf_new_raw(const void *data, uint32_t size)
{
	struct btf_header h = { 0 };

	if (size >= sizeof(h))
		memcpy(&h, data, sizeof(h));
	/* libbpf accepts a header shorter than its struct or an odd one, which
	 * leaves every type at an address misaligned for struct btf_type; a blob
	 * shorter than the header keeps h zeroed and fails the magic test */
	if (h.magic != BTF_MAGIC || h.hdr_len < sizeof(h) || h.hdr_len % 4 || h.type_off % 4) {
		errno = EINVAL;
		return NULL;
	}
	return btf__new(data, size);
}

static int32_t kbtf_struct_id(const struct btf *btf, const char *sname)
{
	int32_t id = btf__find_by_name_kind(btf, sname, BTF_KIND_STRUCT);

	return id > 0 ? id : -ENOENT;
}

/* Find `name` in struct/union `id`, descending into anonymous members. */
static int kbtf_find(const struct btf *btf, uint32_t id, const char *name, size_t nlen,
		     uint32_t *bit_off, uint32_t *type_id, int depth)
{
	const struct btf_type *t = btf__type_by_id(btf, id);
	const struct btf_member *m;

	if (!t || !(btf_is_struct(t) || btf_is_union(t)) || depth > 8)
		return -EINVAL;
	m = btf_members(t);
	for (uint16_t i = 0; i < btf_vlen(t); i++, m++) {
		const char *mn = btf__name_by_offset(btf, m->name_off);
		uint32_t moff = btf_member_bit_offset(t, i);

		if (mn && *mn) {
			if (strlen(mn) != nlen || memcmp(mn, name, nlen))
				continue;
			if (btf_member_bitfield_size(t, i))
				return -EINVAL;
			*bit_off = moff;
			*type_id = m->type;
			return 0;
		}
		/* anonymous struct/union: look inside */
		int32_t inner = btf__resolve_type(btf, m->type);
		uint32_t sub_off;

		if (inner > 0 &&
		    !kbtf_find(btf, (uint32_t)inner, name, nlen, &sub_off, type_id, depth + 1)) {
			*bit_off = moff + sub_off;
			return 0;
		}
	}
	return -ENOENT;
}

int kbtf_member_of(const struct btf *btf, uint32_t id, const char *path, uint32_t *off,
		   uint32_t *size)
{
	uint32_t total = 0, type_id = 0;
	const char *p = path;

	for (;;) {
		size_t n = strcspn(p, ".");
		uint32_t bit_off;
		int32_t resolved;
		int rc;

		if (!n)
			return -EINVAL;
		rc = kbtf_find(btf, (uint32_t)id, p, n, &bit_off, &type_id, 0);
		if (rc)
			return rc;
		if (bit_off % 8)
			return -EINVAL;
		total += bit_off / 8;
		p += n;
		if (!*p)
			break;
		p++;
		resolved = btf__resolve_type(btf, type_id);
		if (resolved <= 0)
			return -EINVAL;
		id = (uint32_t)resolved;
	}
	*off = total;
	if (size) {
		int64_t s = btf__resolve_size(btf, type_id);

		*size = s > 0 ? (uint32_t)s : 0;
	}
	return 0;
}

int kbtf_member(const struct btf *btf, const char *sname, const char *path, uint32_t *off,
		uint32_t *size)
{
	int32_t id = kbtf_struct_id(btf, sname);

	return id < 0 ? -ENOENT : kbtf_member_of(btf, (uint32_t)id, path, off, size);
}

int kbtf_fields(const struct btf *btf, const struct kbtf_field *f, size_t n, void *base,
		char **missing)
{
	for (size_t i = 0; i < n; i++)
		if (!btf || kbtf_member(btf, f[i].sname, f[i].path,
					(uint32_t *)((char *)base + f[i].at), NULL)) {
			*missing = xasprintf("%s.%s", f[i].sname, f[i].path);
			return -ENOENT;
		}
	return 0;
}

uint32_t kbtf_struct_size(const struct btf *btf, const char *sname)
{
	int32_t id = kbtf_struct_id(btf, sname);
	const struct btf_type *t = id > 0 ? btf__type_by_id(btf, (uint32_t)id) : NULL;

	return t ? t->size : 0;
}
