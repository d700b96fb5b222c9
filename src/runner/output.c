// SPDX-License-Identifier: GPL-2.0-only
/* Per-test lines, failure sections, the closing line, --list, JUnit XML. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <jansson.h>

#include "core/entry.h"
#include "runner/args.h"
#include "runner/eval.h"
#include "runner/output.h"
#include "runner/timefmt.h"

#define IND "    "
#define GREEN "\033[32m"
#define RED "\033[1;31m"
#define YELLOW "\033[33m"
#define MAGENTA "\033[35m"
#define RESET "\033[0m"

bool output_use_color(FILE *f)
{
	const char *no = getenv("NO_COLOR");

	if (no && *no)
		return false;
	return isatty(fileno(f));
}

static const char *verdict_word(enum ktstr_verdict v)
{
	return v == KTSTR_PASS ? "PASS" : v == KTSTR_SKIP ? "SKIP"
	       : v == KTSTR_INTERRUPTED ? "INTERRUPTED" : "FAIL";
}

static const char *verdict_color(enum ktstr_verdict v)
{
	return v == KTSTR_PASS ? GREEN : v == KTSTR_SKIP || v == KTSTR_INTERRUPTED ? YELLOW : RED;
}

/* Each line of text, indented by prefix; trailing newline added. */
static void append_indented(struct strbuf *sb, const char *prefix, const char *text)
{
	const char *p = text;

	while (p && *p) {
		const char *nl = strchr(p, '\n');
		size_t len = nl ? (size_t)(nl - p) : strlen(p);

		sb_append(sb, prefix);
		sb_appendn(sb, p, len);
		sb_append(sb, "\n");
		p = nl ? nl + 1 : NULL;
	}
}

static unsigned count_lines(const char *s)
{
	unsigned n = 0;

	for (const char *p = s; p && *p; p++)
		if (*p == '\n' || !p[1])
			n++;
	return n;
}

static void section_details(struct strbuf *sb, const struct ktstr_result *r)
{
	if (!r || !r->ndetails)
		return;
	sb_append(sb, IND "--- details ---\n");
	for (unsigned i = 0; i < r->ndetails; i++) {
		char *line = xasprintf("[%s] %s", fail_kind_name(r->details[i].kind),
				       r->details[i].msg ? r->details[i].msg : "");

		append_indented(sb, IND, line);
		free(line);
	}
}

static void section_stats(struct strbuf *sb, const struct ktstr_result *r)
{
	char num[STR_DOUBLE_LEN];

	if (!r || !r->nstats)
		return;
	sb_append(sb, IND "--- stats ---\n");
	for (unsigned i = 0; i < r->nstats; i++)
		sb_printf(sb, IND "%s = %s\n", r->stats[i].name,
			  str_fmt_double(num, r->stats[i].value));
}

static void section_diagnostics(struct strbuf *sb, const struct output_test *t)
{
	char buf[64];

	sb_append(sb, IND "--- diagnostics ---\n");
	sb_printf(sb, IND "init stage: %s\n", t->stage ? t->stage : "none reached");
	if (t->got_exit && t->guest_exit > GUEST_EXIT_SIGNAL_BASE)
		sb_printf(sb, IND "guest exit: %d (%s)", t->guest_exit,
			  eval_signal_name(t->guest_exit - GUEST_EXIT_SIGNAL_BASE, buf, sizeof(buf)));
	else if (t->got_exit)
		sb_printf(sb, IND "guest exit: %d", t->guest_exit);
	else
		sb_append(sb, IND "guest exit: none received");
	if (t->have_qemu_status)
		sb_printf(sb, "; qemu: %s", eval_wait_status(t->qemu_status, buf, sizeof(buf)));
	sb_append(sb, "\n");
	if (t->console_tail && *t->console_tail) {
		sb_printf(sb, IND "console (last %u lines):\n", count_lines(t->console_tail));
		append_indented(sb, IND "  ", t->console_tail);
	} else {
		sb_append(sb, IND "console: empty\n");
	}
}

static void section_sched_log(struct strbuf *sb, const char *log)
{
	if (!log || !*log)
		return;
	sb_append(sb, IND "--- scheduler log ---\n");
	append_indented(sb, IND "  ", log);
}

/* The kernel's dump is long (every CPU, every queued task): its head here,
 * all of it in the record and with -v. */
#define OUTPUT_DUMP_LINES 60
static void section_sched_ext_dump(struct strbuf *sb, const char *dump, bool all)
{
	const char *p = dump;
	unsigned lines = 0, total;

	if (!dump || !*dump)
		return;
	total = count_lines(dump);
	sb_append(sb, IND "--- sched_ext dump ---\n");
	while (*p && (all || lines < OUTPUT_DUMP_LINES)) {
		size_t n = strcspn(p, "\n");

		sb_printf(sb, IND "  %.*s\n", (int)n, p);
		lines++;
		p += n + (p[n] == '\n');
	}
	if (lines < total)
		sb_printf(sb, IND "  [%u more lines: exit.sched_ext_dump in the record, or -v]\n",
			  total - lines);
}

static void section_monitor(struct strbuf *sb, const char *text)
{
	if (!text || !*text)
		return;
	sb_append(sb, IND "--- monitor ---\n");
	append_indented(sb, IND "  ", text);
}

/* The test body's own lines: the last OUTPUT_GUEST_LOG_LINES, all of them with -v. */
#define OUTPUT_GUEST_LOG_LINES 20
static void section_guest_log(struct strbuf *sb, const char *log, bool all)
{
	unsigned n = count_lines(log), skip;

	if (!log || !*log)
		return;
	if (all || n <= OUTPUT_GUEST_LOG_LINES) {
		sb_append(sb, IND "--- guest log ---\n");
	} else {
		sb_printf(sb, IND "--- guest log (last %u of %u lines) ---\n",
			  OUTPUT_GUEST_LOG_LINES, n);
		for (skip = n - OUTPUT_GUEST_LOG_LINES; skip; skip--)
			log = strchr(log, '\n') + 1;
	}
	append_indented(sb, IND "  ", log);
}

void output_test_format(struct strbuf *sb, const struct output_test *t, int verbosity, bool color)
{
	enum ktstr_verdict v = t->result ? t->result->verdict : KTSTR_FAIL;
	bool verbose = verbosity >= 2;
	bool flaky = v == KTSTR_PASS && t->attempt > 1;
	const char *word = flaky ? "FLAKY" : verdict_word(v);
	char dur[32];

	if (verbosity <= 0 && v != KTSTR_FAIL && !flaky)
		return;
	if (color)
		sb_printf(sb, "%s%s%s %s", flaky ? MAGENTA : verdict_color(v), word, RESET,
			  t->name);
	else
		sb_printf(sb, "%s %s", word, t->name);
	if (t->topology || t->accel || t->scheduler) {
		const char *parts[] = { t->topology, t->accel, t->scheduler };
		const char *sep = " (";

		for (size_t i = 0; i < ARRAY_SIZE(parts); i++) {
			if (parts[i]) {
				sb_printf(sb, "%s%s", sep, parts[i]);
				sep = ", ";
			}
		}
		sb_append(sb, ")");
	}
	sb_printf(sb, " %s", timefmt_duration(t->wall_s, dur, sizeof(dur)));
	if (flaky)
		sb_printf(sb, " (passed on attempt %u of %u)", t->attempt, t->max_attempts);
	else if (v == KTSTR_FAIL && t->max_attempts > 1 && t->attempt == t->max_attempts)
		sb_printf(sb, " (failed all %u attempts)", t->max_attempts);
	sb_append(sb, "\n");

	if (t->note)
		append_indented(sb, IND, t->note);
	if (v == KTSTR_SKIP) {
		if (t->result && t->result->skip_reason)
			append_indented(sb, IND, t->result->skip_reason);
		else
			section_details(sb, t->result);
	} else if (v == KTSTR_FAIL) {
		section_details(sb, t->result);
		section_stats(sb, t->result);
		if (t->show_diagnostics || verbose) {
			section_diagnostics(sb, t);
			section_sched_log(sb, t->sched_log);
		}
		section_sched_ext_dump(sb, t->sched_ext_dump, verbose);
		section_monitor(sb, t->monitor);
		section_guest_log(sb, t->guest_log, verbose);
	} else if (verbose) {
		section_stats(sb, t->result);
		section_monitor(sb, t->monitor);
		section_guest_log(sb, t->guest_log, true);
	}
	if (verbose && t->record_path)
		sb_printf(sb, IND "record: %s\n", t->record_path);
}

void output_summary_format(struct strbuf *sb, unsigned passed, unsigned failed, unsigned flaky,
			   unsigned skipped, unsigned interrupted, bool with_flaky)
{
	if (with_flaky || flaky)
		sb_printf(sb, "%u passed, %u failed, %u flaky, %u skipped", passed, failed, flaky,
			  skipped);
	else
		sb_printf(sb, "%u passed, %u failed, %u skipped", passed, failed, skipped);
	if (interrupted)
		sb_printf(sb, ", %u interrupted", interrupted);
	sb_append(sb, "\n");
}

int output_summary_parse(const char *text, unsigned *passed, unsigned *failed, unsigned *flaky,
			 unsigned *skipped, unsigned *interrupted)
{
	int found = -ENOENT;

	for (const char *line = text; line && *line;) {
		const char *nl = strchr(line, '\n');
		unsigned p, f, k = 0, s, i = 0;
		int end = -1, more = -1;

		/* The whole line must be the summary: nothing before or after it. */
		if (line[0] < '0' || line[0] > '9') {
			line = nl ? nl + 1 : NULL;
			continue;
		}
		sscanf(line, "%u passed, %u failed, %u skipped%n", &p, &f, &s, &end);
		if (end < 0)
			sscanf(line, "%u passed, %u failed, %u flaky, %u skipped%n", &p, &f, &k, &s,
			       &end);
		/* ", N interrupted" (N > 0) when a signal stopped tests */
		if (end > 0 && line[end] == ',') {
			sscanf(line + end, ", %u interrupted%n", &i, &more);
			end = more > 0 && i ? end + more : -1;
		}
		if (end > 0 && (line[end] == '\n' || !line[end])) {
			*passed = p;
			*failed = f;
			*flaky = k;
			*skipped = s;
			*interrupted = i;
			found = 0;
		}
		line = nl ? nl + 1 : NULL;
	}
	return found;
}

static json_t *list_item_json(const struct plan_item *it)
{
	const struct ktstr_test *t = it->test;
	unsigned cpus = t->host_only ? 0 : topo_total_cpus(&it->topo);
	json_t *flags = json_array();
	char tbuf[64];

	for (const char **f = it->flags; f && *f; f++)
		json_array_append_new(flags, json_string(*f));
	return json_pack(
		"{s:s, s:s, s:s?, s:i, s:s, s:o, s:i, s:s?, s:s?, s:o, s:s?, s:s?, s:i, s:i, s:i, "
		"s:b, s:b}",
		"name", it->name, "test", t->name, "file", t->file, "line", t->line, "scheduler",
		entry_scheduler(t)->name, "topology",
		t->host_only ? json_null() : json_string(topo_format(&it->topo, tbuf, sizeof(tbuf))),
		"cpus", (int)cpus, "preset", it->preset ? it->preset->name : NULL, "profile",
		it->profile, "flags", flags, "kernel", it->kernel ? it->kernel->spec : NULL,
		"kernel_label", it->kernel ? it->kernel->label : NULL, "duration_s",
		(int)entry_duration_s(t), "timeout_s_tcg", (int)entry_timeout_s(t, cpus, ACCEL_TCG),
		"timeout_s_kvm", (int)entry_timeout_s(t, cpus, ACCEL_KVM), "host_only", t->host_only,
		"expect_err", t->expect_err);
}

void output_list_format(struct strbuf *sb, const struct plan_item *items, size_t n, bool json)
{
	json_t *arr;
	char *s;

	if (!json) {
		for (size_t i = 0; i < n; i++)
			sb_printf(sb, "%s\n", items[i].name);
		return;
	}
	arr = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(arr, list_item_json(&items[i]));
	s = json_dumps(arr, JSON_INDENT(2));
	sb_append(sb, s);
	sb_append(sb, "\n");
	free(s);
	json_decref(arr);
}

char *output_xml_escape(const char *s)
{
	struct strbuf sb = { 0 };

	for (const unsigned char *p = (const unsigned char *)(s ? s : ""); *p; p++) {
		switch (*p) {
		case '&':
			sb_append(&sb, "&amp;");
			break;
		case '<':
			sb_append(&sb, "&lt;");
			break;
		case '>':
			sb_append(&sb, "&gt;");
			break;
		case '"':
			sb_append(&sb, "&quot;");
			break;
		case '\'':
			sb_append(&sb, "&apos;");
			break;
		case '\t':
		case '\n':
		case '\r':
			sb_appendn(&sb, (const char *)p, 1);
			break;
		default:
			if (*p < 0x20)
				sb_append(&sb, "\xef\xbf\xbd"); /* not allowed in XML 1.0: U+FFFD */
			else
				sb_appendn(&sb, (const char *)p, 1);
		}
	}
	return sb_steal(&sb);
}

/* A case's message (first detail or skip reason) and text (every detail). */
static void report_case_describe(struct output_report_case *c, const struct ktstr_result *res)
{
	struct strbuf text = { 0 };

	c->verdict = res ? res->verdict : KTSTR_FAIL;
	if (res && res->verdict == KTSTR_SKIP && res->skip_reason)
		c->message = xstrdup(res->skip_reason);
	else if (res && res->ndetails)
		c->message = xstrdup(res->details[0].msg);
	else if (!res)
		c->message = xstrdup("no result");
	for (unsigned i = 0; res && i < res->ndetails; i++)
		sb_printf(&text, "[%s] %s\n", fail_kind_name(res->details[i].kind),
			  res->details[i].msg);
	c->text = text.len ? sb_steal(&text) : NULL;
	sb_free(&text);
}

static void report_case_free(struct output_report_case *c)
{
	free(c->name);
	free(c->variant);
	free(c->message);
	free(c->text);
	for (unsigned i = 0; i < c->nreruns; i++)
		report_case_free(&c->reruns[i]);
	free(c->reruns);
}

void output_report_add(struct output_report *r, const struct output_test *t)
{
	struct output_report_case *c;

	if (r->n == r->cap) {
		r->cap = r->cap ? r->cap * 2 : 16;
		r->cases = xrealloc(r->cases, r->cap * sizeof(*r->cases));
	}
	c = &r->cases[r->n++];
	memset(c, 0, sizeof(*c));
	c->name = xstrdup(t->name);
	c->variant = t->topology ? xstrdup(t->topology) : NULL;
	c->time_s = t->wall_s;
	report_case_describe(c, t->result);
	if (t->console_tail && c->verdict == KTSTR_FAIL && t->show_diagnostics) {
		char *text = xasprintf("%s--- console ---\n%s\n", c->text ? c->text : "",
				       t->console_tail);

		free(c->text);
		c->text = text;
	}
	c->attempt = t->attempt;
	c->max_attempts = t->max_attempts;
	c->flaky = c->verdict == KTSTR_PASS && t->attempt > 1;
	if (t->nattempts > 1) {
		c->nreruns = t->nattempts - 1;
		c->reruns = xcalloc(c->nreruns, sizeof(*c->reruns));
		for (unsigned i = 0; i < c->nreruns; i++) {
			c->reruns[i].time_s = t->attempts[i].wall_s;
			report_case_describe(&c->reruns[i], &t->attempts[i].result);
		}
	}
	if (c->flaky)
		r->flaky++;
	else if (c->verdict == KTSTR_PASS)
		r->passed++;
	else if (c->verdict == KTSTR_SKIP)
		r->skipped++;
	else if (c->verdict == KTSTR_INTERRUPTED)
		r->interrupted++;
	else
		r->failed++;
}

void output_report_free(struct output_report *r)
{
	for (size_t i = 0; i < r->n; i++)
		report_case_free(&r->cases[i]);
	free(r->cases);
	memset(r, 0, sizeof(*r));
}

int output_report_exit_code(const struct output_report *r, bool flaky_fails)
{
	return r->failed || (flaky_fails && r->flaky) ? KTSTR_EXIT_FAIL : KTSTR_EXIT_PASS;
}

/* One <flakyFailure>/<rerunFailure> per earlier attempt. */
static void junit_reruns(struct strbuf *sb, const struct output_report_case *c, const char *tag)
{
	for (unsigned i = 0; i < c->nreruns; i++) {
		char *msg = output_xml_escape(c->reruns[i].message);
		char *text = output_xml_escape(c->reruns[i].text);

		sb_printf(sb, "      <%s message=\"%s\" type=\"failure\">%s</%s>\n", tag, msg, text,
			  tag);
		free(msg);
		free(text);
	}
}

void output_junit_format(struct strbuf *sb, const struct output_report *r, const char *suite)
{
	char *esuite = output_xml_escape(suite);
	double total = 0;

	for (size_t i = 0; i < r->n; i++)
		total += r->cases[i].time_s > 0 ? r->cases[i].time_s : 0;
	sb_append(sb, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
	sb_printf(sb, "<testsuites tests=\"%zu\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" "
		  "time=\"%.3f\">\n", r->n, r->failed, r->interrupted, r->skipped, total);
	sb_printf(sb,
		  "  <testsuite name=\"%s\" tests=\"%zu\" failures=\"%u\" errors=\"%u\" skipped=\"%u\" time=\"%.3f\">\n",
		  esuite, r->n, r->failed, r->interrupted, r->skipped, total);
	for (size_t i = 0; i < r->n; i++) {
		const struct output_report_case *c = &r->cases[i];
		char *name = output_xml_escape(c->name);
		char *msg = output_xml_escape(c->message);
		char *variant = output_xml_escape(c->variant);

		sb_printf(sb, "    <testcase name=\"%s\" classname=\"%s%s%s\" time=\"%.3f\"", name,
			  esuite, *variant ? "." : "", variant, c->time_s > 0 ? c->time_s : 0);
		free(variant);
		if (c->verdict == KTSTR_PASS && !c->nreruns) {
			sb_append(sb, "/>\n");
		} else if (c->verdict == KTSTR_PASS) {
			sb_append(sb, ">\n");
			junit_reruns(sb, c, "flakyFailure");
			sb_printf(sb, "      <system-out>passed on attempt %u of %u</system-out>\n"
				  "    </testcase>\n", c->attempt, c->max_attempts);
		} else if (c->verdict == KTSTR_SKIP) {
			sb_printf(sb, ">\n      <skipped message=\"%s\"/>\n    </testcase>\n", msg);
		} else if (c->verdict == KTSTR_INTERRUPTED) {
			sb_printf(sb, ">\n      <error message=\"%s\" type=\"interrupted\"/>\n"
				  "    </testcase>\n", msg);
		} else {
			char *text = output_xml_escape(c->text);

			sb_printf(sb, ">\n      <failure message=\"%s\" type=\"failure\">%s"
				  "</failure>\n", msg, text);
			junit_reruns(sb, c, "rerunFailure");
			sb_append(sb, "    </testcase>\n");
			free(text);
		}
		free(name);
		free(msg);
	}
	sb_append(sb, "  </testsuite>\n</testsuites>\n");
	free(esuite);
}

int output_junit_write(const struct output_report *r, const char *suite, const char *path,
		       char **err)
{
	struct strbuf sb = { 0 };
	int ret;

	output_junit_format(&sb, r, suite);
	ret = file_write_atomic(path, sb.buf, sb.len);
	if (ret < 0 && err)
		*err = xasprintf("cannot write JUnit file %s: %s", path, strerror(-ret));
	sb_free(&sb);
	return ret;
}
