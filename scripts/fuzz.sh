#!/usr/bin/env bash
# scripts/fuzz.sh [TARGET] [SECONDS|NM] [OPTION...]: build the libFuzzer targets of tests/fuzz
# (clang-19, ASan + UBSan, in build-fuzz/ or $FUZZ_BUILD) and run TARGET, or
# every target when it is "all" or absent, for SECONDS each (default 60), or
# for N million executions each when the limit is written NM (e.g. 10M),
# starting from the committed seed corpus tests/fuzz/corpus/TARGET. Inputs
# that found new coverage go to BUILD/fuzz-corpus/TARGET and are kept between
# runs; findings (crashes, sanitizer reports, leaks, hangs over 60 s, broken
# properties) go to BUILD/fuzz-findings/. One line per target: executions,
# coverage (cov: edges, ft: features), executions per second, findings.
# OPTIONs go to libFuzzer as they are: -max_len=1024 keeps inputs short, and
# executions fast, in a long campaign.
# Exit status 1 when any target found something, 2 for a bad argument.
set -euo pipefail
cd "$(dirname "$0")/.."

targets=(channel guest_json payload_metrics records ksyms btf guestmem topo sched_args trace)
target=${1:-all}
secs=${2:-60}
shift $(($# < 2 ? $# : 2))
dir=${FUZZ_BUILD:-build-fuzz}

if [ "$target" != all ] && [[ ! " ${targets[*]} " =~ " $target " ]]; then
	echo "fuzz.sh: unknown target '$target' (targets: ${targets[*]})" >&2
	exit 2
fi
if [[ $secs =~ ^[1-9][0-9]*M$ ]]; then
	limit=-runs=$((${secs%M} * 1000000))
elif [[ $secs =~ ^[1-9][0-9]*$ ]]; then
	limit=-max_total_time=$secs
else
	echo "fuzz.sh: the limit must be SECONDS or NM (millions of executions), not '$secs'" >&2
	exit 2
fi
[ "$target" = all ] || targets=("$target")

if [ ! -f "$dir/build.ninja" ]; then
	CC=clang-19 meson setup "$dir" -Dfuzz=true -Db_sanitize=address,undefined \
		-Db_lundef=false -Dvm_tests=false -Dbuildtype=debugoptimized >/dev/null
fi
ninja -C "$dir" "${targets[@]/#/tests/fuzz/fuzz_}" >/dev/null

status=0
for t in "${targets[@]}"; do
	corpus=$dir/fuzz-corpus/$t findings=$dir/fuzz-findings log=$dir/fuzz-$t.log
	mkdir -p "$corpus" "$findings"
	rc=0
	"$dir/tests/fuzz/fuzz_$t" "$limit" "$@" -timeout=60 -print_final_stats=1 \
		-artifact_prefix="$findings/$t-" "$corpus" "tests/fuzz/corpus/$t" >"$log" 2>&1 || rc=$?
	execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
	speed=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
	cov=$(grep -o 'cov: [0-9]* ft: [0-9]*' "$log" | tail -n 1 || true)
	if [ $rc -eq 0 ]; then
		found=0
	else
		found=$(sed -n 's/.*Test unit written to \(.*\)/\1/p' "$log" | tail -n 1)
		found=${found:-"exit $rc, see $log"}
		status=1
	fi
	printf '%-16s %12s execs  %-22s %8s exec/s  findings: %s\n' "$t" "${execs:-?}" \
		"${cov:-cov: ?}" "${speed:-?}" "$found"
	if [ $rc -ne 0 ]; then
		{ grep -m 20 -E 'ERROR|SUMMARY|runtime error|property violated|#[0-9]+ in ' "$log" || true; } | sed 's/^/    /'
	fi
done
exit $status
