/* SPDX-License-Identifier: GPL-2.0-only */
/* Which QEMU accelerator to use, and why. */
#ifndef KTSTR_ACCEL_H
#define KTSTR_ACCEL_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include "core/accel_kind.h"

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
#endif
