// SPDX-License-Identifier: GPL-2.0-only
/* The launcher without a VM: argv, and vm_run against fake QEMU scripts. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/interrupt.h"
#include "util/util.h"
#include "vm/vm.h"

static char dir[] = "/tmp/ktstr-test-qemu-XXXXXX";

static int setup(void **state)
{
	if (!mkdtemp(dir))
		return -1;
	setenv("FAKE_DIR", dir, 1);
	setenv("KTSTR_QEMU_BIOS", "", 1);
	return 0;
}

static int teardown(void **state)
{
	return rm_rf(dir);
}

static char *join(char **argv)
{
	struct strbuf sb = { 0 };

	for (char **p = argv; *p; p++)
		sb_printf(&sb, "%s%s", p == argv ? "" : " ", *p);
	return sb_steal(&sb);
}

static void test_argv(void **state)
{
	struct ktstr_topology t;
	struct vm_spec spec = {
		.topo = &t,
		.memory_mb = 1000,
		.kernel = "/k/bzImage",
		.initramfs = "/i.cpio",
		.cmdline = "ktstr.fault=hang",
		.accel = { ACCEL_TCG, "test" },
		.work_dir = "/w",
	};
	char **argv, *s, *err = NULL;

	unsetenv("KTSTR_QEMU");
	assert_int_equal(topo_parse("2n4l1c2t", &t, NULL), 0);
	argv = vm_qemu_argv(&spec, "/w/chan.sock", NULL, &err);
	assert_non_null(argv);
	s = join(argv);
	assert_string_equal(
		s,
		"qemu-system-x86_64 -accel tcg,thread=single -cpu max,vendor=GenuineIntel "
		"-machine q35 -smp cpus=8,sockets=2,dies=2,cores=1,threads=2 -m 1000M "
		"-object memory-backend-file,id=m0,share=on,mem-path=/w/ram-node0,size=500M "
		"-numa node,nodeid=0,cpus=0-3,memdev=m0 "
		"-object memory-backend-file,id=m1,share=on,mem-path=/w/ram-node1,size=500M "
		"-numa node,nodeid=1,cpus=4-7,memdev=m1 "
		"-numa dist,src=0,dst=1,val=20 -numa dist,src=1,dst=0,val=20 "
		"-nodefaults -no-reboot -nographic -name ktstr,debug-threads=on "
		"-chardev file,id=con0,path=/w/console.log -serial chardev:con0 "
		"-chardev socket,id=ch0,path=/w/chan.sock,server=off "
		"-device virtio-serial-pci -device virtserialport,name=org.ktstr.0,chardev=ch0 "
		"-kernel /k/bzImage -initrd /i.cpio "
		"-append console=ttyS0 loglevel=4 panic=-1 nokaslr rdinit=/init edd=off no_timer_check tsc=reliable mitigations=off "
		"i8042.noaux i8042.nomux i8042.nopnp i8042.dumbkbd ktstr.fault=hang");
	free(s);
	strv_free(argv);

	/* uneven memory: the last node takes the remainder; distances from the matrix; KVM */
	assert_int_equal(topo_parse("2n2l1c1t", &t, NULL), 0);
	t.has_distances = true;
	t.distance[0][0] = t.distance[1][1] = 10;
	t.distance[0][1] = 15;
	t.distance[1][0] = 25;
	spec.memory_mb = 513;
	spec.accel.kind = ACCEL_KVM;
	setenv("KTSTR_QEMU_BIOS", "/fw/qboot.rom", 1);
	argv = vm_qemu_argv(&spec, "/w/chan.sock", NULL, &err);
	s = join(argv);
	assert_non_null(strstr(s, "-accel kvm -cpu host -machine q35 -bios /fw/qboot.rom "));
	assert_non_null(strstr(s, "ram-node0,size=256M"));
	assert_non_null(strstr(s, "ram-node1,size=257M"));
	assert_non_null(strstr(s, "-numa dist,src=0,dst=1,val=15 -numa dist,src=1,dst=0,val=25"));
	setenv("KTSTR_QEMU_BIOS", "", 1);
	free(s);
	strv_free(argv);

	t.cores_per_llc = 0;
	assert_null(vm_qemu_argv(&spec, "/w/chan.sock", NULL, &err));
	assert_string_equal(err, "topology 2n2l0c1t: the number of cores per LLC must be at least 1");
	free(err);
}

/* Run vm_run with a shell script standing in for QEMU. */
static int run_fake(const char *script, unsigned timeout_s, struct vm_result *res)
{
	char *path = xasprintf("%s/fake-qemu", dir);
	char *text = xasprintf("#!/bin/sh\n%s\n", script);
	struct ktstr_topology t;
	int r;

	assert_int_equal(file_write_str(path, text), 0);
	assert_int_equal(chmod(path, 0755), 0);
	setenv("KTSTR_QEMU", path, 1);
	assert_int_equal(topo_parse("1n1l2c1t", &t, NULL), 0);

	struct vm_spec spec = {
		.topo = &t,
		.kernel = "/nonexistent/bzImage",
		.initramfs = "/nonexistent/initramfs",
		.accel = { ACCEL_TCG, "test" },
		.timeout_s = timeout_s,
		.work_dir = dir,
	};
	r = vm_run(&spec, res);
	unsetenv("KTSTR_QEMU");
	free(text);
	free(path);
	return r;
}

static void test_host_threads(void **state)
{
	/* single-threaded TCG: one host thread whatever the vCPUs */
	assert_int_equal(vm_host_threads(ACCEL_TCG, false, 8), 1);
	assert_int_equal(vm_host_threads(ACCEL_TCG, true, 8), 8);
	assert_int_equal(vm_host_threads(ACCEL_KVM, false, 4), 4);
	assert_int_equal(vm_host_threads(ACCEL_KVM, false, 0), 1);
	setenv("KTSTR_TCG_THREAD", "multi", 1);
	assert_true(vm_tcg_multi());
	setenv("KTSTR_TCG_THREAD", "single", 1);
	assert_false(vm_tcg_multi());
	unsetenv("KTSTR_TCG_THREAD");
	assert_false(vm_tcg_multi());
}

static void test_qemu_fails(void **state)
{
	struct vm_result res;
	char *problem;

	assert_int_equal(run_fake("echo 'qemu: cannot do that' >&2; exit 3", 5, &res), 0);
	assert_true(WIFEXITED(res.qemu_status) && WEXITSTATUS(res.qemu_status) == 3);
	assert_string_equal(res.error, "QEMU exited with status 3: qemu: cannot do that");
	problem = vm_result_problem(&res);
	assert_string_equal(problem, res.error);
	free(problem);
	vm_result_free(&res);

	assert_int_equal(run_fake("kill -SEGV $$", 5, &res), 0);
	assert_string_equal(res.error, "QEMU was killed by signal 11 (Segmentation fault)");
	vm_result_free(&res);

	setenv("KTSTR_QEMU", "/nonexistent/qemu", 1);
	struct ktstr_topology t;
	struct vm_spec spec = { .topo = &t, .kernel = "k", .initramfs = "i", .work_dir = dir };

	assert_int_equal(topo_parse("1n1l1c1t", &t, NULL), 0);
	assert_int_equal(vm_run(&spec, &res), -ENOENT);
	assert_string_equal(res.error, "cannot run /nonexistent/qemu: No such file or directory");
	vm_result_free(&res);
	unsetenv("KTSTR_QEMU");
}

static bool pid_alive(const char *file)
{
	char *s = file_read_line(file);
	uint64_t pid = 0;
	bool alive;

	assert_non_null(s);
	assert_int_equal(str_to_u64(s, &pid), 0);
	free(s);
	/* dead or a zombie (nobody may reap an orphan here), within a second */
	for (int i = 0; i < 100; i++) {
		char *path = xasprintf("/proc/%llu/stat", (unsigned long long)pid);
		char *stat = file_read_line(path);
		char *state = stat ? strrchr(stat, ')') : NULL;

		alive = state && state[1] == ' ' && state[2] != 'Z';
		free(stat);
		free(path);
		if (!alive)
			break;
		sleep_ms(10);
	}
	return alive;
}

static void test_timeout_kills_group(void **state)
{
	struct vm_result res;
	char *a = xasprintf("%s/pid.a", dir), *b = xasprintf("%s/pid.b", dir);
	uint64_t t0 = now_ns();

	/* the "QEMU" starts a child of its own: both must be gone afterwards */
	assert_int_equal(run_fake("echo booting > \"$FAKE_DIR/console.log\"\n"
				  "sleep 60 & echo $! > \"$FAKE_DIR/pid.b\"\n"
				  "echo $$ > \"$FAKE_DIR/pid.a\"\n"
				  "wait",
				  1, &res),
			 -ETIMEDOUT);
	assert_true(now_ns() - t0 < 5000000000ull);
	assert_true(res.timed_out);
	assert_string_equal(res.error, "timed out after 1 s (no hello from the guest); last console "
						"lines:\nbooting");
	assert_false(pid_alive(a));
	assert_false(pid_alive(b));
	vm_result_free(&res);
	free(a);
	free(b);
}

/* SIGTERM to the harness kills its QEMU and removes the guest RAM files, then
 * the harness dies of the signal. */
static void test_sigterm_kills_qemu(void **state)
{
	char *a = xasprintf("%s/pid.a", dir);
	int status;
	pid_t harness;

	unlink(a);
	harness = fork();
	if (harness == 0) {
		struct vm_result res;

		run_fake("touch \"$FAKE_DIR/ram-node0\"; echo $$ > \"$FAKE_DIR/pid.a\"; "
			 "exec sleep 60",
			 60, &res);
		_exit(0); /* not reached: the signal ends the harness */
	}
	for (int i = 0; i < 500 && !path_exists(a); i++)
		sleep_ms(10);
	sleep_ms(50);
	assert_true(pid_alive(a));
	kill(harness, SIGTERM);
	assert_int_equal(waitpid(harness, &status, 0), harness);
	assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGTERM);
	assert_false(pid_alive(a));
	/* the guest RAM file went with it */
	char *ram = xasprintf("%s/ram-node0", dir);

	assert_false(path_exists(ram));
	free(ram);
	free(a);
}

/* A harness that handles SIGTERM itself (util/interrupt.h): QEMU is killed,
 * vm_run returns -EINTR saying so, and no later VM starts. */
static void test_sigterm_interrupts(void **state)
{
	char *a = xasprintf("%s/pid.a", dir), *b = xasprintf("%s/pid.b", dir);
	int status;
	pid_t harness;

	unlink(a);
	unlink(b);
	harness = fork();
	if (harness == 0) {
		struct vm_result res;
		int rc;

		interrupt_install();
		rc = run_fake("echo $$ > \"$FAKE_DIR/pid.a\"; exec sleep 60", 60, &res);
		if (rc != -EINTR || !res.error || strcmp(res.error, "interrupted by SIGTERM"))
			_exit(10);
		rc = run_fake("echo $$ > \"$FAKE_DIR/pid.b\"; exec sleep 60", 60, &res);
		_exit(rc == -EINTR ? 0 : 11);
	}
	for (int i = 0; i < 500 && !path_exists(a); i++)
		sleep_ms(10);
	sleep_ms(50);
	assert_true(pid_alive(a));
	kill(harness, SIGTERM);
	assert_int_equal(waitpid(harness, &status, 0), harness);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_false(pid_alive(a));
	assert_false(path_exists(b));
	free(a);
	free(b);
}

static void test_console_scan(void **state)
{
	struct vm_result res;
	char *problem;
	struct strbuf sb = { 0 };

	for (int i = 0; i < 30; i++)
		sb_printf(&sb, "[    0.%06d] line %d\n", i, i);
	sb_append(&sb, "[    1.0] sched_ext: BPF scheduler \"ktstr\" disabled (runtime error)\n"
		       "[    1.1] sched_ext: ktstr: scx_bpf_error called\n"
		       "[    2.0] BUG: kernel NULL pointer dereference, address: 0000000000000008\n"
		       "[    2.1] Oops: 0000 [#1] PREEMPT SMP NOPTI\n"
		       "init says hi[    3.0] Kernel panic - not syncing: Fatal exception\n");
	char *script = xasprintf("cat > \"$FAKE_DIR/console.log\" <<'EOF'\n%sEOF", sb.buf);

	assert_int_equal(run_fake(script, 5, &res), 0);
	assert_true(res.panicked);
	assert_true(res.oopsed);
	assert_string_equal(res.panic_line, "Kernel panic - not syncing: Fatal exception");
	assert_string_equal(res.scx_disabled_line,
			    "sched_ext: BPF scheduler \"ktstr\" disabled (runtime error)\n"
			    "[    1.1] sched_ext: ktstr: scx_bpf_error called");
	/* last 20 lines */
	assert_true(str_starts_with(res.console_tail, "[    0.000015] line 15\n"));
	assert_true(str_ends_with(res.console_tail, "Fatal exception"));
	problem = vm_result_problem(&res);
	assert_string_equal(problem, "guest kernel panicked: Kernel panic - not syncing: Fatal "
				     "exception");
	free(problem);
	vm_result_free(&res);
	free(script);
	sb_free(&sb);

	/* QEMU exits 0 without a guest ever connecting */
	assert_int_equal(run_fake("echo quiet > \"$FAKE_DIR/console.log\"", 5, &res), 0);
	problem = vm_result_problem(&res);
	assert_string_equal(problem, "the guest never said hello (QEMU status 0); last console "
				     "lines:\nquiet");
	free(problem);
	vm_result_free(&res);
}

/* The next frame from the host: 0, or -1 when the connection ends first. */
static int fake_read_frame(int fd, struct chan_decoder *d, struct chan_frame *f)
{
	uint8_t buf[4096];

	while (chan_decoder_next(d, f) != 1) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			return -1;
		chan_decoder_feed(d, buf, (size_t)n);
	}
	return 0;
}

/*
 * FAKE_ANSWER: ask the host something (CHAN_MAP_REQ "ping") and log its answer,
 * then wait for a frame the host sends on its own (its tick) and log its type.
 */
static int fake_ask(int fd, struct chan_decoder *d)
{
	struct chan_frame f;
	char line[64];

	chan_send(fd, CHAN_MAP_REQ, "ping", 4);
	if (fake_read_frame(fd, d, &f) || f.type != CHAN_MAP_REPLY)
		return 13;
	chan_send(fd, CHAN_LOG, f.data, f.len);
	chan_frame_free(&f);
	if (fake_read_frame(fd, d, &f))
		return 14;
	snprintf(line, sizeof(line), "tick %s", chan_type_name(f.type));
	chan_send(fd, CHAN_LOG, line, (uint32_t)strlen(line));
	chan_frame_free(&f);
	return 0;
}

/*
 * This binary as a fake QEMU that speaks the channel like a guest: connect to
 * the socket named in -chardev, send a stage, HELLO, wait for ORDERS, echo them
 * back as a LOG frame, (FAKE_ANSWER) fake_ask, send EXIT 7 and exit.
 */
static int fake_guest(int argc, char **argv)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct chan_decoder *d = chan_decoder_new(CHAN_MAX_PAYLOAD);
	struct chan_frame f;
	uint8_t buf[4096], code[4] = { 7, 0, 0, 0 };
	int fd = -1;

	for (int i = 1; i < argc; i++) {
		const char *p = strstr(argv[i], "socket,id=ch0,path=");

		if (p) {
			snprintf(sa.sun_path, sizeof(sa.sun_path), "%s", p + 19);
			*strstr(sa.sun_path, ",server=off") = '\0';
		}
	}
	fd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)))
		return 10;
	if (getenv("FAKE_GARBAGE_FIRST"))
		write_full(fd, "zzzz", 4);
	chan_send(fd, CHAN_STAGE, "mounted\x01", 8);
	chan_send(fd, CHAN_HELLO, "{\"cpus\":2}", 10);
	for (;;) {
		ssize_t n = read(fd, buf, sizeof(buf));

		if (n <= 0)
			return 11;
		chan_decoder_feed(d, buf, (size_t)n);
		if (chan_decoder_next(d, &f) == 1)
			break;
	}
	if (f.type != CHAN_ORDERS)
		return 12;
	chan_send(fd, CHAN_LOG, f.data, f.len);
	if (getenv("FAKE_ANSWER")) {
		int rc = fake_ask(fd, d);

		if (rc)
			return rc;
	}
	chan_send(fd, CHAN_EXIT, code, 4);
	chan_frame_free(&f);
	chan_decoder_free(d);
	close(fd);
	return 0;
}

struct seen {
	int n;
	uint16_t types[8];
	char log[64];
};

static void on_frame(void *arg, const struct chan_frame *f)
{
	struct seen *s = arg;

	if (s->n < 8)
		s->types[s->n++] = f->type;
	if (f->type == CHAN_LOG)
		snprintf(s->log, sizeof(s->log), "%s", (const char *)f->data);
}

static uint16_t answer_ping(void *arg, const struct chan_frame *f, void **payload,
			    uint32_t *len)
{
	if (f->type != CHAN_MAP_REQ || f->len != 4 || memcmp(f->data, "ping", 4))
		return 0;
	*payload = strdup("pong");
	*len = 4;
	return CHAN_MAP_REPLY;
}

/* once, after the guest asked its question */
static uint16_t tick_dump(void *arg, void **payload, uint32_t *len)
{
	struct seen *s = arg;
	static bool sent;

	if (sent || !strstr(s->log, "pong"))
		return 0;
	sent = true;
	*payload = NULL;
	*len = 0;
	return CHAN_SCXDUMP;
}

static void test_answer_and_tick(void **state)
{
	struct ktstr_topology t;
	struct vm_result res;
	struct seen seen = { 0 };

	assert_int_equal(topo_parse("1n1l2c1t", &t, NULL), 0);
	struct vm_spec spec = {
		.topo = &t,
		.kernel = "k",
		.initramfs = "i",
		.timeout_s = 10,
		.work_dir = dir,
		.on_frame = on_frame,
		.answer = answer_ping,
		.tick = tick_dump,
		.arg = &seen,
	};

	setenv("KTSTR_QEMU", "/proc/self/exe", 1);
	setenv("FAKE_GUEST", "1", 1);
	setenv("FAKE_ANSWER", "1", 1);
	assert_int_equal(vm_run(&spec, &res), 0);
	unsetenv("FAKE_ANSWER");
	assert_null(res.error);
	assert_int_equal(res.guest_exit, 7);
	/* stage, hello, log of the (empty) orders, map request, "pong", "tick scxdump", exit */
	assert_int_equal(seen.n, 7);
	assert_int_equal(seen.types[3], CHAN_MAP_REQ);
	assert_string_equal(seen.log, "tick scxdump");
	vm_result_free(&res);
}

static void test_channel_round_trip(void **state)
{
	struct ktstr_topology t;
	struct vm_result res;
	struct seen seen = { 0 };
	char *problem;

	assert_int_equal(topo_parse("1n1l2c1t", &t, NULL), 0);
	struct vm_spec spec = {
		.topo = &t,
		.kernel = "k",
		.initramfs = "i",
		.timeout_s = 10,
		.work_dir = dir,
		.orders = "{\"test\":\"x\"}",
		.orders_len = 12,
		.on_frame = on_frame,
		.arg = &seen,
	};

	setenv("KTSTR_QEMU", "/proc/self/exe", 1);
	setenv("FAKE_GUEST", "1", 1);
	assert_int_equal(vm_run(&spec, &res), 0);
	assert_null(res.error);
	assert_true(res.got_hello);
	assert_true(res.got_exit);
	assert_int_equal(res.guest_exit, 7);
	assert_true(res.hello_s > 0 && res.hello_s <= res.wall_s);
	assert_string_equal(res.last_stage, "mounted?");
	assert_int_equal(res.chan.frames, 4);
	assert_int_equal(seen.n, 4);
	assert_int_equal(seen.types[0], CHAN_STAGE);
	assert_int_equal(seen.types[1], CHAN_HELLO);
	assert_int_equal(seen.types[2], CHAN_LOG);
	assert_int_equal(seen.types[3], CHAN_EXIT);
	assert_string_equal(seen.log, "{\"test\":\"x\"}");
	problem = vm_result_problem(&res);
	assert_string_equal(problem, "the guest exited with code 7");
	free(problem);
	vm_result_free(&res);

	/* garbage before the frames: everything still arrives, and it is reported */
	setenv("FAKE_GARBAGE_FIRST", "1", 1);
	memset(&seen, 0, sizeof(seen));
	assert_int_equal(vm_run(&spec, &res), 0);
	assert_int_equal(seen.n, 4);
	assert_int_equal(res.chan.garbage_bytes, 4);
	problem = vm_result_problem(&res);
	assert_true(str_starts_with(problem, "the guest sent corrupt channel data: 0 bad CRC"));
	free(problem);
	vm_result_free(&res);
	unsetenv("FAKE_GARBAGE_FIRST");
	unsetenv("FAKE_GUEST");
	unsetenv("KTSTR_QEMU");
}

int main(int argc, char **argv)
{
	if (getenv("FAKE_GUEST"))
		return fake_guest(argc, argv);

	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_channel_round_trip),
		cmocka_unit_test(test_answer_and_tick),
		cmocka_unit_test(test_argv),
		cmocka_unit_test(test_host_threads),
		cmocka_unit_test(test_qemu_fails),
		cmocka_unit_test(test_timeout_kills_group),
		cmocka_unit_test(test_sigterm_kills_qemu),
		cmocka_unit_test(test_sigterm_interrupts),
		cmocka_unit_test(test_console_scan),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
