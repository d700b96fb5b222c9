// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM templates (docs/snapshots.md), run by test_snapshot.sh: an empty test, one
 * that must find a clean guest (no file another VM from the same template
 * wrote) and leaves its own mark and a random number in its log, and (with
 * scx_ktstr) one that writes its own value into the scheduler's BPF map from
 * the host and must read that value back while another VM restored from the
 * same template writes its own.
 */
#include <ktstr/ktstr.h>

#include <fcntl.h>
#include <stdint.h>
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

#ifdef SCX_KTSTR
KTSTR_SCHEDULER(snap_scx, .binary = SCX_KTSTR);

/* host_knob: written by the host into guest memory, copied by the scheduler's
 * ops.dispatch into host_knob_seen. */
KTSTR_TEST(snap_map, .scheduler = &snap_scx, .duration_s = 4)
{
	uint32_t mine = 0, knob = 1, seen = 0;
	int rc;

	if (getrandom(&mine, sizeof(mine), 0) != sizeof(mine))
		return ktstr_fail(ctx, KTSTR_OTHER, "getrandom failed");
	mine |= 1; /* never the initial 0 */
	rc = ktstr_bpf_map_read_u32(ctx, ".bss", "host_knob", 0, &knob);
	if (rc || knob)
		return ktstr_fail(ctx, KTSTR_ISOLATION, "host_knob read %d: %#x before any write",
				  rc, knob);
	rc = ktstr_bpf_map_write_u32(ctx, ".bss", "host_knob", 0, mine);
	if (rc)
		return ktstr_fail(ctx, KTSTR_OTHER, "host_knob write: %d", rc);
	ktstr_log(ctx, "knob %08x", mine);
	sleep(3); /* the other VM writes its own meanwhile */
	if (ktstr_bpf_map_read_u32(ctx, ".bss", "host_knob", 0, &knob) ||
	    ktstr_bpf_map_read_u32(ctx, ".bss", "host_knob_seen", 0, &seen))
		return ktstr_fail(ctx, KTSTR_OTHER, "host_knob read back failed");
	if (knob != mine || seen != mine)
		return ktstr_fail(ctx, KTSTR_ISOLATION,
				  "wrote %#x, read back host_knob %#x, the scheduler saw %#x", mine,
				  knob, seen);
	return KTSTR_PASS;
}
#endif
