#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# --retries end to end on host-only tests (no VM): a test failing its first
# attempt only is FLAKY with --retries 1 (exit 0; 1 with --flaky-fails), its
# record says pass, flaky and both attempts; without --retries it FAILs; a
# test failing every attempt stays FAIL; a skip is not rerun.
# usage: test_retries.sh BINARY
set -u
bin=$1
tmp=$(mktemp -d /tmp/ktstr-retries-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fails=0
export KTSTR_FLAKY_DIR="$tmp/count"

not_ok() { echo "not ok: $*"; fails=$((fails + 1)); }

# run NAME ARGS...: fresh counters and records, output in $out, status in $code
run() {
	rm -rf "$KTSTR_FLAKY_DIR" "$tmp/runs"
	mkdir -p "$KTSTR_FLAKY_DIR"
	out=$(KTSTR_RUNS_DIR="$tmp/runs" "$bin" "$@" 2>&1)
	code=$?
	printf '%s\n' "$out"
	rec=$(find "$tmp/runs" -name '*.ktstr.json' 2>/dev/null | head -n 1)
}

expect() { printf '%s\n' "$out" | grep -Eq -e "$1" || not_ok "output lacks '$1'"; }

run --exact fails_once
[ "$code" -eq 1 ] || not_ok "without --retries: exit $code, want 1"
expect '^FAIL fails_once \(host\) [0-9.]+s$'
expect '^0 passed, 1 failed, 0 skipped$'
grep -q '"flaky"\|"attempts"' "$rec" && not_ok "a single attempt's record has flaky/attempts"

run --exact fails_once --retries 1
[ "$code" -eq 0 ] || not_ok "--retries 1: exit $code, want 0"
expect '^FLAKY fails_once \(host\) [0-9.]+s \(passed on attempt 2 of 2\)$'
expect '^    --- attempt 1 of 2: FAIL [0-9.]+s ---$'
expect '^    \[other\] attempt 1 fails on purpose$'
expect '^0 passed, 0 failed, 1 flaky, 0 skipped$'
[ "$(cat "$KTSTR_FLAKY_DIR/fails_once")" = 2 ] || not_ok "fails_once did not run twice"
grep -q '"flaky": true' "$rec" || not_ok "record $rec lacks flaky: true"
[ "$(grep -c '"verdict":' "$rec")" -eq 3 ] || not_ok "record $rec: want result + 2 attempts"
flat=$(tr -d ' \n' <"$rec")
case $flat in
*'"result":{"verdict":"pass"'*) ;;
*) not_ok "record $rec: verdict not pass" ;;
esac
case $flat in
*'"attempts":[{"verdict":"fail",'*'"msg":"attempt1failsonpurpose"'*'"wall_s":'*'},{"verdict":"pass",'*) ;;
*) not_ok "record $rec: attempts are not [fail, pass]" ;;
esac

run --exact fails_once --retries 1 --flaky-fails
[ "$code" -eq 1 ] || not_ok "--flaky-fails: exit $code, want 1"
expect '^FLAKY fails_once '

run --exact always_fails --retries 2
[ "$code" -eq 1 ] || not_ok "always_fails --retries 2: exit $code, want 1"
expect '^FAIL always_fails \(host\) [0-9.]+s \(failed all 3 attempts\)$'
expect '^    --- attempt 2 of 3: FAIL '
expect '^0 passed, 1 failed, 0 flaky, 0 skipped$'
grep -q '"flaky": false' "$rec" || not_ok "record $rec lacks flaky: false"
[ "$(grep -c '"verdict": "fail"' "$rec")" -eq 4 ] || not_ok "record $rec: want 3 failed attempts"

run --exact skips --retries 2
[ "$code" -eq 0 ] || not_ok "skips --retries 2: exit $code, want 0"
expect '^SKIP skips '
[ "$(cat "$KTSTR_FLAKY_DIR/skips")" = 1 ] || not_ok "a skip was rerun"

run --retries=-1
[ "$code" -eq 2 ] || not_ok "--retries=-1: exit $code, want 2"
expect "--retries: '-1' is not a whole number"

[ "$fails" -eq 0 ] || exit 1
echo ok
