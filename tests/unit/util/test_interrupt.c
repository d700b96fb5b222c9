// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/interrupt.h"

/* SIGTERM and SIGINT are noted, not deadly; the first one is kept. */
static void test_noted(void **state)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		if (interrupt_signal())
			_exit(10);
		interrupt_install();
		raise(SIGTERM);
		if (interrupt_signal() != SIGTERM)
			_exit(11);
		raise(SIGINT);
		_exit(interrupt_signal() == SIGTERM ? 0 : 12);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* A signal the process ignores (SIGINT of a background job) stays ignored. */
static void test_ignored_stays(void **state)
{
	pid_t pid = fork();
	int status;

	assert_true(pid >= 0);
	if (pid == 0) {
		signal(SIGINT, SIG_IGN);
		interrupt_install();
		raise(SIGINT);
		_exit(interrupt_signal() == 0 ? 0 : 10);
	}
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_noted),
		cmocka_unit_test(test_ignored_stays),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
