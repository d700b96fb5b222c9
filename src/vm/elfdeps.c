// SPDX-License-Identifier: GPL-2.0-only
#include "vm/elfdeps.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/endian.h"
#include "util/path.h"
#include "util/util.h"

#define LD_SO_CACHE "/etc/ld.so.cache"

#if defined(__x86_64__)
#define HOST_ELF_CLASS ELFCLASS64
#define HOST_ELF_MACHINE EM_X86_64
#elif defined(__aarch64__)
#define HOST_ELF_CLASS ELFCLASS64
#define HOST_ELF_MACHINE EM_AARCH64
#else
#error "ktstr runs guests of the host's architecture: x86-64 or aarch64"
#endif
#define LD_SO_CACHE_MAX (64u << 20)

/* What one ELF says about its dependencies. */
struct elf_info {
	unsigned cls;     /* ELFCLASS32/64 */
	unsigned machine; /* EM_* */
	char *interp;
	char **needed;
	size_t nneeded;
	char *rpath, *runpath;
};

/* An object in the closure: where it is on the host and in the guest. */
struct obj {
	char *host;      /* path it was found at */
	char *host_dir;  /* $ORIGIN on the host: directory of the path it was found at */
	char *guest_dir; /* $ORIGIN in the guest */
	char *rpath, *runpath;
	int loader;      /* index of the object whose DT_NEEDED loaded it, -1 for the main */
};

struct ctx {
	unsigned cls, machine;
	uint8_t *cache;
	size_t cache_len;
	bool cache_loaded;
	struct obj *objs;
	size_t nobjs;
	char **reals;     /* canonical host files already parsed */
	size_t nreals;
	char **names;     /* DT_NEEDED names already resolved */
	size_t nnames;
	struct elfdeps *out;
};

static void elf_info_free(struct elf_info *ei)
{
	size_t i;

	free(ei->interp);
	for (i = 0; i < ei->nneeded; i++)
		free(ei->needed[i]);
	free(ei->needed);
	free(ei->rpath);
	free(ei->runpath);
	memset(ei, 0, sizeof(*ei));
}

int elfdeps_is_elf(const char *path)
{
	uint8_t b[4];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n < 0)
		return -errno;
	return n == 4 && !memcmp(b, ELFMAG, SELFMAG);
}

/* Class and machine from the ELF header, or 0 if not a readable ELF. */
static bool elf_ident(const char *path, unsigned *cls, unsigned *machine)
{
	uint8_t b[20];
	ssize_t n;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, b, sizeof(b));
	close(fd);
	if (n != (ssize_t)sizeof(b) || memcmp(b, ELFMAG, SELFMAG))
		return false;
	*cls = b[EI_CLASS];
	*machine = b[EI_DATA] == ELFDATA2MSB ? (unsigned)(b[18] << 8 | b[19])
					     : (unsigned)(b[18] | b[19] << 8);
	return true;
}

/* A NUL-terminated string at off inside [base, base + size), or NULL. */
static const char *str_in(const char *base, size_t size, uint64_t off)
{
	if (off >= size || !memchr(base + off, '\0', size - off))
		return NULL;
	return base + off;
}

/* libelf's last error, or a generic reason when our own check failed. */
static const char *elf_libmsg(void)
{
	int e = elf_errno();

	return e ? elf_errmsg(e) : "not a readable ELF header";
}

static int corrupt(const char *path, const char *what, char **err)
{
	if (err)
		*err = xasprintf("%s: corrupt ELF: %s", path, what);
	return -ENOEXEC;
}

/* File offset of a virtual address, through the PT_LOAD segments. */
static bool vaddr_to_off(Elf *elf, size_t nph, uint64_t addr, uint64_t *off)
{
	size_t i;

	for (i = 0; i < nph; i++) {
		GElf_Phdr ph;

		if (!gelf_getphdr(elf, (int)i, &ph) || ph.p_type != PT_LOAD)
			continue;
		if (addr >= ph.p_vaddr && addr - ph.p_vaddr < ph.p_filesz) {
			*off = addr - ph.p_vaddr + ph.p_offset;
			return true;
		}
	}
	return false;
}

static int parse_dynamic(Elf *elf, const char *raw, size_t size, size_t nph, const GElf_Phdr *dph,
			 struct elf_info *ei, const char *path, char **err)
{
	uint64_t strtab = 0, strsz = 0, stroff, *needed;
	uint64_t rpath = UINT64_MAX, runpath = UINT64_MAX;
	size_t i, count, nneeded = 0, entsz;
	bool have_strtab = false;
	Elf_Data *data;
	const char *s;

	if (dph->p_offset > size || dph->p_filesz > size - dph->p_offset)
		return corrupt(path, "PT_DYNAMIC outside the file", err);
	entsz = gelf_fsize(elf, ELF_T_DYN, 1, EV_CURRENT);
	if (!entsz)
		return corrupt(path, "no dynamic entry size", err);
	count = dph->p_filesz / entsz;
	if (!count)
		return 0;
	data = elf_getdata_rawchunk(elf, (int64_t)dph->p_offset, count * entsz, ELF_T_DYN);
	if (!data)
		return corrupt(path, elf_libmsg(), err);
	needed = xcalloc(count, sizeof(*needed));
	for (i = 0; i < count; i++) {
		GElf_Dyn dyn;

		if (!gelf_getdyn(data, (int)i, &dyn))
			break;
		if (dyn.d_tag == DT_NULL)
			break;
		switch (dyn.d_tag) {
		case DT_NEEDED:
			needed[nneeded++] = dyn.d_un.d_val;
			break;
		case DT_STRTAB:
			strtab = dyn.d_un.d_ptr;
			have_strtab = true;
			break;
		case DT_STRSZ:
			strsz = dyn.d_un.d_val;
			break;
		case DT_RPATH:
			rpath = dyn.d_un.d_val;
			break;
		case DT_RUNPATH:
			runpath = dyn.d_un.d_val;
			break;
		}
	}
	if (!nneeded && rpath == UINT64_MAX && runpath == UINT64_MAX) {
		free(needed);
		return 0;
	}
	if (!have_strtab || !vaddr_to_off(elf, nph, strtab, &stroff) || stroff > size ||
	    strsz > size - stroff) {
		free(needed);
		return corrupt(path, "DT_STRTAB missing or outside the file", err);
	}
	ei->needed = xcalloc(nneeded + 1, sizeof(char *));
	for (i = 0; i < nneeded; i++) {
		s = str_in(raw + stroff, strsz, needed[i]);
		if (!s || !*s) {
			free(needed);
			return corrupt(path, "DT_NEEDED name outside the string table", err);
		}
		ei->needed[ei->nneeded++] = xstrdup(s);
	}
	free(needed);
	if (rpath != UINT64_MAX) {
		s = str_in(raw + stroff, strsz, rpath);
		if (!s)
			return corrupt(path, "DT_RPATH outside the string table", err);
		ei->rpath = xstrdup(s);
	}
	if (runpath != UINT64_MAX) {
		s = str_in(raw + stroff, strsz, runpath);
		if (!s)
			return corrupt(path, "DT_RUNPATH outside the string table", err);
		ei->runpath = xstrdup(s);
	}
	return 0;
}

/* 1 and *ei filled for an ELF, 0 for a file that is not ELF, -errno with *err. */
static int elf_read_info(const char *path, struct elf_info *ei, char **err)
{
	GElf_Ehdr eh;
	size_t nph, i, size;
	const char *raw;
	Elf *elf;
	int fd, ret;

	memset(ei, 0, sizeof(*ei));
	ret = elfdeps_is_elf(path);
	if (ret <= 0) {
		if (ret < 0 && err)
			*err = xasprintf("%s: %s", path, strerror(-ret));
		return ret;
	}
	if (elf_version(EV_CURRENT) == EV_NONE)
		return corrupt(path, "libelf version mismatch", err);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		ret = -errno;
		if (err)
			*err = xasprintf("%s: %s", path, strerror(errno));
		return ret;
	}
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF || !gelf_getehdr(elf, &eh) ||
	    elf_getphdrnum(elf, &nph) || !(raw = elf_rawfile(elf, &size))) {
		ret = corrupt(path, elf_libmsg(), err);
		goto out;
	}
	/* libelf quietly drops program headers that lie past the end of the file. */
	if (nph && (eh.e_phoff > size || eh.e_phentsize != gelf_fsize(elf, ELF_T_PHDR, 1, EV_CURRENT) ||
		    nph > (size - eh.e_phoff) / eh.e_phentsize)) {
		ret = corrupt(path, "program headers outside the file", err);
		goto out;
	}
	if (!nph && eh.e_phnum) {
		ret = corrupt(path, "program headers outside the file", err);
		goto out;
	}
	ei->cls = (unsigned)gelf_getclass(elf);
	ei->machine = eh.e_machine;
	ret = 1;
	for (i = 0; i < nph && ret > 0; i++) {
		GElf_Phdr ph;
		const char *s;

		if (!gelf_getphdr(elf, (int)i, &ph)) {
			ret = corrupt(path, "unreadable program header", err);
			break;
		}
		if (ph.p_type == PT_INTERP) {
			if (ph.p_offset > size || ph.p_filesz > size - ph.p_offset ||
			    !(s = str_in(raw + ph.p_offset, ph.p_filesz, 0)) || s[0] != '/') {
				ret = corrupt(path, "bad PT_INTERP", err);
				break;
			}
			ei->interp = xstrdup(s);
		} else if (ph.p_type == PT_DYNAMIC) {
			int r = parse_dynamic(elf, raw, size, nph, &ph, ei, path, err);

			if (r < 0)
				ret = r;
		}
	}
out:
	if (ret < 0)
		elf_info_free(ei);
	elf_end(elf);
	close(fd);
	return ret;
}

char *elfdeps_cache_lookup(const uint8_t *cache, size_t len, const char *name, uint32_t flags)
{
	static const char old_magic[] = "ld.so-1.7.0";
	static const char new_magic[] = "glibc-ld.so.cache1.1";
	size_t base = 0, i, nlibs;

	if (len >= 16 && !memcmp(cache, old_magic, sizeof(old_magic) - 1)) {
		/* Old table: 16-byte header, 12-byte entries; the new one follows, 8-aligned. */
		uint64_t off = 16 + (uint64_t)le32(cache + 12) * 12;

		off = (off + 7) & ~(uint64_t)7;
		if (off > len)
			return NULL;
		base = (size_t)off;
	}
	if (len - base < 48 || memcmp(cache + base, new_magic, sizeof(new_magic) - 1))
		return NULL;
	nlibs = le32(cache + base + 20);
	if (nlibs > (len - base - 48) / 24)
		return NULL;
	for (i = 0; i < nlibs; i++) {
		const uint8_t *e = cache + base + 48 + 24 * i;
		const char *key, *value;

		/* String offsets count from the start of the new header. */
		if (le32(e) != flags || le32(e + 16) || le32(e + 20))
			continue;
		key = str_in((const char *)cache + base, len - base, le32(e + 4));
		if (!key || strcmp(key, name))
			continue;
		value = str_in((const char *)cache + base, len - base, le32(e + 8));
		if (value && value[0] == '/')
			return xstrdup(value);
	}
	return NULL;
}

static const char *multiarch(unsigned machine)
{
	switch (machine) {
	case EM_X86_64:
		return "x86_64-linux-gnu";
	case EM_AARCH64:
		return "aarch64-linux-gnu";
	case EM_386:
		return "i386-linux-gnu";
	default:
		return "unknown-linux-gnu";
	}
}

static uint32_t cache_flags(unsigned machine)
{
	switch (machine) {
	case EM_X86_64:
		return 0x0303;
	case EM_AARCH64:
		return 0x0a03;
	default:
		return 0x0003;
	}
}

/* Expand $ORIGIN / ${ORIGIN} in one search directory; NULL if it uses a token we do not know. */
static char *expand_origin(const char *dir, const char *origin)
{
	struct strbuf sb = { 0 };
	const char *s = dir;

	while (*s) {
		if (*s != '$') {
			sb_appendn(&sb, s, 1);
			s++;
		} else if (str_starts_with(s, "$ORIGIN") && !(s[7] == '_' || isalnum((unsigned char)s[7]))) {
			sb_append(&sb, origin);
			s += 7;
		} else if (str_starts_with(s, "${ORIGIN}")) {
			sb_append(&sb, origin);
			s += 9;
		} else {
			sb_free(&sb);
			return NULL;
		}
	}
	return sb_steal(&sb);
}

static bool ident_matches(struct ctx *c, const char *path)
{
	unsigned cls, machine;

	return elf_ident(path, &cls, &machine) && cls == c->cls && machine == c->machine;
}

/* Search a colon-separated list of directories of object o for name. */
static bool search_list(struct ctx *c, const char *list, const struct obj *o, const char *name,
			char **host, char **guest)
{
	char *copy = xstrdup(list), *save = NULL, *dir;
	bool found = false;

	for (dir = strtok_r(copy, ":", &save); dir && !found; dir = strtok_r(NULL, ":", &save)) {
		char *hdir = expand_origin(dir, o->host_dir);
		char *gdir = expand_origin(dir, o->guest_dir);

		if (hdir && gdir && hdir[0] == '/' && gdir[0] == '/') {
			char *h = xasprintf("%s/%s", hdir, name);

			if (ident_matches(c, h)) {
				char *g = xasprintf("%s/%s", gdir, name);

				*host = h;
				*guest = path_clean(g);
				free(g);
				found = true;
			} else {
				free(h);
			}
		}
		free(hdir);
		free(gdir);
	}
	free(copy);
	return found;
}

static bool is_system_dir(struct ctx *c, const char *dir)
{
	const char *ma = multiarch(c->machine);
	char *d1 = xasprintf("/lib/%s", ma), *d2 = xasprintf("/usr/lib/%s", ma);
	bool r = !strcmp(dir, d1) || !strcmp(dir, d2) || !strcmp(dir, "/lib") ||
		 !strcmp(dir, "/usr/lib") || !strcmp(dir, "/lib64") || !strcmp(dir, "/usr/lib64");

	free(d1);
	free(d2);
	return r;
}

/* Resolve one DT_NEEDED name of object idx like ld.so. */
static bool resolve(struct ctx *c, size_t idx, const char *name, char **host, char **guest)
{
	const struct obj *o = &c->objs[idx];
	const char *ma = multiarch(c->machine);
	char *cached, *sys;
	bool found;
	int l;

	if (strchr(name, '/')) {
		if (name[0] != '/' || !ident_matches(c, name))
			return false;
		*host = xstrdup(name);
		*guest = path_clean(name);
		return true;
	}
	if (!o->runpath) {
		for (l = (int)idx; l >= 0; l = c->objs[l].loader)
			if (c->objs[l].rpath && !c->objs[l].runpath &&
			    search_list(c, c->objs[l].rpath, &c->objs[l], name, host, guest))
				return true;
	}
	if (o->runpath && search_list(c, o->runpath, o, name, host, guest))
		return true;
	if (!c->cache_loaded) {
		c->cache = (uint8_t *)file_read(LD_SO_CACHE, &c->cache_len, LD_SO_CACHE_MAX);
		c->cache_loaded = true;
	}
	if (c->cache) {
		cached = elfdeps_cache_lookup(c->cache, c->cache_len, name, cache_flags(c->machine));
		if (cached && ident_matches(c, cached)) {
			char *d = path_dirname(cached);

			if (!is_system_dir(c, d))
				c->out->needs_ld_cache = true;
			free(d);
			*host = cached;
			*guest = path_clean(cached);
			return true;
		}
		free(cached);
	}
	sys = xasprintf("/lib/%s:/usr/lib/%s:/lib64:/usr/lib64:/lib:/usr/lib", ma, ma);
	found = search_list(c, sys, o, name, host, guest);
	free(sys);
	return found;
}

static bool str_in_list(char **list, size_t n, const char *s)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(list[i], s))
			return true;
	return false;
}

static void add_lib(struct ctx *c, const char *guest, const char *real)
{
	size_t i;

	for (i = 0; i < c->out->n; i++)
		if (!strcmp(c->out->libs[i].guest_path, guest))
			return;
	c->out->libs = xrealloc(c->out->libs, (c->out->n + 1) * sizeof(*c->out->libs));
	c->out->libs[c->out->n].guest_path = xstrdup(guest);
	c->out->libs[c->out->n].host_path = xstrdup(real);
	c->out->n++;
}

/*
 * Record a dependency found at host (guest) and, the first time its real file
 * is seen, parse it and queue it as an object. Returns 0 or -errno.
 */
static int add_object(struct ctx *c, const char *host, const char *guest, int loader,
		      struct elf_info *ei_out, char **err)
{
	char real[PATH_MAX];
	struct elf_info ei;
	struct obj *o;
	int r;

	if (!realpath(host, real)) {
		r = -errno;
		if (err)
			*err = xasprintf("%s: %s", host, strerror(errno));
		return r;
	}
	add_lib(c, guest, real);
	if (str_in_list(c->reals, c->nreals, real))
		return 0;
	c->reals = xrealloc(c->reals, (c->nreals + 1) * sizeof(char *));
	c->reals[c->nreals++] = xstrdup(real);
	r = elf_read_info(real, &ei, err);
	if (r < 0)
		return r;
	if (r == 0) {
		if (err)
			*err = xasprintf("%s: dependency is not an ELF file", real);
		return -ENOEXEC;
	}
	c->objs = xrealloc(c->objs, (c->nobjs + 1) * sizeof(*c->objs));
	o = &c->objs[c->nobjs++];
	o->host = xstrdup(host);
	o->host_dir = path_dirname(host);
	o->guest_dir = path_dirname(guest);
	o->rpath = ei.rpath;
	o->runpath = ei.runpath;
	o->loader = loader;
	ei.rpath = ei.runpath = NULL;
	*ei_out = ei;
	return 0;
}

static void ctx_free(struct ctx *c)
{
	size_t i;

	for (i = 0; i < c->nobjs; i++) {
		free(c->objs[i].host);
		free(c->objs[i].host_dir);
		free(c->objs[i].guest_dir);
		free(c->objs[i].rpath);
		free(c->objs[i].runpath);
	}
	free(c->objs);
	for (i = 0; i < c->nreals; i++)
		free(c->reals[i]);
	free(c->reals);
	for (i = 0; i < c->nnames; i++)
		free(c->names[i]);
	free(c->names);
	free(c->cache);
}

void elfdeps_free(struct elfdeps *d)
{
	size_t i;

	if (!d)
		return;
	for (i = 0; i < d->n; i++) {
		free(d->libs[i].guest_path);
		free(d->libs[i].host_path);
	}
	free(d->libs);
	memset(d, 0, sizeof(*d));
}

int elfdeps_closure(const char *host_path, const char *guest_path, struct elfdeps *out,
		    char **err)
{
	struct ctx c = { .out = out };
	struct elf_info main_ei, *pending;
	char real[PATH_MAX], *g;
	size_t i, j;
	int r;

	memset(out, 0, sizeof(*out));
	r = elf_read_info(host_path, &main_ei, err);
	if (r <= 0)
		return r;
	if (!realpath(host_path, real)) {
		r = -errno;
		if (err)
			*err = xasprintf("%s: %s", host_path, strerror(errno));
		elf_info_free(&main_ei);
		return r;
	}
	c.cls = main_ei.cls;
	c.machine = main_ei.machine;
	c.objs = xcalloc(1, sizeof(*c.objs));
	c.nobjs = 1;
	c.objs[0].host = xstrdup(host_path);
	c.objs[0].host_dir = path_dirname(real); /* ld.so takes the executable's $ORIGIN from /proc/self/exe */
	g = path_clean(guest_path);
	c.objs[0].guest_dir = path_dirname(g);
	free(g);
	c.objs[0].rpath = main_ei.rpath;
	c.objs[0].runpath = main_ei.runpath;
	c.objs[0].loader = -1;
	main_ei.rpath = main_ei.runpath = NULL;
	c.reals = xcalloc(1, sizeof(char *));
	c.reals[c.nreals++] = xstrdup(real);

	/* pending[i] holds the parsed info of objs[i] until its needs are resolved. */
	pending = xcalloc(1, sizeof(*pending));
	pending[0] = main_ei;
	if (main_ei.interp) {
		struct elf_info iei = { 0 };
		size_t before = c.nobjs;

		r = add_object(&c, main_ei.interp, main_ei.interp, 0, &iei, err);
		if (r)
			goto out;
		if (c.nobjs > before) {
			pending = xrealloc(pending, c.nobjs * sizeof(*pending));
			pending[c.nobjs - 1] = iei;
		}
	}
	for (i = 0; i < c.nobjs; i++) {
		for (j = 0; j < pending[i].nneeded; j++) {
			const char *name = pending[i].needed[j];
			struct elf_info ei = { 0 };
			char *host = NULL, *guest = NULL;
			size_t before = c.nobjs;

			if (str_in_list(c.names, c.nnames, name))
				continue;
			if (!resolve(&c, i, name, &host, &guest)) {
				if (err)
					*err = xasprintf("%s (needed by %s) not found in RPATH/RUNPATH, %s "
							 "or the system library directories",
							 name, c.objs[i].host,
							 LD_SO_CACHE);
				r = -ENOENT;
				goto out;
			}
			c.names = xrealloc(c.names, (c.nnames + 1) * sizeof(char *));
			c.names[c.nnames++] = xstrdup(name);
			r = add_object(&c, host, guest, (int)i, &ei, err);
			free(host);
			free(guest);
			if (r)
				goto out;
			if (c.nobjs > before) {
				pending = xrealloc(pending, c.nobjs * sizeof(*pending));
				pending[c.nobjs - 1] = ei;
			}
		}
	}
	r = 0;
out:
	for (i = 0; i < c.nobjs; i++)
		elf_info_free(&pending[i]);
	free(pending);
	ctx_free(&c);
	if (r)
		elfdeps_free(out);
	return r;
}

static const char *machine_name(unsigned cls, unsigned machine)
{
	switch (machine) {
	case EM_X86_64:
		return cls == ELFCLASS32 ? "x32" : "x86-64";
	case EM_386:
		return "i386";
	case EM_AARCH64:
		return "aarch64";
	case EM_ARM:
		return "arm";
	case EM_RISCV:
		return cls == ELFCLASS32 ? "riscv32" : "riscv64";
	case EM_PPC64:
		return "ppc64";
	case EM_S390:
		return "s390";
	default:
		return NULL;
	}
}

/* The interpreter named by a "#!" line, allocated, or NULL if buf holds none. */
static char *script_interpreter(const char *buf, size_t len)
{
	size_t i = 2, start;

	if (len < 2 || buf[0] != '#' || buf[1] != '!')
		return NULL;
	while (i < len && (buf[i] == ' ' || buf[i] == '\t'))
		i++;
	start = i;
	while (i < len && buf[i] != ' ' && buf[i] != '\t' && buf[i] != '\n' && buf[i] != '\0')
		i++;
	return i > start ? xstrndup(buf + start, i - start) : NULL;
}

int elfdeps_check_exec(const char *path, char **err)
{
	struct elfdeps d;
	unsigned cls, machine;
	char head[256], *interp, *e = NULL;
	ssize_t n;
	int fd, r;

	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		r = -errno;
		*err = xasprintf("%s: %s", path, strerror(-r));
		return r;
	}
	n = read(fd, head, sizeof(head));
	close(fd);
	if (n < 0) {
		r = -errno;
		*err = xasprintf("%s: %s", path, strerror(-r));
		return r;
	}
	interp = script_interpreter(head, (size_t)n);
	if (interp) {
		*err = xasprintf("%s is a script for %s, which the VM does not have (the VM holds "
				 "the executable and its shared libraries only): give an ELF "
				 "executable", path, interp);
		free(interp);
		return -ENOEXEC;
	}
	if (!elf_ident(path, &cls, &machine)) {
		*err = xasprintf("%s is not an executable (neither an ELF file nor a #! script)",
				 path);
		return -ENOEXEC;
	}
	if (cls != HOST_ELF_CLASS || machine != HOST_ELF_MACHINE) {
		const char *name = machine_name(cls, machine);

		*err = name ? xasprintf("%s is an ELF for %s; the VM runs %s", path, name,
					machine_name(HOST_ELF_CLASS, HOST_ELF_MACHINE))
			    : xasprintf("%s is an ELF for machine %u (class %u); the VM runs %s",
					path, machine, cls,
					machine_name(HOST_ELF_CLASS, HOST_ELF_MACHINE));
		return -ENOEXEC;
	}
	r = elfdeps_closure(path, path, &d, &e);
	if (r) {
		*err = xasprintf("%s cannot run in the VM: %s", path, e ? e : strerror(-r));
		free(e);
		return r;
	}
	elfdeps_free(&d);
	return 0;
}
