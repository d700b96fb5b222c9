// SPDX-License-Identifier: GPL-2.0-only
/* Kernel cache, metadata and resolution (see kernel.h for the verification policy). */
#include "vm/kernel.h"
#include "util/lock.h"
#include "util/sha256.h"
#include "util/util.h"
#include "vm/bzimage.h"
#include "vm/kconfig.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <pwd.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

static const char *env_nonempty(const char *name)
{
	const char *v = getenv(name);

	return v && *v ? v : NULL;
}

char *kernel_cache_root(void)
{
	const char *v = env_nonempty("KTSTR_CACHE_DIR");
	struct passwd *pw;

	if (v)
		return xstrdup(v);
	v = env_nonempty("XDG_CACHE_HOME");
	if (v)
		return xasprintf("%s/ktstr", v);
	v = env_nonempty("HOME");
	if (!v) {
		pw = getpwuid(getuid());
		v = pw && pw->pw_dir ? pw->pw_dir : "/tmp";
	}
	return xasprintf("%s/.cache/ktstr", v);
}

char *kernel_cache_dir(void)
{
	char *root = kernel_cache_root(), *d = xasprintf("%s/kernels", root);

	free(root);
	return d;
}

int kernel_cache_lock(char **err)
{
	char *kdir = kernel_cache_dir(), *path = xasprintf("%s/.fetch.lock", kdir);
	int ret = mkdir_p(kdir, 0755);

	if (ret && err)
		*err = xasprintf("%s: %s", kdir, strerror(-ret));
	if (!ret)
		ret = lock_path(path, "another `ktstr kernel fetch` or `kernel build`", err);
	free(path);
	free(kdir);
	return ret;
}

void kernel_cache_clean_tmp(void)
{
	char *kdir = kernel_cache_dir();
	DIR *d = opendir(kdir);
	struct dirent *de;

	while (d && (de = readdir(d))) {
		char *path;

		if (!str_starts_with(de->d_name, ".tmp-"))
			continue;
		path = xasprintf("%s/%s", kdir, de->d_name);
		log_info("removing %s (left by an interrupted fetch or build)", path);
		rm_rf(path);
		free(path);
	}
	if (d)
		closedir(d);
	free(kdir);
}

int kernel_cache_remove(const char *id, char **err)
{
	char *kdir = kernel_cache_dir(), *dir = xasprintf("%s/%s", kdir, id), *tmp = NULL;
	int lock_fd, ret = 0;

	if (!*id || id[0] == '.' || strchr(id, '/') || !path_is_dir(dir)) {
		*err = xasprintf("no cached kernel %s (`ktstr kernel list` shows the cache)", id);
		ret = -ENOENT;
		goto out;
	}
	lock_fd = kernel_cache_lock(err);
	if (lock_fd < 0) {
		ret = lock_fd;
		goto out;
	}
	/* Out of sight first: a directory without the dot prefix is never half-removed. */
	tmp = xasprintf("%s/.tmp-rm-%s-%d", kdir, id, (int)getpid());
	if (rename(dir, tmp) < 0) {
		ret = -errno;
		*err = xasprintf("%s: %s", dir, strerror(errno));
	} else {
		ret = rm_rf(tmp);
		if (ret)
			*err = xasprintf("%s: %s", tmp, strerror(-ret));
	}
	close(lock_fd);
out:
	free(tmp);
	free(dir);
	free(kdir);
	return ret;
}

/* ---- versions ---- */

static int order(int c)
{
	if (isdigit(c))
		return 0;
	if (isalpha(c))
		return c;
	if (c == '~')
		return -1;
	if (c)
		return c + 256;
	return 0;
}

/* dpkg's verrevcmp: alternate non-digit runs (letters before symbols, '~' first)
 * and numeric runs. */
int kernel_version_cmp(const char *a, const char *b)
{
	while (*a || *b) {
		int first_diff = 0;

		while ((*a && !isdigit((unsigned char)*a)) || (*b && !isdigit((unsigned char)*b))) {
			int ac = order((unsigned char)*a), bc = order((unsigned char)*b);

			if (ac != bc)
				return ac < bc ? -1 : 1;
			a++;
			b++;
		}
		while (*a == '0')
			a++;
		while (*b == '0')
			b++;
		while (isdigit((unsigned char)*a) && isdigit((unsigned char)*b)) {
			if (!first_diff)
				first_diff = *a - *b;
			a++;
			b++;
		}
		if (isdigit((unsigned char)*a))
			return 1;
		if (isdigit((unsigned char)*b))
			return -1;
		if (first_diff)
			return first_diff < 0 ? -1 : 1;
	}
	return 0;
}

/* ---- metadata ---- */

char *kernel_iso8601(int64_t epoch_sec)
{
	time_t t = (time_t)epoch_sec;
	struct tm tm;
	char buf[32];

	gmtime_r(&t, &tm);
	strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	return xstrdup(buf);
}

int kernel_parse_iso8601(const char *s, int64_t *epoch_sec)
{
	struct tm tm = { 0 };
	const char *end = strptime(s, "%Y-%m-%dT%H:%M:%SZ", &tm);

	if (!end || *end)
		return -EINVAL;
	*epoch_sec = (int64_t)timegm(&tm);
	return 0;
}

char *kernel_meta_to_json(const struct kernel_meta *m)
{
	json_t *o = json_pack("{s:s, s:s, s:s, s:s, s:I, s:I, s:b, s:s}", "version", m->version,
			      "source", m->source, "arch", m->arch, "sha256", m->sha256,
			      "image_size", (json_int_t)m->image_size, "image_mtime_ns",
			      (json_int_t)m->image_mtime_ns, "sched_ext", m->sched_ext,
			      "fetched_at", m->fetched_at);
	char *s, *ret;

	if (!o)
		return NULL;
	s = json_dumps(o, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
	json_decref(o);
	ret = xasprintf("%s\n", s);
	free(s);
	return ret;
}

static bool is_sha256_hex(const char *s)
{
	size_t i;

	for (i = 0; s[i]; i++)
		if (!isxdigit((unsigned char)s[i]) || isupper((unsigned char)s[i]))
			return false;
	return i == 64;
}

int kernel_meta_from_json(const char *json, struct kernel_meta *m, char **err)
{
	static const char *const strs[] = { "version", "source", "arch", "sha256", "fetched_at" };
	json_error_t je;
	json_t *o = json_loads(json, 0, &je), *v;
	const char *bad = NULL;
	int64_t t;

	memset(m, 0, sizeof(*m));
	if (!o || !json_is_object(o)) {
		if (err)
			*err = o ? xstrdup("not a JSON object") :
				   xasprintf("line %d: %s", je.line, je.text);
		json_decref(o);
		return -EINVAL;
	}
	for (size_t i = 0; i < ARRAY_SIZE(strs) && !bad; i++)
		if (!json_is_string(json_object_get(o, strs[i])) ||
		    !*json_string_value(json_object_get(o, strs[i])))
			bad = strs[i];
	if (!bad && !is_sha256_hex(json_string_value(json_object_get(o, "sha256"))))
		bad = "sha256";
	if (!bad && kernel_parse_iso8601(json_string_value(json_object_get(o, "fetched_at")), &t))
		bad = "fetched_at";
	v = json_object_get(o, "image_size");
	if (!bad && (!json_is_integer(v) || json_integer_value(v) < 0))
		bad = "image_size";
	if (!bad && !json_is_integer(json_object_get(o, "image_mtime_ns")))
		bad = "image_mtime_ns";
	if (!bad && !json_is_boolean(json_object_get(o, "sched_ext")))
		bad = "sched_ext";
	if (bad) {
		if (err)
			*err = xasprintf("missing or invalid \"%s\"", bad);
		json_decref(o);
		return -EINVAL;
	}
	m->version = xstrdup(json_string_value(json_object_get(o, "version")));
	m->source = xstrdup(json_string_value(json_object_get(o, "source")));
	m->arch = xstrdup(json_string_value(json_object_get(o, "arch")));
	m->fetched_at = xstrdup(json_string_value(json_object_get(o, "fetched_at")));
	memcpy(m->sha256, json_string_value(json_object_get(o, "sha256")), 65);
	m->image_size = (uint64_t)json_integer_value(json_object_get(o, "image_size"));
	m->image_mtime_ns = json_integer_value(json_object_get(o, "image_mtime_ns"));
	m->sched_ext = json_is_true(json_object_get(o, "sched_ext"));
	json_decref(o);
	return 0;
}

void kernel_meta_free(struct kernel_meta *m)
{
	free(m->version);
	free(m->source);
	free(m->arch);
	free(m->fetched_at);
	memset(m, 0, sizeof(*m));
}

static int file_sha256_hex(const char *path, char hex[65])
{
	uint8_t d[SHA256_LEN];
	int ret = sha256_file(path, d);

	if (!ret)
		sha256_hex(d, hex);
	return ret;
}

static int64_t mtime_ns(const struct stat *st)
{
	return (int64_t)st->st_mtim.tv_sec * 1000000000ll + st->st_mtim.tv_nsec;
}

int kernel_meta_stat_image(struct kernel_meta *m, const char *image)
{
	struct stat st;
	int ret = file_sha256_hex(image, m->sha256);

	if (ret)
		return ret;
	if (stat(image, &st) < 0)
		return -errno;
	m->image_size = (uint64_t)st.st_size;
	m->image_mtime_ns = mtime_ns(&st);
	return 0;
}

/* ---- cache entries ---- */

static const char *const entry_files[] = { "bzImage", "config", "vmlinux" };

static char *verify(const char *dir, struct kernel_meta *m, enum kernel_verify v)
{
	char *image = xasprintf("%s/bzImage", dir), *reason = NULL, hex[65];
	struct stat st;
	int ret;

	if (stat(image, &st) < 0) {
		reason = xasprintf("cannot stat bzImage: %s", strerror(errno));
		goto out;
	}
	if ((uint64_t)st.st_size != m->image_size) {
		reason = xasprintf("bzImage is %lld bytes, %llu recorded (truncated?)",
				   (long long)st.st_size, (unsigned long long)m->image_size);
		goto out;
	}
	if (v == KERNEL_VERIFY_QUICK && mtime_ns(&st) == m->image_mtime_ns)
		goto out;
	ret = file_sha256_hex(image, hex);
	if (ret) {
		reason = xasprintf("cannot read bzImage: %s", strerror(-ret));
		goto out;
	}
	if (strcmp(hex, m->sha256)) {
		reason = xasprintf("bzImage sha256 %.12s... does not match the recorded %.12s...",
				   hex, m->sha256);
		goto out;
	}
	if (mtime_ns(&st) != m->image_mtime_ns) {
		/* Same bytes, new mtime (copied cache): remember, so the next check is cheap. */
		char *meta_path = xasprintf("%s/metadata.json", dir), *json;

		m->image_mtime_ns = mtime_ns(&st);
		json = kernel_meta_to_json(m);
		if (json && file_write_atomic(meta_path, json, strlen(json)))
			log_debug("cannot update %s", meta_path);
		free(json);
		free(meta_path);
	}
out:
	free(image);
	return reason;
}

void kernel_entry_load(const char *dir, enum kernel_verify v, struct kernel_entry *e)
{
	const char *slash = strrchr(dir, '/');
	char *path, *json, *err = NULL;

	memset(e, 0, sizeof(*e));
	e->dir = xstrdup(dir);
	e->id = xstrdup(slash ? slash + 1 : dir);
	path = xasprintf("%s/metadata.json", dir);
	json = file_read(path, NULL, 1 << 20);
	free(path);
	if (!json) {
		e->corrupt = xasprintf("metadata.json: %s", strerror(errno));
		return;
	}
	if (kernel_meta_from_json(json, &e->meta, &err)) {
		e->corrupt = xasprintf("bad metadata.json: %s", err);
		free(err);
		free(json);
		return;
	}
	free(json);
	for (size_t i = 0; i < ARRAY_SIZE(entry_files); i++) {
		path = xasprintf("%s/%s", dir, entry_files[i]);
		if (!path_exists(path))
			e->corrupt = xasprintf("missing %s", entry_files[i]);
		free(path);
		if (e->corrupt)
			return;
	}
	e->corrupt = verify(dir, &e->meta, v);
}

void kernel_entry_free(struct kernel_entry *e)
{
	free(e->id);
	free(e->dir);
	free(e->corrupt);
	kernel_meta_free(&e->meta);
	memset(e, 0, sizeof(*e));
}

void kernel_entries_free(struct kernel_entry *e, size_t n)
{
	for (size_t i = 0; i < n; i++)
		kernel_entry_free(&e[i]);
	free(e);
}

/* Newest first: by version (the id when metadata is unreadable), then fetch time. */
static int entry_cmp(const void *pa, const void *pb)
{
	const struct kernel_entry *a = pa, *b = pb;
	int c = kernel_version_cmp(b->meta.version ? b->meta.version : b->id,
				   a->meta.version ? a->meta.version : a->id);

	if (c)
		return c;
	c = strcmp(b->meta.fetched_at ? b->meta.fetched_at : "",
		   a->meta.fetched_at ? a->meta.fetched_at : "");
	return c ? c : strcmp(a->id, b->id);
}

int kernel_list(enum kernel_verify v, struct kernel_entry **out, size_t *n)
{
	char *kdir = kernel_cache_dir();
	struct dirent *de;
	DIR *d = opendir(kdir);
	size_t cap = 0;

	*out = NULL;
	*n = 0;
	if (!d) {
		int ret = errno == ENOENT ? 0 : -errno;

		free(kdir);
		return ret;
	}
	while ((de = readdir(d))) {
		char *dir;

		if (de->d_name[0] == '.')
			continue;
		dir = xasprintf("%s/%s", kdir, de->d_name);
		if (path_is_dir(dir)) {
			if (*n == cap) {
				cap = cap ? cap * 2 : 8;
				*out = xrealloc(*out, cap * sizeof(**out));
			}
			kernel_entry_load(dir, v, &(*out)[(*n)++]);
		}
		free(dir);
	}
	closedir(d);
	free(kdir);
	if (*n)
		qsort(*out, *n, sizeof(**out), entry_cmp);
	return 0;
}

void kernel_entry_info(const struct kernel_entry *e, struct kernel_info *out)
{
	memset(out, 0, sizeof(*out));
	out->id = xstrdup(e->id);
	out->version = xstrdup(e->meta.version);
	out->image = xasprintf("%s/bzImage", e->dir);
	out->config = xasprintf("%s/config", e->dir);
	out->vmlinux = xasprintf("%s/vmlinux", e->dir);
	out->sched_ext = e->meta.sched_ext;
	out->source = xstrdup(e->meta.source);
}

void kernel_info_free(struct kernel_info *k)
{
	free(k->id);
	free(k->version);
	free(k->image);
	free(k->config);
	free(k->vmlinux);
	free(k->source);
	memset(k, 0, sizeof(*k));
}

/* ---- resolution ---- */

static bool config_has_sched_ext(const char *config)
{
	struct kconfig kc;
	bool y;

	if (!config || kconfig_load(config, &kc, NULL))
		return false;
	y = kconfig_is_y(&kc, "CONFIG_SCHED_CLASS_EXT");
	kconfig_free(&kc);
	return y;
}

/* sched_ext of an image from its config file, else from its embedded config. */
static bool image_has_sched_ext(const char *image)
{
	struct kconfig kc;
	char *where;
	bool y;

	if (kconfig_load_image(image, &kc, &where, NULL))
		return false;
	y = kconfig_is_y(&kc, "CONFIG_SCHED_CLASS_EXT");
	kconfig_free(&kc);
	free(where);
	return y;
}

/* The vmlinux of an image that has none beside it, extracted once into
 * <root>/vmlinux/<sha256 of the image>/vmlinux: the host monitor needs its symbols
 * and BTF. NULL (logged) when the image cannot be read or decompressed. */
static char *extracted_vmlinux(const char *image)
{
	char hex[65], *root, *dir, *path, *tmp, *err = NULL;
	int ret = file_sha256_hex(image, hex);

	if (ret) {
		log_warn("%s: %s: no vmlinux for the host monitor", image, strerror(-ret));
		return NULL;
	}
	root = kernel_cache_root();
	dir = xasprintf("%s/vmlinux/%.32s", root, hex);
	path = xasprintf("%s/vmlinux", dir);
	free(root);
	if (path_exists(path)) {
		free(dir);
		return path;
	}
	tmp = xasprintf("%s/.tmp-vmlinux-%d", dir, (int)getpid());
	ret = mkdir_p(dir, 0755);
	if (!ret) {
		log_info("extracting vmlinux (symbols, BTF) from %s for the host monitor", image);
		ret = bzimage_extract_vmlinux(image, tmp, &err);
	}
	if (!ret && rename(tmp, path) < 0)
		ret = -errno;
	if (ret) {
		log_warn("%s: cannot extract its vmlinux (%s): the host monitor will not run",
			 image, err ? err : strerror(-ret));
		unlink(tmp);
		free(path);
		path = NULL;
	}
	free(err);
	free(tmp);
	free(dir);
	return path;
}

/* An image file (possibly inside a build tree). */
static void info_from_image(const char *image, const char *source, struct kernel_info *out)
{
	struct bzimage_hdr h;
	char *abs = realpath(image, NULL), *dir, *vml;

	memset(out, 0, sizeof(*out));
	out->image = abs ? abs : xstrdup(image);
	out->source = xstrdup(source);
	out->config = kconfig_find_for_image(out->image);
	out->sched_ext = image_has_sched_ext(out->image);
	if (!bzimage_read_header(out->image, &h, NULL) && h.version[0])
		out->version = xstrdup(h.version);
	/* vmlinux beside the image, or at the top of a build tree. */
	dir = xstrndup(out->image, (size_t)(strrchr(out->image, '/') - out->image));
	vml = xasprintf("%s/vmlinux", dir);
	if (!path_exists(vml) && !strcmp(source, "build-tree")) {
		free(vml);
		vml = xasprintf("%s/../../../vmlinux", dir);
	}
	if (path_exists(vml))
		out->vmlinux = realpath(vml, NULL);
	else if (strcmp(source, "build-tree"))
		out->vmlinux = extracted_vmlinux(out->image);
	free(vml);
	free(dir);
}

static int find_cached(const char *spec, struct kernel_info *out, char **err)
{
	struct kernel_entry *e;
	size_t n;
	int ret = kernel_list(KERNEL_VERIFY_QUICK, &e, &n);

	if (ret)
		return ret;
	ret = -ENOENT;
	for (size_t i = 0; i < n && ret == -ENOENT; i++) {
		if (strcmp(e[i].id, spec) && (!e[i].meta.version || strcmp(e[i].meta.version, spec)))
			continue;
		if (e[i].corrupt) {
			if (err)
				*err = xasprintf("cached kernel %s is corrupt: %s; run `ktstr kernel "
						 "fetch` to fetch it again",
						 e[i].id, e[i].corrupt);
			ret = -EINVAL;
		} else {
			kernel_entry_info(&e[i], out);
			ret = 0;
		}
	}
	kernel_entries_free(e, n);
	return ret;
}

/* An image named by the user must be a bzImage: anything else would only fail
 * once QEMU tried to boot it. */
static int image_check(const char *image, const char *origin, const char *spec, char **err)
{
	struct bzimage_hdr h;
	char *e = NULL;
	int ret = bzimage_read_header(image, &h, &e);

	if (ret && err)
		*err = xasprintf("%s %s: not a kernel image (%s)", origin, spec, e);
	free(e);
	return ret ? -ENOEXEC : 0;
}

static int resolve_spec(const char *spec, const char *origin, struct kernel_info *out, char **err)
{
	struct stat st;
	int ret;

	if (stat(spec, &st) == 0 && S_ISDIR(st.st_mode)) {
		char *img = xasprintf("%s/arch/x86/boot/bzImage", spec);

		if (path_exists(img)) {
			ret = image_check(img, origin, spec, err);
			if (!ret)
				info_from_image(img, "build-tree", out);
			free(img);
			return ret;
		}
		free(img);
		img = xasprintf("%s/bzImage", spec);
		if (path_exists(img)) {
			ret = image_check(img, origin, spec, err);
			if (!ret)
				info_from_image(img, "path", out);
			free(img);
			return ret;
		}
		free(img);
		if (err)
			*err = xasprintf("%s %s: directory has neither arch/x86/boot/bzImage (a "
					 "built kernel tree) nor bzImage",
					 origin, spec);
		return -ENOENT;
	}
	if (stat(spec, &st) == 0) {
		ret = image_check(spec, origin, spec, err);
		if (!ret)
			info_from_image(spec, "path", out);
		return ret;
	}
	ret = strchr(spec, '/') ? -ENOENT : find_cached(spec, out, err);
	if (ret == -ENOENT && err)
		*err = xasprintf("%s %s: no such image, kernel build tree, or cached kernel id "
				 "(`ktstr kernel list` shows the cache)",
				 origin, spec);
	return ret;
}

static int newest_cached(struct kernel_info *out)
{
	struct kernel_entry *e;
	size_t n;
	int ret = kernel_list(KERNEL_VERIFY_QUICK, &e, &n);

	if (ret) {
		log_warn("cannot read the kernel cache: %s", strerror(-ret));
		return -ENOENT;
	}
	ret = -ENOENT;
	for (size_t i = 0; i < n && ret; i++) {
		if (e[i].corrupt) {
			log_warn("skipping corrupt cached kernel %s: %s", e[i].id, e[i].corrupt);
			continue;
		}
		kernel_entry_info(&e[i], out);
		ret = 0;
	}
	kernel_entries_free(e, n);
	return ret;
}

static int host_kernel(const char *boot_dir, const char *release, struct kernel_info *out)
{
	struct utsname u;
	char *img, *cfg;
	int ret = -ENOENT;

	if (!release) {
		if (uname(&u) < 0)
			return -errno;
		release = u.release;
	}
	img = xasprintf("%s/vmlinuz-%s", boot_dir ? boot_dir : "/boot", release);
	cfg = xasprintf("%s/config-%s", boot_dir ? boot_dir : "/boot", release);
	if (path_exists(img) && access(img, R_OK) == 0 && config_has_sched_ext(cfg)) {
		info_from_image(img, "host", out);
		if (!out->version)
			out->version = xstrdup(release);
		ret = 0;
	}
	free(img);
	free(cfg);
	return ret;
}

int kernel_resolve_opts(const struct kernel_resolve_opts *o, struct kernel_info *out, char **err)
{
	const char *env = env_nonempty("KTSTR_KERNEL");
	int ret;

	memset(out, 0, sizeof(*out));
	if (o->spec && *o->spec)
		return resolve_spec(o->spec, "--kernel", out, err);
	if (env)
		return resolve_spec(env, "KTSTR_KERNEL", out, err);
	ret = newest_cached(out);
	if (ret != -ENOENT)
		return ret;
	ret = host_kernel(o->boot_dir, o->release, out);
	if (ret == -ENOENT && err) {
		struct utsname u;

		*err = xasprintf("no kernel found (no --kernel, no KTSTR_KERNEL, no valid cached "
				 "kernel, no %s/vmlinuz-%s with CONFIG_SCHED_CLASS_EXT=y): "
				 KERNEL_NONE_HINT,
				 o->boot_dir ? o->boot_dir : "/boot",
				 o->release ? o->release : uname(&u) == 0 ? u.release : "?");
	}
	return ret;
}

int kernel_resolve(const char *spec, struct kernel_info *out, char **err)
{
	struct kernel_resolve_opts o = { .spec = spec };

	return kernel_resolve_opts(&o, out, err);
}
