// SPDX-License-Identifier: GPL-2.0-only
#include "util/yaml.h"
#include "util/util.h"

#include <errno.h>
#include <math.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

struct yline {
	unsigned indent;
	char *text; /* after the indentation, trailing blanks removed; points into the copy */
	unsigned no;  /* 1-based line number */
};

struct yparser {
	struct yline *l;
	unsigned n, i;
	unsigned depth;
	char *err;
};

static json_t *perr(struct yparser *p, unsigned no, const char *msg)
{
	if (!p->err)
		p->err = xasprintf("line %u: %s", no, msg);
	return NULL;
}

/* ---- scalars ---- */

static bool is_number(const char *s)
{
	const char *q = s;
	bool digits = false;

	if (*q == '+' || *q == '-')
		q++;
	while (*q >= '0' && *q <= '9')
		q++, digits = true;
	if (*q == '.')
		for (q++; *q >= '0' && *q <= '9'; q++)
			digits = true;
	if (!digits)
		return false;
	if (*q == 'e' || *q == 'E') {
		q++;
		if (*q == '+' || *q == '-')
			q++;
		if (!(*q >= '0' && *q <= '9'))
			return false;
		while (*q >= '0' && *q <= '9')
			q++;
	}
	return !*q;
}

static json_t *plain_value(const char *s)
{
	if (!*s || !strcmp(s, "~") || !strcmp(s, "null"))
		return json_null();
	if (!strcmp(s, "true"))
		return json_true();
	if (!strcmp(s, "false"))
		return json_false();
	if (is_number(s)) {
		bool integral = !strpbrk(s, ".eE");
		char *end;

		if (integral) {
			long long v;

			errno = 0;
			v = strtoll(s, &end, 10);
			if (!errno && !*end)
				return json_integer(v);
		}
		double d = strtod(s, &end);

		if (isfinite(d))
			return json_real(d);
	}
	return json_string(s);
}

/*
 * A quoted scalar at s (s[0] is the quote). Returns the decoded string and
 * sets *rest past the closing quote, or NULL when it does not close.
 */
static char *quoted(const char *s, const char **rest)
{
	struct strbuf sb = { 0 };
	char q = s[0];
	const char *c = s + 1;

	for (; *c; c++) {
		if (q == '\'' && *c == '\'') {
			if (c[1] != '\'')
				break;
			sb_appendn(&sb, "'", 1);
			c++;
		} else if (q == '"' && *c == '"') {
			break;
		} else if (q == '"' && *c == '\\' && c[1]) {
			static const char from[] = "nt\"\\/0r", to[] = "\n\t\"\\/\0\r";
			const char *k = strchr(from, c[1]);

			c++;
			if (k && *k)
				sb_appendn(&sb, &to[k - from], 1);
			else
				sb_appendn(&sb, c - 1, 2);
		} else {
			sb_appendn(&sb, c, 1);
		}
	}
	if (*c != q) {
		sb_free(&sb);
		return NULL;
	}
	*rest = c + 1;
	return sb_steal(&sb);
}

/* Only blanks or a comment left? */
static bool blank_rest(const char *s)
{
	while (*s == ' ')
		s++;
	return !*s || *s == '#';
}

static json_t *scalar(struct yparser *p, unsigned no, const char *s)
{
	if (*s == '\'' || *s == '"') {
		const char *rest;
		char *v = quoted(s, &rest);
		json_t *j;

		if (!v)
			return perr(p, no, "unterminated quoted scalar");
		if (!blank_rest(rest)) {
			free(v);
			return perr(p, no, "text after a quoted scalar");
		}
		j = json_string(v);
		free(v);
		return j ? j : json_string("\xef\xbf\xbd"); /* not UTF-8: a replacement mark */
	}
	{
		char *v = xstrdup(s), *h = v;
		json_t *j;

		/* a comment starts at " #" */
		while ((h = strchr(h, '#')) && !(h == v || h[-1] == ' '))
			h++;
		if (h)
			*h = '\0';
		str_trim(v);
		for (size_t k = strlen(v); k && v[k - 1] == ' '; k--)
			v[k - 1] = '\0';
		j = plain_value(v);
		free(v);
		return j ? j : json_string("\xef\xbf\xbd");
	}
}

/* ---- line kinds ---- */

static bool is_item(const char *t)
{
	return t[0] == '-' && (t[1] == ' ' || !t[1]);
}

/*
 * A "key: value" line? Sets *key (allocated) and *val (into t, may be "").
 * Plain keys end at the first ": " (or a final ':'); quoted keys at their quote.
 */
static bool split_key(const char *t, char **key, const char **val)
{
	const char *c;

	if (*t == '\'' || *t == '"') {
		const char *rest;
		char *k = quoted(t, &rest);

		if (!k)
			return false;
		while (*rest == ' ')
			rest++;
		if (*rest != ':' || (rest[1] && rest[1] != ' ')) {
			free(k);
			return false;
		}
		*key = k;
		*val = rest + 1;
	} else {
		if (*t == '#' || *t == '[' || *t == '{')
			return false;
		for (c = t; *c; c++) {
			if (*c == '#' && c > t && c[-1] == ' ')
				return false;
			if (*c == ':' && (c[1] == ' ' || !c[1]))
				break;
		}
		if (!*c)
			return false;
		*key = xstrndup(t, (size_t)(c - t));
		for (size_t k = strlen(*key); k && (*key)[k - 1] == ' '; k--)
			(*key)[k - 1] = '\0';
		*val = c + 1;
	}
	while (**val == ' ')
		(*val)++;
	return true;
}

/* ---- blocks ---- */

static json_t *block(struct yparser *p, unsigned indent);

/* "|" / ">" block scalar: the following more indented lines. */
static json_t *block_scalar(struct yparser *p, unsigned indent, bool fold)
{
	struct strbuf sb = { 0 };
	json_t *j;

	while (p->i < p->n && p->l[p->i].indent > indent) {
		if (sb.len)
			sb_append(&sb, fold ? " " : "\n");
		sb_append(&sb, p->l[p->i].text);
		p->i++;
	}
	j = json_string(sb.buf ? sb.buf : "");
	sb_free(&sb);
	return j ? j : json_string("\xef\xbf\xbd");
}

/* The value after "key:" or "-" when nothing follows on the line. */
static json_t *nested(struct yparser *p, unsigned indent, bool seq_same_indent)
{
	if (p->i < p->n && p->l[p->i].indent > indent)
		return block(p, p->l[p->i].indent);
	if (seq_same_indent && p->i < p->n && p->l[p->i].indent == indent &&
	    is_item(p->l[p->i].text))
		return block(p, indent);
	return json_null();
}

/* The line's content from column off on becomes a line of its own (for "- key: v"). */
static void reindent(struct yline *l, unsigned off)
{
	l->indent += off;
	l->text += off;
}

static json_t *value_of(struct yparser *p, struct yline *l, const char *val, unsigned indent,
			bool is_map_value)
{
	if (!*val || *val == '#') {
		p->i++;
		return nested(p, indent, is_map_value);
	}
	if ((val[0] == '|' || val[0] == '>') && blank_rest(val + 1 + strspn(val + 1, "+-0123456789"))) {
		p->i++;
		return block_scalar(p, indent, val[0] == '>');
	}
	p->i++;
	return scalar(p, l->no, val);
}

static json_t *seq(struct yparser *p, unsigned indent)
{
	json_t *arr = json_array();

	while (p->i < p->n && !p->err) {
		struct yline *l = &p->l[p->i];
		json_t *v;

		if (l->indent < indent || (l->indent == indent && !is_item(l->text)))
			break; /* the parent goes on (a key after a sequence at its indentation) */
		if (l->indent > indent) {
			json_decref(arr);
			return perr(p, l->no, "unexpected indentation");
		}
		if (!l->text[1] || blank_rest(l->text + 1)) {
			p->i++;
			v = nested(p, indent, false);
		} else {
			/* "- x": x is a block at the column it starts in */
			reindent(l, 1 + (unsigned)strspn(l->text + 1, " "));
			v = block(p, l->indent);
		}
		if (!v) {
			json_decref(arr);
			return NULL;
		}
		json_array_append_new(arr, v);
	}
	return arr;
}

static json_t *map(struct yparser *p, unsigned indent)
{
	json_t *obj = json_object();

	while (p->i < p->n && !p->err) {
		struct yline *l = &p->l[p->i];
		const char *val;
		char *key;
		json_t *v;

		if (l->indent < indent)
			break;
		if (l->indent > indent) {
			json_decref(obj);
			return perr(p, l->no, "unexpected indentation");
		}
		if (is_item(l->text))
			break; /* a sequence that was the value of a key at this indentation ended */
		if (!split_key(l->text, &key, &val)) {
			json_decref(obj);
			return perr(p, l->no, "expected 'key: value'");
		}
		v = value_of(p, l, val, indent, true);
		if (!v) {
			free(key);
			json_decref(obj);
			return NULL;
		}
		/* keys that are not UTF-8 are left out */
		json_object_set_new(obj, key, v);
		free(key);
	}
	return obj;
}

static json_t *block(struct yparser *p, unsigned indent)
{
	struct yline *l = &p->l[p->i];
	const char *val;
	char *key;
	json_t *v;

	if (++p->depth > YAML_MAX_DEPTH) {
		p->depth--;
		return perr(p, l->no, "nesting deeper than 128 levels");
	}
	if (is_item(l->text)) {
		v = seq(p, indent);
	} else if (split_key(l->text, &key, &val)) {
		free(key);
		v = map(p, indent);
	} else {
		v = value_of(p, l, l->text, indent, false);
		if (v && p->i < p->n && p->l[p->i].indent >= indent && indent > 0) {
			json_decref(v);
			v = perr(p, p->l[p->i].no, "a multi-line plain scalar (not supported)");
		}
	}
	p->depth--;
	return v;
}

/* ---- lines ---- */

static int split_lines(char *copy, struct yparser *p)
{
	unsigned cap = 0, no = 0;
	bool started = false;

	for (char *line = copy, *next; line; line = next) {
		unsigned ind = 0;
		char *t;
		size_t len;

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		no++;
		len = strlen(line);
		while (len && (line[len - 1] == ' ' || line[len - 1] == '\r' || line[len - 1] == '\t'))
			line[--len] = '\0';
		while (line[ind] == ' ')
			ind++;
		t = line + ind;
		if (!*t || *t == '#')
			continue;
		if (*t == '\t') {
			p->err = xasprintf("line %u: a tab in the indentation", no);
			return -EINVAL;
		}
		if (ind == 0 && (!strcmp(t, "...") ||
				 (!strncmp(t, "---", 3) && (!t[3] || t[3] == ' ')))) {
			if (t[0] == '.' || started || p->n)
				break; /* the first document ends */
			started = true;
			t += 3;
			while (*t == ' ')
				t++;
			if (!*t || *t == '#')
				continue;
		}
		if (p->n == cap) {
			cap = cap ? cap * 2 : 64;
			p->l = xrealloc(p->l, cap * sizeof(*p->l));
		}
		p->l[p->n++] = (struct yline){ .indent = (unsigned)(t - line), .text = t, .no = no };
	}
	return 0;
}

json_t *yaml_parse(const char *s, size_t len, char **err)
{
	struct yparser p = { 0 };
	char *copy = xstrndup(s ? s : "", len);
	json_t *v = NULL;

	*err = NULL;
	if (!split_lines(copy, &p)) {
		if (!p.n) {
			p.err = xstrdup("no YAML document");
		} else {
			v = block(&p, p.l[0].indent);
			if (v && p.i < p.n) {
				json_decref(v);
				v = perr(&p, p.l[p.i].no, "unexpected indentation");
			}
		}
	}
	if (!v)
		*err = p.err ? p.err : xstrdup("not YAML");
	else
		free(p.err);
	free(p.l);
	free(copy);
	return v;
}
