// SPDX-License-Identifier: GPL-2.0-only
#include "guest/port.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "util/util.h"

int guest_port_open_at(const char *root, const char *name)
{
	char *dir = xasprintf("%s/sys/class/virtio-ports", root);
	struct dirent *de;
	int fd = -ENOENT;
	DIR *dh;

	dh = opendir(dir);
	if (!dh) {
		fd = -errno;
		free(dir);
		return fd;
	}
	while ((de = readdir(dh))) {
		char *path, *val;

		if (de->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s/name", dir, de->d_name);
		val = file_read_line(path);
		free(path);
		if (val && !strcmp(val, name)) {
			char *dev = xasprintf("%s/dev/%s", root, de->d_name);

			fd = open(dev, O_RDWR | O_CLOEXEC);
			if (fd < 0)
				fd = -errno;
			free(dev);
			free(val);
			break;
		}
		free(val);
	}
	closedir(dh);
	free(dir);
	return fd;
}

int guest_port_open(const char *name)
{
	return guest_port_open_at("", name);
}

/* Poll interval while the host end is not connected. */
#define GUEST_PORT_RETRY_MS 10

int guest_port_read_frame(int fd, struct chan_frame *f, unsigned timeout_ms)
{
	uint64_t deadline = now_ns() + (uint64_t)timeout_ms * 1000000;
	struct chan_decoder *d = chan_decoder_new(0);
	uint8_t buf[65536];
	int err = 0;

	while (!chan_decoder_next(d, f)) {
		uint64_t now = now_ns();
		struct pollfd pfd = { .fd = fd, .events = POLLIN };
		size_t want;
		ssize_t n;
		int r;

		if (now >= deadline) {
			err = -ETIMEDOUT;
			break;
		}
		r = poll(&pfd, 1, (int)((deadline - now + 999999) / 1000000));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			err = -errno;
			break;
		}
		if (r == 0)
			continue;
		if (!(pfd.revents & POLLIN)) {
			if (pfd.revents & (POLLERR | POLLNVAL)) {
				err = -EIO;
				break;
			}
			sleep_ms(GUEST_PORT_RETRY_MS);
			continue;
		}
		want = MIN(chan_decoder_want(d), sizeof(buf));
		n = read(fd, buf, want);
		if (n < 0 && (errno == EINTR || errno == EAGAIN))
			continue;
		if (n < 0) {
			err = -errno;
			break;
		}
		if (n == 0) {
			sleep_ms(GUEST_PORT_RETRY_MS);
			continue;
		}
		chan_decoder_feed(d, buf, (size_t)n);
	}
	chan_decoder_free(d);
	return err;
}
