// SPDX-License-Identifier: GPL-2.0-only
#include "runner/include.h"
#include "util/util.h"
#include "vm/initramfs.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* A regular file or a directory (symlinks followed). */
static bool usable(const char *path)
{
	struct stat st;

	return !stat(path, &st) && (S_ISREG(st.st_mode) || S_ISDIR(st.st_mode));
}

int include_resolve(const char *spec, const char *path_env, char **host, char **err)
{
	char *dirs, *save = NULL;

	*host = NULL;
	if (!spec || !*spec) {
		*err = xstrdup("include file: empty name");
		return -EINVAL;
	}
	if (strchr(spec, '/')) {
		if (!usable(spec)) {
			*err = xasprintf("include file '%s': %s", spec,
					 path_exists(spec) ? "not a regular file or directory"
							   : "no such file or directory");
			return -ENOENT;
		}
		*host = xstrdup(spec);
		return 0;
	}
	if (usable(spec)) {
		*host = xasprintf("./%s", spec);
		return 0;
	}
	dirs = xstrdup(path_env ? path_env : "");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
		char *cand = xasprintf("%s/%s", *d ? d : ".", spec);
		struct stat st;

		if (!stat(cand, &st) && S_ISREG(st.st_mode)) {
			*host = cand;
			free(dirs);
			return 0;
		}
		free(cand);
	}
	free(dirs);
	*err = xasprintf("include file '%s': not in the current directory nor in $PATH (%s)", spec,
			 path_env ? path_env : "unset");
	return -ENOENT;
}

int include_add(struct initramfs *ir, const char *spec, const char *path_env, char **err)
{
	char *host = NULL, *guest, *e = NULL;
	int ret;

	guest = guest_include_path(spec);
	if (!guest) {
		*err = xasprintf("include file '%s': no file name to place it under %s/",
				 spec ? spec : "", GUEST_INCLUDE_DIR);
		return -EINVAL;
	}
	ret = include_resolve(spec, path_env, &host, err);
	if (!ret) {
		ret = path_is_dir(host) ? initramfs_add_dir(ir, host, guest, &e)
					: initramfs_add_file(ir, host, guest, &e);
		if (ret < 0) {
			*err = xasprintf("include file '%s' (%s): %s", spec, host,
					 e ? e : strerror(-ret));
			free(e);
		}
	}
	free(host);
	free(guest);
	return ret < 0 ? ret : 0;
}
