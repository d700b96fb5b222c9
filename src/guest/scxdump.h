/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The kernel's sched_ext debug dump, for any scheduler: when sched_ext
 * disables a BPF scheduler on an error (a stall caught by the watchdog,
 * scx_bpf_error, ...) it dumps its state (the exit reason and backtrace, every
 * CPU's runqueue and DSQs, the tasks on them, event counters) through the
 * sched_ext_dump tracepoint. Guest init enables that tracepoint before the
 * scheduler starts and sends what it recorded to the host after the
 * scheduler stopped (CHAN_FILE "sched_ext_dump"); a clean unload dumps nothing.
 * The host can also ask for a dump mid-run (CHAN_SCXDUMP, when its monitor
 * sees a check fail).
 */
#ifndef KTSTR_SCXDUMP_H
#define KTSTR_SCXDUMP_H

#include <stddef.h>

#define SCXDUMP_FILE "sched_ext_dump"
#define SCXDUMP_MAX (256u << 10)

/* Enable the tracepoint in a trace instance of ktstr's own under tracefs root
 * (normally /sys/kernel/tracing): 0 or -errno. */
int scxdump_enable(const char *tracefs);
/*
 * The dump lines of a trace buffer's text ("... : sched_ext_dump: LINE"),
 * other events dropped, at most max bytes. NULL when it holds no dump.
 */
char *scxdump_extract(const char *trace, size_t len, size_t max);
/* Have the kernel dump now (SysRq-D through <procfs>/sysrq-trigger, which
 * the kernel.sysrq mask does not restrict): 0 or -errno. The dump lands in
 * the trace instance like an ejection's. */
int scxdump_trigger(const char *procfs);
/* The dump recorded so far under tracefs root, or NULL. */
char *scxdump_collect(const char *tracefs);

#endif
