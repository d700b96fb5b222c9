#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `--list --gauntlet` of gauntlet_pair: exactly the accepted presets x the 3
# flag profiles; filters, --partition and --budget narrow it as documented.
# No VM boots. usage: test_gauntlet_list.sh GAUNTLET_PAIR_BINARY
set -u
bin=$1
tmp=$(mktemp -d /tmp/ktstr-gauntlet-list-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
export KTSTR_ACCEL=tcg KTSTR_MAX_VCPUS=8 KTSTR_RUNS_DIR=$tmp/runs
unset KTSTR_BUDGET_SECS
fail() { echo "not ok: $*"; exit 1; }

profiles() {
	for p in "$@"; do
		for f in default verbose verbose+slow; do echo "gauntlet/pair_sched/$p/$f"; done
	done
}

# TCG with 8 vCPUs per VM: min_llcs 2 and max_cpus 9 leave tiny-2llc and smt-2llc
"$bin" --list --gauntlet >"$tmp/out" || fail "--list --gauntlet exited $?"
{ echo pair_host; echo pair_sched; profiles tiny-2llc smt-2llc; } >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" || fail "--list --gauntlet (8 vCPUs)"
cat "$tmp/out"

# more vCPUs allowed: odd-3llc (9 CPUs) joins; nothing above max_cpus 9
KTSTR_MAX_VCPUS=64 "$bin" --list --gauntlet >"$tmp/out" || fail "exit $?"
{ echo pair_host; echo pair_sched; profiles tiny-2llc odd-3llc smt-2llc; } >"$tmp/want"
diff -u "$tmp/want" "$tmp/out" || fail "--list --gauntlet (64 vCPUs)"

# without --gauntlet: the tests alone
"$bin" --list >"$tmp/out" || fail "exit $?"
printf 'pair_host\npair_sched\n' | diff -u - "$tmp/out" || fail "--list"

# filters apply to variant names
"$bin" --list --gauntlet smt-2llc/verbose >"$tmp/out" || fail "exit $?"
printf 'gauntlet/pair_sched/smt-2llc/verbose\ngauntlet/pair_sched/smt-2llc/verbose+slow\n' |
	diff -u - "$tmp/out" || fail "filter"

# partitions 1/3, 2/3, 3/3 together list every item exactly once
"$bin" --list --gauntlet | sort >"$tmp/all"
for i in 1 2 3; do "$bin" --list --gauntlet --partition $i/3 || fail "partition $i/3"; done |
	sort >"$tmp/parts"
diff -u "$tmp/all" "$tmp/parts" || fail "partitions do not cover every item exactly once"

# a budget picks a covering subset and says so on stderr
"$bin" --list --gauntlet --budget 60 >"$tmp/out" 2>"$tmp/err" || fail "budget exit $?"
cat "$tmp/err"
grep -Eq '^budget 60 s: [0-9]+ of 8 (tests|variants), [0-9]+/[0-9]+ features covered, estimated [0-9]+ s$' \
	"$tmp/err" || fail "no budget line"
n=$(wc -l <"$tmp/out")
[ "$n" -ge 2 ] && [ "$n" -lt 8 ] || fail "budget 60 chose $n items"
KTSTR_BUDGET_SECS=60 "$bin" --list --gauntlet 2>/dev/null | diff -u "$tmp/out" - ||
	fail "KTSTR_BUDGET_SECS differs from --budget"

# at run time the budget refuses an item that would end past it: one at a
# time, pair_host runs 6 s against an estimate of 4, then pair_sched (estimate
# 25) no longer fits 30 s: SKIP, no VM booted, no kernel needed
"$bin" -j 1 --budget 30 --exact pair_host --exact pair_sched >"$tmp/out" 2>"$tmp/err"
code=$?
cat "$tmp/out"
[ "$code" -eq 0 ] || fail "budget run exit $code"
grep -q '^budget 30 s: 2 of 2 tests' "$tmp/err" || fail "both should be chosen: $(cat "$tmp/err")"
grep -q '^PASS pair_host' "$tmp/out" || fail "pair_host did not run"
grep -q '^SKIP pair_sched' "$tmp/out" || fail "pair_sched not refused"
grep -q 'not started: the --budget of 30 s would be exceeded' "$tmp/out" || fail "refusal reason"
tail -n 1 "$tmp/out" | grep -qx '1 passed, 0 failed, 1 skipped' || fail "closing line"
KTSTR_NO_SKIP=1 "$bin" -j 1 --budget 30 --exact pair_host --exact pair_sched >"$tmp/out" 2>&1 &&
	fail "--no-skip: a refused item must fail"
grep -q '^FAIL pair_sched' "$tmp/out" || fail "--no-skip: no FAIL line"

# usage errors
"$bin" --list --partition 4/3 >/dev/null 2>&1 && fail "--partition 4/3 accepted"
"$bin" --list --kernel a=/x --kernel a=/y >/dev/null 2>"$tmp/err" && fail "duplicate kernel labels accepted"
grep -q "label 'a'" "$tmp/err" || fail "duplicate label message: $(cat "$tmp/err")"
echo ok
