/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small QMP client for the launcher (template save and restore, vm/snapshot.h).
 * QEMU connects to a unix socket the host listens on (`-chardev socket,
 * server=off` + `-mon mode=control`); the client reads the greeting, enters
 * command mode and runs commands one at a time. Every read has a deadline and
 * a line cap: QEMU is trusted no more than the guest.
 */
#ifndef KTSTR_QMP_H
#define KTSTR_QMP_H

/* Errors: a function taking char **err sets *err to an allocated message (caller
 * frees) when it fails; err must not be NULL. */

#include <jansson.h>

#define QMP_LINE_MAX (64u << 10)

struct qmp;

/* Accept QEMU's connection on listen_fd, read the greeting and send
 * qmp_capabilities. 0 and *out, or -errno and *err. */
int qmp_accept(int listen_fd, unsigned timeout_ms, struct qmp **out, char **err);
/* Run one command (args may be NULL; the reference is stolen). Events that
 * arrive meanwhile are skipped. 0 and *ret (the "return" value, may be NULL
 * if ret is NULL) or -errno and *err (QMP's error "desc" for -EPROTO). */
int qmp_exec(struct qmp *q, const char *cmd, json_t *args, unsigned timeout_ms, json_t **ret,
	     char **err);
/* Poll query-migrate until its status is "completed" (0), "failed" (-EIO) or
 * the time is up (-ETIMEDOUT). */
int qmp_wait_migration(struct qmp *q, unsigned timeout_ms, char **err);
void qmp_close(struct qmp *q);

#endif
