// SPDX-License-Identifier: GPL-2.0-only
#include "runner/covmerge.h"
#include "util/path.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#define GCDA ".gcda"
#define PROFRAW ".profraw"

static bool rel_ok(const char *rel)
{
	if (!*rel || rel[0] == '/' || path_has_dotdot(rel))
		return false;
	for (const char *p = rel; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			return false;
	return str_ends_with(rel, GCDA) || str_ends_with(rel, PROFRAW);
}

int covmerge_stage(const char *stage_dir, const char *rel, size_t rel_len, const void *data,
		   size_t len, size_t *staged, char **err)
{
	char *name = xmalloc(rel_len + 1), *path = NULL, *dir = NULL;
	int r = 0;

	memcpy(name, rel, rel_len);
	name[rel_len] = '\0';
	if (strlen(name) != rel_len || !rel_ok(name)) {
		*err = xasprintf("refused coverage file name '%.200s'", name);
		r = -EINVAL;
		goto out;
	}
	if (*staged + len > COVMERGE_STAGE_CAP) {
		*err = xasprintf("coverage file %s dropped: over %u MiB from one VM", name,
				 COVMERGE_STAGE_CAP >> 20);
		r = -EFBIG;
		goto out;
	}
	path = xasprintf("%s/%s", stage_dir, name);
	dir = path_dirname(path);
	r = mkdir_p(dir, 0755);
	if (!r)
		r = file_write(path, data, len);
	if (r)
		*err = xasprintf("cannot stage %s: %s", path, strerror(-r));
	else
		*staged += len;
out:
	free(name);
	free(path);
	free(dir);
	return r;
}

/* ---- merge ---- */

struct gcda {
	char *staged; /* file from the guest */
	char *target; /* host build-tree file */
	int fd;       /* target, write-locked */
	bool merge;   /* target had counts: sum with gcov-tool */
};

struct apply {
	const char *stage_dir;
	struct gcda *g;
	size_t ng;
	char **raw;
	size_t nraw;
	struct covmerge_stats *st;
	char **err;
	int ret;
};

static struct apply *walk_ctx; /* nftw has no user pointer */

static void problem(struct apply *a, int r, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
static void problem(struct apply *a, int r, const char *fmt, ...)
{
	va_list ap;

	a->st->skipped++;
	if (a->ret)
		return;
	a->ret = r;
	va_start(ap, fmt);
	if (vasprintf(a->err, fmt, ap) < 0)
		*a->err = NULL;
	va_end(ap);
}

static int collect(const char *path, const struct stat *sb, int type, struct FTW *ftw)
{
	struct apply *a = walk_ctx;
	const char *rel = path + strlen(a->stage_dir) + 1;

	if (type != FTW_F || !S_ISREG(sb->st_mode))
		return 0;
	if (str_ends_with(rel, PROFRAW)) {
		a->raw = xrealloc(a->raw, (a->nraw + 1) * sizeof(*a->raw));
		a->raw[a->nraw++] = xstrdup(path);
	} else if (str_ends_with(rel, GCDA)) {
		a->g = xrealloc(a->g, (a->ng + 1) * sizeof(*a->g));
		a->g[a->ng++] = (struct gcda){ xstrdup(path), xasprintf("/%s", rel), -1, false };
	}
	return 0;
}

static int gcda_cmp(const void *x, const void *y)
{
	return strcmp(((const struct gcda *)x)->target, ((const struct gcda *)y)->target);
}

/* Open and write-lock the target the way libgcov does (whole file, F_WRLCK). */
static int gcda_lock(struct gcda *g)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	int fd = open(g->target, O_RDWR | O_CREAT | O_CLOEXEC, 0644), e;

	if (fd < 0)
		return -errno;
	while (fcntl(fd, F_SETLKW, &fl) < 0) {
		if (errno == EINTR)
			continue;
		e = -errno;
		close(fd);
		return e;
	}
	g->fd = fd;
	return 0;
}

static int fd_replace(int fd, const void *data, size_t len)
{
	if (ftruncate(fd, 0) < 0 || lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	return write_full(fd, data, len);
}

static int file_to_fd(const char *path, int fd)
{
	size_t len;
	char *data = file_read(path, &len, 0);
	int r;

	if (!data)
		return -errno;
	r = fd_replace(fd, data, len);
	free(data);
	return r;
}

static int fd_to_file(int fd, const char *path)
{
	struct strbuf sb = { 0 };
	char buf[65536];
	ssize_t n;
	off_t off = 0;
	int r;

	while ((n = pread(fd, buf, sizeof(buf), off)) != 0) {
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			r = -errno;
			sb_free(&sb);
			return r;
		}
		sb_appendn(&sb, buf, (size_t)n);
		off += n;
	}
	r = file_write(path, sb.buf ? sb.buf : "", sb.len);
	sb_free(&sb);
	return r;
}

/* gcov-tool merge A B -o OUT; its messages go to LOG. posix_spawn, not
 * fork+exec: in a --coverage build gcc wraps exec* to dump our counters
 * first, which would wait forever on the .gcda locks we hold. */
static int gcov_tool(const char *tmp)
{
	const char *tool = getenv("KTSTR_GCOV_TOOL");
	char *a = xasprintf("%s/a", tmp), *b = xasprintf("%s/b", tmp), *o = xasprintf("%s/out", tmp);
	char *log = xasprintf("%s/log", tmp);
	char *argv[] = { (char *)(tool && *tool ? tool : "gcov-tool"), "merge", a, b, "-o", o, NULL };
	posix_spawn_file_actions_t fa;
	int status = -1, r;
	pid_t pid;

	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, STDOUT_FILENO, log, O_WRONLY | O_CREAT | O_TRUNC,
					 0644);
	posix_spawn_file_actions_adddup2(&fa, STDOUT_FILENO, STDERR_FILENO);
	r = -posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (!r)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
	free(a);
	free(b);
	free(o);
	free(log);
	if (r)
		return r;
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127)
		return -ENOENT;
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -EIO;
}

static void merge_gcda(struct apply *a)
{
	char *tmp = NULL;
	size_t nmerge = 0;
	int r;

	qsort(a->g, a->ng, sizeof(*a->g), gcda_cmp);
	/* lock in sorted order: two merging processes never wait on each other in a cycle */
	for (size_t i = 0; i < a->ng; i++) {
		struct gcda *g = &a->g[i];
		char *gcno = xasprintf("%.*s.gcno", (int)(strlen(g->target) - strlen(GCDA)), g->target);
		struct stat sb;

		if (!path_exists(gcno)) {
			problem(a, -ENOENT, "%s: no %s on this host (not this build's file)", g->target,
				gcno);
		} else if ((r = gcda_lock(g))) {
			problem(a, r, "cannot lock %s: %s", g->target, strerror(-r));
		} else if (fstat(g->fd, &sb) == 0 && sb.st_size > 0) {
			g->merge = true;
			nmerge++;
		} else if ((r = file_to_fd(g->staged, g->fd))) {
			problem(a, r, "cannot write %s: %s", g->target, strerror(-r));
		} else {
			a->st->gcda_written++;
		}
		free(gcno);
	}
	if (!nmerge)
		goto unlock;

	/* the counts already here, the guest's, and their sum, named by index */
	tmp = xasprintf("%s.merge", a->stage_dir);
	rm_rf(tmp);
	{
		char *da = xasprintf("%s/a", tmp), *db = xasprintf("%s/b", tmp);

		r = mkdir_p(da, 0755);
		if (!r)
			r = mkdir_p(db, 0755);
		free(da);
		free(db);
	}
	for (size_t i = 0; i < a->ng && !r; i++) {
		char *pa, *pb;

		if (!a->g[i].merge)
			continue;
		pa = xasprintf("%s/a/%zu.gcda", tmp, i);
		pb = xasprintf("%s/b/%zu.gcda", tmp, i);
		r = fd_to_file(a->g[i].fd, pa);
		if (!r)
			r = copy_file(a->g[i].staged, pb);
		free(pa);
		free(pb);
	}
	if (!r)
		r = gcov_tool(tmp);
	for (size_t i = 0; i < a->ng; i++) {
		struct gcda *g = &a->g[i];
		char *po;
		int w;

		if (!g->merge)
			continue;
		if (r) {
			problem(a, r, "gcov-tool merge into %s failed: %s%s", g->target, strerror(-r),
				r == -ENOENT ? " (install gcc's gcov-tool or set KTSTR_GCOV_TOOL)" : "");
			continue;
		}
		po = xasprintf("%s/out/%zu.gcda", tmp, i);
		w = file_to_fd(po, g->fd);
		if (w)
			problem(a, w, "gcov-tool gave no merged %s: %s", g->target, strerror(-w));
		else
			a->st->gcda_merged++;
		free(po);
	}
unlock:
	for (size_t i = 0; i < a->ng; i++)
		if (a->g[i].fd >= 0)
			close(a->g[i].fd);
	if (tmp)
		rm_rf(tmp);
	free(tmp);
}

/* Where .profraw files go (the seed's target_dir()). */
static char *profraw_dir(void)
{
	const char *env = getenv("LLVM_COV_TARGET_DIR"), *pf = getenv("LLVM_PROFILE_FILE");
	char *self, *dir;

	if (env && *env)
		return xstrdup(env);
	if (pf && *pf)
		return path_dirname(pf);
	self = realpath("/proc/self/exe", NULL);
	dir = path_dirname(self ? self : ".");
	free(self);
	self = xasprintf("%s/llvm-cov-target", dir);
	free(dir);
	return self;
}

static void place_profraw(struct apply *a)
{
	static unsigned counter; /* process-wide: names stay unique across runs */
	char *dir;
	int r;

	if (!a->nraw)
		return;
	dir = profraw_dir();
	r = mkdir_p(dir, 0755);
	for (size_t i = 0; i < a->nraw; i++) {
		char *dst = xasprintf("%s/ktstr-test-%d-%u.profraw", dir, (int)getpid(), counter++);

		if (!r)
			r = copy_file(a->raw[i], dst);
		if (r)
			problem(a, r, "cannot write %s: %s", dst, strerror(-r));
		else
			a->st->profraw++;
		free(dst);
	}
	free(dir);
}

int covmerge_apply(const char *stage_dir, struct covmerge_stats *st, char **err)
{
	struct apply a = { .stage_dir = stage_dir, .st = st, .err = err };

	memset(st, 0, sizeof(*st));
	*err = NULL;
	if (!path_is_dir(stage_dir))
		return 0;
	walk_ctx = &a;
	nftw(stage_dir, collect, 16, FTW_PHYS);
	walk_ctx = NULL;
	merge_gcda(&a);
	place_profraw(&a);
	for (size_t i = 0; i < a.ng; i++) {
		free(a.g[i].staged);
		free(a.g[i].target);
	}
	for (size_t i = 0; i < a.nraw; i++)
		free(a.raw[i]);
	free(a.g);
	free(a.raw);
	return a.ret;
}
