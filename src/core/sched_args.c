// SPDX-License-Identifier: GPL-2.0-only
#include "core/sched_args.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "util/util.h"

static bool strv_has(const char *const *v, const char *s)
{
	for (; v && *v; v++)
		if (!strcmp(*v, s))
			return true;
	return false;
}

static const struct ktstr_flag *find_flag(const struct ktstr_scheduler *s, const char *name)
{
	const struct ktstr_flag *f;

	for (f = s->flags; f && f->name; f++)
		if (!strcmp(f->name, name))
			return f;
	return NULL;
}

int sched_check_flags(const struct ktstr_scheduler *s, const char *const *active, char **err)
{
	const char *const *a, *const *r;

	for (a = active; a && *a; a++) {
		const struct ktstr_flag *f = find_flag(s, *a);

		if (!f) {
			*err = xasprintf("scheduler %s has no flag '%s'", s->name, *a);
			return -EINVAL;
		}
		for (r = f->requires; r && *r; r++) {
			if (!strv_has(active, *r)) {
				*err = xasprintf("scheduler %s: flag '%s' requires flag '%s'",
						 s->name, *a, *r);
				return -EINVAL;
			}
		}
	}
	return 0;
}

struct strv {
	char **v;
	size_t n;
};

static void push_dup(struct strv *sv, const char *s)
{
	strv_push(&sv->v, &sv->n, xstrdup(s));
}

static void push_dup_all(struct strv *sv, const char *const *v)
{
	for (; v && *v; v++)
		push_dup(sv, *v);
}

char **sched_build_args(const struct ktstr_scheduler *s, const char *const *extra,
			const char *const *active, char **err)
{
	struct strv sv = { xcalloc(1, sizeof(char *)), 0 };
	const struct ktstr_flag *f;

	if (sched_check_flags(s, active, err)) {
		free(sv.v);
		return NULL;
	}
	push_dup_all(&sv, s->args);
	push_dup_all(&sv, extra);
	for (f = s->flags; f && f->name; f++)
		if (strv_has(active, f->name))
			push_dup_all(&sv, f->args);
	return sv.v;
}

static bool has_space(const char *s)
{
	return strpbrk(s, " \t\n\r\v\f") != NULL;
}

/* Kernel command line words the harness owns. */
static bool karg_reserved(const char *w)
{
	static const char *const prefixes[] = { "console=", "init=", "rdinit=", "panic=",
						"loglevel=" };
	size_t i;

	if (!strcmp(w, "nokaslr") || !strcmp(w, "kaslr"))
		return true;
	for (i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (str_starts_with(w, prefixes[i]))
			return true;
	return false;
}

char *sched_cmdline(const struct ktstr_scheduler *s, char **err)
{
	struct strbuf sb = { 0 };
	const char *const *w;

	for (w = s->sysctls; w && *w; w++) {
		const char *eq = strchr(*w, '=');
		char *key, *p;

		if (!eq || eq == *w || has_space(*w)) {
			*err = xasprintf("scheduler %s: sysctl '%s' is not key=value without spaces",
					 s->name, *w);
			sb_free(&sb);
			return NULL;
		}
		key = xstrndup(*w, eq - *w);
		for (p = key; *p; p++)
			if (*p == '/')
				*p = '.';
		sb_printf(&sb, "%ssysctl.%s%s", sb.len ? " " : "", key, eq);
		free(key);
	}
	for (w = s->kargs; w && *w; w++) {
		if (!**w || has_space(*w) || karg_reserved(*w)) {
			*err = xasprintf("scheduler %s: kernel argument '%s' is %s", s->name, *w,
					 karg_reserved(*w) ? "set by ktstr and cannot be overridden"
							   : "not one word");
			sb_free(&sb);
			return NULL;
		}
		sb_printf(&sb, "%s%s", sb.len ? " " : "", *w);
	}
	return sb_steal(&sb);
}

/* 0 if path is a regular executable file, else -errno with *why set. */
static int check_exec(const char *path, const char **why)
{
	struct stat st;

	if (stat(path, &st)) {
		*why = "does not exist";
		return -ENOENT;
	}
	if (!S_ISREG(st.st_mode)) {
		*why = "is not a regular file";
		return -EACCES;
	}
	if (access(path, X_OK)) {
		*why = "is not executable";
		return -EACCES;
	}
	return 0;
}

int sched_resolve_binary(const struct ktstr_scheduler *s, const char *self_dir,
			 const char *path_env, char **out, char **err)
{
	struct strbuf tried = { 0 };
	const char *why = NULL;
	char *cand;
	int ret;

	if (!s->binary || !*s->binary) {
		*err = xasprintf("scheduler %s has no binary", s->name);
		return -EINVAL;
	}
	if (strchr(s->binary, '/')) {
		ret = check_exec(s->binary, &why);
		if (ret) {
			*err = xasprintf("scheduler %s: binary %s %s", s->name, s->binary, why);
			return ret;
		}
		*out = xstrdup(s->binary);
		return 0;
	}
	/* next to the test binary, then the build tree's schedulers/ (cli/ktstr ->
	 * schedulers/scx_ktstr) */
	for (int i = 0; self_dir && i < 2; i++) {
		cand = xasprintf(i ? "%s/../schedulers/%s" : "%s/%s", self_dir, s->binary);
		ret = check_exec(cand, &why);
		if (!ret) {
			sb_free(&tried);
			*out = cand;
			return 0;
		}
		if (!i || ret != -ENOENT)
			sb_printf(&tried, "%s%s (%s)", tried.len ? ", " : "", cand, why);
		free(cand);
	}
	if (path_env) {
		char *dirs = xstrdup(path_env), *save = NULL, *d;

		for (d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
			cand = xasprintf("%s/%s", d, s->binary);
			ret = check_exec(cand, &why);
			if (!ret) {
				free(dirs);
				sb_free(&tried);
				*out = cand;
				return 0;
			}
			if (ret != -ENOENT)
				sb_printf(&tried, "%s%s (%s)", tried.len ? ", " : "", cand, why);
			free(cand);
		}
		free(dirs);
		sb_printf(&tried, "%s$PATH", tried.len ? ", " : "");
	}
	*err = xasprintf("scheduler %s: binary '%s' not found as an executable file (tried %s)",
			 s->name, s->binary, tried.len ? tried.buf : "nothing");
	sb_free(&tried);
	return -ENOENT;
}

char **sched_split_args(const char *s)
{
	struct strv sv = { xcalloc(1, sizeof(char *)), 0 };
	const char *p = s;

	while (p && *p) {
		size_t n;

		p += strspn(p, " \t\n");
		n = strcspn(p, " \t\n");
		if (n) {
			char *w = xstrndup(p, n);

			push_dup(&sv, w);
			free(w);
		}
		p += n;
	}
	return sv.v;
}

