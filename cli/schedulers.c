// SPDX-License-Identifier: GPL-2.0-only
/*
 * Schedulers `ktstr run --scheduler NAME` knows by name (besides eevdf).
 * scx_ktstr is the fixture built from schedulers/scx_ktstr: found next to
 * ktstr when installed, in the build tree's schedulers/, or on $PATH.
 */
#include <ktstr/ktstr.h>

KTSTR_SCHEDULER(scx_ktstr, .binary = "scx_ktstr");
