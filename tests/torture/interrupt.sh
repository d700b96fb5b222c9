#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Interrupt `ktstr run` at random points, N times, and count what is left
# behind after each: QEMU processes, scratch directories, temporary files in
# the cache, run records that are partial or not valid JSON, runs that hung,
# and runs that ended without their closing line or with the wrong status
# (130 for SIGINT, 143 for SIGTERM; when the run finished first, 0 if every
# record passed and 1 if one failed, whose reason is shown).
# Exits 1 on any leftover.
#
# usage: tests/torture/interrupt.sh N [KTSTR]
#   KTSTR defaults to build/cli/ktstr. The runs use a private cache
#   (KTSTR_CACHE_DIR, the kernel copied in from the usual cache unless
#   KTSTR_KERNEL names one), so that temporary files of other ktstr runs on
#   this host are not counted.
set -u
n=${1:?usage: interrupt.sh N [KTSTR]}
ktstr=$(realpath "${2:-build/cli/ktstr}")
work=$(mktemp -d /tmp/ktstr-torture-XXXXXX)
cache=$work/cache
runs=$work/runs
src_cache=${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}
trap 'rm -rf "$work"' EXIT
set -m # each run its own process group: a background job would ignore SIGINT

mkdir -p "$cache/kernels" "$runs"
if [ -z "${KTSTR_KERNEL:-}" ]; then
	kdir=$(ls -td "$src_cache"/kernels/*/ 2>/dev/null | grep -v '/\.tmp-' | head -1)
	[ -n "$kdir" ] || { echo "no cached kernel in $src_cache: ktstr kernel fetch"; exit 2; }
	cp -a "$kdir" "$cache/kernels/"
fi
export KTSTR_CACHE_DIR=$cache KTSTR_RUNS_DIR=$runs

qemus() { # our QEMU processes: their argv names files of the private cache
	ps -eo pid=,args= | awk -v c="$cache/" '$2 ~ /qemu-system/ && index($0, c) { print $1 }'
}

# scratch directories created since the mark whose owner is gone
scratch_left() {
	local d owner
	for d in /dev/shm/ktstr-* "${TMPDIR:-/tmp}"/ktstr-*; do
		[ -d "$d" ] && [ "$d" -nt "$work/mark" ] || continue
		case $d in */ktstr-steady-* | */ktstr-cpuset_apply-* | */ktstr-template-*) ;; *) continue ;; esac
		owner=$(cat "$d/owner.pid" 2>/dev/null || true)
		[ -n "$owner" ] && kill -0 "$owner" 2>/dev/null && continue
		echo "$d"
	done
}

cache_tmp() {
	find "$cache" \( -name '*.tmp*' -o -name '.tmp-*' -o -name '*.del-*' \) -print 2>/dev/null
}

bad_records() { # files in the run directories that are not complete, valid records
	python3 - "$runs" <<'PY'
import json, os, sys
for root, _, files in os.walk(sys.argv[1]):
    for f in files:
        p = os.path.join(root, f)
        if not f.endswith(".ktstr.json"):
            print(p, "(not a record)")
            continue
        try:
            r = json.load(open(p))
            assert r["schema_version"] == 1 and r["run_id"] and r["test"]
            assert r["result"]["verdict"] in ("pass", "fail", "skip", "interrupted")
        except Exception as e:
            print(p, e)
PY
}

# One whole run first: the VM template and initramfs exist, so interruptions
# fall in restores and test bodies too; every tenth run removes the templates
# again, so that some fall in a template build.
warm_start=$(date +%s%N)
"$ktstr" run --scheduler eevdf --scenario steady --scenario cpuset_apply -j 1 -q \
	>"$work/out" 2>&1 || { cat "$work/out"; echo "the warm-up run failed"; exit 2; }
# interrupts fall within the length of a whole run, which builds templates too
span_ms=$((($(date +%s%N) - warm_start) / 1000000))
rm -rf "${runs:?}"/*

t_qemu=0 t_scratch=0 t_cache=0 t_records=0 t_hung=0 t_status=0 n_int=0 n_done=0 n_fail=0
for i in $(seq 1 "$n"); do
	sig=$([ $((RANDOM % 2)) -eq 0 ] && echo INT || echo TERM)
	delay_ms=$((200 + (RANDOM * 32768 + RANDOM) % span_ms))
	[ $((i % 10)) -eq 0 ] && rm -rf "$cache/templates"
	touch "$work/mark"
	# SIGINT as a terminal's Ctrl-C finds it, even if this script was started
	# with SIGINT ignored (a shell's background job), which ktstr would keep
	env --default-signal=INT "$ktstr" run --scheduler eevdf --scenario steady \
		--scenario cpuset_apply -j 1 >"$work/out" 2>"$work/err" &
	pid=$!
	sleep "$(printf '%d.%03d' $((delay_ms / 1000)) $((delay_ms % 1000)))"
	kill -s "$sig" "$pid" 2>/dev/null
	polls=0
	for _ in $(seq 1 600); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
		polls=$((polls + 1))
	done
	hung=0
	if kill -0 "$pid" 2>/dev/null; then
		hung=1
		kill -9 "$pid"
	fi
	wait "$pid"
	rc=$?
	want=$([ "$sig" = INT ] && echo 130 || echo 143)
	status=0
	if [ "$rc" -eq "$want" ]; then
		n_int=$((n_int + 1))
		# the summary, once anything had started
		if [ -d "$runs" ] && [ -n "$(ls -A "$runs")" ] &&
			! grep -Eq '^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped' "$work/out"; then
			status=1
		fi
		# as many interrupted records as the closing line counts
		said=$(sed -n 's/^[0-9]* passed, .*, \([0-9]*\) interrupted$/\1/p' "$work/out")
		recorded=$(grep -l '"verdict": "interrupted"' -r "$runs" 2>/dev/null | wc -l)
		[ "${said:-0}" -eq "$recorded" ] || status=1
	elif [ "$rc" -eq 0 ] || [ "$rc" -eq 1 ]; then
		# finished first: 0 when every record passed, 1 when one failed (a
		# verdict is the benchmark's concern; here its exit status must agree)
		n_done=$((n_done + 1))
		failed=$(grep -l '"verdict": "fail"' -r "$runs" 2>/dev/null | wc -l)
		if [ "$rc" -eq 1 ]; then
			n_fail=$((n_fail + 1))
			[ "$failed" -gt 0 ] || status=1
			grep -E '^\s*\[[a-z_]+\]|FAIL|error' "$work/out" | head -8 | sed 's/^/     failed first: /'
		else
			[ "$failed" -eq 0 ] || status=1
		fi
		# finishing first takes at most the end of the second test, not a whole
		# one more: a run still going 3 s after the signal ignored it
		[ "$polls" -le 30 ] || status=1
	else
		status=1
	fi
	q=$(qemus | wc -l)
	s=$(scratch_left | wc -l)
	c=$(cache_tmp | wc -l)
	r=$(bad_records | wc -l)
	t_qemu=$((t_qemu + q)) t_scratch=$((t_scratch + s)) t_cache=$((t_cache + c))
	t_records=$((t_records + r)) t_hung=$((t_hung + hung)) t_status=$((t_status + status))
	printf '%3d: SIG%-4s at %5d ms: exit %3d; left: qemu %d, scratch %d, cache tmp %d, bad records %d%s%s\n' \
		"$i" "$sig" "$delay_ms" "$rc" "$q" "$s" "$c" "$r" \
		"$([ $hung -eq 1 ] && echo ', HUNG')" "$([ $status -eq 1 ] && echo ', BAD STATUS/SUMMARY')"
	if [ $((q + s + c + r + hung + status)) -gt 0 ]; then
		# a run that ended on its own shows its output, unless exit 1 already
		# printed its failure lines above
		{ qemus; scratch_left; cache_tmp; bad_records; tail -5 "$work/err"
		  [ "$rc" -ne "$want" ] && [ "$rc" -ne 1 ] && tail -15 "$work/out"; } | sed 's/^/     /'
		qemus | xargs -r kill -9
		scratch_left | xargs -r rm -rf
		cache_tmp | xargs -r rm -rf
	fi
	rm -rf "${runs:?}"/*
done
echo "runs: $n ($n_int interrupted, $n_done finished first, $n_fail of them with a failed test)"
echo "leftovers: qemu $t_qemu, scratch dirs $t_scratch, cache temp files $t_cache," \
	"bad records $t_records, hung $t_hung, bad status/summary $t_status"
[ $((t_qemu + t_scratch + t_cache + t_records + t_hung + t_status)) -eq 0 ]
