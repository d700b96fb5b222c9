/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef KTSTR_HASH_H
#define KTSTR_HASH_H

#include <stddef.h>

/*
 * Content hash over a list of inputs, for cache keys (VM templates,
 * initramfs). Each part is hashed with its kind and length so ("ab","c") and
 * ("a","bc") differ. Lower-case hex SHA-256 (65 bytes with the NUL).
 */
struct content_hash;
struct content_hash *content_hash_new(void);
void content_hash_bytes(struct content_hash *h, const void *data, size_t len);
void content_hash_str(struct content_hash *h, const char *s); /* NULL hashes differently from "" */
/* The file's contents (not its name or time). -errno if it cannot be read. */
int content_hash_file(struct content_hash *h, const char *path);
/* Finish: hex digest into out[65]; frees h. */
void content_hash_final(struct content_hash *h, char out[65]);

#endif
