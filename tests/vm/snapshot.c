// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM templates (docs/snapshots.md), run by test_snapshot.sh: an empty test, and one
 * that must find a clean guest (no file another VM from the same template
 * wrote) and leaves its own mark and a random number in its log.
 */
#include <ktstr/ktstr.h>

#include <fcntl.h>
#include <stdio.h>
#include <sys/random.h>
#include <unistd.h>

#define SNAP_MARK "/tmp/ktstr-snapshot-mark"

KTSTR_TEST(snap_empty)
{
	return KTSTR_PASS;
}

/* Sleeps so that two VMs run at the same time. */
KTSTR_TEST(snap_isolated)
{
	unsigned long long r = 0;
	char buf[32];
	int fd;

	if (access(SNAP_MARK, F_OK) == 0)
		return ktstr_fail(ctx, KTSTR_ISOLATION, "%s exists: another VM's write", SNAP_MARK);
	if (getrandom(&r, sizeof(r), 0) != sizeof(r))
		return ktstr_fail(ctx, KTSTR_OTHER, "getrandom failed");
	fd = open(SNAP_MARK, O_WRONLY | O_CREAT | O_EXCL, 0644);
	if (fd < 0 || write(fd, "x", 1) != 1)
		return ktstr_fail(ctx, KTSTR_OTHER, "cannot write %s", SNAP_MARK);
	close(fd);
	snprintf(buf, sizeof(buf), "%016llx", r);
	ktstr_log(ctx, "random %s", buf);
	sleep(2);
	if (access(SNAP_MARK, F_OK) != 0)
		return ktstr_fail(ctx, KTSTR_OTHER, "%s vanished", SNAP_MARK);
	return KTSTR_PASS;
}
