#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The main job as an unprivileged user: `ktstr run` under EEVDF (a template
# build, then a restore) and under the scx_ktstr sched_ext scheduler (a cold
# boot with the host-side monitor), as nobody:nogroup with no supplementary
# groups, a HOME and cache of its own. Both pass; everything the run wrote is
# the user's. Needs root to become that user: skipped (77) otherwise.
# usage: test_nonroot.sh KTSTR
set -u
ktstr=$(realpath "$1")
if [ "$(id -u)" -ne 0 ]; then
	echo "SKIP: needs root to switch to an unprivileged user (this run is already one)"
	exit 77
fi
if ! command -v setpriv >/dev/null || ! id nobody >/dev/null 2>&1; then
	echo "SKIP: needs setpriv (util-linux) and the user nobody"
	exit 77
fi
src_cache=${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}
tmp=$(mktemp -d /tmp/ktstr-nonroot-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
cache=$tmp/home/.cache/ktstr # the default cache of that HOME
mkdir -p "$cache/kernels" "$tmp/runs" "$tmp/tmp"
if [ -n "${KTSTR_KERNEL:-}" ]; then
	cp "$KTSTR_KERNEL" "$tmp/bzImage" # a kernel the user can read
	kernel=$tmp/bzImage
else
	kdir=$(ls -td "$src_cache"/kernels/*/ 2>/dev/null | grep -v '/\.tmp-' | head -1)
	[ -n "$kdir" ] || { echo "no cached kernel in $src_cache: ktstr kernel fetch"; exit 2; }
	cp -a "$kdir" "$cache/kernels/"
	kernel=
fi
chown -R nobody:nogroup "$tmp"
chmod 755 "$tmp"
# the binary (and its scheduler beside it in the build tree) must be reachable
setpriv --reuid=nobody --regid=nogroup --clear-groups test -x "$ktstr" ||
	{ echo "not ok: nobody cannot execute $ktstr (a directory above it is private)"; exit 1; }

fails=0
bad() { echo "not ok: $*"; fails=$((fails + 1)); }
setpriv --reuid=nobody --regid=nogroup --clear-groups \
	env -i PATH=/usr/local/bin:/usr/bin:/bin HOME="$tmp/home" TMPDIR="$tmp/tmp" \
	KTSTR_RUNS_DIR="$tmp/runs" ${kernel:+KTSTR_KERNEL=$kernel} \
	"$ktstr" run --scheduler eevdf --scheduler scx_ktstr --scenario steady \
	--topology 1n1l2c1t -j 1 >"$tmp/out" 2>&1
rc=$?
cat "$tmp/out"
[ "$rc" -eq 0 ] || bad "ktstr run as nobody: exit $rc"
grep -q '^2 passed, 0 failed, 0 skipped$' "$tmp/out" || bad "no '2 passed' closing line"
# the cache is the one under the user's HOME; the EEVDF run used a template
[ -n "$(ls "$cache"/templates/*/metadata.json 2>/dev/null)" ] ||
	bad "no VM template in $cache"
[ "$(find "$tmp/runs" -name '*.ktstr.json' | wc -l)" -eq 2 ] || bad "not two run records"
grep -l '"start": *"restored"' $(find "$tmp/runs" -name '*.ktstr.json') >/dev/null 2>&1 ||
	bad "the EEVDF run was not restored from the template"
others=$(find "$tmp" ! -user nobody ! -path "$tmp/out" -print | head -5)
[ -z "$others" ] || bad "files not owned by nobody: $others"
[ "$fails" -eq 0 ] && echo "ok: the main job runs as nobody:nogroup" || exit 1
