// SPDX-License-Identifier: GPL-2.0-only
/* `ktstr kernel`: fetch, list, check and resolve kernels. */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "cli/commands.h"
#include "util/util.h"
#include "vm/bzimage.h"
#include "vm/kbuild.h"
#include "vm/kconfig.h"
#include "vm/kernel.h"
#include "vm/kfetch.h"

static void usage(FILE *f)
{
	fprintf(f,
		"usage: ktstr kernel <command>\n\n"
		"  fetch [--version VER] [--refresh]  or  fetch list-remote [--refresh]\n"
		"        download the newest Debian cloud kernel built with sched_ext (trixie-backports)\n"
		"        into the cache; nothing is downloaded when it is cached already. VER picks a\n"
		"        version (\"7.3.4\"); --refresh updates the package index even when recent.\n"
		"        list-remote: the suite's cloud kernels and whether each has sched_ext.\n"
		"  build [SOURCE] [--config FRAGMENT] [-jN] [--no-build] [--refresh]\n"
		"        build a kernel from SOURCE, a kernel source tree (default: the current\n"
		"        directory) or debian:VERSION (Debian's linux-source-VERSION, e.g.\n"
		"        debian:7.3), with allnoconfig + ktstr's config fragment + FRAGMENT, out\n"
		"        of tree, into the cache; nothing is built when the cache has this source\n"
		"        (git HEAD and changes, or package version) with this config. Prints the\n"
		"        cache id. --no-build: only look it up (exit 1 when not built).\n"
		"  list [--json]\n"
		"        cached kernels, newest first, with their status (images are checksummed)\n"
		"  rm ID...\n"
		"        remove cached kernels\n"
		"  clean --keep N\n"
		"        remove every cached kernel but the N first of `kernel list` (newest)\n"
		"  check IMAGE|DIR|ID  or  check --config FILE\n"
		"        what the kernel lacks to run ktstr tests, from its config; exits 1 when a\n"
		"        hard requirement (sched_ext, BTF, ...) is missing\n"
		"  path [SPEC] [--config|--vmlinux]\n"
		"        the kernel a test run would use: SPEC (image, build tree or cache id) >\n"
		"        $KTSTR_KERNEL > newest valid cached > host kernel with sched_ext\n\n"
		"The cache is $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else ~/.cache/ktstr.\n\n"
		"exit status: 0 done, 1 the command failed (download, missing requirement), 2 usage\n"
		"environment: KTSTR_KERNEL (the default kernel), KTSTR_CACHE_DIR\n\n"
		"examples:\n"
		"  ktstr kernel fetch && ktstr kernel list\n"
		"  ktstr kernel build debian:7.3\n"
		"  ktstr kernel build ~/linux --config my.config -j8\n"
		"  ktstr kernel check /boot/vmlinuz-$(uname -r)\n");
}

static bool is_help(const char *a)
{
	return !strcmp(a, "--help") || !strcmp(a, "-h");
}

/* ---- fetch ---- */

static int list_remote(bool refresh)
{
	struct kfetch_remote *r;
	char *err = NULL;
	size_t n;
	int ret = kfetch_list_remote(refresh, &r, &n, &err);

	for (size_t i = 0; i < n; i++)
		printf("%-32s %s\n", r[i].version, r[i].status);
	if (ret)
		log_err("kernel fetch list-remote: %s", err ? err : strerror(-ret));
	free(err);
	kfetch_remote_free(r, n);
	return ret ? 1 : 0;
}

static int do_fetch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "version", required_argument, NULL, 'v' },
		{ "refresh", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kfetch_opts o = { 0 };
	struct kfetch_result res;
	char *err = NULL, *root;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		if (c == 'v')
			o.version = optarg;
		else if (c == 'r')
			o.refresh = true;
		else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind < argc && !strcmp(argv[optind], "list-remote") && optind + 1 == argc)
		return list_remote(o.refresh);
	if (optind < argc) {
		fprintf(stderr, "ktstr kernel fetch: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	ret = kfetch_run(&o, &res, &err);
	if (ret) {
		log_err("kernel fetch: %s", err ? err : strerror(-ret));
		free(err);
		return 1;
	}
	root = kernel_cache_dir();
	if (res.cached)
		log_info("kernel %s already cached in %s/%s (nothing downloaded, %.1f s)", res.id,
			 root, res.id, res.seconds);
	else
		log_info("kernel %s cached in %s/%s (%llu bytes downloaded in %.1f s)", res.id,
			 root, res.id, res.bytes, res.seconds);
	printf("%s\n", res.id);
	free(root);
	kfetch_result_free(&res);
	return 0;
}

/* ---- build ---- */

static int do_build(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "config", required_argument, NULL, 'c' },
		{ "jobs", required_argument, NULL, 'j' },
		{ "no-build", no_argument, NULL, 'n' },
		{ "refresh", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct kbuild_opts o = { .source = "." };
	struct kbuild_result res;
	char *err = NULL, *end;
	int c, ret;

	optind = 1;
	while ((c = getopt_long(argc, argv, "hj:", opts, NULL)) != -1) {
		if (c == 'c') {
			o.fragment = optarg;
		} else if (c == 'j') {
			unsigned long j = strtoul(optarg, &end, 10);

			if (*end || !j || j > 1024) {
				fprintf(stderr, "ktstr kernel build: -j takes 1..1024, not '%s'\n",
					optarg);
				return 2;
			}
			o.jobs = (unsigned)j;
		} else if (c == 'n') {
			o.no_build = true;
		} else if (c == 'r') {
			o.refresh = true;
		} else {
			usage(c == 'h' ? stdout : stderr);
			return c == 'h' ? 0 : 2;
		}
	}
	if (optind < argc)
		o.source = argv[optind++];
	if (optind < argc) {
		fprintf(stderr, "ktstr kernel build: unexpected argument '%s'\n", argv[optind]);
		return 2;
	}
	ret = kbuild_run(&o, &res, &err);
	if (ret) {
		log_err("kernel build: %s", err ? err : strerror(-ret));
		if (res.log)
			log_err("build log: %s", res.log);
		free(err);
		kbuild_result_free(&res);
		return 1;
	}
	if (res.cached)
		log_info("kernel %s is cached: nothing built (%.1f s)", res.id, res.seconds);
	else
		log_info("kernel %s built and cached in %.1f s (log %s)", res.id, res.seconds,
			 res.log);
	printf("%s\n", res.id);
	kbuild_result_free(&res);
	return 0;
}

/* ---- list ---- */

static uint64_t dir_size(const char *dir)
{
	static const char *const files[] = { "bzImage", "config", "vmlinux", "System.map",
					     "build.log", "metadata.json" };
	uint64_t total = 0;

	for (size_t i = 0; i < ARRAY_SIZE(files); i++) {
		char *p = xasprintf("%s/%s", dir, files[i]);
		struct stat st;

		if (stat(p, &st) == 0)
			total += (uint64_t)st.st_size;
		free(p);
	}
	return total;
}

static char *age(const char *fetched_at)
{
	int64_t t, d;

	if (!fetched_at || kernel_parse_iso8601(fetched_at, &t))
		return xstrdup("-");
	d = (int64_t)time(NULL) - t;
	if (d < 0)
		d = 0;
	if (d < 3600)
		return xasprintf("%lldm", (long long)d / 60);
	if (d < 86400 * 2)
		return xasprintf("%lldh", (long long)d / 3600);
	return xasprintf("%lldd", (long long)d / 86400);
}

static json_t *entry_json(const struct kernel_entry *e)
{
	json_t *o = json_object();
	char *image = xasprintf("%s/bzImage", e->dir);

	json_object_set_new(o, "id", json_string(e->id));
	json_object_set_new(o, "version", e->meta.version ? json_string(e->meta.version) :
							    json_null());
	json_object_set_new(o, "sched_ext", json_boolean(e->meta.sched_ext));
	json_object_set_new(o, "image", json_string(image));
	json_object_set_new(o, "dir", json_string(e->dir));
	json_object_set_new(o, "corrupt", e->corrupt ? json_string(e->corrupt) : json_null());
	json_object_set_new(o, "source", e->meta.source ? json_string(e->meta.source) :
							  json_null());
	json_object_set_new(o, "fetched_at", e->meta.fetched_at ?
						     json_string(e->meta.fetched_at) :
						     json_null());
	json_object_set_new(o, "sha256", e->meta.version ? json_string(e->meta.sha256) :
							   json_null());
	json_object_set_new(o, "size_bytes", json_integer((json_int_t)dir_size(e->dir)));
	free(image);
	return o;
}

static int do_list(int argc, char **argv)
{
	bool as_json = false;
	struct kernel_entry *e;
	size_t n;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--json")) {
			as_json = true;
		} else {
			usage(is_help(argv[i]) ? stdout : stderr);
			return is_help(argv[i]) ? 0 : 2;
		}
	}
	ret = kernel_list(KERNEL_VERIFY_FULL, &e, &n);
	if (ret) {
		log_err("kernel list: %s", strerror(-ret));
		return 1;
	}
	if (as_json) {
		json_t *arr = json_array();
		char *s;

		for (size_t i = 0; i < n; i++)
			json_array_append_new(arr, entry_json(&e[i]));
		s = json_dumps(arr, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		printf("%s\n", s);
		free(s);
		json_decref(arr);
	} else if (!n) {
		char *dir = kernel_cache_dir();

		printf("no cached kernels in %s; `ktstr kernel fetch` gets one\n", dir);
		free(dir);
	} else {
		printf("%-26s %-26s %-9s %9s %5s  %-6s %s\n", "ID", "VERSION", "SCHED_EXT", "SIZE",
		       "AGE", "STATUS", "SOURCE");
		for (size_t i = 0; i < n; i++) {
			char *a = age(e[i].meta.fetched_at);

			printf("%-26s %-26s %-9s %6.1f MB %5s  %-6s %s\n", e[i].id,
			       e[i].meta.version ? e[i].meta.version : "-",
			       e[i].meta.sched_ext ? "yes" : "no", dir_size(e[i].dir) / 1e6, a,
			       e[i].corrupt ? "corrupt:" : "ok",
			       e[i].corrupt ? e[i].corrupt : e[i].meta.source ? e[i].meta.source : "-");
			free(a);
		}
	}
	kernel_entries_free(e, n);
	return 0;
}

/* ---- rm, clean ---- */

static int do_rm(int argc, char **argv)
{
	int ret = 0;

	if (argc < 2 || is_help(argv[1])) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (int i = 1; i < argc; i++) {
		char *err = NULL;

		if (kernel_cache_remove(argv[i], &err)) {
			log_err("kernel rm: %s", err);
			free(err);
			ret = 1;
		} else {
			log_info("removed kernel %s", argv[i]);
		}
	}
	return ret;
}

static int do_clean(int argc, char **argv)
{
	struct kernel_entry *e;
	unsigned long keep;
	char *end = NULL;
	size_t n;
	int ret = 0;

	if (argc == 2 && is_help(argv[1])) {
		usage(stdout);
		return 0;
	}
	if (argc != 3 || strcmp(argv[1], "--keep") || !*argv[2] ||
	    (keep = strtoul(argv[2], &end, 10), *end)) {
		fprintf(stderr, "ktstr kernel clean: give --keep N (the newest N stay)\n");
		return 2;
	}
	if ((ret = kernel_list(KERNEL_VERIFY_QUICK, &e, &n))) {
		log_err("kernel clean: %s", strerror(-ret));
		return 1;
	}
	for (size_t i = keep; i < n; i++) {
		char *err = NULL;

		if (kernel_cache_remove(e[i].id, &err)) {
			log_err("kernel clean: %s", err);
			free(err);
			ret = 1;
		} else {
			log_info("removed kernel %s", e[i].id);
		}
	}
	log_info("%zu cached kernel%s kept", MIN(n, (size_t)keep), MIN(n, (size_t)keep) == 1 ? "" : "s");
	kernel_entries_free(e, n);
	return ret;
}

/* ---- check ---- */

static void print_requirements(const struct kconfig_report *rep)
{
	for (size_t i = 0; i < rep->n; i++) {
		const struct kconfig_req_result *r = &rep->r[i];
		struct strbuf opts = { 0 };

		for (const char *const *o = r->req->options; *o; o++)
			sb_printf(&opts, "%s%s=y", opts.len ? " " : "", *o);
		printf("  %-8s %-18s %s", r->ok ? "ok" : r->req->hard ? "missing" : "warning",
		       r->req->what, r->ok ? opts.buf : r->detail);
		if (!r->ok)
			printf(" (%s)", r->req->why);
		printf("\n");
		sb_free(&opts);
	}
}

/* Image line; false when the image is not a usable bzImage. */
static bool check_image(const char *image)
{
	struct bzimage_hdr h;
	char *err = NULL;

	if (bzimage_read_header(image, &h, &err)) {
		printf("  %-8s %-18s %s\n", "missing", "bzImage", err);
		free(err);
		return false;
	}
	printf("  %-8s %-18s boot protocol %u.%02u, %s payload\n", "ok", "bzImage", h.protocol >> 8,
	       h.protocol & 0xff, bzimage_comp_name(h.comp));
	return true;
}

static int do_check(int argc, char **argv)
{
	const char *config = NULL, *spec = NULL;
	struct kernel_info k = { 0 };
	struct kconfig_report rep;
	struct strbuf missing = { 0 };
	struct kconfig kc;
	char *err = NULL, *where = NULL;
	int ret;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") && i + 1 < argc) {
			config = argv[++i];
		} else if (argv[i][0] != '-' && !spec) {
			spec = argv[i];
		} else {
			usage(is_help(argv[i]) ? stdout : stderr);
			return is_help(argv[i]) ? 0 : 2;
		}
	}
	if (!spec && !config) {
		fprintf(stderr, "ktstr kernel check: name an image, build tree or cache id "
				"(or --config FILE)\n");
		return 2;
	}
	if (spec && kernel_resolve(spec, &k, &err)) {
		log_err("kernel check: %s", err);
		free(err);
		return 1;
	}
	if (config)
		ret = kconfig_load(config, &kc, &err);
	else
		ret = kconfig_load_image(k.image, &kc, &where, &err);
	if (ret) {
		log_err("kernel check: %s", err);
		free(err);
		kernel_info_free(&k);
		return 1;
	}
	if (spec) {
		printf("kernel:  %s%s%s%s\n", k.image, k.version ? " (" : "",
		       k.version ? k.version : "", k.version ? ")" : "");
		printf("vmlinux: %s\n", k.vmlinux ? k.vmlinux : "none beside the image");
	}
	printf("config:  %s\n", config ? config : where);
	free(where);
	if (spec && !check_image(k.image))
		sb_append(&missing, "bzImage");
	kconfig_check(&kc, &rep);
	print_requirements(&rep);
	for (size_t i = 0; i < rep.n; i++)
		if (!rep.r[i].ok && rep.r[i].req->hard)
			sb_printf(&missing, "%s%s", missing.len ? ", " : "", rep.r[i].req->what);
	if (missing.len)
		printf("result:  NOT usable: missing %s\n", missing.buf);
	else
		printf("result:  ok, this kernel can run ktstr tests\n");
	ret = missing.len ? 1 : 0;
	sb_free(&missing);
	kconfig_report_free(&rep);
	kconfig_free(&kc);
	kernel_info_free(&k);
	return ret;
}

/* ---- path ---- */

static int do_path(int argc, char **argv)
{
	const char *spec = NULL, *what = "image";
	struct kernel_info k;
	const char *out;
	char *err = NULL;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--config") || !strcmp(argv[i], "--vmlinux")) {
			what = argv[i] + 2;
		} else if (argv[i][0] != '-' && !spec) {
			spec = argv[i];
		} else {
			usage(is_help(argv[i]) ? stdout : stderr);
			return is_help(argv[i]) ? 0 : 2;
		}
	}
	if (kernel_resolve(spec, &k, &err)) {
		log_err("%s", err);
		free(err);
		return 1;
	}
	out = !strcmp(what, "config") ? k.config : !strcmp(what, "vmlinux") ? k.vmlinux : k.image;
	if (!out) {
		log_err("kernel %s has no %s", k.image, what);
		kernel_info_free(&k);
		return 1;
	}
	log_info("kernel %s (%s, sched_ext %s)", k.version ? k.version : "?", k.source,
		 k.sched_ext ? "yes" : "no");
	printf("%s\n", out);
	kernel_info_free(&k);
	return 0;
}

int cmd_kernel(int argc, char **argv)
{
	static const struct {
		const char *name;
		int (*run)(int argc, char **argv);
	} sub[] = {
		{ "build", do_build },
		{ "check", do_check },
		{ "clean", do_clean },
		{ "fetch", do_fetch },
		{ "list", do_list },
		{ "path", do_path },
		{ "rm", do_rm },
	};

	if (argc < 2 || is_help(argv[1]) || !strcmp(argv[1], "help")) {
		usage(argc < 2 ? stderr : stdout);
		return argc < 2 ? 2 : 0;
	}
	for (size_t i = 0; i < ARRAY_SIZE(sub); i++)
		if (!strcmp(argv[1], sub[i].name))
			return sub[i].run(argc - 1, argv + 1);
	fprintf(stderr, "ktstr kernel: unknown command '%s'\n\n", argv[1]);
	usage(stderr);
	return 2;
}
