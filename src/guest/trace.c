// SPDX-License-Identifier: GPL-2.0-only
/* The --trace recording in the guest (see trace.h). */
#include "guest/trace.h"
#include "proto/tracefs.h"
#include "util/util.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define TRACE_INSTANCE "instances/ktstr-trace"
#define TRACE_LABEL_MAX 256

static const char *const trace_events[] = {
	"sched/sched_switch",
	"sched/sched_wakeup",
	"sched/sched_wakeup_new",
	"sched/sched_migrate_task",
};

/* Write text to <tracefs>/<instance>/<file>: 0 or -errno. */
static int trace_write(const char *tracefs, const char *file, const char *text)
{
	char *path = xasprintf("%s/" TRACE_INSTANCE "/%s", tracefs, file);
	int rc = file_write(path, text, strlen(text));

	free(path);
	return rc;
}

int trace_start(const char *tracefs, char **why)
{
	char *dir = xasprintf("%s/" TRACE_INSTANCE, tracefs), *scx, kb[16];
	int rc = mkdir(dir, 0755) && errno != EEXIST ? -errno : 0;

	scx = xasprintf("%s/events/sched_ext", dir);
	free(dir);
	snprintf(kb, sizeof(kb), "%u", TRACE_BUFFER_KB);
	if (rc) {
		*why = xasprintf("cannot create %s/" TRACE_INSTANCE ": %s", tracefs, strerror(-rc));
		goto out;
	}
	if ((rc = trace_write(tracefs, "tracing_on", "0")) ||
	    (rc = trace_write(tracefs, "buffer_size_kb", kb))) {
		*why = xasprintf("cannot size the trace buffer: %s", strerror(-rc));
		goto out;
	}
	for (size_t i = 0; i < ARRAY_SIZE(trace_events); i++) {
		char *f = xasprintf("events/%s/enable", trace_events[i]);

		rc = trace_write(tracefs, f, "1");
		free(f);
		if (rc) {
			*why = xasprintf("cannot enable %s: %s", trace_events[i], strerror(-rc));
			goto out;
		}
	}
	/* every sched_ext tracepoint this kernel has, if any */
	if (path_is_dir(scx) && (rc = trace_write(tracefs, "events/sched_ext/enable", "1"))) {
		*why = xasprintf("cannot enable the sched_ext events: %s", strerror(-rc));
		goto out;
	}
	if ((rc = trace_write(tracefs, "tracing_on", "1")))
		*why = xasprintf("cannot start tracing: %s", strerror(-rc));
out:
	free(scx);
	return rc;
}

void trace_mark(const char *tracefs, const char *label, size_t len)
{
	char *path = xasprintf("%s/" TRACE_INSTANCE "/trace_marker", tracefs);
	int fd = open(path, O_WRONLY | O_CLOEXEC);

	free(path);
	if (fd < 0)
		return;
	if (write(fd, label, MIN(len, (size_t)TRACE_LABEL_MAX)) < 0) {
		/* a full or stopped buffer: the mark is lost like any event */
	}
	close(fd);
}

/* "# ktstr-trace cpu=N overrun=N dropped=N" for each CPU of the instance. */
static void trace_loss_lines(const char *tracefs, struct strbuf *sb)
{
	for (unsigned cpu = 0; cpu < TRACEFS_MAX_CPUS; cpu++) {
		char *path = xasprintf("%s/" TRACE_INSTANCE "/per_cpu/cpu%u/stats", tracefs, cpu);
		char *stats = file_read(path, NULL, 1 << 16), *o, *d;

		free(path);
		if (!stats)
			break;
		o = strstr(stats, "overrun: ");
		d = strstr(stats, "dropped events: ");
		sb_printf(sb, TRACEFS_INFO "cpu=%u overrun=%llu dropped=%llu\n", cpu,
			  o ? strtoull(o + 9, NULL, 10) : 0ull, d ? strtoull(d + 16, NULL, 10) : 0ull);
		free(stats);
	}
}

char *trace_collect(const char *tracefs, size_t max, size_t *len)
{
	char *path = xasprintf("%s/" TRACE_INSTANCE "/trace", tracefs), *text;
	struct strbuf sb = { 0 };
	uint64_t cut = 0;
	size_t tlen = 0;

	if (trace_write(tracefs, "tracing_on", "0")) {
		free(path);
		return NULL; /* never started */
	}
	text = file_read_head(path, &tlen, max, &cut);
	free(path);
	if (!text)
		return NULL;
	/* the text ends with a whole line */
	while (cut && tlen && text[tlen - 1] != '\n') {
		tlen--;
		cut++;
	}
	sb_printf(&sb, TRACEFS_INFO "buffer_kb=%u\n", TRACE_BUFFER_KB);
	trace_loss_lines(tracefs, &sb);
	sb_printf(&sb, TRACEFS_INFO "cut=%llu\n", (unsigned long long)cut);
	sb_appendn(&sb, text, tlen);
	free(text);
	*len = sb.len;
	return sb_steal(&sb);
}
