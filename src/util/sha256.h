/* SPDX-License-Identifier: GPL-2.0-only */
/* SHA-256 (FIPS 180-4), self-contained: content hashes for caches and kernels. */
#ifndef KTSTR_SHA256_H
#define KTSTR_SHA256_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define SHA256_LEN 32
#define SHA256_HEX_LEN 64

struct sha256 {
	uint32_t h[8];
	uint64_t total; /* bytes hashed so far */
	uint8_t buf[64];
	size_t fill;
};

void sha256_init(struct sha256 *c);
void sha256_update(struct sha256 *c, const void *data, size_t len);
void sha256_final(struct sha256 *c, uint8_t out[SHA256_LEN]);
/* Lower-case hex of a digest into out (SHA256_HEX_LEN + 1 bytes, NUL-terminated). */
void sha256_hex(const uint8_t digest[SHA256_LEN], char out[SHA256_HEX_LEN + 1]);
/* One-shot digest of a buffer. */
void sha256_buf(const void *data, size_t len, uint8_t out[SHA256_LEN]);
/* Digest of a whole file, streamed. Returns 0 or -errno. */
int sha256_file(const char *path, uint8_t out[SHA256_LEN]);
/* The x86 SHA instructions are used when the CPU has them (about 5x faster);
 * tests switch them off to check the generic code. */
bool sha256_accel_available(void);
void sha256_set_accel(bool on);

#endif
