// SPDX-License-Identifier: GPL-2.0-only
/* BPF maps from guest memory: map_idr's entries (kidr.h) are struct bpf_map. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/btf.h>

#include "monitor/bpfmap.h"
#include "monitor/kbtf.h"
#include "monitor/kidr.h"
#include "util/util.h"


/* clang-format off */
static const struct kbtf_field bpfmap_fields[] = {
#define F(s, path, field) KBTF_FIELD(s, path, struct bpfmap_layout, field)
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
/* clang-format on */

int bpfmap_layout_resolve(const struct btf *kbtf, struct bpfmap_layout *l, char **missing)
{
	if (kidr_layout_resolve(kbtf, &l->idr, missing))
		return -ENOENT;
	return kbtf_fields(kbtf, bpfmap_fields, ARRAY_SIZE(bpfmap_fields), l, missing);
}

bool bpfmap_is_array(const struct bpfmap *m)
{
	return m->type == BPFMAP_TYPE_ARRAY || m->type == BPFMAP_TYPE_PERCPU_ARRAY;
}

struct map_list {
	const struct guestmem *gm;
	const struct bpfmap_layout *l;
	struct bpfmap *out;
	unsigned n, max;
};

static int map_leaf(uint64_t index, uint64_t va, void *arg)
{
	struct map_list *w = arg;
	const struct guestmem *gm = w->gm;
	const struct bpfmap_layout *l = w->l;
	struct bpfmap m = { .va = va, .id = (uint32_t)index };

	if (w->n >= w->max)
		return 1;
	if (index > UINT32_MAX ||
	    guestmem_read_va(gm, va + l->map_name, m.name, BPFMAP_NAME_LEN) ||
	    guestmem_read_u32(gm, va + l->map_type, &m.type) ||
	    guestmem_read_u32(gm, va + l->map_flags, &m.flags) ||
	    guestmem_read_u32(gm, va + l->map_value_size, &m.value_size) ||
	    guestmem_read_u32(gm, va + l->map_max_entries, &m.max_entries) ||
	    guestmem_read_u64(gm, va + l->map_btf, &m.btf_va) ||
	    guestmem_read_u32(gm, va + l->map_btf_value_type_id, &m.btf_value_type_id))
		return 0;
	m.name[BPFMAP_NAME_LEN] = '\0';
	str_printable(m.name, strlen(m.name));
	if (bpfmap_is_array(&m) && guestmem_read_u32(gm, va + l->array_elem_size, &m.elem_size))
		return 0;
	w->out[w->n++] = m;
	return 0;
}

int bpfmap_list(const struct guestmem *gm, const struct bpfmap_layout *l, uint64_t idr_va,
		struct bpfmap *out, unsigned max)
{
	struct map_list w = { .gm = gm, .l = l, .out = out, .max = max };
	int rc = kidr_walk(gm, &l->idr, idr_va, map_leaf, &w);

	return rc ? rc : (int)w.n;
}

bool bpfmap_name_matches(const char *kname, const char *want)
{
	const char *kdot = strchr(kname, '.'), *wdot = strchr(want, '.');

	if (str_ends_with(kname, want))
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
		if (!bpfmap_is_array(&all[i]) || !bpfmap_name_matches(all[i].name, suffix))
			continue;
		sb_printf(&hits, "%s%s (id %u)", hits.len ? ", " : "", all[i].name, all[i].id);
		if (!found++)
			*out = all[i];
	}
	if (!found)
		*err = xasprintf("no BPF (per-CPU) array map matches %s among the guest's %d map(s)%s%s", suffix,
				 n, n ? ": " : "", names.len ? names.buf : "");
	else if (found > 1)
		*err = xasprintf("%d BPF array maps match %s: %s; give a longer suffix", found,
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
	btf = kbtf_new_raw(buf, size);
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

int bpfmap_ints(const struct guestmem *gm, const struct bpfmap_layout *l, const struct bpfmap *m,
		struct bpfmap_int *out, unsigned max)
{
	char *err = NULL;
	struct btf *btf = m->type == BPFMAP_TYPE_ARRAY ? bpfmap_btf(gm, l, m, &err) : NULL;
	const struct btf_type *t = btf ? btf__type_by_id(btf, m->btf_value_type_id) : NULL;
	const struct btf_var_secinfo *vs;
	unsigned n = 0;

	free(err);
	if (!t || !btf_is_datasec(t)) {
		btf__free(btf);
		return -EINVAL;
	}
	vs = btf_var_secinfos(t);
	for (uint16_t i = 0; i < btf_vlen(t) && n < max; i++, vs++) {
		const struct btf_type *v = btf__type_by_id(btf, vs->type), *it;
		const char *name = v ? btf__name_by_offset(btf, v->name_off) : NULL;
		int32_t tid = v && btf_is_var(v) ? btf__resolve_type(btf, v->type) : -1;

		it = tid > 0 ? btf__type_by_id(btf, (uint32_t)tid) : NULL;
		/* "__" names are the compat headers' and the compiler's, not the scheduler's */
		if (!name || !strncmp(name, "__", 2) || !it || !btf_is_int(it) ||
		    btf_int_bits(it) != 8 * it->size ||
		    (it->size != 1 && it->size != 2 && it->size != 4 && it->size != 8) ||
		    vs->size != it->size || (uint64_t)vs->offset + vs->size > m->value_size)
			continue;
		out[n] = (struct bpfmap_int){
			.va = m->va + l->array_value + vs->offset,
			.size = it->size,
			.is_signed = btf_int_encoding(it) & BTF_INT_SIGNED,
		};
		snprintf(out[n].map, sizeof(out[n].map), "%s", m->name);
		snprintf(out[n].name, sizeof(out[n].name), "%s", name);
		n++;
	}
	btf__free(btf);
	return (int)n;
}

int bpfmap_int_read(const struct guestmem *gm, const struct bpfmap_int *v, int64_t *value)
{
	uint8_t b[8] = { 0 };
	uint64_t u = 0;

	if (guestmem_read_va(gm, v->va, b, v->size))
		return -EFAULT;
	for (unsigned i = 0; i < v->size; i++)
		u |= (uint64_t)b[i] << (8 * i);
	if (v->is_signed && v->size < 8 && (u >> (8 * v->size - 1)) & 1)
		u |= ~0ull << (8 * v->size); /* sign-extend */
	*value = (int64_t)u;
	return 0;
}

/* A PERCPU_ARRAY element: the u32 at off on every CPU, summed (read) or set (write). */
static int bpfmap_access_percpu(const struct guestmem *gm, uint64_t pptr, uint32_t in,
				const uint64_t *pcpu_off, unsigned ncpus, bool write, uint32_t *v)
{
	uint32_t sum = 0, x;
	int rc;

	if (!pcpu_off || !ncpus)
		return -ENXIO;
	for (unsigned c = 0; c < ncpus; c++) {
		uint64_t at = pptr + pcpu_off[c] + in;

		rc = write ? guestmem_write_va(gm, at, v, sizeof(*v)) : guestmem_read_u32(gm, at, &x);
		if (rc)
			return rc;
		sum += write ? 0 : x; /* wraps like the u32 it is */
	}
	if (!write)
		*v = sum;
	return 0;
}

int bpfmap_access_u32(const struct guestmem *gm, const struct bpfmap_layout *l,
		      const struct bpfmap *m, const uint64_t *pcpu_off, unsigned ncpus,
		      uint32_t off, bool write, uint32_t *v)
{
	uint64_t pptr = 0;
	uint32_t idx;

	if (!bpfmap_is_array(m) || !m->elem_size || m->value_size > m->elem_size ||
	    off / m->elem_size >= m->max_entries || off % m->elem_size + 4 > m->value_size)
		return -ERANGE;
	if (write && (m->flags & BPFMAP_F_RDONLY_PROG))
		return -EPERM;
	idx = off / m->elem_size;
	if (m->type == BPFMAP_TYPE_ARRAY)
		return write ? guestmem_write_va(gm, m->va + l->array_value + off, v, sizeof(*v))
			     : guestmem_read_u32(gm, m->va + l->array_value + off, v);
	/* per-CPU: the element's slot holds its per-CPU pointer */
	if (guestmem_read_u64(gm, m->va + l->array_value + (uint64_t)idx * 8, &pptr) || !pptr)
		return -EFAULT;
	return bpfmap_access_percpu(gm, pptr, off % m->elem_size, pcpu_off, ncpus, write, v);
}
