#!/usr/bin/env bash
# Set everything up on a fresh Debian 12 machine and run ktstr's main job: the
# quick scenario set in VMs against the kernel's EEVDF and the bundled sched_ext
# fixture scheduler scx_ktstr, with a results table and run records.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib.sh

step "setup" scripts/setup.sh
build_tree build
step "kernel" build/cli/ktstr kernel fetch
step "reconfigure" meson setup --reconfigure build >/dev/null
step "build" ninja -C build

status=0
build/cli/ktstr run --scheduler eevdf "$@" || status=$?
build/cli/ktstr run --scheduler scx_ktstr "$@" || status=$?
exit $status
