#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `ktstr run` with the bundled fixture scheduler, found by its name:
# steady passes naming scheduler and ops; --sched-args '--stall-after 1' fails
# with the watchdog's stall reason; a missing scheduler binary is refused on
# the host before any VM boots, naming its path (exit 2, as a usage error).
# usage: test_run_sched.sh KTSTR
set -u
ktstr=$1
runs=$(mktemp -d /tmp/ktstr-vmtest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

check() { # want-exit pattern -- ktstr run args...
	want=$1 pat=$2
	shift 3
	out=$("$ktstr" run "$@" 2>&1)
	code=$?
	printf '%s\n' "$out"
	if [ "$code" -ne "$want" ]; then
		echo "not ok: ktstr run $* exited $code, want $want"; fails=$((fails + 1))
	fi
	if ! printf '%s\n' "$out" | grep -qF -- "$pat"; then
		echo "not ok: ktstr run $* output lacks '$pat'"; fails=$((fails + 1))
	fi
}

check 0 'scx_ktstr ops=ktstr' -- --scheduler scx_ktstr --topology 1n1l2c1t --scenario steady
check 1 'runnable task stall' -- --scheduler scx_ktstr --topology 1n1l2c1t --scenario steady \
	--sched-args '--stall-after 1'
start=$(date +%s)
check 2 'binary /nonexistent/scx_none does not exist' -- --scheduler /nonexistent/scx_none \
	--scenario steady
if [ $(($(date +%s) - start)) -gt 5 ]; then
	echo "not ok: a missing scheduler binary took more than 5 s to refuse"; fails=$((fails + 1))
fi
if pgrep -a qemu-system | grep -q "ktstr-steady"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
