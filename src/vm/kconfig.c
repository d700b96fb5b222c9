// SPDX-License-Identifier: GPL-2.0-only
/* Kernel .config parsing and the requirements check behind `ktstr kernel check`. */
#include "vm/kconfig.h"
#include "util/util.h"
#include "vm/bzimage.h"

#include <errno.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>

static const struct kconfig_req reqs[] = {
	{ "sched_ext", "no sched_ext schedulers can attach",
	  { "CONFIG_SCHED_CLASS_EXT" }, true },
	{ "BTF", "BPF schedulers need the kernel's BTF (CO-RE, struct_ops)",
	  { "CONFIG_DEBUG_INFO_BTF" }, true },
	{ "BPF syscall", "no BPF programs can be loaded",
	  { "CONFIG_BPF_SYSCALL" }, true },
	{ "virtio console", "the host<->guest channel uses a virtio serial port",
	  { "CONFIG_VIRTIO_CONSOLE", "CONFIG_VIRTIO_PCI" }, true },
	{ "cgroup v2 cpusets", "workloads run in cgroups with cpusets",
	  { "CONFIG_CGROUPS", "CONFIG_CPUSETS" }, true },
	{ "serial console", "the boot log is read from the 8250 serial console",
	  { "CONFIG_SERIAL_8250", "CONFIG_SERIAL_8250_CONSOLE" }, true },
	{ "initramfs", "the test binary boots as /init from an initramfs",
	  { "CONFIG_BLK_DEV_INITRD" }, true },
	{ "devtmpfs", "/dev is populated by the kernel (else the guest init makes nodes)",
	  { "CONFIG_DEVTMPFS" }, false },
};

static void set_entry(struct kconfig *kc, size_t *cap, char *name, char *value)
{
	for (size_t i = 0; i < kc->n; i++) {
		if (!strcmp(kc->v[i].name, name)) {
			free(kc->v[i].value);
			kc->v[i].value = value;
			free(name);
			return;
		}
	}
	if (kc->n == *cap) {
		*cap = *cap ? *cap * 2 : 256;
		kc->v = xrealloc(kc->v, *cap * sizeof(*kc->v));
	}
	kc->v[kc->n].name = name;
	kc->v[kc->n].value = value;
	kc->n++;
}

/* "\"a \\\"b\\\"\"" -> a "b"; anything else is returned as is. */
static char *unquote(const char *v)
{
	size_t n = strlen(v);
	struct strbuf sb = { 0 };

	if (n < 2 || v[0] != '"' || v[n - 1] != '"')
		return xstrdup(v);
	for (size_t i = 1; i < n - 1; i++) {
		if (v[i] == '\\' && i + 1 < n - 1)
			i++;
		sb_appendn(&sb, &v[i], 1);
	}
	return sb_steal(&sb);
}

static bool valid_name(const char *s, size_t n)
{
	if (n <= 7)
		return false;
	for (size_t i = 0; i < n; i++)
		if (!((s[i] >= 'A' && s[i] <= 'Z') || (s[i] >= 'a' && s[i] <= 'z') ||
		      (s[i] >= '0' && s[i] <= '9') || s[i] == '_'))
			return false;
	return true;
}

int kconfig_parse(const char *text, struct kconfig *out, char **err)
{
	size_t cap = 0, lineno = 0;
	const char *p = text;

	memset(out, 0, sizeof(*out));
	while (*p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);
		char *line = xstrndup(p, len), *s = str_trim(line);

		lineno++;
		p += len + (nl ? 1 : 0);
		if (str_starts_with(s, "# CONFIG_") && str_ends_with(s, " is not set")) {
			size_t n = strlen(s) - 2 - strlen(" is not set");

			if (valid_name(s + 2, n))
				set_entry(out, &cap, xstrndup(s + 2, n), xstrdup("n"));
		} else if (str_starts_with(s, "CONFIG_")) {
			char *eq = strchr(s, '=');

			if (!eq || !valid_name(s, (size_t)(eq - s))) {
				if (err)
					*err = xasprintf("line %zu: expected CONFIG_NAME=value: %s",
							 lineno, s);
				free(line);
				kconfig_free(out);
				return -EINVAL;
			}
			set_entry(out, &cap, xstrndup(s, (size_t)(eq - s)), unquote(eq + 1));
		}
		free(line);
	}
	return 0;
}

int kconfig_load(const char *path, struct kconfig *out, char **err)
{
	char *text = file_read(path, NULL, 16 << 20), *e = NULL;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!text) {
		ret = -errno;
		if (err)
			*err = xasprintf("%s: %s", path, strerror(-ret));
		return ret;
	}
	ret = kconfig_parse(text, out, &e);
	if (ret && err)
		*err = xasprintf("%s: %s", path, e);
	free(e);
	free(text);
	return ret;
}

void kconfig_free(struct kconfig *kc)
{
	for (size_t i = 0; i < kc->n; i++) {
		free(kc->v[i].name);
		free(kc->v[i].value);
	}
	free(kc->v);
	memset(kc, 0, sizeof(*kc));
}

const char *kconfig_get(const struct kconfig *kc, const char *name)
{
	const char *bare = str_starts_with(name, "CONFIG_") ? name + 7 : name;

	for (size_t i = 0; i < kc->n; i++)
		if (!strcmp(kc->v[i].name + 7, bare))
			return kc->v[i].value;
	return NULL;
}

bool kconfig_is_y(const struct kconfig *kc, const char *name)
{
	const char *v = kconfig_get(kc, name);

	return v && !strcmp(v, "y");
}

void kconfig_check(const struct kconfig *kc, struct kconfig_report *out)
{
	out->n = ARRAY_SIZE(reqs);
	out->r = xcalloc(out->n, sizeof(*out->r));
	out->hard_ok = true;
	out->sched_ext = kconfig_is_y(kc, "CONFIG_SCHED_CLASS_EXT");
	for (size_t i = 0; i < ARRAY_SIZE(reqs); i++) {
		struct kconfig_req_result *r = &out->r[i];
		struct strbuf sb = { 0 };

		r->req = &reqs[i];
		for (const char *const *o = reqs[i].options; *o; o++) {
			const char *v = kconfig_get(kc, *o);

			if (v && !strcmp(v, "y"))
				continue;
			if (sb.len)
				sb_append(&sb, ", ");
			if (!v || !strcmp(v, "n"))
				sb_printf(&sb, "%s is not set", *o);
			else
				sb_printf(&sb, "%s=%s (must be =y)", *o, v);
		}
		r->ok = sb.len == 0;
		r->detail = r->ok ? NULL : sb_steal(&sb);
		sb_free(&sb);
		if (!r->ok && reqs[i].hard)
			out->hard_ok = false;
	}
}

void kconfig_report_free(struct kconfig_report *rep)
{
	for (size_t i = 0; i < rep->n; i++)
		free(rep->r[i].detail);
	free(rep->r);
	memset(rep, 0, sizeof(*rep));
}

char *kconfig_find_for_image(const char *image)
{
	char *abs = realpath(image, NULL);
	char *copy = xstrdup(abs ? abs : image), *dir = xstrdup(dirname(copy)), *base, *p;

	free(copy);
	copy = xstrdup(abs ? abs : image);
	free(abs);
	base = basename(copy);

	p = xasprintf("%s/config", dir);
	if (path_exists(p))
		goto out;
	free(p);
	/* <tree>/arch/<arch>/boot/bzImage -> <tree>/.config */
	if (str_ends_with(dir, "/boot") && strstr(dir, "/arch/")) {
		char *dotconfig = xasprintf("%s/../../../.config", dir);

		p = realpath(dotconfig, NULL);
		free(dotconfig);
		if (p)
			goto out;
	}
	if (str_starts_with(base, "vmlinuz-")) {
		p = xasprintf("%s/config-%s", dir, base + strlen("vmlinuz-"));
		if (path_exists(p))
			goto out;
		free(p);
	}
	p = NULL;
out:
	free(copy);
	free(dir);
	return p;
}

int kconfig_load_image(const char *image, struct kconfig *out, char **where, char **err)
{
	char *path = kconfig_find_for_image(image), *text = NULL, *e = NULL;
	int ret;

	*where = NULL;
	memset(out, 0, sizeof(*out));
	if (path) {
		ret = kconfig_load(path, out, err);
		if (!ret)
			*where = path;
		else
			free(path);
		return ret;
	}
	ret = bzimage_ikconfig(image, &text, &e);
	if (ret) {
		if (err)
			*err = xasprintf("no config found for %s: no `config` beside it, no .config of "
					 "a build tree, no config-<ver> beside vmlinuz-<ver>, and %s",
					 image, e);
		free(e);
		return ret;
	}
	ret = kconfig_parse(text, out, &e);
	if (ret && err)
		*err = xasprintf("%s: embedded config: %s", image, e);
	if (!ret)
		*where = xstrdup("embedded in the image (CONFIG_IKCONFIG)");
	free(e);
	free(text);
	return ret;
}
