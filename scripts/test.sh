#!/usr/bin/env bash
# Set everything up on a fresh Debian 12 machine and run ktstr's own tests:
# packages, build (warnings are errors), the default sched_ext kernel, unit tests,
# then the VM tests (real kernels under QEMU), then a coverage summary line.
# Ends with "N passed, N failed, N skipped".
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "setup" scripts/setup.sh
build_tree build-ci -Dwerror=true
step "kernel" build-ci/cli/ktstr kernel fetch
# The fixture scheduler compiles against the fetched kernel's BTF: reconfigure now that it is there.
step "reconfigure" meson setup --reconfigure build-ci >/dev/null
step "build" ninja -C build-ci

status=0
run_suite build-ci unit 2 || status=1
run_suite build-ci vm 1 || status=1
# Line coverage of host and guest execution together (docs/coverage.md).
step "coverage" scripts/coverage.sh "$PWD/build-cov" || status=1
summary build-ci
exit $status
