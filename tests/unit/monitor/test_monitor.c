// SPDX-License-Identifier: GPL-2.0-only
/* Monitor pieces without a VM: kallsyms filtering/parsing, BTF member offsets
 * (on a BTF built here), the checks over synthetic samples, the record object. */
#include <errno.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <cmocka.h>

#include <bpf/btf.h>

#include "core/result.h"
#include "core/thresholds.h"
#include "monitor/checks.h"
#include "monitor/kbtf.h"
#include "monitor/ksyms.h"
#include "monitor/report.h"
#include "util/util.h"

static void test_ksyms(void **state)
{
	char path[] = "/tmp/ktstr-kallsyms-XXXXXX";
	int fd = mkstemp(path);
	static const char kallsyms[] =
		"ffffffff83cf65c0 D runqueues\n"
		"ffffffff81000000 T _stext\n"
		"ffffffff829340e0 D __per_cpu_offset\n"
		"ffffffffc0001000 t runqueues\t[some_module]\n"
		"ffffffff829236a8 D page_offset_base\n";
	static const char garbage[] = "zzzz D runqueues\n"
				      "ffffffff83cf65c0 D runqueues trailing\n"
				      "ffffffff00000001 D jiffies_64\n"
				      "ffffffff00000002 D jiffies_64\n"
				      "ffffffff00000003 D not_wanted\n"
				      "0000000000000000 D prog_idr\n" /* as unprivileged readers see it */
				      "ffffffff00000004 D prog_idr\n"
				      "\n\n\x01\x02\n";
	struct ksyms k;
	unsigned bad;
	char *text;

	assert_true(fd >= 0);
	assert_int_equal(write_full(fd, kallsyms, sizeof(kallsyms) - 1), 0);
	close(fd);
	text = ksyms_collect(path);
	unlink(path);
	assert_non_null(text);
	/* wanted kernel symbols only: no _stext, no module symbol */
	assert_string_equal(text, "ffffffff83cf65c0 D runqueues\n"
				  "ffffffff829340e0 D __per_cpu_offset\n"
				  "ffffffff829236a8 D page_offset_base\n");
	assert_int_equal(ksyms_parse(text, strlen(text), &k, &bad), 0);
	assert_int_equal(bad, 0);
	assert_int_equal(k.n, 3);
	assert_true(ksyms_addr(&k, "runqueues") == 0xffffffff83cf65c0ull);
	assert_true(ksyms_addr(&k, "jiffies_64") == 0);
	ksyms_free(&k);
	free(text);
	assert_null(ksyms_collect("/nonexistent/kallsyms"));

	/* the host never trusts the frame: malformed lines are counted, first wins */
	assert_int_equal(ksyms_parse(garbage, sizeof(garbage) - 1, &k, &bad), 0);
	assert_int_equal(bad, 5);
	assert_int_equal(k.n, 2);
	assert_true(ksyms_addr(&k, "jiffies_64") == 0xffffffff00000001ull);
	assert_true(ksyms_addr(&k, "prog_idr") == 0xffffffff00000004ull);
	ksyms_free(&k);
}

/* struct inner { u32 a; u32 nr; }; struct rq { u64 clock; union { u32 x; struct { u32 pad;
 * u32 hidden; }; }; struct inner scx; u32 bits:3; } */
static void test_kbtf(void **state)
{
	struct btf *btf = btf__new_empty();
	int u32_id, u64_id, inner, anon_s, anon_u, rq;
	uint32_t off, size;

	u32_id = btf__add_int(btf, "u32", 4, 0);
	u64_id = btf__add_int(btf, "u64", 8, 0);
	inner = btf__add_struct(btf, "inner", 8);
	btf__add_field(btf, "a", u32_id, 0, 0);
	btf__add_field(btf, "nr", u32_id, 32, 0);
	anon_s = btf__add_struct(btf, NULL, 8);
	btf__add_field(btf, "pad", u32_id, 0, 0);
	btf__add_field(btf, "hidden", u32_id, 32, 0);
	anon_u = btf__add_union(btf, NULL, 8);
	btf__add_field(btf, "x", u32_id, 0, 0);
	btf__add_field(btf, NULL, anon_s, 0, 0);
	rq = btf__add_struct(btf, "rq", 28);
	btf__add_field(btf, "clock", u64_id, 0, 0);
	btf__add_field(btf, NULL, anon_u, 64, 0);
	btf__add_field(btf, "scx", inner, 128, 0);
	btf__add_field(btf, "bits", u32_id, 192, 3);
	assert_true(rq > 0);

	assert_int_equal(kbtf_member(btf, "rq", "clock", &off, &size), 0);
	assert_int_equal(off, 0);
	assert_int_equal(size, 8);
	assert_int_equal(kbtf_member(btf, "rq", "scx.nr", &off, &size), 0);
	assert_int_equal(off, 20);
	assert_int_equal(size, 4);
	/* through an anonymous union and an anonymous struct */
	assert_int_equal(kbtf_member(btf, "rq", "hidden", &off, NULL), 0);
	assert_int_equal(off, 12);
	assert_int_equal(kbtf_member(btf, "rq", "bits", &off, NULL), -EINVAL);
	assert_int_equal(kbtf_member(btf, "rq", "scx.missing", &off, NULL), -ENOENT);
	assert_int_equal(kbtf_member(btf, "rq", "clock.x", &off, NULL), -EINVAL);
	assert_int_equal(kbtf_member(btf, "rq", "", &off, NULL), -EINVAL);
	assert_int_equal(kbtf_member(btf, "nosuch", "clock", &off, NULL), -ENOENT);
	assert_int_equal(kbtf_struct_size(btf, "rq"), 28);
	btf__free(btf);
}

/* n samples of ncpus, all with a scheduler loaded, clocks advancing. */
static void mkdata(struct monitor_data *d, unsigned n, unsigned ncpus)
{
	memset(d, 0, sizeof(*d));
	d->ncpus = ncpus;
	d->hz = 250;
	d->n = n;
	d->caps.events[MON_EV_SELECT_CPU_FALLBACK] = true;
	d->caps.events[MON_EV_DISPATCH_KEEP_LAST] = true;
	d->s = xcalloc(n, sizeof(*d->s));
	for (unsigned i = 0; i < n; i++) {
		d->s[i].t_ms = 100 * i;
		d->s[i].scx = true;
		d->s[i].cpu = xcalloc(ncpus, sizeof(*d->s[i].cpu));
		for (unsigned c = 0; c < ncpus; c++) {
			d->s[i].cpu[c].ok = true;
			d->s[i].cpu[c].nr_running = 2;
			d->s[i].cpu[c].clock = 1000000000ull + 100000000ull * i;
		}
	}
}

static void defaults(struct monchk_limits *l)
{
	struct ktstr_thresholds t = thresholds_defaults();

	monchk_limits_from(&t, l);
	assert_true(l->imbalance_on && l->max_imbalance == 3.0);
	assert_true(l->dsq_on && l->max_dsq == 50);
	assert_true(l->stall_on);
	assert_int_equal(l->sustained, 5);
	/* event rates are recorded, judged only when a test sets a limit */
	assert_false(l->fallback_on || l->keep_last_on);
}

static void test_checks_clean_and_imbalance(void **state)
{
	struct monitor_data d;
	struct monchk_limits l;
	struct monchk_result r;

	defaults(&l);
	mkdata(&d, 40, 4);
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.state, MONCHK_EVALUATED);
	assert_int_equal(r.used, 40 - MONCHK_WARMUP_SAMPLES);
	assert_int_equal(r.nv, 0);
	assert_true(r.imb_max == 1.0);
	monchk_result_free(&r);

	/* 4 samples piled on cpu 0 is not sustained; 6 in a row is; lopsided while every
	 * CPU is busy (a shared DSQ's tasks count on the CPU they last ran on) is not judged */
	for (unsigned i = 15; i < 19; i++) {
		d.s[i].cpu[0].nr_running = 9;
		d.s[i].cpu[1].nr_running = 0;
	}
	for (unsigned i = 32; i < 40; i++)
		d.s[i].cpu[0].nr_running = 9;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 0);
	assert_true(r.imb_max == 9.0);
	monchk_result_free(&r);
	for (unsigned i = 25; i < 31; i++) {
		d.s[i].cpu[0].nr_running = 12;
		d.s[i].cpu[1].nr_running = 0;
	}
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 1);
	assert_int_equal(r.v[0].kind, MONCHK_IMBALANCE);
	assert_int_equal(r.v[0].cpu, -1);
	assert_int_equal(r.v[0].samples, 6);
	assert_int_equal(r.v[0].t_ms, 2500);
	assert_int_equal(r.v[0].confirmed_t_ms, 2900);
	assert_true(r.v[0].peak == 12.0);
	assert_non_null(strstr(r.v[0].msg, "a CPU idle while another has 12 runnable: 12.0 > 3.0"));
	assert_int_equal(r.cpu[0].nr_max, 12);
	monchk_result_free(&r);

	/* switched off by a layer: no violation, numbers still summarised */
	l.imbalance_on = false;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 0);
	assert_true(r.imb_max == 12.0);
	monchk_result_free(&r);
	monitor_data_free(&d);
}

static void test_checks_dsq_stall_rates(void **state)
{
	struct monitor_data d;
	struct monchk_limits l;
	struct monchk_result r;
	struct ktstr_result res;
	json_t *j;
	char *text;

	defaults(&l);
	l.fallback_on = true;
	l.max_fallback_rate = 200;
	mkdata(&d, 40, 2);
	d.caps.vcpu_times = true;
	for (unsigned i = 12; i < 20; i++)
		d.s[i].cpu[1].local_dsq = 60;
	/* cpu 0: clock frozen with runnable tasks from sample 20 on, the vCPU halted
	 * (neither running nor waiting on the host): a stall */
	for (unsigned i = 20; i < 40; i++)
		d.s[i].cpu[0].clock = d.s[20].cpu[0].clock;
	/* cpu 1: frozen too, but its vCPU thread waited for a host CPU: excused */
	for (unsigned i = 30; i < 40; i++) {
		d.s[i].cpu[1].clock = d.s[30].cpu[1].clock;
		d.s[i].cpu[1].vcpu_run_ns = 1000000000ull + i * 1000000ull;
		d.s[i].cpu[1].vcpu_wait_ns = i * 90000000ull;
	}
	/* fallbacks at 50 per 100 ms = 500/s for 10 samples */
	for (unsigned i = 0; i < 40; i++)
		d.s[i].cpu[0].ev[MON_EV_SELECT_CPU_FALLBACK] = 50 * (int64_t)MIN(MAX(i, 10u), 20u);
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.state, MONCHK_EVALUATED);
	/* in the order they were confirmed */
	assert_int_equal(r.nv, 3);
	assert_int_equal(r.v[0].kind, MONCHK_FALLBACK);
	assert_true(r.v[0].peak == 500.0);
	assert_int_equal(r.v[1].kind, MONCHK_DSQ);
	assert_int_equal(r.v[1].cpu, 1);
	assert_int_equal(r.v[1].samples, 8);
	assert_int_equal(r.v[2].kind, MONCHK_STALL);
	assert_int_equal(r.v[2].cpu, 0);
	assert_int_equal(r.v[2].t_ms, 2100);
	assert_int_equal(r.cpu[1].stall_samples, 0);
	assert_int_equal(r.ev_delta[MON_EV_SELECT_CPU_FALLBACK], 500);

	/* the report: details, record object, section */
	result_init(&res);
	monreport_fail(&r, &res);
	assert_int_equal(res.verdict, KTSTR_FAIL);
	assert_int_equal(res.ndetails, 3);
	assert_int_equal(res.details[2].kind, KTSTR_MONITOR);
	assert_non_null(strstr(res.details[2].msg, "monitor: stall on cpu 0 for 19 samples"));
	result_free(&res);
	d.marks[0] = (struct monitor_mark){ .t_ms = 0, .label = "scheduler" };
	d.marks[1] = (struct monitor_mark){ .t_ms = 2000, .label = "body" };
	d.nmarks = 2;
	j = monreport_json(&d, &r, true);
	{
		json_t *ph = json_object_get(j, "phases");

		assert_int_equal(json_array_size(ph), 2);
		assert_string_equal(json_string_value(json_object_get(json_array_get(ph, 1), "stage")),
				    "body");
		assert_int_equal(json_integer_value(json_object_get(json_array_get(ph, 1), "samples")),
				 20);
		assert_int_equal(json_integer_value(json_object_get(json_array_get(ph, 0),
								    "local_dsq_max")),
				 60);
	}
	assert_string_equal(json_string_value(json_object_get(j, "checks")), "evaluated");
	assert_int_equal(json_array_size(json_object_get(j, "violations")), 3);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "timeline"), "cpus")), 2);
	assert_int_equal(json_array_size(json_object_get(json_object_get(j, "timeline"), "t_ms")), 40);
	json_decref(j);
	text = monreport_text(&d, &r);
	assert_non_null(strstr(text, "cpu 1: nr_running avg 2.00 max 2, local DSQ avg"));
	assert_non_null(strstr(text, "phase body            from   2.0 s:  20 samples (20 sched_ext)"));
	free(text);
	monchk_result_free(&r);
	monitor_data_free(&d);
}

/* Every rq clock and the guest's jiffies stood still: the host ran no vCPU, no stall.
 * The same frozen clocks with jiffies moving on are a stall. */
static void test_checks_guest_frozen(void **state)
{
	struct monitor_data d;
	struct monchk_limits l;
	struct monchk_result r;

	defaults(&l);
	mkdata(&d, 40, 2);
	for (unsigned i = 0; i < 40; i++)
		d.s[i].jiffies = 1000 + 25 * (i < 20 ? i : 20);
	for (unsigned i = 20; i < 40; i++)
		for (unsigned c = 0; c < 2; c++)
			d.s[i].cpu[c].clock = d.s[20].cpu[c].clock;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 0);
	monchk_result_free(&r);
	for (unsigned i = 20; i < 40; i++)
		d.s[i].jiffies = 1000 + 25 * i;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 2);
	assert_int_equal(r.v[0].kind, MONCHK_STALL);
	monchk_result_free(&r);
	monitor_data_free(&d);
}

/* A callback is judged by the median of its per-interval means: one interval with a
 * host-preempted call does not fail it, a callback slow in every interval does. */
static void test_checks_callback_time(void **state)
{
	struct monitor_data d;
	struct monchk_limits l;
	struct monchk_result r;

	defaults(&l);
	mkdata(&d, 40, 2);
	d.nprogs = 1;
	snprintf(d.progs[0].name, sizeof(d.progs[0].name), "ktstr_dispatch");
	d.progs[0].cnt = 400;
	d.prog_nintervals[0] = 10;
	d.prog_interval_ns[0] = xcalloc(10, sizeof(float));
	for (unsigned i = 0; i < 10; i++)
		d.prog_interval_ns[0][i] = 11000;
	d.prog_interval_ns[0][4] = 40e6; /* one call waited 40 ms for its host CPU */
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 0);
	monchk_result_free(&r);
	for (unsigned i = 0; i < 10; i++)
		d.prog_interval_ns[0][i] = 2.1e6;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 1);
	assert_int_equal(r.v[0].kind, MONCHK_CALLBACK);
	assert_non_null(strstr(r.v[0].msg, "ktstr_dispatch takes 2100 us per call (median of 10 "
					   "intervals of 100 ms, 400 calls) > 1500 us"));
	/* the record shows the median the check judged */
	{
		json_t *j = monreport_json(&d, &r, true);
		json_t *p = json_array_get(json_object_get(j, "bpf_progs"), 0);

		assert_true(json_real_value(json_object_get(p, "median_us")) == 2100.0);
		json_decref(j);
	}
	monchk_result_free(&r);
	/* too few intervals to judge: no median */
	d.prog_nintervals[0] = 2;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 0);
	{
		json_t *j = monreport_json(&d, &r, true);
		json_t *p = json_array_get(json_object_get(j, "bpf_progs"), 0);

		assert_true(json_is_null(json_object_get(p, "median_us")));
		json_decref(j);
	}
	monchk_result_free(&r);
	monitor_data_free(&d);
}

/* A waiting task's allowance grows as its weight falls: SCHED_IDLE waits by design. */
static void test_checks_stall_weight(void **state)
{
	struct monitor_data d;
	struct monchk_limits l;
	struct monchk_result r;

	defaults(&l);
	mkdata(&d, 40, 2);
	for (unsigned i = 12; i < 40; i++) {
		d.s[i].cpu[1].wait_ms = 1500 + 100 * (i - 12);
		d.s[i].cpu[1].wait_weight = 1;
	}
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.state, MONCHK_EVALUATED);
	assert_int_equal(r.nv, 0);
	monchk_result_free(&r);
	for (unsigned i = 12; i < 40; i++)
		d.s[i].cpu[1].wait_weight = 100;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.nv, 1);
	assert_int_equal(r.v[0].kind, MONCHK_STALL);
	assert_non_null(strstr(r.v[0].msg, "(weight 100)"));
	monchk_result_free(&r);
	monitor_data_free(&d);
}

static void test_checks_guards(void **state)
{
	struct monitor_data d;
	struct monchk_limits l;
	struct monchk_result r;

	defaults(&l);
	/* EEVDF: no scheduler loaded, nothing evaluated */
	mkdata(&d, 30, 2);
	for (unsigned i = 0; i < 30; i++)
		d.s[i].scx = false;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.state, MONCHK_NO_SCX);
	monchk_result_free(&r);
	monitor_data_free(&d);

	/* clocks never move: wrong addresses or a guest that never ran */
	mkdata(&d, 30, 2);
	for (unsigned i = 0; i < 30; i++)
		d.s[i].cpu[0].clock = d.s[i].cpu[1].clock = 5;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.state, MONCHK_NOT_INITIALIZED);
	assert_int_equal(r.nv, 0);
	monchk_result_free(&r);
	monitor_data_free(&d);

	/* garbage depths are skipped, not judged */
	mkdata(&d, 30, 2);
	for (unsigned i = 12; i < 30; i++)
		d.s[i].cpu[0].local_dsq = 4000000000u;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.implausible, 18);
	assert_int_equal(r.nv, 0);
	monchk_result_free(&r);
	monitor_data_free(&d);

	/* no samples at all: no output section */
	memset(&d, 0, sizeof(d));
	d.ncpus = 2;
	monchk_evaluate(&d, &l, &r);
	assert_int_equal(r.state, MONCHK_NO_DATA);
	{
		char *text = monreport_text(&d, &r);

		assert_string_equal(text, "");
		free(text);
	}
	monchk_result_free(&r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_ksyms),
		cmocka_unit_test(test_kbtf),
		cmocka_unit_test(test_checks_clean_and_imbalance),
		cmocka_unit_test(test_checks_dsq_stall_rates),
		cmocka_unit_test(test_checks_guards),
		cmocka_unit_test(test_checks_stall_weight),
		cmocka_unit_test(test_checks_callback_time),
		cmocka_unit_test(test_checks_guest_frozen),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
