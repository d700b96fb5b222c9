// SPDX-License-Identifier: GPL-2.0-only
/* JSON codec of BPF map requests and replies (see mapreq.h). */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <jansson.h>

#include "proto/mapreq.h"
#include "util/json.h"
#include "util/util.h"

static char *mapreq_dump(json_t *j)
{
	char *s = json_dumps(j, JSON_COMPACT);

	json_decref(j);
	return s ? s : xstrdup("{}");
}

char *mapreq_encode(const struct map_req *rq)
{
	return mapreq_dump(json_pack("{s:I,s:s,s:s,s:s,s:I,s:I}", "id", (json_int_t)rq->id, "op",
				     rq->write ? "write" : "read", "map", rq->map, "var", rq->var,
				     "offset", (json_int_t)rq->offset, "value",
				     (json_int_t)rq->value));
}

char *mapreply_encode(const struct map_reply *rp)
{
	json_t *j = json_pack("{s:I,s:i,s:I,s:s,s:I}", "id", (json_int_t)rp->id, "rc", rp->rc,
			      "value", (json_int_t)rp->value, "map", rp->map, "offset",
			      (json_int_t)rp->offset);

	if (j && rp->error[0])
		json_object_set_new(j, "error", json_string(rp->error));
	return mapreq_dump(j);
}

static json_t *mapreq_parse(const void *data, size_t len, char **err)
{
	json_error_t jerr;
	json_t *j = json_loadb(data, len, JSON_REJECT_DUPLICATES, &jerr);

	if (!j)
		*err = xasprintf("not JSON: %s", jerr.text);
	else if (!json_is_object(j)) {
		*err = xstrdup("not a JSON object");
		json_decref(j);
		j = NULL;
	}
	return j;
}

/* An optional string member that must fit in cap bytes with its NUL. */
static int get_str(json_t *j, const char *key, char *out, size_t cap, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v)
		return 0;
	if (!json_is_string(v) || json_string_length(v) >= cap ||
	    strlen(json_string_value(v)) != json_string_length(v)) {
		*err = xasprintf("\"%s\" is not a string of at most %zu bytes", key, cap - 1);
		return -EINVAL;
	}
	memcpy(out, json_string_value(v), json_string_length(v) + 1);
	return 0;
}

int mapreq_decode(const void *data, size_t len, struct map_req *rq, char **err)
{
	json_t *j = mapreq_parse(data, len, err);
	json_int_t id = 0, off = 0, val = 0;
	char op[8] = "";
	int rc;

	memset(rq, 0, sizeof(*rq));
	if (!j)
		return -EINVAL;
	rc = json_get_int(j, "id", 0, UINT32_MAX, &id, "", err);
	if (!rc)
		rc = get_str(j, "op", op, sizeof(op), err);
	if (!rc)
		rc = get_str(j, "map", rq->map, sizeof(rq->map), err);
	if (!rc)
		rc = get_str(j, "var", rq->var, sizeof(rq->var), err);
	if (!rc)
		rc = json_get_int(j, "offset", 0, UINT32_MAX, &off, "", err);
	if (!rc)
		rc = json_get_int(j, "value", 0, UINT32_MAX, &val, "", err);
	if (!rc && strcmp(op, "read") && strcmp(op, "write")) {
		*err = xstrdup("\"op\" must be \"read\" or \"write\"");
		rc = -EINVAL;
	}
	if (!rc && !rq->map[0]) {
		*err = xstrdup("\"map\" (a map name suffix such as \".bss\") is missing");
		rc = -EINVAL;
	}
	json_decref(j);
	rq->id = (uint32_t)id;
	rq->write = !strcmp(op, "write");
	rq->offset = (uint32_t)off;
	rq->value = (uint32_t)val;
	return rc;
}

int mapreply_decode(const void *data, size_t len, struct map_reply *rp, char **err)
{
	json_t *j = mapreq_parse(data, len, err);
	json_int_t id = 0, code = 0, val = 0, off = 0;
	int rc;

	memset(rp, 0, sizeof(*rp));
	if (!j)
		return -EINVAL;
	rc = json_get_int(j, "id", 0, UINT32_MAX, &id, "", err);
	if (!rc)
		rc = json_get_int(j, "rc", -4095, 0, &code, "", err);
	if (!rc)
		rc = json_get_int(j, "value", 0, UINT32_MAX, &val, "", err);
	if (!rc)
		rc = json_get_int(j, "offset", 0, UINT32_MAX, &off, "", err);
	if (!rc)
		rc = get_str(j, "map", rp->map, sizeof(rp->map), err);
	if (!rc && json_is_string(json_object_get(j, "error")))
		snprintf(rp->error, sizeof(rp->error), "%s",
			 json_string_value(json_object_get(j, "error")));
	json_decref(j);
	rp->id = (uint32_t)id;
	rp->rc = (int)code;
	rp->value = (uint32_t)val;
	rp->offset = (uint32_t)off;
	return rc;
}
