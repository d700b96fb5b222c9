#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Two gauntlet variants boot: each VM gets its preset's topology and the
# scheduler its profile's flag arguments; records name the variant, and the
# monitor's BPF run stats show the slow profile's 1 ms ops.dispatch.
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
# the host-side monitor read each callback's run stats: the slow profile's
# ops.dispatch busy-waits 2 ms a call, the default one's does not
python3 - $(find "$tmp/runs" -name '*.json') <<'PY' || fail "dispatch run time does not tell the profiles apart"
import json, sys
for path in sys.argv[1:]:
    r = json.load(open(path))
    progs = {p["name"]: p for p in r["monitor"]["bpf_progs"]}
    d = progs["ktstr_dispatch"]
    slow = "--slow-dispatch" in (r["scheduler"].get("args") or [])
    print("%s: ktstr_dispatch %d calls, %.0f ns/call, %d insns verified" % (
        r["variant"], d["calls"], d["ns_per_call"], d["verified_insns"]))
    assert d["calls"] > 0 and d["verified_insns"] > 0
    assert (d["ns_per_call"] >= 2e6) == slow
PY
echo ok
