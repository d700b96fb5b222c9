#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# An invalid registration is rejected before any VM boots: exit 2, a message
# naming the test and the field, nothing run and no record written.
# usage: test_bad_registration.sh BINARY
set -u
runs=$(mktemp -d /tmp/ktstr-badreg-XXXXXX)
trap 'rm -rf "$runs"' EXIT
out=$(KTSTR_RUNS_DIR=$runs KTSTR_KERNEL=/nonexistent "$1" 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 2 ] || { echo "not ok: exit $code, want 2"; exit 1; }
printf '%s\n' "$out" | grep -q "uneven_llcs.*llcs" || { echo "not ok: no message naming the test and field"; exit 1; }
printf '%s\n' "$out" | grep -q "bad_payload.*payload 'bad_range': range check on 'x' has lo > hi" ||
	{ echo "not ok: no message naming the payload and its check"; exit 1; }
printf '%s\n' "$out" | grep -q "^PASS\|^FAIL\|passed," && { echo "not ok: something ran"; exit 1; }
[ -z "$(ls -A "$runs")" ] || { echo "not ok: records written"; exit 1; }
echo ok
