// SPDX-License-Identifier: GPL-2.0-only
/* Run records: one JSON file per test variant per run. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "runner/sidecar.h"
#include "runner/timefmt.h"
#include "util/util.h"

#define SIDECAR_MAX_BYTES (16u << 20)

void sidecar_record_init(struct sidecar_record *r)
{
	memset(r, 0, sizeof(*r));
	r->schema_version = SIDECAR_SCHEMA_VERSION;
	r->hello_s = r->body_s = r->wall_s = -1;
	r->guest_exit = -1;
	result_init(&r->result);
}

void sidecar_record_free(struct sidecar_record *r)
{
	char **strs[] = {
		&r->run_id, &r->test, &r->variant, &r->config, &r->topology, &r->scheduler,
		&r->scheduler_binary, &r->kernel_version, &r->kernel_id, &r->kernel_path,
		&r->accel, &r->accel_reason, &r->start, &r->panic_line, &r->sched_ext_dump, &r->stage,
		&r->host_cpu_model, &r->host_kernel, &r->hostname, &r->project_commit,
		&r->started_at, &r->finished_at, &r->shard_run_id,
	};

	for (size_t i = 0; i < ARRAY_SIZE(strs); i++) {
		free(*strs[i]);
		*strs[i] = NULL;
	}
	strv_free(r->scheduler_args);
	strv_free(r->flags);
	r->scheduler_args = r->flags = NULL;
	result_free(&r->result);
	attempts_free(r->attempts, r->nattempts);
	r->attempts = NULL;
	r->nattempts = 0;
	metrics_free(&r->metrics);
	json_decref(r->monitor);
	r->monitor = NULL;
	json_decref(r->trace);
	r->trace = NULL;
	json_decref(r->verifier);
	r->verifier = NULL;
	json_decref(r->auto_repro);
	r->auto_repro = NULL;
}

static char *cpu_model(void)
{
	char *info = file_read("/proc/cpuinfo", NULL, 1 << 20);
	char *line, *save = NULL, *model = NULL;

	for (line = info ? strtok_r(info, "\n", &save) : NULL; line && !model;
	     line = strtok_r(NULL, "\n", &save)) {
		char *colon = strchr(line, ':');

		if (colon && (str_starts_with(line, "model name") ||
			      str_starts_with(line, "Model") || str_starts_with(line, "cpu model")))
			model = xstrdup(str_trim(colon + 1));
	}
	free(info);
	return model;
}

void sidecar_host_detect(struct sidecar_record *r)
{
	struct utsname u;
	char host[256];
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);

	free(r->host_cpu_model);
	r->host_cpu_model = cpu_model();
	if (!uname(&u)) {
		free(r->host_kernel);
		r->host_kernel = xstrdup(u.release);
	}
	if (!gethostname(host, sizeof(host))) {
		host[sizeof(host) - 1] = '\0';
		free(r->hostname);
		r->hostname = xstrdup(host);
	}
	r->host_cpus = cpus > 0 ? (unsigned)cpus : 0;
}

/* ---- writing ---- */

static json_t *jstr(const char *s)
{
	return s ? json_string(s) : json_null();
}

static json_t *jlist(char *const *v)
{
	json_t *a = json_array();

	for (char *const *p = v; p && *p; p++)
		json_array_append_new(a, json_string(*p));
	return a;
}

static json_t *jsecs(double s)
{
	return s >= 0 && isfinite(s) ? json_real(s) : json_null();
}

json_t *sidecar_to_json(const struct sidecar_record *r)
{
	json_t *o = json_object();

	json_object_set_new(o, "schema_version", json_integer(r->schema_version));
	json_object_set_new(o, "run_id", jstr(r->run_id));
	json_object_set_new(o, "test", jstr(r->test));
	json_object_set_new(o, "variant", jstr(r->variant));
	if (r->config)
		json_object_set_new(o, "config", json_string(r->config));
	if (r->repeats) {
		json_object_set_new(o, "repeat", json_integer(r->repeat));
		json_object_set_new(o, "repeats", json_integer(r->repeats));
	}
	json_object_set_new(o, "topology", jstr(r->topology));
	json_object_set_new(o, "scheduler",
			    json_pack("{s:o, s:o, s:o}", "name", jstr(r->scheduler), "binary",
				      jstr(r->scheduler_binary), "args", jlist(r->scheduler_args)));
	json_object_set_new(o, "flags", jlist(r->flags));
	json_object_set_new(o, "kernel",
			    json_pack("{s:o, s:o, s:o}", "version", jstr(r->kernel_version), "id",
				      jstr(r->kernel_id), "path", jstr(r->kernel_path)));
	json_object_set_new(o, "accel",
			    json_pack("{s:o, s:o}", "kind", jstr(r->accel), "reason",
				      jstr(r->accel_reason)));
	json_object_set_new(o, "start", jstr(r->start));
	json_object_set_new(o, "expect_err", json_boolean(r->expect_err));
	json_object_set_new(o, "expected_failure", json_boolean(r->expected_failure));
	json_object_set_new(o, "result", result_to_json(&r->result));
	if (r->nattempts) {
		json_object_set_new(o, "flaky", json_boolean(r->flaky));
		json_object_set_new(o, "attempts", attempts_to_json(r->attempts, r->nattempts));
	}
	json_object_set_new(o, "metrics", metrics_to_json(&r->metrics));
	if (r->monitor)
		json_object_set(o, "monitor", r->monitor);
	if (r->trace)
		json_object_set(o, "trace", r->trace);
	if (r->verifier)
		json_object_set(o, "verifier", r->verifier);
	if (r->auto_repro)
		json_object_set(o, "auto_repro", r->auto_repro);
	json_object_set_new(o, "durations",
			    json_pack("{s:o, s:o, s:o}", "hello_s", jsecs(r->hello_s), "body_s",
				      jsecs(r->body_s), "wall_s", jsecs(r->wall_s)));
	json_object_set_new(
		o, "exit",
		json_pack("{s:o, s:o, s:o, s:b, s:i, s:o, s:o, s:o}", "qemu_exit",
			  r->have_qemu_status ? json_integer(r->qemu_exit) : json_null(),
			  "qemu_signal",
			  r->have_qemu_status ? json_integer(r->qemu_signal) : json_null(),
			  "guest_exit", r->got_exit ? json_integer(r->guest_exit) : json_null(),
			  "timed_out", r->timed_out, "timeout_s", (json_int_t)r->timeout_s,
			  "panic_line", jstr(r->panic_line), "stage", jstr(r->stage),
			  "sched_ext_dump", jstr(r->sched_ext_dump)));
	json_object_set_new(o, "host",
			    json_pack("{s:o, s:o, s:i, s:o}", "cpu_model", jstr(r->host_cpu_model),
				      "kernel_release", jstr(r->host_kernel), "cpus",
				      (json_int_t)r->host_cpus, "hostname", jstr(r->hostname)));
	json_object_set_new(o, "project_commit", jstr(r->project_commit));
	json_object_set_new(o, "started_at", jstr(r->started_at));
	json_object_set_new(o, "finished_at", jstr(r->finished_at));
	if (r->shard_run_id)
		json_object_set_new(o, "shard",
				    json_pack("{s:s, s:i, s:i}", "run_id", r->shard_run_id, "index",
					      (json_int_t)r->shard_index, "count",
					      (json_int_t)r->shard_count));
	return o;
}

/* ---- reading ---- */

struct reader {
	char **err;
	int bad;
};

static void rbad(struct reader *rd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void rbad(struct reader *rd, const char *fmt, ...)
{
	va_list ap;

	if (rd->bad++)
		return; /* keep the first problem */
	if (rd->err) {
		va_start(ap, fmt);
		*rd->err = xvasprintf(fmt, ap);
		va_end(ap);
	}
}

static const json_t *member(struct reader *rd, const json_t *obj, const char *section,
			    const char *key, bool required)
{
	const json_t *v = obj ? json_object_get(obj, key) : NULL;

	if ((!v || json_is_null(v)) && required)
		rbad(rd, "missing field '%s%s%s'", section ? section : "", section ? "." : "", key);
	return v && !json_is_null(v) ? v : NULL;
}

static void read_str(struct reader *rd, const json_t *obj, const char *section, const char *key,
		 bool required, char **out)
{
	const json_t *v = member(rd, obj, section, key, required);

	if (!v)
		return;
	if (!json_is_string(v)) {
		rbad(rd, "field '%s%s%s' must be a string", section ? section : "",
		     section ? "." : "", key);
		return;
	}
	*out = xstrdup(json_string_value(v));
}

static void read_int(struct reader *rd, const json_t *obj, const char *section, const char *key,
		 bool *present, int *out)
{
	const json_t *v = member(rd, obj, section, key, false);

	if (present)
		*present = false;
	if (!v)
		return;
	if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
	    json_integer_value(v) > INT32_MAX) {
		rbad(rd, "field '%s%s%s' must be an integer", section ? section : "",
		     section ? "." : "", key);
		return;
	}
	*out = (int)json_integer_value(v);
	if (present)
		*present = true;
}

static void read_uint(struct reader *rd, const json_t *obj, const char *section, const char *key,
		  unsigned *out)
{
	int v = 0;

	read_int(rd, obj, section, key, NULL, &v);
	if (v < 0)
		rbad(rd, "field '%s%s%s' must not be negative", section ? section : "",
		     section ? "." : "", key);
	else
		*out = (unsigned)v;
}

static void read_bool(struct reader *rd, const json_t *obj, const char *section, const char *key,
		  bool *out)
{
	const json_t *v = member(rd, obj, section, key, false);

	if (!v)
		return;
	if (!json_is_boolean(v)) {
		rbad(rd, "field '%s%s%s' must be true or false", section ? section : "",
		     section ? "." : "", key);
		return;
	}
	*out = json_is_true(v);
}

static void read_secs(struct reader *rd, const json_t *obj, const char *key, double *out)
{
	const json_t *v = member(rd, obj, "durations", key, false);

	if (!v)
		return;
	if (!json_is_number(v) || json_number_value(v) < 0) {
		rbad(rd, "field 'durations.%s' must be a number >= 0", key);
		return;
	}
	*out = json_number_value(v);
}

static void read_list(struct reader *rd, const json_t *obj, const char *section, const char *key,
		  char ***out)
{
	const json_t *v = member(rd, obj, section, key, false);
	size_t i, n;

	if (!v)
		return;
	if (!json_is_array(v)) {
		rbad(rd, "field '%s%s%s' must be an array of strings", section ? section : "",
		     section ? "." : "", key);
		return;
	}
	n = json_array_size(v);
	*out = xcalloc(n + 1, sizeof(**out));
	for (i = 0; i < n; i++) {
		const json_t *e = json_array_get(v, i);

		if (!json_is_string(e)) {
			rbad(rd, "field '%s%s%s' must be an array of strings",
			     section ? section : "", section ? "." : "", key);
			return;
		}
		(*out)[i] = xstrdup(json_string_value(e));
	}
}

static const json_t *read_obj(struct reader *rd, const json_t *obj, const char *key)
{
	const json_t *v = member(rd, obj, NULL, key, false);

	if (v && !json_is_object(v)) {
		rbad(rd, "field '%s' must be an object", key);
		return NULL;
	}
	return v;
}

int sidecar_from_json(const json_t *j, struct sidecar_record *r, char **err)
{
	struct reader rd = { .err = err };
	const json_t *sv, *o, *res;
	char *rerr = NULL;
	bool present;

	if (err)
		*err = NULL;
	sidecar_record_init(r);
	if (!json_is_object(j)) {
		rbad(&rd, "not a JSON object");
		return -EINVAL;
	}
	sv = json_object_get(j, "schema_version");
	if (!json_is_integer(sv)) {
		rbad(&rd, "no schema_version: not a ktstr run record");
		return -EINVAL;
	}
	if (json_integer_value(sv) != SIDECAR_SCHEMA_VERSION) {
		rbad(&rd, "unsupported schema_version %lld (this ktstr reads version %d)",
		     (long long)json_integer_value(sv), SIDECAR_SCHEMA_VERSION);
		return -EINVAL;
	}
	read_str(&rd, j, NULL, "run_id", true, &r->run_id);
	read_str(&rd, j, NULL, "test", true, &r->test);
	read_str(&rd, j, NULL, "variant", false, &r->variant);
	read_str(&rd, j, NULL, "config", false, &r->config);
	read_uint(&rd, j, NULL, "repeat", &r->repeat);
	read_uint(&rd, j, NULL, "repeats", &r->repeats);
	if (r->repeat > r->repeats)
		rbad(&rd, "field 'repeat' must not exceed 'repeats' (%u > %u)", r->repeat,
		     r->repeats);
	read_str(&rd, j, NULL, "topology", false, &r->topology);
	if ((o = read_obj(&rd, j, "scheduler"))) {
		read_str(&rd, o, "scheduler", "name", false, &r->scheduler);
		read_str(&rd, o, "scheduler", "binary", false, &r->scheduler_binary);
		read_list(&rd, o, "scheduler", "args", &r->scheduler_args);
	}
	read_list(&rd, j, NULL, "flags", &r->flags);
	if ((o = read_obj(&rd, j, "kernel"))) {
		read_str(&rd, o, "kernel", "version", false, &r->kernel_version);
		read_str(&rd, o, "kernel", "id", false, &r->kernel_id);
		read_str(&rd, o, "kernel", "path", false, &r->kernel_path);
	}
	if ((o = read_obj(&rd, j, "accel"))) {
		read_str(&rd, o, "accel", "kind", false, &r->accel);
		read_str(&rd, o, "accel", "reason", false, &r->accel_reason);
	}
	read_str(&rd, j, NULL, "start", false, &r->start);
	read_bool(&rd, j, NULL, "expect_err", &r->expect_err);
	read_bool(&rd, j, NULL, "expected_failure", &r->expected_failure);
	res = member(&rd, j, NULL, "result", true);
	if (res && !rd.bad) {
		result_free(&r->result);
		if (result_from_json(res, &r->result, &rerr)) {
			rbad(&rd, "field 'result': %s", rerr ? rerr : "invalid");
			result_init(&r->result);
		}
		free(rerr);
	}
	read_bool(&rd, j, NULL, "flaky", &r->flaky);
	res = member(&rd, j, NULL, "attempts", false);
	if (res && !rd.bad && attempts_from_json(res, &r->attempts, &r->nattempts, &rerr)) {
		rbad(&rd, "field 'attempts': %s", rerr ? rerr : "invalid");
		free(rerr);
	}
	res = member(&rd, j, NULL, "metrics", false);
	if (res && !rd.bad && metrics_from_json(res, &r->metrics, &rerr)) {
		rbad(&rd, "field 'metrics': %s", rerr);
		free(rerr);
	}
	if ((o = read_obj(&rd, j, "monitor")))
		r->monitor = json_deep_copy(o);
	if ((o = read_obj(&rd, j, "trace")))
		r->trace = json_deep_copy(o);
	if ((o = read_obj(&rd, j, "verifier")))
		r->verifier = json_deep_copy(o);
	if ((o = read_obj(&rd, j, "auto_repro")))
		r->auto_repro = json_deep_copy(o);
	if ((o = read_obj(&rd, j, "durations"))) {
		read_secs(&rd, o, "hello_s", &r->hello_s);
		read_secs(&rd, o, "body_s", &r->body_s);
		read_secs(&rd, o, "wall_s", &r->wall_s);
	}
	if ((o = read_obj(&rd, j, "exit"))) {
		read_int(&rd, o, "exit", "qemu_exit", &r->have_qemu_status, &r->qemu_exit);
		read_int(&rd, o, "exit", "qemu_signal", &present, &r->qemu_signal);
		read_int(&rd, o, "exit", "guest_exit", &r->got_exit, &r->guest_exit);
		read_bool(&rd, o, "exit", "timed_out", &r->timed_out);
		read_uint(&rd, o, "exit", "timeout_s", &r->timeout_s);
		read_str(&rd, o, "exit", "panic_line", false, &r->panic_line);
		read_str(&rd, o, "exit", "sched_ext_dump", false, &r->sched_ext_dump);
		read_str(&rd, o, "exit", "stage", false, &r->stage);
	}
	if ((o = read_obj(&rd, j, "host"))) {
		read_str(&rd, o, "host", "cpu_model", false, &r->host_cpu_model);
		read_str(&rd, o, "host", "kernel_release", false, &r->host_kernel);
		read_uint(&rd, o, "host", "cpus", &r->host_cpus);
		read_str(&rd, o, "host", "hostname", false, &r->hostname);
	}
	read_str(&rd, j, NULL, "project_commit", false, &r->project_commit);
	read_str(&rd, j, NULL, "started_at", false, &r->started_at);
	read_str(&rd, j, NULL, "finished_at", false, &r->finished_at);
	if ((o = read_obj(&rd, j, "shard"))) {
		read_str(&rd, o, "shard", "run_id", true, &r->shard_run_id);
		read_uint(&rd, o, "shard", "index", &r->shard_index);
		read_uint(&rd, o, "shard", "count", &r->shard_count);
		if (r->shard_index < 1 || r->shard_index > r->shard_count)
			rbad(&rd, "field 'shard.index' must be in 1..shard.count (%u of %u)",
			     r->shard_index, r->shard_count);
	}
	if (rd.bad) {
		sidecar_record_free(r);
		return -EINVAL;
	}
	return 0;
}

/* ---- files and directories ---- */

char *sidecar_runs_root(void)
{
	const char *env = getenv("KTSTR_RUNS_DIR");

	return xstrdup(env && *env ? env : "ktstr-runs");
}

char *sidecar_run_dir(void)
{
	const char *env = getenv("KTSTR_RUN_DIR");
	char *root, *dir;

	if (env && *env)
		return xstrdup(env);
	root = sidecar_runs_root();
	dir = xasprintf("%s/%s", root, timefmt_run_id());
	free(root);
	return dir;
}

static void append_sanitized(struct strbuf *sb, const char *s)
{
	if (!s || !*s) {
		sb_append(sb, "_");
		return;
	}
	for (const char *p = s; *p; p++) {
		char c = *p;
		bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			  (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '+' || c == '-';

		sb_appendn(sb, ok ? &c : "_", 1);
	}
}

char *sidecar_file_name(const char *test, const char *variant, unsigned repeat)
{
	struct strbuf sb = { 0 };

	append_sanitized(&sb, test);
	sb_append(&sb, "-");
	append_sanitized(&sb, variant ? variant : "default");
	if (repeat)
		sb_printf(&sb, ".r%u", repeat);
	sb_append(&sb, SIDECAR_SUFFIX);
	return sb_steal(&sb);
}

int sidecar_write(const struct sidecar_record *r, const char *dir, char **path_out, char **err)
{
	char *name, *path, *text;
	json_t *j;
	int ret;

	if (path_out)
		*path_out = NULL;
	ret = mkdir_p(dir, 0755);
	if (ret < 0) {
		if (err)
			*err = xasprintf("cannot create run directory %s: %s", dir, strerror(-ret));
		return ret;
	}
	name = sidecar_file_name(r->test, r->variant, r->repeats ? r->repeat : 0);
	path = xasprintf("%s/%s", dir, name);
	free(name);
	j = sidecar_to_json(r);
	text = json_dumps(j, JSON_INDENT(2) | JSON_REAL_PRECISION(15));
	json_decref(j);
	if (!text) {
		if (err)
			*err = xasprintf("cannot encode the record for '%s'", r->test ? r->test : "");
		free(path);
		return -EINVAL;
	}
	ret = file_write_atomic(path, text, strlen(text));
	free(text);
	if (ret < 0) {
		if (err)
			*err = xasprintf("cannot write run record %s: %s", path, strerror(-ret));
		free(path);
		return ret;
	}
	if (path_out)
		*path_out = path;
	else
		free(path);
	return 0;
}

int sidecar_read(const char *path, struct sidecar_record *r, char **err)
{
	size_t len;
	char *text, *why = NULL;
	json_error_t jerr;
	json_t *j;
	int ret;

	if (err)
		*err = NULL;
	sidecar_record_init(r);
	errno = 0;
	text = file_read(path, &len, SIDECAR_MAX_BYTES);
	if (!text) {
		ret = errno ? -errno : -EIO;
		if (err)
			*err = xasprintf("%s: cannot read: %s", path, strerror(-ret));
		return ret;
	}
	j = json_loadb(text, len, 0, &jerr);
	free(text);
	if (!j) {
		if (err)
			*err = xasprintf("%s: corrupt record (line %d, column %d: %s)", path,
					 jerr.line, jerr.column, jerr.text);
		return -EINVAL;
	}
	ret = sidecar_from_json(j, r, &why);
	json_decref(j);
	if (ret) {
		if (err)
			*err = xasprintf("%s: %s", path, why ? why : "invalid record");
		free(why);
		return ret;
	}
	return 0;
}

/* Read the record at path, change it, write it back in place. */
static int sidecar_rewrite(const char *path, void (*change)(struct sidecar_record *, const void *),
			   const void *arg, char **err)
{
	struct sidecar_record r;
	char *copy;
	int ret;

	ret = sidecar_read(path, &r, err);
	if (ret)
		return ret;
	change(&r, arg);
	copy = xstrdup(path);
	ret = sidecar_write(&r, dirname(copy), NULL, err);
	free(copy);
	sidecar_record_free(&r);
	return ret;
}

struct attempts_arg {
	const struct ktstr_attempt *a;
	unsigned n;
	bool flaky;
};

static void set_attempts(struct sidecar_record *r, const void *arg)
{
	const struct attempts_arg *aa = arg;

	attempts_free(r->attempts, r->nattempts); /* replaced: the record may have had some */
	r->attempts = xcalloc(aa->n, sizeof(*r->attempts));
	for (unsigned i = 0; i < aa->n; i++) {
		result_copy(&r->attempts[i].result, &aa->a[i].result);
		r->attempts[i].wall_s = aa->a[i].wall_s;
	}
	r->nattempts = aa->n;
	r->flaky = aa->flaky;
}

int sidecar_add_attempts(const char *path, const struct ktstr_attempt *a, unsigned n, bool flaky,
			 char **err)
{
	struct attempts_arg aa = { a, n, flaky };

	return sidecar_rewrite(path, set_attempts, &aa, err);
}

static void set_auto_repro(struct sidecar_record *r, const void *arg)
{
	json_decref(r->auto_repro);
	r->auto_repro = json_incref((json_t *)arg);
}

int sidecar_add_auto_repro(const char *path, json_t *auto_repro, char **err)
{
	return sidecar_rewrite(path, set_auto_repro, auto_repro, err);
}

static bool is_record_name(const char *name)
{
	return name[0] != '.' && str_ends_with(name, SIDECAR_SUFFIX) &&
	       strlen(name) > strlen(SIDECAR_SUFFIX);
}

char **sidecar_list_records(const char *run_dir)
{
	DIR *d = opendir(run_dir);
	struct dirent *e;
	char **v = xcalloc(1, sizeof(*v));
	size_t n = 0;

	while (d && (e = readdir(d))) {
		if (!is_record_name(e->d_name))
			continue;
		v = xrealloc(v, (n + 2) * sizeof(*v));
		v[n++] = xasprintf("%s/%s", run_dir, e->d_name);
		v[n] = NULL;
	}
	if (d)
		closedir(d);
	qsort(v, n, sizeof(*v), str_ptr_cmp);
	return v;
}

static int cmp_run(const void *a, const void *b)
{
	return strcmp(((const struct sidecar_run *)a)->id, ((const struct sidecar_run *)b)->id);
}

int sidecar_list_runs(const char *root, struct sidecar_run **runs, size_t *n)
{
	DIR *d = opendir(root);
	struct dirent *e;
	size_t cap = 0;

	*runs = NULL;
	*n = 0;
	if (!d)
		return errno == ENOENT ? 0 : -errno;
	while ((e = readdir(d))) {
		char *path;
		char **recs;
		size_t count = 0;

		if (e->d_name[0] == '.')
			continue;
		path = xasprintf("%s/%s", root, e->d_name);
		if (!path_is_dir(path)) {
			free(path);
			continue;
		}
		recs = sidecar_list_records(path);
		while (recs[count])
			count++;
		strv_free(recs);
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*runs = xrealloc(*runs, cap * sizeof(**runs));
		}
		(*runs)[(*n)++] = (struct sidecar_run){ .id = xstrdup(e->d_name), .path = path,
							.records = count };
	}
	closedir(d);
	xqsort(*runs, *n, sizeof(**runs), cmp_run);
	return 0;
}

void sidecar_runs_free(struct sidecar_run *runs, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		free(runs[i].id);
		free(runs[i].path);
	}
	free(runs);
}
