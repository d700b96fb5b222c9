// SPDX-License-Identifier: GPL-2.0-only
/* sched_ext debug dumps out of the trace buffer (see scxdump.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "guest/scxdump.h"
#include "util/util.h"

#define SCXDUMP_EVENT "sched_ext_dump: "
/* a trace instance of its own: bpf_printk output (the top-level buffer) stays out */
#define SCXDUMP_INSTANCE "instances/ktstr"
#define SCXDUMP_TRACE_MAX (16u << 20)

int scxdump_enable(const char *tracefs)
{
	char *dir = xasprintf("%s/" SCXDUMP_INSTANCE, tracefs);
	char *path = xasprintf("%s/events/sched_ext/sched_ext_dump/enable", dir);
	int rc = mkdir(dir, 0755) && errno != EEXIST ? -errno : file_write(path, "1", 1);

	free(path);
	free(dir);
	return rc;
}

/*
 * "  TASK-PID [CPU] FLAGS TIMESTAMP: EVENT: TEXT": where the dump text starts
 * when EVENT is sched_ext_dump (not in the text of another event), else NULL.
 */
static const char *scxdump_event(const char *p, const char *eol)
{
	const char *cpu = memmem(p, (size_t)(eol - p), "] ", 2), *ts;
	size_t n = strlen(SCXDUMP_EVENT);

	ts = cpu ? memmem(cpu, (size_t)(eol - cpu), ": ", 2) : NULL;
	if (!ts || (size_t)(eol - ts - 2) < n || memcmp(ts + 2, SCXDUMP_EVENT, n))
		return NULL;
	return ts + 2;
}

char *scxdump_extract(const char *trace, size_t len, size_t max)
{
	struct strbuf sb = { 0 };
	const char *p = trace, *end = trace + len;
	bool any = false, cut = false;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		const char *ev = scxdump_event(p, eol);

		/* "# ..." header lines and other events hold no dump */
		if (*p != '#' && ev) {
			const char *text = ev + strlen(SCXDUMP_EVENT);
			size_t n = (size_t)(eol - text);

			any = true;
			if (sb.len + n + 1 > max) {
				cut = true;
				break;
			}
			sb_appendn(&sb, text, n);
			sb_append(&sb, "\n");
		}
		p = eol + 1;
	}
	if (cut)
		sb_append(&sb, "[dump cut]\n");
	if (!any)
		sb_free(&sb);
	return any ? sb_steal(&sb) : NULL;
}

int scxdump_trigger(const char *procfs)
{
	char *path = xasprintf("%s/sysrq-trigger", procfs);
	int rc = file_write(path, "D", 1);

	free(path);
	return rc;
}

char *scxdump_collect(const char *tracefs)
{
	char *path = xasprintf("%s/" SCXDUMP_INSTANCE "/trace", tracefs), *trace, *dump;
	size_t len = 0;

	trace = file_read(path, &len, SCXDUMP_TRACE_MAX);
	free(path);
	if (!trace)
		return NULL;
	dump = scxdump_extract(trace, len, SCXDUMP_MAX);
	free(trace);
	return dump;
}
