// SPDX-License-Identifier: GPL-2.0-only
/* The verdict of one test run from the guest's result and the VM outcome. */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "runner/eval.h"
#include "util/util.h"

const char *eval_signal_name(int sig, char *buf, size_t len)
{
	const char *abbrev = sig > 0 ? sigabbrev_np(sig) : NULL;

	if (abbrev)
		snprintf(buf, len, "SIG%s", abbrev);
	else
		snprintf(buf, len, "signal %d", sig);
	return buf;
}

const char *eval_wait_status(int status, char *buf, size_t len)
{
	char sig[32];

	if (WIFEXITED(status))
		snprintf(buf, len, "exited %d", WEXITSTATUS(status));
	else if (WIFSIGNALED(status))
		snprintf(buf, len, "killed by %s", eval_signal_name(WTERMSIG(status), sig, sizeof(sig)));
	else
		snprintf(buf, len, "status 0x%x", (unsigned)status);
	return buf;
}

bool eval_sched_ejected(const char *line)
{
	/* The kernel logs every disable; only errors, stalls and sysrq are ejections.
	 * Normal ends say "unregistered from user space / BPF / the main kernel". */
	return line && *line && !strstr(line, "unregistered from");
}

static bool has_kind(const struct ktstr_result *r, enum ktstr_fail_kind kind)
{
	for (unsigned i = 0; i < r->ndetails; i++)
		if (r->details[i].kind == kind)
			return true;
	return false;
}

void eval_verdict(const struct eval_input *in, struct eval_outcome *out)
{
	const struct vm_result *vm = in->vm;
	struct ktstr_result *r = &out->result;
	bool hard = false;        /* the test never reached a verdict of its own */
	bool verdict_fail = false; /* a failure the test body or scheduler produced */
	char sig[32];

	memset(out, 0, sizeof(*out));
	result_init(r);

	if (vm && vm->error) {
		result_fail(r, KTSTR_OTHER, "could not run the VM: %s", vm->error);
		hard = true;
	}
	if (vm && vm->timed_out) {
		result_fail(r, KTSTR_TIMEOUT, "timed out after %u s", in->timeout_s);
		hard = true;
	}
	if (vm && (vm->panicked || vm->oopsed)) {
		result_fail(r, KTSTR_CRASH, "kernel %s: %s", vm->panicked ? "panic" : "oops",
			    vm->panic_line ? vm->panic_line : "(line not captured)");
		hard = true;
	}
	if (vm && vm->got_exit && vm->guest_exit > GUEST_EXIT_SIGNAL_BASE &&
	    vm->guest_exit < GUEST_EXIT_SIGNAL_BASE + 65) {
		result_fail(r, KTSTR_CRASH, "killed by %s",
			    eval_signal_name(vm->guest_exit - GUEST_EXIT_SIGNAL_BASE, sig, sizeof(sig)));
		verdict_fail = true;
	}
	if (!in->guest && r->verdict != KTSTR_FAIL) {
		if (vm && vm->got_exit && vm->guest_exit == GUEST_EXIT_INIT_ERROR)
			result_fail(r, KTSTR_OTHER, "init could not run the test body (init stage: %s)",
				    in->stage ? in->stage : "unknown");
		else if (vm)
			result_fail(r, KTSTR_OTHER, "no test result from the guest (init stage: %s)",
				    in->stage ? in->stage : "none reached");
		else
			result_fail(r, KTSTR_OTHER, "the test body produced no result");
		hard = true;
	}
	if (in->guest) {
		out->reached_verdict = true;
		if (in->guest->verdict == KTSTR_FAIL)
			verdict_fail = true;
		/* the guest init killed a body that outlived its limit */
		if (has_kind(in->guest, KTSTR_TIMEOUT))
			hard = true;
		result_merge(r, in->guest);
	}
	if (vm && eval_sched_ejected(vm->scx_disabled_line) &&
	    !(in->guest && has_kind(in->guest, KTSTR_SCHED_DIED))) {
		result_fail(r, KTSTR_SCHED_DIED, "%s", vm->scx_disabled_line);
		verdict_fail = true;
	}
	out->show_diagnostics = hard || (r->verdict == KTSTR_FAIL && !in->guest) ||
				has_kind(r, KTSTR_SCHED_DIED) || has_kind(r, KTSTR_CRASH);

	if (!in->expect_err || r->verdict == KTSTR_SKIP)
		return;
	if (r->verdict == KTSTR_PASS) {
		result_fail(r, KTSTR_OTHER, "expected the test to fail, but it passed");
	} else if (!hard && verdict_fail) {
		const struct ktstr_detail *d = r->ndetails ? &r->details[0] : NULL;

		out->expected_failure = true;
		out->show_diagnostics = false;
		r->verdict = KTSTR_PASS;
		out->note = d ? xasprintf("expected failure: [%s] %s", fail_kind_name(d->kind), d->msg)
			      : xstrdup("expected failure");
	}
}

void eval_outcome_free(struct eval_outcome *o)
{
	result_free(&o->result);
	free(o->note);
	o->note = NULL;
}
