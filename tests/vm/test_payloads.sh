#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots VMs: stress-ng, cyclictest and hackbench payloads must PASS with their
# metrics shown and stored in the run record, include files (a directory, a
# bare name from $PATH, -i FILE) must be in the VM; an impossible minimum, a timeout
# and an undeclared payload must FAIL naming what; `ktstr stats compare` of
# two stress-ng runs must show the bogo-ops delta with its polarity.
# usage: test_payloads.sh PAYLOADS_BINARY KTSTR_BINARY
set -u
bin=$1 ktstr=$2
runs=$(mktemp -d /tmp/ktstr-pltest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0
bad() { echo "not ok: $*"; fails=$((fails + 1)); }

out=$("$bin" -v --exact payload_stress_ng --exact payload_cyclictest \
	--exact payload_hackbench_step --exact include_files_end_to_end -i /etc/os-release 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 0 ] || bad "$bin exited $code, want 0"
for name in payload_stress_ng payload_cyclictest payload_hackbench_step include_files_end_to_end; do
	printf '%s\n' "$out" | grep -q "^PASS $name " || bad "no 'PASS $name' line"
done
printf '%s\n' "$out" | grep -Eq "payload 'stress_ng': metrics.0.bogo-ops = [0-9.]+ ops" ||
	bad "stress-ng bogo-ops not shown"
printf '%s\n' "$out" | grep -Eq "payload 'cyclictest': thread.0.max = [0-9.]+ us" ||
	bad "cyclictest thread.0.max not shown"
rec=$(ls "$runs"/*/payload_stress_ng-*.json 2>/dev/null | head -1)
grep -q '"name": *"stress_ng.metrics.0.bogo-ops"' "$rec" 2>/dev/null ||
	bad "record $rec lacks stress_ng.metrics.0.bogo-ops"

check() { # name regex
	o=$("$bin" --exact "$1" 2>&1)
	c=$?
	printf '%s\n' "$o"
	[ "$c" -eq 1 ] || bad "$1 exited $c, want 1"
	printf '%s\n' "$o" | grep -q "^FAIL $1 " || bad "no 'FAIL $1' line"
	printf '%s\n' "$o" | grep -Eq "$2" || bad "$1 output lacks '$2'"
	echo "checked $1"
}
check payload_stress_ng_impossible_min \
	"\[metric\] payload 'stress_ng': metric 'metrics.0.bogo-ops' = [0-9.]+ below minimum 1000000000000000"
check payload_timeout "\[timeout\] payload 'stress_ng': timed out: .*1500 ms"
check payload_undeclared "/include-files/hackbench is not in the VM.*KTSTR_PAYLOADS\(&undeclared\)"

# a second stress-ng run, compared with the first
"$bin" -q --exact payload_stress_ng >/dev/null 2>&1 || bad "second payload_stress_ng run failed"
a=$(ls -d "$runs"/*/ | head -1) b=$(ls -d "$runs"/*/ | tail -1)
cmp=$("$ktstr" stats compare "$a" "$b" 2>&1)
printf '%s\n' "$cmp"
# the delta, judged as higher-better (its hint)
printf '%s\n' "$cmp" | grep -Eq "stress_ng.metrics.0.bogo-ops +[0-9.e+]+ -> [0-9.e+]+ .*higher better" ||
	bad "compare shows no higher-better stress_ng.metrics.0.bogo-ops delta"
printf '%s\n' "$cmp" | grep -Eq "stress_ng.metrics.0.wall-clock-time .*lower better" ||
	bad "compare shows no lower-better stress_ng.metrics.0.wall-clock-time"
if pgrep -a qemu-system | grep -q "$runs"; then
	bad "QEMU left running"
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
