/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What the host and the guest init agree on outside the channel's frames: the
 * guest's exit codes and the places of files in the guest's initramfs.
 */
#ifndef KTSTR_GUEST_ABI_H
#define KTSTR_GUEST_ABI_H

/*
 * Guest exit codes (the CHAN_EXIT payload):
 *	0        the body ran and passed           (GUEST_EXIT_PASS)
 *	1        the body ran and failed           (GUEST_EXIT_FAIL)
 *	2        the body asked to be skipped      (GUEST_EXIT_SKIP)
 *	3        init could not run the body       (GUEST_EXIT_INIT_ERROR)
 *	128 + N  the body was killed by signal N   (GUEST_EXIT_SIGNAL_BASE + N)
 */
#define GUEST_EXIT_PASS 0
#define GUEST_EXIT_FAIL 1
#define GUEST_EXIT_SKIP 2
#define GUEST_EXIT_INIT_ERROR 3
#define GUEST_EXIT_SIGNAL_BASE 128

/* The scheduler binary of the test, when it has one. */
#define GUEST_SCHEDULER "/scheduler"
/* The booted kernel's config. The guest init links /boot/config-<release> to it:
 * libbpf resolves a BPF program's __kconfig externs from that file. */
#define GUEST_KCONFIG "/ktstr/kconfig"
/* The test's include files and payload binaries, by basename. */
#define GUEST_INCLUDE_DIR "/include-files"

/* Guest path for an include spec: /include-files/<basename> (caller frees); NULL
 * if spec has no usable basename ("", "/", ".", ".."). */
char *guest_include_path(const char *spec);

#endif
