/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The guest's PID 1. The ktstr binary (or a test binary) is /init in the
 * initramfs; when it runs as PID 1 its main() calls guest_init_main().
 *
 * Test-only faults, chosen by a kernel command-line word the host adds
 * (`ktstr.fault=...`), let VM tests check that the host survives a guest that
 *   panic    exits PID 1 right after the mounts (the kernel panics),
 *   hang     stops after saying hello and never powers off,
 *   garbage  writes random bytes and malformed frames to the channel first.
 */
#ifndef KTSTR_GUEST_INIT_H
#define KTSTR_GUEST_INIT_H

/* Never returns when it is PID 1: it powers the VM off. */
int guest_init_main(int argc, char **argv);

#endif
