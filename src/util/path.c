// SPDX-License-Identifier: GPL-2.0-only
#include "util/path.h"

#include <string.h>

#include "util/util.h"

char *path_clean(const char *path)
{
	struct strbuf sb = { 0 };
	const char *s = path;

	while (*s) {
		const char *e;
		size_t n;

		while (*s == '/')
			s++;
		e = strchrnul(s, '/');
		n = (size_t)(e - s);
		if (n == 2 && s[0] == '.' && s[1] == '.') {
			char *slash = sb.len ? strrchr(sb.buf, '/') : NULL;

			if (slash) {
				sb.len = (size_t)(slash - sb.buf);
				sb.buf[sb.len] = '\0';
			}
		} else if (n && !(n == 1 && s[0] == '.')) {
			sb_appendn(&sb, "/", 1);
			sb_appendn(&sb, s, n);
		}
		s = e;
	}
	if (!sb.len)
		sb_append(&sb, "/");
	return sb_steal(&sb);
}

char *path_dirname(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!slash || slash == path)
		return xstrdup("/");
	return xstrndup(path, (size_t)(slash - path));
}

bool path_has_dotdot(const char *path)
{
	const char *s = path;

	while (*s) {
		const char *e = strchrnul(s, '/');

		if (e - s == 2 && s[0] == '.' && s[1] == '.')
			return true;
		s = *e ? e + 1 : e;
	}
	return false;
}
