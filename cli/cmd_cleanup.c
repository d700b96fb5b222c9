// SPDX-License-Identifier: GPL-2.0-only
/*
 * ktstr cleanup: remove what dead runs left behind and bound the caches.
 *   - scratch directories (ktstr-*-XXXXXX under /dev/shm, $TMPDIR, /tmp) whose
 *     owner process (owner.pid) is gone; one without owner.pid only when it is
 *     older than a day. A live run's directory is never touched. A QEMU still
 *     running on such a directory (its run died without killing it) is killed
 *     first.
 *   - unfinished VM template builds of dead processes, and templates beyond
 *     the size cap (KTSTR_TEMPLATE_CAP_MB), least recently used first;
 *     --templates removes every template; a template a VM uses now stays.
 *   - initramfs cache files not used for --days D days (default 7).
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli/commands.h"
#include "util/util.h"
#include "vm/kernel.h"
#include "vm/snapshot.h"

#define CLEANUP_DAY_S (24 * 3600)

struct cleanup {
	bool dry_run;
	unsigned removed;
	uint64_t bytes;
};

static uint64_t tree_bytes(const char *path)
{
	struct stat st;
	uint64_t total = 0;
	DIR *d;
	struct dirent *e;

	if (lstat(path, &st))
		return 0;
	total = (uint64_t)st.st_blocks * 512;
	if (!S_ISDIR(st.st_mode) || !(d = opendir(path)))
		return total;
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		char *p = xasprintf("%s/%s", path, e->d_name);

		total += tree_bytes(p);
		free(p);
	}
	closedir(d);
	return total;
}

static void cleanup_remove(struct cleanup *c, const char *path, const char *why)
{
	uint64_t b = tree_bytes(path);

	printf("%s %s (%s, %.1f MB)\n", c->dry_run ? "would remove" : "removing", path, why,
	       (double)b / (1 << 20));
	if (!c->dry_run && rm_rf(path)) {
		log_warn("cannot remove %s: %s", path, strerror(errno));
		return;
	}
	c->removed++;
	c->bytes += b;
}

/* A scratch directory's owner is alive (or it may be: unreadable, recent). */
static bool scratch_live(const char *dir, time_t now)
{
	char *pidf = xasprintf("%s/" SCRATCH_OWNER_PID, dir);
	char *text = file_read(pidf, NULL, 64);
	uint64_t pid;
	struct stat st;
	bool live;

	free(pidf);
	if (text && !str_to_u64(str_trim(text), &pid) && pid && pid <= INT_MAX) {
		live = !(kill((pid_t)pid, 0) && errno == ESRCH);
	} else {
		/* no owner recorded (older ktstr): only a day-old directory is stale */
		live = stat(dir, &st) || now - st.st_mtime < CLEANUP_DAY_S;
	}
	free(text);
	return live;
}

/* Kill QEMU processes whose command line names dir: strays of a dead run. */
static void cleanup_stray_qemu(struct cleanup *c, const char *dir)
{
	DIR *d = opendir("/proc");
	struct dirent *e;

	while (d && (e = readdir(d))) {
		uint64_t pid;
		size_t len;
		char *path, *cmd;

		if (str_to_u64(e->d_name, &pid) || !pid || pid > INT_MAX)
			continue;
		path = xasprintf("/proc/%s/cmdline", e->d_name);
		cmd = file_read(path, &len, 1 << 20);
		free(path);
		/* argv[0] is the string before the first NUL; the rest is searched whole */
		if (cmd && strstr(cmd, "qemu-system") && memmem(cmd, len, dir, strlen(dir))) {
			printf("%s stray QEMU pid %s of %s\n", c->dry_run ? "would kill" : "killing",
			       e->d_name, dir);
			if (!c->dry_run && kill((pid_t)pid, SIGKILL) && errno != ESRCH)
				log_warn("cannot kill QEMU pid %s: %s", e->d_name, strerror(errno));
		}
		free(cmd);
	}
	if (d)
		closedir(d);
}

static void cleanup_scratch(struct cleanup *c, const char *base)
{
	DIR *d = opendir(base);
	struct dirent *e;
	time_t now = time(NULL);

	if (!d)
		return;
	while ((e = readdir(d))) {
		char *path;
		struct stat st;

		if (strncmp(e->d_name, "ktstr-", 6))
			continue;
		path = xasprintf("%s/%s", base, e->d_name);
		if (!lstat(path, &st) && S_ISDIR(st.st_mode) && st.st_uid == getuid() &&
		    !scratch_live(path, now)) {
			cleanup_stray_qemu(c, path);
			cleanup_remove(c, path, "scratch of a finished run");
		}
		free(path);
	}
	closedir(d);
}

static void cleanup_initramfs(struct cleanup *c, unsigned days)
{
	char *root = kernel_cache_root(), *dir = xasprintf("%s/initramfs", root);
	DIR *d = opendir(dir);
	struct dirent *e;
	time_t now = time(NULL);

	while (d && (e = readdir(d))) {
		char *path = xasprintf("%s/%s", dir, e->d_name);
		struct stat st;

		if (e->d_name[0] != '.' && !stat(path, &st) && S_ISREG(st.st_mode) &&
		    now - MAX(st.st_atime, st.st_mtime) > (time_t)days * CLEANUP_DAY_S)
			cleanup_remove(c, path, "initramfs not used recently");
		free(path);
	}
	if (d)
		closedir(d);
	free(dir);
	free(root);
}

static void cleanup_templates(struct cleanup *c, bool all)
{
	char *dir = snapshot_templates_dir();
	const char *capv = getenv("KTSTR_TEMPLATE_CAP_MB");
	uint64_t cap = SNAPSHOT_CAP_MB_DEFAULT;
	uint64_t before = tree_bytes(dir), freed;

	if (capv && *capv && str_to_u64(capv, &cap))
		cap = SNAPSHOT_CAP_MB_DEFAULT;
	if (all) /* every template no VM uses now */
		cap = 0;
	if (c->dry_run) {
		printf("templates: %.1f MB under %s (cap %llu MB)\n", (double)before / (1 << 20),
		       dir, (unsigned long long)cap);
	} else {
		freed = snapshot_trim(dir, cap << 20, NULL);
		if (freed)
			printf("VM templates: %.1f MB freed (cap %llu MB)\n",
			       (double)freed / (1 << 20), (unsigned long long)cap);
		c->bytes += freed;
	}
	free(dir);
}

static void cleanup_usage(FILE *f)
{
	fprintf(f, "usage: ktstr cleanup [--dry-run] [--templates] [--days D]\n"
		   "  remove scratch directories of dead runs (killing a stray QEMU still using\n"
		   "  one), unfinished template builds,\n"
		   "  VM templates beyond the cap (KTSTR_TEMPLATE_CAP_MB, default %d MB) and\n"
		   "  initramfs cache files unused for D days (default 7)\n"
		   "  --templates  remove every VM template no VM uses now\n"
		   "  --dry-run    only say what would be removed\n"
		   "exit status: 0 done, 2 usage error. A live run's files are never touched.\n"
		   "examples: ktstr cleanup --dry-run; ktstr cleanup --days 1\n",
		SNAPSHOT_CAP_MB_DEFAULT);
}

int cmd_cleanup(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dry-run", no_argument, NULL, 'n' },
		{ "templates", no_argument, NULL, 'T' },
		{ "days", required_argument, NULL, 'd' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct cleanup c = { 0 };
	bool all_templates = false;
	uint64_t days = 7;
	const char *tmp = getenv("TMPDIR");
	int o;

	optind = 1;
	while ((o = getopt_long(argc, argv, "hn", opts, NULL)) != -1) {
		switch (o) {
		case 'n':
			c.dry_run = true;
			break;
		case 'T':
			all_templates = true;
			break;
		case 'd':
			if (str_to_u64(optarg, &days) || days > 100000) {
				fprintf(stderr, "ktstr cleanup: bad --days '%s'\n", optarg);
				return 2;
			}
			break;
		case 'h':
			cleanup_usage(stdout);
			return 0;
		default:
			cleanup_usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		cleanup_usage(stderr);
		return 2;
	}
	cleanup_scratch(&c, "/dev/shm");
	if (tmp && *tmp && strcmp(tmp, "/dev/shm") && strcmp(tmp, "/tmp"))
		cleanup_scratch(&c, tmp);
	cleanup_scratch(&c, "/tmp");
	cleanup_templates(&c, all_templates);
	cleanup_initramfs(&c, (unsigned)days);
	printf("%s %u entries, %.1f MB\n", c.dry_run ? "would remove" : "removed", c.removed,
	       (double)c.bytes / (1 << 20));
	return 0;
}
