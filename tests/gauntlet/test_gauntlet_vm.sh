#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Two gauntlet variants boot: each VM gets its preset's topology and the
# scheduler its profile's flag arguments; records name the variant.
# usage: test_gauntlet_vm.sh GAUNTLET_PAIR_BINARY
set -u
bin=$1
tmp=$(mktemp -d /tmp/ktstr-gauntlet-vm-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export KTSTR_RUNS_DIR=$tmp/runs KTSTR_MAX_VCPUS=8
unset KTSTR_BUDGET_SECS
fail() { echo "not ok: $*"; exit 1; }

"$bin" --gauntlet --exact gauntlet/pair_sched/tiny-2llc/default \
	--exact gauntlet/pair_sched/smt-2llc/verbose+slow >"$tmp/out" 2>"$tmp/err"
code=$?
cat "$tmp/out" "$tmp/err"
[ "$code" -eq 0 ] || fail "exit $code"
grep -q '^PASS gauntlet/pair_sched/tiny-2llc/default (1n2l2c1t' "$tmp/out" || fail "tiny-2llc line"
grep -q '^PASS gauntlet/pair_sched/smt-2llc/verbose+slow (1n2l2c2t' "$tmp/out" || fail "smt-2llc line"
tail -n 1 "$tmp/out" | grep -qx '2 passed, 0 failed, 0 skipped' || fail "closing line"
# the records: one per variant, the profile's scheduler arguments in the second
n=$(find "$tmp/runs" -name '*.json' | wc -l)
[ "$n" -eq 2 ] || fail "$n records, want 2"
grep -l 'slow-dispatch' $(find "$tmp/runs" -name '*.json') | wc -l | grep -qx 1 ||
	fail "no record with the verbose+slow arguments"
echo ok
