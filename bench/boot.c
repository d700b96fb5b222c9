// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot benchmark: what ktstr adds to a VM boot.
 *
 *   boot [-n N] [--kernel K] KTSTR BARE_INIT EMPTY_TEST
 *
 * Runs, interleaved, N boots of bare QEMU, N `ktstr topo --vm 1n1l2c1t`
 * launches, N runs of an empty test with snapshots off (cold: boot, run,
 * power off) and N with snapshots on (restored from a VM template,
 * docs/snapshots.md; the template is built by one run before the timed ones), all with the
 * same kernel, and prints each wall time, the medians and the ratios to bare,
 * for wall time and for CPU time (user + system of the whole process tree):
 * on a machine shared with other work the wall times swing by 2-3x from run
 * to run, the CPU times much less.
 *
 * The bare boot gets the same machine, firmware, CPUs, memory and kernel
 * command line as a ktstr VM (so the ratio is ktstr's own cost, not a choice
 * of firmware), an initramfs holding only a static /init that powers off, and
 * none of ktstr's additions: no NUMA memory backends, no virtio-serial channel,
 * no initramfs build, no guest init work (mounts, hello, topology report).
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "util/util.h"
#include "vm/initramfs.h"
#include "vm/kernel.h"
#include "vm/vm.h"

/* Wall time of one run; *cpu gets the CPU time it used (user + system, QEMU
 * included), which the other users of a shared machine inflate far less. */
static double run_wall(char *const argv[], const char *log, double *cpu)
{
	uint64_t t0 = now_ns();
	struct rusage ru;
	int status;
	pid_t pid = fork();

	if (pid == 0) {
		int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

		if (fd >= 0) {
			dup2(fd, 1);
			dup2(fd, 2);
		}
		execvp(argv[0], argv);
		_exit(127);
	}
	if (pid < 0 || wait4(pid, &status, 0, &ru) != pid || !WIFEXITED(status) ||
	    WEXITSTATUS(status)) {
		log_err("%s failed (status %d), see %s", argv[0], status, log);
		return -1;
	}
	*cpu = (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e6;
	return (double)(now_ns() - t0) / 1e9;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median(double *v, unsigned n)
{
	qsort(v, n, sizeof(*v), cmp_double);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ 0 },
	};
	const char *kspec = NULL, *bios = getenv("KTSTR_QEMU_BIOS");
	struct kernel_info k = { 0 };
	struct initramfs *ir;
	unsigned n = 5;
	char *err = NULL, dir[] = "/tmp/ktstr-bench-boot-XXXXXX";
	int c;

	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (c == 'n')
			n = (unsigned)atoi(optarg);
		else if (c == 'k')
			kspec = optarg;
		else
			return 2;
	}
	if (argc - optind != 3 || n < 1 || n > 50) {
		fprintf(stderr, "usage: boot [-n N] [--kernel K] KTSTR BARE_INIT EMPTY_TEST\n");
		return 2;
	}
	if (kernel_resolve(kspec, &k, &err)) {
		log_err("%s", err);
		return 1;
	}
	if (!mkdtemp(dir)) {
		log_err("mkdtemp: %s", strerror(errno));
		return 1;
	}
	char *cpio = xasprintf("%s/bare.cpio", dir), *clog = xasprintf("%s/bare-console.log", dir);
	char *blog = xasprintf("%s/bare.log", dir), *klog = xasprintf("%s/ktstr.log", dir);
	char *elog = xasprintf("%s/empty.log", dir), *runs = xasprintf("%s/runs", dir);

	setenv("KTSTR_RUNS_DIR", runs, 1); /* the empty test's records */

	ir = initramfs_new();
	if (initramfs_add_file(ir, argv[optind + 1], "/init", &err) || initramfs_write(ir, cpio, &err)) {
		log_err("bare initramfs: %s", err ? err : "write failed");
		return 1;
	}
	initramfs_free(ir);
	if (!bios)
		bios = path_exists("/usr/share/qemu/qboot.rom") ? "/usr/share/qemu/qboot.rom" : "";

	char *serial = xasprintf("file:%s", clog);
	char *bare[] = { "qemu-system-x86_64", "-accel", "tcg,thread=single", "-cpu",
			 "max,vendor=GenuineIntel", "-machine", "q35", "-smp", "2", "-m",
			 "512M", "-nodefaults", "-no-reboot", "-nographic", "-serial", serial,
			 "-kernel", k.image, "-initrd", cpio, "-append",
			 (char *)vm_base_cmdline(), *bios ? "-bios" : NULL, (char *)bios, NULL };
	char *ktstr[] = { argv[optind], "topo", "--vm", "1n1l2c1t", "--kernel", k.image, NULL };
	double *tb = xcalloc(n, sizeof(double)), *tk = xcalloc(n, sizeof(double));
	double *cb = xcalloc(n, sizeof(double)), *ck = xcalloc(n, sizeof(double));
	char *empty[] = { argv[optind + 2], "--exact", "bench_empty", "--kernel", k.image, NULL };
	double *tc = xcalloc(n, sizeof(double)), *tr = xcalloc(n, sizeof(double));
	double *cc = xcalloc(n, sizeof(double)), *cr = xcalloc(n, sizeof(double)), warm;

	printf("kernel %s, %u interleaved runs, firmware %s\n", k.image, n,
	       *bios ? bios : "SeaBIOS");
	/* the first restored run builds the template when it is missing */
	unsetenv("KTSTR_SNAPSHOT");
	if (run_wall(empty, elog, &warm) < 0)
		return 1;
	for (unsigned i = 0; i < n; i++) {
		tb[i] = run_wall(bare, blog, &cb[i]);
		tk[i] = run_wall(ktstr, klog, &ck[i]);
		setenv("KTSTR_SNAPSHOT", "0", 1);
		tc[i] = run_wall(empty, elog, &cc[i]);
		unsetenv("KTSTR_SNAPSHOT");
		tr[i] = run_wall(empty, elog, &cr[i]);
		if (tb[i] < 0 || tk[i] < 0 || tc[i] < 0 || tr[i] < 0)
			return 1;
		printf("run %u: bare %.2f s (cpu %.2f s), ktstr %.2f s (cpu %.2f s), empty test "
		       "cold %.2f s (cpu %.2f s), restored %.2f s (cpu %.2f s)\n",
		       i + 1, tb[i], cb[i], tk[i], ck[i], tc[i], cc[i], tr[i], cr[i]);
		fflush(stdout);
	}
	double mb = median(tb, n), mk = median(tk, n), mcb = median(cb, n), mck = median(ck, n);
	double mc = median(tc, n), mr = median(tr, n), mcc = median(cc, n), mcr = median(cr, n);

	printf("median wall: bare %.2f s, ktstr %.2f s, ratio ktstr/bare %.3f (target <= 1.25)\n",
	       mb, mk, mk / mb);
	printf("median cpu:  bare %.2f s, ktstr %.2f s, ratio ktstr/bare %.3f\n", mcb, mck,
	       mck / mcb);
	printf("empty test, median wall: cold %.2f s, restored %.2f s, ratio restored/bare "
	       "%.3f, restored/cold %.3f\n",
	       mc, mr, mr / mb, mr / mc);
	printf("empty test, median cpu:  cold %.2f s, restored %.2f s, ratio restored/bare "
	       "%.3f, restored/cold %.3f\n",
	       mcc, mcr, mcr / mcb, mcr / mcc);
	rm_rf(dir);
	kernel_info_free(&k);
	return 0;
}
