/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Run records ("sidecars"): one JSON file per test variant per run, written
 * for every outcome (pass, fail, timeout, crash, skip). docs/records.md
 * describes every field.
 *
 * Layout:
 *	$KTSTR_RUNS_DIR (default ./ktstr-runs)/
 *	  20261127T013000Z-4242/                one directory per run (run id)
 *	    steady-1n1l2c1t.ktstr.json          {test}-{variant}.ktstr.json
 *	$KTSTR_RUN_DIR, when set, is the run directory itself.
 *
 * Records are written atomically (temporary file + rename), so readers never
 * see a partial file and parallel VMs of one run never collide.
 */
#ifndef KTSTR_SIDECAR_H
#define KTSTR_SIDECAR_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err may be NULL, and then no message is made. */

#include <stdbool.h>
#include <stddef.h>

#include <jansson.h>

#include "core/metrics.h"
#include "core/result.h"

#define SIDECAR_SCHEMA_VERSION 1
#define SIDECAR_SUFFIX ".ktstr.json"

/* Every string may be NULL (written as null); lists are NULL-terminated or NULL. */
struct sidecar_record {
	int schema_version;          /* SIDECAR_SCHEMA_VERSION when written */
	char *run_id;
	char *test;
	char *variant;               /* "default", or a gauntlet preset/profile */
	char *config;                /* the variant less its topology, scheduler and kernel
				      * parts: "default" or "preset-profile"; NULL = unknown */
	unsigned repeat, repeats;    /* --repeat: this is repeat (1-based) of repeats; 0 = once */
	char *topology;              /* "1n1l2c1t" the VM actually had */
	char *scheduler;             /* "eevdf", "scx_ktstr" */
	char *scheduler_binary;      /* resolved path; NULL for eevdf */
	char **scheduler_args;
	char **flags;
	char *kernel_version, *kernel_id, *kernel_path;
	char *accel, *accel_reason;  /* "tcg", "/dev/kvm is kvm_pvm ..." */
	char *start;                 /* "booted" (or "restored" once snapshots land) */
	bool expect_err;
	bool expected_failure;       /* expect_err and it did fail */
	struct ktstr_result result;  /* verdict, skip reason, details, stats */
	/* --retries: every attempt, in order, when the variant ran more than once
	 * (then "flaky" and "attempts" are written); NULL/0 when it ran once */
	struct ktstr_attempt *attempts;
	unsigned nattempts;
	bool flaky;                  /* a failed attempt, then a passing one */
	struct metric_set metrics;   /* payload metrics with polarity and unit (metrics.h) */
	json_t *monitor;             /* host-side monitor summary (monitor/report.h), or NULL */
	json_t *trace;               /* --trace: the trace file and what it holds (tracejson.h) */
	json_t *verifier;            /* the verifier's statistics per program (verstats.h) */
	json_t *auto_repro;          /* the probed rerun's hits (runner/repro.h), or NULL */
	/* durations in seconds; negative = unknown (null) */
	double hello_s;              /* launch -> guest init ready */
	double body_s;               /* test body */
	double wall_s;               /* whole run, host side */
	/* how the VM ended */
	bool have_qemu_status;
	int qemu_exit;               /* exit code, or -1 when killed */
	int qemu_signal;             /* signal number, 0 when it exited */
	bool got_exit;
	int guest_exit;
	bool timed_out;
	unsigned timeout_s;
	char *panic_line;
	char *sched_ext_dump;   /* the kernel's sched_ext debug dump, NULL if none */
	char *stage;                 /* last init stage */
	/* host */
	char *host_cpu_model, *host_kernel, *hostname;
	unsigned host_cpus;
	char *project_commit;
	char *started_at, *finished_at; /* ISO-8601 UTC */
	/* `ktstr stats merge`: the shard run this record was merged from (its run
	 * id, shard index of count); NULL/0 for a record its own run wrote */
	char *shard_run_id;
	unsigned shard_index, shard_count;
};

void sidecar_record_init(struct sidecar_record *r); /* zero, durations unknown */
void sidecar_record_free(struct sidecar_record *r);
/* Fill the host_* fields from /proc/cpuinfo, uname and sysconf. */
void sidecar_host_detect(struct sidecar_record *r);
json_t *sidecar_to_json(const struct sidecar_record *r);
/* Strict: unknown schema_version, wrong types and a bad result are errors; *err says which. */
int sidecar_from_json(const json_t *j, struct sidecar_record *r, char **err);

/* The runs root: $KTSTR_RUNS_DIR or "./ktstr-runs". Caller frees. */
char *sidecar_runs_root(void);
/* This run's directory: $KTSTR_RUN_DIR, else {runs root}/{run id}. Caller frees. */
char *sidecar_run_dir(void);
/* "{test}-{variant}.ktstr.json", each part with anything outside [A-Za-z0-9._+-] as '_';
 * repeat > 0 (one of several --repeat runs) adds ".r{repeat}" before the suffix. */
char *sidecar_file_name(const char *test, const char *variant, unsigned repeat);

/* Write r into dir (created if needed) atomically. *path_out (if non-NULL) gets
 * the file written. 0 or -errno with *err. */
int sidecar_write(const struct sidecar_record *r, const char *dir, char **path_out, char **err);
/* Read one record. -ENOENT/-EIO for files, -EINVAL for corrupt JSON or an unknown
 * schema version, with *err naming the file and the problem. */
int sidecar_read(const char *path, struct sidecar_record *r, char **err);
/* Add the attempts (n > 1) and the flaky flag to the record at path, rewriting
 * it in place. 0 or -errno with *err. */
int sidecar_add_attempts(const char *path, const struct ktstr_attempt *a, unsigned n, bool flaky,
			 char **err);

/* Set the auto_repro object (a reference is taken) of the record at path,
 * rewriting it in place. 0 or -errno with *err. */
int sidecar_add_auto_repro(const char *path, json_t *auto_repro, char **err);

/* A run directory found under a runs root. */
struct sidecar_run {
	char *id;       /* directory name */
	char *path;
	size_t records; /* *.ktstr.json files in it */
};
/* Run directories under root, oldest first (run ids sort by time). 0 on success
 * (*runs is empty when root does not exist), -errno when root cannot be read. */
int sidecar_list_runs(const char *root, struct sidecar_run **runs, size_t *n);
void sidecar_runs_free(struct sidecar_run *runs, size_t n);
/* Record files (full paths, sorted) in one run directory; NULL-terminated. */
char **sidecar_list_records(const char *run_dir);

#endif
