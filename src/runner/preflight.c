// SPDX-License-Identifier: GPL-2.0-only
#include "runner/preflight.h"
#include "core/entry.h"
#include "core/sched_args.h"
#include "util/util.h"
#include "vm/elfdeps.h"
#include "vm/kernel.h"

#include <stdlib.h>
#include <string.h>

static int check_one(const char *spec, char **err)
{
	struct kernel_info k;
	int ret = kernel_resolve(spec, &k, err);

	if (!ret)
		kernel_info_free(&k);
	return ret;
}

int preflight_kernel(const char *spec, char **err)
{
	const char *env = getenv("KTSTR_KERNEL");

	if (!(spec && *spec) && !(env && *env))
		return 0;
	return check_one(spec, err);
}

int preflight_kernels(const struct plan_item *items, size_t n, const char *spec, char **err)
{
	bool default_checked = false;

	for (size_t i = 0; i < n; i++) {
		const struct plan_kernel *k = items[i].kernel;
		bool seen = false;
		int ret;

		if (items[i].test->host_only)
			continue;
		if (!k) {
			if (default_checked)
				continue;
			default_checked = true;
			ret = preflight_kernel(spec, err);
			if (ret)
				return ret;
			continue;
		}
		for (size_t j = 0; j < i && !seen; j++)
			seen = items[j].kernel && !items[j].test->host_only &&
			       !strcmp(items[j].kernel->spec, k->spec);
		if (!seen && (ret = check_one(k->spec, err)))
			return ret;
	}
	return 0;
}

int preflight_schedulers(const struct plan_item *items, size_t n, const char *self_dir,
			 const char *path_env, char **err)
{
	for (size_t i = 0; i < n; i++) {
		const struct ktstr_scheduler *s;
		char *path = NULL, *why = NULL;
		bool seen = false;
		int ret;

		if (items[i].test->host_only || !entry_sched_active(items[i].test))
			continue;
		s = entry_scheduler(items[i].test);
		for (size_t j = 0; j < i && !seen; j++)
			seen = !items[j].test->host_only && entry_scheduler(items[j].test) == s;
		if (seen)
			continue;
		ret = sched_resolve_binary(s, self_dir, path_env, &path, err);
		if (ret)
			return ret;
		ret = elfdeps_check_exec(path, &why);
		free(path);
		if (ret) {
			*err = xasprintf("scheduler %s (test %s): %s", s->name ? s->name : "?",
					 items[i].name, why);
			free(why);
			return ret;
		}
	}
	return 0;
}
