// SPDX-License-Identifier: GPL-2.0-only
#include "guest/cgroup.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "util/util.h"

#ifndef CGROUP2_SUPER_MAGIC
#define CGROUP2_SUPER_MAGIC 0x63677270
#endif

#define EBUSY_TRIES 3
#define EBUSY_WAIT_MS 100

static bool is_cgroup2(const char *path)
{
	struct statfs st;

	return statfs(path, &st) == 0 && (unsigned long)st.f_type == CGROUP2_SUPER_MAGIC;
}

int cgroup_write_retry(const char *path, const char *value)
{
	int ret = 0;

	for (int i = 0; i < EBUSY_TRIES; i++) {
		ret = file_write_str(path, *value ? value : "\n");
		if (ret != -EBUSY)
			return ret;
		sleep_ms(EBUSY_WAIT_MS);
	}
	return ret;
}

/* Enable one controller in dir's subtree_control if dir offers it. */
static int enable_controller(const char *dir, const char *ctrl)
{
	char *path = xasprintf("%s/cgroup.controllers", dir);
	char *avail = file_read_line(path);
	char *cmd;
	int ret;

	free(path);
	if (!avail)
		return -errno;
	if (!str_has_word(avail, ctrl)) {
		free(avail);
		return -EOPNOTSUPP;
	}
	free(avail);
	path = xasprintf("%s/cgroup.subtree_control", dir);
	cmd = xasprintf("+%s", ctrl);
	ret = cgroup_write_retry(path, cmd);
	free(cmd);
	free(path);
	return ret;
}

/* The mount point of the cgroup2 hierarchy that contains path (which may not exist yet). */
static char *find_root(const char *path)
{
	char *p = xstrdup(path), *root = NULL;

	for (;;) {
		char *slash;

		if (is_cgroup2(p)) {
			free(root);
			root = xstrdup(p);
		} else if (root) {
			break;
		}
		slash = strrchr(p, '/');
		if (!slash || slash == p)
			break;
		*slash = '\0';
	}
	free(p);
	return root;
}

int cgmgr_init(struct cgmgr *m, const char *parent, char **err)
{
	const char *ctrls[] = { "cpuset", "cpu" };
	bool ok[2] = { true, true };
	size_t rl;
	char *p;
	int ret;

	memset(m, 0, sizeof(*m));
	m->drain_wait_ms = 2000;
	m->parent = xstrdup(parent ? parent : CGROUP_DEFAULT_PARENT);
	while (strlen(m->parent) > 1 && str_ends_with(m->parent, "/"))
		m->parent[strlen(m->parent) - 1] = '\0';
	m->root = find_root(m->parent);
	if (!m->root) {
		if (err)
			*err = xasprintf("%s is not inside a cgroup v2 hierarchy", m->parent);
		free(m->parent);
		m->parent = NULL;
		return -ENOTSUP;
	}
	if (!path_is_dir(m->parent)) {
		ret = mkdir_p(m->parent, 0755);
		if (ret < 0) {
			if (err)
				*err = xasprintf("cannot create %s: %s", m->parent, strerror(-ret));
			free(m->root);
			free(m->parent);
			m->root = m->parent = NULL;
			return ret;
		}
		m->created_parent = true;
	}
	/* Walk root -> parent enabling controllers at every level. */
	rl = strlen(m->root);
	p = xstrdup(m->parent);
	for (size_t i = rl;; i++) {
		if (p[i] == '/' || p[i] == '\0') {
			char c = p[i];

			p[i] = '\0';
			for (unsigned k = 0; k < 2; k++)
				if (ok[k] && enable_controller(p, ctrls[k]) < 0)
					ok[k] = false;
			p[i] = c;
			if (!c)
				break;
		}
	}
	free(p);
	m->has_cpuset = ok[0];
	m->has_cpu = ok[1];
	return 0;
}

char *cgmgr_path(const struct cgmgr *m, const char *name)
{
	if (!name || !*name)
		return xstrdup(m->parent);
	return xasprintf("%s/%s", m->parent, name);
}

bool cgmgr_exists(const struct cgmgr *m, const char *name)
{
	char *p = cgmgr_path(m, name);
	bool r = path_is_dir(p);

	free(p);
	return r;
}

static bool valid_name(const char *name)
{
	if (!name || !*name || name[0] == '/' || strstr(name, ".."))
		return false;
	return !str_ends_with(name, "/");
}

int cgmgr_create(struct cgmgr *m, const char *name)
{
	char *path, *slash;
	int ret = 0;

	if (!valid_name(name))
		return -EINVAL;
	path = cgmgr_path(m, name);
	/* Nested: intermediate levels need the controllers for their children. */
	for (slash = strchr(path + strlen(m->parent) + 1, '/'); slash;
	     slash = strchr(slash + 1, '/')) {
		*slash = '\0';
		if (!path_is_dir(path)) {
			*slash = '/';
			ret = -ENOENT;
			goto out;
		}
		if (m->has_cpuset)
			enable_controller(path, "cpuset");
		if (m->has_cpu)
			enable_controller(path, "cpu");
		*slash = '/';
	}
	if (mkdir(path, 0755) < 0) {
		ret = -errno;
		goto out;
	}
	m->created = xrealloc(m->created, (m->ncreated + 1) * sizeof(*m->created));
	m->created[m->ncreated++] = xstrdup(name);
out:
	free(path);
	return ret;
}

static int read_pids(const char *dir, pid_t **pids)
{
	char *path = xasprintf("%s/cgroup.procs", dir);
	char *text = file_read(path, NULL, 0), *save = NULL;
	unsigned n = 0, cap = 16;

	free(path);
	if (!text)
		return -errno;
	*pids = xmalloc(cap * sizeof(**pids));
	for (char *tok = strtok_r(text, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
		uint64_t v;

		if (str_to_u64(tok, &v) < 0)
			continue;
		if (n == cap)
			*pids = xrealloc(*pids, (cap *= 2) * sizeof(**pids));
		(*pids)[n++] = (pid_t)v;
	}
	free(text);
	return (int)n;
}

int cgmgr_procs(const struct cgmgr *m, const char *name, pid_t **pids)
{
	char *dir = cgmgr_path(m, name);
	int n = read_pids(dir, pids);

	free(dir);
	return n;
}

static int move_pid_to(const char *dir, pid_t pid)
{
	char *path = xasprintf("%s/cgroup.procs", dir);
	char *val = xasprintf("%d", (int)pid);
	int ret = cgroup_write_retry(path, val);

	free(val);
	free(path);
	return ret == -ESRCH ? 0 : ret; /* it exited: nothing left to move */
}

int cgmgr_move_task(struct cgmgr *m, const char *name, pid_t pid)
{
	char *dir = cgmgr_path(m, name);
	int ret = move_pid_to(dir, pid);

	free(dir);
	return ret;
}

static int move_all(const char *from, const char *to)
{
	pid_t *pids = NULL;
	int n = read_pids(from, &pids), moved = 0, ret = 0;

	for (int i = 0; i < n; i++) {
		int r = move_pid_to(to, pids[i]);

		if (r < 0 && !ret)
			ret = r;
		else if (!r)
			moved++;
	}
	free(pids);
	if (n < 0)
		return n;
	return ret < 0 ? ret : moved;
}

int cgmgr_move_all(struct cgmgr *m, const char *from, const char *to)
{
	char *f = cgmgr_path(m, from), *t = cgmgr_path(m, to);
	int ret = move_all(f, t);

	free(f);
	free(t);
	return ret;
}

static bool populated(const char *dir)
{
	char *path = xasprintf("%s/cgroup.events", dir);
	char *text = file_read(path, NULL, 0);
	bool pop = text && strstr(text, "populated 1");

	free(path);
	free(text);
	return pop;
}

static int remove_dir(const struct cgmgr *m, const char *dir)
{
	uint64_t deadline;
	int ret;

	if (!path_is_dir(dir))
		return 0;
	deadline = now_ns() + (uint64_t)m->drain_wait_ms * 1000000ull;
	do {
		ret = move_all(dir, m->root);
		if (ret < 0 && ret != -ENOENT)
			break;
		if (!populated(dir))
			break;
		sleep_ms(10);
	} while (now_ns() < deadline);
	for (int i = 0; i < EBUSY_TRIES; i++) {
		if (rmdir(dir) == 0 || errno == ENOENT)
			return 0;
		if (errno != EBUSY)
			return -errno;
		sleep_ms(EBUSY_WAIT_MS);
	}
	return -EBUSY;
}

static void forget(struct cgmgr *m, unsigned i)
{
	free(m->created[i]);
	memmove(&m->created[i], &m->created[i + 1], (m->ncreated - i - 1) * sizeof(*m->created));
	m->ncreated--;
}

int cgmgr_remove(struct cgmgr *m, const char *name)
{
	size_t nl;
	int ret = 0;

	if (!valid_name(name))
		return -EINVAL;
	nl = strlen(name);
	/* Children first, newest first. */
	for (unsigned i = m->ncreated; i-- > 0;) {
		const char *c = m->created[i];

		if (!strncmp(c, name, nl) && c[nl] == '/') {
			char *p = cgmgr_path(m, c);
			int r = remove_dir(m, p);

			free(p);
			if (r < 0 && !ret)
				ret = r;
			if (!r)
				forget(m, i);
		}
	}
	if (!ret) {
		char *p = cgmgr_path(m, name);

		if (!path_is_dir(p))
			ret = -ENOENT;
		else
			ret = remove_dir(m, p);
		free(p);
	}
	for (unsigned i = 0; !ret && i < m->ncreated; i++)
		if (!strcmp(m->created[i], name)) {
			forget(m, i);
			break;
		}
	return ret;
}

int cgmgr_set_cpuset(struct cgmgr *m, const char *name, const struct cpuset *cpus,
		     const struct cpuset *mems)
{
	char *dir = cgmgr_path(m, name), *path, *val;
	int ret = 0;

	if (!m->has_cpuset) {
		free(dir);
		return -EOPNOTSUPP;
	}
	if (mems) {
		path = xasprintf("%s/cpuset.mems", dir);
		val = cpuset_format(mems);
		ret = cgroup_write_retry(path, val);
		free(val);
		free(path);
	}
	if (!ret) {
		path = xasprintf("%s/cpuset.cpus", dir);
		val = cpus ? cpuset_format(cpus) : xstrdup("");
		ret = cgroup_write_retry(path, val);
		free(val);
		free(path);
	}
	free(dir);
	return ret;
}

int cgmgr_set_weight(struct cgmgr *m, const char *name, unsigned weight)
{
	char *dir, *path, *val;
	int ret;

	if (!m->has_cpu)
		return -EOPNOTSUPP;
	if (weight < 1 || weight > 10000)
		return -EINVAL;
	dir = cgmgr_path(m, name);
	path = xasprintf("%s/cpu.weight", dir);
	free(dir);
	val = xasprintf("%u", weight);
	ret = cgroup_write_retry(path, val);
	free(val);
	free(path);
	return ret;
}

int cgmgr_clear_cpuset(struct cgmgr *m, const char *name)
{
	struct cpuset none;

	cpuset_zero(&none);
	return cgmgr_set_cpuset(m, name, &none, NULL);
}

int cgmgr_get_cpuset(const struct cgmgr *m, const char *name, bool effective, struct cpuset *out)
{
	char *dir = cgmgr_path(m, name);
	char *path = xasprintf("%s/%s", dir, effective ? "cpuset.cpus.effective" : "cpuset.cpus");
	char *text = file_read_line(path);
	int ret;

	free(path);
	free(dir);
	if (!text)
		return -errno;
	ret = cpuset_parse(text, out);
	free(text);
	return ret;
}

int cgmgr_cleanup(struct cgmgr *m)
{
	int ret = 0;

	if (!m->parent)
		return 0;
	while (m->ncreated) {
		char *p = cgmgr_path(m, m->created[m->ncreated - 1]);
		int r = remove_dir(m, p);

		free(p);
		if (r < 0 && !ret)
			ret = r;
		free(m->created[--m->ncreated]);
	}
	if (m->created_parent) {
		int r = remove_dir(m, m->parent);

		if (r < 0 && !ret)
			ret = r;
	}
	free(m->created);
	free(m->parent);
	free(m->root);
	memset(m, 0, sizeof(*m));
	return ret;
}
