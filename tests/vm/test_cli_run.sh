#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `ktstr run` on its default path, as the README's main job: one scenario on
# 1n1l2c1t under eevdf (and scx_ktstr when built): exit 0, one progress line
# per start/finish on a non-terminal stderr (no control characters), the
# results table with a PASS row per scheduler, the closing line, a record per
# test, a JUnit file; --json gives the same results as JSON on stdout.
# usage: test_cli_run.sh KTSTR [SCX_KTSTR_BUILT=0|1]
set -u
ktstr=$1
scx=${2:-0}
runs=$(mktemp -d /tmp/ktstr-vmtest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fail() { echo "not ok: $*"; exit 1; }

set -- --scenario steady --topology 1n1l2c1t --scheduler eevdf
n=1
if [ "$scx" = 1 ]; then
	set -- "$@" --scheduler scx_ktstr
	n=2
fi
"$ktstr" run "$@" --junit "$runs/junit.xml" >"$runs/out" 2>"$runs/err"
code=$?
cat "$runs/out" "$runs/err"
[ "$code" -eq 0 ] || fail "exit $code, want 0"
grep -q '^scenario  *topology  *scheduler  *verdict  *time  *worst_gap_ms' "$runs/out" ||
	fail "no results table header"
[ "$(grep -c '^steady  *1n1l2c1t  *[a-z_]*  *PASS ' "$runs/out")" -eq "$n" ] ||
	fail "want $n PASS rows"
grep -q '^steady  *1n1l2c1t  *eevdf  *PASS  *[0-9.]*s  *[0-9]' "$runs/out" ||
	fail "eevdf row without stats"
[ "$(tail -1 "$runs/out")" = "$n passed, 0 failed, 0 skipped" ] || fail "closing line"
[ "$(grep -c '] start ' "$runs/err")" -eq "$n" ] || fail "want $n start lines on stderr"
[ "$(grep -c '] done ' "$runs/err")" -eq "$n" ] || fail "want $n done lines on stderr"
if LC_ALL=C grep -q "$(printf '[\r\033]')" "$runs/err"; then fail "control characters in a non-tty log"; fi
[ "$(find "$runs" -name '*.json' | wc -l)" -eq "$n" ] || fail "want $n run records"
grep -q "tests=\"$n\"" "$runs/junit.xml" || fail "junit file"

# --json: stdout is one JSON document, the rest goes to stderr
"$ktstr" run --scenario steady --scheduler eevdf --duration 1 --json >"$runs/json" 2>"$runs/err"
code=$?
[ "$code" -eq 0 ] || { cat "$runs/err"; fail "--json exit $code"; }
python3 -c '
import json, sys
d = json.load(open(sys.argv[1]))
r = d["results"]
assert d["passed"] == 1 and d["failed"] == 0 and len(r) == 1, d
assert r[0]["scenario"] == "steady" and r[0]["scheduler"] == "eevdf", r
assert r[0]["verdict"] == "pass" and "worst_gap_ms" in r[0]["stats"], r
print("--json: steady eevdf pass, worst_gap_ms", r[0]["stats"]["worst_gap_ms"])
' "$runs/json" || fail "--json content"
# other suites may run VMs now: a stray one of ours has lost its parent
if ps -eo ppid=,args= | awk '$1 == 1 && /qemu-system/ && /ktstr-steady/' | grep -q .; then fail "QEMU left running"; fi
echo ok
