#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots VMs: a crashing body and a hanging body must each FAIL with the right
# reason, exit 1, and leave a run record; no QEMU may be left behind.
# usage: test_runtime.sh NEGATIVE_BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-vmtest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0

check() { # name expected-text
	name=$1 want=$2
	out=$("$bin" --exact "$name" 2>&1)
	code=$?
	printf '%s\n' "$out"
	if [ "$code" -ne 1 ]; then
		echo "not ok: $name exited $code, want 1"; fails=$((fails + 1))
	fi
	if ! printf '%s\n' "$out" | grep -q "^FAIL $name "; then
		echo "not ok: no 'FAIL $name' line"; fails=$((fails + 1))
	fi
	if ! printf '%s\n' "$out" | grep -q "$want"; then
		echo "not ok: $name output lacks '$want'"; fails=$((fails + 1))
	fi
	rec=$(find "$runs" -name "$name-*.ktstr.json" | head -n 1)
	if [ -z "$rec" ]; then
		echo "not ok: no run record for $name under $runs"; fails=$((fails + 1))
	elif ! grep -q '"verdict": *"fail"' "$rec"; then
		echo "not ok: record $rec does not say fail"; fails=$((fails + 1))
	fi
	echo "checked $name"
}

check body_segv 'killed by SIGSEGV'
check body_timeout 'timed out'
if pgrep -a qemu-system | grep -q "$runs\|ktstr-body_"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
