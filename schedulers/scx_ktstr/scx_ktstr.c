// SPDX-License-Identifier: GPL-2.0-only
/*
 * scx_ktstr loader: opens the embedded BPF object, writes its configuration
 * (CPU -> LLC map, fault knobs, watchdog timeout), loads and attaches the
 * sched_ext ops, and runs until SIGINT/SIGTERM, then detaches. If the kernel
 * ejects the scheduler it prints the exit info and exits 2.
 *
 * Exit codes: 0 detached on request (or --exit-after), 1 could not load or
 * attach, 2 ejected by the kernel, 64 bad usage.
 */
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include <errno.h>
#include <getopt.h>
#include <linux/types.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "scx_ktstr.h"

extern const unsigned char scx_ktstr_bpf_obj[];
extern const unsigned long scx_ktstr_bpf_obj_len;

#define OPS_MAP "ktstr_ops"
#define POLL_MS 50

static volatile sig_atomic_t stop_requested;
static bool verbose;

static void on_signal(int sig)
{
	stop_requested = sig;
}

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose)
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scx_ktstr [options]\n"
		"  --watchdog-ms MS     sched_ext watchdog timeout (default 3000)\n"
		"  --stall-after S      stop dispatching user tasks after S seconds\n"
		"  --error-after S      call scx_bpf_error() after S seconds\n"
		"  --exit-after S       loader exits after S seconds\n"
		"  --fail-verify        load a program the verifier rejects\n"
		"  --slow-dispatch      busy-wait 1 ms in every dispatch\n"
		"  --pile-on            queue every task on CPU 0 (a placement bug)\n"
		"  -v, --verbose        libbpf debug output\n");
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int parse_secs(const char *opt, const char *s, double *out)
{
	char *end;

	errno = 0;
	*out = strtod(s, &end);
	if (errno || end == s || *end || *out <= 0 || *out > 86400) {
		fprintf(stderr, "scx_ktstr: %s wants seconds in (0, 86400], got '%s'\n", opt, s);
		return -1;
	}
	return 0;
}

/* Dense LLC index per CPU from cache/index3/id (CPUs without an L3 share LLC 0). */
static void fill_llcs(struct ktstr_cfg *cfg, unsigned ncpus)
{
	long ids[KTSTR_MAX_LLCS];
	unsigned n = 0, cpu, i;

	for (cpu = 0; cpu < ncpus && cpu < KTSTR_MAX_CPUS; cpu++) {
		char path[128];
		long id = 0;
		FILE *f;

		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%u/cache/index3/id", cpu);
		f = fopen(path, "r");
		if (f) {
			if (fscanf(f, "%ld", &id) != 1)
				id = 0;
			fclose(f);
		}
		for (i = 0; i < n && ids[i] != id; i++)
			;
		if (i == n && n < KTSTR_MAX_LLCS)
			ids[n++] = id;
		cfg->cpu_llc[cpu] = i < n ? i : 0;
	}
	cfg->nr_cpus = ncpus;
	cfg->nr_llcs = n ? n : 1;
}

/* Byte offset of a member of struct sched_ext_ops in the object's BTF, or -1. */
static long ops_member_offset(struct bpf_object *obj, const char *member)
{
	const struct btf *btf = bpf_object__btf(obj);
	const struct btf_member *m;
	const struct btf_type *t;
	int id, i;

	if (!btf)
		return -1;
	id = btf__find_by_name_kind(btf, "sched_ext_ops", BTF_KIND_STRUCT);
	if (id < 0)
		return -1;
	t = btf__type_by_id(btf, id);
	m = btf_members(t);
	for (i = 0; i < btf_vlen(t); i++, m++)
		if (!strcmp(btf__name_by_offset(btf, m->name_off), member))
			return btf_member_bit_offset(t, i) / 8;
	return -1;
}

static const char *exit_kind_name(int kind)
{
	switch (kind) {
	case 0: return "none";
	case 1: return "done";
	case 64: return "unregistered";
	case 65: return "unregistered by BPF";
	case 66: return "unregistered by the kernel";
	case 67: return "sysrq";
	case 1024: return "error";
	case 1025: return "BPF error (scx_bpf_error)";
	case 1026: return "runnable task stall (watchdog)";
	default: return kind >= 1024 ? "error" : "other";
	}
}

/* Copy the exit info out of the kernel map; returns its kind (0 while running). */
static int read_uei(const struct bpf_map *map, struct ktstr_uei *uei)
{
	__u32 key = 0;

	if (bpf_map__lookup_elem(map, &key, sizeof(key), uei, sizeof(*uei), 0))
		return 0;
	uei->reason[sizeof(uei->reason) - 1] = 0;
	uei->msg[sizeof(uei->msg) - 1] = 0;
	return uei->kind;
}

int main(int argc, char **argv)
{
	static const struct option longopts[] = {
		{ "watchdog-ms", required_argument, NULL, 'w' },
		{ "stall-after", required_argument, NULL, 's' },
		{ "error-after", required_argument, NULL, 'e' },
		{ "exit-after", required_argument, NULL, 'x' },
		{ "fail-verify", no_argument, NULL, 'f' },
		{ "slow-dispatch", no_argument, NULL, 'd' },
		{ "pile-on", no_argument, NULL, 'p' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	double stall = 0, error = 0, exit_after = 0, started;
	unsigned long watchdog_ms = 3000;
	bool fail_verify = false, slow = false, pile_on = false;
	struct bpf_map *cfg_map, *uei_map, *ops_map;
	struct ktstr_uei uei = { 0 };
	struct bpf_link *link = NULL;
	struct bpf_object *obj;
	struct ktstr_cfg *cfg;
	struct sigaction sa;
	long toff;
	size_t sz;
	char *ops;
	int c, err, ncpus;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1) {
		switch (c) {
		case 'w': {
			char *end;

			errno = 0;
			watchdog_ms = strtoul(optarg, &end, 10);
			if (errno || *end || !watchdog_ms || watchdog_ms > 30000) {
				fprintf(stderr, "scx_ktstr: --watchdog-ms wants 1..30000, got '%s'\n",
					optarg);
				return 64;
			}
			break;
		}
		case 's':
			if (parse_secs("--stall-after", optarg, &stall))
				return 64;
			break;
		case 'e':
			if (parse_secs("--error-after", optarg, &error))
				return 64;
			break;
		case 'x':
			if (parse_secs("--exit-after", optarg, &exit_after))
				return 64;
			break;
		case 'f':
			fail_verify = true;
			break;
		case 'd':
			slow = true;
			break;
		case 'p':
			pile_on = true;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 64;
		}
	}
	if (optind < argc) {
		fprintf(stderr, "scx_ktstr: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return 64;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	libbpf_set_print(print_libbpf);

	/* named, so the kernel's maps are scx_ktstr.bss and not <address>.bss */
	obj = bpf_object__open_mem(scx_ktstr_bpf_obj, scx_ktstr_bpf_obj_len,
				   &(struct bpf_object_open_opts){
					   .sz = sizeof(struct bpf_object_open_opts),
					   .object_name = "scx_ktstr",
				   });
	if (!obj) {
		fprintf(stderr, "scx_ktstr: cannot open the BPF object: %s\n", strerror(errno));
		return 1;
	}
	cfg_map = bpf_object__find_map_by_name(obj, ".rodata.cfg");
	uei_map = bpf_object__find_map_by_name(obj, ".data.uei");
	ops_map = bpf_object__find_map_by_name(obj, OPS_MAP);
	cfg = cfg_map ? bpf_map__initial_value(cfg_map, &sz) : NULL;
	ops = ops_map ? bpf_map__initial_value(ops_map, &sz) : NULL;
	toff = ops_member_offset(obj, "timeout_ms");
	if (!cfg || !uei_map || !ops || toff < 0 || (size_t)toff + 4 > sz) {
		fprintf(stderr, "scx_ktstr: BPF object lacks its config, exit info or ops map\n");
		return 1;
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0) {
		fprintf(stderr, "scx_ktstr: cannot count CPUs: %s\n", strerror(-ncpus));
		return 1;
	}
	fill_llcs(cfg, ncpus);
	cfg->stall_after_ns = (__u64)(stall * 1e9);
	cfg->error_after_ns = (__u64)(error * 1e9);
	cfg->fail_verify = fail_verify;
	cfg->slow_dispatch_us = slow ? 1000 : 0;
	cfg->pile_on = pile_on;
	memcpy(ops + toff, &(__u32){ watchdog_ms }, 4);

	err = bpf_object__load(obj);
	if (err) {
		fprintf(stderr, "scx_ktstr: failed to load the BPF scheduler: %s\n", strerror(-err));
		bpf_object__close(obj);
		return 1;
	}
	link = bpf_map__attach_struct_ops(ops_map);
	if (!link) {
		err = -errno;
		fprintf(stderr, "scx_ktstr: failed to attach sched_ext ops: %s\n", strerror(-err));
		bpf_object__close(obj);
		return 1;
	}
	started = now_s();
	printf("scx_ktstr: attached sched_ext ops 'ktstr' (%d cpus, %u llcs, watchdog %lu ms)\n",
	       ncpus, cfg->nr_llcs, watchdog_ms);
	if (stall)
		printf("scx_ktstr: fault: stall user tasks after %.1f s\n", stall);
	if (error)
		printf("scx_ktstr: fault: scx_bpf_error after %.1f s\n", error);
	if (exit_after)
		printf("scx_ktstr: fault: exit after %.1f s\n", exit_after);
	if (slow)
		printf("scx_ktstr: fault: 1 ms busy-wait in every dispatch\n");
	if (pile_on)
		printf("scx_ktstr: fault: every task piles on CPU 0\n");

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);

	while (!stop_requested && !read_uei(uei_map, &uei)) {
		if (exit_after && now_s() - started >= exit_after) {
			printf("scx_ktstr: exit-after fault: exiting after %.1f s\n", now_s() - started);
			return 0;
		}
		usleep(POLL_MS * 1000);
	}
	if (uei.kind) {
		printf("scx_ktstr: ejected by the kernel after %.1f s: kind=%d (%s) exit_code=%lld "
		       "reason=\"%s\" msg=\"%s\"\n",
		       now_s() - started, uei.kind, exit_kind_name(uei.kind),
		       (long long)uei.exit_code, uei.reason,
		       uei.msg);
		bpf_link__destroy(link);
		bpf_object__close(obj);
		return 2;
	}
	bpf_link__destroy(link);
	read_uei(uei_map, &uei);
	printf("scx_ktstr: detached on signal %d after %.1f s (exit kind=%d %s)\n",
	       (int)stop_requested, now_s() - started, uei.kind, exit_kind_name(uei.kind));
	bpf_object__close(obj);
	return 0;
}
