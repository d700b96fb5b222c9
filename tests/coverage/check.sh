#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Coverage from inside the VM, end to end (run by hand; boots 5 VMs, ~1 min):
#   1. one VM: cov_guest_only (called only by the test body, in the guest) is
#      executed once in the merged .gcda, cov_never_called not at all;
#   2. the same test in two VMs at once (two processes): the count doubles;
#   3. the suite with -j 2 (two tests, each calling it once, in parallel VMs):
#      two more;
#   4. an uninstrumented build of the same binary: no coverage runtime linked,
#      no coverage line in the guest log, no .gcda written.
# usage: tests/coverage/check.sh [COVERAGE_BUILD_DIR [PLAIN_BUILD_DIR]]
#   defaults build-cov (set up with -Db_coverage=true when missing) and build.
# The kernel comes from KTSTR_KERNEL or the cache, as for every VM test.
set -u
src=$(cd "$(dirname "$0")/../.." && pwd)
cov=${1:-$src/build-cov}
plain=${2:-$src/build}
fails=0

if [ ! -d "$cov" ]; then
	meson setup "$cov" "$src" -Db_coverage=true >/dev/null || exit 1
fi
ninja -C "$cov" -j2 tests/coverage/cov_probe >/dev/null || exit 1
ninja -C "$plain" -j2 tests/coverage/cov_probe >/dev/null || exit 1
obj=$cov/tests/coverage/cov_probe.p
runs=$(mktemp -d /tmp/ktstr-covcheck-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs

# count FUNCTION: its execution count in the merged .gcda (gcov JSON)
count() {
	(cd "$cov" && gcov -t -j -o "$obj" "$obj/cov_probe.c.gcda" 2>/dev/null) |
		python3 -c 'import json, sys
want = sys.argv[1]
for f in json.load(sys.stdin)["files"]:
	for fn in f["functions"]:
		if fn["name"] == want:
			print(fn["execution_count"])' "$1"
}

expect() { # what got want
	if [ "$2" = "$3" ]; then
		echo "ok: $1 = $2"
	else
		echo "not ok: $1 = $2, want $3"; fails=$((fails + 1))
	fi
}

probe() { # args...: run the instrumented probe, must pass
	if ! out=$("$cov/tests/coverage/cov_probe" "$@" -v -v 2>&1); then
		printf '%s\n' "$out"; echo "not ok: cov_probe $* failed"; fails=$((fails + 1))
	fi
	printf '%s\n' "$out" | grep -E '^(PASS|FAIL)|\[host\] coverage'
}

rm -f "$obj"/*.gcda
probe --exact cov_probe
expect "one VM: cov_guest_only" "$(count cov_guest_only)" 1
expect "one VM: cov_never_called" "$(count cov_never_called)" 0

rm -f "$obj"/*.gcda
probe --exact cov_probe >"$runs/a.out" &
a=$!
probe --exact cov_probe >"$runs/b.out" &
b=$!
wait $a $b
cat "$runs/a.out" "$runs/b.out"
expect "two parallel VMs: cov_guest_only" "$(count cov_guest_only)" 2
probe -j 2
expect "then the suite -j 2 (2 tests): cov_guest_only" "$(count cov_guest_only)" 4
expect "cov_never_called" "$(count cov_never_called)" 0

# uninstrumented: nothing of the above
if nm "$plain/tests/coverage/cov_probe" | grep -q ' T __gcov_dump'; then
	echo "not ok: $plain is a coverage build"; fails=$((fails + 1))
fi
find "$plain" -name '*.gcda' -delete
out=$("$plain/tests/coverage/cov_probe" --exact cov_probe -v -v 2>&1)
printf '%s\n' "$out" | grep -E '^(PASS|FAIL)'
expect "uninstrumented: PASS lines" "$(printf '%s\n' "$out" | grep -c '^PASS cov_probe')" 1
expect "uninstrumented: coverage lines" "$(printf '%s\n' "$out" | grep -c 'coverage')" 0
expect "uninstrumented: .gcda files" "$(find "$plain" -name '*.gcda' | wc -l)" 0

echo "$fails problem(s)"
[ "$fails" -eq 0 ]
