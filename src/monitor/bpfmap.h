/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest kernel's BPF maps, seen from the host through guest memory: walk
 * map_idr (kidr.h), find an array map by name suffix (".bss"), locate a
 * variable in its value by the map's own BTF (the DATASEC of a global data
 * section, or a struct), and read or write a u32 there. This is how a test
 * flips a scheduler's knob from outside the guest mid-run.
 *
 * Every pointer comes from the guest and is treated as garbage until proven
 * otherwise: reads go through guestmem (bounds-checked), the walk is bounded
 * (kidr.h), names are cut at their fixed length, value offsets are checked against the map's size.
 */
#ifndef KTSTR_BPFMAP_H
#define KTSTR_BPFMAP_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stdint.h>

#include "monitor/guestmem.h"
#include "monitor/kidr.h"

struct btf;

#define BPFMAP_NAME_LEN 16      /* BPF_OBJ_NAME_LEN */
#define BPFMAP_TYPE_ARRAY 2     /* BPF_MAP_TYPE_ARRAY */
#define BPFMAP_TYPE_PERCPU_ARRAY 6 /* BPF_MAP_TYPE_PERCPU_ARRAY */
#define BPFMAP_F_RDONLY_PROG (1u << 7)
#define BPFMAP_MAX_BTF (16u << 20)
#define BPFMAP_LIST_MAX 256     /* maps one lookup considers */

/* Field offsets in the guest kernel (from its BTF). */
struct bpfmap_layout {
	struct kidr_layout idr;             /* map_idr */
	uint32_t map_name, map_type, map_flags, map_value_size, map_max_entries;
	uint32_t map_btf, map_btf_value_type_id;
	uint32_t array_elem_size, array_value; /* bpf_array */
	uint32_t btf_data, btf_data_size;   /* struct btf */
};

/* 0, or -ENOENT with *missing ("struct.field", allocated) naming what the BTF lacks. */
int bpfmap_layout_resolve(const struct btf *kbtf, struct bpfmap_layout *l, char **missing);

struct bpfmap {
	uint64_t va;                        /* struct bpf_map (first member of bpf_array) */
	uint32_t id;
	char name[BPFMAP_NAME_LEN + 1];
	uint32_t type, flags, value_size, max_entries, btf_value_type_id;
	uint32_t elem_size;                 /* ARRAY: bytes per element */
	uint64_t btf_va;                    /* struct btf *, 0 = none */
};

/*
 * Every map in the IDR at idr_va (map_idr), in id order, at most max of them.
 * Returns how many were found, or -EFAULT when the IDR itself cannot be read;
 * entries that cannot be read are skipped.
 */
int bpfmap_list(const struct guestmem *gm, const struct bpfmap_layout *l, uint64_t idr_va,
		struct bpfmap *out, unsigned max);
/*
 * Whether the kernel's map name kname answers to want: it ends with want
 * (".bss"), or want is the libbpf name "obj.sec" the kernel knows cut short
 * ("scx_ktstr.bss" is "scx_ktst.bss" in the kernel).
 */
bool bpfmap_name_matches(const char *kname, const char *want);
/*
 * The one ARRAY or PERCPU_ARRAY map whose name matches suffix
 * (bpfmap_name_matches): 0, or -ENOENT (none; *err
 * lists the maps there are) or -EEXIST (several; *err names them).
 */
int bpfmap_find(const struct guestmem *gm, const struct bpfmap_layout *l, uint64_t idr_va,
		const char *suffix, struct bpfmap *out, char **err);
/*
 * Offset and size of `var` in the map's value, from the map's BTF (read from
 * the guest): a variable of a DATASEC value (".bss", ".data") or a member of a
 * struct value. 0 or -ENOENT/-EINVAL/-EFAULT with *err.
 */
int bpfmap_var(const struct guestmem *gm, const struct bpfmap_layout *l, const struct bpfmap *m,
	       const char *var, uint32_t *off, uint32_t *size, char **err);
/* An integer variable of a global data map (.bss, .data, .rodata). */
struct bpfmap_int {
	char map[BPFMAP_NAME_LEN + 1];
	char name[48];
	uint64_t va;       /* guest address of its value */
	uint32_t size;     /* 1, 2, 4 or 8 bytes */
	bool is_signed;
};
/*
 * The integer variables of map m's data section (its value's DATASEC, from
 * the map's BTF), at most max, in section order: the count, or -EINVAL when
 * the map is no global data map. Arrays, structs, bitfields and names that
 * start with "__" (scx compat constants such as __SCX_DSQ_LOCAL) are left out.
 */
int bpfmap_ints(const struct guestmem *gm, const struct bpfmap_layout *l, const struct bpfmap *m,
		struct bpfmap_int *out, unsigned max);
/* Its current value (sign-extended when signed): 0 or -EFAULT. */
int bpfmap_int_read(const struct guestmem *gm, const struct bpfmap_int *v, int64_t *value);

/* An ARRAY or PERCPU_ARRAY map: the two bpfmap_access_u32 serves. */
bool bpfmap_is_array(const struct bpfmap *m);
/*
 * Read or (write) a u32 at byte offset off of the value area (element
 * off / elem_size). For a PERCPU_ARRAY the element exists once per CPU (at
 * its per-CPU pointer plus pcpu_off[cpu]): a read sums the u32 over the ncpus
 * CPUs, a write sets it on each. -ERANGE when it does not lie inside one
 * element's value, -EPERM to write a map BPF programs see read-only (.rodata:
 * the verifier may have folded its values into the code), -ENXIO for a
 * per-CPU map without pcpu_off, -EFAULT/-EROFS from guestmem.
 */
int bpfmap_access_u32(const struct guestmem *gm, const struct bpfmap_layout *l,
		      const struct bpfmap *m, const uint64_t *pcpu_off, unsigned ncpus,
		      uint32_t off, bool write, uint32_t *v);

#endif
