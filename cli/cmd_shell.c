// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr shell`: a busybox shell in a VM with a declared topology, kernel,
 * scheduler and include files. The guest's /init is a busybox script (not the
 * test runtime): mount, install the applets, start the scheduler like a test
 * does and wait until it is attached, then either an interactive shell on the
 * console (the terminal) or --exec CMD with its output between console
 * markers and its exit status after them.
 */
#include <errno.h>
#include <getopt.h>
#include <libgen.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/entry.h"
#include "core/sched_args.h"
#include "core/topo.h"
#include "proto/guest_abi.h"
#include "runner/args.h"
#include "runner/payload.h"
#include "runner/runtime.h"
#include "util/util.h"
#include "vm/accel.h"
#include "vm/initramfs.h"
#include "vm/kernel.h"
#include "vm/vm.h"

#define SHELL_BUSYBOX "/bin/busybox"
#define SHELL_BEGIN "KTSTR_EXEC_BEGIN"
#define SHELL_END "KTSTR_EXEC_END"
#define SHELL_EXIT "KTSTR_EXEC_EXIT="
#define SHELL_MAX_INCLUDES 64
#define SHELL_EXEC_TIMEOUT_S 600

static void usage(FILE *f)
{
	fprintf(f,
		"NAME\n"
		"    ktstr shell - a busybox shell in a VM with a given topology and scheduler\n\n"
		"SYNOPSIS\n"
		"    ktstr shell [--topology NnLlCcTt] [--kernel K] [--scheduler eevdf|NAME|PATH]\n"
		"                [--sched-args 'ARGS'] [--memory-mb MB] [-i PATH]... [--exec CMD]\n\n"
		"DESCRIPTION\n"
		"    Boots a VM with the topology, starts the scheduler as a test would and\n"
		"    waits until sched_ext reports it enabled, then gives an interactive busybox\n"
		"    shell on the terminal (stdin must be a terminal; 'poweroff -f' or 'exit'\n"
		"    ends the VM, Ctrl-A x kills it). Include files are under /include-files,\n"
		"    which is on PATH. The terminal is restored on every exit path.\n"
		"    With --exec the command runs non-interactively (sh -c), its output is\n"
		"    printed and ktstr exits with its exit status.\n\n"
		"OPTIONS\n"
		"    --topology T    e.g. 1n2l2c1t (default 1n1l2c1t)\n"
		"    --kernel K      kernel image path, version or cache key\n"
		"    --scheduler S   eevdf (default), a name next to ktstr, in schedulers/ or\n"
		"                    $PATH (scx_ktstr), or a path to a sched_ext binary\n"
		"    --sched-args A  the scheduler's arguments, split at whitespace\n"
		"    --memory-mb MB  guest memory (default max(512, 64 per CPU))\n"
		"    -i, --include-file PATH  a file or directory (or a bare name from $PATH)\n"
		"                    packed under /include-files; repeatable\n"
		"    --exec CMD      run CMD in the guest and exit with its status\n\n"
		"EXIT STATUS\n"
		"    --exec: the command's status (0-255); 1 when the VM failed before it ran.\n"
		"    Interactive: 0 when the VM powered off, 1 when it failed. 2 usage error.\n\n"
		"ENVIRONMENT\n"
		"    KTSTR_KERNEL   default kernel    KTSTR_ACCEL   kvm or tcg\n\n"
		"EXAMPLES\n"
		"    ktstr shell --topology 1n2l2c1t --exec nproc            prints 4\n"
		"    ktstr shell --scheduler scx_ktstr --exec 'cat /sys/kernel/sched_ext/root/ops'\n"
		"    ktstr shell -i ./my_bench --topology 2n2l2c1t\n");
}

/* ---- the terminal ---- */

static struct termios saved_tio;
static bool tio_saved;

static void tty_restore(void)
{
	if (tio_saved)
		tcsetattr(STDIN_FILENO, TCSANOW, &saved_tio);
}

static void tty_on_signal(int sig)
{
	tty_restore();
	signal(sig, SIG_DFL);
	raise(sig);
}

/* Save the terminal now; restore it at exit and on a deadly signal (the VM
 * launcher's own handlers kill QEMU first, then chain to these). */
static void tty_guard(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

	if (tcgetattr(STDIN_FILENO, &saved_tio))
		return;
	tio_saved = true;
	atexit(tty_restore);
	for (size_t i = 0; i < ARRAY_SIZE(sigs); i++)
		signal(sigs[i], tty_on_signal);
}

/* ---- the guest's /init ---- */

static void sh_quote(struct strbuf *sb, const char *s)
{
	sb_append(sb, "'");
	for (; *s; s++) {
		if (*s == '\'')
			sb_append(sb, "'\\''");
		else
			sb_appendn(sb, s, 1);
	}
	sb_append(sb, "'");
}

static char *init_script(const char *const *sched_argv, unsigned watchdog_s, bool exec)
{
	struct strbuf sb = { 0 };

	sb_append(&sb,
		  "#!/bin/busybox sh\n"
		  "/bin/busybox mkdir -p /proc /sys /dev /tmp /sbin /usr/bin /usr/sbin /run\n"
		  "/bin/busybox --install -s\n"
		  "export PATH=/bin:/sbin:/usr/bin:/usr/sbin:/include-files HOME=/root TERM=linux\n"
		  "mkdir -p /root\n"
		  "mount -t proc proc /proc\n"
		  "mount -t sysfs sysfs /sys\n"
		  "mount -t devtmpfs devtmpfs /dev 2>/dev/null\n"
		  "mount -t tmpfs tmpfs /tmp\n"
		  "mount -t cgroup2 cgroup2 /sys/fs/cgroup 2>/dev/null\n"
		  "mount -t debugfs debugfs /sys/kernel/debug 2>/dev/null\n"
		  "[ -r " GUEST_KCONFIG " ] && mkdir -p /boot && "
		  "ln -s " GUEST_KCONFIG " /boot/config-$(uname -r)\n"
		  "dmesg -n 1\n");
	if (sched_argv) {
		sb_printf(&sb, "[ -w /sys/kernel/sched_ext/watchdog_timeout_ms ] && "
			       "echo %u > /sys/kernel/sched_ext/watchdog_timeout_ms\n",
			  watchdog_s * 1000);
		sb_append(&sb, "/scheduler");
		for (const char *const *a = sched_argv; *a; a++) {
			sb_append(&sb, " ");
			sh_quote(&sb, *a);
		}
		sb_append(&sb,
			  " >/tmp/sched.log 2>&1 &\n"
			  "i=0\n"
			  "while [ \"$(cat /sys/kernel/sched_ext/state 2>/dev/null)\" != enabled ]; do\n"
			  "  i=$((i + 1))\n"
			  "  if [ $i -gt 300 ] || ! kill -0 $! 2>/dev/null; then\n"
			  "    echo 'ktstr: the scheduler did not attach; its log:'; cat /tmp/sched.log\n"
			  "    break\n"
			  "  fi\n"
			  "  sleep 0.1\n"
			  "done\n"
			  "[ -r /sys/kernel/sched_ext/root/ops ] && "
			  "echo \"ktstr: scheduler $(cat /sys/kernel/sched_ext/root/ops) attached\"\n");
	}
	if (exec)
		sb_append(&sb, "echo " SHELL_BEGIN "\n"
			       "sh /exec </dev/null\n"
			       "rc=$?\n"
			       "echo " SHELL_END "\n"
			       "echo " SHELL_EXIT "$rc\n");
	else
		sb_append(&sb, "echo 'ktstr shell: busybox; include files in /include-files; "
			       "exit or poweroff -f ends the VM'\n"
			       "cd /root\n"
			       "setsid cttyhack sh -l\n");
	sb_append(&sb, "sync\npoweroff -f\n");
	return sb_steal(&sb);
}

static char *shell_initramfs(const char *sched_path, const char *kconfig, const char *script,
			     const char *exec, const char *const *includes, char **err)
{
	struct initramfs *ir = initramfs_new();
	int r;

	if (!path_exists(SHELL_BUSYBOX)) {
		*err = xasprintf("%s is missing: install busybox-static (scripts/setup.sh)",
				 SHELL_BUSYBOX);
		r = -ENOENT;
	} else {
		r = initramfs_add_file(ir, SHELL_BUSYBOX, "/bin/busybox", err);
	}
	if (!r)
		r = initramfs_add_data(ir, "/init", script, strlen(script), 0755, err);
	if (!r && exec)
		r = initramfs_add_data(ir, "/exec", exec, strlen(exec), 0644, err);
	if (r) {
		initramfs_free(ir);
		return NULL;
	}
	return runtime_initramfs_finish(ir, sched_path, kconfig, NULL, includes, err);
}

/*
 * The --exec output from the console log: the lines between the markers
 * (serial "\r\n" turned into "\n") to stdout; returns the status after them,
 * or -1 when the command never finished.
 */
static int exec_output(const char *console_log)
{
	size_t len;
	char *text = file_read(console_log, &len, 64u << 20), *line, *save = NULL;
	bool in = false;
	int rc = -1;

	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		size_t n = strlen(line);
		uint64_t v;

		if (n && line[n - 1] == '\r')
			line[--n] = '\0';
		if (!strcmp(line, SHELL_BEGIN)) {
			in = true;
			continue;
		}
		if (!strcmp(line, SHELL_END)) {
			in = false;
			continue;
		}
		if (in) {
			printf("%s\n", line);
			continue;
		}
		if (str_starts_with(line, SHELL_EXIT) &&
		    !str_to_u64(line + strlen(SHELL_EXIT), &v) && v <= 255)
			rc = (int)v;
	}
	fflush(stdout);
	free(text);
	return rc;
}

/* What the command line asked for, and what the shell's VM is made of. */
struct shell {
	const char *topo_text, *kernel, *sched_spec, *sched_args, *exec;
	const char *includes[SHELL_MAX_INCLUDES + 1];
	size_t nincl;
	unsigned memory_mb;
	struct ktstr_topology topo;
	struct kernel_info kinfo;
	char *err, *sched_path, *script, *initramfs, *work;
	char **sched_argv;
};

/* Returned by the argument steps when cmd_shell goes on; anything else is its exit code. */
#define GO_ON (-1)

static const struct option shell_options[] = {
	{ "topology", required_argument, NULL, 't' },
	{ "kernel", required_argument, NULL, 'k' },
	{ "scheduler", required_argument, NULL, 'S' },
	{ "sched-args", required_argument, NULL, 'A' },
	{ "memory-mb", required_argument, NULL, 'm' },
	{ "include-file", required_argument, NULL, 'i' },
	{ "exec", required_argument, NULL, 'e' },
	{ "help", no_argument, NULL, 'h' },
	{ 0 },
};

/* One option from getopt_long. */
static int parse_option(struct shell *s, int c, const char *arg)
{
	uint64_t v;

	switch (c) {
	case 't':
		s->topo_text = arg;
		break;
	case 'k':
		s->kernel = arg;
		break;
	case 'S':
		s->sched_spec = arg;
		break;
	case 'A':
		s->sched_args = arg;
		break;
	case 'm':
		if (str_to_u64(arg, &v) || v < 128 || v > 1u << 20) {
			fprintf(stderr, "ktstr shell: --memory-mb: '%s' is not 128..1048576\n",
				arg);
			return KTSTR_EXIT_USAGE;
		}
		s->memory_mb = (unsigned)v;
		break;
	case 'i':
		if (s->nincl >= SHELL_MAX_INCLUDES) {
			fprintf(stderr, "ktstr shell: at most %d -i\n", SHELL_MAX_INCLUDES);
			return KTSTR_EXIT_USAGE;
		}
		s->includes[s->nincl++] = arg;
		break;
	case 'e':
		s->exec = arg;
		break;
	case 'h':
		usage(stdout);
		return KTSTR_EXIT_PASS;
	default:
		fprintf(stderr, "(see ktstr shell --help)\n");
		return KTSTR_EXIT_USAGE;
	}
	return GO_ON;
}

static int parse_args(int argc, char **argv, struct shell *s)
{
	int c, code;

	optind = 1;
	while ((c = getopt_long(argc, argv, "i:h", shell_options, NULL)) != -1) {
		code = parse_option(s, c, optarg);
		if (code != GO_ON)
			return code;
	}
	if (optind < argc) {
		fprintf(stderr, "ktstr shell: unexpected argument '%s' (quote the command: "
			"--exec 'CMD ARGS')\n", argv[optind]);
		return KTSTR_EXIT_USAGE;
	}
	if (topo_parse(s->topo_text, &s->topo, &s->err)) {
		fprintf(stderr, "ktstr shell: --topology: %s\n", s->err);
		return KTSTR_EXIT_USAGE;
	}
	if (!s->exec && !isatty(STDIN_FILENO)) {
		fprintf(stderr, "ktstr shell: stdin is not a terminal; use --exec CMD\n");
		return KTSTR_EXIT_USAGE;
	}
	return GO_ON;
}

/* --sched-args split at blanks; the words stay allocated until exit. */
static const char **split_sched_args(const char *sched_args)
{
	char *copy = xstrdup(sched_args), *save = NULL;
	const char **extra = xcalloc(strlen(sched_args) / 2 + 2, sizeof(char *));
	size_t n = 0;

	for (char *w = strtok_r(copy, " \t\n", &save); w; w = strtok_r(NULL, " \t\n", &save))
		extra[n++] = w;
	return extra;
}

/* The scheduler binary and its arguments, then the guest's init script. */
static int prepare_scheduler(struct shell *s)
{
	struct ktstr_scheduler own = { 0 };
	const struct ktstr_scheduler *sched = find_scheduler(s->sched_spec);
	struct ktstr_test t = { .name = "shell" };
	const char **extra = NULL;
	char *self;
	int rc;

	if (!sched) {
		own.name = s->sched_spec;
		own.binary = s->sched_spec;
		sched = &own;
	}
	if (!sched->binary) {
		if (s->sched_args) {
			fprintf(stderr, "ktstr shell: --sched-args without a scheduler binary\n");
			return KTSTR_EXIT_USAGE;
		}
		s->script = init_script(NULL, 0, s->exec);
		return GO_ON;
	}
	t.scheduler = sched;
	self = realpath("/proc/self/exe", NULL);
	rc = sched_resolve_binary(sched, self ? dirname(self) : NULL, getenv("PATH"),
				  &s->sched_path, &s->err);
	free(self);
	if (rc) {
		fprintf(stderr, "ktstr shell: --scheduler: %s\n", s->err);
		return KTSTR_EXIT_USAGE;
	}
	if (s->sched_args)
		extra = split_sched_args(s->sched_args);
	s->sched_argv = sched_build_args(sched, extra, NULL, &s->err);
	if (!s->sched_argv) {
		fprintf(stderr, "ktstr shell: %s\n", s->err);
		return KTSTR_EXIT_USAGE;
	}
	s->script = init_script((const char *const *)s->sched_argv, entry_watchdog_s(&t), s->exec);
	return GO_ON;
}

/* The kernel, the initramfs, the accelerator and a scratch directory; false
 * after printing why not. */
static bool prepare_vm(struct shell *s, struct accel_choice *accel)
{
	if (kernel_resolve(s->kernel, &s->kinfo, &s->err)) {
		fprintf(stderr, "ktstr shell: %s\n", s->err);
		return false;
	}
	s->initramfs = shell_initramfs(s->sched_path, s->kinfo.config, s->script, s->exec,
				       s->includes, &s->err);
	if (!s->initramfs) {
		fprintf(stderr, "ktstr shell: initramfs: %s\n", s->err);
		return false;
	}
	if (accel_detect(accel) < 0) {
		fprintf(stderr, "ktstr shell: bad KTSTR_ACCEL\n");
		return false;
	}
	s->work = scratch_dir_new("shell");
	if (!s->work) {
		fprintf(stderr, "ktstr shell: cannot create a scratch directory: %s\n",
			strerror(errno));
		return false;
	}
	return true;
}

/* The exit code: the command's under --exec, else 0 when QEMU ended cleanly. */
static int shell_exit_code(const struct shell *s, const struct vm_result *vres)
{
	int code;

	if (!s->exec) {
		if (vres->error)
			fprintf(stderr, "ktstr shell: %s\n", vres->error);
		return WIFEXITED(vres->qemu_status) && !WEXITSTATUS(vres->qemu_status) &&
		       !vres->error ? 0 : 1;
	}
	code = exec_output(vres->console_log);
	if (code < 0) {
		fprintf(stderr, "ktstr shell: the command did not finish%s%s\n",
			vres->error ? ": " : "", vres->error ? vres->error : "");
		if (vres->console_tail)
			fprintf(stderr, "console (last lines):\n%s\n", vres->console_tail);
		code = 1;
	}
	return code;
}

static int shell_run_vm(struct shell *s)
{
	struct accel_choice accel;
	struct vm_result vres = { 0 };
	struct vm_spec spec = { .topo = &s->topo };
	unsigned cpus;
	int code;

	if (!prepare_vm(s, &accel))
		return 1;
	cpus = topo_total_cpus(&s->topo);
	if (!s->exec)
		tty_guard();
	spec.memory_mb = s->memory_mb ? s->memory_mb : MAX(512u, cpus * 64);
	spec.kernel = s->kinfo.image;
	spec.initramfs = s->initramfs;
	spec.accel = accel;
	if (s->exec)
		spec.timeout_s = SHELL_EXEC_TIMEOUT_S + entry_boot_allowance_s(cpus, accel.kind);
	spec.work_dir = s->work;
	spec.interactive = !s->exec;
	vm_run(&spec, &vres);
	tty_restore();
	code = shell_exit_code(s, &vres);
	vm_result_free(&vres);
	return code;
}

int cmd_shell(int argc, char **argv)
{
	struct shell s = { .topo_text = "1n1l2c1t", .sched_spec = "eevdf" };
	int code;

	code = parse_args(argc, argv, &s);
	if (code == GO_ON)
		code = prepare_scheduler(&s);
	if (code == GO_ON)
		code = shell_run_vm(&s);
	free(s.err);
	if (s.work) {
		rm_rf(s.work);
		free(s.work);
	}
	free(s.initramfs);
	free(s.script);
	free(s.sched_path);
	strv_free(s.sched_argv);
	kernel_info_free(&s.kinfo);
	return code;
}
