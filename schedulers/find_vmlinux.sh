#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Print the vmlinux (ELF with .BTF) of the newest cached kernel, or nothing.
# Cache root: $KTSTR_CACHE_DIR, else $XDG_CACHE_HOME/ktstr, else ~/.cache/ktstr;
# entries are <root>/kernels/<id>/. Failing that, a vmlinux next to the image
# $KTSTR_KERNEL names.
root=${KTSTR_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/ktstr}
best=
for v in "$root"/kernels/*/vmlinux; do
	[ -f "$v" ] || continue
	if [ -z "$best" ] || [ "$v" -nt "$best" ]; then
		best=$v
	fi
done
if [ -z "$best" ] && [ -n "$KTSTR_KERNEL" ]; then
	if [ -d "$KTSTR_KERNEL" ]; then
		v=$KTSTR_KERNEL/vmlinux
	else
		v=$(dirname "$KTSTR_KERNEL")/vmlinux
	fi
	[ -f "$v" ] && best=$v
fi
[ -n "$best" ] && printf '%s\n' "$best"
exit 0
