// SPDX-License-Identifier: GPL-2.0-only
/* Fetch Debian's sched_ext cloud kernel into the kernel cache with a private apt. */
#include "vm/kfetch.h"
#include "util/lock.h"
#include "util/run.h"
#include "util/util.h"
#include "vm/bzimage.h"
#include "vm/kconfig.h"
#include "vm/kernel.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#define SUITE "trixie-backports"
#define FLAVOUR "cloud-amd64"
#define BINARY_PREFIX "linux-binary-unsigned-"
#define BASE_PREFIX "linux-base-"
#define SOURCE_PREFIX "linux-source-"
#define KEYRING "/usr/share/keyrings/debian-archive-keyring.gpg"
#define INDEX_MAX_AGE_SEC (6 * 3600)

/* ---- the machine's Debian source ---- */

static bool has_release(const char *suites)
{
	return str_has_word(suites, "bookworm") || str_has_word(suites, "trixie");
}

static char *first_word(const char *s)
{
	s += strspn(s, " \t");
	return xstrndup(s, strcspn(s, " \t"));
}

static char *clean_uri(char *u)
{
	size_t n = strlen(u);

	while (n > 1 && u[n - 1] == '/')
		u[--n] = '\0';
	return u;
}

/* deb822: paragraphs of "Field: value" lines, separated by blank lines. */
static char *uri_from_deb822(const char *text)
{
	char *copy = xstrdup(text), *line = copy, *uri = NULL, *ret = NULL;
	bool deb = false, release = false, enabled = true;

	while (line && !ret) {
		char *nl = strchr(line, '\n'), *s;

		if (nl)
			*nl = '\0';
		s = str_trim(line);
		line = nl ? nl + 1 : NULL;
		if (*s == '#')
			continue;
		if (str_starts_with(s, "Types:"))
			deb = str_has_word(s + 6, "deb");
		else if (str_starts_with(s, "URIs:")) {
			free(uri);
			uri = first_word(s + 5);
		} else if (str_starts_with(s, "Suites:"))
			release = has_release(s + 7);
		else if (str_starts_with(s, "Enabled:"))
			enabled = !str_has_word(s + 8, "no");
		if (*s && line)
			continue;
		/* End of a paragraph. */
		if (deb && release && enabled && uri && *uri)
			ret = clean_uri(xstrdup(uri));
		free(uri);
		uri = NULL;
		deb = release = false;
		enabled = true;
	}
	free(uri);
	free(copy);
	return ret;
}

/* One-line format: "deb [options] URI suite component...". */
static char *uri_from_list(const char *text)
{
	char *copy = xstrdup(text), *save = NULL, *line, *ret = NULL;

	for (line = strtok_r(copy, "\n", &save); line && !ret; line = strtok_r(NULL, "\n", &save)) {
		char *s = str_trim(line), *uri, *suite;

		if (!str_starts_with(s, "deb ") && !str_starts_with(s, "deb\t"))
			continue;
		s += 4;
		s += strspn(s, " \t");
		if (*s == '[') {
			char *close = strchr(s, ']');

			if (!close)
				continue;
			s = close + 1;
		}
		uri = first_word(s);
		s += strspn(s, " \t");
		s += strcspn(s, " \t");
		suite = first_word(s);
		if (*uri && has_release(suite))
			ret = clean_uri(xstrdup(uri));
		free(uri);
		free(suite);
	}
	free(copy);
	return ret;
}

/* Files of dir ending in suffix, sorted (apt reads them in this order). */
static char **dir_files(const char *dir, const char *suffix)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	if (!d)
		return v;
	while ((de = readdir(d))) {
		if (de->d_name[0] == '.' || !str_ends_with(de->d_name, suffix))
			continue;
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xasprintf("%s/%s", dir, de->d_name);
		v[n] = NULL;
	}
	closedir(d);
	qsort(v, n, sizeof(*v), str_ptr_cmp);
	return v;
}

static char *uri_from_files(char **files, char *(*parse)(const char *))
{
	char *ret = NULL;

	for (char **f = files; *f && !ret; f++) {
		char *text = file_read(*f, NULL, 1 << 20);

		if (text)
			ret = parse(text);
		free(text);
	}
	strv_free(files);
	return ret;
}

char *kfetch_debian_uri(const char *sources_dir, const char *sources_list, char **err)
{
	char *uri = uri_from_files(dir_files(sources_dir, ".sources"), uri_from_deb822), *text;

	if (!uri && (text = file_read(sources_list, NULL, 1 << 20))) {
		uri = uri_from_list(text);
		free(text);
	}
	if (!uri)
		uri = uri_from_files(dir_files(sources_dir, ".list"), uri_from_list);
	if (!uri && err)
		*err = xasprintf("no Debian bookworm/trixie apt source found in %s/*.sources or %s: "
				 "ktstr reuses its archive URI to download kernels",
				 sources_dir, sources_list);
	return uri;
}

/* ---- package names ---- */

static int version_desc(const void *a, const void *b)
{
	return kernel_version_cmp(*(char *const *)b, *(char *const *)a);
}

size_t kfetch_versions(const char *pkgnames, const char *flavour, char ***out)
{
	char *copy = xstrdup(pkgnames), *save = NULL, *line;
	char *suffix = xasprintf("-%s", flavour);
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = str_trim(line), *ver;
		bool dup = false;

		if (!str_starts_with(s, BINARY_PREFIX) || !str_ends_with(s, suffix))
			continue;
		ver = s + strlen(BINARY_PREFIX);
		/* The version must start with a digit: "7.3.4+deb13-cloud-amd64". */
		if (*ver < '0' || *ver > '9' || strlen(ver) <= strlen(suffix))
			continue;
		for (size_t i = 0; i < n && !dup; i++)
			dup = !strcmp(v[i], ver);
		if (dup)
			continue;
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xstrdup(ver);
		v[n] = NULL;
	}
	qsort(v, n, sizeof(*v), version_desc);
	free(copy);
	free(suffix);
	*out = v;
	return n;
}

bool kfetch_version_matches(const char *version, const char *want)
{
	size_t n = strlen(want);

	return !strcmp(version, want) ||
	       (!strncmp(version, want, n) && (version[n] == '+' || version[n] == '-'));
}

/* ---- running apt ---- */

struct apt {
	char *dir;
	char *opts[9]; /* "-o", "X=Y" pairs ... */
	size_t nopts;
};

static void apt_init(struct apt *a, const char *dir)
{
	static const char *const fmt[] = {
		"Dir::Etc::SourceList=%s/etc/sources.list",
		"Dir::Etc::SourceParts=%s/etc/sources.list.d",
		"Dir::State::Lists=%s/lists",
		"Dir::Cache=%s/cache",
		"Dir::Etc::Preferences=%s/etc/preferences",
		"Dir::Etc::PreferencesParts=%s/etc/preferences.d",
	};

	memset(a, 0, sizeof(*a));
	a->dir = xstrdup(dir);
	for (size_t i = 0; i < ARRAY_SIZE(fmt); i++)
		a->opts[a->nopts++] = xasprintf(fmt[i], dir);
	a->opts[a->nopts++] = xstrdup("APT::Architecture=amd64");
	/* As root apt drops to _apt, which cannot write our directories. */
	if (geteuid() == 0)
		a->opts[a->nopts++] = xstrdup("APT::Sandbox::User=root");
}

static void apt_free(struct apt *a)
{
	for (size_t i = 0; i < a->nopts; i++)
		free(a->opts[i]);
	free(a->dir);
}

/* cmd ("apt-get"), then the private-dir options, then the arguments. */
static int apt_run(const struct apt *a, const char *cmd, const char *const args[], const char *cwd,
		   char **out)
{
	const char *argv[40];
	size_t n = 0;

	argv[n++] = cmd;
	argv[n++] = "-q";
	for (size_t i = 0; i < a->nopts; i++) {
		argv[n++] = "-o";
		argv[n++] = a->opts[i];
	}
	for (size_t i = 0; args[i] && n < ARRAY_SIZE(argv) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return run_argv((char *const *)argv, cwd, out);
}

/* Write the private apt tree; true when sources.list changed (the index is stale). */
static int apt_prepare(const struct apt *a, const char *uri, bool *changed, char **err)
{
	static const char *const dirs[] = { "etc/sources.list.d", "etc/preferences.d",
					    "lists/partial", "cache/archives/partial" };
	char *want = xasprintf("deb [signed-by=%s] %s %s main\n", KEYRING, uri, SUITE);
	char *path = xasprintf("%s/etc/sources.list", a->dir), *have;
	int ret = 0;

	for (size_t i = 0; i < ARRAY_SIZE(dirs) && !ret; i++) {
		char *d = xasprintf("%s/%s", a->dir, dirs[i]);

		ret = mkdir_p(d, 0755);
		free(d);
	}
	have = ret ? NULL : file_read(path, NULL, 1 << 16);
	*changed = !have || strcmp(have, want);
	if (!ret && *changed)
		ret = file_write_atomic(path, want, strlen(want));
	if (ret && err)
		*err = xasprintf("%s: %s", a->dir, strerror(-ret));
	free(have);
	free(path);
	free(want);
	return ret;
}

static int apt_update(const struct apt *a, bool force, char **err)
{
	static const char *const args[] = { "update", NULL };
	char *stamp = xasprintf("%s/updated", a->dir);
	struct stat st;
	int ret;

	if (!force && stat(stamp, &st) == 0 && time(NULL) - st.st_mtime < INDEX_MAX_AGE_SEC) {
		log_info("package index of %s is %ld min old: not refreshed (--refresh forces it)",
			 SUITE, (long)(time(NULL) - st.st_mtime) / 60);
		free(stamp);
		return 0;
	}
	log_info("updating the package index of %s (private apt state in %s)", SUITE, a->dir);
	ret = apt_run(a, "apt-get", args, NULL, NULL);
	if (ret) {
		if (stat(stamp, &st) == 0) {
			log_warn("apt-get update failed (exit %d): using the previous index", ret);
			ret = 0;
		} else if (err) {
			*err = xasprintf("apt-get update of %s failed (exit %d)", SUITE, ret);
		}
	} else {
		ret = file_write_str(stamp, "");
	}
	free(stamp);
	return ret > 0 ? -EIO : ret;
}

/* The private apt of the cache, its index up to date. */
static int apt_open(struct apt *a, bool refresh, char **err)
{
	char *root = kernel_cache_root(), *aptdir = xasprintf("%s/apt", root);
	char *uri = kfetch_debian_uri("/etc/apt/sources.list.d", "/etc/apt/sources.list", err);
	bool changed;
	int ret = uri ? 0 : -ENOENT;

	apt_init(a, aptdir);
	if (!ret)
		ret = apt_prepare(a, uri, &changed, err);
	if (!ret)
		ret = apt_update(a, refresh || changed, err);
	free(uri);
	free(aptdir);
	free(root);
	return ret;
}

/* ---- fetching one kernel ---- */

struct pkg {
	char *name;
	char *version; /* Debian package version */
	unsigned long long size;
};

static int pkg_show(const struct apt *a, struct pkg *p, char **err)
{
	const char *args[] = { "show", "--no-all-versions", p->name, NULL };
	char *out = NULL, *save = NULL, *line;
	int ret = apt_run(a, "apt-cache", args, NULL, &out);

	for (line = ret ? NULL : strtok_r(out, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		if (str_starts_with(line, "Version: ") && !p->version)
			p->version = xstrdup(str_trim(line + 9));
		else if (str_starts_with(line, "Size: "))
			p->size = strtoull(line + 6, NULL, 10);
	}
	free(out);
	if (!p->version) {
		if (err)
			*err = xasprintf("apt-cache show %s: no such package in %s", p->name, SUITE);
		return -ENOENT;
	}
	return 0;
}

/* Download p into dir and unpack it into dir/root. */
static int pkg_fetch(const struct apt *a, const struct pkg *p, const char *dir, char **err)
{
	const char *args[] = { "download", p->name, NULL };
	char *root = xasprintf("%s/root", dir), *deb = NULL, **debs;
	int ret;

	log_info("downloading %s %s (%.1f MB)", p->name, p->version, p->size / 1e6);
	ret = apt_run(a, "apt-get", args, dir, NULL);
	if (ret) {
		if (err)
			*err = xasprintf("apt-get download %s failed (exit %d)", p->name, ret);
		free(root);
		return ret > 0 ? -EIO : ret;
	}
	debs = dir_files(dir, ".deb");
	for (char **d = debs; *d; d++) {
		const char *base = strrchr(*d, '/') + 1;

		if (str_starts_with(base, p->name) && base[strlen(p->name)] == '_')
			deb = xstrdup(*d);
	}
	strv_free(debs);
	if (!deb) {
		if (err)
			*err = xasprintf("apt-get download %s left no .deb in %s", p->name, dir);
		free(root);
		return -ENOENT;
	}
	{
		const char *argv[] = { "dpkg-deb", "-x", deb, root, NULL };

		ret = run_argv((char *const *)argv, NULL, NULL);
	}
	if (ret && err)
		*err = xasprintf("dpkg-deb -x %s failed (exit %d)", deb, ret);
	free(deb);
	free(root);
	return ret > 0 ? -EIO : ret;
}

/* Versions whose config was seen: "no-sched-ext" (not downloaded again by a
 * fetch) and "sched-ext" lists in the apt directory, one version a line. */
static bool known_in(const struct apt *a, const char *list, const char *ver)
{
	char *path = xasprintf("%s/%s", a->dir, list), *text = file_read(path, NULL, 1 << 20);
	char *line, *save;
	bool found = false;

	for (line = text ? strtok_r(text, "\n", &save) : NULL; line && !found;
	     line = strtok_r(NULL, "\n", &save))
		found = !strcmp(line, ver);
	free(text);
	free(path);
	return found;
}

static void remember_in(const struct apt *a, const char *list, const char *ver)
{
	char *path = xasprintf("%s/%s", a->dir, list);
	FILE *f = fopen(path, "a");

	if (f) {
		fprintf(f, "%s\n", ver);
		fclose(f);
	}
	free(path);
}

#define NO_SCHED_EXT_LIST "no-sched-ext"
#define SCHED_EXT_LIST "sched-ext"

/* Fetch kernel version ver into tmp, then rename tmp to kdir/ver.
 * 1: the config lacks sched_ext (nothing stored); 0: stored; <0: error. */
static int fetch_one(const struct apt *a, const char *kdir, const char *ver,
		     struct kfetch_result *res, char **err)
{
	struct pkg bin = { .name = xasprintf(BINARY_PREFIX "%s", ver) };
	struct pkg base = { .name = xasprintf(BASE_PREFIX "%s", ver) };
	char *tmp = xasprintf("%s/.tmp-%s-%d", kdir, ver, (int)getpid());
	char *dl = xasprintf("%s/dl", tmp), *mod = xasprintf("%s/root/usr/lib/modules/%s", dl, ver);
	char *src = NULL, *dst = NULL, *final = xasprintf("%s/%s", kdir, ver), *json = NULL;
	struct kernel_meta m = { 0 };
	struct kconfig kc;
	int ret;

	rm_rf(tmp);
	ret = mkdir_p(dl, 0755);
	if (!ret)
		ret = pkg_show(a, &base, err);
	if (!ret)
		ret = pkg_show(a, &bin, err);
	/* The base package (1 MB) holds the config: check sched_ext before the image. */
	if (!ret)
		ret = pkg_fetch(a, &base, dl, err);
	if (ret)
		goto out;
	res->bytes += base.size;
	src = xasprintf("%s/config", mod);
	ret = kconfig_load(src, &kc, err);
	if (ret)
		goto out;
	m.sched_ext = kconfig_is_y(&kc, "CONFIG_SCHED_CLASS_EXT");
	kconfig_free(&kc);
	if (!m.sched_ext) {
		log_info("%s: CONFIG_SCHED_CLASS_EXT is not set, trying an older version", ver);
		remember_in(a, NO_SCHED_EXT_LIST, ver);
		ret = 1;
		goto out;
	}
	dst = xasprintf("%s/config", tmp);
	if (rename(src, dst) < 0) {
		ret = -errno;
		goto io_err;
	}
	free(src);
	free(dst);
	src = dst = NULL;

	ret = pkg_fetch(a, &bin, dl, err);
	if (ret)
		goto out;
	res->bytes += bin.size;
	src = xasprintf("%s/vmlinuz.unsigned", mod);
	if (!path_exists(src)) {
		free(src);
		src = xasprintf("%s/root/boot/vmlinuz-%s", dl, ver);
	}
	dst = xasprintf("%s/bzImage", tmp);
	if (rename(src, dst) < 0) {
		ret = -errno;
		goto io_err;
	}
	free(src);
	src = dst;
	dst = xasprintf("%s/vmlinux", tmp);
	log_info("extracting vmlinux (with BTF) from the image");
	ret = bzimage_extract_vmlinux(src, dst, err);
	if (ret)
		goto out;

	m.version = xstrdup(ver);
	m.source = xasprintf("debian:%s=%s", bin.name, bin.version);
	m.arch = xstrdup("x86_64");
	m.fetched_at = kernel_iso8601((int64_t)time(NULL));
	ret = kernel_meta_stat_image(&m, src);
	if (ret)
		goto io_err;
	json = kernel_meta_to_json(&m);
	free(src);
	free(dst);
	src = xasprintf("%s/metadata.json", tmp);
	dst = NULL;
	ret = json ? file_write(src, json, strlen(json)) : -EINVAL;
	if (!ret)
		ret = rm_rf(dl);
	if (ret)
		goto io_err;
	/* A corrupt entry of the same version is moved aside, then replaced. */
	if (path_exists(final)) {
		dst = xasprintf("%s/.tmp-old-%s-%d", kdir, ver, (int)getpid());
		if (rename(final, dst) < 0) {
			ret = -errno;
			goto io_err;
		}
		rm_rf(dst);
	}
	if (rename(tmp, final) < 0) {
		ret = -errno;
		goto io_err;
	}
	res->id = xstrdup(ver);
	goto out;
io_err:
	if (err && !*err)
		*err = xasprintf("%s: %s", src ? src : tmp, strerror(-ret));
out:
	rm_rf(tmp);
	kernel_meta_free(&m);
	free(json);
	free(src);
	free(dst);
	free(final);
	free(mod);
	free(dl);
	free(tmp);
	free(bin.name);
	free(bin.version);
	free(base.name);
	free(base.version);
	return ret;
}

/* Is version ver in the cache and valid? Sets res when it is. */
static bool already_cached(const char *kdir, const char *ver, struct kfetch_result *res)
{
	char *dir = xasprintf("%s/%s", kdir, ver);
	struct kernel_entry e;
	bool ok = false;

	if (path_is_dir(dir)) {
		kernel_entry_load(dir, KERNEL_VERIFY_FULL, &e);
		if (e.corrupt)
			log_warn("cached kernel %s is corrupt (%s): fetching it again", ver,
				 e.corrupt);
		ok = !e.corrupt && e.meta.sched_ext;
		kernel_entry_free(&e);
	}
	free(dir);
	if (ok) {
		res->id = xstrdup(ver);
		res->cached = true;
	}
	return ok;
}

int kfetch_run(const struct kfetch_opts *o, struct kfetch_result *res, char **err)
{
	static const char *const pkgnames[] = { "pkgnames", BINARY_PREFIX, NULL };
	char *kdir = kernel_cache_dir(), *names = NULL;
	char **vers = NULL;
	uint64_t t0 = now_ns();
	int lock_fd;
	struct apt a = { 0 };
	size_t n;
	int ret;

	memset(res, 0, sizeof(*res));
	lock_fd = kernel_cache_lock(err);
	if (lock_fd < 0) {
		ret = lock_fd;
		goto out;
	}
	kernel_cache_clean_tmp();
	ret = apt_open(&a, o->refresh, err);
	if (!ret)
		ret = apt_run(&a, "apt-cache", pkgnames, NULL, &names);
	if (ret > 0) {
		if (err)
			*err = xasprintf("apt-cache pkgnames failed (exit %d)", ret);
		ret = -EIO;
	}
	if (ret)
		goto out;
	n = kfetch_versions(names, FLAVOUR, &vers);
	ret = -ENOENT;
	for (size_t i = 0; i < n; i++) {
		if (o->version && !kfetch_version_matches(vers[i], o->version))
			continue;
		if (already_cached(kdir, vers[i], res)) {
			ret = 0;
			break;
		}
		if (!o->version && known_in(&a, NO_SCHED_EXT_LIST, vers[i]))
			continue;
		log_info("fetching kernel %s", vers[i]);
		ret = fetch_one(&a, kdir, vers[i], res, err);
		if (ret <= 0)
			break;
		ret = -ENOENT;
		if (o->version)
			break;
	}
	if (ret == -ENOENT && err && !*err)
		*err = o->version ?
			       xasprintf("no %s%s-" FLAVOUR " with sched_ext in %s", BINARY_PREFIX,
					 o->version, SUITE) :
			       xasprintf("no %s*-" FLAVOUR " package with CONFIG_SCHED_CLASS_EXT=y in %s",
					 BINARY_PREFIX, SUITE);
out:
	if (lock_fd >= 0)
		close(lock_fd);
	res->seconds = (double)(now_ns() - t0) / 1e9;
	strv_free(vers);
	free(names);
	apt_free(&a);
	free(kdir);
	return ret;
}

void kfetch_result_free(struct kfetch_result *r)
{
	free(r->id);
	memset(r, 0, sizeof(*r));
}

/* ---- list-remote ---- */

/* Does the kernel ver have sched_ext? Its base package (the config, ~1 MB) says. */
static int probe_sched_ext(const struct apt *a, const char *ver, bool *yes, char **err)
{
	struct pkg base = { .name = xasprintf(BASE_PREFIX "%s", ver) };
	char *dir = xasprintf("%s/probe-%d", a->dir, (int)getpid());
	char *cfg = xasprintf("%s/root/usr/lib/modules/%s/config", dir, ver);
	struct kconfig kc;
	int ret;

	rm_rf(dir);
	ret = mkdir_p(dir, 0755);
	if (!ret)
		ret = pkg_show(a, &base, err);
	if (!ret)
		ret = pkg_fetch(a, &base, dir, err);
	if (!ret)
		ret = kconfig_load(cfg, &kc, err);
	if (!ret) {
		*yes = kconfig_is_y(&kc, "CONFIG_SCHED_CLASS_EXT");
		kconfig_free(&kc);
		remember_in(a, *yes ? SCHED_EXT_LIST : NO_SCHED_EXT_LIST, ver);
	}
	rm_rf(dir);
	free(cfg);
	free(dir);
	free(base.name);
	free(base.version);
	return ret;
}

int kfetch_list_remote(bool refresh, struct kfetch_remote **out, size_t *n, char **err)
{
	static const char *const pkgnames[] = { "pkgnames", BINARY_PREFIX, NULL };
	char *kdir = kernel_cache_dir(), *names = NULL, **vers = NULL;
	struct kfetch_result res = { 0 };
	struct apt a = { 0 };
	size_t nv;
	int ret = apt_open(&a, refresh, err);

	*out = NULL;
	*n = 0;
	if (!ret)
		ret = apt_run(&a, "apt-cache", pkgnames, NULL, &names);
	if (ret > 0) {
		*err = xasprintf("apt-cache pkgnames failed (exit %d)", ret);
		ret = -EIO;
	}
	nv = ret ? 0 : kfetch_versions(names, FLAVOUR, &vers);
	*out = xcalloc(nv + 1, sizeof(**out));
	for (size_t i = 0; i < nv && !ret; i++) {
		struct kfetch_remote *r = &(*out)[(*n)++];
		bool yes = false;

		r->version = xstrdup(vers[i]);
		if (already_cached(kdir, vers[i], &res)) {
			r->status = "cached";
			kfetch_result_free(&res);
		} else if (known_in(&a, NO_SCHED_EXT_LIST, vers[i])) {
			r->status = "no sched_ext";
		} else if (known_in(&a, SCHED_EXT_LIST, vers[i])) {
			r->status = "sched_ext";
		} else {
			ret = probe_sched_ext(&a, vers[i], &yes, err);
			r->status = yes ? "sched_ext" : "no sched_ext";
		}
	}
	strv_free(vers);
	free(names);
	apt_free(&a);
	free(kdir);
	return ret;
}

void kfetch_remote_free(struct kfetch_remote *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(r[i].version);
	free(r);
}

/* ---- kernel source packages ---- */

char *kfetch_source_package(const char *version)
{
	unsigned major, minor;
	int end = 0;

	if (sscanf(version, "%u.%u%n", &major, &minor, &end) != 2 ||
	    (version[end] && version[end] != '.') || !isdigit((unsigned char)version[0]))
		return NULL;
	if (version[end] == '.') {
		const char *p = version + end + 1;

		if (!*p || strspn(p, "0123456789") != strlen(p))
			return NULL;
	}
	return xasprintf(SOURCE_PREFIX "%u.%u", major, minor);
}

char *kfetch_source_dirname(const char *pkg, const char *pkg_version)
{
	char *s = xasprintf("%s_%s", pkg, pkg_version);

	for (char *p = s; *p; p++)
		if (!isalnum((unsigned char)*p) && !strchr("._+-", *p))
			*p = '_';
	return s;
}

static int run_in(const char *cwd, const char *const argv[], const char *what, char **err)
{
	int ret = run_argv((char *const *)argv, cwd, NULL);

	if (ret)
		*err = xasprintf("%s failed (exit %d)", what, ret);
	return ret > 0 ? -EIO : ret;
}

/* Unpack the package in tmp into tree, and commit the tree to a new git repository
 * so that later changes to it are seen (ksource.h). */
static int unpack_source(const char *pkg, const char *tmp, const char *tree, const char *label,
			 char **err)
{
	char *tarball = xasprintf("%s/root/usr/src/%s.tar.xz", tmp, pkg);
	char *top = xasprintf("%s/%s", tmp, pkg), *msg = xasprintf("%s as packaged", label);
	const char *tar[] = { "tar", "-xJf", tarball, "-C", tmp, NULL };
	const char *init[] = { "git", "init", "-q", NULL };
	const char *add[] = { "git", "add", "-A", "-f", NULL };
	/* gc.auto=0: no repack of the 100k new objects in the background (minutes of CPU) */
	const char *commit[] = { "git", "-c", "user.name=ktstr", "-c", "user.email=ktstr@localhost",
				 "-c", "gc.auto=0", "commit", "-q", "--no-verify", "--no-gpg-sign",
				 "-m", msg, NULL };
	int ret;

	log_info("unpacking %s", tarball);
	ret = run_in(NULL, tar, "tar -xJf", err);
	if (!ret && rename(top, tree) < 0) {
		ret = -errno;
		*err = xasprintf("%s: %s", tree, strerror(errno));
	}
	if (!ret)
		log_info("recording the tree in git, so that changes to it are new kernels");
	if (!ret)
		ret = run_in(tree, init, "git init", err);
	if (!ret)
		ret = run_in(tree, add, "git add", err);
	if (!ret)
		ret = run_in(tree, commit, "git commit", err);
	free(msg);
	free(top);
	free(tarball);
	return ret;
}

int kfetch_source(const char *version, bool refresh, struct kfetch_source *out, char **err)
{
	char *root = kernel_cache_root(), *srcroot = xasprintf("%s/src", root), *lock = NULL;
	char *name, *marker = NULL, *have = NULL, *tmp = NULL;
	struct pkg p = { 0 };
	struct apt a = { 0 };
	int lock_fd = -1, ret = 0;

	memset(out, 0, sizeof(*out));
	p.name = kfetch_source_package(version);
	if (!p.name) {
		*err = xasprintf("debian:%s: give a kernel version, \"7.3\" or \"7.3.4\"", version);
		ret = -EINVAL;
		goto out;
	}
	ret = mkdir_p(srcroot, 0755);
	if (ret) {
		*err = xasprintf("%s: %s", srcroot, strerror(-ret));
		goto out;
	}
	lock = xasprintf("%s/.lock", srcroot);
	lock_fd = lock_path(lock, "another download of kernel sources", err);
	if (lock_fd < 0) {
		ret = lock_fd;
		goto out;
	}
	ret = apt_open(&a, refresh, err);
	if (!ret)
		ret = pkg_show(&a, &p, err);
	if (ret)
		goto out;
	if (strchr(strchr(version, '.') + 1, '.') && !kfetch_version_matches(p.version, version)) {
		*err = xasprintf("%s in %s is %s, not %s", p.name, SUITE, p.version, version);
		ret = -ENOENT;
		goto out;
	}
	out->label = xasprintf("debian:%s=%s", p.name, p.version);
	name = kfetch_source_dirname(p.name, p.version);
	out->dir = xasprintf("%s/%s", srcroot, name);
	marker = xasprintf("%s.source", out->dir);
	tmp = xasprintf("%s/.tmp-%s-%d", srcroot, name, (int)getpid());
	free(name);
	have = file_read_line(marker);
	if (have && !strcmp(have, out->label) && path_is_dir(out->dir)) {
		out->cached = true;
		goto out;
	}
	/* Missing, or left half-unpacked by an interrupted fetch. */
	unlink(marker);
	rm_rf(out->dir);
	rm_rf(tmp);
	ret = mkdir_p(tmp, 0755);
	if (!ret)
		ret = pkg_fetch(&a, &p, tmp, err);
	if (!ret)
		ret = unpack_source(p.name, tmp, out->dir, out->label, err);
	if (!ret)
		ret = file_write_str(marker, out->label);
	rm_rf(tmp);
out:
	if (ret && err && !*err)
		*err = xasprintf("%s: %s", srcroot, strerror(-ret));
	if (ret)
		kfetch_source_free(out);
	if (lock_fd >= 0)
		close(lock_fd);
	apt_free(&a);
	free(p.name);
	free(p.version);
	free(have);
	free(tmp);
	free(marker);
	free(lock);
	free(srcroot);
	free(root);
	return ret;
}

char *kfetch_source_label(const char *dir)
{
	char *real = realpath(dir, NULL), *marker, *label;

	if (!real)
		return NULL;
	marker = xasprintf("%s.source", real);
	label = file_read_line(marker);
	free(marker);
	free(real);
	if (label && !str_starts_with(label, "debian:")) {
		free(label);
		label = NULL;
	}
	return label;
}

void kfetch_source_free(struct kfetch_source *s)
{
	free(s->dir);
	free(s->label);
	memset(s, 0, sizeof(*s));
}
