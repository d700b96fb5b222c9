#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots VMs: a crashing body and a hanging body must each FAIL with the right
# reason, exit 1, and leave a run record; no QEMU may be left behind.
# usage: test_runtime.sh NEGATIVE_BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-vmtest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

. "$(dirname "$0")/check_fail.sh"

check_fail "$bin" body_segv 'killed by SIGSEGV'
check_fail "$bin" body_timeout 'timed out'
if pgrep -a qemu-system | grep -q "$runs\|ktstr-body_"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
