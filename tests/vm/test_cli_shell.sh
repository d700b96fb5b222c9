#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# `ktstr shell --exec`: the command's output on stdout and its exit status:
# nproc on 1n2l2c1t prints 4; 'exit 3' exits 3; an include file is on PATH.
# usage: test_cli_shell.sh KTSTR
set -u
ktstr=$1
fail() { echo "not ok: $*"; exit 1; }

out=$("$ktstr" shell --exec nproc --topology 1n2l2c1t)
code=$?
echo "nproc: '$out' exit $code"
[ "$code" -eq 0 ] || fail "nproc exit $code"
[ "$out" = 4 ] || fail "nproc printed '$out', want 4"

dir=$(mktemp -d /tmp/ktstr-shell-XXXXXX)
trap 'rm -rf "$dir"' EXIT
printf '#!/bin/sh\necho hello from $0\nexit 3\n' >"$dir/hello.sh"
chmod +x "$dir/hello.sh"
out=$("$ktstr" shell -i "$dir/hello.sh" --exec 'hello.sh')
code=$?
echo "hello.sh: '$out' exit $code"
[ "$code" -eq 3 ] || fail "hello.sh exit $code, want 3"
[ "$out" = "hello from /include-files/hello.sh" ] || fail "hello.sh printed '$out'"
# other suites may run VMs now: a stray one of ours has lost its parent
if ps -eo ppid=,args= | awk '$1 == 1 && /qemu-system/ && /ktstr-shell/' | grep -q .; then fail "QEMU left running"; fi
echo ok
