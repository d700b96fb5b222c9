// SPDX-License-Identifier: GPL-2.0-only
/* A file's mapping in a process, from /proc/<pid>/maps. */
#include <errno.h>
#include <inttypes.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "monitor/procmaps.h"
#include "util/util.h"

#define PROCMAPS_DELETED " (deleted)"

struct maps_line {
	uint64_t start, end, off;
	const char *path; /* "" for an anonymous mapping */
};

/* One line, NUL-terminated, without its newline. 0 or -EINVAL. */
static int maps_parse_line(const char *s, struct maps_line *l)
{
	char perms[8];
	int path_at = -1;

	if (sscanf(s, "%" SCNx64 "-%" SCNx64 " %7s %" SCNx64 " %*s %*u%n", &l->start, &l->end,
		   perms, &l->off, &path_at) != 4 ||
	    path_at < 0 || l->end <= l->start)
		return -EINVAL;
	l->path = s + path_at;
	while (*l->path == ' ' || *l->path == '\t')
		l->path++;
	return 0;
}

static bool maps_same_file(const char *shown, const char *path)
{
	size_t n = strlen(path);

	return !strncmp(shown, path, n) && (!shown[n] || !strcmp(shown + n, PROCMAPS_DELETED));
}

int procmaps_find(const char *maps, size_t len, const char *path, uint64_t size, uint64_t *addr)
{
	const char *p = maps, *end = maps + len;
	uint64_t run_start = 0, run_end = 0, run_off = 0, at = 0;
	bool in_run = false, counted = false;
	unsigned found = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		char *line = xstrndup(p, nl ? (size_t)(nl - p) : (size_t)(end - p));
		struct maps_line l;
		int rc = *line ? maps_parse_line(line, &l) : 0;

		p = nl ? nl + 1 : end;
		if (rc) {
			free(line);
			return rc;
		}
		if (!*line || !maps_same_file(l.path, path)) {
			in_run = false;
		} else if (in_run && l.start == run_end && l.off == run_off) {
			run_end = l.end;
			run_off += l.end - l.start;
		} else {
			/* a run starts at the file's first byte */
			in_run = l.off == 0;
			counted = false;
			run_start = l.start;
			run_end = l.end;
			run_off = l.end - l.start;
		}
		if (in_run && !counted && run_off >= size) {
			counted = true;
			at = run_start;
			found++;
		}
		free(line);
	}
	if (found == 1)
		*addr = at;
	return found == 1 ? 0 : found ? -EEXIST : -ENOENT;
}
