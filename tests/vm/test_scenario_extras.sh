#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots VMs: Custom work beside a backdrop with a background stress-ng, and a
# background stress-ng stopped at the end of its scenario, must PASS; the Custom
# body must have run and stress-ng's bogo-ops must be in both run records.
# usage: test_scenario_extras.sh SCENARIO_EXTRAS_BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-sxtest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0
bad() { echo "not ok: $*"; fails=$((fails + 1)); }

out=$("$bin" -v --exact scn_custom_backdrop --exact scn_bg_payload_stop 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 0 ] || bad "$bin exited $code, want 0"
for name in scn_custom_backdrop scn_bg_payload_stop; do
	printf '%s\n' "$out" | grep -q "^PASS $name " || bad "no 'PASS $name' line"
	rec=$(ls "$runs"/*/"$name"-*.json 2>/dev/null | head -1)
	grep -q '"name": *"stress_ng.metrics.0.bogo-ops"' "$rec" 2>/dev/null ||
		bad "record $rec lacks stress_ng.metrics.0.bogo-ops"
done
printf '%s\n' "$out" | grep -Eq "custom body calls: [1-9][0-9]*" || bad "the Custom body did not run"
printf '%s\n' "$out" | grep -q "payload 'stress_ng': stopped after" ||
	bad "the 60 s stress-ng was not stopped"
[ "$(printf '%s\n' "$out" | grep -c "payload 'stress_ng': exit 0 after")" -eq 2 ] ||
	bad "not both stress-ng runs were evaluated"
rec=$(ls "$runs"/*/scn_custom_backdrop-*.json 2>/dev/null | head -1)
for cg in custom backdrop '(host)'; do
	grep -q "\"cgroup\\.$cg\\.workers\"" "$rec" 2>/dev/null || bad "record $rec lacks cgroup.$cg"
done
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
