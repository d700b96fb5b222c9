// SPDX-License-Identifier: GPL-2.0-only
/* Lines of a tracefs `trace` file (see tracefs.h); the text is untrusted. */
#include "proto/tracefs.h"
#include "util/util.h"

#include <errno.h>
#include <string.h>

/* Where key starts inside [p, end), or NULL. */
static const char *find(const char *p, const char *end, const char *key)
{
	return p < end ? memmem(p, (size_t)(end - p), key, strlen(key)) : NULL;
}

/* Decimal digits at p (an optional '-' first) before end: 0 and *out, else -EINVAL.
 * *next is where they stop. */
static int parse_int(const char *p, const char *end, int64_t lo, int64_t hi, int64_t *out,
		     const char **next)
{
	bool neg = p < end && *p == '-';
	int64_t v = 0;
	const char *d = p + neg;

	if (d >= end || *d < '0' || *d > '9')
		return -EINVAL;
	for (; d < end && *d >= '0' && *d <= '9'; d++) {
		if (v > (INT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (*d - '0');
	}
	v = neg ? -v : v;
	if (v < lo || v > hi)
		return -EINVAL;
	*out = v;
	if (next)
		*next = d;
	return 0;
}

/* "key=NUMBER" inside [p, end): 0 and *out, else -EINVAL. */
static int key_int(const char *p, const char *end, const char *key, int64_t lo, int64_t hi,
		   int32_t *out)
{
	const char *k = find(p, end, key);
	int64_t v;

	if (!k || parse_int(k + strlen(key), end, lo, hi, &v, NULL))
		return -EINVAL;
	*out = (int32_t)v;
	return 0;
}

/* The bytes between key and stop (both inside [p, end)), cut to dst and printable. */
static int key_text(const char *p, const char *end, const char *key, const char *stop,
		    char *dst, size_t size)
{
	const char *k = find(p, end, key), *s;
	size_t n;

	if (!k)
		return -EINVAL;
	k += strlen(key);
	s = find(k, end, stop);
	if (!s)
		return -EINVAL;
	n = MIN((size_t)(s - k), size - 1);
	memcpy(dst, k, n);
	dst[n] = 0;
	str_printable(dst, n);
	return 0;
}

/* "SECONDS.FRACTION" (up to 9 fraction digits) ending in ':' at *p. */
static int parse_ts(const char *p, const char *end, uint64_t *ns, const char **next)
{
	int64_t sec, frac = 0;
	const char *q;
	unsigned digits = 0;

	if (parse_int(p, end, 0, INT64_MAX / 1000000000, &sec, &q) || q >= end)
		return -EINVAL;
	if (*q == '.') {
		for (q++; q < end && *q >= '0' && *q <= '9'; q++, digits++)
			if (digits < 9)
				frac = frac * 10 + (*q - '0');
		if (!digits)
			return -EINVAL;
		for (; digits < 9; digits++)
			frac *= 10;
	}
	if (q >= end || *q != ':')
		return -EINVAL;
	*ns = (uint64_t)sec * 1000000000ull + (uint64_t)frac;
	*next = q + 1;
	return 0;
}

/* " [CPU] ": the first such group; its CPU and what follows it. */
static int parse_cpu(const char *line, const char *end, unsigned *cpu, const char **next)
{
	for (const char *p = line; (p = find(p, end, " [")); p++) {
		int64_t v;
		const char *q;

		if (!parse_int(p + 2, end, 0, TRACEFS_MAX_CPUS - 1, &v, &q) && q + 1 < end &&
		    q[0] == ']' && q[1] == ' ') {
			*cpu = (unsigned)v;
			*next = q + 2;
			return 0;
		}
	}
	return -EINVAL;
}

/* The task of a sched_switch (both sides) or of a wakeup or migration. */
static int parse_args(struct tracefs_event *ev, const char *a, const char *end)
{
	int32_t tmp;

	switch (ev->kind) {
	case TRACEFS_SWITCH: {
		const char *arrow = find(a, end, " ==> ");

		if (!arrow ||
		    key_text(a, arrow, "prev_comm=", " prev_pid=", ev->comm, sizeof(ev->comm)) ||
		    key_int(a, arrow, "prev_pid=", 0, INT32_MAX, &ev->pid) ||
		    key_text(arrow, end, "next_comm=", " next_pid=", ev->next_comm,
			     sizeof(ev->next_comm)) ||
		    key_int(arrow, end, "next_pid=", 0, INT32_MAX, &ev->next_pid))
			return -EINVAL;
		/* optional: the state ends at the space of " ==> " */
		if (key_text(a, arrow + 1, "prev_state=", " ", ev->prev_state,
			     sizeof(ev->prev_state)))
			ev->prev_state[0] = 0;
		return 0;
	}
	case TRACEFS_WAKEUP:
		return key_text(a, end, "comm=", " pid=", ev->comm, sizeof(ev->comm)) ||
		       key_int(a, end, " pid=", 0, INT32_MAX, &ev->pid) ||
		       key_int(a, end, "target_cpu=", 0, TRACEFS_MAX_CPUS - 1, &ev->target_cpu)
			       ? -EINVAL : 0;
	case TRACEFS_MIGRATE:
		return key_text(a, end, "comm=", " pid=", ev->comm, sizeof(ev->comm)) ||
		       key_int(a, end, " pid=", 0, INT32_MAX, &ev->pid) ||
		       key_int(a, end, "orig_cpu=", 0, TRACEFS_MAX_CPUS - 1, &ev->orig_cpu) ||
		       key_int(a, end, "dest_cpu=", 0, TRACEFS_MAX_CPUS - 1, &tmp)
			       ? -EINVAL : (ev->target_cpu = tmp, 0);
	default:
		ev->text = a;
		ev->text_len = (size_t)(end - a);
		return 0;
	}
}

static enum tracefs_kind kind_of(const char *name)
{
	if (!strcmp(name, "sched_switch"))
		return TRACEFS_SWITCH;
	if (!strcmp(name, "sched_wakeup") || !strcmp(name, "sched_wakeup_new"))
		return TRACEFS_WAKEUP;
	if (!strcmp(name, "sched_migrate_task"))
		return TRACEFS_MIGRATE;
	if (!strcmp(name, "tracing_mark_write"))
		return TRACEFS_MARK;
	return TRACEFS_OTHER;
}

int tracefs_parse_line(const char *line, size_t len, struct tracefs_event *ev)
{
	const char *end = line + len, *p = line, *name, *colon;
	size_t n;

	while (p < end && (*p == ' ' || *p == '\t'))
		p++;
	if (p == end || *p == '#')
		return 0;
	memset(ev, 0, sizeof(*ev));
	ev->orig_cpu = ev->target_cpu = -1;
	if (parse_cpu(line, end, &ev->cpu, &p))
		return -EINVAL;
	/* FLAGS (if any), then the timestamp: the first word ending in ':' */
	while (p < end && *p == ' ')
		p++;
	if (parse_ts(p, end, &ev->ts_ns, &name)) {
		const char *sp = memchr(p, ' ', (size_t)(end - p));

		for (p = sp; p && p < end && *p == ' '; p++)
			;
		if (!p || parse_ts(p, end, &ev->ts_ns, &name))
			return -EINVAL;
	}
	while (name < end && *name == ' ')
		name++;
	colon = find(name, end, ":");
	n = colon ? (size_t)(colon - name) : 0;
	if (!n || n >= sizeof(ev->event))
		return -EINVAL;
	memcpy(ev->event, name, n);
	ev->event[n] = 0;
	for (size_t i = 0; i < n; i++)
		if (!(ev->event[i] == '_' || (ev->event[i] >= 'a' && ev->event[i] <= 'z') ||
		      (ev->event[i] >= '0' && ev->event[i] <= '9')))
			return -EINVAL;
	ev->kind = kind_of(ev->event);
	p = colon + 1;
	if (p < end && *p == ' ')
		p++;
	return parse_args(ev, p, end) ? -EINVAL : 1;
}

int tracefs_parse_info(const char *line, size_t len, struct tracefs_loss *loss)
{
	size_t plen = strlen(TRACEFS_INFO);
	const char *end = line + len, *p;
	int32_t v;
	int64_t big;

	if (len < plen || memcmp(line, TRACEFS_INFO, plen))
		return 0;
	p = line + plen;
	if (find(p, end, "cpu=")) {
		int64_t o, d;
		const char *ko = find(p, end, "overrun="), *kd = find(p, end, "dropped=");

		if (key_int(p, end, "cpu=", 0, TRACEFS_MAX_CPUS - 1, &v) || !ko || !kd ||
		    parse_int(ko + 8, end, 0, INT64_MAX, &o, NULL) ||
		    parse_int(kd + 8, end, 0, INT64_MAX, &d, NULL))
			return -EINVAL;
		loss->overrun += (uint64_t)o;
		loss->dropped += (uint64_t)d;
		return 1;
	}
	if ((p = find(line + plen, end, "cut="))) {
		if (parse_int(p + 4, end, 0, INT64_MAX, &big, NULL))
			return -EINVAL;
		loss->cut_bytes += (uint64_t)big;
		return 1;
	}
	if (!key_int(line + plen, end, "buffer_kb=", 0, INT32_MAX, &v)) {
		loss->buffer_kb = (unsigned)v;
		return 1;
	}
	return -EINVAL;
}
