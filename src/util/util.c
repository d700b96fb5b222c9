// SPDX-License-Identifier: GPL-2.0-only
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int log_verbosity = 1;

static void oom(void)
{
	fputs("ktstr: out of memory\n", stderr);
	abort();
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		oom();
	return p;
}

void *xcalloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		oom();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		oom();
	return p;
}

char *xstrdup(const char *s)
{
	char *p = strdup(s ? s : "");

	if (!p)
		oom();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *p = strndup(s, n);

	if (!p)
		oom();
	return p;
}

char *xvasprintf(const char *fmt, va_list ap)
{
	char *p;

	if (vasprintf(&p, fmt, ap) < 0)
		oom();
	return p;
}

char *xasprintf(const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	return p;
}

void sb_appendn(struct strbuf *sb, const char *s, size_t n)
{
	if (sb->len + n + 1 > sb->cap) {
		sb->cap = MAX(sb->cap * 2, sb->len + n + 64);
		sb->buf = xrealloc(sb->buf, sb->cap);
	}
	memcpy(sb->buf + sb->len, s, n);
	sb->len += n;
	sb->buf[sb->len] = '\0';
}

void sb_append(struct strbuf *sb, const char *s)
{
	sb_appendn(sb, s, strlen(s));
}

void sb_printf(struct strbuf *sb, const char *fmt, ...)
{
	va_list ap;
	char *p;

	va_start(ap, fmt);
	p = xvasprintf(fmt, ap);
	va_end(ap);
	sb_append(sb, p);
	free(p);
}

char *sb_steal(struct strbuf *sb)
{
	char *p = sb->buf ? sb->buf : xstrdup("");

	sb->buf = NULL;
	sb->len = sb->cap = 0;
	return p;
}

void sb_free(struct strbuf *sb)
{
	free(sb->buf);
	sb->buf = NULL;
	sb->len = sb->cap = 0;
}

bool str_starts_with(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

bool str_ends_with(const char *s, const char *suffix)
{
	size_t a = strlen(s), b = strlen(suffix);

	return a >= b && strcmp(s + a - b, suffix) == 0;
}

void str_printable(char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] < ' ' || s[i] > '~')
			s[i] = '?';
}

char *str_trim(char *s)
{
	char *e;

	while (*s == ' ' || *s == '\t' || *s == '\n' || *s == '\r')
		s++;
	e = s + strlen(s);
	while (e > s && (e[-1] == ' ' || e[-1] == '\t' || e[-1] == '\n' || e[-1] == '\r'))
		*--e = '\0';
	return s;
}

bool str_has_word(const char *list, const char *word)
{
	size_t wl = strlen(word);

	for (const char *p = list; p && *p;) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n == wl && !strncmp(p, word, n))
			return true;
		p += n;
	}
	return false;
}

void strv_push(char ***v, size_t *n, char *s)
{
	*v = xrealloc(*v, (*n + 2) * sizeof(**v));
	(*v)[(*n)++] = s;
	(*v)[*n] = NULL;
}

void strv_free(char **v)
{
	for (char **p = v; p && *p; p++)
		free(*p);
	free(v);
}

int str_ptr_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void xqsort(void *base, size_t n, size_t size, int (*cmp)(const void *, const void *))
{
	if (n > 1)
		qsort(base, n, size, cmp);
}

int str_to_u64(const char *s, uint64_t *out)
{
	unsigned long long v;
	char *end;

	if (!s || *s < '0' || *s > '9')
		return -EINVAL;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	if (*end)
		return -EINVAL;
	*out = v;
	return 0;
}

char *str_fmt_double(char buf[STR_DOUBLE_LEN], double v)
{
	if (v > -1e16 && v < 1e16 && v == (double)(int64_t)v) {
		snprintf(buf, STR_DOUBLE_LEN, "%.0f", v);
		return buf;
	}
	for (int prec = 1; prec <= 17; prec++) {
		snprintf(buf, STR_DOUBLE_LEN, "%.*g", prec, v);
		if (strtod(buf, NULL) == v)
			break;
	}
	return buf;
}

char *file_read(const char *path, size_t *len, size_t max_len)
{
	return file_read_at(AT_FDCWD, path, len, max_len);
}

/* Read fd to its end and close it. Past max_len (0 = none): with rest, the
 * bytes beyond the first chunk that would not fit are counted in *rest; without
 * it, EFBIG. */
static char *read_fd(int fd, size_t *len, size_t max_len, uint64_t *rest)
{
	struct strbuf sb = { 0 };
	char chunk[65536];
	ssize_t n;

	if (rest)
		*rest = 0;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			int e = errno;

			close(fd);
			sb_free(&sb);
			errno = e;
			return NULL;
		}
		if (max_len && ((rest && *rest) || sb.len + (size_t)n > max_len)) {
			if (rest) {
				*rest += (uint64_t)n;
				continue;
			}
			close(fd);
			sb_free(&sb);
			errno = EFBIG;
			return NULL;
		}
		sb_appendn(&sb, chunk, (size_t)n);
	}
	close(fd);
	if (len)
		*len = sb.len;
	return sb_steal(&sb);
}

char *file_read_at(int dirfd, const char *path, size_t *len, size_t max_len)
{
	int fd = openat(dirfd, path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? NULL : read_fd(fd, len, max_len, NULL);
}

char *file_read_head(const char *path, size_t *len, size_t max_len, uint64_t *rest)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	return fd < 0 ? NULL : read_fd(fd, len, max_len, rest);
}

char *file_read_line(const char *path)
{
	size_t len;
	char *s = file_read(path, &len, 1 << 20);

	if (!s)
		return NULL;
	while (len && (s[len - 1] == '\n' || s[len - 1] == '\r'))
		s[--len] = '\0';
	return s;
}

int write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;

	while (len) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		p += n;
		len -= (size_t)n;
	}
	return 0;
}

int file_write(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ret;

	if (fd < 0)
		return -errno;
	ret = write_full(fd, data, len);
	if (close(fd) < 0 && !ret)
		ret = -errno;
	return ret;
}

int file_write_str(const char *path, const char *s)
{
	return file_write(path, s, strlen(s));
}

int file_write_atomic(const char *path, const void *data, size_t len)
{
	char *tmp = xasprintf("%s.tmp.%d", path, (int)getpid());
	int fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	int ret;

	if (fd < 0) {
		ret = -errno;
		free(tmp);
		return ret;
	}
	ret = write_full(fd, data, len);
	if (!ret && fsync(fd) < 0)
		ret = -errno;
	if (close(fd) < 0 && !ret)
		ret = -errno;
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret)
		unlink(tmp);
	free(tmp);
	return ret;
}

int mkdir_p(const char *path, mode_t mode)
{
	char *p = xstrdup(path), *s;
	int ret = 0;

	for (s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, mode) < 0 && errno != EEXIST) {
			ret = -errno;
			break;
		}
		*s = '/';
	}
	if (!ret && mkdir(p, mode) < 0 && errno != EEXIST)
		ret = -errno;
	free(p);
	return ret;
}

int rm_rf(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int ret = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -errno;
	if (!S_ISDIR(st.st_mode))
		return unlink(path) < 0 ? -errno : 0;
	d = opendir(path);
	if (!d)
		return -errno;
	while ((de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		char *sub = xasprintf("%s/%s", path, de->d_name);
		int r = rm_rf(sub);

		if (r && !ret)
			ret = r;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) < 0 && !ret)
		ret = -errno;
	return ret;
}

bool path_exists(const char *path)
{
	return access(path, F_OK) == 0;
}

bool path_is_dir(const char *path)
{
	struct stat st;

	return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

char *scratch_dir_new(const char *tag)
{
	const char *tmp = getenv("TMPDIR");
	const char *base = path_is_dir("/dev/shm") ? "/dev/shm" : tmp && *tmp ? tmp : "/tmp";
	char *dir = xasprintf("%s/ktstr-%s-XXXXXX", base, tag);

	if (!mkdtemp(dir)) {
		free(dir);
		return NULL;
	}
	/* the owner: `ktstr cleanup` removes the directories of dead owners only */
	char *pidf = xasprintf("%s/" SCRATCH_OWNER_PID, dir), pid[24];

	snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	file_write_str(pidf, pid);
	free(pidf);
	return dir;
}

int copy_file(const char *src, const char *dst)
{
	size_t len;
	char *data = file_read(src, &len, 0);
	int ret;

	if (!data)
		return -errno;
	ret = file_write(dst, data, len);
	free(data);
	return ret;
}

static uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

uint64_t now_ns(void)
{
	return clock_ns(CLOCK_MONOTONIC);
}

uint64_t now_real_ns(void)
{
	return clock_ns(CLOCK_REALTIME);
}

void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

static void vlog(int level, const char *tag, const char *fmt, va_list ap)
{
	char *msg;

	if (log_verbosity < level)
		return;
	msg = xvasprintf(fmt, ap);
	/* on a terminal, start by clearing a progress line this would land on */
	fprintf(stderr, "%sktstr: %s%s\n", isatty(STDERR_FILENO) ? "\r\033[K" : "", tag, msg);
	free(msg);
}

#define DEFINE_LOG(fn, level, tag)                                                                 \
	void fn(const char *fmt, ...)                                                              \
	{                                                                                          \
		va_list ap;                                                                        \
		va_start(ap, fmt);                                                                 \
		vlog(level, tag, fmt, ap);                                                         \
		va_end(ap);                                                                        \
	}

DEFINE_LOG(log_err, 0, "error: ")
DEFINE_LOG(log_warn, 1, "warning: ")
DEFINE_LOG(log_info, 1, "")
DEFINE_LOG(log_debug, 2, "debug: ")
