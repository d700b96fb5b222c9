// SPDX-License-Identifier: GPL-2.0-only
#include "util/interrupt.h"

#include <signal.h>
#include <stddef.h>

static volatile sig_atomic_t interrupt_sig;

void interrupt_note(int sig)
{
	if (!interrupt_sig)
		interrupt_sig = sig;
}

int interrupt_signal(void)
{
	return interrupt_sig;
}

static void interrupt_on_signal(int sig)
{
	interrupt_note(sig);
}

void interrupt_install(void)
{
	/* no SA_RESTART: a blocking wait returns EINTR and sees the request */
	struct sigaction sa = { .sa_handler = interrupt_on_signal }, old;

	sigemptyset(&sa.sa_mask);
	for (int sig = SIGINT; sig; sig = sig == SIGINT ? SIGTERM : 0) {
		sigaction(sig, NULL, &old);
		if (old.sa_handler != SIG_IGN)
			sigaction(sig, &sa, NULL);
	}
}
