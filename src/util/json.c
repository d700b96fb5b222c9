// SPDX-License-Identifier: GPL-2.0-only
#include "util/json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "util/util.h"

int json_get_str(json_t *j, const char *key, bool required, char **out, const char *what,
		 char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
		*err = xasprintf("%smissing \"%s\"", what, key);
		return -EINVAL;
	}
	if (!json_is_string(v)) {
		*err = xasprintf("%s\"%s\" is not a string", what, key);
		return -EINVAL;
	}
	*out = xstrdup(json_string_value(v));
	return 0;
}

int json_get_int(json_t *j, const char *key, json_int_t lo, json_int_t hi, json_int_t *out,
		 const char *what, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		*err = xasprintf("%s\"%s\" is not an integer in [%lld, %lld]", what, key,
				 (long long)lo, (long long)hi);
		return -EINVAL;
	}
	*out = json_integer_value(v);
	return 0;
}

int json_write_file(const json_t *j, const char *dir, const char *name, char **err)
{
	char *text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15)), *path;
	int r = mkdir_p(dir, 0755);

	if (r < 0) {
		*err = xasprintf("cannot create %s: %s", dir, strerror(-r));
		free(text);
		return r;
	}
	path = xasprintf("%s/%s", dir, name);
	r = text ? file_write_atomic(path, text, strlen(text)) : -ENOMEM;
	if (r < 0)
		*err = xasprintf("cannot write %s: %s", path, strerror(-r));
	free(path);
	free(text);
	return r;
}

void json_append_str(struct strbuf *sb, const char *s, size_t n)
{
	sb_append(sb, "\"");
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c == '"' || c == '\\')
			sb_printf(sb, "\\%c", c);
		else if (!c) /* \u0000 is valid JSON but many readers refuse it */
			sb_append(sb, "?");
		else if (c < ' ' || c == 0x7f)
			sb_printf(sb, "\\u%04x", c);
		else
			sb_appendn(sb, c < 0x80 ? (const char *)&s[i] : "?", 1);
	}
	sb_append(sb, "\"");
}
