/* SPDX-License-Identifier: GPL-2.0-only */
/* Guest side of the channel: find the virtio-serial port by name, read host frames. */
#ifndef KTSTR_GUEST_PORT_H
#define KTSTR_GUEST_PORT_H

#include "proto/channel.h"

#define GUEST_PORT_NAME "org.ktstr.0"

/*
 * Open (O_RDWR) the virtio-serial port whose /sys/class/virtio-ports/<dev>/name
 * equals name, as /dev/<dev>. Returns the fd or -errno (-ENOENT: no such port).
 */
int guest_port_open(const char *name);
/* The same under another root ("/" normally; tests use a fake tree holding
 * sys/class/virtio-ports/<dev>/name and dev/<dev>). */
int guest_port_open_at(const char *root, const char *name);

/*
 * Read one good frame from the host (unknown, corrupt and oversized frames are
 * skipped) within timeout_ms. Reads exactly up to the end of that frame, so the
 * next call starts at the next one. While the host end is not connected (read
 * returns 0, or poll reports a hang-up) it waits and retries. Returns 0 with
 * *f filled (free with chan_frame_free), -ETIMEDOUT, or -errno; bytes of a frame
 * that was still incomplete at the timeout are discarded.
 */
int guest_port_read_frame(int fd, struct chan_frame *f, unsigned timeout_ms);

#endif
