// SPDX-License-Identifier: GPL-2.0-only
#include "proto/guest_abi.h"

#include <string.h>

#include "util/util.h"

char *guest_include_path(const char *spec)
{
	size_t len = spec ? strlen(spec) : 0;
	const char *base;
	size_t blen;

	while (len > 1 && spec[len - 1] == '/')
		len--;
	base = spec;
	for (size_t i = 0; i < len; i++)
		if (spec[i] == '/')
			base = spec + i + 1;
	blen = len - (size_t)(base - spec);
	if (!blen || (blen == 1 && base[0] == '.') || (blen == 2 && !strncmp(base, "..", 2)))
		return NULL;
	return xasprintf("%s/%.*s", GUEST_INCLUDE_DIR, (int)blen, base);
}
