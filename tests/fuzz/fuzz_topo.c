// SPDX-License-Identifier: GPL-2.0-only
/*
 * Topology strings (core/topo.h), as given on the command line. Properties: a
 * topology that parses validates, formats, and the text parses back to the
 * same shape.
 */
#include "fuzz.h"

#include "core/topo.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct ktstr_topology t, back;
	char *text = fuzz_cstr(data, size), *err = NULL, buf[64];

	if (topo_parse(text, &t, &err)) {
		FUZZ_CHECK(err);
		free(err);
		free(text);
		return 0;
	}
	FUZZ_CHECK(!topo_validate(&t, &err));
	FUZZ_CHECK(topo_total_cpus(&t) >= 1 && topo_total_cpus(&t) <= KTSTR_TOPO_MAX_CPUS);
	topo_format(&t, buf, sizeof(buf));
	FUZZ_CHECK(!topo_parse(buf, &back, &err));
	FUZZ_CHECK(back.numa_nodes == t.numa_nodes && back.llcs == t.llcs &&
		   back.cores_per_llc == t.cores_per_llc &&
		   back.threads_per_core == t.threads_per_core);
	for (unsigned a = 0; a < t.numa_nodes; a++)
		for (unsigned b = 0; b < t.numa_nodes; b++)
			FUZZ_CHECK(topo_distance(&t, a, b) >= 10);
	free(text);
	return 0;
}
