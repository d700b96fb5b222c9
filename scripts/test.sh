#!/usr/bin/env bash
# Set everything up on a fresh Debian 12 machine and run ktstr's own tests:
# packages, build (warnings are errors), the default sched_ext kernel, unit tests,
# the unit tests again built with ASan/UBSan, 10 s of each fuzz target over the
# host's parsers of guest data (scripts/fuzz.sh), then the VM tests (real
# kernels under QEMU), then a coverage summary line.
# Ends with "N passed, N failed, N skipped", counting the tests of both builds.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "setup" scripts/setup.sh
build_tree build-ci -Dwerror=true
step "kernel" build-ci/cli/ktstr kernel fetch
# The fixture scheduler compiles against the fetched kernel's BTF: reconfigure now that it is there.
step "reconfigure" meson setup --reconfigure build-ci >/dev/null
step "build" ninja -C build-ci

# The sanitizer build (static guest binaries stay unsanitized): memory errors,
# leaks and undefined behaviour fail a unit test; its results count in the
# closing line as tests of their own.
build_tree build-asan -Dwerror=true -Db_sanitize=address,undefined

status=0
run_suite build-ci unit 2 || status=1
UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1 run_suite build-asan unit 2 || status=1
FUZZ_BUILD=build-fuzz-ci step "fuzz" scripts/fuzz.sh all 10 || status=1
run_suite build-ci vm 1 || status=1
# Line coverage of host and guest execution together (docs/coverage.md).
step "coverage" scripts/coverage.sh "$PWD/build-cov" || status=1
summary build-ci build-asan
exit $status
