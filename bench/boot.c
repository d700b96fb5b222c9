// SPDX-License-Identifier: GPL-2.0-only
/*
 * Boot benchmark: what ktstr adds to a VM boot, and what templates save.
 *
 *   boot [-n N] [--catalog M] [--kernel K] KTSTR BARE_INIT EMPTY_TEST
 *
 * Runs, interleaved, N boots of bare QEMU, N `ktstr topo --vm 1n1l2c1t`
 * launches, N runs of an empty test with snapshots off (cold: boot, run,
 * power off) and N with snapshots on (restored from a VM template,
 * docs/snapshots.md; the template is built by one run before the timed ones),
 * and, when scx_ktstr is built, the same pair for an empty test under
 * scx_ktstr (its load and attach included), all with the same kernel; then M
 * (default 1, 0 = none) pairs of `ktstr run --all --scheduler scx_ktstr
 * --topology 1n2l2c1t`, without and with templates, side by side. Prints
 * each wall time, the medians and the ratios, for wall time and for CPU time
 * (user + system of the whole process tree): on a machine shared with other
 * work the wall times swing by 2-3x from run to run, the CPU times much less.
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
 * included), which the other users of a shared machine inflate far less.
 * -1 when it fails; with status, an exit status other than 0 is only noted
 * there (a catalog run whose tests fail still took its time). */
static double run_wall(char *const argv[], const char *log, double *cpu, int *status_out)
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
	    (WEXITSTATUS(status) && (!status_out || WEXITSTATUS(status) == 127))) {
		log_err("%s failed (status %d), see %s", argv[0], status, log);
		return -1;
	}
	if (status_out)
		*status_out = WEXITSTATUS(status);
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

/* N timed runs of one command line: wall and CPU seconds. */
struct series {
	char **argv;
	bool cold;       /* KTSTR_SNAPSHOT=0 */
	double *wall, *cpu;
	double mwall, mcpu; /* medians */
};

static int series_run(struct series *s, unsigned i, const char *log, int *status)
{
	if (s->cold)
		setenv("KTSTR_SNAPSHOT", "0", 1);
	else
		unsetenv("KTSTR_SNAPSHOT");
	s->wall[i] = run_wall(s->argv, log, &s->cpu[i], status);
	unsetenv("KTSTR_SNAPSHOT");
	return s->wall[i] < 0 ? -1 : 0;
}

static void series_finish(struct series *s, unsigned n)
{
	s->mwall = median(s->wall, n);
	s->mcpu = median(s->cpu, n);
}

/* "empty test, median wall: cold X s, restored Y s, ratio restored/bare R, restored/cold R" */
static void print_pair(const char *what, const struct series *cold, const struct series *rest,
		       const struct series *bare)
{
	printf("%s, median wall: cold %.2f s, restored %.2f s, ratio restored/bare %.3f, "
	       "restored/cold %.3f\n",
	       what, cold->mwall, rest->mwall, rest->mwall / bare->mwall, rest->mwall / cold->mwall);
	printf("%s, median cpu:  cold %.2f s, restored %.2f s, ratio restored/bare %.3f, "
	       "restored/cold %.3f\n",
	       what, cold->mcpu, rest->mcpu, rest->mcpu / bare->mcpu, rest->mcpu / cold->mcpu);
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "kernel", required_argument, NULL, 'k' },
		{ "catalog", required_argument, NULL, 'c' },
		{ 0 },
	};
	const char *kspec = NULL, *bios = getenv("KTSTR_QEMU_BIOS");
	struct kernel_info k = { 0 };
	struct initramfs *ir;
	unsigned n = 5, ncat = 1;
	char *err = NULL, dir[] = "/tmp/ktstr-bench-boot-XXXXXX";
	int c;

	while ((c = getopt_long(argc, argv, "n:", opts, NULL)) != -1) {
		if (c == 'n')
			n = (unsigned)atoi(optarg);
		else if (c == 'k')
			kspec = optarg;
		else if (c == 'c')
			ncat = (unsigned)atoi(optarg);
		else
			return 2;
	}
	if (argc - optind != 3 || n < 1 || n > 50 || ncat > 50) {
		fprintf(stderr, "usage: boot [-n N] [--catalog M] [--kernel K] KTSTR BARE_INIT "
				"EMPTY_TEST\n");
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
	char *empty[] = { argv[optind + 2], "--exact", "bench_empty", "--kernel", k.image, NULL };
#ifdef SCX_KTSTR
	char *empty_scx[] = { argv[optind + 2], "--exact", "bench_empty_scx", "--kernel", k.image,
			      NULL };
	char *catalog[] = { argv[optind], "run", "--all", "--scheduler", SCX_KTSTR, "--topology",
			    "1n2l2c1t", "--kernel", k.image, "-q", NULL };
#endif
	struct series sb = { .argv = bare }, sk = { .argv = ktstr };
	struct series ec = { .argv = empty, .cold = true }, er = { .argv = empty };
	struct series *all[] = { &sb, &sk, &ec, &er };
#ifdef SCX_KTSTR
	struct series xc = { .argv = empty_scx, .cold = true }, xr = { .argv = empty_scx };
	struct series *scx[] = { &xc, &xr };
	struct series cc = { .argv = catalog, .cold = true }, cr = { .argv = catalog };
	int cat_status[2][50];
#endif

	for (size_t i = 0; i < ARRAY_SIZE(all); i++) {
		all[i]->wall = xcalloc(n, sizeof(double));
		all[i]->cpu = xcalloc(n, sizeof(double));
	}
	printf("kernel %s, %u interleaved runs, firmware %s\n", k.image, n,
	       *bios ? bios : "SeaBIOS");
	/* the first restored runs build the templates when they are missing */
	if (series_run(&er, 0, elog, NULL))
		return 1;
#ifdef SCX_KTSTR
	for (size_t i = 0; i < ARRAY_SIZE(scx); i++) {
		scx[i]->wall = xcalloc(n, sizeof(double));
		scx[i]->cpu = xcalloc(n, sizeof(double));
	}
	if (series_run(&xr, 0, elog, NULL))
		return 1;
#endif
	for (unsigned i = 0; i < n; i++) {
		for (size_t s = 0; s < ARRAY_SIZE(all); s++)
			if (series_run(all[s], i, s == 0 ? blog : s == 1 ? klog : elog, NULL))
				return 1;
		printf("run %u: bare %.2f s (cpu %.2f s), ktstr %.2f s (cpu %.2f s), empty test "
		       "cold %.2f s (cpu %.2f s), restored %.2f s (cpu %.2f s)",
		       i + 1, sb.wall[i], sb.cpu[i], sk.wall[i], sk.cpu[i], ec.wall[i], ec.cpu[i],
		       er.wall[i], er.cpu[i]);
#ifdef SCX_KTSTR
		for (size_t s = 0; s < ARRAY_SIZE(scx); s++)
			if (series_run(scx[s], i, elog, NULL))
				return 1;
		printf(", scx_ktstr cold %.2f s (cpu %.2f s), restored %.2f s (cpu %.2f s)",
		       xc.wall[i], xc.cpu[i], xr.wall[i], xr.cpu[i]);
#endif
		printf("\n");
		fflush(stdout);
	}
	for (size_t i = 0; i < ARRAY_SIZE(all); i++)
		series_finish(all[i], n);
	printf("median wall: bare %.2f s, ktstr %.2f s, ratio ktstr/bare %.3f (target <= 1.25)\n",
	       sb.mwall, sk.mwall, sk.mwall / sb.mwall);
	printf("median cpu:  bare %.2f s, ktstr %.2f s, ratio ktstr/bare %.3f\n", sb.mcpu, sk.mcpu,
	       sk.mcpu / sb.mcpu);
	print_pair("empty test", &ec, &er, &sb);
#ifdef SCX_KTSTR
	for (size_t i = 0; i < ARRAY_SIZE(scx); i++)
		series_finish(scx[i], n);
	print_pair("empty scx_ktstr test", &xc, &xr, &sb);
	if (ncat) {
		/* side by side: one with templates, one without, ncat times */
		cc.wall = xcalloc(ncat, sizeof(double));
		cc.cpu = xcalloc(ncat, sizeof(double));
		cr.wall = xcalloc(ncat, sizeof(double));
		cr.cpu = xcalloc(ncat, sizeof(double));
		for (unsigned i = 0; i < ncat; i++) {
			if (series_run(&cc, i, klog, &cat_status[0][i]) ||
			    series_run(&cr, i, klog, &cat_status[1][i]))
				return 1;
			printf("catalog run %u (--all, scx_ktstr, 1n2l2c1t): --no-snapshot %.1f s "
			       "(cpu %.1f s, exit %d), templates %.1f s (cpu %.1f s, exit %d)\n",
			       i + 1, cc.wall[i], cc.cpu[i], cat_status[0][i], cr.wall[i],
			       cr.cpu[i], cat_status[1][i]);
			fflush(stdout);
		}
		series_finish(&cc, ncat);
		series_finish(&cr, ncat);
		printf("catalog, median wall: --no-snapshot %.1f s, templates %.1f s, ratio %.3f; "
		       "cpu: %.1f s, %.1f s, ratio %.3f\n",
		       cc.mwall, cr.mwall, cr.mwall / cc.mwall, cc.mcpu, cr.mcpu,
		       cr.mcpu / cc.mcpu);
	}
#else
	printf("scx_ktstr not built: no sched_ext rows\n");
#endif
	rm_rf(dir);
	kernel_info_free(&k);
	return 0;
}
