#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# N `ktstr run` processes at once on one fresh cache (holding only a kernel):
# their initramfs and VM template builds race; then N more at once, restoring
# from the template together. Every run must pass; one process builds the
# template while the others wait for it; the cache must be intact afterwards:
# no temporary or moved-aside entries, one whole template, one whole initramfs
# archive, the kernel unchanged.
# Exits 1 on any failure.
#
# usage: tests/torture/concurrent.sh [N] [KTSTR]
#   N defaults to 3, KTSTR to build/cli/ktstr. The kernel is copied in from the
#   usual cache unless KTSTR_KERNEL names one.
set -u
n=${1:-3}
ktstr=$(realpath "${2:-build/cli/ktstr}")
work=$(mktemp -d /tmp/ktstr-concurrent-XXXXXX)
cache=$work/cache
src_cache=${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}
trap 'rm -rf "$work"' EXIT
fails=0
bad() { echo "not ok: $*"; fails=$((fails + 1)); }

mkdir -p "$cache/kernels"
if [ -z "${KTSTR_KERNEL:-}" ]; then
	kdir=$(ls -td "$src_cache"/kernels/*/ 2>/dev/null | grep -v '/\.tmp-' | head -1)
	[ -n "$kdir" ] || { echo "no cached kernel in $src_cache: ktstr kernel fetch"; exit 2; }
	cp -a "$kdir" "$cache/kernels/"
	kname=$(basename "$kdir")
fi
export KTSTR_CACHE_DIR=$cache
unset KTSTR_SNAPSHOT

# wave W: N runs at once, each with its own records; waits for all of them
wave() {
	local w=$1 i pids=()
	for i in $(seq 1 "$n"); do
		KTSTR_RUNS_DIR=$work/runs-$w-$i "$ktstr" run --scheduler eevdf --scenario steady \
			--topology 1n1l2c1t -j 1 >"$work/out-$w-$i" 2>&1 &
		pids+=($!)
	done
	for i in $(seq 1 "$n"); do
		wait "${pids[$((i - 1))]}" || bad "wave $w run $i: exit $?: $(tail -5 "$work/out-$w-$i")"
		grep -q '^1 passed, 0 failed, 0 skipped$' "$work/out-$w-$i" ||
			bad "wave $w run $i: no '1 passed' closing line"
		[ "$(find "$work/runs-$w-$i" -name '*.ktstr.json' | wc -l)" -eq 1 ] ||
			bad "wave $w run $i: not one record"
	done
}

t0=$(date +%s)
wave 1
builds=$(cat "$work"/out-1-* | grep -c ': building VM template')
waits=$(cat "$work"/out-1-* | grep -c 'waiting for VM template .*, which another run is building')
echo "wave 1: $n runs at once on a fresh cache in $(($(date +%s) - t0)) s," \
	"$builds template build(s), $waits run(s) waited for it"
[ "$builds" -eq 1 ] || bad "$builds template builds for one kernel, topology and initramfs content (want 1)"
# warm: every run restores from the one template, none builds
t0=$(date +%s)
wave 2
builds=$(cat "$work"/out-2-* | grep -c ': building VM template')
echo "wave 2: $n runs at once on the warm cache in $(($(date +%s) - t0)) s, $builds build(s)"
[ "$builds" -eq 0 ] || bad "the warm wave built $builds template(s)"
restored=$(cat "$work"/runs-2-*/*/*.ktstr.json | grep -c '"start": *"restored"')
[ "$restored" -eq "$n" ] || bad "wave 2: $restored of $n runs restored from the template"

# the cache: nothing temporary or moved aside, every entry whole
left=$(find "$cache" \( -name '*.tmp*' -o -name '.tmp-*' -o -name '*.del-*' \) -print)
[ -z "$left" ] || bad "temporary entries left in the cache: $left"
ntmpl=0
for t in "$cache"/templates/*/; do
	[ -d "$t" ] || continue
	ntmpl=$((ntmpl + 1))
	for f in metadata.json state ram-node0; do
		[ -s "$t/$f" ] || bad "template $t has no $f"
	done
	python3 -c 'import json, sys; json.load(open(sys.argv[1]))' "$t/metadata.json" ||
		bad "template $t: metadata.json is not JSON"
done
[ "$ntmpl" -eq 1 ] || bad "$ntmpl templates (want 1)"
ncpio=0
for c in "$cache"/initramfs/*.cpio; do
	[ -f "$c" ] || continue
	ncpio=$((ncpio + 1))
	[ "$(head -c 6 "$c")" = 070701 ] && grep -q 'TRAILER!!!' "$c" || bad "$c is not a whole archive"
done
[ "$ncpio" -eq 1 ] || bad "$ncpio initramfs archives for one content (want 1)"
if [ -n "${kname:-}" ]; then
	diff -r "$kdir" "$cache/kernels/$kname" >/dev/null || bad "the cached kernel changed"
fi
if ps -eo args= | grep -F "$cache/" | grep -q '^qemu-system'; then bad "QEMU left running"; fi
echo "cache: $ntmpl template, $ncpio initramfs archive, no temporary entries"
[ "$fails" -eq 0 ] && echo "ok: $n concurrent runs on one cache" || exit 1
