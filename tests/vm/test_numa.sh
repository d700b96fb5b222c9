#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots two 2-node VMs: memory bound to the cgroup's node must PASS with page
# locality 1 (printed); bound to the other node the locality check must FAIL it.
# usage: test_numa.sh BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-numatest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

out=$("$bin" -v --exact numa_bind_locality 2>&1)
code=$?
printf '%s\n' "$out"
if [ "$code" -ne 0 ]; then
	echo "not ok: numa_bind_locality exited $code, want 0"; fails=$((fails + 1))
fi
if ! printf '%s\n' "$out" | grep -q "^PASS numa_bind_locality "; then
	echo "not ok: no 'PASS numa_bind_locality' line"; fails=$((fails + 1))
fi
loc=$(printf '%s\n' "$out" | sed -n 's/^ *worst_page_locality = \([0-9.]*\)$/\1/p' | head -n 1)
echo "page locality with memory bound to the cgroup's node: ${loc:-none}"
if [ "$loc" != 1 ]; then
	echo "not ok: page locality ${loc:-not shown}, want 1"; fails=$((fails + 1))
fi

. "$(dirname "$0")/check_fail.sh"

check_fail "$bin" numa_wrong_node \
	'\[page_locality\] cgroup cg: page locality 0\.0000 < limit 0\.9 \(0 of [0-9]+ pages'
if pgrep -a qemu-system | grep -q "$runs"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
