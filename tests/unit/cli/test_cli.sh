#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The ktstr command without a VM: `ktstr list` (text and --json agree with the
# catalog), `ktstr run` and `ktstr report` argument errors (exit 2, a message
# naming the problem, nothing run, no record, no page), --help of every subcommand.
# usage: test_cli.sh KTSTR
set -u
ktstr=$1
runs=$(mktemp -d /tmp/ktstr-cli-XXXXXX)
trap 'rm -rf "$runs"' EXIT
fail() { echo "not ok: $*"; exit 1; }

# list --json: every scenario once, with category and description
json=$("$ktstr" list --json) || fail "list --json exit $?"
printf '%s\n' "$json" | python3 -c '
import json, sys
d = json.load(sys.stdin)
names = [s["name"] for s in d["scenarios"]]
assert len(names) == len(set(names)) and len(names) >= 20, names
for s in d["scenarios"]:
    assert s["category"] in d["categories"] and s["description"], s
assert {"steady", "cpuset_apply", "mixed_workloads"} <= set(names)
assert [s for s in d["scenarios"] if s["name"] == "steady"][0]["category"] == "basic"
print("list --json: %d scenarios, %d categories" % (len(names), len(d["categories"])))
' || fail "list --json content"
n_json=$(printf '%s\n' "$json" | grep -c '"name"')
n_text=$("$ktstr" list | grep -c '^  ')
[ "$n_json" -eq "$n_text" ] || fail "list: $n_text text rows, $n_json JSON entries"
"$ktstr" list --category cpuset | grep -q '^  cpuset_apply' || fail "list --category cpuset"
"$ktstr" list --category nope 2>/dev/null && fail "list --category nope exit 0"

# run argument errors: exit 2 and the message, before anything runs
check() { # want-regex args...
	want=$1
	shift
	err=$(KTSTR_RUNS_DIR=$runs KTSTR_KERNEL=/nonexistent "$ktstr" run "$@" 2>&1 >/dev/null)
	code=$?
	[ "$code" -eq 2 ] || fail "run $*: exit $code, want 2 ($err)"
	printf '%s\n' "$err" | grep -q "$want" || fail "run $*: message '$err' lacks '$want'"
	echo "run $*: exit 2: $(printf '%s' "$err" | head -1)"
}
check "unknown scenario 'nope'" --scenario nope
check "unknown category 'nope'" --category nope
check "exclude each other" --all --scenario steady
check "topology '2x'" --topology 2x
check "duration: '0'" --duration 0
check "workers: 'many'" --workers many
check "retries: '-1' is not a whole number" --retries -1
check "retries: 'x' is not a whole number" --retries=x
check "sched-args: 'eevdf' runs no scheduler binary" --scheduler eevdf --sched-args '--x'
check "scheduler '/nonexistent/scx'" --scheduler /nonexistent/scx
check "unexpected argument 'extra'" --scheduler eevdf extra
check "unrecognized option" --bogus
[ -z "$(ls -A "$runs")" ] || fail "records written"

# shell argument errors
"$ktstr" shell </dev/null 2>"$runs/err" && fail "shell without a terminal exit 0"
grep -q "not a terminal; use --exec" "$runs/err" || fail "shell without a terminal: $(cat "$runs/err")"
"$ktstr" shell --exec true --topology 2x 2>/dev/null
[ $? -eq 2 ] || fail "shell --topology 2x: want exit 2"
"$ktstr" shell --exec true --scheduler /nonexistent/scx 2>/dev/null
[ $? -eq 2 ] || fail "shell --scheduler /nonexistent/scx: want exit 2"
rm -f "$runs/err"

# report: bad input exits 2 naming it, and writes nothing
fixtures="$(dirname "$0")/fixtures/report"
report() { # want-regex args...
	want=$1
	shift
	err=$(KTSTR_RUNS_DIR=$runs "$ktstr" report "$@" 2>&1 >/dev/null)
	code=$?
	[ "$code" -eq 2 ] || fail "report $*: exit $code, want 2 ($err)"
	printf '%s\n' "$err" | grep -q "$want" || fail "report $*: message '$err' lacks '$want'"
	echo "report $*: exit 2: $(printf '%s' "$err" | head -1)"
}
report 'expected at least one RUN' -o "$runs/r.html"
report 'expected -o FILE' "$fixtures/stall"
report "unknown run 'nope'" nope -o "$runs/r.html"
report "bad --max-points '3'" --max-points 3 "$fixtures/stall" -o "$runs/r.html"
report "unknown option '--bogus'" --bogus "$fixtures/stall" -o "$runs/r.html"
report 'no test is on both sides' "$fixtures/stall" "$fixtures/sched-b" --a-scheduler eevdf \
	--b-scheduler scx_ktstr -o "$runs/r.html"
mkdir "$runs/corrupt" && echo '{"schema_version": 1, "run_id": 3}' >"$runs/corrupt/x.ktstr.json"
report 'x.ktstr.json' "$runs/corrupt" -o "$runs/r.html"
[ -e "$runs/r.html" ] && fail "report wrote a file on bad input"
# written atomically: the file, no temporary beside it
"$ktstr" report "$fixtures/stall" -o "$runs/r.html" 2>/dev/null || fail "report exit $?"
grep -q '</html>' "$runs/r.html" || fail "report: no page"
ls "$runs" | grep -q 'tmp' && fail "report left a temporary file"
# sides chosen by a dimension from three runs: one pool
"$ktstr" report --a-scheduler eevdf --b-scheduler scx_ktstr "$fixtures/sched-a" \
	"$fixtures/sched-b" "$fixtures/stall" -o "$runs/r.html" 2>/dev/null || fail "report pool exit $?"
grep -q 'A: sched-a+sched-b+stall (4 records)<br>B: sched-a+sched-b+stall (10 records)' \
	"$runs/r.html" || fail "report pool: sides not taken from all three runs"
"$ktstr" report "$fixtures/stall" -o "$runs/nodir/r.html" 2>/dev/null
[ $? -eq 1 ] || fail "report into a missing directory: want exit 1"
rm -rf "$runs/corrupt" "$runs/r.html"

# bash completion: commands and scenario names
if command -v bash >/dev/null; then
	got=$(PATH=$(dirname "$ktstr"):$PATH bash -c '. "$1"; COMP_WORDS=(ktstr run --scenario ste);
		COMP_CWORD=3; _ktstr; echo "${COMPREPLY[@]}"' sh "$(dirname "$0")/../../../completions/ktstr.bash")
	[ "$got" = "steady steady_bursty steady_llc" ] || fail "completion of --scenario ste: '$got'"
	echo "completion: --scenario ste -> $got"
fi

# every subcommand has a man-page-like --help
for cmd in list run shell topo stats report kernel cleanup; do
	"$ktstr" "$cmd" --help >"$runs/help" 2>&1 || fail "$cmd --help exit $?"
	grep -q "SYNOPSIS\|usage" "$runs/help" || fail "$cmd --help has no synopsis"
done
rm -f "$runs/help"
echo ok
