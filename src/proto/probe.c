// SPDX-License-Identifier: GPL-2.0-only
/* Probe definitions and trace-line parsing for --auto-repro (probe.h). */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "proto/probe.h"
#include "util/util.h"

const char *const probe_stop_fns[] = { "scx_claim_exit", "scx_dump_state", NULL };

const char *const probe_fixed_fns[] = {
	"scx_claim_exit",	 "scx_dump_state",	  "select_task_rq_scx",
	"enqueue_task_scx",	 "scx_do_enqueue_task",	  "scx_dsq_insert_commit",
	"dispatch_to_local_dsq", "do_pick_task_scx",	  "scx_consume_dispatch_q",
	"ops_dequeue",		 "scx_watchdog_workfn",	  NULL,
};

#define TASK "pid=p->pid comm=p->comm:string"

/* Argument names as this kernel's BTF spells them (kernel/sched/ext.c). */
static const struct {
	const char *fn, *args;
} probe_known[] = {
	{ "scx_claim_exit", "kind=kind" },
	{ "scx_dump_state", "kind=ei->kind" },
	{ "scx_vexit", "kind=kind exit_code=exit_code exit_cpu=exit_cpu" },
	{ "scx_exit_bstr", "kind=kind exit_code=exit_code" },
	{ "scx_bpf_error_bstr", "fmt=fmt:string" },
	{ "scx_bpf_exit_bstr", "exit_code=exit_code fmt=fmt:string" },
	{ "select_task_rq_scx", TASK " prev_cpu=prev_cpu wake_flags=wake_flags:x32" },
	{ "enqueue_task_scx", "cpu=rq->cpu " TASK " enq_flags=core_enq_flags:x32" },
	{ "dequeue_task_scx", "cpu=rq->cpu " TASK " deq_flags=core_deq_flags:x32" },
	{ "scx_do_enqueue_task", "cpu=rq->cpu " TASK " enq_flags=enq_flags:x64 sticky_cpu=sticky_cpu" },
	{ "scx_dsq_insert_commit", TASK " dsq_id=dsq_id:x64 slice=slice enq_flags=enq_flags:x64" },
	{ "scx_dispatch_enqueue", "cpu=rq->cpu dsq_id=dsq->id:x64 " TASK " enq_flags=enq_flags:x64" },
	{ "dispatch_to_local_dsq",
	  "cpu=rq->cpu dsq_id=dst_dsq->id:x64 " TASK " enq_flags=enq_flags:x64" },
	{ "do_pick_task_scx", "cpu=rq->cpu" },
	{ "scx_consume_dispatch_q", "cpu=rq->cpu dsq_id=dsq->id:x64" },
	{ "ops_dequeue", "cpu=rq->cpu " TASK " deq_flags=deq_flags:x64" },
	{ "task_tick_scx", "cpu=rq->cpu pid=curr->pid comm=curr->comm:string" },
	{ "set_next_task_scx", "cpu=rq->cpu " TASK },
	{ "put_prev_task_scx", "cpu=rq->cpu " TASK },
	{ "scx_watchdog_workfn", NULL },
};

/* struct_ops callbacks and the kernel functions that call them. */
static const struct {
	const char *op, *caller;
} probe_ops[] = {
	{ "select_cpu", "select_task_rq_scx" }, { "enqueue", "scx_do_enqueue_task" },
	{ "dequeue", "ops_dequeue" },		{ "dispatch", "do_pick_task_scx" },
	{ "tick", "task_tick_scx" },		{ "runnable", "enqueue_task_scx" },
	{ "running", "set_next_task_scx" },	{ "stopping", "put_prev_task_scx" },
	{ "quiescent", "dequeue_task_scx" },
};

bool probe_name_ok(const char *s, size_t n)
{
	if (!n || n > PROBE_NAME_MAX || isdigit((unsigned char)s[0]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)s[i]) && s[i] != '_')
			return false;
	return true;
}

const char *probe_op_caller(const char *op, size_t n)
{
	for (size_t i = 0; i < ARRAY_SIZE(probe_ops); i++)
		if (strlen(probe_ops[i].op) == n && !memcmp(probe_ops[i].op, op, n))
			return probe_ops[i].caller;
	return NULL;
}

const char *probe_known_args(const char *fn)
{
	for (size_t i = 0; i < ARRAY_SIZE(probe_known); i++)
		if (!strcmp(probe_known[i].fn, fn))
			return probe_known[i].args ? probe_known[i].args : "";
	return NULL;
}

char *probe_def(const char *fn, bool btf_all)
{
	const char *args = probe_known_args(fn);

	if (!args)
		args = btf_all ? "$arg*" : "";
	return xasprintf("f:" PROBE_GROUP "/%s %s%s%s", fn, fn, *args ? " " : "", args);
}

/* Copy [s, s + n) into dst (size cap), control characters as '?'. */
static void copy_text(char *dst, size_t cap, const char *s, size_t n)
{
	n = MIN(n, cap - 1);
	memcpy(dst, s, n);
	dst[n] = '\0';
	str_printable(dst, n);
}

/* "[CPU] ": the CPU field after the task; its start or NULL. */
static const char *find_cpu(const char *p, const char *end)
{
	for (; p + 3 < end; p++) {
		const char *q = p + 2;

		if (p[0] != ' ' || p[1] != '[' || !isdigit((unsigned char)*q))
			continue;
		while (q < end && isdigit((unsigned char)*q))
			q++;
		if (q + 1 < end && q[0] == ']' && q[1] == ' ')
			return p;
	}
	return NULL;
}

int probe_parse_line(const char *line, size_t len, struct probe_hit *h)
{
	const char *end = line + len, *p = line, *cpu, *q, *fn, *fe;
	uint64_t sec = 0, frac = 0;
	unsigned digits = 0;

	memset(h, 0, sizeof(*h));
	while (p < end && *p == ' ')
		p++;
	if (p == end || *p == '#' || !(cpu = find_cpu(p, end)))
		return 0;
	copy_text(h->task, sizeof(h->task), p, (size_t)(cpu - p));
	for (size_t n = strlen(h->task); n && h->task[n - 1] == ' '; n--)
		h->task[n - 1] = '\0';
	q = cpu + 2;
	for (; *q != ']'; q++)
		h->cpu = h->cpu < 100000 ? h->cpu * 10 + (*q - '0') : h->cpu;
	q += 2;
	while (q < end && *q != ' ') /* flags */
		q++;
	while (q < end && *q == ' ')
		q++;
	if (q == end || !isdigit((unsigned char)*q))
		return 0;
	for (; q < end && isdigit((unsigned char)*q); q++)
		if (sec < UINT64_MAX / 100)
			sec = sec * 10 + (uint64_t)(*q - '0');
	if (q < end && *q == '.')
		for (q++; q < end && isdigit((unsigned char)*q); q++)
			if (digits < 9) {
				frac = frac * 10 + (uint64_t)(*q - '0');
				digits++;
			}
	for (; digits < 9; digits++)
		frac *= 10;
	if (sec > UINT64_MAX / 1000000000ull - 1)
		return 0;
	h->ts_ns = sec * 1000000000ull + frac;
	if (end - q < 2 || q[0] != ':' || q[1] != ' ')
		return 0;
	fn = q + 2;
	fe = memchr(fn, ':', (size_t)(end - fn));
	if (!fe || !probe_name_ok(fn, (size_t)(fe - fn)))
		return 0;
	/* ": (FUNC+0x..." names the same function as the event */
	q = fe + 1;
	if (end - q < 3 + (fe - fn) || q[0] != ' ' || q[1] != '(' ||
	    memcmp(q + 2, fn, (size_t)(fe - fn)) || q[2 + (fe - fn)] != '+')
		return 0;
	memcpy(h->func, fn, (size_t)(fe - fn));
	q = memchr(q, ')', (size_t)(end - q));
	if (!q)
		return 0;
	for (q++; q < end && *q == ' '; q++)
		;
	copy_text(h->args, sizeof(h->args), q, (size_t)(end - q));
	return 1;
}
