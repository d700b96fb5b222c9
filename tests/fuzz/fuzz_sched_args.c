// SPDX-License-Identifier: GPL-2.0-only
/*
 * Scheduler arguments (core/sched_args.h): the --sched-args text a user
 * gives, and flag names, sysctls and kernel arguments of a scheduler
 * definition. Input lines: 1 the argument text, 2 active flag names
 * (','-separated), 3 sysctls and 4 kernel arguments (';'-separated). The
 * scheduler declares flags llc, steal (requires llc) and borrow (requires
 * steal and llc). Properties: split words are non-empty and free of the
 * separators; built arguments are the scheduler's, then the extra ones, then
 * the active flags'; an accepted command line is one word per sysctl and
 * karg with no whitespace inside a word.
 */
#include "fuzz.h"

#include "core/sched_args.h"
#include "util/util.h"

/* Line i of text, split on any of seps into a NULL-terminated array. */
static char **words(const char *text, unsigned line, const char *seps)
{
	char **v = NULL;
	size_t n = 0;
	const char *p = text, *end;

	for (unsigned i = 0; i < line && p; i++) {
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	strv_push(&v, &n, NULL);
	n = 0;
	if (!p)
		return v;
	end = p + strcspn(p, "\n");
	while (p < end) {
		size_t k = strcspn(p, seps);

		if (p + k > end)
			k = (size_t)(end - p);
		strv_push(&v, &n, xstrndup(p, k));
		p += k + 1;
	}
	return v;
}

static size_t count(char *const *v)
{
	size_t n = 0;

	while (v && v[n])
		n++;
	return n;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char *const llc_args[] = { "--llc", NULL }, *const steal_args[] = { "--steal", NULL },
			       *const borrow_args[] = { "--borrow", "1", NULL },
			       *const needs_llc[] = { "llc", NULL },
			       *const needs_steal[] = { "steal", "llc", NULL };
	static const struct ktstr_flag flags[] = {
		{ "llc", llc_args, NULL },
		{ "steal", steal_args, needs_llc },
		{ "borrow", borrow_args, needs_steal },
		{ 0 },
	};
	char *text = fuzz_cstr(data, size), *err = NULL;
	char **first = words(text, 0, "\n"), **extra = sched_split_args(first[0]);
	char **active = words(text, 1, ","), **sysctls = words(text, 2, ";");
	char **kargs = words(text, 3, ";"), **args, *cmd;
	const struct ktstr_scheduler s = {
		.name = "fuzz",
		.binary = "scx_fuzz",
		.args = (const char *const[]){ "-v", NULL },
		.flags = flags,
		.sysctls = (const char *const *)sysctls,
		.kargs = (const char *const *)kargs,
	};

	for (size_t i = 0; extra[i]; i++)
		FUZZ_CHECK(extra[i][0] && !strpbrk(extra[i], " \t\n"));
	args = sched_build_args(&s, (const char *const *)extra, (const char *const *)active, &err);
	if (args) {
		size_t n = count(args);

		FUZZ_CHECK(n >= 1 + count(extra) && !strcmp(args[0], "-v"));
		for (size_t i = 0; extra[i]; i++)
			FUZZ_CHECK(!strcmp(args[1 + i], extra[i]));
		FUZZ_CHECK(!sched_check_flags(&s, (const char *const *)active, &err));
	} else {
		FUZZ_CHECK(err);
		free(err);
		err = NULL;
	}
	cmd = sched_cmdline(&s, &err);
	if (cmd) {
		char **w = sched_split_args(cmd);

		FUZZ_CHECK(count(w) == count(sysctls) + count(kargs));
		strv_free(w);
		free(cmd);
	} else {
		FUZZ_CHECK(err);
		free(err);
	}
	strv_free(args);
	strv_free(first);
	strv_free(extra);
	strv_free(active);
	strv_free(sysctls);
	strv_free(kargs);
	free(text);
	return 0;
}
