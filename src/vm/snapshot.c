// SPDX-License-Identifier: GPL-2.0-only
/* VM templates: key, build under a lock, lookup, size cap. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/hash.h"
#include "util/util.h"
#include "vm/kernel.h"
#include "vm/snapshot.h"

#define SNAPSHOT_KEY_VERSION "ktstr-vm-template-1"
#define SNAPSHOT_BUILD_TIMEOUT_S 300
#define SNAPSHOT_TMP_MARK ".tmp-"

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

/* argv[0] as execvp finds it. */
static char *which(const char *name)
{
	const char *path = getenv("PATH");
	char *copy, *dir, *save = NULL, *found = NULL;

	if (strchr(name, '/'))
		return xstrdup(name);
	copy = xstrdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *p = xasprintf("%s/%s", *dir ? dir : ".", name);

		if (access(p, X_OK) == 0)
			found = p;
		else
			free(p);
	}
	free(copy);
	return found;
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
	qemu = which(argv[0]);
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

/* "<key>.tmp-<pid>" of a process that is gone */
static bool stale_build(const char *name)
{
	const char *m = strstr(name, SNAPSHOT_TMP_MARK);
	uint64_t pid;

	if (!m || str_to_u64(m + strlen(SNAPSHOT_TMP_MARK), &pid) || !pid || pid > INT_MAX)
		return false;
	return kill((pid_t)pid, 0) && errno == ESRCH;
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
		if (stale_build(e->d_name)) {
			freed += dir_bytes(path);
			rm_rf(path);
			free(path);
			continue;
		}
		meta = xasprintf("%s/metadata.json", path);
		if (!strstr(e->d_name, SNAPSHOT_TMP_MARK) && !stat(meta, &st)) {
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
		if (total > cap_bytes && !(keep && !strcmp(keep, v[i].name))) {
			char *path = xasprintf("%s/%s", templates_dir, v[i].name);

			/* a VM restored from it keeps its mappings; one starting now falls
			 * back to a cold boot */
			if (!rm_rf(path)) {
				total -= v[i].bytes;
				freed += v[i].bytes;
			}
			free(path);
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

char *snapshot_template(const struct vm_spec *spec, char **err)
{
	char key[65], *root = NULL, *dir = NULL, *meta = NULL, *lock = NULL, *tmp = NULL;
	int fd = -1, r;

	r = snapshot_key(spec, key, err);
	if (r)
		return NULL;
	root = snapshot_templates_dir();
	dir = xasprintf("%s/%s", root, key);
	meta = xasprintf("%s/metadata.json", dir);
	if (path_exists(meta))
		goto found;
	if (mkdir_p(root, 0755)) {
		*err = xasprintf("cannot create %s: %s", root, strerror(errno));
		goto fail;
	}
	lock = xasprintf("%s/%s.lock", root, key);
	fd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	/* another process (another -j worker) builds it: wait for it, then use it */
	if (fd >= 0 && flock(fd, LOCK_EX | LOCK_NB) && errno == EWOULDBLOCK)
		log_info("waiting for VM template %.12s, which another run is building", key);
	if (fd < 0 || flock(fd, LOCK_EX)) {
		*err = xasprintf("cannot lock %s: %s", lock, strerror(errno));
		goto fail;
	}
	if (path_exists(meta))
		goto found; /* another process built it while we waited */
	tmp = xasprintf("%s/%s" SNAPSHOT_TMP_MARK "%d", root, key, (int)getpid());
	rm_rf(tmp);
	if (mkdir_p(tmp, 0755)) {
		*err = xasprintf("cannot create %s: %s", tmp, strerror(errno));
		goto fail;
	}
	if (build(spec, key, tmp, err)) {
		rm_rf(tmp);
		goto fail;
	}
	rm_rf(dir); /* a half-removed old one */
	if (rename(tmp, dir)) {
		*err = xasprintf("cannot rename %s: %s", tmp, strerror(errno));
		rm_rf(tmp);
		goto fail;
	}
	snapshot_trim(root, cap_bytes(), key);
found:
	utimensat(AT_FDCWD, meta, NULL, 0); /* least recently used goes first */
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(lock);
	free(meta);
	free(root);
	return dir;
fail:
	if (fd >= 0)
		close(fd);
	free(tmp);
	free(lock);
	free(meta);
	free(dir);
	free(root);
	return NULL;
}
