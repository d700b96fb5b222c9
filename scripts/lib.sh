# Helpers shared by scripts/test.sh and scripts/demo.sh (sourced).

step() {
	local name=$1
	shift
	local t0=$SECONDS rc=0
	echo "==> $name: $*"
	"$@" || rc=$?
	if [ $rc -ne 0 ]; then
		echo "==> $name FAILED (exit $rc) after $((SECONDS - t0)) s"
		return $rc
	fi
	echo "==> $name done in $((SECONDS - t0)) s"
}

# build_tree DIR [meson options...]: configure once, then build.
build_tree() {
	local dir=$1
	shift
	[ -f "$dir/build.ninja" ] || step "configure" meson setup "$dir" "$@" >/dev/null
	step "build" ninja -C "$dir"
}

# run_suite DIR SUITE JOBS: meson test for one suite, failures' logs printed.
run_suite() {
	local dir=$1 suite=$2 jobs=$3
	step "test ($suite)" meson test -C "$dir" --suite "$suite" --num-processes "$jobs" \
		--print-errorlogs --logbase "testlog-$suite"
}

# summary DIR...: one closing line over all suites run in the build trees,
# from meson's JSON logs (each test run counts once per tree it ran in).
summary() {
	local logs=() dir
	for dir in "$@"; do
		logs+=("$dir"/meson-logs/testlog-*.json)
	done
	python3 - "${logs[@]}" <<'PY'
import json, sys
p = f = s = 0
for path in sys.argv[1:]:
    if "*" in path:  # a tree whose suites never ran
        continue
    for line in open(path):
        r = json.loads(line)["result"]
        if r in ("OK", "EXPECTEDFAIL"): p += 1
        elif r == "SKIP": s += 1
        else: f += 1
print(f"{p} passed, {f} failed, {s} skipped")
PY
}
