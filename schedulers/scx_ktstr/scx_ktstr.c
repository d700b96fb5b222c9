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
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>

#include "scx_ktstr.h"

extern const unsigned char scx_ktstr_bpf_obj[];
extern const unsigned long scx_ktstr_bpf_obj_len;

#define OPS_MAP "ktstr_ops"
#define POLL_MS 50
#define WATCHDOG_MS_DFL 3000
#define WATCHDOG_MS_STARVE 30000 /* --starve-cgroup: its windows must not trip the watchdog */
#define STARVE_MS_DFL 1500
#define UNFAIR_FACTOR_DFL 8
#define EXIT_LOAD 1   /* could not load or attach */
#define EXIT_EJECTED 2
#define EXIT_USAGE 64

static const char *const policy_names[] = {
	[SCX_KTSTR_POLICY_KTSTR] = "ktstr",
	[SCX_KTSTR_POLICY_FIFO] = "fifo",
	[SCX_KTSTR_POLICY_VTIME] = "vtime",
	[SCX_KTSTR_POLICY_LLC] = "llc",
};

/* The command line; 0 / NULL / false = not given. */
struct opts {
	unsigned long watchdog_ms;
	double stall_s, error_s, exit_after_s;
	bool fail_verify, slow, pile_on, help;
	enum scx_ktstr_policy policy;
	const char *starve_cgroup, *unfair_cgroup;
	unsigned long starve_ms, unfair_factor, wake_delay_ms;
};

static volatile sig_atomic_t stop_requested;
static bool verbose;

static void on_signal(int sig)
{
	stop_requested = sig;
}

/* KTSTR_VERIFIER_STATS=1 (set by ktstr for its verifier statistics): the
 * kernel logs each program's statistics (BPF_LOG_STATS) and libbpf's
 * "-- BEGIN PROG LOAD LOG --" blocks are printed. */
static bool verifier_stats;

static int print_libbpf(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	if (level == LIBBPF_DEBUG && !verbose &&
	    !(verifier_stats && strstr(fmt, "PROG LOAD LOG")))
		return 0;
	return vfprintf(stderr, fmt, ap);
}

static void usage(FILE *f)
{
	fprintf(f,
		"usage: scx_ktstr [options]\n"
		"  --policy NAME          ktstr (default), fifo, vtime or llc\n"
		"  --watchdog-ms MS       watchdog timeout (3000; 30000 with --starve-cgroup)\n"
		"  --stall-after S        stop dispatching user tasks after S seconds\n"
		"  --error-after S        call scx_bpf_error() after S seconds\n"
		"  --exit-after S         loader exits after S seconds\n"
		"  --fail-verify          load a program the verifier rejects\n"
		"  --slow-dispatch        busy-wait 2 ms in every dispatch\n"
		"  --pile-on              queue every task on CPU 0 (a placement bug)\n"
		"  --starve-cgroup NAME   hold the tasks of cgroups named NAME half of the time\n"
		"  --starve-ms MS         length of a held window (default 1500)\n"
		"  --unfair-cgroup NAME   charge tasks of cgroups named NAME 1/K of their runtime\n"
		"  --unfair-factor K      K of --unfair-cgroup (default 8)\n"
		"  --wake-delay-ms MS     hold every wake-up of a user task MS ms\n"
		"  -v, --verbose          libbpf debug output\n"
		"  -h, --help             this text\n");
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
		return -EINVAL;
	}
	return 0;
}

static int parse_ulong(const char *opt, const char *s, unsigned long min, unsigned long max,
		       unsigned long *out)
{
	char *end;

	errno = 0;
	*out = strtoul(s, &end, 10);
	if (errno || end == s || *end || *s == '-' || *out < min || *out > max) {
		fprintf(stderr, "scx_ktstr: %s wants %lu..%lu, got '%s'\n", opt, min, max, s);
		return -EINVAL;
	}
	return 0;
}

/* A cgroup's leaf name: the BPF side compares it with the name of each task's cgroup. */
static int parse_cgroup(const char *opt, const char *s, const char **out)
{
	if (!*s || strlen(s) >= KTSTR_CGROUP_LEN || strchr(s, '/')) {
		fprintf(stderr, "scx_ktstr: %s wants a cgroup name of 1..%d characters, no '/', "
			"got '%s'\n", opt, KTSTR_CGROUP_LEN - 1, s);
		return -EINVAL;
	}
	*out = s;
	return 0;
}

static int parse_policy(const char *s, enum scx_ktstr_policy *out)
{
	for (size_t i = 0; i < sizeof(policy_names) / sizeof(policy_names[0]); i++)
		if (!strcmp(s, policy_names[i])) {
			*out = i;
			return 0;
		}
	fprintf(stderr, "scx_ktstr: unknown policy '%s' (valid: ktstr, fifo, vtime, llc)\n", s);
	return -EINVAL;
}

static int parse_opt(int c, const char *arg, struct opts *o)
{
	switch (c) {
	case 'P':
		return parse_policy(arg, &o->policy);
	case 'w':
		return parse_ulong("--watchdog-ms", arg, 1, 30000, &o->watchdog_ms);
	case 's':
		return parse_secs("--stall-after", arg, &o->stall_s);
	case 'e':
		return parse_secs("--error-after", arg, &o->error_s);
	case 'x':
		return parse_secs("--exit-after", arg, &o->exit_after_s);
	case 'S':
		return parse_cgroup("--starve-cgroup", arg, &o->starve_cgroup);
	case 'M':
		return parse_ulong("--starve-ms", arg, 10, 20000, &o->starve_ms);
	case 'U':
		return parse_cgroup("--unfair-cgroup", arg, &o->unfair_cgroup);
	case 'K':
		return parse_ulong("--unfair-factor", arg, 2, 1000, &o->unfair_factor);
	case 'D':
		return parse_ulong("--wake-delay-ms", arg, 1, 10000, &o->wake_delay_ms);
	case 'f':
		o->fail_verify = true;
		return 0;
	case 'd':
		o->slow = true;
		return 0;
	case 'p':
		o->pile_on = true;
		return 0;
	case 'v':
		verbose = true;
		return 0;
	case 'h':
		o->help = true;
		return 0;
	default:
		return -EINVAL;
	}
}

/* Rules between options, then the defaults that depend on others. */
static int check_opts(struct opts *o)
{
	const char *why = NULL;

	if (o->starve_ms && !o->starve_cgroup)
		why = "--starve-ms needs --starve-cgroup";
	else if (o->unfair_factor && !o->unfair_cgroup)
		why = "--unfair-factor needs --unfair-cgroup";
	else if (o->unfair_cgroup && o->policy == SCX_KTSTR_POLICY_FIFO)
		why = "--unfair-cgroup needs a vtime policy (ktstr, vtime or llc)";
	if (why) {
		fprintf(stderr, "scx_ktstr: %s\n", why);
		return -EINVAL;
	}
	if (o->starve_cgroup && !o->starve_ms)
		o->starve_ms = STARVE_MS_DFL;
	if (o->unfair_cgroup && !o->unfair_factor)
		o->unfair_factor = UNFAIR_FACTOR_DFL;
	if (!o->watchdog_ms)
		o->watchdog_ms = o->starve_cgroup ? WATCHDOG_MS_STARVE : WATCHDOG_MS_DFL;
	if (o->starve_ms >= o->watchdog_ms || o->wake_delay_ms >= o->watchdog_ms) {
		fprintf(stderr, "scx_ktstr: --starve-ms and --wake-delay-ms must stay below the "
			"watchdog (%lu ms)\n", o->watchdog_ms);
		return -EINVAL;
	}
	return 0;
}

static int parse_opts(int argc, char **argv, struct opts *o)
{
	static const struct option longopts[] = {
		{ "policy", required_argument, NULL, 'P' },
		{ "watchdog-ms", required_argument, NULL, 'w' },
		{ "stall-after", required_argument, NULL, 's' },
		{ "error-after", required_argument, NULL, 'e' },
		{ "exit-after", required_argument, NULL, 'x' },
		{ "fail-verify", no_argument, NULL, 'f' },
		{ "slow-dispatch", no_argument, NULL, 'd' },
		{ "pile-on", no_argument, NULL, 'p' },
		{ "starve-cgroup", required_argument, NULL, 'S' },
		{ "starve-ms", required_argument, NULL, 'M' },
		{ "unfair-cgroup", required_argument, NULL, 'U' },
		{ "unfair-factor", required_argument, NULL, 'K' },
		{ "wake-delay-ms", required_argument, NULL, 'D' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "vh", longopts, NULL)) != -1)
		if (parse_opt(c, optarg, o)) {
			if (c == '?')
				usage(stderr);
			return -EINVAL;
		}
	if (optind < argc) {
		fprintf(stderr, "scx_ktstr: unexpected argument '%s'\n", argv[optind]);
		usage(stderr);
		return -EINVAL;
	}
	return o->help ? 0 : check_opts(o);
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

/*
 * Whether libbpf can read the kernel's config: it looks at /boot/config-<release>,
 * then /proc/config.gz, and refuses to load a program with __kconfig externs, weak
 * or not, when both are missing.
 */
static bool have_kconfig(void)
{
	struct utsname u;
	char path[sizeof(u.release) + 16];

	if (!access("/proc/config.gz", R_OK) || uname(&u))
		return true;
	snprintf(path, sizeof(path), "/boot/config-%s", u.release);
	return !access(path, R_OK);
}

/* The embedded object, named so the kernel's maps are scx_ktstr.bss, not <address>.bss.
 * Without a config file the kernel's config is taken as empty: CONFIG_HZ reads 0. */
static struct bpf_object *open_obj(void)
{
	struct bpf_object *obj;

	obj = bpf_object__open_mem(scx_ktstr_bpf_obj, scx_ktstr_bpf_obj_len,
				   &(struct bpf_object_open_opts){
					   .sz = sizeof(struct bpf_object_open_opts),
					   .object_name = "scx_ktstr",
					   .kconfig = have_kconfig() ? NULL : "",
					   .kernel_log_level = verifier_stats ? 4 : 0,
				   });
	if (!obj)
		fprintf(stderr, "scx_ktstr: cannot open the BPF object: %s\n", strerror(errno));
	return obj;
}

/* Writes the options into .rodata.cfg and the ops (watchdog, flags) before load. */
static int configure(struct bpf_object *obj, const struct opts *o, struct ktstr_cfg **cfgp)
{
	struct bpf_map *cfg_map = bpf_object__find_map_by_name(obj, ".rodata.cfg");
	struct bpf_map *ops_map = bpf_object__find_map_by_name(obj, OPS_MAP);
	long toff = ops_member_offset(obj, "timeout_ms"), foff = ops_member_offset(obj, "flags");
	size_t cfg_sz = 0, ops_sz = 0;
	struct ktstr_cfg *cfg;
	__u64 flags;
	char *ops;
	int ncpus;

	cfg = cfg_map ? bpf_map__initial_value(cfg_map, &cfg_sz) : NULL;
	ops = ops_map ? bpf_map__initial_value(ops_map, &ops_sz) : NULL;
	if (!cfg || cfg_sz < sizeof(*cfg) || !ops || toff < 0 || (size_t)toff + 4 > ops_sz ||
	    foff < 0 || (size_t)foff + 8 > ops_sz ||
	    !bpf_object__find_map_by_name(obj, ".data.uei")) {
		fprintf(stderr, "scx_ktstr: BPF object lacks its config, exit info or ops map\n");
		return -ENOENT;
	}
	ncpus = libbpf_num_possible_cpus();
	if (ncpus <= 0 || ncpus > KTSTR_MAX_CPUS) {
		fprintf(stderr, "scx_ktstr: cannot count CPUs or more than %d: %s\n",
			KTSTR_MAX_CPUS, ncpus <= 0 ? strerror(-ncpus) : "too many");
		return ncpus <= 0 ? ncpus : -E2BIG;
	}
	fill_llcs(cfg, ncpus);
	cfg->policy = o->policy;
	cfg->stall_after_ns = (__u64)(o->stall_s * 1e9);
	cfg->error_after_ns = (__u64)(o->error_s * 1e9);
	cfg->fail_verify = o->fail_verify;
	cfg->slow_dispatch_us = o->slow ? 2000 : 0;
	cfg->pile_on = o->pile_on;
	if (o->starve_cgroup) {
		snprintf(cfg->starve_cgroup, sizeof(cfg->starve_cgroup), "%s", o->starve_cgroup);
		cfg->starve_ns = o->starve_ms * 1000000ull;
	}
	if (o->unfair_cgroup) {
		snprintf(cfg->unfair_cgroup, sizeof(cfg->unfair_cgroup), "%s", o->unfair_cgroup);
		cfg->unfair_factor = o->unfair_factor;
	}
	cfg->wake_delay_ns = o->wake_delay_ms * 1000000ull;
	memcpy(ops + toff, &(__u32){ o->watchdog_ms }, 4);
	/* a task alone on its CPU must reach ops.enqueue to be held */
	if (o->starve_cgroup) {
		memcpy(&flags, ops + foff, 8);
		flags |= KTSTR_OPS_ENQ_LAST;
		memcpy(ops + foff, &flags, 8);
	}
	*cfgp = cfg;
	return 0;
}

static int load_attach(struct bpf_object *obj, struct bpf_link **link)
{
	int err = bpf_object__load(obj);

	if (err) {
		fprintf(stderr, "scx_ktstr: failed to load the BPF scheduler: %s\n",
			strerror(-err));
		return err;
	}
	*link = bpf_map__attach_struct_ops(bpf_object__find_map_by_name(obj, OPS_MAP));
	if (!*link) {
		err = -errno;
		fprintf(stderr, "scx_ktstr: failed to attach sched_ext ops: %s\n", strerror(-err));
		return err;
	}
	return 0;
}

static void print_attached(const struct opts *o, const struct ktstr_cfg *cfg)
{
	printf("scx_ktstr: attached sched_ext ops 'ktstr' (policy %s, %u cpus, %u llcs, "
	       "watchdog %lu ms)\n",
	       policy_names[o->policy], cfg->nr_cpus, cfg->nr_llcs, o->watchdog_ms);
	if (o->stall_s)
		printf("scx_ktstr: fault: stall user tasks after %.1f s\n", o->stall_s);
	if (o->error_s)
		printf("scx_ktstr: fault: scx_bpf_error after %.1f s\n", o->error_s);
	if (o->exit_after_s)
		printf("scx_ktstr: fault: exit after %.1f s\n", o->exit_after_s);
	if (o->slow)
		printf("scx_ktstr: fault: 2 ms busy-wait in every dispatch\n");
	if (o->pile_on)
		printf("scx_ktstr: fault: every task piles on CPU 0\n");
	if (o->starve_cgroup)
		printf("scx_ktstr: fault: cgroup '%s' held %lu ms of every %lu ms\n",
		       o->starve_cgroup, o->starve_ms, 2 * o->starve_ms);
	if (o->unfair_cgroup)
		printf("scx_ktstr: fault: cgroup '%s' charged 1/%lu of its runtime\n",
		       o->unfair_cgroup, o->unfair_factor);
	if (o->wake_delay_ms)
		printf("scx_ktstr: fault: every wake-up held %lu ms\n", o->wake_delay_ms);
}

/* Runs until a signal, the kernel ejecting us or --exit-after; returns the exit code. */
static int wait_for_end(struct bpf_object *obj, struct bpf_link *link, const struct opts *o)
{
	const struct bpf_map *uei_map = bpf_object__find_map_by_name(obj, ".data.uei");
	double started = now_s();
	struct ktstr_uei uei = { 0 };
	struct sigaction sa = { .sa_handler = on_signal };

	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!stop_requested && !read_uei(uei_map, &uei)) {
		if (o->exit_after_s && now_s() - started >= o->exit_after_s) {
			printf("scx_ktstr: exit-after fault: exiting after %.1f s\n",
			       now_s() - started);
			exit(0);
		}
		usleep(POLL_MS * 1000);
	}
	if (uei.kind) {
		printf("scx_ktstr: ejected by the kernel after %.1f s: kind=%d (%s) exit_code=%lld "
		       "reason=\"%s\" msg=\"%s\"\n",
		       now_s() - started, uei.kind, exit_kind_name(uei.kind),
		       (long long)uei.exit_code, uei.reason, uei.msg);
		bpf_link__destroy(link);
		return EXIT_EJECTED;
	}
	bpf_link__destroy(link);
	read_uei(uei_map, &uei);
	printf("scx_ktstr: detached on signal %d after %.1f s (exit kind=%d %s)\n",
	       (int)stop_requested, now_s() - started, uei.kind, exit_kind_name(uei.kind));
	return 0;
}

int main(int argc, char **argv)
{
	struct bpf_link *link = NULL;
	struct opts o = { 0 };
	struct ktstr_cfg *cfg = NULL;
	struct bpf_object *obj;
	int ret;

	if (parse_opts(argc, argv, &o))
		return EXIT_USAGE;
	if (o.help) {
		usage(stdout);
		return 0;
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	verifier_stats = getenv("KTSTR_VERIFIER_STATS") && !strcmp(getenv("KTSTR_VERIFIER_STATS"), "1");
	libbpf_set_print(print_libbpf);

	obj = open_obj();
	if (!obj)
		return EXIT_LOAD;
	if (configure(obj, &o, &cfg) || load_attach(obj, &link)) {
		bpf_object__close(obj);
		return EXIT_LOAD;
	}
	print_attached(&o, cfg);
	ret = wait_for_end(obj, link, &o);
	bpf_object__close(obj);
	return ret;
}
