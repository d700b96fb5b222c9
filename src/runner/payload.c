// SPDX-License-Identifier: GPL-2.0-only
#include "runner/payload.h"
#include "runner/include.h"
#include "util/util.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

static bool uses_output_file(const struct ktstr_payload *p)
{
	for (const char *const *a = p->args; a && *a; a++)
		if (strstr(*a, KTSTR_OUTPUT_FILE))
			return true;
	return false;
}

int payload_validate(const struct ktstr_payload *p, char **err)
{
	const char *name = p->name ? p->name : "";

	*err = NULL;
	if (!*name)
		*err = xstrdup("payload without a name");
	else if (!p->binary || !*p->binary)
		*err = xasprintf("payload '%s': no binary", name);
	else if (p->output > KTSTR_OUTPUT_YAML)
		*err = xasprintf("payload '%s': unknown output format %d", name, (int)p->output);
	else if (p->output == KTSTR_OUTPUT_EXIT_CODE && uses_output_file(p))
		*err = xasprintf("payload '%s': an argument names %s but the output format is "
				 "exit code only (no metrics are read)",
				 name, KTSTR_OUTPUT_FILE);
	for (const struct ktstr_metric_hint *h = p->hints; !*err && h && h->name; h++)
		if (!*h->name || h->polarity > KTSTR_TARGET_VALUE)
			*err = xasprintf("payload '%s': hint '%s' has an empty name or a bad polarity",
					 name, h->name);
	for (const struct ktstr_metric_check *c = p->checks; !*err && c && c->kind; c++) {
		if (c->kind > KTSTR_CK_EXIT_CODE)
			*err = xasprintf("payload '%s': check of unknown kind %d", name, (int)c->kind);
		else if (c->kind != KTSTR_CK_EXIT_CODE && (!c->metric || !*c->metric))
			*err = xasprintf("payload '%s': a metric check without a metric name", name);
		else if (c->kind == KTSTR_CK_RANGE && c->lo > c->hi)
			*err = xasprintf("payload '%s': range check on '%s' has lo > hi", name,
					 c->metric);
	}
	return *err ? -EINVAL : 0;
}

#define PAYLOAD_NAME_MAX 64

static bool good_name(const char *s)
{
	size_t n = strlen(s);

	if (!n || n > PAYLOAD_NAME_MAX)
		return false;
	for (; *s; s++)
		if (!isalnum((unsigned char)*s) && *s != '_' && *s != '-')
			return false;
	return true;
}

/* Does any metric already carry this prefix? */
static bool prefix_used(const struct metric_set *ms, const char *prefix)
{
	for (unsigned i = 0; i < ms->n; i++)
		if (str_starts_with(ms->v[i].name, prefix))
			return true;
	return false;
}

int payload_metrics_merge(struct metric_set *into, const void *frame, size_t len, char **err)
{
	json_error_t jerr;
	json_t *j = json_loadb(frame, len, 0, &jerr), *name, *list;
	struct metric_set got;
	char *prefix = NULL;
	int ret = 0;

	*err = NULL;
	metrics_init(&got);
	name = json_object_get(j, "payload");
	list = json_object_get(j, "metrics");
	if (!j) {
		*err = xasprintf("metrics frame: %s", jerr.text);
		ret = -EINVAL;
	} else if (!json_is_string(name) || !good_name(json_string_value(name))) {
		*err = xstrdup("metrics frame: bad or missing payload name");
		ret = -EINVAL;
	} else if (metrics_from_json(list, &got, err)) {
		ret = -EINVAL;
	} else if ((size_t)into->n + got.n > METRICS_MAX_COUNT) {
		*err = xasprintf("metrics frame: more than %u metrics in the test", METRICS_MAX_COUNT);
		ret = -E2BIG;
	}
	if (!ret) {
		prefix = xasprintf("%s.", json_string_value(name));
		for (unsigned k = 2; prefix_used(into, prefix); k++) {
			free(prefix);
			prefix = xasprintf("%s#%u.", json_string_value(name), k);
		}
		/* capacity in whole blocks of 64, as metrics.c grows sets */
		into->v = xrealloc(into->v, (into->n + got.n + 63) / 64 * 64 * sizeof(*into->v));
		for (unsigned i = 0; i < got.n; i++) {
			struct metric m = got.v[i];

			m.name = xasprintf("%s%s", prefix, got.v[i].name);
			free(got.v[i].name);
			into->v[into->n++] = m;
		}
		into->truncated |= got.truncated;
		free(got.v);
		got.v = NULL;
		got.n = 0;
	}
	free(prefix);
	metrics_free(&got);
	json_decref(j);
	return ret;
}

static int add_list(struct initramfs *ir, const char *const *specs, const char *path_env,
		    char **err)
{
	for (; specs && *specs; specs++) {
		int ret = include_add(ir, *specs, path_env, err);

		if (ret < 0)
			return ret;
	}
	return 0;
}

int payload_pack(struct initramfs *ir, const struct ktstr_test *t, const char *const *extra,
		 const char *path_env, char **err)
{
	int ret = t ? add_list(ir, t->include_files, path_env, err) : 0;

	if (!ret)
		ret = add_list(ir, extra, path_env, err);
	for (const struct ktstr_payload *const *p = t ? t->payloads : NULL; !ret && p && *p; p++) {
		char *e = NULL;

		ret = include_add(ir, (*p)->binary, path_env, &e);
		if (!ret)
			ret = add_list(ir, (*p)->include_files, path_env, &e);
		if (ret) {
			*err = xasprintf("payload '%s': %s", (*p)->name, e);
			free(e);
		}
	}
	return ret;
}
