// SPDX-License-Identifier: GPL-2.0-only
/*
 * Accelerator choice. KVM is used only when it can run a stock kernel: /dev/kvm
 * must open, answer the KVM API, create a VM, and be backed by a hardware
 * virtualization module (kvm_intel / kvm_amd). The kvm_pvm module found on some
 * cloud machines also provides /dev/kvm, but it is a software hypervisor that
 * fails in the kernel's decompressor or hangs in early boot: it means TCG.
 */
#include <errno.h>
#include <fcntl.h>
#include <linux/kvm.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "util/util.h"
#include "vm/accel.h"

static bool accel_module_loaded(const char *sys_root, const char *mod)
{
	char *path = xasprintf("%s/module/%s", sys_root, mod);
	bool r = path_is_dir(path);

	free(path);
	return r;
}

/* Whether dev_kvm opens, speaks API 12 and creates a VM. */
static bool accel_kvm_usable(const char *dev_kvm)
{
	int fd = open(dev_kvm, O_RDWR | O_CLOEXEC);
	bool ok = false;

	if (fd < 0)
		return false;
	if (ioctl(fd, KVM_GET_API_VERSION, 0) == KVM_API_VERSION) {
		int vm = ioctl(fd, KVM_CREATE_VM, 0);

		if (vm >= 0) {
			ok = true;
			close(vm);
		}
	}
	close(fd);
	return ok;
}

int accel_decide(const char *sys_root, const char *dev_kvm, const char *env,
		 struct accel_choice *out, char **err)
{
	if (err)
		*err = NULL;
	if (env && *env) {
		if (!strcmp(env, "kvm")) {
			*out = (struct accel_choice){ ACCEL_KVM, "forced by KTSTR_ACCEL=kvm" };
			return 0;
		}
		if (!strcmp(env, "tcg")) {
			*out = (struct accel_choice){ ACCEL_TCG, "forced by KTSTR_ACCEL=tcg" };
			return 0;
		}
		if (err)
			*err = xasprintf("KTSTR_ACCEL='%s' is not an accelerator: use 'kvm' or "
					 "'tcg', or unset it to detect",
					 env);
		return -EINVAL;
	}
	if (accel_module_loaded(sys_root, "kvm_pvm")) {
		*out = (struct accel_choice){ ACCEL_TCG,
					      "/dev/kvm is kvm_pvm, a software hypervisor that "
					      "cannot run stock kernels; using TCG" };
		return 0;
	}
	if (access(dev_kvm, F_OK)) {
		*out = (struct accel_choice){ ACCEL_TCG, "no /dev/kvm; using TCG" };
		return 0;
	}
	if (!accel_module_loaded(sys_root, "kvm_intel") &&
	    !accel_module_loaded(sys_root, "kvm_amd")) {
		*out = (struct accel_choice){ ACCEL_TCG,
					      "/dev/kvm is not backed by kvm_intel or kvm_amd "
					      "(no hardware virtualization); using TCG" };
		return 0;
	}
	if (!accel_kvm_usable(dev_kvm)) {
		*out = (struct accel_choice){ ACCEL_TCG,
					      "/dev/kvm cannot be opened read-write or cannot "
					      "create a VM; using TCG" };
		return 0;
	}
	*out = (struct accel_choice){ ACCEL_KVM, "/dev/kvm is hardware virtualization" };
	return 0;
}

int accel_detect(struct accel_choice *out)
{
	static struct accel_choice cached;
	static int state; /* 0 unknown, 1 decided, <0 error */
	char *err = NULL;

	if (state == 0) {
		state = accel_decide("/sys", "/dev/kvm", getenv("KTSTR_ACCEL"), &cached, &err);
		if (state < 0) {
			log_err("%s", err);
			free(err);
		} else {
			state = 1;
			if (cached.kind == ACCEL_TCG && !getenv("KTSTR_ACCEL"))
				log_info("%s", cached.reason);
		}
	}
	if (state < 0)
		return state;
	*out = cached;
	return 0;
}
