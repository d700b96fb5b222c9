// SPDX-License-Identifier: GPL-2.0-only
/* VM templates: key, build under a lock, use under a lock, size cap. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/hash.h"
#include "util/run.h"
#include "util/util.h"
#include "vm/kernel.h"
#include "vm/snapshot.h"

#define SNAPSHOT_KEY_VERSION "ktstr-vm-template-1"
#define SNAPSHOT_BUILD_TIMEOUT_S 300
/* In the templates directory, per key: <key>/ a template; <key>.tmp-<pid>/ its
 * build; <key>.del-<pid>/ one moved aside to be removed; <key>.lock shared by
 * each VM restored from it, exclusive to remove it; <key>.build held by its
 * one builder. */
#define SNAPSHOT_TMP_MARK ".tmp-"
#define SNAPSHOT_DEL_MARK ".del-"
#define SNAPSHOT_USE_LOCK ".lock"
#define SNAPSHOT_BUILD_LOCK ".build"

bool snapshot_enabled(void)
{
	const char *v = getenv("KTSTR_SNAPSHOT");

	return !v || strcmp(v, "0") != 0;
}

char *snapshot_templates_dir(void)
{
	char *root = kernel_cache_root(), *d = xasprintf("%s/templates", root);

	free(root);
	return d;
}

/* A file's identity: resolved path, size, modification time, inode. */
static int hash_identity(struct content_hash *h, const char *path)
{
	char *real = realpath(path, NULL);
	struct stat st;

	if (!real || stat(real, &st)) {
		int e = errno;

		free(real);
		return -e;
	}
	content_hash_str(h, real);
	content_hash_bytes(h, &st.st_size, sizeof(st.st_size));
	content_hash_bytes(h, &st.st_mtim, sizeof(st.st_mtim));
	content_hash_bytes(h, &st.st_ino, sizeof(st.st_ino));
	content_hash_bytes(h, &st.st_dev, sizeof(st.st_dev));
	free(real);
	return 0;
}

int snapshot_key(const struct vm_spec *spec, char key[65], char **err)
{
	struct vm_spec s = *spec;
	struct content_hash *h;
	char **argv, *qemu;
	int r = 0;

	/* the argv of a template build with fixed placeholder directories */
	s.start = VM_START_TEMPLATE;
	s.work_dir = "/W";
	s.template_dir = "/T";
	s.interactive = false;
	argv = vm_qemu_argv(&s, "/W/chan.sock", "/W/qmp.sock", err);
	if (!argv)
		return -EINVAL;
	h = content_hash_new();
	content_hash_str(h, SNAPSHOT_KEY_VERSION);
	for (char **a = argv; *a; a++)
		content_hash_str(h, *a);
	qemu = run_which(argv[0]);
	if (!qemu) {
		*err = xasprintf("%s not found in PATH", argv[0]);
		r = -ENOENT;
	}
	/* the files the argv names: kernel, initramfs, firmware, and QEMU itself */
	for (char **a = argv; !r && *a; a++) {
		if ((!strcmp(*a, "-kernel") || !strcmp(*a, "-initrd") || !strcmp(*a, "-bios")) &&
		    a[1] && (r = hash_identity(h, a[1])))
			*err = xasprintf("cannot read %s: %s", a[1], strerror(-r));
	}
	if (!r && (r = hash_identity(h, qemu)))
		*err = xasprintf("cannot read %s: %s", qemu, strerror(-r));
	content_hash_final(h, key);
	free(qemu);
	strv_free(argv);
	return r;
}

/* ---- disk use and trimming ---- */

static uint64_t dir_bytes(const char *dir)
{
	DIR *d = opendir(dir);
	struct dirent *e;
	uint64_t total = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		struct stat st;

		if (e->d_name[0] == '.' ||
		    fstatat(dirfd(d), e->d_name, &st, AT_SYMLINK_NOFOLLOW))
			continue;
		total += (uint64_t)st.st_blocks * 512;
	}
	closedir(d);
	return total;
}

struct tmpl_ent {
	char *name;
	uint64_t bytes;
	struct timespec used;
};

static int by_use(const void *a, const void *b)
{
	const struct tmpl_ent *x = a, *y = b;

	if (x->used.tv_sec != y->used.tv_sec)
		return x->used.tv_sec < y->used.tv_sec ? -1 : 1;
	return x->used.tv_nsec < y->used.tv_nsec ? -1 : x->used.tv_nsec > y->used.tv_nsec;
}

/* The lock file of the key that the entry name starts with: an fd, or -errno. */
static int lock_open(const char *root, const char *name, const char *suffix)
{
	char *path = xasprintf("%s/%.*s%s", root, (int)strcspn(name, "."), name, suffix);
	int fd = open(path, O_RDONLY | O_CREAT | O_CLOEXEC, 0644), e = errno;

	free(path);
	return fd < 0 ? -e : fd;
}

/* The key's lock held exclusively when nobody else holds it now (its fd), else -1. */
static int lock_try(const char *root, const char *name, const char *suffix)
{
	int fd = lock_open(root, name, suffix);

	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB)) {
		close(fd);
		fd = -1;
	}
	return fd;
}

/* Move <root>/<name> aside in one rename (a lookup sees a whole template or
 * none), then remove it. The caller holds the key's use lock exclusively. */
static int remove_aside(const char *root, const char *name)
{
	char *dir = xasprintf("%s/%s", root, name);
	char *aside = xasprintf("%s/%.*s" SNAPSHOT_DEL_MARK "%d", root, (int)strcspn(name, "."),
				name, (int)getpid());
	int r;

	rm_rf(aside);
	r = rename(dir, aside) ? -errno : rm_rf(aside);
	free(aside);
	free(dir);
	return r;
}

uint64_t snapshot_trim(const char *templates_dir, uint64_t cap_bytes, const char *keep)
{
	DIR *d = opendir(templates_dir);
	struct dirent *e;
	struct tmpl_ent *v = NULL;
	size_t n = 0, cap = 0;
	uint64_t total = 0, freed = 0;

	if (!d)
		return 0;
	while ((e = readdir(d))) {
		char *path, *meta;
		struct stat st;

		if (e->d_name[0] == '.' || e->d_type == DT_REG)
			continue;
		path = xasprintf("%s/%s", templates_dir, e->d_name);
		if (strstr(e->d_name, SNAPSHOT_DEL_MARK)) { /* nobody uses it */
			freed += dir_bytes(path);
			rm_rf(path);
			free(path);
			continue;
		}
		if (strstr(e->d_name, SNAPSHOT_TMP_MARK)) {
			int fd = lock_try(templates_dir, e->d_name, SNAPSHOT_BUILD_LOCK);

			/* no build of its key runs: its builder is gone */
			if (fd >= 0) {
				freed += dir_bytes(path);
				rm_rf(path);
				close(fd);
			}
			free(path);
			continue;
		}
		meta = xasprintf("%s/metadata.json", path);
		if (!stat(meta, &st)) {
			if (n == cap) {
				cap = cap ? cap * 2 : 16;
				v = xrealloc(v, cap * sizeof(*v));
			}
			v[n].name = xstrdup(e->d_name);
			v[n].bytes = dir_bytes(path);
			v[n].used = st.st_mtim;
			total += v[n].bytes;
			n++;
		}
		free(meta);
		free(path);
	}
	closedir(d);
	qsort(v, n, sizeof(*v), by_use);
	for (size_t i = 0; i < n; i++) {
		/* a template a VM uses now stays */
		int fd = total > cap_bytes && !(keep && !strcmp(keep, v[i].name))
				 ? lock_try(templates_dir, v[i].name, SNAPSHOT_USE_LOCK)
				 : -1;

		if (fd >= 0) {
			if (!remove_aside(templates_dir, v[i].name)) {
				total -= v[i].bytes;
				freed += v[i].bytes;
			}
			close(fd);
		}
		free(v[i].name);
	}
	free(v);
	return freed;
}

static uint64_t cap_bytes(void)
{
	const char *v = getenv("KTSTR_TEMPLATE_CAP_MB");
	uint64_t mb = SNAPSHOT_CAP_MB_DEFAULT;

	if (v && *v && str_to_u64(v, &mb))
		mb = SNAPSHOT_CAP_MB_DEFAULT;
	return mb << 20;
}

/* ---- build ---- */

static int write_metadata(const char *dir, const char *key, const struct vm_spec *spec,
			  double build_s)
{
	char topo[64], *path = xasprintf("%s/metadata.json", dir), *text;
	json_t *o = json_object();
	int r;

	topo_format(spec->topo, topo, sizeof(topo));
	json_object_set_new(o, "key", json_string(key));
	json_object_set_new(o, "kernel", json_string(spec->kernel));
	json_object_set_new(o, "initramfs", json_string(spec->initramfs));
	json_object_set_new(o, "topology", json_string(topo));
	json_object_set_new(o, "memory_mb", json_integer(spec->memory_mb));
	json_object_set_new(o, "accel", json_string(accel_name(spec->accel.kind)));
	json_object_set_new(o, "cmdline", json_string(spec->cmdline ? spec->cmdline : ""));
	json_object_set_new(o, "created_ns", json_integer((json_int_t)now_real_ns()));
	json_object_set_new(o, "build_s", json_real(build_s));
	text = json_dumps(o, JSON_INDENT(2));
	r = file_write_atomic(path, text, strlen(text)) ? -errno : 0;
	free(text);
	json_decref(o);
	free(path);
	return r;
}

/* Boot spec into dir (RAM, state, frames): the caller holds the key's lock. */
static int build(const struct vm_spec *spec, const char *key, const char *dir, char **err)
{
	struct vm_spec b = *spec;
	struct vm_result res;
	char *work = scratch_dir_new("template");
	uint64_t t0 = now_ns();
	int r;

	if (!work) {
		*err = xasprintf("cannot create a scratch directory: %s", strerror(errno));
		return -errno;
	}
	b.start = VM_START_TEMPLATE;
	b.template_dir = dir;
	b.work_dir = work;
	b.orders = NULL;
	b.orders_len = 0;
	b.on_frame = NULL; /* the template's guest runs no test: nobody to answer */
	b.answer = NULL;
	b.tick = NULL;
	b.on_spawn = NULL;
	b.arg = NULL;
	b.interactive = false;
	b.keep_ram = true;
	b.timeout_s = SNAPSHOT_BUILD_TIMEOUT_S;
	log_info("building VM template %.12s (first use of this kernel, topology and "
		 "initramfs)...",
		 key);
	r = vm_run(&b, &res);
	if (!res.saved) {
		char *why = vm_result_problem(&res);

		*err = xasprintf("template build failed: %s", why ? why : "the VM was not saved");
		free(why);
		r = r ? r : -EIO;
	} else {
		char *src = xasprintf("%s/console.log", work), *dst = xasprintf("%s/console.log",
										 dir);
		size_t len = 0;
		char *log = file_read(src, &len, 1 << 20);

		if (log)
			file_write(dst, log, len);
		free(log);
		free(src);
		free(dst);
		r = write_metadata(dir, key, spec, (double)(now_ns() - t0) / 1e9);
		if (r)
			*err = xasprintf("cannot write the template metadata: %s", strerror(-r));
		else
			log_info("VM template %.12s built in %.1f s", key,
				 (double)(now_ns() - t0) / 1e9);
	}
	vm_result_free(&res);
	rm_rf(work);
	free(work);
	return r;
}

/* Build the key's template unless another process did while we waited for
 * its build lock: into <key>.tmp-<pid>, renamed into place once whole. */
static int build_locked(const struct vm_spec *spec, const char *root, const char *key,
			char **err)
{
	char *dir = xasprintf("%s/%s", root, key), *meta = xasprintf("%s/metadata.json", dir);
	char *tmp = xasprintf("%s/%s" SNAPSHOT_TMP_MARK "%d", root, key, (int)getpid());
	int fd = lock_open(root, key, SNAPSHOT_BUILD_LOCK), r = 0;

	if (fd < 0) {
		r = fd;
		*err = xasprintf("cannot open the build lock of %s: %s", dir, strerror(-r));
		goto out;
	}
	if (flock(fd, LOCK_EX | LOCK_NB)) {
		log_info("waiting for VM template %.12s, which another run is building", key);
		if (flock(fd, LOCK_EX)) {
			r = -errno;
			*err = xasprintf("cannot lock %s: %s", dir, strerror(-r));
			goto out;
		}
	}
	if (path_exists(meta))
		goto out;
	if (path_exists(dir)) { /* incomplete: removed by an older version when interrupted */
		int ufd = lock_try(root, key, SNAPSHOT_USE_LOCK);

		if (ufd >= 0) {
			remove_aside(root, key);
			close(ufd);
		}
	}
	rm_rf(tmp);
	if ((r = mkdir_p(tmp, 0755))) {
		*err = xasprintf("cannot create %s: %s", tmp, strerror(-r));
		goto out;
	}
	r = build(spec, key, tmp, err);
	if (!r && rename(tmp, dir)) {
		r = -errno;
		*err = xasprintf("cannot rename %s: %s", tmp, strerror(-r));
	}
	if (r)
		rm_rf(tmp);
out:
	if (fd >= 0)
		close(fd);
	if (!r)
		snapshot_trim(root, cap_bytes(), key);
	free(tmp);
	free(meta);
	free(dir);
	return r;
}

int snapshot_acquire(const struct vm_spec *spec, struct snapshot_use *u, char **err)
{
	char key[65], *root, *meta = NULL;
	struct stat st;
	int r;

	memset(u, 0, sizeof(*u));
	u->lock_fd = -1;
	r = snapshot_key(spec, key, err);
	if (r)
		return r;
	root = snapshot_templates_dir();
	u->dir = xasprintf("%s/%s", root, key);
	meta = xasprintf("%s/metadata.json", u->dir);
	if ((r = mkdir_p(root, 0755))) {
		*err = xasprintf("cannot create %s: %s", root, strerror(-r));
		goto out;
	}
	u->lock_fd = lock_open(root, key, SNAPSHOT_USE_LOCK);
	if (u->lock_fd < 0) {
		r = u->lock_fd;
		*err = xasprintf("cannot open the lock of %s: %s", u->dir, strerror(-r));
		goto out;
	}
	/* with the lock shared the template stays whole until released */
	for (int attempt = 0;; attempt++) {
		if (flock(u->lock_fd, LOCK_SH)) {
			r = -errno;
			*err = xasprintf("cannot lock %s: %s", u->dir, strerror(-r));
			goto out;
		}
		if (!stat(meta, &st) && !stat(u->dir, &st))
			break;
		flock(u->lock_fd, LOCK_UN);
		if (attempt == 2) {
			r = -ENOENT;
			*err = xasprintf("%s was removed each time it was built", u->dir);
			goto out;
		}
		if ((r = build_locked(spec, root, key, err)))
			goto out;
	}
	u->dev = st.st_dev;
	u->ino = st.st_ino;
	u->ctime = st.st_ctim;
	utimensat(AT_FDCWD, meta, NULL, 0); /* least recently used goes first */
out:
	if (r)
		snapshot_release(u);
	free(meta);
	free(root);
	return r;
}

void snapshot_release(struct snapshot_use *u)
{
	if (u->lock_fd >= 0)
		close(u->lock_fd);
	free(u->dir);
	memset(u, 0, sizeof(*u));
	u->lock_fd = -1;
}

bool snapshot_discard(struct snapshot_use *u)
{
	char *slash = strrchr(u->dir, '/');
	struct stat st;
	bool gone = false;

	/* not while another VM uses it, nor a newer build of the key */
	if (u->lock_fd >= 0 && slash && !flock(u->lock_fd, LOCK_EX | LOCK_NB) && !stat(u->dir, &st) &&
	    st.st_dev == u->dev && st.st_ino == u->ino && st.st_ctim.tv_sec == u->ctime.tv_sec &&
	    st.st_ctim.tv_nsec == u->ctime.tv_nsec) {
		*slash = '\0';
		gone = !remove_aside(u->dir, slash + 1);
	}
	snapshot_release(u);
	return gone;
}
