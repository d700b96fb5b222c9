// SPDX-License-Identifier: GPL-2.0-only
#include "core/accel_kind.h"

const char *accel_name(enum accel_kind kind)
{
	return kind == ACCEL_KVM ? "kvm" : "tcg";
}

double accel_time_scale(enum accel_kind kind)
{
	return kind == ACCEL_KVM ? 1.0 : 10.0;
}
