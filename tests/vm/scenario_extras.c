// SPDX-License-Identifier: GPL-2.0-only
/*
 * Custom work, a backdrop and background payloads in a VM; linked with
 * examples/payloads.c (the stress_ng definition). test_scenario_extras.sh
 * requires PASS and looks for the payload's metrics in the run records.
 */
#include <ktstr/ktstr.h>

#include <stdatomic.h>
#include <stdint.h>
#include <sys/mman.h>

KTSTR_PAYLOAD_DECLARE(stress_ng);

/* Counts every call in memory the test body shares with its forked workers. */
static int count_calls(struct ktstr_worker *w, void *arg)
{
	atomic_fetch_add((_Atomic uint64_t *)arg, 1);
	ktstr_worker_add_work(w, 1);
	ktstr_worker_sleep_ns(w, 200000);
	return 0;
}

static _Atomic uint64_t *shared_counter(void)
{
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/* Custom workers in a cgroup through two steps, beside a backdrop cgroup of spinners and
 * a background stress-ng (2 s) started before step 1; step 2 adds Sequence workers in the
 * root cgroup and waits for the payload's end. */
KTSTR_TEST(scn_custom_backdrop, .llcs = 2, .cores = 2, .duration_s = 3,
	   .payloads = KTSTR_PAYLOADS(&stress_ng))
{
	_Atomic uint64_t *calls = shared_counter();
	int v;

	if (!calls)
		return ktstr_fail(ctx, KTSTR_OTHER, "mmap of the shared counter failed");
	v = ktstr_run_scenario(
		ctx,
		&(struct ktstr_backdrop){
			.cgroups = KTSTR_CGROUPS({ .name = "backdrop", .workers = 1 }),
			.payloads = KTSTR_BG_PAYLOADS(KTSTR_BG(&stress_ng, .cgroup = "bench")),
		},
		KTSTR_STEPS({ .cgroups = KTSTR_CGROUPS({ .name = "custom",
							  .work = KTSTR_WORK_CUSTOM(count_calls,
										     (void *)calls) }) },
			    { .ops = KTSTR_OPS(KTSTR_OP_SPAWN_HOST(KTSTR_WORK_SEQUENCE(
					KTSTR_PHASE_SPIN(30), KTSTR_PHASE_SLEEP(10))),
					KTSTR_OP_PAYLOAD_WAIT(&stress_ng, .cgroup = "bench")) }));
	ktstr_log(ctx, "custom body calls: %llu", (unsigned long long)atomic_load(calls));
	if (v == KTSTR_PASS && atomic_load(calls) == 0)
		v = ktstr_fail(ctx, KTSTR_OTHER, "the Custom body never ran");
	munmap((void *)calls, 4096);
	return v;
}

/* A stress-ng meant to run 60 s, started by an op and stopped when the scenario ends:
 * it writes its metrics on SIGINT, and they are checked and recorded. */
KTSTR_TEST(scn_bg_payload_stop, .llcs = 2, .cores = 2, .duration_s = 2,
	   .payloads = KTSTR_PAYLOADS(&stress_ng))
{
	return ktstr_run_steps(
		ctx, KTSTR_STEPS({ .ops = KTSTR_OPS(KTSTR_OP_PAYLOAD_START(
					   &stress_ng, .cgroup = "bench",
					   .extra_args = KTSTR_ARGS("--timeout", "60s"))),
				   .cgroups = KTSTR_CGROUPS({ .name = "cg_0", .workers = 1 }) }));
}
