/* SPDX-License-Identifier: GPL-2.0-only */
/* Types shared by the scx_ktstr BPF program and its loader. */
#ifndef SCX_KTSTR_H
#define SCX_KTSTR_H

#define KTSTR_MAX_CPUS 512
#define KTSTR_MAX_LLCS 64
#define KTSTR_REASON_LEN 128
#define KTSTR_MSG_LEN 1024

/* Read-only configuration, section .rodata.cfg, written by the loader before load. */
struct ktstr_cfg {
	__u64 stall_after_ns;   /* 0 = never: stop dispatching user tasks after this */
	__u64 error_after_ns;   /* 0 = never: scx_bpf_error() after this */
	__u32 fail_verify;      /* take a path the verifier rejects */
	__u32 slow_dispatch_us; /* busy-wait this long in every ops.dispatch */
	__u32 pile_on;          /* wrong on purpose: every task to CPU 0's local DSQ */
	__u32 nr_cpus;
	__u32 nr_llcs;
	__u32 cpu_llc[KTSTR_MAX_CPUS]; /* LLC index of each CPU */
};

/* Exit info recorded by ops.exit, section .data.uei, read by the loader. */
struct ktstr_uei {
	__s32 kind; /* enum scx_exit_kind; 0 while running */
	__s32 pad;
	__s64 exit_code;
	char reason[KTSTR_REASON_LEN];
	char msg[KTSTR_MSG_LEN];
};

#endif
