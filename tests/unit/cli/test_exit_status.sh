#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Exit status 2 for bad input, before any VM boots: a kernel that is not there
# or is not a kernel image (ktstr run and a test binary's --kernel, and
# KTSTR_KERNEL), and a scheduler that cannot run in the VM (a script, another
# architecture, a missing library; ktstr run's --scheduler and a test binary's
# declared scheduler). Each message names the culprit; nothing is recorded and
# no QEMU is started.
# usage: test_exit_status.sh KTSTR TEST_BINARY ELFDEPS_FIXTURE
set -u
ktstr=$1
testbin=$2
fixture=$3
tmp=$(mktemp -d /tmp/ktstr-exit-XXXXXX)
trap 'rm -rf "$tmp"' EXIT
fail() { echo "not ok: $*"; exit 1; }

export KTSTR_RUNS_DIR=$tmp/runs KTSTR_QEMU=$tmp/no-qemu
unset KTSTR_KERNEL

# want-code want-regex command...
check() {
	want_code=$1 want=$2
	shift 2
	err=$("$@" 2>&1 >/dev/null)
	code=$?
	[ "$code" -eq "$want_code" ] || fail "$*: exit $code, want $want_code ($err)"
	printf '%s\n' "$err" | grep -q -- "$want" || fail "$*: message '$err' lacks '$want'"
	[ ! -e "$tmp/runs" ] || fail "$*: wrote records under $tmp/runs"
	echo "ok: $*: exit $code: $(printf '%s' "$err" | head -1)"
}

printf '#!/bin/bash\nexec true\n' >"$tmp/sched.sh"
chmod +x "$tmp/sched.sh"
python3 -c '
import sys
h = bytearray(64)
h[0:7] = b"\x7fELF\x02\x01\x01"
h[18] = 183  # EM_AARCH64
open(sys.argv[1], "wb").write(h)
' "$tmp/arm-sched"
chmod +x "$tmp/arm-sched"
cp "$fixture" "$tmp/needs-lib"  # its library is found through $ORIGIN/lib: not here

check 2 "--kernel /nonexistent/bzImage: no such image" \
	"$ktstr" run --scheduler eevdf --kernel /nonexistent/bzImage
check 2 "--kernel /etc/passwd: not a kernel image" \
	"$ktstr" run --scheduler eevdf --kernel /etc/passwd
check 2 "KTSTR_KERNEL /nonexistent/env" \
	env KTSTR_KERNEL=/nonexistent/env "$ktstr" run --scheduler eevdf
check 2 "a script for /bin/bash" "$ktstr" run --scheduler "$tmp/sched.sh"
check 2 "is an ELF for aarch64" "$ktstr" run --scheduler "$tmp/arm-sched"
check 2 "needed by $tmp/needs-lib) not found" "$ktstr" run --scheduler "$tmp/needs-lib"
check 2 "--kernel /nonexistent/bzImage: no such image" \
	"$testbin" --kernel /nonexistent/bzImage
check 2 "--kernel /etc/passwd: not a kernel image" "$testbin" --kernel /etc/passwd
check 2 "/etc/passwd: not a kernel image" "$testbin" --kernel a=/etc/passwd --kernel b=/etc/passwd
check 2 "KTSTR_KERNEL /nonexistent/env" env KTSTR_KERNEL=/nonexistent/env "$testbin"
# a test binary's scheduler, found on $PATH by its bare name
mkdir "$tmp/bin"
sched=$tmp/bin/ktstr-exit-status-sched
check 2 "scheduler exit_sched: binary 'ktstr-exit-status-sched' not found" \
	env PATH="$tmp/bin:$PATH" "$testbin" under_exit_sched
cp "$tmp/sched.sh" "$sched"
check 2 "$sched is a script for /bin/bash" env PATH="$tmp/bin:$PATH" "$testbin" under_exit_sched
cp "$tmp/arm-sched" "$sched"
check 2 "$sched is an ELF for aarch64" env PATH="$tmp/bin:$PATH" "$testbin"
cp "$fixture" "$sched"
check 2 "needed by $sched) not found" env PATH="$tmp/bin:$PATH" "$testbin" under_exit_sched
# --help states the contract
"$ktstr" run --help | grep -q '^EXIT STATUS' || fail "ktstr run --help has no EXIT STATUS"
"$testbin" --help | grep -q '^EXIT STATUS' || fail "test binary --help has no EXIT STATUS"
echo "exit status: all cases exit 2 before any VM"
