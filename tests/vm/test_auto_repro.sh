#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Auto-repro under scx_ktstr (tests/vm/sched.c), two failures each rerun with
# probes:
#   sched_error_repro        (auto_repro attribute) scx_bpf_error() in
#                            ops.enqueue: the hits end at scx_claim_exit with
#                            kind 1025 and include the error's kfunc and the
#                            enqueue path with decoded task arguments
#   sched_stall --auto-repro the watchdog's stall: the hits end at
#                            scx_claim_exit with kind 1026 after
#                            scx_watchdog_workfn ran
# Both: the FAIL verdict stands, the record holds "auto_repro" with the hits.
# usage: test_auto_repro.sh VM_SCHED_BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-vmrepro-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

# check NAME PATTERN...: the output has every fixed string
check() {
	name=$1
	shift
	for p in "$@"; do
		if ! printf '%s\n' "$out" | grep -qF -- "$p"; then
			echo "not ok: $name output lacks '$p'"; fails=$((fails + 1))
		fi
	done
}

# record NAME KIND FUNC: the record's auto_repro stops at scx_claim_exit of
# KIND and has FUNC's hits with arguments
record() {
	rec=$(find "$runs" -name "$1-*.ktstr.json" | head -n 1)
	if [ -z "$rec" ]; then
		echo "not ok: no run record for $1"; fails=$((fails + 1)); return
	fi
	if ! python3 - "$rec" "$2" "$3" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
a = r.get("auto_repro") or {}
stop = a.get("stop") or {}
hits = [h for h in a.get("hits", []) if h["func"] == sys.argv[3]]
print("%s: verdict %s, %d targets, %d hits, stop %s %s, %d %s hits" % (
    r["test"], r["result"]["verdict"], len(a.get("targets", [])), len(a.get("hits", [])),
    stop.get("func"), stop.get("args"), len(hits), sys.argv[3]))
ok = (r["result"]["verdict"] == "fail" and stop.get("func") == "scx_claim_exit"
      and stop.get("args", "").startswith("kind=" + sys.argv[2]) and stop.get("rel_ns") == 0
      and hits and all(h["rel_ns"] <= 0 and h["cpu"] >= 0 for h in hits))
sys.exit(0 if ok else 1)
PY
	then
		echo "not ok: $1 record's auto_repro"; fails=$((fails + 1))
	fi
}

out=$("$bin" --exact sched_error_repro 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 1 ] || { echo "not ok: sched_error_repro exited $code, want 1"; fails=$((fails + 1)); }
check sched_error_repro "FAIL sched_error_repro " "--- auto-repro ---" \
	"rerun with probes on " "times relative to scx_claim_exit kind=1025 (ERROR_BPF)" \
	"scx_bpf_error_bstr: 1 hit" 'fmt="ktstr fault: error-after %llu ms fired"' \
	"scx_do_enqueue_task: " "comm=\"" "enq_flags=0x"
record sched_error_repro 1025 scx_do_enqueue_task

out=$("$bin" --exact sched_stall --auto-repro 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 1 ] || { echo "not ok: sched_stall exited $code, want 1"; fails=$((fails + 1)); }
check sched_stall "FAIL sched_stall " "--- auto-repro ---" \
	"times relative to scx_claim_exit kind=1026 (ERROR_STALL)" "scx_watchdog_workfn: "
record sched_stall 1026 scx_watchdog_workfn

if pgrep -a qemu-system | grep -q "$runs"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
