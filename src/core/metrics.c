// SPDX-License-Identifier: GPL-2.0-only
#include "core/metrics.h"
#include "util/util.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

/* How many candidate regions to try before giving up (bounds the work on hostile input). */
#define MAX_REGION_TRIES 16
/* How much of stderr an exit-code failure quotes. */
#define STDERR_TAIL 1024

void metrics_init(struct metric_set *ms)
{
	memset(ms, 0, sizeof(*ms));
}

void metrics_free(struct metric_set *ms)
{
	for (unsigned i = 0; i < ms->n; i++) {
		free(ms->v[i].name);
		free(ms->v[i].unit);
	}
	free(ms->v);
	metrics_init(ms);
}

struct metric *metrics_add(struct metric_set *ms, const char *name, double value)
{
	if (ms->n % 64 == 0)
		ms->v = xrealloc(ms->v, (ms->n + 64) * sizeof(*ms->v));
	ms->v[ms->n] = (struct metric){ .name = xstrdup(name), .value = value, .unit = xstrdup("") };
	return &ms->v[ms->n++];
}

/* Whether JSON text is inside a string literal (escapes included). */
struct json_string_state {
	bool in_string, escape;
};

/* Feed one byte; true when it belongs to a string literal (quotes included). */
static bool in_json_string(struct json_string_state *js, char c)
{
	if (js->in_string) {
		if (js->escape)
			js->escape = false;
		else if (c == '\\')
			js->escape = true;
		else if (c == '"')
			js->in_string = false;
		return true;
	}
	if (c == '"')
		js->in_string = true;
	return js->in_string;
}

int metrics_find_region(const char *s, size_t len, size_t from, size_t *start, size_t *rlen)
{
	struct json_string_state js = { 0 };
	size_t depth = 0, i = from;

	while (i < len && s[i] != '{' && s[i] != '[')
		i++;
	if (i >= len)
		return -ENOENT;
	*start = i;
	for (; i < len; i++) {
		char c = s[i];

		if (in_json_string(&js, c))
			continue;
		if (c == '{' || c == '[') {
			depth++;
		} else if (c == '}' || c == ']') {
			if (--depth == 0) {
				*rlen = i - *start + 1;
				return 0;
			}
		}
	}
	return -EPROTO; /* opener at *start never closes */
}

/* Length of the valid UTF-8 sequence at p (as jansson validates it), 0 if invalid. */
static size_t utf8_seq(const unsigned char *p, size_t n)
{
	unsigned char c = p[0];
	size_t need;
	unsigned char lo = 0x80, hi = 0xbf;

	if (c < 0x80)
		return 1;
	if (c >= 0xc2 && c <= 0xdf)
		need = 2;
	else if (c >= 0xe0 && c <= 0xef)
		need = 3;
	else if (c >= 0xf0 && c <= 0xf4)
		need = 4;
	else
		return 0;
	if (c == 0xe0)
		lo = 0xa0; /* overlong */
	else if (c == 0xed)
		hi = 0x9f; /* surrogates */
	else if (c == 0xf0)
		lo = 0x90; /* overlong */
	else if (c == 0xf4)
		hi = 0x8f; /* > U+10FFFF */
	if (n < need || p[1] < lo || p[1] > hi)
		return 0;
	for (size_t k = 2; k < need; k++)
		if (p[k] < 0x80 || p[k] > 0xbf)
			return 0;
	return need;
}

static bool is_number_char(char c)
{
	return (c >= '0' && c <= '9') || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E';
}

/* A JSON number token starts at s[i] (outside strings). */
static bool number_starts(const char *s, size_t i)
{
	char p = i ? s[i - 1] : ' ';

	if (s[i] != '-' && (s[i] < '0' || s[i] > '9'))
		return false;
	return !is_number_char(p) && !(p >= 'a' && p <= 'z') && !(p >= 'A' && p <= 'Z');
}

/*
 * Copy a JSON text so jansson accepts what it should: invalid UTF-8 bytes
 * become U+FFFD, integers beyond int64 become reals (".0" appended), numbers beyond
 * double range become null (skipped by the walker). Everything else is copied.
 */
static char *sanitize(const char *s, size_t len, size_t *out_len, struct metric_set *ms)
{
	struct json_string_state js = { 0 };
	struct strbuf sb = { 0 };
	size_t i = 0;

	while (i < len) {
		size_t seq = utf8_seq((const unsigned char *)s + i, len - i);
		char c = s[i];

		if (!seq) {
			sb_append(&sb, "\xef\xbf\xbd");
			ms->bad_utf8++;
			i++;
			continue;
		}
		if (!in_json_string(&js, c) && number_starts(s, i)) {
			size_t j = i;
			char *tok;
			double d;

			while (j < len && is_number_char(s[j]))
				j++;
			tok = xstrndup(s + i, j - i);
			d = strtod(tok, NULL);
			if (isinf(d)) {
				sb_append(&sb, "null");
				ms->skipped_numbers++;
			} else {
				sb_append(&sb, tok);
				if (!strpbrk(tok, ".eE")) {
					errno = 0;
					(void)strtoll(tok, NULL, 10);
					if (errno == ERANGE)
						sb_append(&sb, ".0");
				}
			}
			free(tok);
			i = j;
			continue;
		}
		sb_appendn(&sb, s + i, seq);
		i += seq;
	}
	*out_len = sb.len;
	return sb_steal(&sb);
}

struct walk {
	struct metric_set *ms;
	struct strbuf path;
	unsigned cut;
};

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void walk_value(struct walk *w, const json_t *v, unsigned depth);

static void walk_child(struct walk *w, const char *seg, const json_t *v, unsigned depth)
{
	size_t keep = w->path.len;

	if (keep)
		sb_append(&w->path, ".");
	sb_append(&w->path, seg);
	walk_value(w, v, depth);
	w->path.len = keep;
	if (w->path.buf)
		w->path.buf[keep] = '\0';
}

static void walk_value(struct walk *w, const json_t *v, unsigned depth)
{
	if (json_is_number(v)) {
		if (w->ms->n >= METRICS_MAX_COUNT) {
			w->cut++;
			return;
		}
		metrics_add(w->ms, w->path.len ? w->path.buf : "value", json_number_value(v));
		return;
	}
	if (!json_is_object(v) && !json_is_array(v))
		return; /* strings, booleans, null */
	if (depth >= METRICS_MAX_DEPTH) {
		w->cut++;
		return;
	}
	if (json_is_array(v)) {
		char idx[24];

		for (size_t i = 0; i < json_array_size(v); i++) {
			snprintf(idx, sizeof(idx), "%zu", i);
			walk_child(w, idx, json_array_get(v, i), depth + 1);
		}
	} else {
		size_t n = json_object_size(v), k = 0;
		const char **keys = xcalloc(n ? n : 1, sizeof(*keys));
		const char *key;
		json_t *val;

		json_object_foreach((json_t *)v, key, val)
			keys[k++] = key;
		qsort(keys, k, sizeof(*keys), cmp_str);
		for (size_t i = 0; i < k; i++)
			walk_child(w, keys[i], json_object_get(v, keys[i]), depth + 1);
		free(keys);
	}
}

void metrics_walk(const json_t *v, struct metric_set *ms)
{
	struct walk w = { .ms = ms };

	walk_value(&w, v, 0);
	sb_free(&w.path);
	if (w.cut) {
		ms->truncated = true;
		metrics_add(ms, METRICS_TRUNCATED, w.cut);
	}
}

/* Parse one candidate text; on success walk it into ms. */
static int parse_walk(const char *s, size_t len, struct metric_set *ms, char **msg)
{
	json_error_t jerr;
	size_t clean_len;
	char *clean = sanitize(s, len, &clean_len, ms);
	json_t *root = json_loadb(clean, clean_len, JSON_DECODE_ANY, &jerr);

	free(clean);
	if (!root) {
		*msg = xasprintf("%s (line %d, column %d)", jerr.text, jerr.line, jerr.column);
		return -EINVAL;
	}
	metrics_walk(root, ms);
	json_decref(root);
	return 0;
}

static bool is_blank(const char *s, size_t len)
{
	for (size_t i = 0; i < len; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			return false;
	return true;
}

/*
 * A region that text follows on its own line ("[1234] dispatching hogs",
 * "[    0.001] dmesg") is a log prefix, not a document: it is tried only when no
 * standalone region parses.
 */
static bool region_standalone(const char *s, size_t len, size_t end)
{
	for (size_t i = end; i < len && s[i] != '\n'; i++) {
		if (s[i] == '{' || s[i] == '[')
			return true;
		if (!strchr(" \t\r", s[i]))
			return false;
	}
	return true;
}

/* Try up to MAX_REGION_TRIES regions; standalone_only skips log prefixes. */
static int extract_regions(const char *s, size_t len, bool standalone_only, struct metric_set *ms,
			   char **first_err)
{
	size_t from = 0, start, rlen;
	int rc = -ENOENT;

	for (int tries = 0; tries < MAX_REGION_TRIES; tries++) {
		char *msg = NULL;
		int r = metrics_find_region(s, len, from, &start, &rlen);

		if (r == -ENOENT)
			break;
		if (r == 0 && standalone_only && !region_standalone(s, len, start + rlen)) {
			from = start + rlen; /* skipping costs no parse, and no rescan */
			tries--;
			continue;
		}
		from = start + 1;
		if (r == 0) {
			metrics_free(ms);
			if (parse_walk(s + start, rlen, ms, &msg) == 0)
				return (int)ms->n;
		} else {
			msg = xstrdup("unbalanced brackets");
		}
		if (!*first_err)
			*first_err = xasprintf("JSON at byte %zu does not parse: %s", start, msg);
		free(msg);
		rc = -EINVAL;
	}
	metrics_free(ms);
	return rc;
}

int metrics_extract(const char *s, size_t len, struct metric_set *ms, char **err)
{
	char *first_err = NULL;
	int rc;

	metrics_free(ms);
	if (len > METRICS_MAX_INPUT) {
		if (err)
			*err = xasprintf("payload output is %zu bytes, over the %u byte limit", len,
					 METRICS_MAX_INPUT);
		return -E2BIG;
	}
	rc = extract_regions(s, len, true, ms, &first_err);
	if (rc < 0) {
		int rc2 = extract_regions(s, len, false, ms, &first_err);

		rc = rc2 >= 0 || rc == -ENOENT ? rc2 : rc;
	}
	if (rc >= 0) {
		free(first_err);
		return rc;
	}
	if (rc == -ENOENT && !is_blank(s, len)) {
		/* No object or array: the output may be a bare number. */
		char *msg = NULL;
		size_t b = 0, e = len;

		while (b < e && strchr(" \t\r\n", s[b]))
			b++;
		while (e > b && strchr(" \t\r\n", s[e - 1]))
			e--;
		if (parse_walk(s + b, e - b, ms, &msg) == 0)
			return (int)ms->n;
		free(msg);
		metrics_free(ms);
	}
	if (err)
		*err = first_err ? first_err : xstrdup("no JSON object or array in payload output");
	else
		free(first_err);
	return rc;
}

int metrics_extract_streams(const char *out, size_t out_len, const char *errs, size_t err_len,
			    struct metric_set *ms, char **err)
{
	char *out_err = NULL;
	int rc = metrics_extract(out ? out : "", out ? out_len : 0, ms, &out_err);

	ms->stream = METRIC_STDOUT;
	if (rc > 0 || !errs || is_blank(errs, err_len)) {
		if (err && rc < 0)
			*err = out_err;
		else
			free(out_err);
		return rc;
	}
	rc = metrics_extract(errs, err_len, ms, err);
	ms->stream = METRIC_STDERR;
	if (rc < 0 && err) {
		char *both = xasprintf("stdout: %s; stderr: %s", out_err, *err);

		free(*err);
		*err = both;
	}
	free(out_err);
	return rc;
}

void metrics_apply_hints(struct metric_set *ms, const struct ktstr_metric_hint *hints)
{
	for (const struct ktstr_metric_hint *h = hints; h && h->name; h++) {
		for (unsigned i = 0; i < ms->n; i++) {
			struct metric *m = &ms->v[i];

			if (strcmp(m->name, h->name))
				continue;
			m->polarity = h->polarity;
			m->target = h->target;
			free(m->unit);
			m->unit = xstrdup(h->unit ? h->unit : "");
		}
	}
}

const struct metric *metrics_find(const struct metric_set *ms, const char *name)
{
	for (unsigned i = 0; i < ms->n; i++)
		if (!strcmp(ms->v[i].name, name))
			return &ms->v[i];
	return NULL;
}

/* The last STDERR_TAIL bytes of trimmed stderr, cut at a UTF-8 boundary. */
static char *stderr_tail(const char *s)
{
	size_t len = strlen(s), b = 0;

	while (len && strchr(" \t\r\n", s[len - 1]))
		len--;
	if (len > STDERR_TAIL) {
		b = len - STDERR_TAIL;
		while (b < len && ((unsigned char)s[b] & 0xc0) == 0x80)
			b++;
	}
	return xasprintf("%s%.*s", b ? "..." : "", (int)(len - b), s + b);
}

int metrics_check(const struct metric_set *ms, int exit_code, const char *stderr_text,
		  const struct ktstr_metric_check *checks, struct ktstr_result *r)
{
	char a[STR_DOUBLE_LEN], b[STR_DOUBLE_LEN], c[STR_DOUBLE_LEN];
	int failed = 0;

	for (const struct ktstr_metric_check *ck = checks; ck && ck->kind; ck++) {
		if (ck->kind != KTSTR_CK_EXIT_CODE || exit_code == ck->exit_code)
			continue;
		if (stderr_text && !is_blank(stderr_text, strlen(stderr_text))) {
			char *tail = stderr_tail(stderr_text);

			result_fail(r, KTSTR_METRIC, "payload exited with code %d, expected %d; stderr:\n%s",
				    exit_code, ck->exit_code, tail);
			free(tail);
		} else {
			result_fail(r, KTSTR_METRIC, "payload exited with code %d, expected %d", exit_code,
				    ck->exit_code);
		}
		return 1;
	}
	for (const struct ktstr_metric_check *ck = checks; ck && ck->kind; ck++) {
		const struct metric *m;

		if (ck->kind == KTSTR_CK_EXIT_CODE)
			continue;
		if (ck->kind > KTSTR_CK_EXIT_CODE || !ck->metric) {
			result_fail(r, KTSTR_METRIC, "invalid metric check (kind %d, metric %s)",
				    (int)ck->kind, ck->metric ? ck->metric : "none");
			failed++;
			continue;
		}
		m = metrics_find(ms, ck->metric);
		if (!m) {
			result_fail(r, KTSTR_METRIC, "metric '%s' not found in payload output",
				    ck->metric);
			failed++;
			continue;
		}
		str_fmt_double(a, m->value);
		str_fmt_double(b, ck->lo);
		str_fmt_double(c, ck->hi);
		if (ck->kind == KTSTR_CK_MIN && m->value < ck->lo) {
			result_fail(r, KTSTR_METRIC, "metric '%s' = %s below minimum %s", m->name, a, b);
			failed++;
		} else if (ck->kind == KTSTR_CK_MAX && m->value > ck->hi) {
			result_fail(r, KTSTR_METRIC, "metric '%s' = %s exceeds maximum %s", m->name, a, c);
			failed++;
		} else if (ck->kind == KTSTR_CK_RANGE && (m->value < ck->lo || m->value > ck->hi)) {
			result_fail(r, KTSTR_METRIC, "metric '%s' = %s outside [%s, %s]", m->name, a, b,
				    c);
			failed++;
		}
	}
	return failed;
}

static const char *const polarity_names[] = {
	[KTSTR_POLARITY_UNKNOWN] = "unknown",
	[KTSTR_HIGHER_BETTER] = "higher_better",
	[KTSTR_LOWER_BETTER] = "lower_better",
	[KTSTR_TARGET_VALUE] = "target",
};

const char *metrics_polarity_name(enum ktstr_polarity p)
{
	return (size_t)p < ARRAY_SIZE(polarity_names) ? polarity_names[p] : "unknown";
}

int metrics_polarity_parse(const char *s)
{
	for (size_t i = 0; i < ARRAY_SIZE(polarity_names); i++)
		if (s && !strcmp(polarity_names[i], s))
			return (int)i;
	return -1;
}

json_t *metrics_to_json(const struct metric_set *ms)
{
	json_t *arr = json_array();

	for (unsigned i = 0; i < ms->n; i++) {
		const struct metric *m = &ms->v[i];
		json_t *o = json_pack("{s:s, s:f, s:s, s:s}", "name", m->name, "value", m->value,
				      "polarity", metrics_polarity_name(m->polarity), "unit", m->unit);

		if (m->polarity == KTSTR_TARGET_VALUE)
			json_object_set_new(o, "target", json_real(m->target));
		json_array_append_new(arr, o);
	}
	return arr;
}

int metrics_from_json(const json_t *j, struct metric_set *ms, char **err)
{
	size_t i;
	json_t *o;

	if (!json_is_array(j)) {
		*err = xstrdup("metrics: expected an array");
		return -EINVAL;
	}
	json_array_foreach(j, i, o) {
		json_t *name = json_object_get(o, "name"), *value = json_object_get(o, "value");
		json_t *pol = json_object_get(o, "polarity"), *unit = json_object_get(o, "unit");
		json_t *target = json_object_get(o, "target");
		int p = KTSTR_POLARITY_UNKNOWN;

		if (!json_is_object(o) || !json_is_string(name) || !json_is_number(value)) {
			*err = xasprintf("metrics[%zu]: needs a string \"name\" and a number \"value\"", i);
			return -EINVAL;
		}
		if (pol && (!json_is_string(pol) || (p = metrics_polarity_parse(json_string_value(pol))) < 0)) {
			*err = xasprintf("metrics[%zu] (%s): bad polarity", i, json_string_value(name));
			return -EINVAL;
		}
		if ((unit && !json_is_string(unit)) ||
		    (p == KTSTR_TARGET_VALUE && !json_is_number(target))) {
			*err = xasprintf("metrics[%zu] (%s): bad unit or missing target", i,
					 json_string_value(name));
			return -EINVAL;
		}
		metrics_add(ms, json_string_value(name), json_number_value(value));
		ms->v[ms->n - 1].polarity = p;
		if (p == KTSTR_TARGET_VALUE)
			ms->v[ms->n - 1].target = json_number_value(target);
		if (unit) {
			free(ms->v[ms->n - 1].unit);
			ms->v[ms->n - 1].unit = xstrdup(json_string_value(unit));
		}
		if (!strcmp(json_string_value(name), METRICS_TRUNCATED))
			ms->truncated = true;
	}
	return 0;
}
