/* SPDX-License-Identifier: GPL-2.0-only */
/* Exclusive advisory locks on files (flock), held until the descriptor is closed. */
#ifndef KTSTR_LOCK_H
#define KTSTR_LOCK_H

/* Lock path (created when missing). When another process holds it, log that this
 * one waits for `holder` ("another `ktstr kernel fetch`") and wait. Returns the
 * descriptor to close to unlock, or a negative errno with *err set (err may be NULL). */
int lock_path(const char *path, const char *holder, char **err);

#endif
