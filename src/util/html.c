// SPDX-License-Identifier: GPL-2.0-only
#include <math.h>
#include <string.h>

#include "util/html.h"

bool html_escape(struct strbuf *sb, const char *s, size_t max)
{
	size_t n, start = 0;

	if (!s)
		return false;
	n = strlen(s);
	if (!max || n <= max) {
		max = 0;
	} else {
		n = max;
		while (n && ((unsigned char)s[n] & 0xc0) == 0x80)
			n--; /* never split a UTF-8 sequence */
	}
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		const char *rep = NULL;

		switch (c) {
		case '&':
			rep = "&amp;";
			break;
		case '<':
			rep = "&lt;";
			break;
		case '>':
			rep = "&gt;";
			break;
		case '"':
			rep = "&quot;";
			break;
		case '\'':
			rep = "&#39;";
			break;
		default:
			if ((c < 0x20 && c != '\t' && c != '\n') || c == 0x7f)
				rep = "\xef\xbf\xbd"; /* U+FFFD */
		}
		if (!rep)
			continue;
		sb_appendn(sb, s + start, i - start);
		sb_append(sb, rep);
		start = i + 1;
	}
	sb_appendn(sb, s + start, n - start);
	return max != 0;
}

void html_coord(struct strbuf *sb, double v)
{
	if (!isfinite(v))
		v = 0;
	sb_printf(sb, "%.1f", v < -1e6 ? -1e6 : v > 1e6 ? 1e6 : v);
}
