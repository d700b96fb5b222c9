// SPDX-License-Identifier: GPL-2.0-only
/*
 * newc cpio writer. Entries live in memory (paths, modes, small data, and the
 * host path + stat identity of files) until initramfs_write() streams them out
 * in path order; parents sort before their children.
 */
#include "vm/initramfs.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/sendfile.h>
#include <sys/stat.h>

#include "util/path.h"
#include "util/sha256.h"
#include "util/util.h"
#include "vm/elfdeps.h"

enum ir_kind { IR_DIR, IR_FILE, IR_DATA, IR_SYMLINK };

struct ir_ent {
	char *path; /* guest path without the leading '/' */
	enum ir_kind kind;
	mode_t perm;
	bool explicit_dir;
	/* IR_FILE: host file and its identity when added */
	char *host;
	struct stat st;
	/* IR_DATA */
	uint8_t *data;
	size_t len;
	/* IR_SYMLINK */
	char *target;
	bool have_digest; /* IR_FILE, IR_DATA */
	uint8_t digest[SHA256_LEN];
};

struct initramfs {
	struct ir_ent **ents;
	size_t n, cap;
	size_t *tab; /* open addressing: index + 1 into ents, 0 = empty */
	size_t tabcap;
};

#define IR_HASH_VERSION "ktstr-initramfs-newc-1\n"

struct initramfs *initramfs_new(void)
{
	struct initramfs *ir = xcalloc(1, sizeof(*ir));

	ir->tabcap = 256;
	ir->tab = xcalloc(ir->tabcap, sizeof(size_t));
	return ir;
}

static void ent_free(struct ir_ent *e)
{
	free(e->path);
	free(e->host);
	free(e->data);
	free(e->target);
	free(e);
}

void initramfs_free(struct initramfs *ir)
{
	size_t i;

	if (!ir)
		return;
	for (i = 0; i < ir->n; i++)
		ent_free(ir->ents[i]);
	free(ir->ents);
	free(ir->tab);
	free(ir);
}

size_t initramfs_count(const struct initramfs *ir)
{
	return ir->n;
}

static size_t path_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 1099511628211ull;
	return (size_t)h;
}

static struct ir_ent *lookup(struct initramfs *ir, const char *path)
{
	size_t i = path_hash(path) & (ir->tabcap - 1);

	for (; ir->tab[i]; i = (i + 1) & (ir->tabcap - 1))
		if (!strcmp(ir->ents[ir->tab[i] - 1]->path, path))
			return ir->ents[ir->tab[i] - 1];
	return NULL;
}

static void tab_put(struct initramfs *ir, size_t idx)
{
	size_t i = path_hash(ir->ents[idx]->path) & (ir->tabcap - 1);

	while (ir->tab[i])
		i = (i + 1) & (ir->tabcap - 1);
	ir->tab[i] = idx + 1;
}

static void insert(struct initramfs *ir, struct ir_ent *e)
{
	size_t i;

	if (ir->n == ir->cap) {
		ir->cap = ir->cap ? ir->cap * 2 : 64;
		ir->ents = xrealloc(ir->ents, ir->cap * sizeof(*ir->ents));
	}
	ir->ents[ir->n++] = e;
	if (ir->n * 2 > ir->tabcap) {
		free(ir->tab);
		ir->tabcap *= 2;
		ir->tab = xcalloc(ir->tabcap, sizeof(size_t));
		for (i = 0; i < ir->n; i++)
			tab_put(ir, i);
	} else {
		tab_put(ir, ir->n - 1);
	}
}

/* "/a//b/./c/" -> "a/b/c"; ".." and the root itself are refused. */
static int norm_guest(const char *in, char **out, char **err)
{
	char *clean;

	if (path_has_dotdot(in)) {
		if (err)
			*err = xasprintf("guest path '%s': '..' is not allowed", in);
		return -EINVAL;
	}
	clean = path_clean(in);
	if (!strcmp(clean, "/")) {
		free(clean);
		if (err)
			*err = xasprintf("guest path '%s' names the root directory", in);
		return -EINVAL;
	}
	*out = xstrdup(clean + 1);
	free(clean);
	return 0;
}

/* Content digest of a file or data entry, computed once. */
static int ent_digest(struct ir_ent *e, char **err)
{
	struct stat st;
	int r;

	if (e->have_digest)
		return 0;
	if (e->kind == IR_DATA) {
		sha256_buf(e->data, e->len, e->digest);
	} else {
		r = sha256_file(e->host, e->digest);
		if (!r && stat(e->host, &st))
			r = -errno;
		if (!r && (st.st_size != e->st.st_size || st.st_ino != e->st.st_ino ||
			   st.st_mtim.tv_sec != e->st.st_mtim.tv_sec ||
			   st.st_mtim.tv_nsec != e->st.st_mtim.tv_nsec))
			r = -ESTALE;
		if (r) {
			if (err)
				*err = xasprintf("%s: %s", e->host,
						 r == -ESTALE ? "changed since it was added"
							      : strerror(-r));
			return r;
		}
	}
	e->have_digest = true;
	return 0;
}

static uint64_t ent_size(const struct ir_ent *e)
{
	return e->kind == IR_FILE ? (uint64_t)e->st.st_size : e->len;
}

/* 1 if a and b (files or data) hold the same bytes, 0 if not, -errno. */
static int same_content(struct ir_ent *a, struct ir_ent *b, char **err)
{
	int r;

	if (ent_size(a) != ent_size(b))
		return 0;
	if (a->kind == IR_FILE && b->kind == IR_FILE && a->st.st_dev == b->st.st_dev &&
	    a->st.st_ino == b->st.st_ino && a->st.st_mtim.tv_sec == b->st.st_mtim.tv_sec &&
	    a->st.st_mtim.tv_nsec == b->st.st_mtim.tv_nsec)
		return 1;
	if (a->kind == IR_DATA && b->kind == IR_DATA)
		return !memcmp(a->data, b->data, a->len);
	r = ent_digest(a, err);
	if (!r)
		r = ent_digest(b, err);
	return r ? r : !memcmp(a->digest, b->digest, SHA256_LEN);
}

static const char *ent_desc(const struct ir_ent *e, char *buf, size_t n)
{
	switch (e->kind) {
	case IR_DIR:
		return "a directory";
	case IR_FILE:
		snprintf(buf, n, "%s (mode %04o)", e->host, (unsigned)e->perm);
		return buf;
	case IR_DATA:
		snprintf(buf, n, "%zu bytes of data (mode %04o)", e->len, (unsigned)e->perm);
		return buf;
	default:
		snprintf(buf, n, "a symlink to %s", e->target);
		return buf;
	}
}

static int ensure_parents(struct initramfs *ir, const char *path, char **err)
{
	char *p = xstrdup(path), *slash;
	int r = 0;

	for (slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
		struct ir_ent *e;

		*slash = '\0';
		e = lookup(ir, p);
		if (!e) {
			e = xcalloc(1, sizeof(*e));
			e->path = xstrdup(p);
			e->kind = IR_DIR;
			e->perm = 0755;
			insert(ir, e);
		} else if (e->kind != IR_DIR) {
			char d[PATH_MAX + 64];

			if (err)
				*err = xasprintf("/%s: parent /%s is %s, not a directory", path, p,
						 ent_desc(e, d, sizeof(d)));
			r = -ENOTDIR;
			break;
		}
		*slash = '/';
	}
	free(p);
	return r;
}

/*
 * Add e (ownership passes). Returns 0 if added, 1 if an identical entry was
 * already there (e freed), -EEXIST with *err on a conflict.
 */
static int add_entry(struct initramfs *ir, struct ir_ent *e, char **err)
{
	struct ir_ent *old = lookup(ir, e->path);
	char d1[PATH_MAX + 64], d2[PATH_MAX + 64];
	int r = 1;

	if (!old) {
		r = ensure_parents(ir, e->path, err);
		if (r) {
			ent_free(e);
			return r;
		}
		insert(ir, e);
		return 0;
	}
	if (old->kind == IR_DIR && e->kind == IR_DIR) {
		if (e->explicit_dir && !old->explicit_dir) {
			old->perm = e->perm;
			old->explicit_dir = true;
		}
	} else if (old->kind == IR_SYMLINK && e->kind == IR_SYMLINK) {
		if (strcmp(old->target, e->target))
			r = -EEXIST;
	} else if ((old->kind == IR_FILE || old->kind == IR_DATA) &&
		   (e->kind == IR_FILE || e->kind == IR_DATA)) {
		if (old->perm != e->perm) {
			r = -EEXIST;
		} else {
			r = same_content(old, e, err);
			if (r == 0)
				r = -EEXIST;
		}
	} else {
		r = -EEXIST;
	}
	if (r == -EEXIST && err)
		*err = xasprintf("/%s: conflicting entries: %s and %s", e->path,
				 ent_desc(old, d1, sizeof(d1)), ent_desc(e, d2, sizeof(d2)));
	ent_free(e);
	return r;
}

/* A regular host file at guest path (already normalised); no closure. */
static int add_regular(struct initramfs *ir, const char *host, char *gpath, char **err)
{
	struct ir_ent *e;
	struct stat st;

	if (stat(host, &st)) {
		int r = -errno;

		if (err)
			*err = xasprintf("%s: %s", host, strerror(errno));
		free(gpath);
		return r;
	}
	if (!S_ISREG(st.st_mode)) {
		if (err)
			*err = xasprintf("%s: not a regular file", host);
		free(gpath);
		return -EINVAL;
	}
	if ((uint64_t)st.st_size > 0xffffffffu) {
		if (err)
			*err = xasprintf("%s: larger than the 4 GiB newc limit", host);
		free(gpath);
		return -EFBIG;
	}
	e = xcalloc(1, sizeof(*e));
	e->path = gpath;
	e->kind = IR_FILE;
	e->perm = st.st_mode & 07777;
	e->host = xstrdup(host);
	e->st = st;
	return add_entry(ir, e, err);
}

static int add_link(struct initramfs *ir, char *gpath, const char *target, char **err)
{
	struct ir_ent *e;

	if (!target[0]) {
		if (err)
			*err = xasprintf("/%s: empty symlink target", gpath);
		free(gpath);
		return -EINVAL;
	}
	e = xcalloc(1, sizeof(*e));
	e->path = gpath;
	e->kind = IR_SYMLINK;
	e->perm = 0777;
	e->target = xstrdup(target);
	return add_entry(ir, e, err);
}

static int add_closure(struct initramfs *ir, const char *host, const char *gpath, char **err)
{
	char *guest_abs = xasprintf("/%s", gpath);
	struct elfdeps d;
	size_t i;
	int r;

	r = elfdeps_closure(host, guest_abs, &d, err);
	free(guest_abs);
	if (r)
		return r;
	for (i = 0; i < d.n && r >= 0; i++) {
		char *p;

		r = norm_guest(d.libs[i].host_path, &p, err);
		if (r >= 0)
			r = add_regular(ir, d.libs[i].host_path, p, err);
		if (r >= 0 && strcmp(d.libs[i].guest_path, d.libs[i].host_path)) {
			r = norm_guest(d.libs[i].guest_path, &p, err);
			if (r >= 0)
				r = add_link(ir, p, d.libs[i].host_path, err);
		}
	}
	if (r >= 0 && d.needs_ld_cache)
		r = add_regular(ir, "/etc/ld.so.cache", xstrdup("etc/ld.so.cache"), err);
	elfdeps_free(&d);
	return r < 0 ? r : 0;
}

int initramfs_add_file(struct initramfs *ir, const char *host_path, const char *guest_path,
		       char **err)
{
	char *gpath, *gcopy;
	int r;

	r = norm_guest(guest_path, &gpath, err);
	if (r)
		return r;
	gcopy = xstrdup(gpath);
	r = add_regular(ir, host_path, gpath, err);
	if (r == 0)
		r = add_closure(ir, host_path, gcopy, err);
	free(gcopy);
	return r < 0 ? r : 0;
}

int initramfs_add_data(struct initramfs *ir, const char *guest_path, const void *data, size_t len,
		       mode_t mode, char **err)
{
	struct ir_ent *e;
	char *gpath;
	int r;

	if (len > 0xffffffffu) {
		if (err)
			*err = xasprintf("%s: larger than the 4 GiB newc limit", guest_path);
		return -EFBIG;
	}
	r = norm_guest(guest_path, &gpath, err);
	if (r)
		return r;
	e = xcalloc(1, sizeof(*e));
	e->path = gpath;
	e->kind = IR_DATA;
	e->perm = mode & 07777;
	e->data = xmalloc(len ? len : 1);
	if (len)
		memcpy(e->data, data, len);
	e->len = len;
	r = add_entry(ir, e, err);
	return r < 0 ? r : 0;
}

int initramfs_add_symlink(struct initramfs *ir, const char *guest_path, const char *target,
			  char **err)
{
	char *gpath;
	int r;

	r = norm_guest(guest_path, &gpath, err);
	if (r)
		return r;
	r = add_link(ir, gpath, target, err);
	return r < 0 ? r : 0;
}

static int add_dir_rec(struct initramfs *ir, const char *host, const char *gpath, char **err)
{
	struct ir_ent *e;
	struct dirent *de;
	struct stat st;
	DIR *dh;
	int r;

	if (stat(host, &st)) {
		r = -errno;
		if (err)
			*err = xasprintf("%s: %s", host, strerror(errno));
		return r;
	}
	if (!S_ISDIR(st.st_mode)) {
		if (err)
			*err = xasprintf("%s: not a directory", host);
		return -ENOTDIR;
	}
	e = xcalloc(1, sizeof(*e));
	e->path = xstrdup(gpath);
	e->kind = IR_DIR;
	e->perm = st.st_mode & 07777;
	e->explicit_dir = true;
	r = add_entry(ir, e, err);
	if (r < 0)
		return r;
	dh = opendir(host);
	if (!dh) {
		r = -errno;
		if (err)
			*err = xasprintf("%s: %s", host, strerror(errno));
		return r;
	}
	r = 0;
	while (!r && (de = readdir(dh))) {
		char *hp, *gp;
		struct stat lst;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		hp = xasprintf("%s/%s", host, de->d_name);
		gp = xasprintf("%s/%s", gpath, de->d_name);
		if (lstat(hp, &lst)) {
			r = -errno;
			if (err)
				*err = xasprintf("%s: %s", hp, strerror(errno));
		} else if (S_ISDIR(lst.st_mode)) {
			r = add_dir_rec(ir, hp, gp, err);
		} else if (S_ISREG(lst.st_mode)) {
			r = initramfs_add_file(ir, hp, gp, err);
		} else if (S_ISLNK(lst.st_mode)) {
			char target[PATH_MAX];
			ssize_t n = readlink(hp, target, sizeof(target) - 1);

			if (n < 0) {
				r = -errno;
				if (err)
					*err = xasprintf("%s: %s", hp, strerror(errno));
			} else {
				target[n] = '\0';
				r = initramfs_add_symlink(ir, gp, target, err);
			}
		} else {
			r = -EINVAL;
			if (err)
				*err = xasprintf("%s: not a file, directory or symlink", hp);
		}
		free(hp);
		free(gp);
	}
	closedir(dh);
	return r;
}

int initramfs_add_dir(struct initramfs *ir, const char *host_dir, const char *guest_dir,
		      char **err)
{
	char *gpath;
	int r;

	r = norm_guest(guest_dir, &gpath, err);
	if (r)
		return r;
	r = add_dir_rec(ir, host_dir, gpath, err);
	free(gpath);
	return r;
}

static int cmp_ent(const void *a, const void *b)
{
	return strcmp((*(struct ir_ent *const *)a)->path, (*(struct ir_ent *const *)b)->path);
}

static struct ir_ent **sorted(struct initramfs *ir)
{
	struct ir_ent **v = xmalloc((ir->n ? ir->n : 1) * sizeof(*v));

	if (ir->n)
		memcpy(v, ir->ents, ir->n * sizeof(*v));
	qsort(v, ir->n, sizeof(*v), cmp_ent);
	return v;
}

char *initramfs_hash(struct initramfs *ir)
{
	struct ir_ent **v = sorted(ir);
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];
	struct sha256 c;
	size_t i;

	sha256_init(&c);
	sha256_update(&c, IR_HASH_VERSION, strlen(IR_HASH_VERSION));
	for (i = 0; i < ir->n; i++) {
		struct ir_ent *e = v[i];
		char meta[32];
		int r;

		sha256_update(&c, e->path, strlen(e->path) + 1);
		/* Files and data with equal bytes and mode give equal archives. */
		snprintf(meta, sizeof(meta), "%c%04o",
			 e->kind == IR_DIR ? 'd' : e->kind == IR_SYMLINK ? 'l' : 'f',
			 (unsigned)e->perm);
		sha256_update(&c, meta, strlen(meta) + 1);
		if (e->kind == IR_SYMLINK) {
			sha256_update(&c, e->target, strlen(e->target) + 1);
		} else if (e->kind != IR_DIR) {
			r = ent_digest(e, NULL);
			if (r) {
				free(v);
				errno = -r;
				return NULL;
			}
			sha256_update(&c, e->digest, SHA256_LEN);
		}
	}
	free(v);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	return xstrdup(hex);
}

struct writer {
	int fd;
	uint8_t buf[1 << 16];
	size_t fill;
	uint64_t off;
};

static int w_flush(struct writer *w)
{
	int r = w->fill ? write_full(w->fd, w->buf, w->fill) : 0;

	w->fill = 0;
	return r;
}

static int w_put(struct writer *w, const void *p, size_t n)
{
	const uint8_t *s = p;
	int r;

	w->off += n;
	while (n) {
		size_t k = MIN(n, sizeof(w->buf) - w->fill);

		memcpy(w->buf + w->fill, s, k);
		w->fill += k, s += k, n -= k;
		if (w->fill == sizeof(w->buf) && (r = w_flush(w)))
			return r;
	}
	return 0;
}

static int w_pad4(struct writer *w)
{
	static const uint8_t zero[4];

	return w_put(w, zero, (4 - (w->off & 3)) & 3);
}

static int w_header(struct writer *w, const char *name, uint32_t ino, uint32_t mode,
		    uint32_t size)
{
	char h[111];
	int r;

	snprintf(h, sizeof(h), "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X", ino,
		 mode, 0, 0, 1, 0, size, 0, 0, 0, 0, (uint32_t)strlen(name) + 1, 0);
	r = w_put(w, h, 110);
	if (!r)
		r = w_put(w, name, strlen(name) + 1);
	return r ? r : w_pad4(w);
}

static int w_file(struct writer *w, const struct ir_ent *e, char **err)
{
	off_t left = e->st.st_size;
	struct stat st;
	int fd, r;

	fd = open(e->host, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		goto fail;
	}
	if (fstat(fd, &st)) {
		r = -errno;
		goto fail;
	}
	if (st.st_size != e->st.st_size || st.st_ino != e->st.st_ino ||
	    st.st_mtim.tv_sec != e->st.st_mtim.tv_sec || st.st_mtim.tv_nsec != e->st.st_mtim.tv_nsec) {
		r = -ESTALE;
		goto fail;
	}
	r = w_flush(w);
	while (!r && left > 0) {
		ssize_t n = sendfile(w->fd, fd, NULL, (size_t)MIN(left, (off_t)1 << 30));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			r = -errno;
		else if (n == 0)
			r = -ESTALE; /* shrank */
		else
			left -= n;
	}
	if (r)
		goto fail;
	close(fd);
	w->off += (uint64_t)e->st.st_size;
	return w_pad4(w);
fail:
	if (fd >= 0)
		close(fd);
	if (err)
		*err = xasprintf("%s: %s", e->host,
				 r == -ESTALE ? "changed since it was added" : strerror(-r));
	return r;
}

/* replace: rename into place; else link into place, leaving one already there
 * (by a concurrent writer of the same content) as it is */
static int write_archive(struct initramfs *ir, const char *path, bool replace, char **err)
{
	struct ir_ent **v = sorted(ir);
	struct writer *w = xcalloc(1, sizeof(*w));
	char *tmp = xasprintf("%s.tmp.XXXXXX", path);
	size_t i;
	int r = 0;

	/* A unique temporary name: concurrent writers of one path do not clash. */
	w->fd = mkostemp(tmp, O_CLOEXEC);
	if (w->fd >= 0 && fchmod(w->fd, 0644)) {
		close(w->fd);
		unlink(tmp);
		w->fd = -1;
	}
	if (w->fd < 0) {
		r = -errno;
		if (err)
			*err = xasprintf("%s: %s", tmp, strerror(errno));
		goto out;
	}
	for (i = 0; i < ir->n && !r; i++) {
		struct ir_ent *e = v[i];
		uint32_t ino = (uint32_t)i + 1;

		switch (e->kind) {
		case IR_DIR:
			r = w_header(w, e->path, ino, S_IFDIR | e->perm, 0);
			break;
		case IR_SYMLINK:
			r = w_header(w, e->path, ino, S_IFLNK | 0777, (uint32_t)strlen(e->target));
			if (!r)
				r = w_put(w, e->target, strlen(e->target));
			if (!r)
				r = w_pad4(w);
			break;
		case IR_DATA:
			r = w_header(w, e->path, ino, S_IFREG | e->perm, (uint32_t)e->len);
			if (!r)
				r = w_put(w, e->data, e->len);
			if (!r)
				r = w_pad4(w);
			break;
		case IR_FILE:
			r = w_header(w, e->path, ino, S_IFREG | e->perm, (uint32_t)e->st.st_size);
			if (!r) {
				r = w_file(w, e, err);
				if (r)
					goto out; /* w_file said which file */
			}
			break;
		}
	}
	if (!r)
		r = w_header(w, "TRAILER!!!", 0, 0, 0);
	if (!r)
		r = w_flush(w);
	if (r) {
		if (err)
			*err = xasprintf("%s: %s", tmp, strerror(-r));
		goto out;
	}
	if (replace) {
		if (rename(tmp, path))
			r = -errno;
	} else if (link(tmp, path) && errno != EEXIST) {
		/* EEXIST: an archive of this content is there already; EPERM, ENOTSUP:
		 * a file system without hard links */
		if ((errno != EPERM && errno != ENOTSUP) || rename(tmp, path))
			r = -errno;
	}
	if (r && err)
		*err = xasprintf("%s: %s", path, strerror(-r));
out:
	if (w->fd >= 0)
		close(w->fd);
	if (r || !replace)
		unlink(tmp);
	free(tmp);
	free(w);
	free(v);
	return r;
}

int initramfs_write(struct initramfs *ir, const char *path, char **err)
{
	return write_archive(ir, path, true, err);
}

/*
 * Digests of host files are remembered in <cache_dir>/digests, keyed by the
 * file's stat identity (device, inode, size, mtime, ctime: any write changes
 * ctime), so that checking for a cached archive does not read every file.
 */
#define IR_MEMO_NAME "digests"
#define IR_MEMO_MAX_LINES 4096

static char *memo_key(const struct stat *st)
{
	return xasprintf("%llx %llx %llx %lld.%09ld %lld.%09ld", (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino, (unsigned long long)st->st_size,
			 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
}

static bool hex_digest(const char *hex, uint8_t out[SHA256_LEN])
{
	size_t i;

	for (i = 0; i < SHA256_LEN; i++) {
		int hi = hex[2 * i], lo = hex[2 * i + 1];

		if (!isxdigit(hi) || !isxdigit(lo))
			return false;
		hi = isdigit(hi) ? hi - '0' : (hi | 0x20) - 'a' + 10;
		lo = isdigit(lo) ? lo - '0' : (lo | 0x20) - 'a' + 10;
		out[i] = (uint8_t)(hi << 4 | lo);
	}
	return hex[2 * SHA256_LEN] == '\0';
}

/* Lines are "<key> <hex digest>". Unknown or malformed lines are ignored.
 * Returns true if every file's digest was found. */
static bool memo_load(struct initramfs *ir, const char *memo)
{
	char *text = file_read(memo, NULL, 1u << 20), *line, *save = NULL;
	bool all = true;
	size_t i;

	if (!text)
		return false;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		for (i = 0; i < ir->n; i++) {
			struct ir_ent *e = ir->ents[i];
			char *key;

			if (e->kind != IR_FILE || e->have_digest)
				continue;
			key = memo_key(&e->st);
			if (!strcmp(key, line))
				e->have_digest = hex_digest(sp + 1, e->digest);
			free(key);
		}
	}
	free(text);
	for (i = 0; i < ir->n; i++)
		if (ir->ents[i]->kind == IR_FILE && !ir->ents[i]->have_digest)
			all = false;
	return all;
}

/* Current files first, then older lines up to the cap. Best effort. */
static void memo_store(struct initramfs *ir, const char *memo)
{
	char *old = file_read(memo, NULL, 1u << 20), *line, *save = NULL;
	struct strbuf sb = { 0 };
	size_t i, lines = 0;

	for (i = 0; i < ir->n; i++) {
		struct ir_ent *e = ir->ents[i];
		char hex[SHA256_HEX_LEN + 1], *key;

		if (e->kind != IR_FILE || !e->have_digest)
			continue;
		key = memo_key(&e->st);
		sha256_hex(e->digest, hex);
		sb_printf(&sb, "%s %s\n", key, hex);
		free(key);
		lines++;
	}
	for (line = old ? strtok_r(old, "\n", &save) : NULL; line && lines < IR_MEMO_MAX_LINES;
	     line = strtok_r(NULL, "\n", &save)) {
		char *sp = strrchr(line, ' ');

		if (!sp)
			continue;
		*sp = '\0';
		if (!strstr(sb.buf, line)) {
			*sp = ' ';
			sb_printf(&sb, "%s\n", line);
			lines++;
		}
	}
	if (sb.len)
		file_write_atomic(memo, sb.buf, sb.len);
	sb_free(&sb);
	free(old);
}

int initramfs_write_cached(struct initramfs *ir, const char *cache_dir, char **path_out,
			   char **err)
{
	char *hash, *path, *memo;
	bool memo_complete;
	int r;

	r = mkdir_p(cache_dir, 0755);
	if (r) {
		if (err)
			*err = xasprintf("%s: %s", cache_dir, strerror(-r));
		return r;
	}
	memo = xasprintf("%s/%s", cache_dir, IR_MEMO_NAME);
	memo_complete = memo_load(ir, memo);
	hash = initramfs_hash(ir);
	if (!hash) {
		r = -errno;
		if (err)
			*err = xasprintf("initramfs: cannot hash its files: %s", strerror(errno));
		free(memo);
		return r;
	}
	if (!memo_complete)
		memo_store(ir, memo);
	free(memo);
	path = xasprintf("%s/%s.cpio", cache_dir, hash);
	free(hash);
	if (path_exists(path)) {
		*path_out = path;
		return 1;
	}
	/* never replaced: a template key names the archive's inode */
	r = write_archive(ir, path, false, err);
	if (r) {
		free(path);
		return r;
	}
	*path_out = path;
	return 0;
}
