#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# usage: expect.sh BINARY TEST WANT_EXIT [PATTERN...]
# Boots the VM of one test: checks its exit code, the PASS/FAIL line, that the
# output contains every PATTERN (fixed strings), that a run record with the
# matching verdict was written, and that no QEMU is left running.
set -u
bin=$1 name=$2 want=$3
shift 3
runs=$(mktemp -d /tmp/ktstr-vmtest-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
start=$(date +%s)
out=$("$bin" --exact "$name" 2>&1)
code=$?
printf '%s\n' "$out"
echo "$name: exit $code after $(($(date +%s) - start)) s"
fails=0
if [ "$code" -ne "$want" ]; then
	echo "not ok: $name exited $code, want $want"; fails=$((fails + 1))
fi
if [ "$want" -eq 0 ]; then verdict=pass; line=PASS; else verdict=fail; line=FAIL; fi
if ! printf '%s\n' "$out" | grep -q "^$line $name "; then
	echo "not ok: no '$line $name' line"; fails=$((fails + 1))
fi
for p in "$@"; do
	if ! printf '%s\n' "$out" | grep -qF -- "$p"; then
		echo "not ok: $name output lacks '$p'"; fails=$((fails + 1))
	fi
done
rec=$(find "$runs" -name "$name-*.ktstr.json" | head -n 1)
if [ -z "$rec" ]; then
	echo "not ok: no run record for $name under $runs"; fails=$((fails + 1))
elif ! grep -q "\"verdict\": *\"$verdict\"" "$rec"; then
	echo "not ok: record $rec does not say $verdict"; fails=$((fails + 1))
fi
if pgrep -a qemu-system | grep -q "$runs\|ktstr-$name"; then
	echo "not ok: QEMU left running"; fails=$((fails + 1))
fi
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
