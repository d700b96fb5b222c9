// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scheduler supervision against a fake sched_ext sysfs directory, a fake
 * kernel log file and a shell script playing the scheduler.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "guest/sched.h"

static const char script[] =
	"#!/bin/sh\n"
	"d=$1\n"
	"attach() { echo enabled > $d/state; echo fakeops > $d/root/ops; echo attached; }\n"
	"case $2 in\n"
	"good) trap 'echo bye; echo disabled > $d/state; exit 0' INT; attach;\n"
	"      while :; do sleep 0.05; done;;\n"
	"loadfail) echo 'libbpf: prog 'x': -- BEGIN PROG LOAD LOG --';\n"
	"      echo 'line one'; echo '0: R1 unbounded memory access';\n"
	"      echo 'processed 31 insns'; echo '-- END PROG LOAD LOG --';\n"
	"      echo \"libbpf: prog 'x': failed to load: -13\" >&2; exit 1;;\n"
	"noattach) while :; do sleep 0.05; done;;\n"
	"exit) attach; sleep 0.2; echo quitting; exit 3;;\n"
	"eject) attach; sleep 0.2;\n"
	"      echo '6,1,1,-;sched_ext: BPF scheduler \"fakeops\" enabled' >> $d/kmsg;\n"
	"      echo '4,2,2,-;sched_ext: BPF scheduler \"fakeops\" disabled (runnable task stall)' >> $d/kmsg;\n"
	"      echo ' SUBSYSTEM=x' >> $d/kmsg;\n"
	"      echo '4,3,3,-;sched_ext: fakeops: scheduler[153] failed to run for 3.460s' >> $d/kmsg;\n"
	"      echo disabled > $d/state; sleep 0.1;\n"
	"      echo 'ejected: kind=1026 exit_code=0 reason=\"runnable task stall\"'; exit 2;;\n"
	"esac\n";

static char dir[] = "/tmp/ktstr-sched-XXXXXX";
static char *script_path, *log_path, *kmsg_path;

static int setup(void **state)
{
	char *p;

	if (!mkdtemp(dir))
		return -1;
	p = xasprintf("%s/root", dir);
	mkdir_p(p, 0755);
	free(p);
	script_path = xasprintf("%s/fake_sched", dir);
	log_path = xasprintf("%s/sched.log", dir);
	kmsg_path = xasprintf("%s/kmsg", dir);
	file_write_str(script_path, script);
	chmod(script_path, 0755);
	return 0;
}

static int teardown(void **state)
{
	rm_rf(dir);
	free(script_path);
	free(log_path);
	free(kmsg_path);
	return 0;
}

static int start(struct sched_proc *sp, const char *mode, unsigned timeout_ms)
{
	char *const args[] = { dir, (char *)mode, NULL };
	char *st = xasprintf("%s/state", dir);
	struct sched_opts o = {
		.name = "fake",
		.path = script_path,
		.args = args,
		.log_path = log_path,
		.sysfs = dir,
		.kmsg = kmsg_path,
		.attach_timeout_ms = timeout_ms,
	};

	file_write_str(st, "disabled\n");
	file_write_str(kmsg_path, "6,0,0,-;sched_ext: old line from before the start\n");
	free(st);
	return sched_start(sp, &o);
}

static void test_good(void **state)
{
	struct sched_proc sp;
	struct ktstr_result r;
	char *tail, *json, *why = NULL;
	pid_t pid;

	assert_int_equal(start(&sp, "good", 5000), 0);
	assert_int_equal(sp.state, SCHED_RUNNING);
	assert_string_equal(sp.ops, "fakeops");
	assert_int_equal(sched_poll(&sp), 0);
	assert_int_equal(sched_check_pid(sp.pid, dir, &why), 0);
	json = sched_event_json(&sp);
	assert_non_null(strstr(json, "\"event\":\"running\""));
	assert_non_null(strstr(json, "\"ops\":\"fakeops\""));
	free(json);
	pid = sp.pid;
	assert_int_equal(sched_stop(&sp, 3000), 0);
	assert_int_equal(sp.state, SCHED_STOPPED);
	assert_false(sched_failed(&sp));
	assert_int_equal(sched_check_pid(pid, dir, &why), -ESRCH);
	free(why);
	tail = sched_log_tail(&sp, 1);
	assert_string_equal(tail, "bye");
	free(tail);
	result_init(&r);
	sched_report(&sp, &r);
	assert_int_equal(r.verdict, KTSTR_PASS);
	result_free(&r);
	sched_free(&sp);
}

static void test_exec_failed(void **state)
{
	struct sched_opts o = { .name = "nope", .path = "/nonexistent/scx_nope", .sysfs = dir,
				.kmsg = kmsg_path };
	struct sched_proc sp;

	assert_int_equal(sched_start(&sp, &o), -ENOENT);
	assert_int_equal(sp.state, SCHED_EXEC_FAILED);
	assert_non_null(strstr(sp.reason, "/nonexistent/scx_nope"));
	assert_non_null(strstr(sp.reason, "No such file"));
	sched_free(&sp);
}

static void test_load_failed(void **state)
{
	struct sched_proc sp;
	struct ktstr_result r;

	assert_int_equal(start(&sp, "loadfail", 5000), -ESRCH);
	assert_int_equal(sp.state, SCHED_LOAD_FAILED);
	assert_non_null(strstr(sp.reason, "exited with status 1"));
	assert_non_null(strstr(sp.reason, "R1 unbounded memory access"));
	assert_non_null(strstr(sp.reason, "failed to load: -13"));
	assert_null(strstr(sp.reason, "BEGIN PROG LOAD LOG"));
	result_init(&r);
	sched_report(&sp, &r);
	assert_int_equal(r.verdict, KTSTR_FAIL);
	assert_int_equal(r.details[0].kind, KTSTR_SCHED_DIED);
	/* the verifier lines stand in for the log tail */
	assert_non_null(strstr(r.details[0].msg, "R1 unbounded memory access"));
	assert_null(strstr(r.details[0].msg, "--- scheduler log"));
	result_free(&r);
	sched_free(&sp);
}

static void test_not_attached(void **state)
{
	struct sched_proc sp;

	assert_int_equal(start(&sp, "noattach", 300), -ETIMEDOUT);
	assert_int_equal(sp.state, SCHED_NOT_ATTACHED);
	assert_non_null(strstr(sp.reason, "did not attach within 300 ms"));
	assert_non_null(strstr(sp.reason, "state: disabled"));
	assert_true(sp.reaped);
	sched_free(&sp);
}

static void test_exited_mid_test(void **state)
{
	struct sched_proc sp;

	char *text;

	assert_int_equal(start(&sp, "exit", 5000), 0);
	assert_null(sched_check_hook(&sp));
	sleep_ms(600);
	text = sched_check_hook(&sp);
	assert_non_null(strstr(text, "exited with status 3"));
	assert_non_null(strstr(text, "--- scheduler log (last 10 lines) ---\nattached\nquitting"));
	free(text);
	assert_int_equal(sched_poll(&sp), -ESRCH);
	assert_int_equal(sp.state, SCHED_EXITED);
	assert_non_null(strstr(sp.reason, "exited with status 3"));
	assert_non_null(strstr(sp.reason, "died mid-test"));
	/* idempotent, and stop keeps the failure */
	assert_int_equal(sched_poll(&sp), -ESRCH);
	assert_int_equal(sched_stop(&sp, 100), -ESRCH);
	assert_int_equal(sp.state, SCHED_EXITED);
	sched_free(&sp);
}

static void test_ejected(void **state)
{
	struct sched_proc sp;
	char *json;

	assert_int_equal(start(&sp, "eject", 5000), 0);
	sleep_ms(400);
	assert_int_equal(sched_poll(&sp), -ENODEV);
	assert_int_equal(sp.state, SCHED_EJECTED);
	assert_non_null(strstr(sp.reason, "ejected by the kernel"));
	assert_non_null(strstr(sp.reason,
			       "runnable task stall: scheduler[153] failed to run for 3.460s"));
	assert_non_null(strstr(sp.reason, "scheduler says: ejected: kind=1026"));
	assert_null(strstr(sp.kmsg.buf, "old line"));
	json = sched_event_json(&sp);
	assert_non_null(strstr(json, "\"event\":\"ejected\""));
	free(json);
	sched_free(&sp);
}

static void test_verifier_excerpt(void **state)
{
	const char *log = "scx: starting\n"
			  "libbpf: prog 'a': -- BEGIN PROG LOAD LOG --\n"
			  "l1\nl2\nl3\nl4\n"
			  "-- END PROG LOAD LOG --\n"
			  "libbpf: prog 'a': failed to load: -13\n"
			  "scx: failed to load the BPF scheduler: Permission denied\n";
	char *x = sched_verifier_excerpt(log, 2);

	assert_string_equal(x, "l3\nl4\nlibbpf: prog 'a': failed to load: -13\n"
			       "scx: failed to load the BPF scheduler: Permission denied");
	free(x);
	x = sched_verifier_excerpt(log, 10);
	assert_non_null(strstr(x, "l1\nl2\nl3\nl4\n"));
	free(x);
	assert_null(sched_verifier_excerpt("all good\n", 5));
	assert_null(sched_verifier_excerpt(NULL, 5));
}

static void test_kmsg_reason(void **state)
{
	bool normal;
	char *r;

	r = sched_kmsg_reason("sched_ext: ktstr: watchdog timeout 3000ms <= rescue\n"
			      "sched_ext: BPF scheduler \"ktstr\" enabled\n"
			      "sched_ext: BPF scheduler \"ktstr\" disabled (scx_bpf_error)\n"
			      "sched_ext: ktstr: ktstr fault: error-after 1000 ms fired\n",
			      &normal);
	assert_string_equal(r, "scx_bpf_error: ktstr fault: error-after 1000 ms fired");
	assert_false(normal);
	free(r);
	r = sched_kmsg_reason("sched_ext: BPF scheduler \"ktstr\" disabled (unregistered from "
			      "user space)\n",
			      &normal);
	assert_string_equal(r, "unregistered from user space");
	assert_true(normal);
	free(r);
	assert_null(sched_kmsg_reason("sched_ext: BPF scheduler \"ktstr\" enabled\n", &normal));
	assert_null(sched_kmsg_reason(NULL, &normal));
	/* truncated line: no closing parenthesis */
	assert_null(sched_kmsg_reason("sched_ext: BPF scheduler \"k\" disabled (", &normal));
}

static void test_kmsg_line(void **state)
{
	const char *l = "4,812,10389330,-;sched_ext: BPF scheduler \"ktstr\" disabled (x)";
	char *t = sched_kmsg_line_text(l, strlen(l));

	assert_string_equal(t, "sched_ext: BPF scheduler \"ktstr\" disabled (x)");
	free(t);
	assert_null(sched_kmsg_line_text(" SUBSYSTEM=cpu", 14));
	assert_null(sched_kmsg_line_text("garbage", 7));
	assert_null(sched_kmsg_line_text("", 0));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_verifier_excerpt),
		cmocka_unit_test(test_kmsg_reason),
		cmocka_unit_test(test_kmsg_line),
		cmocka_unit_test(test_good),
		cmocka_unit_test(test_exec_failed),
		cmocka_unit_test(test_load_failed),
		cmocka_unit_test(test_not_attached),
		cmocka_unit_test(test_exited_mid_test),
		cmocka_unit_test(test_ejected),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
