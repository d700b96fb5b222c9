// SPDX-License-Identifier: GPL-2.0-only
/* Exclusive advisory locks on files. */
#include "util/lock.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

int lock_path(const char *path, const char *holder, char **err)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644), ret = 0;

	if (fd < 0) {
		ret = -errno;
	} else if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		log_info("waiting for %s (%s)", holder, path);
		if (flock(fd, LOCK_EX) < 0)
			ret = -errno;
	}
	if (!ret)
		return fd;
	if (err)
		*err = xasprintf("%s: %s", path, strerror(-ret));
	if (fd >= 0)
		close(fd);
	return ret;
}
