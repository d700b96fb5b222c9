// SPDX-License-Identifier: GPL-2.0-only
/*
 * Run records as `ktstr stats` reads them back (runner/sidecar.h) and the A/B
 * comparison over them (runner/compare.h). The input is one record, or an
 * array of records split into sides A (even indices) and B (odd). Property:
 * a record that reads back writes out again and reads back with the same
 * identity, verdict and metric count.
 */
#include "fuzz.h"

#include "runner/compare.h"
#include "runner/sidecar.h"

#define MAX_RECORDS 16

static char *join(char *const *v)
{
	size_t n = 1;
	char *s;

	for (size_t i = 0; v && v[i]; i++)
		n += strlen(v[i]) + 1;
	s = calloc(1, n);
	if (!s)
		abort();
	for (size_t i = 0; v && v[i]; i++) {
		if (i)
			strcat(s, " ");
		strcat(s, v[i]);
	}
	return s;
}

static bool same_str(const char *a, const char *b)
{
	return (!a && !b) || (a && b && !strcmp(a, b));
}

static void roundtrip(const struct sidecar_record *r)
{
	struct sidecar_record back;
	json_t *j = sidecar_to_json(r);
	char *err = NULL;

	FUZZ_CHECK(j && !sidecar_from_json(j, &back, &err));
	FUZZ_CHECK(same_str(r->run_id, back.run_id) && same_str(r->test, back.test) &&
		   same_str(r->variant, back.variant) && same_str(r->topology, back.topology));
	FUZZ_CHECK(r->result.verdict == back.result.verdict && r->metrics.n == back.metrics.n &&
		   r->nattempts == back.nattempts);
	sidecar_record_free(&back);
	json_decref(j);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct sidecar_record rec[MAX_RECORDS];
	struct compare_rec cr[2][MAX_RECORDS];
	char *args[MAX_RECORDS];
	size_t n = 0, side_n[2] = { 0, 0 };
	json_t *j = json_loadb((const char *)data, size, 0, NULL);
	struct compare_opts opts = COMPARE_OPTS_DEFAULT;
	struct compare_report rep;

	bool array = json_is_array(j);

	if (!j)
		return 0;
	for (size_t i = 0; n < MAX_RECORDS && i < (array ? json_array_size(j) : 1); i++) {
		const json_t *e = array ? json_array_get(j, i) : j;
		struct sidecar_record *r = &rec[n];
		size_t s = array ? i % 2 : 0;
		char *err = NULL;

		if (sidecar_from_json(e, r, &err)) {
			free(err);
			continue;
		}
		roundtrip(r);
		args[n] = join(r->scheduler_args);
		cr[s][side_n[s]++] = compare_rec_of(r, args[n]);
		n++;
	}
	json_decref(j);
	if (!array || !side_n[1]) { /* one side: compare it with itself */
		memcpy(cr[1], cr[0], side_n[0] * sizeof(cr[0][0]));
		side_n[1] = side_n[0];
	}
	if (side_n[0]) {
		struct compare_side a = { "a", cr[0], side_n[0] }, b = { "b", cr[1], side_n[1] };
		json_t *out;

		opts.rel_override = size % 3 ? -1.0 : 0.05;
		compare_runs(&a, &b, &opts, &rep);
		out = compare_report_to_json(&rep);
		FUZZ_CHECK(out);
		(void)compare_exit_code(&rep);
		for (int d = 0; d < DIM_COUNT; d++)
			free(compare_dim_values(&a, (enum compare_dim)d));
		json_decref(out);
		compare_report_free(&rep);
	}
	for (size_t i = 0; i < n; i++) {
		free(args[i]);
		sidecar_record_free(&rec[i]);
	}
	return 0;
}
