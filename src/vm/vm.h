/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run one VM under QEMU and collect what it produced. The launcher owns the
 * QEMU process: its own process group, killed on timeout, on harness error and
 * on SIGINT/SIGTERM of the harness (and by PR_SET_PDEATHSIG if the harness
 * dies); nothing is left running when vm_run returns.
 */
#ifndef KTSTR_VM_H
#define KTSTR_VM_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "core/topo.h"
#include "proto/channel.h"
#include "vm/accel.h"

#define VM_DEFAULT_MEMORY_MB 512
#define VM_MIN_NODE_MEMORY_MB 64

/* How a VM starts: booted, or restored from a template (vm/snapshot.h). */
enum vm_start {
	VM_START_BOOT,     /* cold boot */
	VM_START_TEMPLATE, /* boot to the guest's "orders" stage, save the device state
			    * into template_dir (RAM files stay there, shared), quit */
	VM_START_RESTORE,  /* restore from template_dir: private copy-on-write RAM */
};

/* Files of a template directory (besides ram-nodeN). */
#define VM_TEMPLATE_STATE "state"   /* QEMU device state (x-ignore-shared) */
#define VM_TEMPLATE_FRAMES "frames" /* channel bytes the guest sent before the save */

struct vm_spec {
	const struct ktstr_topology *topo;
	unsigned memory_mb;          /* total; split evenly over NUMA nodes (0 = default) */
	const char *kernel;          /* bzImage */
	const char *initramfs;       /* newc cpio */
	const char *cmdline;         /* extra words appended to the base command line */
	struct accel_choice accel;
	unsigned timeout_s;          /* wall limit for the whole VM (0 = none: interactive only) */
	const char *work_dir;        /* scratch dir: console.log, qemu.log, socket, RAM files */
	/* Sent as one CHAN_ORDERS frame as soon as the guest's CHAN_HELLO arrives;
	 * NULL sends an empty one (the guest init then has nothing to run). */
	const void *orders;
	size_t orders_len;
	/* Called for every good frame, in order, on the launcher's thread. */
	void (*on_frame)(void *arg, const struct chan_frame *f);
	/* Called after on_frame for a frame the guest waits an answer to: return
	 * the reply's type and set *payload (allocated, taken) and *len, or return
	 * 0 for no reply. Same thread. */
	uint16_t (*answer)(void *arg, const struct chan_frame *f, void **payload, uint32_t *len);
	/* Called at every turn of the launcher's loop (at least every 100 ms)
	 * while the guest is connected, same thread: a frame to send on the
	 * host's own initiative, returned as answer returns one. */
	uint16_t (*tick)(void *arg, void **payload, uint32_t *len);
	/* Called once QEMU runs (exec'd, not yet reaped: pid is this VM's), on the
	 * launcher's thread, before any frame. */
	void (*on_spawn)(void *arg, pid_t pid);
	void *arg;
	bool interactive;            /* console on the terminal (ktstr shell) */
	bool keep_ram;               /* keep <work_dir>/ram-nodeN after the VM ends */
	enum vm_start start;
	const char *template_dir;    /* TEMPLATE / RESTORE: the template's files */
};

struct vm_result {
	int qemu_status;             /* waitpid status */
	bool timed_out;
	bool got_hello, got_exit;
	int guest_exit;              /* from CHAN_EXIT */
	double hello_s;              /* launch -> CHAN_HELLO */
	double wall_s;
	bool panicked, oopsed;
	char *panic_line;            /* first "Kernel panic" / oops / BUG line */
	char *scx_disabled_line;     /* "sched_ext: BPF scheduler ... disabled" + the reason line */
	char *console_log;           /* path of the full console log */
	char *console_tail;          /* last 20 lines */
	struct chan_decoder_stats chan;
	size_t chan_truncated;       /* bytes left in the decoder at EOF */
	char *error;                 /* harness-side failure (spawn, socket, timeout, ...) */
	char last_stage[64];         /* last CHAN_STAGE the guest reached ("" if none) */
	bool restored;               /* RESTORE: the VM ran from the template */
	bool restore_failed;         /* RESTORE: it could not (error says why); the guest
				      * sent nothing, a cold boot may follow */
	double restore_s;            /* RESTORE: launch -> running (after cont) */
	bool saved;                  /* TEMPLATE: state and frames are in template_dir */
};

/*
 * Returns 0 when QEMU ran and exited (whatever the guest did: look at the
 * result), or -errno when the harness could not run it or had to kill it
 * (res->error says why; on timeout res->timed_out is set and the error is
 * "timed out after N s" followed by the last console lines).
 */
int vm_run(const struct vm_spec *spec, struct vm_result *res);
void vm_result_free(struct vm_result *res);
/* Whether TCG runs a host thread per vCPU (KTSTR_TCG_THREAD=multi) rather
 * than every vCPU on one (the default). */
bool vm_tcg_multi(void);
/* Host threads a VM of vcpus keeps busy: one per vCPU under KVM and
 * multi-threaded TCG, one under single-threaded TCG. At least 1. */
unsigned vm_host_threads(enum accel_kind kind, bool tcg_multi, unsigned vcpus);
/* The base kernel command line every VM gets (console, panic, nokaslr...). */
const char *vm_base_cmdline(void);
/* The QEMU argv vm_run uses, NULL-terminated (free with strv_free). chan_path
 * is the unix socket QEMU connects to, qmp_path its QMP socket (NULL: none; a
 * template build and a restore need one). NULL and *err on a bad spec. */
char **vm_qemu_argv(const struct vm_spec *spec, const char *chan_path, const char *qmp_path,
		    char **err);
/* One-line verdict of a finished VM for humans: NULL if the guest exited 0 with
 * a clean channel, else an allocated description (timeout, panic, no hello,
 * exit code, corrupt channel data...). */
char *vm_result_problem(const struct vm_result *res);

#endif
