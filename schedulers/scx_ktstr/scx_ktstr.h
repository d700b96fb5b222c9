/* SPDX-License-Identifier: GPL-2.0-only */
/* Types shared by the scx_ktstr BPF program and its loader. */
#ifndef SCX_KTSTR_H
#define SCX_KTSTR_H

#define KTSTR_MAX_CPUS 512
#define KTSTR_MAX_LLCS 64
#define KTSTR_REASON_LEN 128
#define KTSTR_MSG_LEN 1024
#define KTSTR_CGROUP_LEN 32 /* a cgroup name to match, NUL included */

/* SCX_OPS_ENQ_LAST (enum scx_ops_flags): ops.enqueue also sees a CPU's last runnable task. */
#define KTSTR_OPS_ENQ_LAST 2

/* --policy: how runnable tasks are queued and picked. */
enum scx_ktstr_policy {
	SCX_KTSTR_POLICY_KTSTR, /* vtime; wake-ups to the LLC's DSQ, the rest to a global one */
	SCX_KTSTR_POLICY_FIFO,  /* one shared FIFO */
	SCX_KTSTR_POLICY_VTIME, /* one shared DSQ in weighted vtime order */
	SCX_KTSTR_POLICY_LLC,   /* one vtime DSQ per LLC, stealing when the own one is empty */
};

/* Read-only configuration, section .rodata.cfg, written by the loader before load. */
struct ktstr_cfg {
	__u64 stall_after_ns;   /* 0 = never: stop dispatching user tasks after this */
	__u64 error_after_ns;   /* 0 = never: scx_bpf_error() after this */
	__u64 starve_ns;        /* held window of --starve-cgroup (the period is twice this) */
	__u64 wake_delay_ns;    /* 0 = off: hold every user task's wake-up this long */
	__u32 policy;           /* enum scx_ktstr_policy */
	__u32 unfair_factor;    /* --unfair-cgroup tasks are charged 1/this of their runtime */
	__u32 fail_verify;      /* take a path the verifier rejects */
	__u32 slow_dispatch_us; /* busy-wait this long in every ops.dispatch */
	__u32 pile_on;          /* wrong on purpose: every task to CPU 0's local DSQ */
	__u32 nr_cpus;
	__u32 nr_llcs;
	char starve_cgroup[KTSTR_CGROUP_LEN]; /* "" = off */
	char unfair_cgroup[KTSTR_CGROUP_LEN]; /* "" = off */
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
