#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots five VMs under scx_ktstr with the host-side monitor (tests/vm/monitor.c):
#   monitor_spread   passes; its record has monitor samples for every CPU and
#                    the run stats of scx_ktstr's callbacks
#   monitor_pile_on  fails: the monitor's imbalance check catches --pile-on,
#                    live, and has the guest take the kernel's sched_ext dump
#   monitor_stall    fails: the monitor names a stalled CPU before the kernel's
#                    watchdog ejects the scheduler (--stall-after); the monitor
#                    holds that watchdog at the test's 6 s
#   bpfmap_knob      passes: the host reads and writes scx_ktstr's .bss (a knob
#                    the scheduler copies, a counter, .rodata.cfg, CONFIG_HZ
#                    the scheduler got from the kernel config) and names
#                    what a test gets wrong (no map, no variable, out of range,
#                    a write to .rodata); the monitor's last read of the
#                    scheduler's variables shows the knob the scheduler saw
#   bpfmap_pile_on_midrun  fails: the host switches pile-on on mid-run and the
#                    monitor's imbalance check catches it after the write
# usage: test_monitor.sh VM_MONITOR_BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-vmmon-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

run() { # name expected-exit
	out=$("$bin" --exact "$1" 2>&1)
	code=$?
	printf '%s\n' "$out"
	if [ "$code" -ne "$2" ]; then
		echo "not ok: $1 exited $code, want $2"; fails=$((fails + 1))
	fi
}

# record NAME PYTHON-CHECK: the check reads the record as `r`, `m` = r["monitor"]
record() {
	rec=$(find "$runs" -name "$1-*.ktstr.json" | head -n 1)
	if [ -z "$rec" ]; then
		echo "not ok: no run record for $1"; fails=$((fails + 1)); return
	fi
	if ! python3 - "$rec" "$2" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
m = r.get("monitor")
ok = m is not None and eval(sys.argv[2])
if m is not None:
    print("monitor of %s: %d samples, checks %s, imbalance max %s, dsq max %s, violations %s" % (
        r["test"], m["samples"], m["checks"], m["imbalance"]["max"], m["local_dsq_max"]["depth"],
        [(v["check"], v["cpu"], v["confirmed_t_ms"]) for v in m["violations"]]))
    if m.get("sched_ext_t_ms"):
        print("sched_ext loaded %(first)d..%(last)d ms" % m["sched_ext_t_ms"])
sys.exit(0 if ok else 1)
PY
	then
		echo "not ok: $1 record fails: $2"; fails=$((fails + 1))
	fi
}

run monitor_spread 0
record monitor_spread '(lambda p: p["ktstr_init"]["calls"] == 1 and p["ktstr_enqueue"]["calls"] > 0 and p["ktstr_dispatch"]["ns_per_call"] > 0)({x["name"]: x for x in m["bpf_progs"]}) and r["exit"]["sched_ext_dump"] is None and not any(p["stage"].startswith("sched_ext dump") for p in m["phases"]) and m["checks"] == "evaluated" and not m["violations"] and m["evaluated_samples"] >= 10 and len(m["timeline"]["cpus"]) == 4 and all(sum(1 for x in c["nr_running"] if x is not None) >= 10 for c in m["timeline"]["cpus"])'

run monitor_pile_on 1
if ! printf '%s\n' "$out" | grep -q '\[monitor\] monitor: imbalance'; then
	echo "not ok: pile-on not reported as an imbalance"; fails=$((fails + 1))
fi
# the live checks had the guest take the kernel's dump while CPU 0 was piled up
if ! printf '%s\n' "$out" | grep -q 'Debug dump triggered by SysRq-D'; then
	echo "not ok: no sched_ext dump taken at the violation"; fails=$((fails + 1))
fi
record monitor_pile_on '(lambda d: d and d[0]["t_ms"] >= m["violations"][0]["confirmed_t_ms"])([p for p in m["phases"] if p["stage"] == "sched_ext dump (imbalance)"]) and "CPU states" in r["exit"]["sched_ext_dump"] and any(v["check"] == "imbalance" for v in m["violations"]) and m["per_cpu"][0]["nr_avg"] > 4 * max(c["nr_avg"] for c in m["per_cpu"][1:])'

run monitor_stall 1
if ! printf '%s\n' "$out" | grep -q '\[monitor\] monitor: stall on cpu [0-9]'; then
	echo "not ok: the stall is not reported with its CPU"; fails=$((fails + 1))
fi
# the watchdog the monitor held at 6 s (3 s = 750 jiffies at HZ 250 before) ejected it
if ! printf '%s\n' "$out" | grep -q 'failed to run for [6-9]\.'; then
	echo "not ok: the watchdog did not wait the 6 s the monitor set"; fails=$((fails + 1))
fi
# reported while the scheduler was still loaded, i.e. before the watchdog ejected it
record monitor_stall 'any(v["check"] == "stall" and v["cpu"] is not None and v["confirmed_t_ms"] < m["sched_ext_t_ms"]["last"] for v in m["violations"]) and m["watchdog"]["writes"] >= 1 and m["watchdog"]["was_jiffies"] == 750'

# host-side BPF map access: the body's own checks (reads, a write the
# scheduler saw, named errors) pass, and every access is in the host's log
out=$("$bin" -v --exact bpfmap_knob 2>&1)
code=$?
printf '%s\n' "$out"
if [ "$code" -ne 0 ]; then
	echo "not ok: bpfmap_knob exited $code, want 0"; fails=$((fails + 1))
fi
for p in '[host] map write scx_ktst.bss:host_knob+0 (value offset 4) <- 24301' \
	 '[host] map read scx_ktst.bss:host_knob_seen+0 (value offset 8) = 24301' \
	 'map .rodata.cfg is read-only to BPF programs' \
	 'scx_ktst.bss: host_pile_on=0 host_knob=24301 host_knob_seen=24301 nr_dispatches='; do
	if ! printf '%s\n' "$out" | grep -qF -- "$p"; then
		echo "not ok: bpfmap_knob output lacks '$p'"; fails=$((fails + 1))
	fi
done

# the host switches scx_ktstr's pile-on bug on mid-run (step 2 of 2): the
# monitor catches it only after the write, which starts a phase of its timeline
run bpfmap_pile_on_midrun 1
if ! printf '%s\n' "$out" | grep -q '\[monitor\] monitor: imbalance'; then
	echo "not ok: the pile-on switched on from the host is not caught"; fails=$((fails + 1))
fi
record bpfmap_pile_on_midrun '(lambda ph: ph["step 1/2"]["samples"] >= 10 and ph["step 1/2"]["imbalance_avg"] < 2 and ph["map host_pile_on=1"]["imbalance_avg"] > 4 and any(v["check"] == "imbalance" for v in m["violations"]) and all(v["t_ms"] >= ph["map host_pile_on=1"]["t_ms"] for v in m["violations"]))({p["stage"]: p for p in m["phases"]})'

if pgrep -a qemu-system | grep -q "ktstr-monitor_\|ktstr-bpfmap_"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
