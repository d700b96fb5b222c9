#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Boots VMs: examples/basic prints one line per outcome (pass, fail with its
# detail, skip with its reason, expected failure, host-only), writes a record
# for each, exits 1; filtered to the passing test it exits 0.
# usage: test_examples.sh BASIC_BINARY
set -u
bin=$1
runs=$(mktemp -d /tmp/ktstr-examples-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
fails=0
bad() { echo "not ok: $*"; fails=$((fails + 1)); }

out=$("$bin" 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 1 ] || bad "suite exited $code, want 1"
for want in '^FAIL asserts_too_many_cpus (1n1l2c1t, ' \
	    '^    \[other\] wanted at least 4 CPUs, the guest has 2$' \
	    '^PASS expected_failure (' \
	    '^    expected failure: \[stuck\] a worker made no progress for 2500 ms$' \
	    '^PASS host_has_proc (host) ' \
	    '^SKIP needs_numa (' \
	    '^    needs 2 NUMA nodes, the guest has 1$' \
	    '^PASS topology_matches (1n2l1c1t, ' \
	    '^3 passed, 1 failed, 1 skipped$'; do
	printf '%s\n' "$out" | grep -q "$want" || bad "no line matching '$want'"
done
n=$(find "$runs" -name '*.ktstr.json' | wc -l)
[ "$n" -eq 5 ] || bad "$n run records, want 5"

out=$("$bin" --filter topology 2>&1)
code=$?
printf '%s\n' "$out"
[ "$code" -eq 0 ] || bad "--filter topology exited $code, want 0"
printf '%s\n' "$out" | grep -q '^1 passed, 0 failed, 0 skipped$' || bad "filtered closing line"
echo "$fails problem(s)"
[ "$fails" -eq 0 ]
