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

# The quick scenario set under both schedulers, one results table; extra
# arguments go to ktstr run (e.g. --topology 1n2l2c1t, --all).
exec build/cli/ktstr run --scheduler eevdf --scheduler scx_ktstr "$@"
