// SPDX-License-Identifier: GPL-2.0-only
/* The verifier's statistics out of libbpf load logs (see verstats.h). */
#include "proto/verstats.h"
#include "util/util.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#define BEGIN_MARK "': -- BEGIN PROG LOAD LOG --"
#define END_MARK "-- END PROG LOAD LOG --"
#define FAILED_MARK "': BPF program load failed"
#define VALUE_MAX 1000000000000ull /* larger numbers are not the kernel's */

/* The number after key in [p, end) (key followed by digits): 0 and *out, else -1. */
static int num_after(const char *p, const char *end, const char *key, uint64_t *out)
{
	const char *k = memmem(p, (size_t)(end - p), key, strlen(key));
	uint64_t v = 0;

	if (!k)
		return -1;
	k += strlen(key);
	if (k >= end || *k < '0' || *k > '9')
		return -1;
	for (; k < end && *k >= '0' && *k <= '9'; k++) {
		v = v * 10 + (uint64_t)(*k - '0');
		if (v > VALUE_MAX)
			return -1;
	}
	*out = v;
	return 0;
}

static int64_t opt_num(const char *p, const char *end, const char *key)
{
	uint64_t v;

	return num_after(p, end, key, &v) ? -1 : (int64_t)v;
}

/* The index of the program named before mark ("... prog 'NAME" + mark),
 * found or added; -1 if none. Indexes stay valid as programs are added. */
static int prog_at(struct verstats *vs, const char *p, const char *mark_at)
{
	const char *q = mark_at;
	char name[VERSTATS_NAME_LEN];
	size_t n;

	while (q > p && q[-1] != '\'')
		q--;
	if (q == p || q - p < 6 || memcmp(q - 6, "prog '", 6))
		return -1;
	n = MIN((size_t)(mark_at - q), sizeof(name) - 1);
	memcpy(name, q, n);
	name[n] = 0;
	str_printable(name, n);
	for (unsigned i = 0; i < vs->n; i++)
		if (!strcmp(vs->progs[i].name, name))
			return (int)i;
	if (vs->n >= VERSTATS_MAX_PROGS)
		return -1;
	vs->progs = xrealloc(vs->progs, (vs->n + 1) * sizeof(*vs->progs));
	memset(&vs->progs[vs->n], 0, sizeof(vs->progs[0]));
	memcpy(vs->progs[vs->n].name, name, n + 1);
	vs->progs[vs->n].max_states_per_insn = vs->progs[vs->n].total_states = -1;
	vs->progs[vs->n].peak_states = vs->progs[vs->n].mark_read = -1;
	vs->progs[vs->n].time_us = vs->progs[vs->n].stack_depth = -1;
	return (int)vs->n++;
}

/* One line of a program's block. */
static void block_line(struct verstats_prog *pr, const char *p, const char *e)
{
	uint64_t v;

	if (!num_after(p, e, "processed ", &v) && memmem(p, (size_t)(e - p), " insns", 6)) {
		pr->have_insns = true;
		pr->insns = v;
		pr->limit = num_after(p, e, "(limit ", &v) ? 0 : v;
		pr->max_states_per_insn = opt_num(p, e, "max_states_per_insn ");
		pr->total_states = opt_num(p, e, "total_states ");
		pr->peak_states = opt_num(p, e, "peak_states ");
		pr->mark_read = opt_num(p, e, "mark_read ");
	} else if (!num_after(p, e, "verification time ", &v)) {
		pr->time_us = (int64_t)v;
	} else if (pr->stack_depth < 0 && !num_after(p, e, "stack depth ", &v)) {
		pr->stack_depth = (int64_t)v;
	}
}

/* Where the last n lines of s[0..len) start (a final newline ends the last). */
static const char *last_lines(const char *s, size_t len, unsigned n)
{
	const char *t = s + len;

	if (t > s && t[-1] == '\n')
		t--;
	for (; t > s; t--)
		if (t[-1] == '\n' && !--n)
			break;
	return t;
}

void verstats_parse(const char *text, size_t len, struct verstats *vs)
{
	const char *p = text, *end = text + len;
	int cur = -1;
	struct strbuf fail = { 0 };
	bool in_failed = false;

	memset(vs, 0, sizeof(*vs));
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p)), *e = nl ? nl : end, *m;
		size_t n = (size_t)(e - p);

		if ((m = memmem(p, n, FAILED_MARK, strlen(FAILED_MARK)))) {
			int i = prog_at(vs, p, m);

			if (i >= 0)
				vs->progs[i].failed = true;
		} else if ((m = memmem(p, n, BEGIN_MARK, strlen(BEGIN_MARK)))) {
			cur = prog_at(vs, p, m);
			in_failed = cur >= 0 && vs->progs[cur].failed && !fail.len;
			/* the log may start on the marker's line */
			if (cur >= 0)
				block_line(&vs->progs[cur], m + strlen(BEGIN_MARK), e);
		} else if (cur >= 0) {
			const char *em = memmem(p, n, END_MARK, strlen(END_MARK));

			block_line(&vs->progs[cur], p, em ? em : e);
			if (in_failed && (em ? em : e) > p) {
				sb_appendn(&fail, p, (size_t)((em ? em : e) - p));
				sb_append(&fail, "\n");
			}
			if (em) {
				cur = -1;
				in_failed = false;
			}
		}
		p = nl ? nl + 1 : NULL;
	}
	if (fail.len) {
		vs->fail_log = xstrdup(last_lines(fail.buf, fail.len, VERSTATS_TAIL_LINES));
		for (char *c = vs->fail_log; *c; c++) /* printable lines */
			if ((*c < ' ' && *c != '\n') || *c > '~')
				*c = '?';
	}
	sb_free(&fail);
}

void verstats_free(struct verstats *vs)
{
	free(vs->progs);
	free(vs->fail_log);
	memset(vs, 0, sizeof(*vs));
}

static json_t *opt_json(int64_t v)
{
	return v < 0 ? json_null() : json_integer(v);
}

json_t *verstats_to_json(const struct verstats *vs)
{
	json_t *arr = json_array();

	for (unsigned i = 0; i < vs->n; i++) {
		const struct verstats_prog *p = &vs->progs[i];

		json_array_append_new(
			arr, json_pack("{s:s, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:o, s:b}", "name",
				       p->name, "insns", opt_json(p->have_insns ? (int64_t)p->insns : -1),
				       "limit", opt_json(p->have_insns ? (int64_t)p->limit : -1),
				       "max_states_per_insn", opt_json(p->max_states_per_insn),
				       "total_states", opt_json(p->total_states), "peak_states",
				       opt_json(p->peak_states), "mark_read", opt_json(p->mark_read),
				       "time_us", opt_json(p->time_us), "stack_depth",
				       opt_json(p->stack_depth), "failed", p->failed));
	}
	return json_pack("{s:o, s:o}", "programs", arr, "fail_log",
			 vs->fail_log ? json_string(vs->fail_log) : json_null());
}

/* A member that is null (-1) or an integer in [0, VALUE_MAX]. */
static int opt_from(const json_t *o, const char *key, int64_t *out)
{
	json_t *v = json_object_get(o, key);

	*out = -1;
	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    (uint64_t)json_integer_value(v) > VALUE_MAX)
		return -EINVAL;
	*out = json_integer_value(v);
	return 0;
}

static int prog_from(const json_t *o, struct verstats_prog *p)
{
	json_t *name = json_object_get(o, "name"), *failed = json_object_get(o, "failed");
	int64_t insns, limit;

	if (!json_is_object(o) || !json_is_string(name) || (failed && !json_is_boolean(failed)) ||
	    opt_from(o, "insns", &insns) || opt_from(o, "limit", &limit) ||
	    opt_from(o, "max_states_per_insn", &p->max_states_per_insn) ||
	    opt_from(o, "total_states", &p->total_states) ||
	    opt_from(o, "peak_states", &p->peak_states) ||
	    opt_from(o, "mark_read", &p->mark_read) || opt_from(o, "time_us", &p->time_us) ||
	    opt_from(o, "stack_depth", &p->stack_depth))
		return -EINVAL;
	snprintf(p->name, sizeof(p->name), "%s", json_string_value(name));
	p->have_insns = insns >= 0;
	p->insns = insns >= 0 ? (uint64_t)insns : 0;
	p->limit = limit >= 0 ? (uint64_t)limit : 0;
	p->failed = json_is_true(failed);
	return 0;
}

int verstats_from_json(const json_t *j, struct verstats *vs, char **err)
{
	json_t *arr = json_object_get(j, "programs"), *fl = json_object_get(j, "fail_log"), *e;
	size_t i;

	memset(vs, 0, sizeof(*vs));
	if (!json_is_array(arr) || json_array_size(arr) > VERSTATS_MAX_PROGS ||
	    (fl && !json_is_null(fl) && !json_is_string(fl))) {
		*err = xstrdup("verifier: 'programs' is not an array of at most 256 programs");
		return -EINVAL;
	}
	vs->progs = xcalloc(json_array_size(arr) + 1, sizeof(*vs->progs));
	json_array_foreach(arr, i, e) {
		if (prog_from(e, &vs->progs[i])) {
			*err = xasprintf("verifier: program %zu is malformed", i);
			verstats_free(vs);
			return -EINVAL;
		}
		vs->n++;
	}
	if (json_is_string(fl))
		vs->fail_log = xstrdup(json_string_value(fl));
	return 0;
}
