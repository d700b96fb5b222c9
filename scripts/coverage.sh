#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Line coverage of ktstr, host and guest execution together (docs/coverage.md):
# builds with -Db_coverage=true in build-cov, zeroes the counters, runs the unit
# suite and a few VM tests (whose guest-side counters come back over the
# channel and are merged into build-cov's .gcda files), then prints
#   lines: NN.N% of NNNN
# and the path of gcovr's HTML report.
# usage: scripts/coverage.sh [BUILD_DIR]      (default build-cov)
# The VM tests need a kernel (KTSTR_KERNEL or the cache); without one they are skipped.
set -euo pipefail
src=$(cd "$(dirname "$0")/.." && pwd)
cov=${1:-$src/build-cov}

command -v gcovr >/dev/null || { echo "coverage: gcovr is missing (scripts/setup.sh installs it)" >&2; exit 1; }
[ -d "$cov" ] || meson setup "$cov" "$src" -Db_coverage=true >/dev/null
meson configure "$cov" -Db_coverage=true >/dev/null
ninja -C "$cov" -j2 >/dev/null
find "$cov" -name '*.gcda' -delete

meson test -C "$cov" --suite unit --num-processes 2 >/dev/null ||
	echo "coverage: some unit tests failed (see $cov/meson-logs/testlog.txt)" >&2
runs=$(mktemp -d /tmp/ktstr-coverage-XXXXXX)
trap 'rm -rf "$runs"' EXIT
export KTSTR_RUNS_DIR=$runs
# a few VMs: the probe tests (two in parallel), a crashing body, a timed-out one
"$cov/tests/coverage/cov_probe" -j 2 >/dev/null 2>&1 ||
	echo "coverage: cov_probe failed" >&2
if [ -x "$cov/tests/vm/vm_negative" ]; then
	"$cov/tests/vm/vm_negative" --exact body_segv >/dev/null 2>&1 || true
fi

mkdir -p "$cov/coverage"
html=$cov/coverage/index.html
summary=$(cd "$cov" && gcovr -r "$src" --filter "$src/src/" --filter "$src/include/" \
	--html-details -o "$html" --print-summary "$cov" 2>/dev/null)
printf '%s\n' "$summary" | awk '/^lines:/ { gsub(/[()]/, ""); print "lines: " $2 " of " $6 }'
echo "report: $html"
