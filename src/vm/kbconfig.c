// SPDX-License-Identifier: GPL-2.0-only
/* The config of a kernel built by ktstr: merge and verification (see kbconfig.h). */
#include "vm/kbconfig.h"
#include "util/run.h"
#include "util/sha256.h"
#include "util/util.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ktstr.config, compiled in by scripts/embed.py. */
extern const unsigned char ktstr_kconfig_fragment[];
extern const unsigned long ktstr_kconfig_fragment_len;

#define BASE "allnoconfig"

char *kbconfig_fragment(void)
{
	return xstrndup((const char *)ktstr_kconfig_fragment, ktstr_kconfig_fragment_len);
}

char *kbconfig_hash(const char *ktstr_fragment, const char *user_fragment)
{
	struct sha256 c;
	uint8_t d[SHA256_LEN];
	char hex[SHA256_HEX_LEN + 1];

	sha256_init(&c);
	sha256_update(&c, BASE, strlen(BASE) + 1);
	sha256_update(&c, ktstr_fragment, strlen(ktstr_fragment) + 1);
	if (user_fragment)
		sha256_update(&c, user_fragment, strlen(user_fragment) + 1);
	sha256_final(&c, d);
	sha256_hex(d, hex);
	return xstrndup(hex, 12);
}

size_t kbconfig_verify(const struct kconfig *want, const struct kconfig *have,
		       struct kbconfig_unmet **out)
{
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < want->n; i++) {
		const char *w = want->v[i].value, *h = kconfig_get(have, want->v[i].name);

		if (!h)
			h = "n";
		if (!strcmp(w, h))
			continue;
		*out = xrealloc(*out, (n + 1) * sizeof(**out));
		(*out)[n].name = xstrdup(want->v[i].name);
		(*out)[n].want = xstrdup(w);
		(*out)[n].got = xstrdup(h);
		n++;
	}
	return n;
}

void kbconfig_unmet_free(struct kbconfig_unmet *u, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(u[i].name);
		free(u[i].want);
		free(u[i].got);
	}
	free(u);
}

/* A line that ends an entry's attributes: another entry or block keyword. */
static bool ends_entry(const char *s)
{
	static const char *const kw[] = { "config ", "menuconfig ", "choice", "endchoice", "menu ",
					   "endmenu", "if ", "endif", "source ", "comment " };

	for (size_t i = 0; i < ARRAY_SIZE(kw); i++)
		if (str_starts_with(s, kw[i]))
			return true;
	return false;
}

char *kbconfig_depends(const char *kconfig_text, const char *name)
{
	const char *sym = str_starts_with(name, "CONFIG_") ? name + 7 : name;
	char *copy = xstrdup(kconfig_text), *save = NULL, *line, *ret = NULL;
	struct strbuf sb = { 0 };
	bool in = false;

	for (line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *s = str_trim(line);

		if (in && ends_entry(s))
			break;
		if (!in) {
			const char *rest = str_starts_with(s, "config ")	 ? s + 7 :
					   str_starts_with(s, "menuconfig ") ? s + 11 :
									       NULL;

			if (rest && !strcmp(str_trim((char *)rest), sym))
				in = true;
			continue;
		}
		if (str_starts_with(s, "depends on "))
			sb_printf(&sb, "%s(%s)", sb.len ? " && " : "", str_trim(s + 11));
	}
	if (in)
		ret = sb_steal(&sb);
	sb_free(&sb);
	free(copy);
	return ret;
}

static char *depends_walk(const char *dir, const char *name, unsigned depth)
{
	DIR *d = depth < 12 ? opendir(dir) : NULL;
	struct dirent *de;
	char *ret = NULL;

	while (d && !ret && (de = readdir(d))) {
		char *path;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", dir, de->d_name);
		if (str_starts_with(de->d_name, "Kconfig") && !path_is_dir(path)) {
			char *text = file_read(path, NULL, 1 << 22);

			ret = text ? kbconfig_depends(text, name) : NULL;
			free(text);
		} else if (de->d_type == DT_DIR ||
			   (de->d_type == DT_UNKNOWN && path_is_dir(path))) {
			ret = depends_walk(path, name, depth + 1);
		}
		free(path);
	}
	if (d)
		closedir(d);
	return ret;
}

char *kbconfig_tree_depends(const char *srctree, const char *name)
{
	return depends_walk(srctree, name, 0);
}

static void to_fd(const char *text, void *arg)
{
	int fd = *(const int *)arg;

	if (fd >= 0 && (write_full(fd, text, strlen(text)) || write_full(fd, "\n", 1)))
		log_debug("cannot write the build log");
}

static int write_fragment(const char *path, const char *text, char **err)
{
	int ret = file_write_atomic(path, text, strlen(text));

	if (ret)
		*err = xasprintf("%s: %s", path, strerror(-ret));
	return ret;
}

/* Fragments: ktstr's then the user's; a later assignment wins. */
static int wanted(const char *ktstr, const char *user, struct kconfig *out, char **err)
{
	char *both = xasprintf("%s\n%s", ktstr, user ? user : "");
	int ret = kconfig_parse(both, out, err);

	free(both);
	return ret;
}

static char *unmet_message(const char *srctree, const struct kbconfig_unmet *u, size_t n)
{
	struct strbuf sb = { 0 };

	sb_printf(&sb, "%zu wanted option%s did not stick in the merged config:", n,
		  n == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		char *deps = kbconfig_tree_depends(srctree, u[i].name);

		sb_printf(&sb, "\n  %s=%s wanted, got %s; ", u[i].name, u[i].want, u[i].got);
		if (!deps)
			sb_append(&sb, "no Kconfig of this tree defines it");
		else if (!*deps)
			sb_append(&sb, "it has no \"depends on\" (a choice or select decides it)");
		else
			sb_printf(&sb, "depends on %s", deps);
		free(deps);
	}
	return sb_steal(&sb);
}

int kbconfig_make(const char *srctree, const char *build_dir, const char *user_fragment,
		  int log_fd, char **err)
{
	char *frag = kbconfig_fragment(), *kpath = xasprintf("%s/ktstr.config", build_dir);
	char *upath = xasprintf("%s/user.config", build_dir), *cfg = NULL;
	struct kconfig want = { 0 }, have = { 0 };
	struct kbconfig_unmet *u = NULL;
	size_t n = 0;
	int ret = wanted(frag, user_fragment, &want, err);

	if (!ret)
		ret = write_fragment(kpath, frag, err);
	if (!ret && user_fragment)
		ret = write_fragment(upath, user_fragment, err);
	if (!ret) {
		const char *argv[] = { "scripts/kconfig/merge_config.sh", "-n", "-O", build_dir,
				       kpath, user_fragment ? upath : NULL, NULL };

		ret = run_argv_lines((char *const *)argv, srctree, to_fd, &log_fd);
		if (ret) {
			*err = xasprintf("merge_config.sh failed (exit %d); the log has its output",
					 ret);
			ret = ret > 0 ? -EIO : ret;
		}
	}
	if (!ret) {
		cfg = xasprintf("%s/.config", build_dir);
		ret = kconfig_load(cfg, &have, err);
	}
	if (!ret && (n = kbconfig_verify(&want, &have, &u))) {
		*err = unmet_message(srctree, u, n);
		ret = -EINVAL;
	}
	kbconfig_unmet_free(u, n);
	kconfig_free(&want);
	kconfig_free(&have);
	free(cfg);
	free(upath);
	free(kpath);
	free(frag);
	return ret;
}
