#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# VM templates (docs/snapshots.md). usage: test_snapshot.sh SNAPSHOT_BINARY
set -u
bin=$1
tmp=$(mktemp -d /tmp/ktstr-snaptest-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
# A private cache, so the template this test breaks is surely its own: the
# kernel is taken from the user's cache (unless KTSTR_KERNEL names one).
if [ -z "${KTSTR_KERNEL:-}" ]; then
	KTSTR_KERNEL=$(ls -td "${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}"/kernels/*/bzImage \
		2>/dev/null | head -n 1)
fi
export KTSTR_KERNEL KTSTR_RUNS_DIR=$tmp/runs KTSTR_CACHE_DIR=$tmp/cache
unset KTSTR_SNAPSHOT
fails=0
bad() { echo "not ok: $*"; fails=$((fails + 1)); }

# first use builds the template (shown), the run itself is restored
"$bin" --exact snap_empty >"$tmp/first" 2>&1 || bad "snap_empty (first) failed: $(cat "$tmp/first")"
cat "$tmp/first"
"$bin" --exact snap_isolated >"$tmp/warm" 2>&1 || bad "snap_isolated (warm) failed: $(cat "$tmp/warm")"
grep -q '"start": *"restored"' $(find "$tmp/runs" -name 'snap_isolated-*.ktstr.json') ||
	bad "snap_isolated record does not say restored"
meta=$(ls -t "$KTSTR_CACHE_DIR"/templates/*/metadata.json 2>/dev/null | head -n 1)
if [ -z "$meta" ]; then
	echo "not ok: no template under $KTSTR_CACHE_DIR/templates"
	exit 1
fi
tdir=$(dirname "$meta")
[ -f "$tdir/ram-node0" ] || bad "no template RAM file in $tdir"
before=$(sha256sum "$tdir/ram-node0" | cut -d' ' -f1)

# Two restored VMs of test $1 at once: both must pass and log different
# values "$2 <hex>" (false when they do not).
pair() {
	"$bin" -v --exact "$1" >"$tmp/$1.a" 2>&1 & pa=$!
	"$bin" -v --exact "$1" >"$tmp/$1.b" 2>&1 & pb=$!
	wait $pa || bad "$1 VM a failed: $(cat "$tmp/$1.a")"
	wait $pb || bad "$1 VM b failed: $(cat "$tmp/$1.b")"
	va=$(grep -o "$2 [0-9a-f]*" "$tmp/$1.a" | head -n 1)
	vb=$(grep -o "$2 [0-9a-f]*" "$tmp/$1.b" | head -n 1)
	echo "$1 a: $va b: $vb"
	[ -n "$va" ] && [ "$va" != "$vb" ]
}

# two restored VMs at once: neither sees the other's mark, different random numbers
pair snap_isolated random || bad "restored VMs share their RNG state"
after=$(sha256sum "$tdir/ram-node0" | cut -d' ' -f1)
[ "$before" = "$after" ] || bad "template RAM changed: $before -> $after"
echo "template RAM sha256 before $before after $after"

# under scx_ktstr (when built): restored and monitored; two VMs from one
# template each write their own value into the scheduler's map from the host
# and read it back unchanged
if "$bin" --list 2>/dev/null | grep -q snap_map; then
	"$bin" --exact snap_map >"$tmp/m0" 2>&1 || bad "snap_map (template build) failed: $(cat "$tmp/m0")"
	pair snap_map knob || bad "the two VMs wrote the same knob"
	for r in $(find "$tmp/runs" -name 'snap_map-*.ktstr.json'); do
		grep -q '"start": *"restored"' "$r" || bad "$r: not restored"
		grep -q '"monitor"' "$r" || bad "$r: no monitor section"
	done
fi

# cold boots give the same verdicts
KTSTR_SNAPSHOT=0 "$bin" --exact snap_isolated >"$tmp/cold" 2>&1 || bad "cold snap_isolated failed"
n=$(grep -l '"start": *"booted"' $(find "$tmp/runs" -name 'snap_isolated-*.ktstr.json') | wc -l)
[ "$n" -ge 1 ] || bad "KTSTR_SNAPSHOT=0 did not boot"
# a broken template: the test still passes (cold boot, with a warning), the template goes
echo garbage >"$tdir/state"
"$bin" --exact snap_empty >"$tmp/broken" 2>&1 || bad "snap_empty with a broken template failed"
grep -q "restore from template failed" "$tmp/broken" || bad "no warning for a broken template"
[ ! -d "$tdir" ] || bad "the broken template was kept"
if pgrep -a qemu-system | grep -q "ktstr-snap_"; then bad "QEMU left running"; fi
[ "$fails" -eq 0 ] && echo "ok: snapshot" || exit 1
