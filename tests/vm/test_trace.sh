#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots two VMs under scx_ktstr with .trace = true (tests/vm/trace.c) and
# parses each trace file back as JSON:
#   trace_steps  passes; its record names the trace file, which has a track
#                per CPU with sched_switch slices, wakeups, both step slices
#                and the monitor's counters
#   trace_error  the scheduler fails (--error-after 1, expect_err): the trace
#                also has the failure as a global instant
# Then `ktstr verifier --scheduler scx_ktstr --compare scx_ktstr` (two VMs):
# every program of scx_ktstr with its instruction count against the limit,
# and deltas of +0 for the same build.
# usage: test_trace.sh VM_TRACE_BINARY KTSTR SCX_KTSTR
set -u
bin=$1 ktstr=$2 scx=$3
runs=$(mktemp -d /tmp/ktstr-vmtrace-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

check() { # name failure-expected
	out=$("$bin" --exact "$1" 2>&1)
	code=$?
	printf '%s\n' "$out"
	if [ "$code" -ne 0 ]; then
		echo "not ok: $1 exited $code, want 0"; fails=$((fails + 1))
	fi
	rec=$(find "$runs" -name "$1-*.ktstr.json" | head -n 1)
	if [ -z "$rec" ]; then
		echo "not ok: no run record for $1"; fails=$((fails + 1)); return
	fi
	if ! python3 - "$rec" "$2" <<'PY'
import json, os, sys
rec = json.load(open(sys.argv[1]))
t = rec.get("trace")
if not t:
    sys.exit("record has no trace")
d = json.load(open(os.path.join(os.path.dirname(sys.argv[1]), t["file"])))
ev = d["traceEvents"]
cpus = {e["tid"] for e in ev if e["ph"] == "M" and e["pid"] == 1 and e["name"] == "thread_name"}
slices = [e for e in ev if e["ph"] == "X" and e["pid"] == 1]
steps = sorted(e["name"] for e in ev if e["ph"] == "X" and e["pid"] == 2 and e["tid"] == 1)
wakeups = [e for e in ev if e["ph"] == "i" and e["name"].startswith("wakeup ")]
counters = {e["name"] for e in ev if e["ph"] == "C"}
failure = [e["name"] for e in ev if e["ph"] == "i" and e.get("s") == "g"]
print("trace %s: %d CPU tracks, %d slices, %d wakeups, steps %s, counters %s, failure %s, "
      "lost %s" % (t["file"], len(cpus), len(slices), len(wakeups), steps, sorted(counters),
                   failure, {k: t[k] for k in ("overrun", "dropped", "cut_bytes", "bad_lines")}))
ok = (cpus == {0, 1} and len(slices) > 10 and wakeups and steps == ["step 1/2", "step 2/2"]
      and "nr_running" in counters and t["bad_lines"] == 0)
if sys.argv[2] == "1":
    # the scheduler died in step 1 or 2: at least the first step is there
    ok = cpus == {0, 1} and slices and "step 1/2" in steps and len(failure) == 1
sys.exit(0 if ok else 1)
PY
	then
		echo "not ok: $1 trace"; fails=$((fails + 1))
	fi
}

check trace_steps 0
check trace_error 1

out=$("$ktstr" verifier --scheduler "$scx" --compare "$scx" 2>&1)
code=$?
printf '%s\n' "$out"
if [ "$code" -ne 0 ]; then
	echo "not ok: ktstr verifier exited $code, want 0"; fails=$((fails + 1))
fi
for prog in ktstr_select_cpu ktstr_enqueue ktstr_dispatch ktstr_init; do
	if ! printf '%s\n' "$out" | grep -Eq "^  $prog +[0-9]+ +1000000 "; then
		echo "not ok: no instruction count for $prog"; fails=$((fails + 1))
	fi
	if ! printf '%s\n' "$out" | grep -Eq "^  $prog +([0-9]+) +\1 +\+0 \(\+0\.0%\)"; then
		echo "not ok: no zero delta for $prog"; fails=$((fails + 1))
	fi
done
[ "$fails" -eq 0 ] && echo "ok: trace" && exit 0
exit 1
