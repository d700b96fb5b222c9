// SPDX-License-Identifier: GPL-2.0-only
/* fprobe events and their trace instances in the guest (probes.h). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/probes.h"
#include "proto/probe.h"
#include "util/util.h"

#define PROBES_INSTANCE "instances/ktstr_repro_"
#define PROBES_TRACE_MAX (4u << 20)

/* dynamic_events takes one definition per write, appended (a truncating
 * open would remove every dynamic event). */
static int append_def(const char *tracefs, const char *def)
{
	char *path = xasprintf("%s/dynamic_events", tracefs);
	int fd = open(path, O_WRONLY | O_APPEND | O_CLOEXEC), rc;

	free(path);
	if (fd < 0)
		return -errno;
	rc = write_full(fd, def, strlen(def));
	close(fd);
	return rc;
}

/* Define fn's event: its known arguments, else every BTF argument, else none. */
static int define(const char *tracefs, const char *fn)
{
	int rc = -EINVAL;

	for (int btf_all = 1; btf_all >= 0 && rc; btf_all--) {
		char *def = probe_def(fn, btf_all);

		rc = append_def(tracefs, def);
		free(def);
		if (!rc || probe_known_args(fn))
			break;
	}
	return rc;
}

static bool defined(const char *tracefs, const char *fn)
{
	char *path = xasprintf("%s/events/" PROBE_GROUP "/%s", tracefs, fn);
	bool ok = path_is_dir(path);

	free(path);
	return ok;
}

static int write_event(const char *dir, const char *fn, const char *file, const char *val)
{
	char *path = xasprintf("%s/events/" PROBE_GROUP "/%s/%s", dir, fn, file);
	int rc = file_write_str(path, val);

	free(path);
	return rc;
}

/* Instance i: fn's event, and the stop events turning it off. */
static int instance(const char *tracefs, unsigned i, const char *fn)
{
	char *dir = xasprintf("%s/" PROBES_INSTANCE "%u", tracefs, i), *kb, *size;
	int rc = mkdir(dir, 0755) && errno != EEXIST ? -errno : 0;

	kb = xasprintf("%s/buffer_size_kb", dir);
	size = xasprintf("%u", PROBES_RING_KB);
	if (!rc)
		rc = file_write_str(kb, size);
	if (!rc)
		rc = write_event(dir, fn, "enable", "1");
	for (const char *const *s = probe_stop_fns; !rc && *s; s++) {
		if (!defined(tracefs, *s))
			continue;
		rc = write_event(dir, *s, "enable", "1");
		if (!rc)
			rc = write_event(dir, *s, "trigger", "traceoff");
	}
	free(size);
	free(kb);
	free(dir);
	return rc;
}

char *probes_setup(const char *tracefs, char *const *fns)
{
	struct strbuf notes = { 0 };
	unsigned n = 0, set = 0;

	/* the stop events first: every instance enables them */
	for (const char *const *s = probe_stop_fns; *s; s++)
		if (define(tracefs, *s))
			sb_printf(&notes, "# stop %s: not probed\n", *s);
	for (n = 0; fns[n] && n < PROBE_MAX; n++) {
		const char *fn = fns[n];
		int rc = 0;

		if (!probe_name_ok(fn, strlen(fn))) {
			sb_printf(&notes, "# skipped a bad function name\n");
			continue;
		}
		if (!defined(tracefs, fn))
			rc = define(tracefs, fn);
		if (!rc)
			rc = instance(tracefs, n, fn);
		if (rc)
			sb_printf(&notes, "# skipped %s: %s\n", fn, strerror(-rc));
		else
			set++;
	}
	sb_printf(&notes, "# probes %u of %u\n", set, n);
	return sb_steal(&notes);
}

/* The last PROBE_KEEP lines of fn's own event in one trace. */
static void tail_of(struct strbuf *sb, const char *trace, size_t len, const char *fn)
{
	const char *lines[PROBE_KEEP], *ends[PROBE_KEEP];
	const char *p = trace, *end = trace + len;
	unsigned n = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		const char *eol = nl ? nl : end;
		struct probe_hit h;

		if (probe_parse_line(p, (size_t)(eol - p), &h) && !strcmp(h.func, fn)) {
			lines[n % PROBE_KEEP] = p;
			ends[n % PROBE_KEEP] = eol;
			n++;
		}
		p = eol + 1;
	}
	for (unsigned i = n > PROBE_KEEP ? n - PROBE_KEEP : 0; i < n; i++) {
		sb_appendn(sb, lines[i % PROBE_KEEP], (size_t)(ends[i % PROBE_KEEP] -
							       lines[i % PROBE_KEEP]));
		sb_append(sb, "\n");
	}
}

char *probes_collect(const char *tracefs, char *const *fns, const char *notes)
{
	struct strbuf sb = { 0 };

	sb_append(&sb, notes ? notes : "");
	for (unsigned i = 0; fns[i] && i < PROBE_MAX; i++) {
		char *path = xasprintf("%s/" PROBES_INSTANCE "%u/trace", tracefs, i), *trace;
		size_t len = 0;

		trace = file_read(path, &len, PROBES_TRACE_MAX);
		free(path);
		if (trace && probe_name_ok(fns[i], strlen(fns[i])))
			tail_of(&sb, trace, len, fns[i]);
		free(trace);
		/* the stop hit that ended each ring is in the stop functions' own */
	}
	if (sb.len > PROBE_TEXT_MAX) {
		sb.len = PROBE_TEXT_MAX;
		sb.buf[sb.len] = '\0';
	}
	return sb_steal(&sb);
}
