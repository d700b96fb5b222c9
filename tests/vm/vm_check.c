// SPDX-License-Identifier: GPL-2.0-only
/*
 * VM acceptance checks for the launcher, run by `meson test --suite vm`:
 *
 *   vm_check topo  KTSTR NnLlCcTt
 *       boots `ktstr topo --vm NnLlCcTt --json` and checks that the CPUs, LLC
 *       groups, SMT siblings, NUMA nodes and distances the guest saw are
 *       exactly the ones the request implies (computed here independently).
 *   vm_check fault KTSTR panic|hang|garbage
 *       boots a guest told to misbehave (ktstr.fault=...) and checks that ktstr
 *       fails with a clear message and that no QEMU of this run is left.
 *
 * The kernel is resolved by ktstr like everywhere else (--kernel is not
 * passed: KTSTR_KERNEL, then the cache); without one ktstr says how to get one.
 */
#include <dirent.h>
#include <errno.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int failures;

#define CHECK(cond, ...)                                                                   \
	do {                                                                                \
		if (!(cond)) {                                                              \
			fprintf(stderr, "FAIL: " __VA_ARGS__);                              \
			fputc('\n', stderr);                                                \
			failures++;                                                         \
		}                                                                           \
	} while (0)

/* Run argv, capture stdout and stderr (each up to 1 MB). Returns the exit status. */
static int run(char *const argv[], char **out, char **err)
{
	char tmpl_o[] = "/tmp/vm_check-out-XXXXXX", tmpl_e[] = "/tmp/vm_check-err-XXXXXX";
	int fo = mkstemp(tmpl_o), fe = mkstemp(tmpl_e), status = -1;
	pid_t pid = fork();

	if (pid == 0) {
		dup2(fo, 1);
		dup2(fe, 2);
		execv(argv[0], argv);
		perror(argv[0]);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	for (int i = 0; i < 2; i++) {
		int fd = i ? fe : fo;
		char **dst = i ? err : out;
		off_t len = lseek(fd, 0, SEEK_END);

		if (len > (1 << 20))
			len = 1 << 20;
		*dst = calloc(1, (size_t)len + 1);
		if (pread(fd, *dst, (size_t)len, 0) < 0)
			(*dst)[0] = '\0';
		close(fd);
	}
	unlink(tmpl_o);
	unlink(tmpl_e);
	return status;
}

/* "a-b" or "a" */
static void range(char *buf, size_t len, unsigned first, unsigned count)
{
	if (count == 1)
		snprintf(buf, len, "%u", first);
	else
		snprintf(buf, len, "%u-%u", first, first + count - 1);
}

static void check_groups(json_t *o, const char *key, unsigned ngroups, unsigned size)
{
	json_t *a = json_object_get(o, key);
	char want[32];

	CHECK(json_is_array(a) && json_array_size(a) == ngroups, "%s: %zu groups, want %u", key,
	      json_is_array(a) ? json_array_size(a) : 0, ngroups);
	for (unsigned i = 0; json_is_array(a) && i < ngroups && i < json_array_size(a); i++) {
		const char *got = json_string_value(json_array_get(a, i));

		range(want, sizeof(want), i * size, size);
		CHECK(got && !strcmp(got, want), "%s[%u] is '%s', want '%s'", key, i,
		      got ? got : "(not a string)", want);
	}
}

static int check_topo(char *ktstr, char *want)
{
	unsigned n, l, c, t;
	char *argv[] = { ktstr, "topo", "--vm", want, "--json", NULL }, *out, *err;
	json_t *o, *dist;
	int status;

	if (sscanf(want, "%un%ul%uc%ut", &n, &l, &c, &t) != 4) {
		fprintf(stderr, "bad topology %s\n", want);
		return 2;
	}
	status = run(argv, &out, &err);
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		fprintf(stderr, "FAIL: ktstr topo --vm %s exited with %s %d:\n%s\n", want,
			WIFEXITED(status) ? "code" : "signal",
			WIFEXITED(status) ? WEXITSTATUS(status) : WTERMSIG(status), err);
		return 1;
	}
	o = json_loads(out, 0, NULL);
	if (!o) {
		fprintf(stderr, "FAIL: not JSON:\n%s\n", out);
		return 1;
	}
	unsigned cpus = l * c * t;

	CHECK(json_integer_value(json_object_get(o, "cpus")) == cpus, "cpus != %u", cpus);
	CHECK(json_integer_value(json_object_get(o, "llcs")) == l, "llcs != %u", l);
	CHECK(json_integer_value(json_object_get(o, "numa_nodes")) == n, "numa_nodes != %u", n);
	CHECK(json_integer_value(json_object_get(o, "threads_per_core")) == t,
	      "threads_per_core != %u", t);
	check_groups(o, "llc_groups", l, c * t);
	check_groups(o, "smt_groups", l * c, t);
	check_groups(o, "nodes", n, cpus / n);
	dist = json_object_get(o, "distances");
	CHECK(json_is_array(dist) && json_array_size(dist) == n, "distances is not %ux%u", n, n);
	for (unsigned a = 0; a < n && json_is_array(dist); a++)
		for (unsigned b = 0; b < n; b++) {
			json_int_t d = json_integer_value(json_array_get(json_array_get(dist, a), b));

			CHECK(d == (a == b ? 10 : 20), "distance %u->%u is %lld", a, b,
			      (long long)d);
		}
	printf("%s: guest saw %s in %.2f s to hello (%s), sched_ext %s\n", want,
	       failures ? "a DIFFERENT topology" : "exactly the request",
	       json_real_value(json_object_get(o, "hello_s")),
	       json_string_value(json_object_get(o, "accel")),
	       json_is_true(json_object_get(o, "sched_ext")) ? "yes" : "no");
	if (failures)
		fprintf(stderr, "%s\n", out);
	json_decref(o);
	free(out);
	free(err);
	return failures ? 1 : 0;
}

/* QEMU processes whose command line holds marker. */
static int qemu_left(const char *marker)
{
	DIR *d = opendir("/proc");
	struct dirent *de;
	int n = 0;

	while (d && (de = readdir(d))) {
		char path[300], buf[65536];
		FILE *f;
		size_t len;

		if (de->d_name[0] < '0' || de->d_name[0] > '9')
			continue;
		snprintf(path, sizeof(path), "/proc/%s/cmdline", de->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		len = fread(buf, 1, sizeof(buf) - 1, f);
		fclose(f);
		for (size_t i = 0; i < len; i++)
			if (!buf[i])
				buf[i] = ' ';
		buf[len] = '\0';
		if (strstr(buf, "qemu-system") && strstr(buf, marker)) {
			fprintf(stderr, "left running: pid %s: %.200s\n", de->d_name, buf);
			n++;
		}
	}
	if (d)
		closedir(d);
	return n;
}

static int check_fault(char *ktstr, const char *fault)
{
	char marker[64], cmdline[128], *out, *err;
	const char *expect, *timeout = "60";
	int status;

	snprintf(marker, sizeof(marker), "ktstr.testrun=%d-%ld", getpid(), (long)time(NULL));
	snprintf(cmdline, sizeof(cmdline), "ktstr.fault=%s %s", fault, marker);
	if (!strcmp(fault, "panic")) {
		expect = "guest kernel panicked: Kernel panic - not syncing: Attempted to kill init!";
	} else if (!strcmp(fault, "hang")) {
		expect = "timed out after 10 s (";
		timeout = "10";
	} else if (!strcmp(fault, "garbage")) {
		expect = "the guest sent corrupt channel data:";
	} else {
		fprintf(stderr, "unknown fault %s\n", fault);
		return 2;
	}
	char *argv[] = { ktstr, "topo", "--vm", "1n1l2c1t", "--timeout", (char *)timeout,
			 "--cmdline", cmdline, NULL };

	status = run(argv, &out, &err);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 1,
	      "ktstr exited with wait status %#x, want exit code 1", status);
	CHECK(strstr(err, expect) != NULL, "stderr lacks '%s'", expect);
	CHECK(qemu_left(marker) == 0, "QEMU processes left running");
	/* ktstr keeps a failed VM's work directory for the user; the test does not need it */
	const char *kept = strstr(err, "console log kept in ");

	if (kept && !failures) {
		char dir[512];

		snprintf(dir, sizeof(dir), "%.*s", (int)strcspn(kept + 20, "\n"), kept + 20);
		if (strrchr(dir, '/'))
			*strrchr(dir, '/') = '\0';
		if (strstr(dir, "/ktstr-topo-")) {
			char *rm[] = { "/bin/rm", "-rf", dir, NULL }, *o, *e;

			run(rm, &o, &e);
			free(o);
			free(e);
		}
	}
	printf("fault %s: %s\n", fault, failures ? "NOT handled" : "clear failure, no QEMU left");
	fprintf(failures ? stderr : stdout, "--- ktstr stderr:\n%s", err);
	free(out);
	free(err);
	return failures ? 1 : 0;
}

int main(int argc, char **argv)
{
	if (argc == 4 && !strcmp(argv[1], "topo"))
		return check_topo(argv[2], argv[3]);
	if (argc == 4 && !strcmp(argv[1], "fault"))
		return check_fault(argv[2], argv[3]);
	fprintf(stderr, "usage: vm_check topo KTSTR NnLlCcTt | vm_check fault KTSTR FAULT\n");
	return 2;
}
