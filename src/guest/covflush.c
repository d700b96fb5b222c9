// SPDX-License-Identifier: GPL-2.0-only
#include "guest/covflush.h"
#include "proto/channel.h"
#include "util/util.h"

#include <errno.h>
#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* Linked in only when the program is instrumented: libgcov's exec wrappers
 * (gcc puts them around every exec* of a --coverage object) call __gcov_dump,
 * the LLVM profile runtime's exit hook __llvm_profile_write_file. A plain
 * fork()+exit() would not do: gcc's fork wrapper zeroes the child's counters. */
extern void __gcov_dump(void) __attribute__((weak));
extern int __llvm_profile_write_file(void) __attribute__((weak));
/* The LLVM runtime reads LLVM_PROFILE_FILE at start-up: init, already running,
 * is told directly. */
extern void __llvm_profile_set_filename(const char *name) __attribute__((weak));

#define COVFLUSH_LLVM_FILE COVFLUSH_DIR "/llvm/%p-%m.profraw"

/* Largest file one CHAN_FILE frame carries (its name takes the rest). */
#define COVFLUSH_FILE_CAP (CHAN_MAX_PAYLOAD - 4096)

bool covflush_instrumented(void)
{
	return __gcov_dump || __llvm_profile_write_file;
}

void covflush_setenv(void)
{
	setenv("GCOV_PREFIX", COVFLUSH_DIR, 1);
	setenv("GCOV_PREFIX_STRIP", "0", 1);
	setenv("LLVM_PROFILE_FILE", COVFLUSH_LLVM_FILE, 1);
	if (__llvm_profile_set_filename)
		__llvm_profile_set_filename(COVFLUSH_LLVM_FILE);
}

void covflush_dump(void)
{
	if (__gcov_dump)
		__gcov_dump();
	if (__llvm_profile_write_file)
		__llvm_profile_write_file();
}

static int walk_port = -1, walk_sent;

static int send_one(const char *path, const struct stat *st, int type, struct FTW *ftw)
{
	const char *rel = path + strlen(COVFLUSH_DIR) + 1;
	size_t nlen = strlen(COVFLUSH_FILE_PREFIX) + strlen(rel), len;
	uint8_t *buf;
	char *data;

	if (type != FTW_F || !S_ISREG(st->st_mode))
		return 0;
	if (nlen > 4000 || (uint64_t)st->st_size > COVFLUSH_FILE_CAP) {
		fprintf(stderr, "ktstr-init: coverage file %s (%lld bytes) too big to send, skipped\n",
			path, (long long)st->st_size);
		return 0;
	}
	data = file_read(path, &len, COVFLUSH_FILE_CAP);
	if (!data) {
		fprintf(stderr, "ktstr-init: cannot read %s: %s\n", path, strerror(errno));
		return 0;
	}
	buf = xmalloc(2 + nlen + len);
	buf[0] = (uint8_t)nlen;
	buf[1] = (uint8_t)(nlen >> 8);
	memcpy(buf + 2, COVFLUSH_FILE_PREFIX, strlen(COVFLUSH_FILE_PREFIX));
	memcpy(buf + 2 + strlen(COVFLUSH_FILE_PREFIX), rel, strlen(rel));
	memcpy(buf + 2 + nlen, data, len);
	if (!chan_send(walk_port, CHAN_FILE, buf, (uint32_t)(2 + nlen + len)))
		walk_sent++;
	free(buf);
	free(data);
	return 0;
}

int covflush_send(int port)
{
	if (covflush_instrumented())
		covflush_dump();
	if (!path_is_dir(COVFLUSH_DIR))
		return 0;
	walk_port = port;
	walk_sent = 0;
	nftw(COVFLUSH_DIR, send_one, 16, FTW_PHYS);
	return walk_sent;
}
