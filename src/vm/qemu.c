// SPDX-License-Identifier: GPL-2.0-only
/*
 * The QEMU launcher: argv from the topology, spawn in a process
 * group of its own, a poll loop over the channel socket with a wall-clock
 * limit, and the post-mortem of the console log.
 *
 * The channel is a unix socket the host listens on before QEMU starts; QEMU
 * connects to it as a client (`-chardev socket,server=off`), so there is no
 * window in which the guest can write before the host reads.
 *
 * Nothing is left running: on timeout or any harness error the QEMU process
 * group is SIGKILLed; SIGINT/SIGTERM of the harness kill every live QEMU group
 * and are then handed to the harness's own handler (util/interrupt.h: it winds
 * down, and no VM starts once it asked to stop) or, when it has none,
 * re-raised; PR_SET_PDEATHSIG kills QEMU if the harness dies.
 * The table of live process groups below is the one piece of global state
 * this needs, since a signal handler cannot reach anything else.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdarg.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/interrupt.h"
#include "util/util.h"
#include "vm/qmp.h"
#include "vm/vm.h"

#define VM_TAIL_LINES 20
#define VM_CONSOLE_SCAN_MAX (16u << 20)    /* scan at most the last 16 MB */
#define VM_CONSOLE_MAX (256ull << 20)      /* a guest spamming more is killed */
#define VM_POLL_MS 100
#define VM_QMP_CONNECT_MS 30000
#define VM_QMP_CMD_MS 30000
#define VM_FRAMES_MAX (64u << 20) /* what a template keeps of the guest's first frames */

/*
 * nokaslr: the host reads guest memory at fixed addresses. no_timer_check:
 * on a loaded host TCG can miss the kernel's IO-APIC timer check, which then
 * panics ("IO-APIC + timer doesn't work!"); seen here. edd=off, i8042.*: skip
 * probing hardware the VM does not have. loglevel=4 keeps errors (panics, oopses,
 * sched_ext error exits) on the console and the rest off the slow serial port.
 * tsc=reliable: on a loaded host the clocksource watchdog sees TCG's TSC skew,
 * marks it unstable and flips sched_clock's static keys at a random moment; the
 * live code patching that follows races with other vCPUs under multi-threaded
 * TCG and the guest dies in sched_clock_cpu / ktime_get_real_ts64 ("Fatal
 * exception in interrupt", seen here in boot and at scheduler stop).
 */
static const char vm_cmdline[] = "console=ttyS0 loglevel=4 panic=-1 nokaslr rdinit=/init "
				 "edd=off no_timer_check tsc=reliable mitigations=off i8042.noaux "
				 "i8042.nomux i8042.nopnp i8042.dumbkbd";

/*
 * Multi-threaded TCG runs each vCPU on a host thread, but live kernel code
 * patching (the static keys sched_ext flips when a scheduler attaches or
 * detaches) races with the other vCPUs there: an attach/detach stress loop
 * panicked 5 of 5 boots with thread=multi and 0 of 25 cycles with
 * thread=single, which also booted faster on this 2-core host (4.9 s vs 7.4 s
 * for 1n1l2c1t, 6.8 s vs 11.5 s for 1n2l2c2t). KTSTR_TCG_THREAD=multi opts in.
 */
bool vm_tcg_multi(void)
{
	const char *v = getenv("KTSTR_TCG_THREAD");

	return v && !strcmp(v, "multi");
}

unsigned vm_host_threads(enum accel_kind kind, bool tcg_multi, unsigned vcpus)
{
	if (kind == ACCEL_TCG && !tcg_multi)
		return 1;
	return vcpus ? vcpus : 1;
}

const char *vm_base_cmdline(void)
{
	return vm_cmdline;
}

/* ---- live QEMU process groups, for the signal handlers ---- */

#define VM_MAX_LIVE 32
#define VM_RAM_PATH_MAX 192
/* slot: 0 free, -1 being filled, else the QEMU pid (= its process group) */
static volatile sig_atomic_t vm_live[VM_MAX_LIVE];
/* RAM files to remove if a signal ends the harness ("" = none) */
static char vm_live_ram[VM_MAX_LIVE][KTSTR_TOPO_MAX_NODES][VM_RAM_PATH_MAX];
static struct sigaction vm_old_int, vm_old_term;

static void vm_on_signal(int sig)
{
	const struct sigaction *old;

	for (int i = 0; i < VM_MAX_LIVE; i++) {
		if (vm_live[i] <= 0)
			continue;
		kill(-(pid_t)vm_live[i], SIGKILL); /* the group ... */
		kill((pid_t)vm_live[i], SIGKILL);  /* ... or, interactive, QEMU itself */
		for (int n = 0; n < KTSTR_TOPO_MAX_NODES; n++)
			if (vm_live_ram[i][n][0])
				unlink(vm_live_ram[i][n]);
	}
	/* hand the signal to whatever was there before: a handler of the harness
	 * (this one stays, for the VMs still to come), or by default die of it */
	old = sig == SIGINT ? &vm_old_int : &vm_old_term;
	if (old->sa_handler != SIG_DFL && old->sa_handler != SIG_IGN) {
		old->sa_handler(sig);
		return;
	}
	sigaction(SIGINT, &vm_old_int, NULL);
	sigaction(SIGTERM, &vm_old_term, NULL);
	raise(sig);
}

static void vm_install_handlers(void)
{
	static bool installed;
	struct sigaction sa = { .sa_handler = vm_on_signal };

	if (installed)
		return;
	installed = true;
	sigemptyset(&sa.sa_mask);
	/* a signal the harness ignores (e.g. SIGINT of a background job) stays ignored */
	sigaction(SIGINT, NULL, &vm_old_int);
	sigaction(SIGTERM, NULL, &vm_old_term);
	if (vm_old_int.sa_handler != SIG_IGN)
		sigaction(SIGINT, &sa, NULL);
	if (vm_old_term.sa_handler != SIG_IGN)
		sigaction(SIGTERM, &sa, NULL);
}

/* Publish a live QEMU (and the RAM files a signal should remove); returns the slot. */
static int vm_track(pid_t pid, const struct vm_spec *spec)
{
	for (int i = 0; i < VM_MAX_LIVE; i++) {
		if (!__sync_bool_compare_and_swap(&vm_live[i], 0, -1))
			continue;
		for (unsigned n = 0; n < KTSTR_TOPO_MAX_NODES; n++) {
			vm_live_ram[i][n][0] = '\0';
			if (!spec->keep_ram && spec->start == VM_START_BOOT &&
			    n < spec->topo->numa_nodes)
				snprintf(vm_live_ram[i][n], VM_RAM_PATH_MAX, "%s/ram-node%u",
					 spec->work_dir, n);
			if (strlen(vm_live_ram[i][n]) >= VM_RAM_PATH_MAX - 1)
				vm_live_ram[i][n][0] = '\0'; /* truncated: not ours to unlink */
		}
		__sync_synchronize();
		vm_live[i] = pid;
		return i;
	}
	return -1; /* more VMs than slots: still killed by PDEATHSIG if the harness dies */
}

static void vm_untrack(int slot)
{
	if (slot >= 0)
		vm_live[slot] = 0;
}

/* ---- argv ---- */

struct argv_buf {
	char **v;
	size_t n, cap;
};

static void av_add(struct argv_buf *a, char *s)
{
	if (a->n + 2 > a->cap) {
		a->cap = a->cap ? a->cap * 2 : 64;
		a->v = xrealloc(a->v, a->cap * sizeof(*a->v));
	}
	a->v[a->n++] = s;
	a->v[a->n] = NULL;
}

static void av_pair(struct argv_buf *a, const char *opt, char *val)
{
	av_add(a, xstrdup(opt));
	av_add(a, val);
}

static const char *vm_qemu_binary(void)
{
	const char *q = getenv("KTSTR_QEMU");

	return q && *q ? q : "qemu-system-x86_64";
}

/* qboot boots faster than SeaBIOS: 3.1 s against 3.5 s under TCG. */
static const char *vm_bios(void)
{
	const char *b = getenv("KTSTR_QEMU_BIOS");

	if (b)
		return *b ? b : NULL; /* empty: QEMU's default (SeaBIOS) */
	return path_exists("/usr/share/qemu/qboot.rom") ? "/usr/share/qemu/qboot.rom" : NULL;
}

char **vm_qemu_argv(const struct vm_spec *spec, const char *chan_path, const char *qmp_path,
		    char **err)
{
	const struct ktstr_topology *t = spec->topo;
	struct argv_buf a = { 0 };
	unsigned total_mb = spec->memory_mb ? spec->memory_mb : VM_DEFAULT_MEMORY_MB;
	unsigned cpus_per_node, cpu = 0;
	const char *bios = vm_bios();
	/* a template keeps its RAM in its own directory, shared; a restore maps
	 * it privately (copy-on-write: the template stays clean) */
	const char *ram_dir = spec->start == VM_START_BOOT ? spec->work_dir : spec->template_dir;
	bool ram_shared = spec->start != VM_START_RESTORE;
	char *cmdline;

	if (topo_validate(t, err))
		return NULL;
	if (!spec->kernel || !spec->initramfs || !spec->work_dir || !ram_dir) {
		if (err)
			*err = xstrdup("VM spec lacks a kernel, an initramfs or a work directory");
		return NULL;
	}
	cpus_per_node = topo_total_cpus(t) / t->numa_nodes;

	av_add(&a, xstrdup(vm_qemu_binary()));
	if (spec->accel.kind == ACCEL_KVM) {
		av_pair(&a, "-accel", xstrdup("kvm"));
		av_pair(&a, "-cpu", xstrdup("host"));
	} else {
		/* Other models panic 7.x kernels under TCG or hang with dies. */
		av_pair(&a, "-accel", xasprintf("tcg,thread=%s", vm_tcg_multi() ? "multi" : "single"));
		av_pair(&a, "-cpu", xstrdup("max,vendor=GenuineIntel"));
	}
	av_pair(&a, "-machine", xstrdup("q35"));
	if (bios)
		av_pair(&a, "-bios", xstrdup(bios));
	av_pair(&a, "-smp", xasprintf("cpus=%u,sockets=%u,dies=%u,cores=%u,threads=%u",
				      topo_total_cpus(t), t->numa_nodes, t->llcs / t->numa_nodes,
				      t->cores_per_llc, t->threads_per_core));
	av_pair(&a, "-m", xasprintf("%uM", total_mb));
	for (unsigned n = 0; n < t->numa_nodes; n++) {
		unsigned mb = t->node_memory_mb[n];

		if (!mb)
			mb = total_mb / t->numa_nodes;
		/* keep the sum equal to -m: the last node takes the remainder */
		if (!t->node_memory_mb[n] && n == t->numa_nodes - 1)
			mb = total_mb - (total_mb / t->numa_nodes) * (t->numa_nodes - 1);
		av_pair(&a, "-object",
			xasprintf("memory-backend-file,id=m%u,share=%s,mem-path=%s/ram-node%u,"
				  "size=%uM",
				  n, ram_shared ? "on" : "off", ram_dir, n, mb));
		av_pair(&a, "-numa",
			xasprintf("node,nodeid=%u,cpus=%u-%u,memdev=m%u", n, cpu,
				  cpu + cpus_per_node - 1, n));
		cpu += cpus_per_node;
	}
	for (unsigned x = 0; x < t->numa_nodes; x++)
		for (unsigned y = 0; y < t->numa_nodes; y++)
			if (x != y)
				av_pair(&a, "-numa", xasprintf("dist,src=%u,dst=%u,val=%u", x, y,
							       topo_distance(t, x, y)));
	av_add(&a, xstrdup("-nodefaults"));
	av_add(&a, xstrdup("-no-reboot"));
	av_add(&a, xstrdup("-nographic"));
	/* names the vCPU threads "CPU N/TCG" (or /KVM): the monitor reads their host CPU time */
	av_pair(&a, "-name", xstrdup("ktstr,debug-threads=on"));
	if (spec->interactive) {
		av_pair(&a, "-chardev", xstrdup("stdio,id=con0,mux=on,signal=off"));
		av_pair(&a, "-serial", xstrdup("chardev:con0"));
		av_pair(&a, "-mon", xstrdup("chardev=con0,mode=readline"));
	} else {
		av_pair(&a, "-chardev", xasprintf("file,id=con0,path=%s/console.log",
						  spec->work_dir));
		av_pair(&a, "-serial", xstrdup("chardev:con0"));
	}
	av_pair(&a, "-chardev", xasprintf("socket,id=ch0,path=%s,server=off", chan_path));
	av_pair(&a, "-device", xstrdup("virtio-serial-pci"));
	av_pair(&a, "-device", xstrdup("virtserialport,name=org.ktstr.0,chardev=ch0"));
	av_pair(&a, "-kernel", xstrdup(spec->kernel));
	av_pair(&a, "-initrd", xstrdup(spec->initramfs));
	if (spec->cmdline && *spec->cmdline)
		cmdline = xasprintf("%s %s", vm_cmdline, spec->cmdline);
	else
		cmdline = xstrdup(vm_cmdline);
	av_pair(&a, "-append", cmdline);
	if (qmp_path) {
		av_pair(&a, "-chardev", xasprintf("socket,id=qmp0,path=%s,server=off", qmp_path));
		av_pair(&a, "-mon", xstrdup("chardev=qmp0,mode=control"));
	}
	if (spec->start == VM_START_RESTORE) {
		av_add(&a, xstrdup("-S"));
		av_pair(&a, "-incoming", xstrdup("defer"));
	}
	return a.v;
}

/* ---- console post-mortem ---- */

static char *vm_read_tail(const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	char *buf;
	size_t len, got = 0;
	off_t off;

	if (fd < 0)
		return NULL;
	if (fstat(fd, &st)) {
		close(fd);
		return NULL;
	}
	len = (size_t)st.st_size > max ? max : (size_t)st.st_size;
	off = st.st_size - (off_t)len;
	buf = xmalloc(len + 1);
	while (got < len) {
		ssize_t n = pread(fd, buf + got, len - got, off + (off_t)got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
	}
	close(fd);
	buf[got] = '\0';
	/* a guest may write NULs or other junk: keep the text printable */
	for (size_t i = 0; i < got; i++)
		if (buf[i] == '\0' || buf[i] == '\r')
			buf[i] = ' ';
	return buf;
}

/* From p to the end of its line: console lines can carry other output before a mark. */
static char *vm_line_from(const char *p)
{
	const char *e = strchr(p, '\n');

	return xstrndup(p, e ? (size_t)(e - p) : strlen(p));
}

static char *vm_line_at(const char *text, const char *p)
{
	const char *s = p, *e = strchr(p, '\n');

	while (s > text && s[-1] != '\n')
		s--;
	if (!e)
		e = p + strlen(p);
	return xstrndup(s, (size_t)(e - s));
}

static void vm_scan_console(struct vm_result *res)
{
	static const char *const oops_marks[] = { "Oops:", "BUG:", "general protection fault" };
	char *log = vm_read_tail(res->console_log, VM_CONSOLE_SCAN_MAX);
	const char *p, *end;
	int lines = 0;

	if (!log)
		return;
	for (size_t i = 0; i < ARRAY_SIZE(oops_marks) && !res->oopsed; i++) {
		if ((p = strstr(log, oops_marks[i]))) {
			res->oopsed = true;
			res->panic_line = vm_line_from(p);
		}
	}
	if ((p = strstr(log, "Kernel panic"))) {
		res->panicked = true;
		free(res->panic_line);
		res->panic_line = vm_line_from(p);
	}
	/* "sched_ext: BPF scheduler "x" disabled (reason)", then "sched_ext: x: message" */
	for (p = log; (p = strstr(p, "sched_ext: BPF scheduler")); p++) {
		char *line = vm_line_from(p), *next = NULL;
		const char *nl = strchr(p, '\n');

		if (!strstr(line, " disabled")) {
			free(line);
			continue;
		}
		if (nl)
			next = vm_line_at(log, nl + 1);
		if (next && strstr(next, "sched_ext: ")) {
			res->scx_disabled_line = xasprintf("%s\n%s", line, next);
			free(line);
		} else {
			res->scx_disabled_line = line;
		}
		free(next);
		break;
	}
	end = log + strlen(log);
	while (end > log && end[-1] == '\n')
		end--;
	for (p = end; p > log; p--)
		if (p[-1] == '\n' && ++lines == VM_TAIL_LINES)
			break;
	res->console_tail = xstrndup(p, (size_t)(end - p));
	free(log);
}

/* ---- the run ---- */

static int vm_listen(const char *path, char **err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(path) >= sizeof(sa.sun_path)) {
		*err = xasprintf("socket path %s is longer than %zu bytes: use a shorter work "
				 "directory",
				 path, sizeof(sa.sun_path) - 1);
		return -ENAMETOOLONG;
	}
	strcpy(sa.sun_path, path);
	unlink(path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) || listen(fd, 1)) {
		int e = errno;

		*err = xasprintf("cannot listen on %s: %s", path, strerror(e));
		if (fd >= 0)
			close(fd);
		return -e;
	}
	return fd;
}

/* fork + exec QEMU in its own process group; stdout/stderr to qemu.log. */
static pid_t vm_spawn(char **argv, const char *qemu_log, bool interactive, char **err)
{
	int pipefd[2], e = 0;
	pid_t pid, parent = getpid();
	ssize_t n;

	if (pipe2(pipefd, O_CLOEXEC)) {
		e = errno;
		*err = xasprintf("pipe: %s", strerror(e));
		return -e;
	}
	pid = fork();
	if (pid < 0) {
		e = errno;
		*err = xasprintf("fork: %s", strerror(e));
		close(pipefd[0]);
		close(pipefd[1]);
		return -e;
	}
	if (pid == 0) {
		int fd;

		if (!interactive)
			setpgid(0, 0);
		prctl(PR_SET_PDEATHSIG, SIGKILL);
		if (getppid() != parent)
			_exit(127);
		signal(SIGINT, SIG_DFL);
		signal(SIGTERM, SIG_DFL);
		signal(SIGPIPE, SIG_DFL);
		if (!interactive) {
			fd = open("/dev/null", O_RDONLY);
			if (fd >= 0)
				dup2(fd, 0);
			fd = open(qemu_log, O_WRONLY | O_CREAT | O_TRUNC, 0644);
			if (fd >= 0) {
				dup2(fd, 1);
				dup2(fd, 2);
			}
		}
		execvp(argv[0], argv);
		e = errno;
		if (write(pipefd[1], &e, sizeof(e)) < 0)
			_exit(127);
		_exit(127);
	}
	if (!interactive)
		setpgid(pid, pid);
	close(pipefd[1]);
	do
		n = read(pipefd[0], &e, sizeof(e));
	while (n < 0 && errno == EINTR);
	close(pipefd[0]);
	if (n == sizeof(e)) {
		waitpid(pid, NULL, 0);
		*err = xasprintf("cannot run %s: %s", argv[0], strerror(e));
		return -e;
	}
	return pid;
}

struct vm_loop {
	const struct vm_spec *spec;
	struct vm_result *res;
	struct chan_decoder *dec;
	int conn;
	uint8_t *out;      /* pending host -> guest bytes */
	size_t out_len, out_off;
	uint64_t start;
	struct qmp *qmp;   /* TEMPLATE / RESTORE */
	struct strbuf raw; /* TEMPLATE: every byte the guest sent, replayed by a restore */
	bool save_now;     /* TEMPLATE: the guest waits for its orders */
	bool raw_over;     /* TEMPLATE: it sent more than VM_FRAMES_MAX before that */
	int lfd, qfd;      /* listening: the guest's channel, QMP */
	int pidfd, slot, status;
	pid_t pid;
	bool exited;       /* QEMU ended by itself */
	char *chan_path, *qmp_path, *qemu_log, **argv;
};

/* Queue one frame for the guest behind what is not sent yet: 0 or -errno. */
static int vm_queue(struct vm_loop *l, uint16_t type, const void *payload, uint32_t len)
{
	uint8_t *frame;
	size_t n;
	int rc = chan_encode(type, payload, len, &frame, &n);

	if (rc)
		return rc;
	if (l->out_off) { /* drop what was sent */
		memmove(l->out, l->out + l->out_off, l->out_len - l->out_off);
		l->out_len -= l->out_off;
		l->out_off = 0;
	}
	l->out = xrealloc(l->out, l->out_len + n);
	memcpy(l->out + l->out_len, frame, n);
	l->out_len += n;
	free(frame);
	return 0;
}

/* A callback's frame (type 0 = none): queued, and its payload freed. */
static void vm_queue_reply(struct vm_loop *l, uint16_t type, void **payload, uint32_t len)
{
	if (type)
		vm_queue(l, type, *payload, len);
	free(*payload);
	*payload = NULL;
}

static void vm_take_frames(struct vm_loop *l)
{
	struct chan_frame f;

	while (chan_decoder_next(l->dec, &f) == 1) {
		if (f.type == CHAN_HELLO && !l->res->got_hello) {
			l->res->got_hello = true;
			l->res->hello_s = (double)(now_ns() - l->start) / 1e9;
			/* a template is saved before the orders; a restore sends them */
			if (l->spec->start == VM_START_TEMPLATE)
				;
			/* no orders: an empty frame tells init there is nothing to run */
			else if (vm_queue(l, CHAN_ORDERS, l->spec->orders,
					  l->spec->orders ? (uint32_t)l->spec->orders_len : 0)) {
				free(l->res->error);
				l->res->error = xstrdup("orders too large for one frame");
			}
		} else if (f.type == CHAN_STAGE) {
			size_t n = MIN(f.len, sizeof(l->res->last_stage) - 1);

			memcpy(l->res->last_stage, f.data, n);
			l->res->last_stage[n] = '\0';
			str_printable(l->res->last_stage, n);
			if (l->spec->start == VM_START_TEMPLATE && l->res->got_hello &&
			    !strcmp(l->res->last_stage, "orders"))
				l->save_now = true;
		} else if (f.type == CHAN_EXIT && f.len == 4) {
			l->res->got_exit = true;
			l->res->guest_exit = (int)((uint32_t)f.data[0] | (uint32_t)f.data[1] << 8 |
						   (uint32_t)f.data[2] << 16 |
						   (uint32_t)f.data[3] << 24);
		}
		if (l->spec->on_frame)
			l->spec->on_frame(l->spec->arg, &f);
		if (l->spec->answer) {
			void *reply = NULL;
			uint32_t len = 0;
			uint16_t type = l->spec->answer(l->spec->arg, &f, &reply, &len);

			vm_queue_reply(l, type, &reply, len);
		}
		chan_frame_free(&f);
	}
}

/* Read what the socket has; false at EOF or error. */
static bool vm_read_conn(struct vm_loop *l)
{
	char buf[65536];

	for (;;) {
		ssize_t n = read(l->conn, buf, sizeof(buf));

		if (n > 0) {
			if (l->spec->start == VM_START_TEMPLATE && !l->save_now) {
				if (l->raw.len + (size_t)n <= VM_FRAMES_MAX)
					sb_appendn(&l->raw, buf, (size_t)n);
				else
					l->raw_over = true;
			}
			chan_decoder_feed(l->dec, buf, (size_t)n);
			vm_take_frames(l);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
	}
}

static void vm_write_conn(struct vm_loop *l)
{
	while (l->out && l->out_off < l->out_len) {
		ssize_t n = send(l->conn, l->out + l->out_off, l->out_len - l->out_off,
				 MSG_NOSIGNAL | MSG_DONTWAIT);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			if (errno != EAGAIN && errno != EWOULDBLOCK)
				l->out_off = l->out_len; /* guest gone: drop */
			return;
		}
		l->out_off += (size_t)n;
	}
}

static void vm_kill(pid_t pid, bool group)
{
	if (group)
		kill(-pid, SIGKILL);
	else
		kill(pid, SIGKILL);
}

static off_t vm_file_size(const char *path)
{
	struct stat st;

	return stat(path, &st) ? 0 : st.st_size;
}

/* ---- templates (vm/snapshot.h) ---- */

/* RAM in the shared backend files is not part of the saved state. */
static int vm_qmp_ignore_shared(struct qmp *q, char **err)
{
	return qmp_exec(q, "migrate-set-capabilities",
			json_pack("{s:[{s:s,s:b}]}", "capabilities", "capability",
				  "x-ignore-shared", "state", 1),
			VM_QMP_CMD_MS, NULL, err);
}

/* A path QEMU hands to /bin/sh in an exec: migration URI, single-quoted. */
static char *vm_exec_uri(const char *fmt, const char *path, char **err)
{
	if (strchr(path, '\'')) {
		*err = xasprintf("template path %s contains a quote", path);
		return NULL;
	}
	return xasprintf(fmt, path);
}

/* TEMPLATE: the guest waits for its orders. Save the device state (the RAM
 * stays in the shared files) and the bytes the guest sent so far, then quit. */
static int vm_save_template(struct vm_loop *l, char **err)
{
	char *state = xasprintf("%s/" VM_TEMPLATE_STATE, l->spec->template_dir);
	char *frames = xasprintf("%s/" VM_TEMPLATE_FRAMES, l->spec->template_dir);
	char *uri = vm_exec_uri("exec:cat > '%s'", state, err);
	int r = uri ? 0 : -EINVAL;

	if (!r && l->raw_over) {
		*err = xasprintf("the guest sent more than %u MB before its orders",
				 VM_FRAMES_MAX >> 20);
		r = -EFBIG;
	}
	if (!r)
		r = qmp_exec(l->qmp, "stop", NULL, VM_QMP_CMD_MS, NULL, err);
	if (!r)
		r = vm_qmp_ignore_shared(l->qmp, err);
	if (!r)
		r = qmp_exec(l->qmp, "migrate", json_pack("{s:s}", "uri", uri), VM_QMP_CMD_MS,
			     NULL, err);
	if (!r)
		r = qmp_wait_migration(l->qmp, VM_QMP_CMD_MS * 4, err);
	if (!r && file_write(frames, l->raw.buf ? l->raw.buf : "", l->raw.len)) {
		r = -errno;
		*err = xasprintf("cannot write %s: %s", frames, strerror(errno));
	}
	if (!r)
		l->res->saved = true;
	free(state);
	free(frames);
	free(uri);
	return r;
}

/* RESTORE: load the saved state over the private RAM mapping, run, and replay
 * what the guest sent before the save (HELLO queues the orders). */
static int vm_restore(struct vm_loop *l, char **err)
{
	char *state = xasprintf("%s/" VM_TEMPLATE_STATE, l->spec->template_dir);
	char *fpath = xasprintf("%s/" VM_TEMPLATE_FRAMES, l->spec->template_dir);
	char *uri = vm_exec_uri("exec:cat '%s'", state, err);
	size_t flen = 0;
	char *frames = uri ? file_read(fpath, &flen, VM_FRAMES_MAX) : NULL;
	int r = uri ? 0 : -EINVAL;

	if (!r && !frames) {
		r = errno ? -errno : -EIO;
		*err = xasprintf("cannot read %s: %s", fpath, strerror(-r));
	}
	if (!r)
		r = vm_qmp_ignore_shared(l->qmp, err);
	if (!r)
		r = qmp_exec(l->qmp, "migrate-incoming", json_pack("{s:s}", "uri", uri),
			     VM_QMP_CMD_MS, NULL, err);
	if (!r)
		r = qmp_wait_migration(l->qmp, VM_QMP_CMD_MS * 4, err);
	if (!r)
		r = qmp_exec(l->qmp, "cont", NULL, VM_QMP_CMD_MS, NULL, err);
	if (!r) {
		l->res->restored = true;
		l->res->restore_s = (double)(now_ns() - l->start) / 1e9;
		chan_decoder_feed(l->dec, frames, flen);
		vm_take_frames(l);
	}
	free(frames);
	free(fpath);
	free(state);
	free(uri);
	return r;
}

/* Everything before the loop: the work directory, QEMU's arguments, the sockets
 * it connects to, QEMU itself. 0 or a negative errno with res->error set. */
static int vm_launch(struct vm_loop *l)
{
	const struct vm_spec *spec = l->spec;
	struct vm_result *res = l->res;
	char *err = NULL;

	if (mkdir_p(spec->work_dir, 0755)) {
		int rc = -errno;

		res->error = xasprintf("cannot create %s: %s", spec->work_dir, strerror(-rc));
		return rc;
	}
	unlink(res->console_log);
	l->argv = vm_qemu_argv(spec, l->chan_path, l->qmp_path, &err);
	if (!l->argv) {
		res->error = err;
		return -EINVAL;
	}
	l->lfd = vm_listen(l->chan_path, &res->error);
	if (l->lfd < 0) {
		res->restore_failed = spec->start == VM_START_RESTORE;
		return l->lfd;
	}
	if (l->qmp_path && (l->qfd = vm_listen(l->qmp_path, &res->error)) < 0) {
		res->restore_failed = spec->start == VM_START_RESTORE;
		return l->qfd;
	}
	l->dec = chan_decoder_new(CHAN_MAX_PAYLOAD);
	vm_install_handlers();
	if (interrupt_signal()) {
		res->error = xasprintf("interrupted by SIG%s", sigabbrev_np(interrupt_signal()));
		return -EINTR;
	}
	l->start = now_ns();
	l->pid = vm_spawn(l->argv, l->qemu_log, spec->interactive, &res->error);
	if (l->pid < 0) {
		res->restore_failed = spec->start == VM_START_RESTORE;
		return (int)l->pid;
	}
	l->slot = vm_track(l->pid, spec);
	l->pidfd = (int)syscall(SYS_pidfd_open, l->pid, 0);
	if (spec->on_spawn)
		spec->on_spawn(spec->arg, l->pid);
	return 0;
}

/* TEMPLATE / RESTORE: QEMU's QMP connection, then the restore. 0 or a negative
 * errno with res->error set; the loop does not run after a failure. */
static int vm_attach_qmp(struct vm_loop *l)
{
	char *err = NULL;
	int rc;

	if (l->qfd < 0)
		return 0;
	rc = qmp_accept(l->qfd, VM_QMP_CONNECT_MS, &l->qmp, &err);
	close(l->qfd);
	l->qfd = -1;
	if (!rc && l->spec->start == VM_START_RESTORE)
		rc = vm_restore(l, &err);
	if (rc) {
		l->res->error = err;
		l->res->restore_failed = l->spec->start == VM_START_RESTORE;
	}
	return rc;
}

/* The guest's socket: accept it, or read frames, answer the tick, write replies. */
static void vm_serve_conn(struct vm_loop *l, bool accepting, short revents)
{
	const struct vm_spec *spec = l->spec;

	if (accepting && (revents & POLLIN)) {
		l->conn = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (l->conn >= 0) {
			close(l->lfd);
			l->lfd = -1;
		}
	} else if (!accepting && l->conn >= 0) {
		if (revents & (POLLIN | POLLHUP | POLLERR) && !vm_read_conn(l)) {
			close(l->conn);
			l->conn = -1; /* the guest side is gone; QEMU is ending */
		}
		if (l->conn >= 0 && spec->tick) {
			void *reply = NULL;
			uint32_t len = 0;
			uint16_t type = spec->tick(spec->arg, &reply, &len);

			vm_queue_reply(l, type, &reply, len);
		}
		if (l->conn >= 0)
			vm_write_conn(l);
	}
}

/* TEMPLATE: save once the guest waits for its orders, then have QEMU quit. */
static int vm_save_and_quit(struct vm_loop *l)
{
	char *err = NULL;
	int rc = vm_save_template(l, &err);

	if (rc) {
		l->res->error = err;
		return rc;
	}
	/* QEMU may close the socket before it answers */
	qmp_exec(l->qmp, "quit", NULL, VM_QMP_CMD_MS, NULL, &err);
	free(err);
	return 0;
}

/* One turn of the loop: wait for the socket, QEMU's exit or the deadline, then
 * serve them. False when the loop ends, with *rc set on an error. */
static bool vm_step(struct vm_loop *l, uint64_t deadline, int *rc)
{
	struct vm_result *res = l->res;
	struct pollfd pfd[2];
	int np = 0, timeout = VM_POLL_MS;
	bool accepting = l->lfd >= 0;

	if (accepting)
		pfd[np++] = (struct pollfd){ .fd = l->lfd, .events = POLLIN };
	else if (l->conn >= 0)
		pfd[np++] = (struct pollfd){
			.fd = l->conn,
			.events = POLLIN | (l->out_off < l->out_len ? POLLOUT : 0),
		};
	if (l->pidfd >= 0)
		pfd[np++] = (struct pollfd){ .fd = l->pidfd, .events = POLLIN };
	if (deadline) {
		uint64_t now = now_ns();

		if (now >= deadline) {
			res->timed_out = true;
			return false;
		}
		if ((deadline - now) / 1000000 < (uint64_t)timeout)
			timeout = (int)((deadline - now) / 1000000) + 1;
	}
	if (poll(np ? pfd : NULL, (nfds_t)np, timeout) < 0 && errno != EINTR) {
		*rc = -errno;
		res->error = xasprintf("poll: %s", strerror(errno));
		return false;
	}
	vm_serve_conn(l, accepting, pfd[0].revents);
	if (l->save_now && !res->saved && (*rc = vm_save_and_quit(l)))
		return false;
	if (waitpid(l->pid, &l->status, WNOHANG) == l->pid) {
		l->exited = true;
		return false;
	}
	if (vm_file_size(res->console_log) > (off_t)VM_CONSOLE_MAX) {
		*rc = -EFBIG;
		res->error = xasprintf("the guest wrote more than %llu MB to the console",
				       VM_CONSOLE_MAX >> 20);
		return false;
	}
	return true;
}

/* QEMU ended or is killed; the guest's last frames and the console are read. */
static void vm_reap(struct vm_loop *l)
{
	struct vm_result *res = l->res;

	if (!l->exited) {
		vm_kill(l->pid, !l->spec->interactive);
		waitpid(l->pid, &l->status, 0);
	}
	vm_untrack(l->slot);
	/* the guest's last frames may still be in the socket, even in a connection
	 * QEMU made and closed before the loop accepted it */
	if (l->lfd >= 0 &&
	    (l->conn = accept4(l->lfd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK)) < 0)
		l->conn = -1;
	if (l->conn >= 0)
		vm_read_conn(l);
	res->qemu_status = l->status;
	res->wall_s = (double)(now_ns() - l->start) / 1e9;
	res->chan = *chan_decoder_stats(l->dec);
	res->chan_truncated = chan_decoder_pending(l->dec);
	vm_scan_console(res);
}

/* res->error for a timeout, or for QEMU failing before the guest said hello. */
static int vm_explain(struct vm_loop *l, int rc)
{
	struct vm_result *res = l->res;
	int status = l->status;

	if (res->timed_out) {
		rc = -ETIMEDOUT;
		free(res->error);
		char *said = res->got_hello
				     ? xasprintf(" (hello at %.1f s, last stage '%s')", res->hello_s,
						 res->last_stage)
				     : xstrdup(" (no hello from the guest)");

		res->error = xasprintf("timed out after %u s%s; last console lines:\n%s",
				       l->spec->timeout_s, said,
				       res->console_tail ? res->console_tail : "");
		free(said);
	}
	if (!res->got_hello && WIFEXITED(status) && WEXITSTATUS(status) != 0 && !res->error) {
		char *qlog = vm_read_tail(l->qemu_log, 4096);

		res->error = xasprintf("QEMU exited with status %d: %s", WEXITSTATUS(status),
				       qlog ? str_trim(qlog) : "");
		free(qlog);
	}
	if (!res->got_hello && WIFSIGNALED(status) && !res->error)
		res->error = xasprintf("QEMU was killed by signal %d (%s)", WTERMSIG(status),
				       strsignal(WTERMSIG(status)));
	return rc;
}

/* A cold boot's RAM backend files, unless the caller keeps them. */
static void vm_remove_ram(const struct vm_spec *spec)
{
	if (spec->keep_ram || spec->start != VM_START_BOOT || !spec->topo)
		return;
	for (unsigned n = 0; n < spec->topo->numa_nodes && n < KTSTR_TOPO_MAX_NODES; n++) {
		char *ram = xasprintf("%s/ram-node%u", spec->work_dir, n);

		unlink(ram);
		free(ram);
	}
}

static void vm_close(struct vm_loop *l)
{
	qmp_close(l->qmp);
	if (l->qfd >= 0)
		close(l->qfd);
	if (l->qmp_path)
		unlink(l->qmp_path);
	free(l->qmp_path);
	sb_free(&l->raw);
	if (l->pidfd >= 0)
		close(l->pidfd);
	if (l->conn >= 0)
		close(l->conn);
	if (l->lfd >= 0)
		close(l->lfd);
	unlink(l->chan_path);
	vm_remove_ram(l->spec);
	if (l->dec)
		chan_decoder_free(l->dec);
	free(l->out);
	strv_free(l->argv);
	free(l->chan_path);
	free(l->qemu_log);
}

int vm_run(const struct vm_spec *spec, struct vm_result *res)
{
	struct vm_loop l = {
		.spec = spec,
		.res = res,
		.conn = -1,
		.lfd = -1,
		.qfd = -1,
		.pidfd = -1,
		.pid = -1,
		.slot = -1,
		.chan_path = xasprintf("%s/chan.sock", spec->work_dir),
		.qemu_log = xasprintf("%s/qemu.log", spec->work_dir),
		.qmp_path = spec->start != VM_START_BOOT ? xasprintf("%s/qmp.sock", spec->work_dir)
							 : NULL,
	};
	int rc;

	memset(res, 0, sizeof(*res));
	res->console_log = xasprintf("%s/console.log", spec->work_dir);
	rc = vm_launch(&l);
	if (!rc) {
		rc = vm_attach_qmp(&l);
		if (!rc) {
			uint64_t deadline =
				spec->timeout_s ? l.start + spec->timeout_s * 1000000000ull : 0;

			/* asked to stop: also before this QEMU was tracked, when the
			 * handler could not kill it */
			while (!interrupt_signal() && vm_step(&l, deadline, &rc))
				;
		}
		vm_reap(&l);
		if (interrupt_signal() && !res->error) {
			rc = -EINTR;
			res->error = xasprintf("interrupted by SIG%s",
					       sigabbrev_np(interrupt_signal()));
		}
		rc = vm_explain(&l, rc);
	}
	vm_close(&l);
	return rc;
}

char *vm_result_problem(const struct vm_result *res)
{
	const struct chan_decoder_stats *c = &res->chan;
	const char *tail = res->console_tail ? res->console_tail : "";
	char *corrupt = NULL, *problem;

	if (res->error)
		return xstrdup(res->error);
	if (res->panicked || res->oopsed)
		return xasprintf("guest kernel %s: %s", res->panicked ? "panicked" : "oopsed",
				 res->panic_line);
	if (c->bad_crc || c->oversized || c->unknown || c->garbage_bytes || res->chan_truncated)
		corrupt = xasprintf("the guest sent corrupt channel data: %u bad CRC, %u "
				    "oversized, %u unknown type, %llu garbage bytes, %zu bytes "
				    "of an unfinished frame",
				    c->bad_crc, c->oversized, c->unknown,
				    (unsigned long long)c->garbage_bytes, res->chan_truncated);
	if (!res->got_hello)
		problem = xasprintf("the guest never said hello (QEMU status %d)%s%s; last "
				    "console lines:\n%s",
				    res->qemu_status, corrupt ? "; " : "", corrupt ? corrupt : "",
				    tail);
	else if (corrupt)
		problem = xstrdup(corrupt);
	else if (!res->got_exit)
		problem = xasprintf("the guest powered off without an exit frame; last console "
				    "lines:\n%s",
				    tail);
	else if (res->guest_exit)
		problem = xasprintf("the guest exited with code %d", res->guest_exit);
	else
		problem = NULL;
	free(corrupt);
	return problem;
}

void vm_result_free(struct vm_result *res)
{
	free(res->panic_line);
	free(res->scx_disabled_line);
	free(res->console_log);
	free(res->console_tail);
	free(res->error);
	memset(res, 0, sizeof(*res));
}
