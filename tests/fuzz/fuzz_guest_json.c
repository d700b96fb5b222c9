// SPDX-License-Identifier: GPL-2.0-only
/*
 * The JSON a guest sends the host, and the orders the host sends it: one
 * input goes to every decoder (CHAN_RESULT results and attempts, CHAN_SCHED
 * events, CHAN_MAP_REQ requests, CHAN_MAP_REPLY replies, CHAN_ORDERS).
 * Property: whatever a decoder accepts, its encoder writes out again, and
 * that text decodes to the same value.
 */
#include "fuzz.h"

#include <jansson.h>

#include "core/result.h"
#include "proto/mapreq.h"
#include "proto/orders.h"
#include "proto/sched_event.h"

static void same_result(const struct ktstr_result *a, const struct ktstr_result *b)
{
	FUZZ_CHECK(a->verdict == b->verdict && a->ndetails == b->ndetails &&
		   a->nstats == b->nstats);
	FUZZ_CHECK(!a->skip_reason == !b->skip_reason);
	FUZZ_CHECK(!a->skip_reason || !strcmp(a->skip_reason, b->skip_reason));
	for (unsigned i = 0; i < a->ndetails; i++)
		FUZZ_CHECK(a->details[i].kind == b->details[i].kind &&
			   !strcmp(a->details[i].msg, b->details[i].msg));
	for (unsigned i = 0; i < a->nstats; i++)
		FUZZ_CHECK(!strcmp(a->stats[i].name, b->stats[i].name));
}

static void result(const json_t *j)
{
	struct ktstr_result r, back;
	struct ktstr_attempt *a = NULL, *a2 = NULL;
	unsigned n = 0, n2 = 0;
	char *err = NULL;
	json_t *out;

	if (!result_from_json(j, &r, &err)) {
		out = result_to_json(&r);
		FUZZ_CHECK(out && !result_from_json(out, &back, &err));
		same_result(&r, &back);
		result_free(&back);
		json_decref(out);
		result_free(&r);
	}
	free(err);
	err = NULL;
	if (!attempts_from_json(j, &a, &n, &err)) {
		out = attempts_to_json(a, n);
		FUZZ_CHECK(out && !attempts_from_json(out, &a2, &n2, &err) && n2 == n);
		for (unsigned i = 0; i < n; i++)
			same_result(&a[i].result, &a2[i].result);
		attempts_free(a2, n2);
		json_decref(out);
		attempts_free(a, n);
	}
	free(err);
}

static void sched_event(const char *text, size_t len)
{
	struct sched_event ev, back;
	char *err = NULL, *out;

	if (sched_event_from_json(text, len, &ev, &err)) {
		free(err);
		return;
	}
	(void)sched_event_failed(&ev);
	out = sched_event_to_json(&ev);
	FUZZ_CHECK(out && !sched_event_from_json(out, strlen(out), &back, &err));
	FUZZ_CHECK(!strcmp(ev.event, back.event) && !strcmp(ev.name, back.name) &&
		   ev.pid == back.pid && ev.attach_ms == back.attach_ms &&
		   ev.elapsed_ms == back.elapsed_ms);
	sched_event_free(&back);
	sched_event_free(&ev);
	free(out);
}

static void map_request(const char *text, size_t len)
{
	struct map_req rq, rq2;
	struct map_reply rp, rp2;
	char *err = NULL, *out;

	if (!mapreq_decode(text, len, &rq, &err)) {
		out = mapreq_encode(&rq);
		FUZZ_CHECK(out && !mapreq_decode(out, strlen(out), &rq2, &err));
		FUZZ_CHECK(!memcmp(&rq, &rq2, sizeof(rq)));
		free(out);
	}
	free(err);
	err = NULL;
	if (!mapreply_decode(text, len, &rp, &err)) {
		out = mapreply_encode(&rp);
		FUZZ_CHECK(out && !mapreply_decode(out, strlen(out), &rp2, &err));
		FUZZ_CHECK(rp.id == rp2.id && rp.rc == rp2.rc && rp.value == rp2.value &&
			   rp.offset == rp2.offset && !strcmp(rp.map, rp2.map) &&
			   !strcmp(rp.error, rp2.error));
		free(out);
	}
	free(err);
}

static void orders(const char *text, size_t len)
{
	struct orders o, back;
	char *err = NULL, *out;

	orders_init(&o);
	if (orders_from_json(text, len, &o, &err)) {
		free(err);
		orders_free(&o);
		return;
	}
	out = orders_to_json(&o);
	orders_init(&back);
	FUZZ_CHECK(out && !orders_from_json(out, strlen(out), &back, &err));
	FUZZ_CHECK(!strcmp(o.test, back.test) && o.seed == back.seed &&
		   o.duration_ms == back.duration_ms);
	orders_free(&back);
	orders_free(&o);
	free(out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	const char *text = (const char *)data;
	json_error_t jerr;
	json_t *j = json_loadb(text, size, 0, &jerr);

	if (j) {
		result(j);
		json_decref(j);
	}
	sched_event(text, size);
	map_request(text, size);
	orders(text, size);
	return 0;
}
