#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The installed libktstr.a from the internal archive: all its objects linked into
# one relocatable object whose hidden symbols (everything but KTSTR_API) are made
# local, so they cannot clash with a test file's own names.
# usage: localize_lib.sh INTERNAL.a OUTPUT.a
set -eu
obj="$2.o"
trap 'rm -f "$obj"' EXIT
${LD:-ld} -r --whole-archive "$1" -o "$obj"
${OBJCOPY:-objcopy} --localize-hidden "$obj"
rm -f "$2"
${AR:-ar} rcs "$2" "$obj"
