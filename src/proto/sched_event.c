// SPDX-License-Identifier: GPL-2.0-only
#include "proto/sched_event.h"

#include <errno.h>
#include <jansson.h>
#include <stdlib.h>
#include <string.h>

#include "util/json.h"
#include "util/util.h"

static const char *const events[] = { "running", "stopped", "exec-failed", "load-failed",
				      "not-attached", "exited", "ejected" };

void sched_event_init(struct sched_event *ev)
{
	memset(ev, 0, sizeof(*ev));
	ev->attach_ms = -1;
	ev->elapsed_ms = -1;
}

void sched_event_free(struct sched_event *ev)
{
	free(ev->event);
	free(ev->name);
	free(ev->ops);
	free(ev->reason);
	sched_event_init(ev);
}

bool sched_event_failed(const struct sched_event *ev)
{
	return ev->event && strcmp(ev->event, "running") && strcmp(ev->event, "stopped");
}

char *sched_event_to_json(const struct sched_event *ev)
{
	json_t *j = json_object();
	char *s;

	json_object_set_new(j, "event", json_string(ev->event ? ev->event : ""));
	json_object_set_new(j, "name", json_string(ev->name ? ev->name : ""));
	json_object_set_new(j, "pid", json_integer(ev->pid));
	if (ev->ops)
		json_object_set_new(j, "ops", json_string(ev->ops));
	if (ev->attach_ms >= 0)
		json_object_set_new(j, "attach_ms", json_integer(ev->attach_ms));
	if (ev->elapsed_ms >= 0)
		json_object_set_new(j, "elapsed_ms", json_integer(ev->elapsed_ms));
	if (ev->reason)
		json_object_set_new(j, "reason", json_string(ev->reason));
	s = json_dumps(j, JSON_COMPACT);
	json_decref(j);
	return s;
}

/* An integer member in [0, 2^31); absent leaves *out. */
static int get_int(json_t *j, const char *key, long *out, char **err)
{
	json_int_t v = *out;
	int ret = json_get_int(j, key, 0, 0x7fffffff, &v, "sched event: ", err);

	*out = (long)v;
	return ret;
}

int sched_event_from_json(const char *text, size_t len, struct sched_event *ev, char **err)
{
	static const char *const keys[] = { "event", "name", "pid", "ops", "attach_ms",
					    "elapsed_ms", "reason" };
	json_error_t jerr;
	const char *key;
	json_t *j, *v;
	long pid = 0;
	size_t i;
	int ret;

	sched_event_init(ev);
	if (len > SCHED_EVENT_MAX_LEN) {
		*err = xasprintf("sched event: %zu bytes, more than %u", len, SCHED_EVENT_MAX_LEN);
		return -E2BIG;
	}
	j = json_loadb(text, len, JSON_REJECT_DUPLICATES, &jerr);
	if (!j || !json_is_object(j)) {
		*err = xasprintf("sched event: not a JSON object (%s)", j ? "wrong type" : jerr.text);
		json_decref(j);
		return -EINVAL;
	}
	json_object_foreach(j, key, v) {
		for (i = 0; i < ARRAY_SIZE(keys) && strcmp(keys[i], key); i++)
			;
		if (i == ARRAY_SIZE(keys)) {
			*err = xasprintf("sched event: unknown key \"%s\"", key);
			ret = -EINVAL;
			goto out;
		}
	}
	ret = json_get_str(j, "event", true, &ev->event, "sched event: ", err);
	if (!ret) {
		for (i = 0; i < ARRAY_SIZE(events) && strcmp(events[i], ev->event); i++)
			;
		if (i == ARRAY_SIZE(events)) {
			*err = xasprintf("sched event: unknown event \"%s\"", ev->event);
			ret = -EINVAL;
		}
	}
	if (!ret)
		ret = json_get_str(j, "name", true, &ev->name, "sched event: ", err);
	if (!ret)
		ret = json_get_str(j, "ops", false, &ev->ops, "sched event: ", err);
	if (!ret)
		ret = json_get_str(j, "reason", false, &ev->reason, "sched event: ", err);
	if (!ret)
		ret = get_int(j, "pid", &pid, err);
	if (!ret)
		ret = get_int(j, "attach_ms", &ev->attach_ms, err);
	if (!ret)
		ret = get_int(j, "elapsed_ms", &ev->elapsed_ms, err);
	ev->pid = (int)pid;
out:
	json_decref(j);
	if (ret)
		sched_event_free(ev);
	return ret;
}
