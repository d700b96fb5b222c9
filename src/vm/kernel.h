/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernels: the cache, resolution, and cache metadata.
 *
 * Cache layout: <root>/kernels/<id>/{bzImage,config,vmlinux,metadata.json}, where
 * <id> is the kernel version ("7.3.4+deb13-cloud-amd64"). Entries are written into
 * <root>/kernels/.tmp-<id>-<pid> and renamed into place, so a directory without the
 * dot prefix is either complete or corrupt, never half-written.
 *
 * Verification cost: the full sha256 of the image is computed when an entry is
 * written (`ktstr kernel fetch`) and checked by `ktstr kernel list`. Resolution,
 * which runs for every test, checks the files exist and the image's size and mtime
 * (nanoseconds) equal those recorded in metadata.json; only when the mtime differs
 * (e.g. the cache was copied) does it hash the image, and it records the new mtime
 * when the hash still matches. A truncated image is caught by its size.
 */
#ifndef KTSTR_KERNEL_H
#define KTSTR_KERNEL_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct kernel_info {
	char *id;        /* cache id, or NULL for a path outside the cache */
	char *version;   /* "7.3.4+deb13-cloud-amd64" when known */
	char *image;     /* bzImage path */
	char *config;    /* kernel config path, or NULL */
	char *vmlinux;   /* ELF vmlinux with .BTF, or NULL */
	bool sched_ext;  /* config has CONFIG_SCHED_CLASS_EXT=y */
	char *source;    /* "debian:<pkg>=<ver>", "path", "build-tree", "host" */
};

/* Cache root: $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else ~/.cache/ktstr. Caller frees. */
char *kernel_cache_root(void);
/* <root>/kernels. Caller frees. */
char *kernel_cache_dir(void);

/* One writer of the cache at a time: lock <root>/kernels/.fetch.lock (creating the
 * directory), waiting for another writer. Returns the descriptor to close, or a
 * negative errno with *err set. */
int kernel_cache_lock(char **err);
/* Remove the .tmp-* directories of the cache; with the lock held they were left by
 * an interrupted writer. */
void kernel_cache_clean_tmp(void);

/* Remove the cache entry id (under the lock). -ENOENT with *err when there is none. */
int kernel_cache_remove(const char *id, char **err);

/* --kernel (image, build tree, cache id/version) > KTSTR_KERNEL > newest valid cached
 * > host /boot/vmlinuz-$(uname -r) with sched_ext. Corrupt cache entries are skipped
 * with a warning. On failure -ENOENT and *err says exactly which command gets a kernel;
 * an image given by --kernel or KTSTR_KERNEL that is not a bzImage is -ENOEXEC. */
int kernel_resolve(const char *spec, struct kernel_info *out, char **err);

struct kernel_resolve_opts {
	const char *spec;     /* NULL: fall through to KTSTR_KERNEL */
	const char *boot_dir; /* NULL: "/boot" */
	const char *release;  /* NULL: uname -r */
};
int kernel_resolve_opts(const struct kernel_resolve_opts *o, struct kernel_info *out, char **err);
void kernel_info_free(struct kernel_info *k);

/* metadata.json of a cache entry. */
struct kernel_meta {
	char *version;
	char *source;
	char *arch;
	char sha256[65];
	uint64_t image_size;
	int64_t image_mtime_ns;
	bool sched_ext;
	char *fetched_at; /* ISO-8601 UTC, "2026-11-27T01:02:03Z" */
};
char *kernel_meta_to_json(const struct kernel_meta *m);
/* Strict: every field present with its type. -EINVAL with *err naming the field. */
int kernel_meta_from_json(const char *json, struct kernel_meta *m, char **err);
void kernel_meta_free(struct kernel_meta *m);
/* Fill sha256, image_size, image_mtime_ns from an image file. */
int kernel_meta_stat_image(struct kernel_meta *m, const char *image);
/* "YYYY-MM-DDTHH:MM:SSZ" for a time; allocated. Parse back to seconds since the epoch. */
char *kernel_iso8601(int64_t epoch_sec);
int kernel_parse_iso8601(const char *s, int64_t *epoch_sec);

enum kernel_verify {
	KERNEL_VERIFY_QUICK, /* files present, image size + mtime as recorded */
	KERNEL_VERIFY_FULL,  /* plus the sha256 of the image */
};

struct kernel_entry {
	char *id;
	char *dir;
	struct kernel_meta meta; /* zeroed when metadata.json is unreadable */
	char *corrupt;           /* NULL, or why the entry cannot be used */
};

/* Verify the entry in dir (id = its name). Returns the entry with ->corrupt set
 * or NULL; never fails otherwise. */
void kernel_entry_load(const char *dir, enum kernel_verify v, struct kernel_entry *e);
/* Every entry of the cache, newest version first. Hidden (.tmp-*) directories are
 * skipped. 0 (also when the cache does not exist) or a negative errno. */
int kernel_list(enum kernel_verify v, struct kernel_entry **out, size_t *n);
void kernel_entry_free(struct kernel_entry *e);
void kernel_entries_free(struct kernel_entry *e, size_t n);
/* Fill a kernel_info for a valid cache entry. */
void kernel_entry_info(const struct kernel_entry *e, struct kernel_info *out);

/* Debian version ordering ("7.3.4+deb13" < "7.3.10+deb13", "~" before anything). */
int kernel_version_cmp(const char *a, const char *b);

/* The message printed when no kernel is found. */
#define KERNEL_NONE_HINT "run `ktstr kernel fetch` to download a kernel with sched_ext"

#endif
