// SPDX-License-Identifier: GPL-2.0-only
/* Kernel source trees: identity, version, build directory (see ksource.h). */
#include "vm/ksource.h"
#include "util/run.h"
#include "util/sha256.h"
#include "util/util.h"
#include "vm/kernel.h"

#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

bool ksource_is_tree(const char *dir)
{
	static const char *const files[] = { "Makefile", "Kconfig",
					     "scripts/kconfig/merge_config.sh" };
	bool ok = true;

	for (size_t i = 0; i < ARRAY_SIZE(files) && ok; i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);

		ok = path_exists(p);
		free(p);
	}
	return ok;
}

/* The value of "NAME = value" at the start of a line, or NULL. */
static char *make_var(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *l = text; l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		const char *v = l + n;

		if (strncmp(l, name, n) || (*v != ' ' && *v != '\t' && *v != '='))
			continue;
		v += strspn(v, " \t");
		if (*v != '=')
			continue;
		v++;
		v += strspn(v, " \t");
		n = strcspn(v, " \t\r\n");
		return xstrndup(v, n);
	}
	return NULL;
}

int ksource_makefile_version(const char *makefile, char **out)
{
	char *v = make_var(makefile, "VERSION"), *p = make_var(makefile, "PATCHLEVEL");
	char *s = make_var(makefile, "SUBLEVEL"), *e = make_var(makefile, "EXTRAVERSION");
	int ret = 0;

	*out = NULL;
	if (!v || !*v || !p || !*p || !isdigit((unsigned char)*v) || !isdigit((unsigned char)*p))
		ret = -EINVAL;
	else
		*out = xasprintf("%s.%s%s%s%s", v, p, s && *s ? "." : "", s ? s : "", e ? e : "");
	free(v);
	free(p);
	free(s);
	free(e);
	return ret;
}

static void hex12(const void *data, size_t len, char out[13])
{
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];

	sha256_buf(data, len, d);
	sha256_hex(d, hex);
	memcpy(out, hex, 12);
	out[12] = '\0';
}

char *ksource_git_identity(const char *head, const char *diff, const char *untracked)
{
	char *h = head ? xstrndup(head, strcspn(head, " \t\r\n")) : xstrdup(""), *ret;
	char dirty[13];

	const char *base = head ? "git:" : "packaged";

	if (!*diff && !*untracked) {
		ret = xasprintf("%s%.12s", base, h);
	} else {
		char *both = xasprintf("%s%c%s", diff, 0, untracked);

		hex12(both, strlen(diff) + 1 + strlen(untracked), dirty);
		ret = xasprintf("%s%.12s+dirty:%s", base, h, dirty);
		free(both);
	}
	free(h);
	return ret;
}

static int git(const char *dir, const char *const args[], char **out)
{
	const char *argv[12] = { "git", "-C", dir };
	size_t n = 3;

	for (size_t i = 0; args[i] && n < ARRAY_SIZE(argv) - 1; i++)
		argv[n++] = args[i];
	argv[n] = NULL;
	return run_argv((char *const *)argv, NULL, out);
}

/* Untracked, not ignored files: each name and its contents. */
static char *untracked_files(const char *dir, const char *names)
{
	struct strbuf sb = { 0 };
	char *copy = xstrdup(names), *save = NULL;

	for (char *f = strtok_r(copy, "\n", &save); f; f = strtok_r(NULL, "\n", &save)) {
		char *path = xasprintf("%s/%s", dir, f), hex[SHA256_HEX_LEN + 1];
		uint8_t d[SHA256_LEN];

		if (sha256_file(path, d) == 0)
			sha256_hex(d, hex);
		else
			strcpy(hex, "-");
		sb_printf(&sb, "%s %s\n", f, hex);
		free(path);
	}
	free(copy);
	return sb_steal(&sb);
}

static int git_identity(const char *dir, bool packaged, char **out, char **err)
{
	static const char *const head_args[] = { "rev-parse", "--verify", "HEAD", NULL };
	static const char *const diff_args[] = { "diff", "--binary", "HEAD", NULL };
	static const char *const other_args[] = { "ls-files", "-o", "--exclude-standard", NULL };
	char *head = NULL, *diff = NULL, *names = NULL, *untracked;
	int ret = git(dir, head_args, &head);

	if (!ret)
		ret = git(dir, diff_args, &diff);
	if (!ret)
		ret = git(dir, other_args, &names);
	if (ret) {
		*err = xasprintf("%s: git cannot read the checkout (exit %d)", dir, ret);
		ret = ret > 0 ? -EIO : ret;
	} else {
		untracked = untracked_files(dir, names);
		*out = ksource_git_identity(packaged ? NULL : head, diff, untracked);
		free(untracked);
	}
	free(head);
	free(diff);
	free(names);
	return ret;
}

/* Path, size and mtime of every file below dir (hidden entries skipped), sorted. */
static void files_walk(const char *dir, const char *rel, struct sha256 *c)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	char **names = NULL;
	size_t n = 0;

	if (!d)
		return;
	while ((de = readdir(d)))
		if (de->d_name[0] != '.')
			strv_push(&names, &n, xstrdup(de->d_name));
	closedir(d);
	xqsort(names, n, sizeof(*names), str_ptr_cmp);
	for (size_t i = 0; i < n; i++) {
		char *path = xasprintf("%s/%s", dir, names[i]);
		char *r = xasprintf("%s%s%s", rel, *rel ? "/" : "", names[i]);
		struct stat st;

		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
			files_walk(path, r, c);
		} else if (lstat(path, &st) == 0) {
			char *line = xasprintf("%s %lld %lld.%09ld\n", r, (long long)st.st_size,
					       (long long)st.st_mtim.tv_sec, st.st_mtim.tv_nsec);

			sha256_update(c, line, strlen(line));
			free(line);
		}
		free(r);
		free(path);
	}
	strv_free(names);
}

static char *files_identity(const char *dir)
{
	struct sha256 c;
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];

	sha256_init(&c);
	files_walk(dir, "", &c);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	return xasprintf("files:%.12s", hex);
}

int ksource_open(const char *dir, const char *label, struct ksource *s, char **err)
{
	char *mk, *root, *gitdir, *name, hex[13];
	int ret;

	memset(s, 0, sizeof(*s));
	s->dir = realpath(dir, NULL);
	if (!s->dir || !ksource_is_tree(s->dir)) {
		*err = xasprintf("%s: not a kernel source tree (no Makefile, Kconfig and "
				 "scripts/kconfig/merge_config.sh)",
				 dir);
		ksource_free(s);
		return -ENOENT;
	}
	mk = xasprintf("%s/Makefile", s->dir);
	{
		char *text = file_read(mk, NULL, 1 << 20);

		ret = text ? ksource_makefile_version(text, &s->version) : -errno;
		free(text);
	}
	if (ret) {
		*err = xasprintf("%s: no kernel VERSION/PATCHLEVEL", mk);
		free(mk);
		ksource_free(s);
		return ret;
	}
	free(mk);
	s->label = label ? xstrdup(label) : xasprintf("tree:%s", s->dir);
	gitdir = xasprintf("%s/.git", s->dir);
	if (path_exists(gitdir))
		ret = git_identity(s->dir, label != NULL, &s->identity, err);
	else
		s->identity = files_identity(s->dir);
	free(gitdir);
	if (ret) {
		ksource_free(s);
		return ret;
	}
	root = kernel_cache_root();
	name = strrchr(s->dir, '/') + 1;
	hex12(s->dir, strlen(s->dir), hex);
	s->build_dir = xasprintf("%s/build/%s-%.8s", root, *name ? name : "root", hex);
	free(root);
	return 0;
}

void ksource_free(struct ksource *s)
{
	free(s->dir);
	free(s->label);
	free(s->identity);
	free(s->version);
	free(s->build_dir);
	memset(s, 0, sizeof(*s));
}
