#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots VMs: the passing workload tests must PASS with their stats shown; the
# negative ones must FAIL with the failure kind that catches them.
# usage: test_workloads.sh POSITIVE_BINARY NEGATIVE_BINARY
set -u
pos=$1 neg=$2
runs=$(mktemp -d /tmp/ktstr-wltest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

out=$("$pos" -v 2>&1)
code=$?
printf '%s\n' "$out"
if [ "$code" -ne 0 ]; then
	echo "not ok: $pos exited $code, want 0"; fails=$((fails + 1))
fi
for name in wl_steady_and_isolation wl_catalog_dynamic wl_all_work_types; do
	if ! printf '%s\n' "$out" | grep -q "^PASS $name "; then
		echo "not ok: no 'PASS $name' line"; fails=$((fails + 1))
	fi
done
for stat in 'cgroup.cg_0.work_units' 'cgroup.llc_1.cpus' 'worst_gap_ms' 'cgroup.FanOutCompute.work_units'; do
	if ! printf '%s\n' "$out" | grep -q "$stat"; then
		echo "not ok: stat $stat not shown"; fails=$((fails + 1))
	fi
done

. "$(dirname "$0")/check_fail.sh"

check_fail "$neg" wl_isolation_escape '\[isolation\] worker [0-9]+ ran on unexpected CPUs'
check_fail "$neg" wl_fifo_hog '\[(stuck|starved)\] worker [0-9]+ (stuck|starved).* in cgroup victim'
if pgrep -a qemu-system | grep -q "$runs"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
