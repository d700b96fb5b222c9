/* SPDX-License-Identifier: GPL-2.0-only */
/* Cgroups, workers and scenarios inside a test body. Included by <ktstr/ktstr.h>. */
#ifndef KTSTR_SCENARIO_H
#define KTSTR_SCENARIO_H

#endif
