// SPDX-License-Identifier: GPL-2.0-only
/* The --trace file as a Chrome JSON trace (see tracejson.h). */
#include "runner/tracejson.h"
#include "util/json.h"
#include "util/util.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#define PID_CPUS 1
#define PID_KTSTR 2
#define TID_STEPS 1
#define TID_MARKS 2
#define BODY_MARK "body"
#define BODY_END_MARK "body-end"
#define STEP_PREFIX "step "

/* The task running on one CPU since start_ns (valid once a switch was seen). */
struct cpu_run {
	bool seen;      /* named in an event: the CPU gets a track */
	bool valid;
	int32_t pid;
	char comm[TRACEFS_COMM_LEN];
	uint64_t start_ns;
};

struct tj {
	struct strbuf out;
	bool first;                 /* no event written yet */
	struct cpu_run *cpus;
	unsigned ncpus;             /* highest CPU seen + 1 */
	uint64_t first_ns, last_ns;
	bool have_ts;
	bool step_open;
	uint64_t step_ns;
	char step[64];
	bool have_body, have_end, have_dump;
	uint64_t body_ns, end_ns, dump_ns;
	struct tracejson_stats *st;
};

/* Opens one event object: {"ph":..,"pid":..,"tid":..,"ts":.. — the caller
 * adds members and closes it. */
static void ev_open(struct tj *t, const char *ph, int pid, unsigned tid, uint64_t ns)
{
	sb_append(&t->out, t->first ? "\n" : ",\n");
	t->first = false;
	sb_printf(&t->out, "{\"ph\":\"%s\",\"pid\":%d,\"tid\":%u,\"ts\":%" PRIu64 ".%03u", ph,
		  pid, tid, ns / 1000, (unsigned)(ns % 1000));
}

static void ev_name(struct tj *t, const char *prefix, const char *s, size_t n)
{
	struct strbuf name = { 0 };

	sb_append(&name, prefix);
	sb_appendn(&name, s, n);
	sb_append(&t->out, ",\"name\":");
	json_append_str(&t->out, name.buf, name.len);
	sb_free(&name);
}

/* A metadata event naming a process (tid 0) or a thread. */
static void meta(struct tj *t, const char *what, int pid, unsigned tid, const char *name)
{
	ev_open(t, "M", pid, tid, 0);
	sb_printf(&t->out, ",\"name\":\"%s\",\"args\":{\"name\":", what);
	json_append_str(&t->out, name, strlen(name));
	sb_append(&t->out, "}}");
}

/* Room for cpu, marked seen: only seen CPUs get a track, so that one line
 * naming CPU 4095 costs one track and not 4096. */
static void cpu_seen(struct tj *t, unsigned cpu)
{
	if (cpu >= t->ncpus) {
		t->cpus = xrealloc(t->cpus, (cpu + 1) * sizeof(*t->cpus));
		memset(t->cpus + t->ncpus, 0, (cpu + 1 - t->ncpus) * sizeof(*t->cpus));
		t->ncpus = cpu + 1;
	}
	t->cpus[cpu].seen = true;
}

/* The slice of the task that ran on cpu until end_ns; idle (pid 0) has none. */
static void run_close(struct tj *t, unsigned cpu, uint64_t end_ns, const char *state)
{
	struct cpu_run *r = &t->cpus[cpu];
	char name[TRACEFS_COMM_LEN + 16];
	int n;

	if (!r->valid || !r->pid || end_ns < r->start_ns)
		return;
	ev_open(t, "X", PID_CPUS, cpu, r->start_ns);
	n = snprintf(name, sizeof(name), "%s %d", r->comm, (int)r->pid);
	ev_name(t, "", name, (size_t)n);
	sb_printf(&t->out, ",\"dur\":%" PRIu64 ".%03u,\"args\":{\"pid\":%d",
		  (end_ns - r->start_ns) / 1000, (unsigned)((end_ns - r->start_ns) % 1000),
		  (int)r->pid);
	if (state && *state) {
		sb_append(&t->out, ",\"end_state\":");
		json_append_str(&t->out, state, strlen(state));
	}
	sb_append(&t->out, "}}");
	t->st->slices++;
}

static void on_switch(struct tj *t, const struct tracefs_event *e)
{
	struct cpu_run *r = &t->cpus[e->cpu];

	run_close(t, e->cpu, e->ts_ns, e->prev_state);
	r->valid = true;
	r->pid = e->next_pid;
	memcpy(r->comm, e->next_comm, sizeof(r->comm));
	r->start_ns = e->ts_ns;
}

/* An instant on a CPU track: "prefix comm" with the task's pid, or the
 * event's name with its text. */
static void on_instant(struct tj *t, const struct tracefs_event *e)
{
	unsigned cpu = e->cpu;
	const char *prefix = e->kind == TRACEFS_WAKEUP ? "wakeup " : "migrate ";

	if (e->kind == TRACEFS_WAKEUP || e->kind == TRACEFS_MIGRATE) {
		cpu = (unsigned)e->target_cpu;
		cpu_seen(t, cpu);
		ev_open(t, "i", PID_CPUS, cpu, e->ts_ns);
		ev_name(t, prefix, e->comm, strlen(e->comm));
		sb_printf(&t->out, ",\"s\":\"t\",\"args\":{\"pid\":%d,\"from_cpu\":%u", (int)e->pid,
			  e->kind == TRACEFS_MIGRATE ? (unsigned)e->orig_cpu : e->cpu);
		sb_append(&t->out, "}}");
		return;
	}
	ev_open(t, "i", PID_CPUS, cpu, e->ts_ns);
	ev_name(t, "", e->event, strlen(e->event));
	sb_append(&t->out, ",\"s\":\"t\",\"args\":{\"text\":");
	json_append_str(&t->out, e->text, e->text_len);
	sb_append(&t->out, "}}");
}

static void step_close(struct tj *t, uint64_t end_ns)
{
	if (!t->step_open || end_ns < t->step_ns)
		return;
	ev_open(t, "X", PID_KTSTR, TID_STEPS, t->step_ns);
	ev_name(t, "", t->step, strlen(t->step));
	sb_printf(&t->out, ",\"dur\":%" PRIu64 ".%03u}", (end_ns - t->step_ns) / 1000,
		  (unsigned)((end_ns - t->step_ns) % 1000));
	t->step_open = false;
	t->st->steps++;
}

static bool label_is(const struct tracefs_event *e, const char *label)
{
	size_t n = e->text_len;

	while (n && (e->text[n - 1] == ' ' || e->text[n - 1] == '\n'))
		n--;
	return n == strlen(label) && !memcmp(e->text, label, n);
}

/* A marker: an instant on "marks"; a step opens a slice on "steps". */
static void on_mark(struct tj *t, const struct tracefs_event *e)
{
	size_t n = MIN(e->text_len, sizeof(t->step) - 1), plen = strlen(STEP_PREFIX);

	ev_open(t, "i", PID_KTSTR, TID_MARKS, e->ts_ns);
	ev_name(t, "", e->text, e->text_len);
	sb_append(&t->out, ",\"s\":\"p\"}");
	if (label_is(e, BODY_MARK) && !t->have_body) {
		t->have_body = true;
		t->body_ns = e->ts_ns;
	}
	if (label_is(e, BODY_END_MARK)) {
		t->have_end = true;
		t->end_ns = e->ts_ns;
		step_close(t, e->ts_ns);
	}
	if (e->text_len > plen && !memcmp(e->text, STEP_PREFIX, plen)) {
		step_close(t, e->ts_ns);
		memcpy(t->step, e->text, n);
		t->step[n] = 0;
		str_printable(t->step, n);
		t->step_open = true;
		t->step_ns = e->ts_ns;
	}
}

static void on_event(struct tj *t, const struct tracefs_event *e)
{
	if (!t->have_ts)
		t->first_ns = e->ts_ns;
	t->have_ts = true;
	t->last_ns = MAX(t->last_ns, e->ts_ns);
	t->st->events++;
	cpu_seen(t, e->cpu);
	switch (e->kind) {
	case TRACEFS_SWITCH:
		on_switch(t, e);
		break;
	case TRACEFS_MARK:
		on_mark(t, e);
		break;
	default:
		/* where sched_ext gave the scheduler up */
		if ((!strcmp(e->event, "sched_ext_exit") || !strcmp(e->event, "sched_ext_dump")) &&
		    !t->have_dump) {
			t->have_dump = true;
			t->dump_ns = e->ts_ns;
		}
		on_instant(t, e);
		break;
	}
}

static void parse_text(struct tj *t, const char *text, size_t len)
{
	const char *p = text, *end = text + len;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = (size_t)((nl ? nl : end) - p);
		struct tracefs_event e;
		int r = tracefs_parse_info(p, n, &t->st->loss);

		if (!r && (r = tracefs_parse_line(p, n, &e)) > 0)
			on_event(t, &e);
		if (r < 0)
			t->st->bad_lines++;
		p += n + 1;
	}
}

/* The host monitor's mark "body" (ms since it started) and the guest's give
 * the offset between the two clocks. */
static bool monitor_offset(const struct tj *t, const struct monitor_data *m, int64_t *off_ns)
{
	if (!m || !t->have_body)
		return false;
	for (unsigned i = 0; i < m->nmarks; i++)
		if (!strcmp(m->marks[i].label, BODY_MARK)) {
			*off_ns = (int64_t)t->body_ns - (int64_t)m->marks[i].t_ms * 1000000;
			return true;
		}
	return false;
}

/* One counter event: name, then "cpuN" series of the field at off in each
 * read CPU, or max - min of nr_running. */
static void counter(struct tj *t, const struct monitor_data *m, const struct monitor_sample *s,
		    uint64_t ns, const char *name)
{
	uint32_t lo = UINT32_MAX, hi = 0;
	bool any = false;

	ev_open(t, "C", PID_KTSTR, 0, ns);
	sb_printf(&t->out, ",\"name\":\"%s\",\"args\":{", name);
	for (unsigned c = 0; c < m->ncpus; c++) {
		const struct monitor_cpu *mc = &s->cpu[c];
		uint32_t v = !strcmp(name, "local_dsq") ? mc->local_dsq : mc->nr_running;

		if (!mc->ok)
			continue;
		lo = MIN(lo, mc->nr_running);
		hi = MAX(hi, mc->nr_running);
		if (strcmp(name, "imbalance"))
			sb_printf(&t->out, "%s\"cpu%u\":%u", any ? "," : "", c, v);
		any = true;
	}
	if (!strcmp(name, "imbalance"))
		sb_printf(&t->out, "\"max-min\":%u", any ? hi - lo : 0);
	sb_append(&t->out, "}}");
}

static void monitor_counters(struct tj *t, const struct monitor_data *m)
{
	int64_t off;

	if (!monitor_offset(t, m, &off) || !m->caps.nr_running)
		return;
	for (size_t i = 0; i < m->n; i++) {
		const struct monitor_sample *s = &m->s[i];
		int64_t ns = (int64_t)s->t_ms * 1000000 + off;

		if (ns < (int64_t)t->first_ns || ns > (int64_t)t->last_ns)
			continue;
		counter(t, m, s, (uint64_t)ns, "nr_running");
		if (m->caps.local_dsq)
			counter(t, m, s, (uint64_t)ns, "local_dsq");
		counter(t, m, s, (uint64_t)ns, "imbalance");
		t->st->counters++;
	}
}

static void failure(struct tj *t, const char *why)
{
	uint64_t ns = t->have_dump ? t->dump_ns : t->have_end ? t->end_ns : t->last_ns;

	ev_open(t, "i", PID_KTSTR, TID_MARKS, ns);
	ev_name(t, "failure: ", why, strcspn(why, "\n"));
	sb_append(&t->out, ",\"s\":\"g\",\"args\":{\"reason\":");
	json_append_str(&t->out, why, strlen(why));
	sb_append(&t->out, "}}");
}

static void metadata(struct tj *t)
{
	const struct tracefs_loss *l = &t->st->loss;

	sb_printf(&t->out,
		  "\n],\n\"displayTimeUnit\":\"ms\",\n\"metadata\":{\"source\":\"ktstr --trace\","
		  "\"clock\":\"guest trace clock (local)\",\"events\":%lu,\"bad_lines\":%lu,"
		  "\"overrun\":%" PRIu64 ",\"dropped\":%" PRIu64 ",\"cut_bytes\":%" PRIu64
		  ",\"buffer_kb_per_cpu\":%u,\"monitor_samples\":%u}}\n",
		  t->st->events, t->st->bad_lines, l->overrun, l->dropped, l->cut_bytes,
		  l->buffer_kb, t->st->counters);
}

char *tracejson_build(const struct tracejson_in *in, struct tracejson_stats *st)
{
	struct tj t = { .first = true, .st = st };
	char name[32];

	memset(st, 0, sizeof(*st));
	sb_append(&t.out, "{\"traceEvents\":[");
	meta(&t, "process_name", PID_CPUS, 0, "CPUs");
	meta(&t, "process_name", PID_KTSTR, 0, "ktstr");
	meta(&t, "thread_name", PID_KTSTR, TID_STEPS, "steps");
	meta(&t, "thread_name", PID_KTSTR, TID_MARKS, "marks");
	parse_text(&t, in->text ? in->text : "", in->text ? in->len : 0);
	for (unsigned c = 0; c < t.ncpus; c++) {
		if (!t.cpus[c].seen)
			continue;
		st->cpus++;
		run_close(&t, c, t.last_ns, NULL);
		snprintf(name, sizeof(name), "CPU %u", c);
		meta(&t, "thread_name", PID_CPUS, c, name);
		ev_open(&t, "M", PID_CPUS, c, 0);
		sb_printf(&t.out, ",\"name\":\"thread_sort_index\",\"args\":{\"sort_index\":%u}}", c);
	}
	step_close(&t, t.have_end ? t.end_ns : t.last_ns);
	monitor_counters(&t, in->mon);
	if (in->failure && t.have_ts)
		failure(&t, in->failure);
	metadata(&t);
	free(t.cpus);
	return sb_steal(&t.out);
}

json_t *tracejson_record(const char *file, const struct tracejson_stats *st)
{
	return json_pack("{s:s, s:I, s:I, s:I, s:i, s:i, s:I, s:I, s:I, s:i, s:i}", "file", file,
			 "events", (json_int_t)st->events, "bad_lines", (json_int_t)st->bad_lines,
			 "slices", (json_int_t)st->slices, "cpus", (int)st->cpus, "steps",
			 (int)st->steps, "overrun", (json_int_t)st->loss.overrun, "dropped",
			 (json_int_t)st->loss.dropped, "cut_bytes", (json_int_t)st->loss.cut_bytes,
			 "buffer_kb_per_cpu", (int)st->loss.buffer_kb, "monitor_samples",
			 (int)st->counters);
}
