/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Readers of one member of a JSON object, for the decoders of input from the
 * other side of the VM boundary (orders, scheduler events, map requests). An
 * absent or null member leaves *out unchanged and returns 0 (or, when required,
 * fails with "missing"); a member of the wrong type or range returns -EINVAL.
 * Errors name the key after the prefix what ("orders: ", "" for none).
 * And a writer of a JSON document to a file.
 */
#ifndef KTSTR_JSON_H
#define KTSTR_JSON_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <jansson.h>
#include <stdbool.h>
#include <stddef.h>

/* A string member, copied into *out (caller frees). */
int json_get_str(json_t *j, const char *key, bool required, char **out, const char *what,
		 char **err);
/* An integer member in [lo, hi]. */
int json_get_int(json_t *j, const char *key, json_int_t lo, json_int_t hi, json_int_t *out,
		 const char *what, char **err);

/* Write j (indented) as dir/name, dir created if needed, atomically
 * (file_write_atomic). 0, or -errno with *err naming the path. */
int json_write_file(const json_t *j, const char *dir, const char *name, char **err);

struct strbuf;
/* s[0..n) as a quoted JSON string appended to sb, for documents written as
 * text: quotes, backslashes and control characters escaped, NUL and bytes
 * past ASCII as '?' (the input may come from a guest and need not be UTF-8). */
void json_append_str(struct strbuf *sb, const char *s, size_t n);

#endif
