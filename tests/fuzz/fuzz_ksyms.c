// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's CHAN_KALLSYMS text (monitor/ksyms.h). Properties: only wanted
 * symbols are kept, each at most once, and ksyms_addr finds each of them.
 */
#include "fuzz.h"

#include "monitor/ksyms.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ksyms k;
	unsigned bad = 0, wanted = 0;

	FUZZ_CHECK(!ksyms_parse((const char *)data, size, &k, &bad));
	for (const char *const *w = ksyms_wanted; *w; w++)
		wanted++;
	FUZZ_CHECK(k.n <= wanted);
	for (size_t i = 0; i < k.n; i++) {
		bool known = false;

		for (const char *const *w = ksyms_wanted; *w; w++)
			known |= !strcmp(*w, k.v[i].name);
		FUZZ_CHECK(known);
		for (size_t j = 0; j < i; j++)
			FUZZ_CHECK(strcmp(k.v[i].name, k.v[j].name));
		FUZZ_CHECK(!k.v[i].addr || ksyms_addr(&k, k.v[i].name) == k.v[i].addr);
	}
	ksyms_free(&k);
	return 0;
}
