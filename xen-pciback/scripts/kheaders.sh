#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Unpack the amd64 kernel headers of a Debian suite into build/kheaders/
# and print their build directory, without installing anything: Debian's
# headers packages depend on the kernel image itself, which a build
# machine does not want (nor the udev and initramfs-tools it pulls in).
# For suites whose programs run on this machine (bookworm-backports on
# Debian 12: the same C library).
#
#   kheaders.sh SUITE      e.g. bookworm-backports
#
# apt-get runs with lists of its own (build/kheaders/apt/), so the
# machine's sources are not touched. Cached: a second run only checks
# that the newest ABI of the suite is already unpacked.
set -euo pipefail

suite=$1
here=$(cd "$(dirname "$0")/../.." && pwd)
top=${PCIBK_KHEADERS_DIR:-$here/build/kheaders}
mirror=${PCIBK_MATRIX_MIRROR:-http://deb.debian.org/debian}
adir=$top/apt/$suite

die() {
	echo "kheaders: $*" >&2
	exit 1
}

mkdir -p "$adir/lists/partial" "$adir/cache/archives/partial" "$adir/debs"
echo "deb $mirror $suite main" >"$adir/sources.list"
apt=(-o "Dir::Etc::sourcelist=$adir/sources.list" -o Dir::Etc::sourceparts=-
	-o "Dir::State::lists=$adir/lists" -o "Dir::Cache=$adir/cache"
	-o APT::Get::List-Cleanup=0 -o Acquire::Check-Valid-Until=false)
apt-get "${apt[@]}" update -q >"$adir/update.log" 2>&1 ||
	{ cat "$adir/update.log" >&2; die "apt-get update of $suite failed"; }

# linux-headers-amd64 -> linux-headers-<abi> -> -common, linux-kbuild-*.
abi=$(apt-cache "${apt[@]}" depends "linux-headers-amd64/$suite" 2>/dev/null |
	sed -n 's/^ *Depends: linux-headers-\([0-9].*\)$/\1/p' | head -n 1)
[ -n "$abi" ] || die "no linux-headers-amd64 in $suite"
root=$top/$abi
kdir=$root/usr/src/linux-headers-$abi

# What the packages would have installed: the compiler the kernel was
# built with, make, and pahole for the modules' BTF (linux-kbuild).
tools=(make pahole)
while read -r dep; do
	tools+=("$dep")
done < <(apt-cache "${apt[@]}" depends "linux-headers-$abi" 2>/dev/null |
	sed -n 's/^ *Depends: \(gcc-[0-9]*\)$/\1/p')
bash "$here/tests/deps.sh" "${tools[@]}" >&2 || die "cannot install ${tools[*]}"

if [ -f "$root/.ready" ]; then
	echo "$kdir"
	exit 0
fi

pkgs=("linux-headers-$abi")
while read -r dep; do
	pkgs+=("$dep")
done < <(apt-cache "${apt[@]}" depends "linux-headers-$abi" 2>/dev/null |
	sed -n 's/^ *Depends: \(linux-headers-[^ ]*-common\|linux-kbuild-[^ ]*\)$/\1/p')
[ ${#pkgs[@]} = 3 ] || die "unexpected dependencies of linux-headers-$abi: ${pkgs[*]}"

echo "kheaders: unpacking ${pkgs[*]} into $root" >&2
rm -rf "$root" "$adir/debs"
mkdir -p "$root" "$adir/debs"
(cd "$adir/debs" && apt-get "${apt[@]}" download -q "${pkgs[@]}" >"$adir/download.log" 2>&1) ||
	{ cat "$adir/download.log" >&2; die "apt-get download failed"; }
for d in "$adir"/debs/*.deb; do
	dpkg-deb -x "$d" "$root"
done
# The arch directory's Makefile includes the common one by its installed
# path; everything else is found relative to it.
sed -i "s|^include /usr/src/|include $root/usr/src/|" "$kdir/Makefile"
[ -f "$kdir/Makefile" ] || die "no $kdir/Makefile"
rm -rf "$adir/debs"
touch "$root/.ready"
echo "$kdir"
