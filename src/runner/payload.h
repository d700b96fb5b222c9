/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Payloads, host side: validate definitions, and pack what a test declares
 * (its include files, -i files, every payload's binary and include files)
 * into the initramfs under /include-files/. The guest side (running a
 * payload, extracting and checking its metrics) is guest/payload_run.c.
 */
#ifndef KTSTR_TS_PAYLOAD_H
#define KTSTR_TS_PAYLOAD_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <ktstr/ktstr.h>
#include <stddef.h>

#include "core/metrics.h"

struct initramfs;

/* Problems of one definition: empty name or binary, unknown output format, a
 * metric check without a metric, a range with lo > hi, a hint without a name,
 * KTSTR_OUTPUT_FILE with the exit-code format. 0, or -EINVAL with *err. */
int payload_validate(const struct ktstr_payload *p, char **err);

/* Add t's include_files, extra (the -i options) and t's payloads to ir (t and
 * extra may be NULL). 0 or -errno with *err naming what failed. */
int payload_pack(struct initramfs *ir, const struct ktstr_test *t, const char *const *extra,
		 const char *path_env, char **err);

/*
 * One CHAN_METRICS frame from the guest, {"payload":NAME,"metrics":[...]}:
 * its metrics are appended to into as "NAME.<metric>" ("NAME#2.<metric>" for
 * the second run of NAME in the test, ...). The frame is untrusted: a bad
 * payload name (empty, over 64 bytes, not [A-Za-z0-9_-]) or bad metrics is
 * -EINVAL with *err; into never grows past METRICS_MAX_COUNT (-E2BIG).
 */
int payload_metrics_merge(struct metric_set *into, const void *frame, size_t len, char **err);

#endif
