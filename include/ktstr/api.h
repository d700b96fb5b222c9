/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * KTSTR_API marks the library's public interface. libktstr is built with
 * -fvisibility=hidden and its internal symbols are made local in the installed
 * archive, so a test binary sees only the ktstr_* names declared with it (and
 * main): a test file may define its own log_err, xmalloc or file_read.
 */
#ifndef KTSTR_API_H
#define KTSTR_API_H

#define KTSTR_API __attribute__((visibility("default")))

#endif
