// SPDX-License-Identifier: GPL-2.0-only
/*
 * Guest PID 1, one readable sequence:
 *   1. mount the pseudo filesystems, get a console, link /boot/config-<release>
 *   2. read the kernel command line (test faults)
 *   3. open the channel port (virtio-serial, by name)
 *   4. say hello (kernel release, CPUs, sched_ext), report the topology
 *   5. wait for the orders (an empty frame: nothing to run, a probe boot)
 *   6. start the scheduler the orders name, and wait until it is attached
 *   7. run the test body as a child process, relay what it sends
 *   8. stop the scheduler, send its log
 *   9. send the exit code, sync, power off
 * Every step sends CHAN_STAGE first, so the host can say where a guest stuck.
 */
#include <endian.h>
#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/random.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "guest/covflush.h"
#include "guest/hwtopo.h"
#include "guest/init.h"
#include "guest/port.h"
#include "guest/probes.h"
#include "guest/sched.h"
#include "guest/scxdump.h"
#include "guest/testrun.h"
#include "guest/trace.h"
#include "monitor/ksyms.h"
#include "proto/channel.h"
#include "proto/guest_abi.h"
#include "proto/orders.h"
#include "proto/tracefs.h"
#include "proto/verstats.h"
#include "proto/probe.h"
#include "util/util.h"

#define INIT_PORT_WAIT_MS 3000
#define INIT_ORDERS_WAIT_MS 30000 /* the host sends them right after the hello */
#define INIT_ORDERS_PATH "/tmp/ktstr-orders.json"
#define INIT_SCHED_LOG "/tmp/sched.log"
#define INIT_TRACEFS "/sys/kernel/tracing"
#define INIT_BPF_STATS "/proc/sys/kernel/bpf_stats_enabled"

struct init_mount {
	const char *fstype, *target;
	bool required;
};

static const struct init_mount init_mounts[] = {
	{ "proc", "/proc", true },
	{ "sysfs", "/sys", true },
	{ "devtmpfs", "/dev", true },
	{ "cgroup2", "/sys/fs/cgroup", true },
	{ "tmpfs", "/tmp", true },
	{ "debugfs", "/sys/kernel/debug", false },
	{ "tracefs", "/sys/kernel/tracing", false },
	{ "bpf", "/sys/fs/bpf", false },
};

enum init_fault { FAULT_NONE, FAULT_PANIC, FAULT_HANG, FAULT_GARBAGE };

static void init_say(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void init_say(const char *fmt, ...)
{
	va_list ap;

	fputs("ktstr-init: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

static __attribute__((noreturn)) void init_power_off(void)
{
	sync();
	reboot(RB_POWER_OFF);
	for (;;)
		pause();
}

/* Whether the running kernel knows a filesystem type. */
static bool init_has_fs(const char *fstype)
{
	char *fs = file_read("/proc/filesystems", NULL, 1 << 16), *p;
	size_t n = strlen(fstype);
	bool found = false;

	for (p = fs; p && (p = strstr(p, fstype)); p += n)
		if ((p == fs || p[-1] == '\t') && (p[n] == '\n' || p[n] == '\0'))
			found = true;
	free(fs);
	return found;
}

static int init_mount_all(void)
{
	for (size_t i = 0; i < ARRAY_SIZE(init_mounts); i++) {
		const struct init_mount *m = &init_mounts[i];

		if (!m->required && !init_has_fs(m->fstype))
			continue;
		mkdir_p(m->target, 0755);
		if (mount(m->fstype, m->target, m->fstype, 0, NULL) && errno != EBUSY) {
			init_say("mount %s on %s: %s", m->fstype, m->target, strerror(errno));
			if (m->required)
				return -errno;
		}
	}
	return 0;
}

/* libbpf resolves a BPF program's __kconfig externs from /boot/config-<release>;
 * the host packed the booted kernel's config when it found one. */
static void init_boot_config(void)
{
	struct utsname u;
	char *path;

	if (access(GUEST_KCONFIG, R_OK) || uname(&u))
		return;
	mkdir_p("/boot", 0755);
	path = xasprintf("/boot/config-%s", u.release);
	if (symlink(GUEST_KCONFIG, path) && errno != EEXIST)
		init_say("cannot link %s to " GUEST_KCONFIG ": %s", path, strerror(errno));
	free(path);
}

/* The initramfs has no /dev/console, so the kernel gave PID 1 no stdio. */
static void init_console(void)
{
	int fd;

	if (fcntl(2, F_GETFD) >= 0)
		return;
	fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static enum init_fault init_fault(void)
{
	char *cmdline = file_read_line("/proc/cmdline");
	enum init_fault f = FAULT_NONE;

	if (cmdline) {
		if (strstr(cmdline, "ktstr.fault=panic"))
			f = FAULT_PANIC;
		else if (strstr(cmdline, "ktstr.fault=hang"))
			f = FAULT_HANG;
		else if (strstr(cmdline, "ktstr.fault=garbage"))
			f = FAULT_GARBAGE;
	}
	free(cmdline);
	return f;
}

/* The channel port; the virtio-serial driver may still be naming it. */
static int init_open_port(void)
{
	uint64_t until = now_ns() + INIT_PORT_WAIT_MS * 1000000ull;
	int fd;

	while ((fd = guest_port_open(GUEST_PORT_NAME)) == -ENOENT && now_ns() < until)
		sleep_ms(20);
	if (fd < 0)
		init_say("cannot open the virtio port %s: %s", GUEST_PORT_NAME, strerror(-fd));
	return fd;
}

static void init_send_str(int port, uint16_t type, const char *s)
{
	if (chan_send(port, type, s, (uint32_t)strlen(s)))
		init_say("channel write failed: %s", strerror(errno));
}

static void init_hello(int port)
{
	struct utsname u;
	json_t *o = json_object();
	char *s;

	uname(&u);
	json_object_set_new(o, "uname", json_string(u.release));
	json_object_set_new(o, "cpus", json_integer(sysconf(_SC_NPROCESSORS_ONLN)));
	json_object_set_new(o, "sched_ext", json_boolean(path_is_dir("/sys/kernel/sched_ext")));
	s = json_dumps(o, JSON_COMPACT);
	init_send_str(port, CHAN_HELLO, s);
	free(s);
	json_decref(o);
}

/* The symbols the host-side monitor reads guest memory with (monitor/ksyms.h):
 * through BPF in milliseconds, else by reading /proc/kallsyms (seconds under TCG). */
static void init_kallsyms(int port)
{
	char *text = ksyms_collect_bpf();

	if (!text || !*text) {
		free(text);
		text = ksyms_collect("/proc/kallsyms");
	}
	if (!text) {
		init_say("cannot read /proc/kallsyms: %s", strerror(errno));
		return;
	}
	init_send_str(port, CHAN_KALLSYMS, text);
	free(text);
}

static int init_topo(int port)
{
	struct hw_topo *t = xmalloc(sizeof(*t));
	char *err = NULL, *json;
	int r = hw_topo_read("/sys", t, &err);

	if (r) {
		init_say("topology: %s", err);
		init_send_str(port, CHAN_LOG, err);
		free(err);
	} else {
		json = hw_topo_to_json(t);
		init_send_str(port, CHAN_TOPO, json);
		free(json);
	}
	free(t);
	return r;
}

/* Test fault: noise, a frame with a bad CRC, one claiming 1 GiB, one of unknown type. */
static void init_write_garbage(int port)
{
	/* no complete magic in the noise: a header with a plausible length would
	 * (rightly) make the host wait for its payload and swallow what follows */
	static const char noise[] = "\x01\xffKTS garbage \x00\x7f KTS";
	uint8_t *f;
	size_t len;

	write_full(port, noise, sizeof(noise));
	if (!chan_encode(CHAN_LOG, "bad crc", 7, &f, &len)) {
		f[len - 1] ^= 0xff;
		write_full(port, f, len);
		/* a header that claims a 1 GiB payload */
		f[8] = 0, f[9] = 0, f[10] = 0, f[11] = 0x40;
		write_full(port, f, CHAN_HDR_LEN);
		free(f);
	}
	if (!chan_encode(CHAN_TYPE_MAX + 7, "?", 1, &f, &len)) {
		write_full(port, f, len);
		free(f);
	}
}

/* A failing result from init itself (the body never got to say anything). */
static void init_send_result(int port, const struct ktstr_result *r)
{
	json_t *j = result_to_json(r);
	char *s = json_dumps(j, JSON_COMPACT);

	if (s)
		init_send_str(port, CHAN_RESULT, s);
	free(s);
	json_decref(j);
}

static void init_send_sched_event(int port, const struct sched_proc *sp)
{
	char *ev = sched_event_json(sp);

	init_send_str(port, CHAN_SCHED, ev);
	free(ev);
}

/* A CHAN_FILE frame (u16 name length, name, data); nothing for empty data. */
static void init_send_file(int port, const char *name, const char *data)
{
	size_t nlen = strlen(name), n = data ? strlen(data) : 0, len = 2 + nlen + n;
	uint8_t *buf;

	if (!n)
		return;
	buf = xmalloc(len);
	buf[0] = (uint8_t)nlen;
	buf[1] = (uint8_t)(nlen >> 8);
	memcpy(buf + 2, name, nlen);
	memcpy(buf + 2 + nlen, data, n);
	chan_send(port, CHAN_FILE, buf, (uint32_t)len);
	free(buf);
}

/* The scheduler's log tail as "sched.log", the kernel's sched_ext dump if
 * it disabled the scheduler on an error, and the probes' hits when the orders
 * asked for probes (probe_notes: what probes_setup said). */
static void init_send_sched_log(int port, const struct sched_proc *sp, const struct orders *o,
				const char *probe_notes)
{
	char *tail = sched_log_tail(sp, SCHED_LOG_TAIL_LINES);
	char *dump = scxdump_collect(INIT_TRACEFS);

	init_send_file(port, "sched.log", tail);
	init_send_file(port, SCXDUMP_FILE, dump);
	if (o->probes) {
		char *hits = probes_collect(INIT_TRACEFS, o->probes, probe_notes);

		init_send_file(port, PROBE_FILE, hits);
		free(hits);
	}
	free(dump);
	free(tail);
}

/* 5. Wait for the orders. 1 and *o filled, 0 for an empty frame, -errno. */
static int init_read_orders(int port, struct orders *o)
{
	uint64_t until = now_ns() + INIT_ORDERS_WAIT_MS * 1000000ull;
	struct chan_frame f;
	char *err = NULL;
	int r;

	for (;;) {
		uint64_t now = now_ns();

		if (now >= until)
			return -ETIMEDOUT;
		r = guest_port_read_frame(port, &f, (unsigned)((until - now) / 1000000) + 1);
		if (r)
			return r;
		if (f.type == CHAN_ORDERS)
			break;
		chan_frame_free(&f);
	}
	if (!f.len) {
		chan_frame_free(&f);
		return 0;
	}
	r = orders_from_json((const char *)f.data, f.len, o, &err);
	if (!r)
		r = file_write(INIT_ORDERS_PATH, f.data, f.len);
	chan_frame_free(&f);
	if (err) {
		init_say("%s", err);
		init_send_str(port, CHAN_LOG, err);
		free(err);
	}
	return r ? r : 1;
}

/*
 * Mix the orders' seed into the kernel's RNG and reseed it now: VMs restored
 * from one template (vm/snapshot.h) start with the same RNG state.
 */
static void init_reseed(uint64_t seed)
{
	struct {
		int entropy_count, buf_size;
		uint64_t buf[2];
	} e = { .entropy_count = 0, .buf_size = sizeof(e.buf), .buf = { seed, now_ns() } };
	int fd = open("/dev/urandom", O_WRONLY | O_CLOEXEC);

	if (fd < 0)
		return;
	if (ioctl(fd, RNDADDENTROPY, &e) || ioctl(fd, RNDRESEEDCRNG))
		init_say("reseeding the RNG: %s", strerror(errno));
	close(fd);
}

/* The scheduler's verifier logs, CHAN_FILE VERIFIER_FILE (proto/verstats.h). */
static void init_send_verifier(int port, const struct sched_proc *sp)
{
	char *text = sched_verifier_blocks(sp, VERIFIER_LOG_MAX);

	init_send_file(port, VERIFIER_FILE, text);
	free(text);
}

/* A stage, also marked in the trace under --trace. */
static void init_stage(int port, const struct orders *o, const char *name)
{
	init_send_str(port, CHAN_STAGE, name);
	if (o->trace)
		trace_mark(INIT_TRACEFS, name, strlen(name));
}

/* --trace: a failure to start is said, and the test runs untraced. */
static void init_trace_start(int port)
{
	char *why = NULL;

	if (trace_start(INIT_TRACEFS, &why)) {
		char *msg = xasprintf("--trace: %s", why);

		init_say("%s", msg);
		init_send_str(port, CHAN_LOG, msg);
		free(msg);
	}
	free(why);
}

/* --trace: the recording as CHAN_FILE TRACEFS_FILE (tracefs.h). */
static void init_trace_send(int port)
{
	size_t len = 0;
	char *text;

	trace_mark(INIT_TRACEFS, "body-end", 8);
	text = trace_collect(INIT_TRACEFS, TRACE_TEXT_MAX, &len);
	init_send_file(port, TRACEFS_FILE, text);
	free(text);
}

/* 6.-8. Scheduler, body, scheduler stop. Returns the exit code (eval.h). */
static int init_run_test(int port, const struct orders *o)
{
	struct sched_proc sp = { 0 };
	char *probe_notes = NULL;
	struct testrun_spec spec = {
		.orders = o,
		.orders_path = INIT_ORDERS_PATH,
		.exe = "/init",
		.port_fd = port,
	};
	int code, rc;

	if (o->sched_path) {
		struct sched_opts so = {
			.name = o->sched_name,
			.path = o->sched_path,
			.args = o->sched_args,
			.log_path = INIT_SCHED_LOG,
			.cgroup_parent = o->cgroup_parent,
		};

		init_send_str(port, CHAN_STAGE, "scheduler");
		if (o->verifier_stats) /* a loader that knows it prints the statistics */
			setenv(VERIFIER_STATS_ENV, "1", 1);
		if (scxdump_enable(INIT_TRACEFS))
			init_say("no sched_ext debug dumps: cannot enable the sched_ext_dump "
				 "tracepoint under " INIT_TRACEFS);
		if (o->probes)
			probe_notes = probes_setup(INIT_TRACEFS, o->probes);
		/* the host-side monitor reports each callback's runs and run time */
		if (file_write(INIT_BPF_STATS, "1", 1))
			init_say("no BPF run stats: cannot write " INIT_BPF_STATS);
		rc = sched_start(&sp, &so);
		if (o->verifier_stats)
			init_send_verifier(port, &sp);
		if (rc) {
			struct ktstr_result r;

			init_send_sched_event(port, &sp);
			init_send_sched_log(port, &sp, o, probe_notes);
			free(probe_notes);
			result_init(&r);
			sched_report(&sp, &r);
			init_send_result(port, &r);
			result_free(&r);
			sched_free(&sp);
			return GUEST_EXIT_FAIL;
		}
		init_send_sched_event(port, &sp);
		spec.sched_pid = sp.pid;
		spec.sched_check = sched_check_hook;
		spec.sched_arg = &sp;
	}

	if (o->trace)
		init_trace_start(port);
	init_stage(port, o, "body");
	code = testrun_body(&spec);
	if (o->trace)
		init_trace_send(port);

	if (o->sched_path) {
		init_send_str(port, CHAN_STAGE, "scheduler-stop");
		/* a failure seen during the body was reported there */
		if (!sched_failed(&sp) && sched_stop(&sp, SCHED_STOP_TIMEOUT_MS)) {
			struct ktstr_result r;

			result_init(&r);
			sched_report(&sp, &r);
			init_send_result(port, &r);
			result_free(&r);
			if (code == GUEST_EXIT_PASS || code == GUEST_EXIT_SKIP)
				code = GUEST_EXIT_FAIL;
		}
		init_send_sched_event(port, &sp);
		init_send_sched_log(port, &sp, o, probe_notes);
		sched_free(&sp);
	}
	free(probe_notes);
	return code;
}

int guest_init_main(int argc, char **argv)
{
	enum init_fault fault;
	struct orders o;
	int port, code = 0, r;
	uint32_t le;

	/* 1. filesystems, console, kernel config */
	if (init_mount_all()) {
		init_console();
		init_say("cannot mount the basic filesystems; powering off");
		init_power_off();
	}
	init_console();
	init_boot_config();
	covflush_setenv(); /* what init starts writes its coverage counters there */

	/* 2. kernel command line */
	fault = init_fault();
	if (fault == FAULT_PANIC) {
		init_say("ktstr.fault=panic: PID 1 exits now");
		exit(1);
	}

	/* 3. channel */
	port = init_open_port();
	if (port < 0)
		init_power_off();
	if (fault == FAULT_GARBAGE)
		init_write_garbage(port);
	init_send_str(port, CHAN_STAGE, "mounted");

	/* 4. hello and topology */
	init_hello(port);
	init_kallsyms(port);
	if (fault == FAULT_HANG) {
		init_say("ktstr.fault=hang: hanging");
		for (;;)
			pause();
	}
	if (init_topo(port))
		code = 1;

	/* 5. orders */
	init_send_str(port, CHAN_STAGE, "orders");
	r = init_read_orders(port, &o);
	if (r < 0) {
		init_say("no usable orders: %s", strerror(-r));
		code = GUEST_EXIT_INIT_ERROR;
	} else if (r > 0) {
		init_reseed(o.seed);
		/* 6.-8. scheduler, test body, scheduler stop */
		code = init_run_test(port, &o);
		orders_free(&o);
	}

	/* 9. coverage counters (instrumented builds), exit code, power off */
	covflush_send(port);
	init_send_str(port, CHAN_STAGE, "exit");
	le = htole32((uint32_t)code);
	chan_send(port, CHAN_EXIT, &le, sizeof(le));
	close(port);
	init_power_off();
}
