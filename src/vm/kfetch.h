/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * `ktstr kernel fetch`: the newest Debian cloud kernel built with sched_ext,
 * downloaded with apt-get into private directories (the system's apt state is never
 * touched) and stored in the kernel cache (kernel.h) atomically.
 */
#ifndef KTSTR_KFETCH_H
#define KTSTR_KFETCH_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>

struct kfetch_opts {
	const char *version; /* NULL: newest with sched_ext; "7.3.4" or "7.3.4+deb13-cloud-amd64" */
	bool refresh;        /* update the package index even when it is recent */
};

struct kfetch_result {
	char *id;                 /* cache id of the kernel now in the cache */
	bool cached;              /* it was there already: nothing downloaded */
	unsigned long long bytes; /* bytes downloaded */
	double seconds;
};

int kfetch_run(const struct kfetch_opts *o, struct kfetch_result *res, char **err);
void kfetch_result_free(struct kfetch_result *r);

/* The URI of the machine's Debian archive: the deb822 `URIs:` of the first entry in
 * sources_dir/ *.sources whose Suites include bookworm or trixie, else the first such
 * `deb` line of sources_list or sources_dir/ *.list. NULL with *err when none. */
char *kfetch_debian_uri(const char *sources_dir, const char *sources_list, char **err);

/* From `apt-cache pkgnames linux-binary-unsigned-` output, the kernel versions of the
 * flavour ("cloud-amd64"), newest first. Returns the count; *out is a NULL-terminated
 * array (free with strv_free). */
size_t kfetch_versions(const char *pkgnames, const char *flavour, char ***out);
/* Does a kernel version match a --version argument ("7.3.4" matches
 * "7.3.4+deb13-cloud-amd64")? */
bool kfetch_version_matches(const char *version, const char *want);

/* The kernels of the suite (flavour cloud-amd64), newest first, each "cached",
 * "sched_ext" (fetchable) or "no sched_ext"; a version not seen before has its
 * config (a ~1 MB package) downloaded to tell. */
struct kfetch_remote {
	char *version;
	const char *status;
};
int kfetch_list_remote(bool refresh, struct kfetch_remote **out, size_t *n, char **err);
void kfetch_remote_free(struct kfetch_remote *r, size_t n);

/* A Debian kernel source tree: linux-source-<major.minor> from the same suite,
 * unpacked into <cache root>/src/<package>_<version> and committed to a git
 * repository of its own there (so edits to it are seen as changes). */
struct kfetch_source {
	char *dir;   /* the tree */
	char *label; /* "debian:linux-source-7.3=7.3.4-1~bpo13+1" */
	bool cached; /* it was unpacked already: nothing downloaded */
};
/* version "7.3" (the package's version) or "7.3.4" (must be the package's). */
int kfetch_source(const char *version, bool refresh, struct kfetch_source *out, char **err);
void kfetch_source_free(struct kfetch_source *s);
/* The label of a tree kfetch_source unpacked ("debian:..."), from the marker
 * <dir>.source written beside it; NULL for any other tree. Caller frees. */
char *kfetch_source_label(const char *dir);
/* "7.3" or "7.3.4" -> "linux-source-7.3"; NULL for anything else. Caller frees. */
char *kfetch_source_package(const char *version);
/* The directory name of an unpacked package: "<pkg>_<version>" with every byte
 * but [A-Za-z0-9._+-] replaced by '_'. Caller frees. */
char *kfetch_source_dirname(const char *pkg, const char *pkg_version);

#endif
