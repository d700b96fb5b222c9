/* SPDX-License-Identifier: GPL-2.0-only */
/* The QEMU accelerators, by name and speed; vm/accel.h picks one for this host. */
#ifndef KTSTR_ACCEL_KIND_H
#define KTSTR_ACCEL_KIND_H

enum accel_kind {
	ACCEL_TCG = 0,
	ACCEL_KVM = 1,
};

const char *accel_name(enum accel_kind kind); /* "kvm" / "tcg" */
/*
 * How much slower than hardware time-based thresholds should allow: 1 on KVM,
 * 10 on TCG. TCG runs guest code 5-50x slower than hardware on these hosts
 * (2 cores shared by several VMs); 10 is the middle of that range and is what
 * time thresholds (gaps, latencies, timeouts) are multiplied by. Shown in output.
 */
double accel_time_scale(enum accel_kind kind);

#endif
