// SPDX-License-Identifier: GPL-2.0-only
/*
 * Host-side monitor fixtures (test_monitor.sh, suite vm): the same CPU-bound
 * load under scx_ktstr, its --pile-on placement bug, and its --stall-after
 * fault. The first passes with monitor samples for every CPU in its record;
 * the monitor's imbalance check catches the second; its stall check names a
 * CPU in the third, whose watchdog the monitor raises from 3 s to 6 s.
 */
#include <ktstr/ktstr.h>

#include <errno.h>
#include <linux/types.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "scx_ktstr.h"

#ifndef SCX_KTSTR
#define SCX_KTSTR "scx_ktstr"
#endif

KTSTR_SCHEDULER(mon_fixture, .binary = SCX_KTSTR);
KTSTR_SCHEDULER(mon_pile_on, .binary = SCX_KTSTR, .args = KTSTR_ARGS("--pile-on"));
KTSTR_SCHEDULER(mon_stall, .binary = SCX_KTSTR, .args = KTSTR_ARGS("--stall-after", "1.5"));

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* Two spinning workers per CPU for `secs`. */
static int spin(struct ktstr_ctx *ctx, double secs)
{
	unsigned n = 2 * ktstr_ctx_cpus(ctx);
	pid_t pids[64];
	unsigned started = 0;

	for (unsigned i = 0; i < n && i < 64; i++) {
		pid_t p = fork();

		if (p == 0) {
			double end = now_s() + secs;
			volatile unsigned long x = 0;

			while (now_s() < end)
				x++;
			_exit(0);
		}
		if (p > 0)
			pids[started++] = p;
	}
	for (unsigned i = 0; i < started; i++)
		waitpid(pids[i], NULL, 0);
	ktstr_log(ctx, "%u workers spun %.1f s on %u CPUs", started, secs, ktstr_ctx_cpus(ctx));
	return KTSTR_PASS;
}

KTSTR_TEST(monitor_spread, .scheduler = &mon_fixture, .numa_nodes = 2, .llcs = 2, .cores = 2,
	   .threads = 1, .duration_s = 4)
{
	return spin(ctx, 4);
}

KTSTR_TEST(monitor_pile_on, .scheduler = &mon_pile_on, .numa_nodes = 2, .llcs = 2, .cores = 2,
	   .threads = 1, .duration_s = 4)
{
	return spin(ctx, 4);
}

/* the monitor also holds the watchdog at 6 s (the fixture asks for 3 s) */
KTSTR_TEST(monitor_stall, .scheduler = &mon_stall, .numa_nodes = 1, .llcs = 1, .cores = 2,
	   .threads = 1, .duration_s = 4, .watchdog_timeout_s = 6)
{
	return spin(ctx, 6);
}

/*
 * Host-side BPF map access (ktstr_bpf_map_*_u32): the host reads and writes
 * scx_ktstr's .bss through guest memory, and the scheduler acts on it.
 */
#define EXPECT_RC(call, want)                                                                   \
	do {                                                                                    \
		int rc_ = (call);                                                               \
		if (rc_ != (want))                                                              \
			return ktstr_fail(ctx, KTSTR_OTHER, "%s returned %d, want %d", #call,   \
					  rc_, (want));                                         \
	} while (0)

/* CONFIG_HZ in /boot/config-<release>, where the guest init links the booted
 * kernel's config and libbpf reads it; 0 when it is not there. */
static unsigned boot_config_hz(void)
{
	struct utsname u;
	char path[sizeof(u.release) + 16], line[256];
	unsigned hz = 0;
	FILE *f;

	if (uname(&u))
		return 0;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	f = fopen(path, "r");
	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f) && sscanf(line, "CONFIG_HZ=%u", &hz) != 1)
		;
	fclose(f);
	return hz;
}

KTSTR_TEST(bpfmap_knob, .scheduler = &mon_fixture, .numa_nodes = 1, .llcs = 1, .cores = 2,
	   .threads = 1, .duration_s = 2)
{
	uint32_t seen = 1, before = 0, after = 0, cpus = 0, per_cpu = 0, hz = 0;
	unsigned want_hz = boot_config_hz();

	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".bss", "host_knob_seen", 0, &seen), 0);
	if (seen != 0)
		return ktstr_fail(ctx, KTSTR_OTHER, "host_knob_seen is %u before any write", seen);
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".bss", "nr_dispatches", 0, &before), 0);
	EXPECT_RC(ktstr_bpf_map_write_u32(ctx, "scx_ktstr.bss", "host_knob", 0, 0x5eed), 0);
	spin(ctx, 1);
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".bss", "nr_dispatches", 0, &after), 0);
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".bss", "host_knob_seen", 0, &seen), 0);
	ktstr_log(ctx, "nr_dispatches %u -> %u, host_knob_seen %#x", before, after, seen);
	if (after <= before)
		return ktstr_fail(ctx, KTSTR_OTHER, "nr_dispatches did not advance: %u -> %u",
				  before, after);
	if (seen != 0x5eed)
		return ktstr_fail(ctx, KTSTR_OTHER,
				  "the scheduler saw host_knob %#x, the host wrote 0x5eed", seen);
	/* a per-CPU array: the host sums the CPUs' counts, which nr_dispatches
	 * (read after it) has counted too */
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, "dispatch_stats", NULL, 0, &per_cpu), 0);
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".bss", "nr_dispatches", 0, &after), 0);
	ktstr_log(ctx, "dispatch_stats summed over CPUs %u, nr_dispatches %u", per_cpu, after);
	if (!per_cpu || per_cpu > after)
		return ktstr_fail(ctx, KTSTR_OTHER, "dispatch_stats sums to %u, nr_dispatches %u",
				  per_cpu, after);
	/* .rodata.cfg holds struct ktstr_cfg */
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".rodata.cfg", "cfg",
					 offsetof(struct ktstr_cfg, nr_cpus), &cpus), 0);
	if (cpus != ktstr_ctx_cpus(ctx))
		return ktstr_fail(ctx, KTSTR_OTHER, "cfg.nr_cpus read from the host is %u, want %u",
				  cpus, ktstr_ctx_cpus(ctx));
	/* ops.init copied CONFIG_HZ, a __kconfig extern libbpf filled from the config */
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".bss", "kconfig_hz", 0, &hz), 0);
	ktstr_log(ctx, "kconfig_hz %u, CONFIG_HZ in /boot/config-<release> %u", hz, want_hz);
	if (!want_hz || hz != want_hz)
		return ktstr_fail(ctx, KTSTR_OTHER, "kconfig_hz is %u, the kernel's CONFIG_HZ %u",
				  hz, want_hz);
	/* what a test gets wrong is named, not done */
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".nosuch", NULL, 0, &seen), -ENOENT);
	EXPECT_RC(ktstr_bpf_map_read_u32(ctx, ".bss", "no_such_var", 0, &seen), -ENOENT);
	EXPECT_RC(ktstr_bpf_map_write_u32(ctx, ".bss", "host_knob", 4, 1), -ERANGE);
	EXPECT_RC(ktstr_bpf_map_write_u32(ctx, ".bss", NULL, 1u << 20, 1), -ERANGE);
	EXPECT_RC(ktstr_bpf_map_write_u32(ctx, ".rodata.cfg", "cfg",
					  offsetof(struct ktstr_cfg, pile_on), 1), -EPERM);
	return KTSTR_PASS;
}

/* Correct placement for 2.5 s, then a step has the host switch the pile-on bug
 * on: the monitor's imbalance check must catch it, after the write. */
KTSTR_TEST(bpfmap_pile_on_midrun, .scheduler = &mon_fixture, .numa_nodes = 2, .llcs = 2,
	   .cores = 2, .threads = 1, .duration_s = 6)
{
	return ktstr_run_steps(ctx, KTSTR_STEPS(
		{ .cgroups = KTSTR_CGROUPS({ .name = "spin", .workers = 8 }),
		  .hold = KTSTR_HOLD_MS(2500) },
		{ .ops = KTSTR_OPS(KTSTR_OP_MAP_WRITE(".bss", "host_pile_on", 1)),
		  .hold = KTSTR_HOLD_MS(3500) }));
}
