#!/usr/bin/env bash
# One-step setup for ktstr on Debian 12 (bookworm): installs what is missing.
# Idempotent: when every package is present it does nothing and takes < 1 s.
#
# Extra apt suites (bookworm-backports) reuse the URI of the machine's own
# Debian source entry, and are pinned so that only the named packages come
# from them: nothing else on the machine is upgraded.
set -euo pipefail

# package[:suite] -- suite given when the package must come from backports.
PKGS=(
	qemu-system-x86 qemu-utils busybox-static clang-19 llvm-19 lld-19 libclang-rt-19-dev
	libbpf-dev:bookworm-backports libbpf1:bookworm-backports
	bpftool:bookworm-backports
	libelf-dev zlib1g-dev libzstd-dev libjansson-dev libcmocka-dev
	meson ninja-build pkg-config gcc make zstd xz-utils cpio file
	stress-ng rt-tests gcovr python3-yaml chromium
	# `ktstr kernel build`: the kernel's own build needs these (pahole for BTF)
	flex bison bc perl libssl-dev dwarves binutils git tar xz-utils
)

names() { local p; for p in "${PKGS[@]}"; do echo "${p%%:*}"; done; }

die() { echo "setup: $*" >&2; exit 1; }

if [ "$(id -u)" -ne 0 ] || ! grep -qs '^VERSION_CODENAME=bookworm' /etc/os-release; then
	echo "setup: this script installs packages on Debian 12 (bookworm) as root." >&2
	echo "setup: install these yourself (libbpf-dev >= 1.4 and bpftool >= 7.4 from bookworm-backports):" >&2
	echo "  $(names | tr '\n' ' ')" >&2
	exit 1
fi

missing=()
for p in $(names); do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
# libbpf must be >= 1.4 (bookworm main ships 1.1).
if dpkg-query -W -f='${Version}' libbpf-dev >/dev/null 2>&1 &&
   dpkg --compare-versions "$(dpkg-query -W -f='${Version}' libbpf-dev)" lt 1:1.4; then
	missing+=(libbpf-dev)
fi

if [ ${#missing[@]} -eq 0 ]; then
	echo "setup: all packages present"
	exit 0
fi
echo "setup: installing: ${missing[*]}"

# The URI of the machine's Debian source: deb822 first, then one-line format.
debian_uri() {
	local f
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk '/^URIs:/{u=$2} /^Suites:/{for(i=2;i<=NF;i++) if($i=="bookworm") s=1}
		     /^$/{if(u&&s){print u; exit} u="";s=0} END{if(u&&s) print u}' "$f"
	done | head -n1 | grep . && return
	cat /etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null |
		awk '$1=="deb" && $0 ~ / bookworm / {for(i=2;i<=NF;i++) if($i ~ /^[a-z]+:\/\//){print $i; exit}}' |
		head -n1 | grep .
}

uri=$(debian_uri) || die "no Debian bookworm source found in /etc/apt/sources.list*"
list=/etc/apt/sources.list.d/ktstr-backports.sources
if [ ! -f "$list" ]; then
	cat >"$list" <<EOS
Types: deb
URIs: $uri
Suites: bookworm-backports
Components: main
Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
EOS
	cat >/etc/apt/preferences.d/ktstr-backports <<EOS
# Written by ktstr's setup: take from backports only what is asked for by name.
Package: *
Pin: release n=bookworm-backports
Pin-Priority: 100
EOS
fi

apt-get update -qq
plain=() bp=()
for p in "${PKGS[@]}"; do
	n=${p%%:*}
	printf '%s\n' "${missing[@]}" | grep -qx "$n" || { [ "$n" = libbpf1 ] && printf '%s\n' "${missing[@]}" | grep -qx libbpf-dev; } || continue
	case "$p" in *:*) bp+=("$n/${p#*:}") ;; *) plain+=("$n") ;; esac
done
export DEBIAN_FRONTEND=noninteractive
apt-get install -y -qq --no-install-recommends "${plain[@]}" "${bp[@]}" >/dev/null
echo "setup: done"
