/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Small helpers shared by every module: allocation that cannot fail silently,
 * strings, files, time and logging. Errors follow the project convention:
 * functions return a negative errno (or NULL with errno set).
 */
#ifndef KTSTR_UTIL_H
#define KTSTR_UTIL_H

#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))
#define MIN(a, b) ((a) < (b) ? (a) : (b))
#define MAX(a, b) ((a) > (b) ? (a) : (b))

/* Allocation: abort with a message on out-of-memory. */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);
char *xasprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
char *xvasprintf(const char *fmt, va_list ap) __attribute__((format(printf, 1, 0)));

/* Growable string buffer. */
struct strbuf {
	char *buf;
	size_t len, cap;
};
void sb_append(struct strbuf *sb, const char *s);
void sb_appendn(struct strbuf *sb, const char *s, size_t n);
void sb_printf(struct strbuf *sb, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
char *sb_steal(struct strbuf *sb); /* returns the string ("" if empty); sb is reset */
void sb_free(struct strbuf *sb);

/* Strings. */
bool str_starts_with(const char *s, const char *prefix);
bool str_ends_with(const char *s, const char *suffix);
/* Make len bytes of untrusted text printable ASCII in place: every other byte,
 * NUL included, becomes '?'. */
void str_printable(char *s, size_t len);
char *str_trim(char *s); /* in place; returns s advanced past leading space */
/* Is word one of the words of list (separated by spaces, tabs or newlines)? */
bool str_has_word(const char *list, const char *word);

/* NULL-terminated string vectors. strv_push appends s (taken over) to *v of *n
 * strings; strv_free frees each string and v (NULL is fine). */
void strv_push(char ***v, size_t *n, char *s);
void strv_free(char **v);
/* qsort that also takes an empty array at NULL (qsort's base must never be NULL). */
void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *));
/* qsort comparator of an array of char *: strcmp order. */
int str_ptr_cmp(const void *a, const void *b);
/* Parse a whole decimal unsigned number; -EINVAL on garbage, -ERANGE on overflow. */
int str_to_u64(const char *s, uint64_t *out);
/* Shortest decimal form that reads back as v ("1000", "0.5", "1e+308"); integers below
 * 1e16 are written out in full. Returns buf. */
#define STR_DOUBLE_LEN 32
char *str_fmt_double(char buf[STR_DOUBLE_LEN], double v);

/* Files. */
/* Read a whole file (NUL-terminated; len excludes the NUL). max_len 0 = no cap. */
char *file_read(const char *path, size_t *len, size_t max_len);
/* The same, path relative to the directory open at dirfd (AT_FDCWD: as file_read). */
char *file_read_at(int dirfd, const char *path, size_t *len, size_t max_len);
/* Read a small sysfs/proc file, trailing newline stripped. */
char *file_read_line(const char *path);
/* Up to max_len bytes of a file of any length, in whole reads of up to 64 KiB
 * (a read that would pass max_len and every one after it is left out); *rest
 * counts the bytes left out. NULL with errno on failure. */
char *file_read_head(const char *path, size_t *len, size_t max_len, uint64_t *rest);
int file_write(const char *path, const void *data, size_t len);
int file_write_str(const char *path, const char *s);
/* Write to path.tmp.PID then rename: readers never see a partial file. */
int file_write_atomic(const char *path, const void *data, size_t len);
int mkdir_p(const char *path, mode_t mode);
int rm_rf(const char *path);
bool path_exists(const char *path);
bool path_is_dir(const char *path);
int copy_file(const char *src, const char *dst);
/*
 * A new scratch directory for one VM, <base>/ktstr-<tag>-XXXXXX, where base is
 * /dev/shm when it exists (the guest RAM files live there and must not be
 * written back to a disk), else $TMPDIR, else /tmp. NULL with errno set.
 * It holds the file SCRATCH_OWNER_PID: the pid of the process that made it.
 */
#define SCRATCH_OWNER_PID "owner.pid"
char *scratch_dir_new(const char *tag);
/* Write all of buf to fd, retrying on EINTR/short writes. */
int write_full(int fd, const void *buf, size_t len);

/* Time. */
uint64_t now_ns(void);      /* CLOCK_MONOTONIC */
uint64_t now_real_ns(void); /* CLOCK_REALTIME */
void sleep_ms(unsigned ms);

/* Logging to stderr with a "ktstr: " prefix. */
void log_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_warn(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_info(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
void log_debug(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
extern int log_verbosity; /* 0 quiet, 1 normal (default), 2 debug */

#endif
