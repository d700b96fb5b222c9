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
/* The decision itself, without caching or logging: sys_root is "/sys", dev_kvm
 * "/dev/kvm", env the value of KTSTR_ACCEL (NULL if unset). On a bad env value
 * returns -EINVAL and *err (allocated) says what is accepted. For tests. */
int accel_decide(const char *sys_root, const char *dev_kvm, const char *env,
		 struct accel_choice *out, char **err);
const char *accel_name(enum accel_kind kind); /* "kvm" / "tcg" */
/*
 * How much slower than hardware time-based thresholds should allow: 1 on KVM,
 * 10 on TCG. TCG runs guest code 5-50x slower than hardware on these hosts
 * (2 cores shared by several VMs); 10 is the middle of that range and is what
 * time thresholds (gaps, latencies, timeouts) are multiplied by. Shown in output.
 */
double accel_time_scale(enum accel_kind kind);

#endif
