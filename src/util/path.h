/* SPDX-License-Identifier: GPL-2.0-only */
/* Lexical path helpers (no file system access). */
#ifndef KTSTR_PATH_H
#define KTSTR_PATH_H

#include <stdbool.h>

/* "/a//b/./c/../d/" -> "/a/b/d"; relative input is taken from "/"; ".." above
 * the root stays at the root. Caller frees. */
char *path_clean(const char *path);
/* Directory part: "/a/b" -> "/a", "/a" -> "/", "a" -> "/". Caller frees. */
char *path_dirname(const char *path);
/* true if some component of path is "..". */
bool path_has_dotdot(const char *path);

#endif
