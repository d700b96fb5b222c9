// SPDX-License-Identifier: GPL-2.0-only
/*
 * BPF maps from guest memory. map_idr is an IDR, i.e. an xarray: xa_head is
 * either the only entry (index 0) or a node pointer tagged with 2 in its low
 * bits; a node holds 64 slots covering 64 << shift indices, and its children
 * have shift - 6. Entries with other low bits (values, retry/zero/sibling
 * markers) are not maps.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "monitor/bpfmap.h"
#include "monitor/kbtf.h"
#include "util/util.h"

#define XA_CHUNK_SHIFT 6
#define XA_CHUNK_SIZE (1u << XA_CHUNK_SHIFT)
#define XA_MAX_SHIFT 60 /* 64-bit indices */
#define BPFMAP_LIST_MAX 256

static const struct {
	const char *s, *path;
	size_t at;
} bpfmap_fields[] = {
#define F(s, path, field) { s, path, offsetof(struct bpfmap_layout, field) }
	F("idr", "idr_rt.xa_head", idr_xa_head),
	F("xa_node", "shift", xa_shift),
	F("xa_node", "slots", xa_slots),
	F("bpf_map", "name", map_name),
	F("bpf_map", "map_type", map_type),
	F("bpf_map", "map_flags", map_flags),
	F("bpf_map", "value_size", map_value_size),
	F("bpf_map", "max_entries", map_max_entries),
	F("bpf_map", "btf", map_btf),
	F("bpf_map", "btf_value_type_id", map_btf_value_type_id),
	F("bpf_array", "elem_size", array_elem_size),
	F("bpf_array", "value", array_value),
	F("btf", "data", btf_data),
	F("btf", "data_size", btf_data_size),
#undef F
};

int bpfmap_layout_resolve(const struct btf *kbtf, struct bpfmap_layout *l, char **missing)
{
	for (size_t i = 0; i < ARRAY_SIZE(bpfmap_fields); i++) {
		uint32_t *at = (uint32_t *)((char *)l + bpfmap_fields[i].at);

		if (!kbtf || kbtf_member(kbtf, bpfmap_fields[i].s, bpfmap_fields[i].path, at, NULL)) {
			*missing = xasprintf("%s.%s", bpfmap_fields[i].s, bpfmap_fields[i].path);
			return -ENOENT;
		}
	}
	return 0;
}

struct xa_walk {
	const struct guestmem *gm;
	const struct bpfmap_layout *l;
	unsigned nodes;
	struct bpfmap *out;
	unsigned n, max;
};

static bool xa_is_node(uint64_t e)
{
	return (e & 3) == 2 && e > 4096;
}

static void xa_leaf(struct xa_walk *w, uint64_t index, uint64_t va)
{
	const struct guestmem *gm = w->gm;
	const struct bpfmap_layout *l = w->l;
	struct bpfmap m = { .va = va, .id = (uint32_t)index };

	if (w->n >= w->max || index > UINT32_MAX)
		return;
	if (guestmem_read_va(gm, va + l->map_name, m.name, BPFMAP_NAME_LEN) ||
	    guestmem_read_u32(gm, va + l->map_type, &m.type) ||
	    guestmem_read_u32(gm, va + l->map_flags, &m.flags) ||
	    guestmem_read_u32(gm, va + l->map_value_size, &m.value_size) ||
	    guestmem_read_u32(gm, va + l->map_max_entries, &m.max_entries) ||
	    guestmem_read_u64(gm, va + l->map_btf, &m.btf_va) ||
	    guestmem_read_u32(gm, va + l->map_btf_value_type_id, &m.btf_value_type_id))
		return;
	m.name[BPFMAP_NAME_LEN] = '\0';
	for (char *p = m.name; *p; p++)
		if (*p < ' ' || *p > '~')
			*p = '?';
	if (m.type == BPFMAP_TYPE_ARRAY &&
	    guestmem_read_u32(gm, va + l->array_elem_size, &m.elem_size))
		return;
	w->out[w->n++] = m;
}

/* entry covers indices [index, index + (64 << shift)); children must have a smaller shift */
static void xa_node(struct xa_walk *w, uint64_t node, uint64_t index, unsigned max_shift)
{
	uint64_t slots[XA_CHUNK_SIZE];
	uint8_t shift;

	if (++w->nodes > BPFMAP_MAX_NODES ||
	    guestmem_read_va(w->gm, node + w->l->xa_shift, &shift, 1) || shift > max_shift ||
	    shift % XA_CHUNK_SHIFT ||
	    guestmem_read_va(w->gm, node + w->l->xa_slots, slots, sizeof(slots)))
		return;
	for (unsigned i = 0; i < XA_CHUNK_SIZE; i++) {
		uint64_t e = slots[i], idx = index + ((uint64_t)i << shift);

		if (xa_is_node(e)) {
			if (shift >= XA_CHUNK_SHIFT)
				xa_node(w, e - 2, idx, shift - XA_CHUNK_SHIFT);
		} else if (e && !(e & 3)) {
			xa_leaf(w, idx, e);
		}
	}
}

int bpfmap_list(const struct guestmem *gm, const struct bpfmap_layout *l, uint64_t idr_va,
		struct bpfmap *out, unsigned max)
{
	struct xa_walk w = { .gm = gm, .l = l, .out = out, .max = max };
	uint64_t head;

	if (guestmem_read_u64(gm, idr_va + l->idr_xa_head, &head))
		return -EFAULT;
	if (xa_is_node(head))
		xa_node(&w, head - 2, 0, XA_MAX_SHIFT);
	else if (head && !(head & 3))
		xa_leaf(&w, 0, head);
	return (int)w.n;
}

bool bpfmap_name_matches(const char *kname, const char *want)
{
	size_t a = strlen(kname), b = strlen(want);
	const char *kdot = strchr(kname, '.'), *wdot = strchr(want, '.');

	if (b <= a && !memcmp(kname + a - b, want, b))
		return true;
	/* libbpf cuts the object name of "obj.sec" maps to fit the kernel's 15 bytes */
	return kdot && wdot && kdot > kname && kdot - kname <= wdot - want &&
	       !memcmp(kname, want, (size_t)(kdot - kname)) && !strcmp(kdot, wdot);
}

int bpfmap_find(const struct guestmem *gm, const struct bpfmap_layout *l, uint64_t idr_va,
		const char *suffix, struct bpfmap *out, char **err)
{
	struct bpfmap *all = xcalloc(BPFMAP_LIST_MAX, sizeof(*all));
	struct strbuf names = { 0 }, hits = { 0 };
	int n = bpfmap_list(gm, l, idr_va, all, BPFMAP_LIST_MAX), found = 0;

	if (n < 0) {
		*err = xstrdup("cannot read map_idr in guest memory");
		free(all);
		return n;
	}
	for (int i = 0; i < n; i++) {
		sb_printf(&names, "%s%s", names.len ? ", " : "", all[i].name);
		if (all[i].type != BPFMAP_TYPE_ARRAY || !bpfmap_name_matches(all[i].name, suffix))
			continue;
		sb_printf(&hits, "%s%s (id %u)", hits.len ? ", " : "", all[i].name, all[i].id);
		if (!found++)
			*out = all[i];
	}
	if (!found)
		*err = xasprintf("no BPF array map matches %s among the guest's %d map(s)%s%s", suffix,
				 n, n ? ": " : "", names.len ? names.buf : "");
	else if (found > 1)
		*err = xasprintf("%d BPF array maps end with %s: %s; give a longer suffix", found,
				 suffix, hits.buf);
	sb_free(&names);
	sb_free(&hits);
	free(all);
	return !found ? -ENOENT : found > 1 ? -EEXIST : 0;
}

/* The map's value BTF, copied out of the guest and parsed: NULL with *err. */
static struct btf *bpfmap_btf(const struct guestmem *gm, const struct bpfmap_layout *l,
			      const struct bpfmap *m, char **err)
{
	uint64_t data = 0;
	uint32_t size = 0;
	struct btf *btf;
	void *buf;

	if (!m->btf_va || !m->btf_value_type_id) {
		*err = xasprintf("map %s has no BTF for its value: address it by offset", m->name);
		return NULL;
	}
	if (guestmem_read_u64(gm, m->btf_va + l->btf_data, &data) ||
	    guestmem_read_u32(gm, m->btf_va + l->btf_data_size, &size) || !size ||
	    size > BPFMAP_MAX_BTF) {
		*err = xasprintf("map %s: its BTF cannot be read from guest memory", m->name);
		return NULL;
	}
	buf = xmalloc(size);
	if (guestmem_read_va(gm, data, buf, size)) {
		*err = xasprintf("map %s: its BTF (%u bytes) cannot be read from guest memory",
				 m->name, size);
		free(buf);
		return NULL;
	}
	btf = btf__new(buf, size);
	free(buf);
	if (!btf)
		*err = xasprintf("map %s: its BTF does not parse: %s", m->name, strerror(errno));
	return btf;
}

int bpfmap_var(const struct guestmem *gm, const struct bpfmap_layout *l, const struct bpfmap *m,
	       const char *var, uint32_t *off, uint32_t *size, char **err)
{
	struct btf *btf = bpfmap_btf(gm, l, m, err);
	const struct btf_type *t;
	int rc = -ENOENT;

	if (!btf)
		return -EFAULT;
	t = btf__type_by_id(btf, m->btf_value_type_id);
	if (t && btf_is_datasec(t)) {
		const struct btf_var_secinfo *vs = btf_var_secinfos(t);

		for (uint16_t i = 0; i < btf_vlen(t) && rc; i++, vs++) {
			const struct btf_type *v = btf__type_by_id(btf, vs->type);
			const char *name = v ? btf__name_by_offset(btf, v->name_off) : NULL;

			if (name && !strcmp(name, var)) {
				*off = vs->offset;
				*size = vs->size;
				rc = 0;
			}
		}
	} else if (t && (btf_is_struct(t) || btf_is_union(t))) {
		rc = kbtf_member_of(btf, m->btf_value_type_id, var, off, size);
		if (rc && rc != -ENOENT) {
			*err = xasprintf("map %s: member %s is a bitfield or not a member path",
					 m->name, var);
			btf__free(btf);
			return rc;
		}
	} else {
		*err = xasprintf("map %s: its value is neither a data section nor a struct",
				 m->name);
		btf__free(btf);
		return -EINVAL;
	}
	if (rc)
		*err = xasprintf("map %s has no variable %s", m->name, var);
	btf__free(btf);
	return rc;
}

int bpfmap_access_u32(const struct guestmem *gm, const struct bpfmap_layout *l,
		      const struct bpfmap *m, uint32_t off, bool write, uint32_t *v)
{
	uint64_t at;

	if (m->type != BPFMAP_TYPE_ARRAY || !m->elem_size || m->value_size > m->elem_size ||
	    off / m->elem_size >= m->max_entries || off % m->elem_size + 4 > m->value_size)
		return -ERANGE;
	if (write && (m->flags & BPFMAP_F_RDONLY_PROG))
		return -EPERM;
	at = m->va + l->array_value + off;
	return write ? guestmem_write_va(gm, at, v, sizeof(*v)) : guestmem_read_u32(gm, at, v);
}
