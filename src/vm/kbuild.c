// SPDX-License-Identifier: GPL-2.0-only
/* `ktstr kernel build`: source -> config -> make -> cache entry (see kbuild.h). */
#include "vm/kbuild.h"
#include "util/lock.h"
#include "util/run.h"
#include "util/sha256.h"
#include "util/util.h"
#include "vm/kbconfig.h"
#include "vm/kconfig.h"
#include "vm/kernel.h"
#include "vm/kfetch.h"
#include "vm/ksource.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#define DEBIAN_PREFIX "debian:"
#define TAIL_LINES 40

/* ---- pure helpers ---- */

char *kbuild_cache_id(const char *version, const char *label, const char *identity,
		      const char *config_hash)
{
	char *key = xasprintf("%s%c%s%c%s", label, 0, identity, 0, config_hash), *id;
	size_t n = strlen(label) + strlen(identity) + strlen(config_hash) + 2;
	char hex[SHA256_HEX_LEN + 1];
	uint8_t d[SHA256_LEN];

	sha256_buf(key, n, d);
	sha256_hex(d, hex);
	id = xasprintf("%s-%.12s", version, hex);
	free(key);
	return id;
}

int kbuild_pahole_version(const char *out)
{
	unsigned major, minor;

	out += strspn(out, " \t\nv");
	if (sscanf(out, "%u.%u", &major, &minor) != 2 || major > 99 || minor > 99)
		return -EINVAL;
	return (int)(major * 100 + minor);
}

int kbuild_pahole_required(const char *kconfig_debug)
{
	char *deps = kbconfig_depends(kconfig_debug, "DEBUG_INFO_BTF"), *p;
	int v = 0;

	p = deps ? strstr(deps, "PAHOLE_VERSION") : NULL;
	if (p) {
		p += strlen("PAHOLE_VERSION");
		p += strspn(p, " \t");
		if (str_starts_with(p, ">="))
			v = atoi(p + 2);
	}
	free(deps);
	return v;
}

char *kbuild_make_step(const char *line, const char *build_dir)
{
	size_t tag, bl = build_dir ? strlen(build_dir) : 0;
	const char *t = line + 2, *target;

	if (strncmp(line, "  ", 2) || !isupper((unsigned char)*t))
		return NULL;
	tag = strspn(t, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-[]");
	if (tag > 12 || (t[tag] != ' ' && t[tag] != '\t'))
		return NULL;
	target = t + tag + strspn(t + tag, " \t");
	if (!*target)
		return NULL;
	if (bl && !strncmp(target, build_dir, bl) && target[bl] == '/')
		target += bl + 1;
	return xasprintf("%.*s %s", (int)tag, t, target);
}

/* ---- host tools ---- */

static const struct {
	const char *cmd, *pkg;
} tools[] = {
	{ "gcc", "gcc" },     { "make", "make" },	{ "flex", "flex" },
	{ "bison", "bison" }, { "bc", "bc" },		{ "perl", "perl" },
	{ "pahole", "dwarves" }, { "objcopy", "binutils" }, { "gzip", "gzip" },
	{ "tar", "tar" },     { "xz", "xz-utils" },	{ "git", "git" },
};

static const struct {
	const char *path, *pkg;
} headers[] = {
	{ "/usr/include/gelf.h", "libelf-dev" },
	{ "/usr/include/openssl/evp.h", "libssl-dev" },
};

static int check_tools(char **err)
{
	struct strbuf names = { 0 }, pkgs = { 0 };

	for (size_t i = 0; i < ARRAY_SIZE(tools); i++) {
		char *p = run_which(tools[i].cmd);

		if (!p) {
			sb_printf(&names, "%s%s (package %s)", names.len ? ", " : "", tools[i].cmd,
				  tools[i].pkg);
			sb_printf(&pkgs, " %s", tools[i].pkg);
		}
		free(p);
	}
	for (size_t i = 0; i < ARRAY_SIZE(headers); i++) {
		if (path_exists(headers[i].path))
			continue;
		sb_printf(&names, "%s%s (package %s)", names.len ? ", " : "", headers[i].path,
			  headers[i].pkg);
		sb_printf(&pkgs, " %s", headers[i].pkg);
	}
	if (names.len)
		*err = xasprintf("building a kernel needs what this host lacks: %s; "
				 "scripts/setup.sh installs them (apt-get install%s)",
				 names.buf, pkgs.buf);
	sb_free(&names);
	sb_free(&pkgs);
	return *err ? -ENOENT : 0;
}

/* pahole turns DWARF into BTF; this kernel's Kconfig says how new it must be. */
static int check_pahole(const char *srctree, char **err)
{
	static const char *const argv[] = { "pahole", "--version", NULL };
	char *path = xasprintf("%s/lib/Kconfig.debug", srctree), *text = file_read(path, NULL, 1 << 22);
	char *out = NULL;
	int need = text ? kbuild_pahole_required(text) : 0, have = -EINVAL;

	if (run_argv((char *const *)argv, NULL, &out) == 0)
		have = kbuild_pahole_version(out);
	free(out);
	free(text);
	free(path);
	if (have < 0) {
		*err = xasprintf("`pahole --version` gave no version: BTF cannot be generated");
		return -ENOENT;
	}
	if (have < need) {
		*err = xasprintf("pahole v%d.%02d is too old for this kernel's BTF: its "
				 "lib/Kconfig.debug makes CONFIG_DEBUG_INFO_BTF depend on "
				 "PAHOLE_VERSION >= %d (v%d.%02d); install a newer dwarves",
				 have / 100, have % 100, need, need / 100, need % 100);
		return -ENOENT;
	}
	log_info("pahole v%d.%02d (this kernel's BTF needs v%d.%02d or later)", have / 100,
		 have % 100, need / 100, need % 100);
	return 0;
}

/* ---- make with progress ---- */

struct progress {
	int log_fd;
	bool tty;
	const char *build_dir;
	unsigned steps;
	uint64_t t0, last;
	char *tail[TAIL_LINES];
	size_t ntail;
};

static void on_line(const char *text, void *arg)
{
	struct progress *p = arg;
	char *step = kbuild_make_step(text, p->build_dir);
	uint64_t now = now_ns();

	if (p->log_fd >= 0 && (write_full(p->log_fd, text, strlen(text)) ||
			       write_full(p->log_fd, "\n", 1)))
		log_debug("cannot write the build log");
	free(p->tail[p->ntail % TAIL_LINES]);
	p->tail[p->ntail++ % TAIL_LINES] = xstrdup(text);
	if (!step)
		return;
	p->steps++;
	if (p->tty && now - p->last > 200000000ull) {
		fprintf(stderr, "\r\033[K  make: %u steps, %.0f s: %.60s", p->steps,
			(double)(now - p->t0) / 1e9, step);
		p->last = now;
	} else if (!p->tty && now - p->last > 60000000000ull) {
		log_info("make: %u steps, %.0f s: %s", p->steps, (double)(now - p->t0) / 1e9, step);
		p->last = now;
	}
	free(step);
}

static unsigned online_cpus(void)
{
	cpu_set_t set;

	if (sched_getaffinity(0, sizeof(set), &set) == 0 && CPU_COUNT(&set) > 0)
		return (unsigned)CPU_COUNT(&set);
	return 1;
}

static int run_make(const struct ksource *s, unsigned jobs, int log_fd, char **err)
{
	char *o = xasprintf("O=%s", s->build_dir), *j = xasprintf("-j%u", jobs);
	const char *argv[] = { "make", o, j, "LOCALVERSION=", NULL };
	struct progress p = { .log_fd = log_fd, .tty = isatty(STDERR_FILENO),
			      .build_dir = s->build_dir, .t0 = now_ns() };
	int ret;

	p.last = p.t0;
	ret = run_argv_lines((char *const *)argv, s->dir, on_line, &p);
	if (p.tty)
		fprintf(stderr, "\r\033[K");
	log_info("make: %u steps in %.0f s", p.steps, (double)(now_ns() - p.t0) / 1e9);
	if (ret) {
		struct strbuf sb = { 0 };
		size_t first = p.ntail > TAIL_LINES ? p.ntail - TAIL_LINES : 0;

		for (size_t i = first; i < p.ntail; i++)
			sb_printf(&sb, "\n  %s", p.tail[i % TAIL_LINES]);
		*err = xasprintf("make failed (exit %d); the end of its output:%s", ret, sb.buf);
		sb_free(&sb);
		ret = ret > 0 ? -EIO : ret;
	}
	for (size_t i = 0; i < TAIL_LINES; i++)
		free(p.tail[i]);
	free(o);
	free(j);
	return ret;
}

/* ---- the cache entry ---- */

static int copy_into(const char *from, const char *dir, const char *name, char **err)
{
	char *to = xasprintf("%s/%s", dir, name);
	int ret = copy_file(from, to);

	if (ret)
		*err = xasprintf("copying %s to %s: %s", from, to, strerror(-ret));
	free(to);
	return ret;
}

/* vmlinux without DWARF: the symbols and .BTF stay, 10x smaller. */
static int strip_vmlinux(const char *from, const char *dir, char **err)
{
	char *to = xasprintf("%s/vmlinux", dir);
	const char *argv[] = { "objcopy", "--strip-debug", from, to, NULL };
	int ret = run_argv((char *const *)argv, NULL, NULL);

	if (ret)
		*err = xasprintf("objcopy --strip-debug %s failed (exit %d)", from, ret);
	free(to);
	return ret > 0 ? -EIO : ret;
}

static int write_meta(const char *tmp, const char *build_dir, const char *source, char **err)
{
	char *rel = xasprintf("%s/include/config/kernel.release", build_dir);
	char *image = xasprintf("%s/bzImage", tmp), *cfg = xasprintf("%s/config", tmp);
	char *path = xasprintf("%s/metadata.json", tmp), *json = NULL;
	struct kernel_meta m = { 0 };
	struct kconfig kc;
	int ret;

	m.version = file_read_line(rel);
	m.source = xstrdup(source);
	m.arch = xstrdup("x86_64");
	m.fetched_at = kernel_iso8601((int64_t)time(NULL));
	ret = m.version ? kconfig_load(cfg, &kc, err) : -ENOENT;
	if (!ret) {
		m.sched_ext = kconfig_is_y(&kc, "CONFIG_SCHED_CLASS_EXT");
		kconfig_free(&kc);
		ret = kernel_meta_stat_image(&m, image);
	}
	if (!ret) {
		json = kernel_meta_to_json(&m);
		ret = json ? file_write(path, json, strlen(json)) : -EINVAL;
	}
	if (ret && !*err)
		*err = xasprintf("%s: %s", m.version ? path : rel, strerror(-ret));
	kernel_meta_free(&m);
	free(json);
	free(path);
	free(cfg);
	free(image);
	free(rel);
	return ret;
}

static int install(const char *build_dir, const char *log_path, const char *id,
		   const char *source, char **err)
{
	static const struct {
		const char *from, *name;
	} files[] = {
		{ "arch/x86/boot/bzImage", "bzImage" },
		{ ".config", "config" },
		{ "System.map", "System.map" },
	};
	char *kdir = kernel_cache_dir(), *tmp = xasprintf("%s/.tmp-%s-%d", kdir, id, (int)getpid());
	char *final = xasprintf("%s/%s", kdir, id), *old = NULL, *vml;
	int lock_fd = kernel_cache_lock(err), ret = lock_fd < 0 ? lock_fd : 0;

	if (!ret) {
		kernel_cache_clean_tmp();
		ret = mkdir_p(tmp, 0755);
		if (ret)
			*err = xasprintf("%s: %s", tmp, strerror(-ret));
	}
	for (size_t i = 0; i < ARRAY_SIZE(files) && !ret; i++) {
		char *from = xasprintf("%s/%s", build_dir, files[i].from);

		ret = copy_into(from, tmp, files[i].name, err);
		free(from);
	}
	if (!ret)
		ret = copy_into(log_path, tmp, "build.log", err);
	vml = xasprintf("%s/vmlinux", build_dir);
	if (!ret)
		ret = strip_vmlinux(vml, tmp, err);
	free(vml);
	if (!ret)
		ret = write_meta(tmp, build_dir, source, err);
	if (!ret && path_exists(final)) {
		/* A corrupt entry of the same id is replaced. */
		old = xasprintf("%s/.tmp-old-%s-%d", kdir, id, (int)getpid());
		if (rename(final, old) < 0)
			ret = -errno;
		rm_rf(old);
	}
	if (!ret && rename(tmp, final) < 0)
		ret = -errno;
	if (ret && !*err)
		*err = xasprintf("%s: %s", final, strerror(-ret));
	rm_rf(tmp);
	if (lock_fd >= 0)
		close(lock_fd);
	free(old);
	free(final);
	free(tmp);
	free(kdir);
	return ret;
}

/* ---- the pipeline ---- */

/* Is the entry id in the cache and valid? */
static bool is_cached(const char *id)
{
	char *kdir = kernel_cache_dir(), *dir = xasprintf("%s/%s", kdir, id);
	struct kernel_entry e;
	bool ok = false;

	if (path_is_dir(dir)) {
		kernel_entry_load(dir, KERNEL_VERIFY_QUICK, &e);
		if (e.corrupt)
			log_warn("cached kernel %s is corrupt (%s): building it again", id, e.corrupt);
		ok = !e.corrupt;
		kernel_entry_free(&e);
	}
	free(dir);
	free(kdir);
	return ok;
}

/* For --no-build: what the cache has of this source instead. */
static char *stale_reason(const char *label, const char *source, const char *id)
{
	struct kernel_entry *e = NULL;
	char *prefix = xasprintf("%s ", label), *ret = NULL;
	size_t n = 0;

	kernel_list(KERNEL_VERIFY_QUICK, &e, &n);
	for (size_t i = 0; i < n && !ret; i++)
		if (e[i].meta.source && str_starts_with(e[i].meta.source, prefix) && !e[i].corrupt)
			ret = xasprintf("%s is not built (no cached kernel %s); the cache has %s, "
					"built from %s",
					source, id, e[i].id, e[i].meta.source);
	if (!ret)
		ret = xasprintf("%s is not built (no cached kernel %s) and the cache has no "
				"kernel of this source",
				source, id);
	kernel_entries_free(e, n);
	free(prefix);
	return ret;
}

static int open_source(const struct kbuild_opts *o, struct ksource *s, char **err)
{
	struct kfetch_source fs;
	int ret;

	if (!str_starts_with(o->source, DEBIAN_PREFIX)) {
		/* A package tree named by its path is the same source as debian:VERSION. */
		char *label = kfetch_source_label(o->source);

		ret = ksource_open(o->source, label, s, err);
		free(label);
		return ret;
	}
	ret = kfetch_source(o->source + strlen(DEBIAN_PREFIX), o->refresh, &fs, err);
	if (ret)
		return ret;
	log_info("source %s: %s%s", fs.label, fs.dir, fs.cached ? " (unpacked already)" : "");
	ret = ksource_open(fs.dir, fs.label, s, err);
	kfetch_source_free(&fs);
	return ret;
}

static int build(const struct kbuild_opts *o, const struct ksource *s, const char *user_frag,
		 const char *id, const char *source, struct kbuild_result *r, char **err)
{
	char *lock = xasprintf("%s.lock", s->build_dir), *cfg = NULL;
	unsigned jobs = o->jobs ? o->jobs : online_cpus();
	struct kconfig_report rep = { 0 };
	struct kconfig kc;
	int lock_fd = -1, log_fd = -1, ret = mkdir_p(s->build_dir, 0755);

	if (ret) {
		*err = xasprintf("%s: %s", s->build_dir, strerror(-ret));
		goto out;
	}
	lock_fd = lock_path(lock, "another build of this tree", err);
	if (lock_fd < 0) {
		ret = lock_fd;
		goto out;
	}
	/* Another build may have finished it while this one waited. */
	if (is_cached(id)) {
		r->cached = true;
		goto out;
	}
	r->log = xasprintf("%s/ktstr-build.log", s->build_dir);
	log_fd = open(r->log, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (log_fd < 0) {
		ret = -errno;
		*err = xasprintf("%s: %s", r->log, strerror(errno));
		goto out;
	}
	log_info("configuring: allnoconfig + ktstr's fragment%s, in %s (log %s)",
		 user_frag ? " + yours" : "", s->build_dir, r->log);
	ret = kbconfig_make(s->dir, s->build_dir, user_frag, log_fd, err);
	if (ret)
		goto out;
	cfg = xasprintf("%s/.config", s->build_dir);
	ret = kconfig_load(cfg, &kc, err);
	if (ret)
		goto out;
	kconfig_check(&kc, &rep);
	kconfig_free(&kc);
	if (!rep.hard_ok) {
		struct strbuf sb = { 0 };

		for (size_t i = 0; i < rep.n; i++)
			if (!rep.r[i].ok && rep.r[i].req->hard)
				sb_printf(&sb, "%s%s (%s)", sb.len ? ", " : "", rep.r[i].req->what,
					  rep.r[i].detail);
		*err = xasprintf("the config lacks what ktstr needs: %s", sb.buf);
		sb_free(&sb);
		ret = -EINVAL;
		goto out;
	}
	log_info("building: make -j%u in %s", jobs, s->dir);
	ret = run_make(s, jobs, log_fd, err);
	if (ret)
		goto out;
	log_info("storing kernel %s in the cache", id);
	ret = install(s->build_dir, r->log, id, source, err);
out:
	kconfig_report_free(&rep);
	if (log_fd >= 0)
		close(log_fd);
	if (lock_fd >= 0)
		close(lock_fd);
	free(cfg);
	free(lock);
	return ret;
}

int kbuild_run(const struct kbuild_opts *o, struct kbuild_result *r, char **err)
{
	char *frag = kbconfig_fragment(), *user = NULL, *hash = NULL, *source = NULL;
	uint64_t t0 = now_ns();
	struct ksource s = { 0 };
	int ret = 0;

	memset(r, 0, sizeof(*r));
	if (o->fragment && !(user = file_read(o->fragment, NULL, 1 << 22))) {
		ret = -errno;
		*err = xasprintf("--config %s: %s", o->fragment, strerror(errno));
		goto out;
	}
	if (!o->no_build)
		ret = check_tools(err);
	if (!ret)
		ret = open_source(o, &s, err);
	if (ret)
		goto out;
	hash = kbconfig_hash(frag, user);
	r->id = kbuild_cache_id(s.version, s.label, s.identity, hash);
	source = xasprintf("%s %s config:%s", s.label, s.identity, hash);
	if (is_cached(r->id)) {
		r->cached = true;
		goto out;
	}
	if (o->no_build) {
		*err = stale_reason(s.label, source, r->id);
		ret = -ESTALE;
		goto out;
	}
	ret = check_pahole(s.dir, err);
	if (!ret)
		ret = build(o, &s, user, r->id, source, r, err);
out:
	r->seconds = (double)(now_ns() - t0) / 1e9;
	ksource_free(&s);
	free(source);
	free(hash);
	free(user);
	free(frag);
	return ret;
}

void kbuild_result_free(struct kbuild_result *r)
{
	free(r->id);
	free(r->log);
	memset(r, 0, sizeof(*r));
}
