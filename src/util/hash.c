// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/hash.h"
#include "util/sha256.h"
#include "util/util.h"

/* Each part is framed as kind byte + 8-byte little-endian length + bytes. */
enum { PART_BYTES = 'b', PART_STR = 's', PART_NULL = 'n', PART_FILE = 'f' };

struct content_hash {
	struct sha256 c;
};

struct content_hash *content_hash_new(void)
{
	struct content_hash *h = xmalloc(sizeof(*h));

	sha256_init(&h->c);
	return h;
}

static void frame(struct content_hash *h, char kind, uint64_t len)
{
	uint8_t hdr[9];

	hdr[0] = (uint8_t)kind;
	for (int i = 0; i < 8; i++)
		hdr[1 + i] = (uint8_t)(len >> (8 * i));
	sha256_update(&h->c, hdr, sizeof(hdr));
}

void content_hash_bytes(struct content_hash *h, const void *data, size_t len)
{
	frame(h, PART_BYTES, len);
	sha256_update(&h->c, data, len);
}

void content_hash_str(struct content_hash *h, const char *s)
{
	if (!s) {
		frame(h, PART_NULL, 0);
		return;
	}
	frame(h, PART_STR, strlen(s));
	sha256_update(&h->c, s, strlen(s));
}

int content_hash_file(struct content_hash *h, const char *path)
{
	char buf[65536];
	struct stat st;
	uint64_t left;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	if (!S_ISREG(st.st_mode)) {
		close(fd);
		return -EINVAL;
	}
	/* The length goes in first; a file that changes size while read is an error. */
	frame(h, PART_FILE, (uint64_t)st.st_size);
	for (left = (uint64_t)st.st_size; left;) {
		ssize_t n = read(fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			close(fd);
			return n < 0 ? -errno : -EIO;
		}
		sha256_update(&h->c, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	close(fd);
	return 0;
}

void content_hash_final(struct content_hash *h, char out[65])
{
	uint8_t digest[SHA256_LEN];

	sha256_final(&h->c, digest);
	sha256_hex(digest, out);
	free(h);
}
