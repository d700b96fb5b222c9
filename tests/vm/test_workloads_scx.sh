#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Workloads on scx_ktstr: the steady test must PASS; the test whose scheduler
# exits mid-run must FAIL [sched_died].
# usage: test_workloads_scx.sh BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-wlscx-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0
not_ok() { echo "not ok: $*"; fails=$((fails + 1)); }

out=$("$bin" -v --exact wl_scx_steady 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 0 ] || not_ok "wl_scx_steady exited $code, want 0"
printf '%s\n' "$out" | grep -q '^PASS wl_scx_steady ' || not_ok "no 'PASS wl_scx_steady' line"
printf '%s\n' "$out" | grep -q 'cgroup.free.p99_wake_latency_us' || not_ok "no latency stat shown"

out=$("$bin" --exact wl_scx_dies 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 1 ] || not_ok "wl_scx_dies exited $code, want 1"
printf '%s\n' "$out" | grep -q '^FAIL wl_scx_dies ' || not_ok "no 'FAIL wl_scx_dies' line"
# the guest's scheduler watch or the scenario's liveness check between steps, whichever
# sees it first
printf '%s\n' "$out" | grep -Eq '\[sched_died\] .*(died mid-test|died unexpectedly after completing step)' ||
	not_ok "wl_scx_dies lacks a [sched_died] detail"
if pgrep -a qemu-system | grep -q "$runs"; then
	not_ok "QEMU left running"
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
