/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel .config files: parsing, and what a kernel lacks to run ktstr tests.
 *
 * Values are stored as the config writes them, minus the quotes of strings:
 * "y", "m", a number, a string, or "n" for "# CONFIG_X is not set".
 */
#ifndef KTSTR_KCONFIG_H
#define KTSTR_KCONFIG_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>

struct kconfig_entry {
	char *name;  /* "CONFIG_SCHED_CLASS_EXT" */
	char *value; /* "y", "m", "n", "0x1000", "some string" (unquoted) */
};

struct kconfig {
	struct kconfig_entry *v;
	size_t n;
};

/* Parse the text of a .config. A later assignment of the same option wins.
 * -EINVAL with *err naming the line for a CONFIG_ line that is not an assignment. */
int kconfig_parse(const char *text, struct kconfig *out, char **err);
int kconfig_load(const char *path, struct kconfig *out, char **err);
void kconfig_free(struct kconfig *kc);
/* name with or without the CONFIG_ prefix; NULL when the option is absent. */
const char *kconfig_get(const struct kconfig *kc, const char *name);
/* The option is built in (=y). */
bool kconfig_is_y(const struct kconfig *kc, const char *name);

/* One requirement of ktstr, e.g. "sched_ext" needs CONFIG_SCHED_CLASS_EXT=y. */
struct kconfig_req {
	const char *what;       /* "sched_ext" */
	const char *why;        /* what a test loses without it */
	const char *options[3]; /* all must be =y; NULL-terminated */
	bool hard;              /* tests cannot run without it */
};

struct kconfig_req_result {
	const struct kconfig_req *req;
	bool ok;
	char *detail; /* "CONFIG_VIRTIO_CONSOLE=m (must be =y)", or NULL when ok */
};

struct kconfig_report {
	struct kconfig_req_result *r;
	size_t n;
	bool hard_ok; /* every hard requirement is met */
	bool sched_ext;
};

/* Check a config against every requirement (the table in kconfig.c). */
void kconfig_check(const struct kconfig *kc, struct kconfig_report *out);
void kconfig_report_free(struct kconfig_report *rep);

/*
 * Find the config of a kernel image: `config` next to the image, `.config` at the
 * top of a build tree (image at <tree>/arch/<arch>/boot/bzImage), or
 * config-<ver> beside vmlinuz-<ver> (the /boot layout).
 * Returns an allocated path, or NULL when none exists.
 */
char *kconfig_find_for_image(const char *image);
/* The config of an image: the file kconfig_find_for_image finds, else the one
 * embedded in the image by CONFIG_IKCONFIG. *where (allocated) names the source. */
int kconfig_load_image(const char *image, struct kconfig *out, char **where, char **err);

#endif
