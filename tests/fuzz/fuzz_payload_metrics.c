// SPDX-License-Identifier: GPL-2.0-only
/*
 * Payload output and what becomes of it: metric extraction from JSON output
 * (core/metrics.h), the YAML subset (util/yaml.h) walked into metrics, and
 * the host's merge of a guest's CHAN_METRICS frame (runner/payload.h), twice
 * into one set as two runs of a payload would be. Properties: a merged set
 * written as a record reads back with the same names and values; the set
 * never grows past METRICS_MAX_COUNT.
 */
#include "fuzz.h"

#include <math.h>

#include "core/metrics.h"
#include "runner/payload.h"
#include "util/yaml.h"

static void extract(const char *text, size_t len)
{
	struct metric_set ms;
	char *err = NULL;
	int n;

	metrics_init(&ms);
	n = metrics_extract(text, len, &ms, &err);
	FUZZ_CHECK(n < 0 || (unsigned)n == ms.n);
	FUZZ_CHECK(ms.n <= METRICS_MAX_COUNT + 1);
	free(err);
	metrics_free(&ms);
}

static void yaml(const char *text, size_t len)
{
	struct metric_set ms;
	char *err = NULL;
	json_t *v = yaml_parse(text, len, &err);

	FUZZ_CHECK(v || err);
	free(err);
	if (!v)
		return;
	metrics_init(&ms);
	metrics_walk(v, &ms);
	json_decref(v);
	metrics_free(&ms);
}

static void merge(const char *text, size_t len)
{
	struct metric_set into, back;
	char *err = NULL;
	json_t *j;

	metrics_init(&into);
	for (int i = 0; i < 2; i++) {
		if (payload_metrics_merge(&into, text, len, &err))
			FUZZ_CHECK(err);
		free(err);
		err = NULL;
	}
	FUZZ_CHECK(into.n <= METRICS_MAX_COUNT);
	j = metrics_to_json(&into);
	metrics_init(&back);
	FUZZ_CHECK(j && !metrics_from_json(j, &back, &err) && back.n == into.n);
	for (unsigned i = 0; i < into.n; i++) {
		FUZZ_CHECK(!strcmp(into.v[i].name, back.v[i].name));
		FUZZ_CHECK(into.v[i].value == back.v[i].value ||
			   (isnan(into.v[i].value) && isnan(back.v[i].value)));
	}
	json_decref(j);
	metrics_free(&back);
	metrics_free(&into);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;

	extract(text, size);
	yaml(text, size);
	merge(text, size);
	return 0;
}
