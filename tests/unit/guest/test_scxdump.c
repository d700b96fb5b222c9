// SPDX-License-Identifier: GPL-2.0-only
/* scxdump: the sched_ext dump lines of a trace buffer, and nothing else. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "guest/scxdump.h"

static const char trace[] =
	"# tracer: nop\n"
	"#\n"
	"#           TASK-PID     CPU#  |||||  TIMESTAMP  FUNCTION\n"
	"   kworker/u8:0-12      [000] d.h2.     9.501: sched_ext_dump: ktstr: root\n"
	"   kworker/u8:0-12      [000] d.h2.     9.501: sched_ext_dump: Debug dump\n"
	"           init-107     [001] ...1.     9.502: bpf_trace_printk: sched_ext_dump: no\n"
	"   kworker/u8:0-12      [000] d.h2.     9.503: sched_ext_dump: \n"
	"   kworker/u8:0-12      [000] d.h2.     9.504: sched_ext_dump: CPU states\n"
	"   kworker/u8:0-12      [000] d.h2.     9.505: sched_ext_dump:   R init[107] +0ms";

static void test_extract(void **state)
{
	char *d = scxdump_extract(trace, sizeof(trace) - 1, SCXDUMP_MAX);

	assert_non_null(d);
	/* a bpf_printk line that happens to contain the event name is the
	 * bpf_trace_printk event's, and is dropped with the header lines */
	assert_string_equal(d, "ktstr: root\nDebug dump\n\nCPU states\n  R init[107] +0ms\n");
	free(d);
}

static void test_none_and_cut(void **state)
{
	static const char other[] = "# tracer: nop\n  x-1 [000] ..: bpf_trace_printk: hi\n";
	char *d;

	assert_null(scxdump_extract(other, sizeof(other) - 1, SCXDUMP_MAX));
	assert_null(scxdump_extract("", 0, SCXDUMP_MAX));
	d = scxdump_extract(trace, sizeof(trace) - 1, 24);
	assert_string_equal(d, "ktstr: root\nDebug dump\n\n[dump cut]\n");
	free(d);
	/* no trace buffer at all */
	assert_null(scxdump_collect("/nonexistent"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_extract),
		cmocka_unit_test(test_none_and_cut),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
