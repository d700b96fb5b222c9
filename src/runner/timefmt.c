// SPDX-License-Identifier: GPL-2.0-only
/* Timestamps, run ids and human durations (UTC). */
#include <ctype.h>
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "runner/timefmt.h"
#include "util/util.h"

static struct tm utc(uint64_t real_ns)
{
	time_t t = (time_t)(real_ns / 1000000000ull);
	struct tm tm;

	gmtime_r(&t, &tm);
	return tm;
}

char *timefmt_iso8601(uint64_t real_ns, char *buf, size_t len)
{
	struct tm tm = utc(real_ns);

	if (!strftime(buf, len, "%Y-%m-%dT%H:%M:%SZ", &tm) && len)
		buf[0] = '\0';
	return buf;
}

char *timefmt_compact(uint64_t real_ns, char *buf, size_t len)
{
	struct tm tm = utc(real_ns);

	if (!strftime(buf, len, "%Y%m%dT%H%M%SZ", &tm) && len)
		buf[0] = '\0';
	return buf;
}

int timefmt_is_run_id(const char *s)
{
	static const char shape[] = "ddddddddTddddddZ-";
	size_t i, tail;

	if (!s)
		return 0;
	for (i = 0; shape[i]; i++) {
		if (shape[i] == 'd' ? !isdigit((unsigned char)s[i]) : s[i] != shape[i])
			return 0;
	}
	for (tail = 0; s[i + tail]; tail++)
		if (!isdigit((unsigned char)s[i + tail]) && !islower((unsigned char)s[i + tail]))
			return 0;
	return tail >= 1 && tail <= 16;
}

static char run_id[64];
static pthread_once_t run_id_once = PTHREAD_ONCE_INIT;

static void run_id_init(void)
{
	const char *env = getenv("KTSTR_RUN_ID");
	char stamp[TIMEFMT_COMPACT_LEN];

	if (env && timefmt_is_run_id(env)) {
		snprintf(run_id, sizeof(run_id), "%s", env);
		return;
	}
	snprintf(run_id, sizeof(run_id), "%s-%ld",
		 timefmt_compact(now_real_ns(), stamp, sizeof(stamp)), (long)getpid());
}

const char *timefmt_run_id(void)
{
	pthread_once(&run_id_once, run_id_init);
	return run_id;
}

void timefmt_export_run_id(void)
{
	setenv("KTSTR_RUN_ID", timefmt_run_id(), 1);
}

char *timefmt_duration(double s, char *buf, size_t len)
{
	if (!(s >= 0) || isinf(s)) {
		snprintf(buf, len, "?");
	} else if (s < 59.95) {
		snprintf(buf, len, "%.1fs", s);
	} else if (s < 3599.5) {
		unsigned long t = (unsigned long)(s + 0.5);

		snprintf(buf, len, "%lum%02lus", t / 60, t % 60);
	} else {
		unsigned long m = (unsigned long)(s / 60 + 0.5);

		snprintf(buf, len, "%luh%02lum", m / 60, m % 60);
	}
	return buf;
}
