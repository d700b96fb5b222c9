/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Scheduler supervision in the guest: start the sched_ext scheduler binary,
 * wait until the kernel runs it, watch it during the test, stop it at the end,
 * and say exactly what went wrong when it did:
 *
 *	SCHED_EXEC_FAILED    the binary could not be executed
 *	SCHED_LOAD_FAILED    it exited before attaching (BPF load / verifier
 *	                     failure: the verifier lines are in the reason)
 *	SCHED_NOT_ATTACHED   still running, but sched_ext never became enabled
 *	                     within the attach timeout
 *	SCHED_EXITED         it exited or was killed while the test ran
 *	SCHED_EJECTED        the kernel disabled it (watchdog stall,
 *	                     scx_bpf_error, ...): the reason comes from the
 *	                     kernel log ("sched_ext: ..." lines) and the
 *	                     scheduler's own output
 *
 * The scheduler's stdout and stderr go to a log file whose tail is part of
 * every failure report. The caller must not ignore SIGCHLD (the exit status
 * is what tells a load failure from a crash) and must not reap the
 * scheduler's pid itself.
 */
#ifndef KTSTR_GUEST_SCHED_H
#define KTSTR_GUEST_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>

#include "core/result.h"
#include "util/util.h"

#define SCHED_SYSFS "/sys/kernel/sched_ext"
#define SCHED_ATTACH_TIMEOUT_MS 30000 /* generous: TCG on a loaded host loads BPF slowly */
#define SCHED_STOP_TIMEOUT_MS 3000
#define SCHED_LOG_TAIL_LINES 40   /* the scheduler log sent to the host */
#define SCHED_DETAIL_TAIL_LINES 10 /* the log lines a failure detail quotes */
#define SCHED_VERIFIER_LINES 20

enum sched_state {
	SCHED_IDLE = 0,     /* not started */
	SCHED_RUNNING,      /* attached and enabled */
	SCHED_STOPPED,      /* stopped on request at the end */
	SCHED_EXEC_FAILED,
	SCHED_LOAD_FAILED,
	SCHED_NOT_ATTACHED,
	SCHED_EXITED,
	SCHED_EJECTED,
};

struct sched_opts {
	const char *name;          /* scheduler name for messages */
	const char *path;          /* binary, e.g. "/scheduler" */
	char *const *args;         /* arguments after argv[0], NULL-terminated (may be NULL) */
	const char *log_path;      /* stdout+stderr of the scheduler */
	const char *cgroup_parent; /* created under cgroup_fs before the start (may be NULL) */
	const char *cgroup_fs;     /* default "/sys/fs/cgroup" */
	const char *sysfs;         /* default SCHED_SYSFS */
	const char *kmsg;          /* kernel log device, default "/dev/kmsg" */
	unsigned attach_timeout_ms; /* default SCHED_ATTACH_TIMEOUT_MS */
};

struct sched_proc {
	char *name, *path, *log_path, *sysfs;
	pid_t pid;                 /* 0 when not running */
	enum sched_state state;
	int wait_status;           /* valid once the process was reaped */
	bool reaped;
	uint64_t start_ns, attach_ns, end_ns;
	char *ops;                 /* root/ops once attached */
	char *reason;              /* why it failed, one paragraph */
	int kmsg_fd;               /* -1 if the kernel log is unreadable */
	struct strbuf kmsg;        /* "sched_ext:" kernel lines seen since the start */
};

/*
 * Start the scheduler and wait until /sys/kernel/sched_ext/state is "enabled"
 * and root/ops names an ops. 0 when running (sp->state == SCHED_RUNNING);
 * otherwise a negative errno, sp->state says which failure and sp->reason
 * why (a scheduler that never attached is killed). Free sp with sched_free
 * in every case.
 */
int sched_start(struct sched_proc *sp, const struct sched_opts *o);

/*
 * Check a running scheduler (between steps, at the end). 0 while it runs and
 * sched_ext is enabled; -ESRCH when it exited or -ENODEV when the kernel
 * ejected it, with sp->state and sp->reason set. Idempotent after a failure.
 */
int sched_poll(struct sched_proc *sp);

/*
 * Stop a running scheduler: SIGINT, wait up to timeout_ms, then SIGKILL. A
 * scheduler found dead or ejected first keeps that failure (returned as by
 * sched_poll); a clean stop is 0 and SCHED_STOPPED.
 */
int sched_stop(struct sched_proc *sp, unsigned timeout_ms);

/* True for the failure states. */
bool sched_failed(const struct sched_proc *sp);
/* "running", "exec-failed", "load-failed", "not-attached", "exited", "ejected", ... */
const char *sched_state_name(enum sched_state s);

/* The failure: the reason plus the last SCHED_DETAIL_TAIL_LINES of the log
 * (a load failure's reason already quotes the verifier instead); caller
 * frees; NULL if sp did not fail. */
char *sched_failure_text(const struct sched_proc *sp);
/* Add a KTSTR_SCHED_DIED detail with sched_failure_text if sp failed. */
void sched_report(const struct sched_proc *sp, struct ktstr_result *r);
/* For testrun_spec.sched_check: arg is the struct sched_proc *; polls it and
 * returns sched_failure_text (NULL while it runs). */
char *sched_check_hook(void *arg);

/* CHAN_SCHED frame payload (format in proto/sched_event.h; caller frees). */
char *sched_event_json(const struct sched_proc *sp);
/* Send sched_event_json as a CHAN_SCHED frame on fd. 0 or -errno. */
int sched_send_event(int fd, const struct sched_proc *sp);

/* Last max_lines lines of the scheduler's log ("" if none; caller frees). */
char *sched_log_tail(const struct sched_proc *sp, unsigned max_lines);

void sched_free(struct sched_proc *sp);

/*
 * Liveness check usable from any process that knows the scheduler's pid (a
 * test body between steps): 0 if pid is alive (not a zombie) and sched_ext
 * is enabled; -ESRCH / -ENODEV with *why (caller frees) otherwise.
 */
int sched_check_pid(pid_t pid, const char *sysfs, char **why);

/* ---- pure helpers (unit tested) ---- */

/*
 * The verifier's complaint in a loader log: the last max_lines lines of the
 * last libbpf "-- BEGIN PROG LOAD LOG --" block plus the libbpf/loader
 * lines saying what failed to load. NULL when the log has neither.
 */
char *sched_verifier_excerpt(const char *log, unsigned max_lines);

/*
 * For the verifier's statistics (orders.verifier_stats): the lines of every
 * libbpf "-- BEGIN PROG LOAD LOG --" ... "-- END PROG LOAD LOG --" block and
 * each "BPF program load failed" line of the scheduler's log, at most max
 * bytes (whole lines, the first ones). NULL when there are none.
 */
char *sched_verifier_blocks(const struct sched_proc *sp, size_t max);

/*
 * The ejection reason from "sched_ext:" kernel lines (one per line, printk
 * prefix stripped): the reason in 'BPF scheduler "X" disabled (REASON)' and
 * the message line "sched_ext: X: MSG" after it, as "REASON: MSG". NULL if
 * there is no disable line, *normal set when it is a plain unregistration.
 */
char *sched_kmsg_reason(const char *lines, bool *normal);

/* Text of one /dev/kmsg line ("6,123,456,-;msg") without its prefix: a new
 * string, or NULL for a continuation line (" KEY=v") or a malformed one. */
char *sched_kmsg_line_text(const char *line, size_t len);

#endif
