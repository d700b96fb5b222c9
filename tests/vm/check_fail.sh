# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the negative VM test scripts. check_fail BINARY NAME REGEX runs one
# test that must fail: exit 1, a 'FAIL NAME' line, output matching REGEX (grep
# -E) and a run record under $KTSTR_RUNS_DIR saying fail. Counts into $fails.
check_fail() {
	cf_bin=$1 name=$2 want=$3
	out=$("$cf_bin" --exact "$name" 2>&1)
	code=$?
	printf '%s\n' "$out"
	if [ "$code" -ne 1 ]; then
		echo "not ok: $name exited $code, want 1"; fails=$((fails + 1))
	fi
	if ! printf '%s\n' "$out" | grep -q "^FAIL $name "; then
		echo "not ok: no 'FAIL $name' line"; fails=$((fails + 1))
	fi
	if ! printf '%s\n' "$out" | grep -Eq "$want"; then
		echo "not ok: $name output lacks '$want'"; fails=$((fails + 1))
	fi
	rec=$(find "$KTSTR_RUNS_DIR" -name "$name-*.ktstr.json" | head -n 1)
	if [ -z "$rec" ]; then
		echo "not ok: no run record for $name under $KTSTR_RUNS_DIR"; fails=$((fails + 1))
	elif ! grep -q '"verdict": *"fail"' "$rec"; then
		echo "not ok: record $rec does not say fail"; fails=$((fails + 1))
	fi
	echo "checked $name"
}
