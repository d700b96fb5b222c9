// SPDX-License-Identifier: GPL-2.0-only
#include "util/json.h"

#include <errno.h>

#include "util/util.h"

int json_get_str(json_t *j, const char *key, bool required, char **out, const char *what,
		 char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v || json_is_null(v)) {
		if (!required)
			return 0;
		*err = xasprintf("%smissing \"%s\"", what, key);
		return -EINVAL;
	}
	if (!json_is_string(v)) {
		*err = xasprintf("%s\"%s\" is not a string", what, key);
		return -EINVAL;
	}
	*out = xstrdup(json_string_value(v));
	return 0;
}

int json_get_int(json_t *j, const char *key, json_int_t lo, json_int_t hi, json_int_t *out,
		 const char *what, char **err)
{
	json_t *v = json_object_get(j, key);

	if (!v || json_is_null(v))
		return 0;
	if (!json_is_integer(v) || json_integer_value(v) < lo || json_integer_value(v) > hi) {
		*err = xasprintf("%s\"%s\" is not an integer in [%lld, %lld]", what, key,
				 (long long)lo, (long long)hi);
		return -EINVAL;
	}
	*out = json_integer_value(v);
	return 0;
}
