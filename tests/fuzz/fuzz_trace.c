// SPDX-License-Identifier: GPL-2.0-only
/*
 * The guest's --trace text (proto/tracefs.h) through the trace file writer
 * (runner/tracejson.h), and scheduler logs through the verifier statistics
 * parser (proto/verstats.h). Properties: the trace document is valid JSON
 * with one event per parsed line at least, CPUs stay below the limit; the
 * verifier statistics round-trip through JSON.
 */
#include "fuzz.h"

#include <jansson.h>

#include "proto/verstats.h"
#include "runner/tracejson.h"

static void fuzz_verstats(const uint8_t *data, size_t size)
{
	struct verstats vs, back;
	char *err = NULL;
	json_t *j;

	verstats_parse((const char *)data, size, &vs);
	FUZZ_CHECK(vs.n <= VERSTATS_MAX_PROGS);
	j = verstats_to_json(&vs);
	FUZZ_CHECK(j && !verstats_from_json(j, &back, &err));
	FUZZ_CHECK(back.n == vs.n);
	for (unsigned i = 0; i < vs.n; i++)
		FUZZ_CHECK(back.progs[i].insns == vs.progs[i].insns &&
			   !strcmp(back.progs[i].name, vs.progs[i].name));
	json_decref(j);
	verstats_free(&back);
	verstats_free(&vs);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tracejson_stats st;
	char *doc = tracejson_build(&(struct tracejson_in){ .text = (const char *)data,
							    .len = size, .failure = "x" }, &st);
	json_t *j = json_loads(doc, 0, NULL);

	FUZZ_CHECK(j && json_is_array(json_object_get(j, "traceEvents")));
	FUZZ_CHECK(json_array_size(json_object_get(j, "traceEvents")) >= st.events);
	FUZZ_CHECK(st.cpus <= TRACEFS_MAX_CPUS);
	json_decref(j);
	free(doc);
	fuzz_verstats(data, size);
	return 0;
}
