// SPDX-License-Identifier: GPL-2.0-only
/* The auto-repro rerun: probe targets, the guest's hits, their section and record (repro.h). */
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "core/entry.h"
#include "runner/repro.h"
#include "runner/sidecar.h"

#define REPRO_NOTES_MAX 64

bool repro_wanted(const struct ktstr_result *r)
{
	if (r->verdict != KTSTR_FAIL)
		return false;
	for (unsigned i = 0; i < r->ndetails; i++)
		if (r->details[i].kind == KTSTR_SCHED_DIED || r->details[i].kind == KTSTR_MONITOR)
			return true;
	return false;
}

static void target_add(char ***v, size_t *n, const char *name, size_t len)
{
	if (!name || *n >= PROBE_MAX || !probe_name_ok(name, len))
		return;
	for (size_t i = 0; i < *n; i++)
		if (strlen((*v)[i]) == len && !memcmp((*v)[i], name, len))
			return;
	strv_push(v, n, xstrndup(name, len));
}

/* Where a backtrace leaves the scheduling path: entry, IRQ and worker frames. */
static bool frame_is_entry(const char *name, size_t len)
{
	static const char *const prefixes[] = { "asm_", "sysvec_", "entry_SYSCALL", "do_syscall" };
	static const char *const names[] = {
		"process_one_work", "worker_thread", "kthread",	    "ret_from_fork",
		"ret_from_fork_asm", "handle_softirqs", "__irq_exit_rcu", "irq_exit_rcu",
	};

	for (size_t i = 0; i < ARRAY_SIZE(prefixes); i++)
		if (len >= strlen(prefixes[i]) && !memcmp(name, prefixes[i], strlen(prefixes[i])))
			return true;
	for (size_t i = 0; i < ARRAY_SIZE(names); i++)
		if (len == strlen(names[i]) && !memcmp(name, names[i], len))
			return true;
	return false;
}

/* "NAME+0xOFF/0xLEN" at p (up to eol): NAME's length, 0 when it is no frame. */
static size_t frame_name(const char *p, const char *eol)
{
	const char *plus = memchr(p, '+', (size_t)(eol - p));

	if (!plus || eol - plus < 3 || memcmp(plus, "+0x", 3) || !memchr(plus, '/', (size_t)(eol - plus)))
		return 0;
	return (size_t)(plus - p);
}

#define OPS_TRAMPOLINE "bpf__sched_ext_ops_"

/* The first "Backtrace:" block of a dump. */
static void targets_backtrace(const char *dump, char ***v, size_t *n)
{
	const char *p = dump ? strstr(dump, "Backtrace:\n") : NULL;
	unsigned taken = 0;

	if (!p)
		return;
	for (p = strchr(p, '\n') + 1; *p && taken < REPRO_STACK_MAX;) {
		const char *eol = strchrnul(p, '\n');
		size_t len;

		while (p < eol && (*p == ' ' || *p == '\t'))
			p++;
		if (p == eol)
			break; /* the block ends at an empty line */
		len = frame_name(p, eol);
		if (len > strlen(OPS_TRAMPOLINE) && !memcmp(p, OPS_TRAMPOLINE, strlen(OPS_TRAMPOLINE))) {
			const char *op = p + strlen(OPS_TRAMPOLINE);
			const char *caller = probe_op_caller(op, len - strlen(OPS_TRAMPOLINE));

			target_add(v, n, caller, caller ? strlen(caller) : 0);
		} else if (len && frame_is_entry(p, len)) {
			break;
		} else if (len && !(len > 4 && !memcmp(p, "bpf_", 4))) {
			target_add(v, n, p, len);
			taken++;
		}
		p = *eol ? eol + 1 : eol;
	}
}

/* Frames on kernel log lines about sched_ext. */
static void targets_console(const char *console, char ***v, size_t *n)
{
	for (const char *p = console; p && *p;) {
		const char *eol = strchrnul(p, '\n');
		bool ext_c = memmem(p, (size_t)(eol - p), "ext.c", 5) != NULL;

		for (const char *w = p; w < eol; w++) {
			size_t len;

			if (w != p && w[-1] != ' ')
				continue;
			len = frame_name(w, eol);
			if (len && memchr(w, ' ', len))
				continue; /* not one word */
			if (len && (ext_c || memmem(w, len, "scx", 3)))
				target_add(v, n, w, len);
		}
		p = *eol ? eol + 1 : eol;
	}
}

char **repro_targets(const char *dump, const char *console)
{
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	targets_backtrace(dump, &v, &n);
	targets_console(console, &v, &n);
	for (const char *const *f = probe_fixed_fns; *f; f++)
		target_add(&v, &n, *f, strlen(*f));
	return v;
}

static bool is_stop(const char *fn)
{
	for (const char *const *s = probe_stop_fns; *s; s++)
		if (!strcmp(*s, fn))
			return true;
	return false;
}

static bool seen(const struct repro_hits *rh, const struct probe_hit *h)
{
	for (unsigned i = 0; i < rh->n; i++)
		if (rh->hits[i].ts_ns == h->ts_ns && rh->hits[i].cpu == h->cpu &&
		    !strcmp(rh->hits[i].func, h->func))
			return true;
	return false;
}

void repro_parse(const char *text, size_t len, struct repro_hits *rh)
{
	const char *p = text, *end = text + len;

	memset(rh, 0, sizeof(*rh));
	rh->stop = -1;
	rh->notes = xcalloc(1, sizeof(*rh->notes));
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		struct probe_hit h;

		if (eol - p > 2 && !memcmp(p, "# ", 2)) {
			if (rh->nnotes < REPRO_NOTES_MAX) {
				char *note = xstrndup(p + 2, MIN((size_t)(eol - p - 2), 200));

				str_printable(note, strlen(note));
				strv_push(&rh->notes, &rh->nnotes, note);
			}
		} else if (probe_parse_line(p, (size_t)(eol - p), &h) && !seen(rh, &h) &&
			   rh->n < PROBE_MAX * PROBE_KEEP) {
			rh->hits = xrealloc(rh->hits, (rh->n + 1) * sizeof(*rh->hits));
			rh->hits[rh->n] = h;
			if (is_stop(h.func) && (rh->stop < 0 || h.ts_ns < rh->hits[rh->stop].ts_ns))
				rh->stop = (int)rh->n;
			rh->n++;
		}
		p = eol + 1;
	}
	if (rh->stop >= 0)
		rh->ref_ns = rh->hits[rh->stop].ts_ns;
	else
		for (unsigned i = 0; i < rh->n; i++)
			rh->ref_ns = MAX(rh->ref_ns, rh->hits[i].ts_ns);
}

void repro_hits_free(struct repro_hits *rh)
{
	free(rh->hits);
	strv_free(rh->notes);
	memset(rh, 0, sizeof(*rh));
}

static const char *exit_kind_name(uint64_t k)
{
	static const struct {
		uint64_t kind;
		const char *name;
	} kinds[] = {
		{ 0, "NONE" },	      { 1, "DONE" },	    { 64, "UNREG" },
		{ 65, "UNREG_BPF" },  { 66, "UNREG_KERN" }, { 67, "SYSRQ" },
		{ 1024, "ERROR" },    { 1025, "ERROR_BPF" }, { 1026, "ERROR_STALL" },
	};

	for (size_t i = 0; i < ARRAY_SIZE(kinds); i++)
		if (kinds[i].kind == k)
			return kinds[i].name;
	return NULL;
}

/* Built-in DSQ ids: bit 63 set; LOCAL_ON (bit 62) carries a CPU. */
static void dsq_name(uint64_t id, char *buf, size_t cap)
{
	const uint64_t builtin = 1ull << 63, local_on = 1ull << 62;

	buf[0] = '\0';
	if ((id & (builtin | local_on)) == (builtin | local_on))
		snprintf(buf, cap, "LOCAL_ON|%u", (unsigned)(id & 0xffffffffu));
	else if (id == builtin)
		snprintf(buf, cap, "INVALID");
	else if (id == (builtin | 1))
		snprintf(buf, cap, "GLOBAL");
	else if (id == (builtin | 2))
		snprintf(buf, cap, "LOCAL");
}

/* 1..16 hex digits and nothing else: 0, else -1. */
static int hex_u64(const char *s, uint64_t *v)
{
	size_t n = strspn(s, "0123456789abcdefABCDEF");

	if (!n || n > 16 || s[n])
		return -1;
	*v = strtoull(s, NULL, 16);
	return 0;
}

char *repro_decode_args(const char *args)
{
	struct strbuf sb = { 0 };
	const char *p = args;

	while (*p) {
		const char *sp = strchrnul(p, ' ');
		size_t len = (size_t)(sp - p);
		char word[64], name[32] = "";
		uint64_t v;

		sb_appendn(&sb, p, len);
		if (len < sizeof(word)) {
			memcpy(word, p, len);
			word[len] = '\0';
			if (str_starts_with(word, "dsq_id=0x") && !hex_u64(word + 9, &v))
				dsq_name(v, name, sizeof(name));
			else if (str_starts_with(word, "kind=") && !str_to_u64(word + 5, &v) &&
				 exit_kind_name(v))
				snprintf(name, sizeof(name), "%s", exit_kind_name(v));
			if (name[0])
				sb_printf(&sb, " (%s)", name);
		}
		if (!*sp)
			break;
		sb_append(&sb, " ");
		p = sp + 1;
	}
	return sb_steal(&sb);
}

/* "-1.204 ms" from the reference; hits after it are "+". */
static double rel_ms(const struct repro_hits *rh, const struct probe_hit *h)
{
	return ((double)h->ts_ns - (double)rh->ref_ns) / 1e6;
}

static void format_hit(struct strbuf *sb, const struct repro_hits *rh, const struct probe_hit *h)
{
	char *args = repro_decode_args(h->args);

	sb_printf(sb, "      %+10.3f ms  cpu %-3d %-*s%s%s\n", rel_ms(rh, h), h->cpu, *args ? 22 : 0,
		  h->task, *args ? " " : "", args);
	free(args);
}

void repro_format(struct strbuf *sb, const struct repro_hits *rh, char *const *targets,
		  const char *outcome, unsigned show)
{
	unsigned ntargets = 0;

	for (char *const *t = targets; t && *t; t++)
		ntargets++;
	sb_append(sb, "    --- auto-repro ---\n");
	sb_printf(sb, "    rerun with probes on %u functions: %s\n", ntargets, outcome);
	sb_printf(sb, "    %u hits", rh->n);
	if (rh->stop >= 0) {
		const struct probe_hit *s = &rh->hits[rh->stop];
		char *args = repro_decode_args(s->args);

		sb_printf(sb, "; times relative to %s %s on cpu %d (%s)\n", s->func, args, s->cpu,
			  s->task);
		free(args);
	} else {
		sb_append(sb, rh->n ? "; no stop hit: times relative to the last hit\n" : "\n");
	}
	for (size_t i = 0; i < rh->nnotes; i++)
		if (!str_starts_with(rh->notes[i], "probes "))
			sb_printf(sb, "    guest: %s\n", rh->notes[i]);
	for (char *const *t = targets; t && *t; t++) {
		unsigned n = 0, shown = 0;

		for (unsigned i = 0; i < rh->n; i++)
			n += !strcmp(rh->hits[i].func, *t);
		if (!n) {
			sb_printf(sb, "    %s: no hits\n", *t);
			continue;
		}
		if (show && n > show)
			sb_printf(sb, "    %s: %u hits, the last %u:\n", *t, n, show);
		else
			sb_printf(sb, "    %s: %u hit%s:\n", *t, n, n == 1 ? "" : "s");
		for (unsigned i = 0; i < rh->n; i++) {
			if (strcmp(rh->hits[i].func, *t))
				continue;
			if (!show || ++shown + show > n)
				format_hit(sb, rh, &rh->hits[i]);
		}
	}
}

static json_t *hit_json(const struct repro_hits *rh, const struct probe_hit *h)
{
	char *args = repro_decode_args(h->args);
	json_t *j = json_pack("{s:s, s:i, s:s, s:I, s:I, s:s}", "func", h->func, "cpu", h->cpu,
			      "task", h->task, "ts_ns", (json_int_t)h->ts_ns, "rel_ns",
			      (json_int_t)((int64_t)h->ts_ns - (int64_t)rh->ref_ns), "args", args);

	free(args);
	return j;
}

json_t *repro_to_json(const struct repro_hits *rh, char *const *targets, const char *outcome)
{
	json_t *j = json_object(), *t = json_array(), *notes = json_array(), *hits = json_array();

	for (char *const *p = targets; p && *p; p++)
		json_array_append_new(t, json_string(*p));
	for (size_t i = 0; i < rh->nnotes; i++)
		json_array_append_new(notes, json_string(rh->notes[i]));
	for (unsigned i = 0; i < rh->n; i++)
		json_array_append_new(hits, hit_json(rh, &rh->hits[i]));
	json_object_set_new(j, "outcome", json_string(outcome));
	json_object_set_new(j, "targets", t);
	json_object_set_new(j, "notes", notes);
	json_object_set_new(j, "stop", rh->stop >= 0 ? hit_json(rh, &rh->hits[rh->stop]) : json_null());
	json_object_set_new(j, "hits", hits);
	return j;
}

void repro_after(const struct plan_item *it, const struct run_opts *opts, struct run_outcome *out)
{
	const struct ktstr_test *t = it->test;
	struct run_opts ropts = *opts;
	struct run_outcome rout;
	struct repro_hits rh;
	struct strbuf sb = { 0 };
	char **targets, *outcome, *err = NULL;
	json_t *j;

	if (!(opts->auto_repro || t->auto_repro) || opts->probes || t->host_only ||
	    !entry_sched_active(t) || !repro_wanted(&out->result))
		return;
	targets = repro_targets(out->sched_ext_dump, out->console_tail);
	ropts.probes = targets;
	ropts.attempt = 0;
	run_one(it, &ropts, &rout);
	outcome = rout.result.ndetails
			  ? xasprintf("%s [%s] %.*s", verdict_name(rout.result.verdict),
				      fail_kind_name(rout.result.details[0].kind),
				      (int)MIN(strcspn(rout.result.details[0].msg, "\n"), 160),
				      rout.result.details[0].msg)
			  : xstrdup(verdict_name(rout.result.verdict));
	str_printable(outcome, strlen(outcome));
	repro_parse(rout.probes ? rout.probes : "", rout.probes ? strlen(rout.probes) : 0, &rh);
	sb_append(&sb, out->text ? out->text : "");
	repro_format(&sb, &rh, targets, outcome, opts->verbosity >= 2 ? 0 : REPRO_SHOW);
	free(out->text);
	out->text = sb_steal(&sb);
	j = repro_to_json(&rh, targets, outcome);
	if (out->record_path && sidecar_add_auto_repro(out->record_path, j, &err)) {
		log_warn("%s: auto-repro not added to the run record: %s", out->name, err);
		free(err);
	}
	json_decref(j);
	repro_hits_free(&rh);
	free(outcome);
	run_outcome_free(&rout);
	strv_free(targets);
}
