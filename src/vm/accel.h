/* SPDX-License-Identifier: GPL-2.0-only */
/* Which QEMU accelerator to use, and why. */
#ifndef KTSTR_ACCEL_H
#define KTSTR_ACCEL_H

enum accel_kind {
	ACCEL_TCG = 0,
	ACCEL_KVM = 1,
};

struct accel_choice {
	enum accel_kind kind;
	const char *reason; /* static text, e.g. "/dev/kvm is kvm_pvm (software), using TCG" */
};

/* KTSTR_ACCEL=kvm|tcg forces; otherwise KVM only when /dev/kvm opens and is real
 * hardware virtualization. Detected once per process; says why once on stderr when
 * falling back. Returns 0, or -EINVAL for a bad KTSTR_ACCEL (message logged). */
int accel_detect(struct accel_choice *out);
const char *accel_name(enum accel_kind kind); /* "kvm" / "tcg" */
/* How much slower than hardware time-based thresholds should allow (1 on KVM). */
double accel_time_scale(enum accel_kind kind);

#endif
