// SPDX-License-Identifier: GPL-2.0-only
/*
 * `ktstr topo`: the host's CPU topology and accelerator, or with --vm the
 * topology a guest booted with a declared NnLlCcTt actually sees.
 */
#include <errno.h>
#include <getopt.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli/commands.h"
#include "core/topo.h"
#include "guest/hwtopo.h"
#include "runner/runtime.h"
#include "util/util.h"
#include "vm/accel.h"
#include "vm/kernel.h"
#include "vm/vm.h"

#define TOPO_DEFAULT_TIMEOUT_S 60

static void topo_usage(FILE *f)
{
	fprintf(f,
		"usage: ktstr topo [--json]\n"
		"       ktstr topo --vm NnLlCcTt [--kernel K] [--memory MB] [--timeout S]\n"
		"                  [--cmdline WORDS] [--json]\n\n"
		"Without --vm: the host's CPUs, LLC groups, SMT siblings, NUMA nodes and\n"
		"distances, and which accelerator VMs would use and why.\n"
		"With --vm: boot a VM with N NUMA nodes, L LLCs in total, C cores per LLC and\n"
		"T threads per core, and print what the guest kernel sees, whether sched_ext\n"
		"is available, and the time from launch to the guest's hello.\n\n"
		"  --kernel K      kernel image, build tree or cache id (default: KTSTR_KERNEL,\n"
		"                  then the newest cached kernel)\n"
		"  --memory MB     guest memory in total (default %u)\n"
		"  --timeout S     give up and kill the VM after S seconds (default %u)\n"
		"  --cmdline WORDS extra kernel command-line words; for launcher tests,\n"
		"                  ktstr.fault=panic|hang|garbage makes the guest misbehave\n"
		"  --json          one JSON object: cpus, llcs, numa_nodes (counts) and the\n"
		"                  groups as lists\n\n"
		"exit status: 0 shown, 1 the VM failed or the guest disagrees, 2 usage error\n"
		"environment: KTSTR_KERNEL (default kernel), KTSTR_ACCEL (kvm or tcg)\n\n"
		"examples:\n"
		"  ktstr topo\n"
		"  ktstr topo --vm 2n4l2c2t --json\n",
		VM_DEFAULT_MEMORY_MB, TOPO_DEFAULT_TIMEOUT_S);
}

static int topo_host(bool json)
{
	struct hw_topo *t = xmalloc(sizeof(*t));
	struct accel_choice accel;
	char *err = NULL;
	int r = hw_topo_read("/sys", t, &err);

	if (r) {
		log_err("cannot read the host topology: %s", err);
		free(err);
		free(t);
		return 1;
	}
	if (accel_detect(&accel)) {
		free(t);
		return 1;
	}
	if (json) {
		char *s = hw_topo_to_json(t);
		json_t *o = json_loads(s, 0, NULL);

		json_object_set_new(o, "accel", json_string(accel_name(accel.kind)));
		json_object_set_new(o, "accel_reason", json_string(accel.reason));
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(o);
		free(s);
	} else {
		printf("host topology:\n");
		hw_topo_print(stdout, t, "  ");
		printf("accelerator:   %s (%s)\n", accel_name(accel.kind), accel.reason);
	}
	free(t);
	return 0;
}

/* What the guest told us. */
struct topo_seen {
	json_t *hello;
	char *topo_json;
	char *log;
};

static void topo_on_frame(void *arg, const struct chan_frame *f)
{
	struct topo_seen *s = arg;

	switch (f->type) {
	case CHAN_HELLO:
		if (!s->hello)
			s->hello = json_loadb((const char *)f->data, f->len, 0, NULL);
		break;
	case CHAN_TOPO:
		if (!s->topo_json)
			s->topo_json = xstrndup((const char *)f->data, f->len);
		break;
	case CHAN_LOG:
		free(s->log);
		s->log = xstrndup((const char *)f->data, f->len);
		break;
	default:
		break;
	}
}

static void topo_print_vm(const char *want, const struct accel_choice *accel,
			  const struct vm_result *res, const struct topo_seen *seen,
			  const struct hw_topo *t, bool json)
{
	json_t *hello_rel = seen->hello ? json_object_get(seen->hello, "uname") : NULL;
	json_t *hello_scx = seen->hello ? json_object_get(seen->hello, "sched_ext") : NULL;
	const char *release = json_is_string(hello_rel) ? json_string_value(hello_rel) : "?";
	bool scx = json_is_true(hello_scx);

	if (json) {
		char *s = hw_topo_to_json(t);
		json_t *o = json_object(), *tj = json_loads(s, 0, NULL);

		json_object_set_new(o, "topology", json_string(want));
		json_object_set_new(o, "kernel_release", json_string(release));
		json_object_set_new(o, "sched_ext", json_boolean(scx));
		json_object_set_new(o, "accel", json_string(accel_name(accel->kind)));
		json_object_set_new(o, "accel_reason", json_string(accel->reason));
		json_object_set_new(o, "hello_s", json_real(res->hello_s));
		json_object_set_new(o, "wall_s", json_real(res->wall_s));
		json_object_update(o, tj);
		json_dumpf(o, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER);
		putchar('\n');
		json_decref(tj);
		json_decref(o);
		free(s);
		return;
	}
	printf("guest topology (requested %s, kernel %s):\n", want, release);
	hw_topo_print(stdout, t, "  ");
	printf("sched_ext:     %s\n", scx ? "available (/sys/kernel/sched_ext)" : "not available");
	printf("accelerator:   %s (%s)\n", accel_name(accel->kind), accel->reason);
	printf("launch->hello: %.2f s (VM wall %.2f s)\n", res->hello_s, res->wall_s);
}

static int topo_vm(const char *want, const char *kernel_spec, unsigned memory_mb,
		   unsigned timeout_s, const char *cmdline, bool json)
{
	struct ktstr_topology topo;
	struct kernel_info kernel = { 0 };
	struct accel_choice accel;
	struct topo_seen seen = { 0 };
	struct vm_result res = { 0 };
	struct hw_topo *t = NULL;
	char *err = NULL, *dir = NULL, *cpio = NULL, *problem = NULL;
	int rc = 1;

	if (topo_parse(want, &topo, &err)) {
		log_err("%s", err);
		free(err);
		return 2;
	}
	if (accel_detect(&accel))
		return 2;
	if (kernel_resolve(kernel_spec, &kernel, &err)) {
		log_err("%s", err);
		goto out;
	}
	dir = scratch_dir_new("topo");
	if (!dir) {
		log_err("cannot create a scratch directory: %s", strerror(errno));
		goto out;
	}
	cpio = runtime_initramfs(NULL, kernel.config, NULL, NULL, &err);
	if (!cpio) {
		log_err("initramfs: %s", err ? err : "failed");
		goto out;
	}

	struct vm_spec spec = {
		.topo = &topo,
		.memory_mb = memory_mb,
		.kernel = kernel.image,
		.initramfs = cpio,
		.cmdline = cmdline,
		.accel = accel,
		.timeout_s = timeout_s,
		.work_dir = dir,
		.on_frame = topo_on_frame,
		.arg = &seen,
	};

	vm_run(&spec, &res);
	problem = vm_result_problem(&res);
	if (!problem && !seen.topo_json)
		problem = xasprintf("the guest sent no topology%s%s", seen.log ? ": " : "",
				    seen.log ? seen.log : "");
	if (!problem) {
		t = xmalloc(sizeof(*t));
		if (hw_topo_from_json(seen.topo_json, t, &err))
			problem = xasprintf("the guest's topology is malformed: %s", err);
	}
	if (problem) {
		log_err("VM %s (kernel %s, %s) failed: %s", want, kernel.image,
			accel_name(accel.kind), problem);
		if (res.scx_disabled_line)
			log_err("sched_ext: %s", res.scx_disabled_line);
		goto out;
	}
	topo_print_vm(want, &accel, &res, &seen, t, json);
	rc = 0;
out:
	if (dir) {
		if (rc == 0)
			rm_rf(dir);
		else if (res.console_log)
			log_err("console log kept in %s", res.console_log);
	}
	vm_result_free(&res);
	kernel_info_free(&kernel);
	json_decref(seen.hello);
	free(seen.topo_json);
	free(seen.log);
	free(problem);
	free(t);
	free(cpio);
	free(dir);
	free(err);
	return rc;
}

static int topo_unsigned(const char *opt, const char *text, unsigned *out)
{
	uint64_t v;

	if (str_to_u64(text, &v) || v == 0 || v > 1000000) {
		log_err("%s '%s': expected a positive number", opt, text);
		return -1;
	}
	*out = (unsigned)v;
	return 0;
}

int cmd_topo(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "vm", required_argument, NULL, 'v' },
		{ "kernel", required_argument, NULL, 'k' },
		{ "memory", required_argument, NULL, 'm' },
		{ "timeout", required_argument, NULL, 't' },
		{ "cmdline", required_argument, NULL, 'c' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	const char *vm = NULL, *kernel = NULL, *cmdline = NULL;
	unsigned memory = 0, timeout = TOPO_DEFAULT_TIMEOUT_S;
	bool json = false;
	int c;

	optind = 1;
	while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
		switch (c) {
		case 'v':
			vm = optarg;
			break;
		case 'k':
			kernel = optarg;
			break;
		case 'm':
			if (topo_unsigned("--memory", optarg, &memory))
				return 2;
			break;
		case 't':
			if (topo_unsigned("--timeout", optarg, &timeout))
				return 2;
			break;
		case 'c':
			cmdline = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'h':
			topo_usage(stdout);
			return 0;
		default:
			topo_usage(stderr);
			return 2;
		}
	}
	if (optind < argc) {
		log_err("topo: unexpected argument '%s'", argv[optind]);
		topo_usage(stderr);
		return 2;
	}
	if (!vm) {
		if (kernel || cmdline || memory) {
			log_err("topo: --kernel, --memory and --cmdline need --vm");
			return 2;
		}
		return topo_host(json);
	}
	return topo_vm(vm, kernel, memory, timeout, cmdline, json);
}
