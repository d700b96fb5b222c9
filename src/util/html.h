/* SPDX-License-Identifier: GPL-2.0-only */
/* Text into HTML and SVG: escaping untrusted strings, numbers for attributes. */
#ifndef KTSTR_HTML_H
#define KTSTR_HTML_H

#include <stdbool.h>
#include <stddef.h>

#include "util/util.h"

/*
 * Append s (NULL = nothing) escaped for HTML text and quoted attribute values:
 * & < > " ' become entities; control characters other than tab and newline
 * become U+FFFD. At most max bytes of s are read (0 = all), cut at a UTF-8
 * character boundary; returns whether s was cut.
 */
bool html_escape(struct strbuf *sb, const char *s, size_t max);
/* Append v for an SVG coordinate: "%.1f", clamped to +-1e6, a non-finite v
 * written as 0 (a NaN in an attribute is an error to a browser). */
void html_coord(struct strbuf *sb, double v);

#endif
