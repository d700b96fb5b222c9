/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Probes on the sched_ext failure path (--auto-repro): tracefs fprobe events
 * ("f:" lines in dynamic_events) on kernel functions, their arguments fetched
 * by BTF name (CONFIG_FPROBE_EVENTS, CONFIG_PROBE_EVENTS_BTF_ARGS). The host
 * chooses the functions and sends them in the orders; the guest defines one
 * event per function, named after it, in the group PROBE_GROUP, gives each its
 * own trace instance (a ring holding its latest hits) that the first hit of a
 * stop function turns off, and sends the rings' tails back as CHAN_FILE
 * PROBE_FILE. The host parses those trace lines: untrusted text.
 */
#ifndef KTSTR_PROBE_H
#define KTSTR_PROBE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PROBE_GROUP "ktstr_repro"
#define PROBE_FILE "probes"
#define PROBE_MAX 24          /* functions one run probes */
#define PROBE_NAME_MAX 63     /* a function (and event) name */
#define PROBE_KEEP 16         /* latest hits per function the guest sends */
#define PROBE_TEXT_MAX (128u << 10)
#define PROBE_ARGS_MAX 239

/* The functions whose first hit turns every probe's ring off: sched_ext
 * claiming the scheduler's exit (an error, a stall, an unload) and its debug
 * dump (also what the host asks for when a monitor check fails).
 * NULL-terminated. */
extern const char *const probe_stop_fns[];
/* Functions on the sched_ext path probed in every rerun. NULL-terminated. */
extern const char *const probe_fixed_fns[];

/* A C identifier of 1..PROBE_NAME_MAX characters (s need not be terminated). */
bool probe_name_ok(const char *s, size_t n);
/* The kernel-side caller of a struct_ops callback ("enqueue" ->
 * "scx_do_enqueue_task"), or NULL. */
const char *probe_op_caller(const char *op, size_t n);
/*
 * The dynamic_events line for fn with its argument list: "f:GROUP/FN FN ARGS".
 * ARGS: the fetch arguments known for fn (task pid/comm, cpu, dsq id, flags),
 * else "$arg*" (every argument, typed by BTF) when btf_all, else none.
 */
char *probe_def(const char *fn, bool btf_all);
/* The arguments probe_def uses for fn when it knows them, else NULL. */
const char *probe_known_args(const char *fn);

struct probe_hit {
	char func[PROBE_NAME_MAX + 1];
	char task[40];            /* "comm-pid" of the task on the CPU */
	int cpu;
	uint64_t ts_ns;           /* trace clock */
	char args[PROBE_ARGS_MAX + 1]; /* "name=value ..." as the kernel printed them */
};

/*
 * One line of a trace instance:
 *   "  TASK-PID [CPU] FLAGS SEC.USEC: EVENT: (FUNC+0xOFF/0xLEN) ARGS"
 * 1 and *h filled when it is a probe hit (EVENT == FUNC, a valid name),
 * 0 otherwise. Control characters in the task and args become '?'.
 */
int probe_parse_line(const char *line, size_t len, struct probe_hit *h);

#endif
