/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A test body's request to read or write a u32 in one of the guest kernel's
 * BPF maps from the host (CHAN_MAP_REQ), and the host's answer
 * (CHAN_MAP_REPLY). Both are small JSON objects:
 *   {"id":1,"op":"write","map":".bss","var":"knob","offset":0,"value":7}
 *   {"id":1,"rc":0,"value":7,"map":"scx_ktstr.bss","offset":24}
 *   {"id":1,"rc":-2,"error":"map scx_ktstr.bss has no variable knob"}
 * Decoding is strict: the other side is not trusted.
 */
#ifndef KTSTR_MAPREQ_H
#define KTSTR_MAPREQ_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MAPREQ_NAME_MAX 64
#define MAPREQ_ERROR_MAX 512

struct map_req {
	uint32_t id;
	bool write;
	char map[MAPREQ_NAME_MAX];   /* name suffix of a BPF array map (".bss") */
	char var[MAPREQ_NAME_MAX];   /* variable or member in its value, "" = none */
	uint32_t offset;             /* bytes, added to the variable's offset */
	uint32_t value;              /* write */
};

struct map_reply {
	uint32_t id;
	int rc;                      /* 0 or -errno */
	uint32_t value;              /* read: the value; write: the value written */
	char map[MAPREQ_NAME_MAX];   /* the map's full name */
	uint32_t offset;             /* where in the value area */
	char error[MAPREQ_ERROR_MAX];
};

/* Encoders return allocated JSON text. */
char *mapreq_encode(const struct map_req *rq);
char *mapreply_encode(const struct map_reply *rp);
/* 0, or -EINVAL with *err (allocated) naming what is wrong. */
int mapreq_decode(const void *data, size_t len, struct map_req *rq, char **err);
int mapreply_decode(const void *data, size_t len, struct map_reply *rp, char **err);

#endif
