/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A block-YAML subset, enough for benchmark reports such as stress-ng's
 * --yaml output, parsed into a jansson value so the metrics walker
 * (metrics.h) reads it like JSON:
 *
 *	- block mappings "key: value" (plain or quoted keys; a later duplicate wins)
 *	- block sequences "- item", including "- key: value" mappings and a
 *	  sequence written at its key's indentation
 *	- scalars: plain (cut at " #"), 'single' ('' = '), "double" (\" \\ \n \t);
 *	  decimal numbers become numbers, true/false/null/~ their JSON values,
 *	  anything else a string; "|" and ">" block scalars become strings
 *	- "---" starts the document, "..." or a second "---" ends it (the first
 *	  document wins), "#" lines are comments
 *
 * Not supported (an error or a string, never a crash): flow collections
 * ("[a, b]", "{a: 1}" stay strings), anchors, aliases, tags, tabs in
 * indentation, multi-line plain scalars. Nesting is capped at YAML_MAX_DEPTH.
 */
#ifndef KTSTR_YAML_H
#define KTSTR_YAML_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <jansson.h>
#include <stddef.h>

#define YAML_MAX_DEPTH 128

/* The first document of s[0..len) (NUL bytes end the text). NULL with *err
 * ("line 7: ...", caller frees) when the text is not in the subset or holds
 * no document. */
json_t *yaml_parse(const char *s, size_t len, char **err);

#endif
