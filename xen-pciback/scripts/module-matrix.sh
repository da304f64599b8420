#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# make module-matrix: build xen-pciback.ko with W=1 -Werror (and sparse)
# against the kernel headers of every Debian release a dom0 may run, each
# in a chroot of its own release (the headers' helper programs, fixdep and
# modpost, are linked against that release's C library), and print one
# table: kernel, result, warnings, seconds.
#
#   module-matrix.sh [-s] [ROW...]   ROW: a label of the table below
#                                    (default: every row)
#   -s  set up the chroots only (debootstrap, headers), build nothing
#   -c  only the rows whose chroot is already set up (CI)
#   -k  exit 0 if every row's chroot is set up, 1 if not (builds nothing)
#   -n  native: no chroot, only the rows of this machine's release
#       (Debian 12: 6.1 with the installed headers, 6.12+deb12 with
#       bookworm-backports' headers unpacked by kheaders.sh); make
#       module-ci
#
# The chroots are cached under $PCIBK_MATRIX_DIR (build/matrix/<release>):
# one per release, the backports rows share their release's chroot. A
# chroot is set up once (its .ready stamp); a later run only copies the
# sources in. Each build runs in a private mount namespace, so no mount
# outlives it. Logs: build/matrix/<label>.log.
set -uo pipefail

here=$(cd "$(dirname "$0")/../.." && pwd)
mdir=${PCIBK_MATRIX_DIR:-$here/build/matrix}
mirror=${PCIBK_MATRIX_MIRROR:-http://deb.debian.org/debian}

# label  release  suite of the headers
rows=(
	"5.10       bullseye  bullseye"
	"6.1        bookworm  bookworm"
	"6.12+deb12 bookworm  bookworm-backports"
	"6.12+deb13 trixie    trixie"
	"7.2        forky     forky"
	"7.3        trixie    trixie-backports"
)

# The probes (xen-pciback/probes/) each row must answer yes to, and no
# to the others. Most wrong answers would fail the build anyway; the
# duties' hooks (xen_gsi_hooks, xen_reset_device) would not: a "no"
# only turns the duties off.
probes_of() {
	local old="pci_driver_override" mid="evtchn_bind_xdev pci_dev_groups xen_pci_h xenbus_remove_void"
	local hooks="dev_driver_override xen_gsi_hooks xen_reset_device"
	case $1 in
	5.10) echo "$old" ;;
	6.1) echo "$old $mid" ;;
	6.12+*) echo "$mid $hooks" ;;
	7.*) echo "$mid $hooks xenbus_state_xdev" ;;
	esac
}

setup_only=0
cached_only=0
native=0
while getopts sckn o; do
	case $o in
	k)
		for r in "${rows[@]}"; do
			read -r label rel suite <<<"$r"
			[ -s "$mdir/$rel/.headers-$suite" ] || exit 1
		done
		exit 0
		;;
	s) setup_only=1 ;;
	c) cached_only=1 ;;
	n) native=1 ;;
	*) exit 2 ;;
	esac
done
shift $((OPTIND - 1))

die() {
	echo "module-matrix: $*" >&2
	exit 1
}

host_rel=$(. /etc/os-release 2>/dev/null && echo "${VERSION_CODENAME:-}")
if [ $native = 1 ]; then
	[ "$host_rel" = bookworm ] ||
		die "-n builds for Debian 12 on Debian 12; this is '${host_rel:-unknown}'"
elif [ "$(id -u)" != 0 ]; then
	die "run as root (debootstrap and chroot)"
elif ! command -v debootstrap >/dev/null; then
	echo "module-matrix: installing debootstrap"
	bash "$here/tests/deps.sh" debootstrap || die "cannot install debootstrap (apt-get install debootstrap)"
	command -v debootstrap >/dev/null || die "debootstrap is missing after installing it"
fi
command -v unshare >/dev/null || die "unshare (util-linux) is missing"

# Set up the chroot of release $1 once: a minimal system, the sources of
# the release and its backports, a compiler, make and sparse. The headers
# are added per row (setup_headers).
setup_chroot() {
	local rel=$1 root=$mdir/$1
	[ -f "$root/.ready" ] && return 0
	echo "module-matrix: setting up the $rel chroot in $root (once)"
	rm -rf "$root"
	mkdir -p "$mdir"
	# A debootstrap older than the release has no script for it; the
	# one for unstable works for every release since bullseye.
	local script=
	[ -e "/usr/share/debootstrap/scripts/$rel" ] || script=/usr/share/debootstrap/scripts/sid
	debootstrap --variant=minbase --include=make,sparse "$rel" "$root" "$mirror" \
		$script >"$mdir/$rel-debootstrap.log" 2>&1 ||
		{ tail -n 20 "$mdir/$rel-debootstrap.log" >&2; return 1; }
	{
		echo "deb $mirror $rel main"
		case $rel in
		bookworm | trixie) echo "deb $mirror $rel-backports main" ;;
		esac
	} >"$root/etc/apt/sources.list"
	# Testing's Release file is valid for a week only: a mirror that
	# lags (or a machine whose clock runs ahead) must still do.
	echo 'Acquire::Check-Valid-Until "false";' >"$root/etc/apt/apt.conf.d/99pcibk"
	in_chroot "$rel" apt-get update -q >>"$mdir/$rel-debootstrap.log" 2>&1 ||
		{ tail -n 20 "$mdir/$rel-debootstrap.log" >&2; return 1; }
	touch "$root/.ready"
}

# Install in release $1's chroot the amd64 headers that suite $2's
# linux-headers-amd64 names (they bring the compiler the kernel was built
# with), and print their build directory. The ABI's own package, not the
# meta-package: a release and its backports share one chroot, and the
# backports' meta-package would leave the release's headers to autoremove.
setup_headers() {
	local rel=$1 suite=$2 root=$mdir/$1 stamp abi
	stamp=$root/.headers-$suite
	if [ ! -s "$stamp" ]; then
		abi=$(in_chroot "$rel" apt-cache depends "linux-headers-amd64/$suite" 2>/dev/null |
			sed -n 's/^ *Depends: linux-headers-\([0-9].*\)$/\1/p' | head -n 1)
		[ -n "$abi" ] || { echo "module-matrix: no linux-headers-amd64 in $suite" >&2; return 1; }
		in_chroot "$rel" apt-get install -y -q --no-install-recommends \
			-t "$suite" "linux-headers-$abi" >>"$mdir/$rel-debootstrap.log" 2>&1 ||
			{ tail -n 20 "$mdir/$rel-debootstrap.log" >&2; return 1; }
		echo "$abi" >"$stamp"
	fi
	abi=$(cat "$stamp")
	[ -n "$abi" ] && [ -f "$root/usr/src/linux-headers-$abi/Makefile" ] ||
		{ rm -f "$stamp"; echo "module-matrix: no headers for $suite in $root" >&2; return 1; }
	echo "/usr/src/linux-headers-$abi"
}

# Run a command in release $1's chroot, in a mount namespace of its own
# with /dev and /proc, so that nothing stays mounted afterwards. Some
# headers packages depend on their kernel image: INITRD=No spares the
# chroot an initramfs.
in_chroot() {
	local root=$mdir/$1
	shift
	unshare -m --propagation private sh -c '
		root=$1; shift
		mount --rbind /dev "$root/dev" && mount -t proc proc "$root/proc" &&
		exec chroot "$root" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
			HOME=/root LANG=C.UTF-8 DEBIAN_FRONTEND=noninteractive \
			INITRD=No "$@"
	' in_chroot "$root" "$@"
}

# Kernels since 6.14 check that sparse understands __typeof_unqual__ with
# scripts/checker-valid.sh, which Debian's headers packages leave out;
# without it C=2 is turned off. Give the chroot's headers a check of the
# same question, so that a sparse that can do it runs.
sparse_check() {
	local common
	common=$(sed -n 's|^include \(/usr/src/[^ ]*\)/Makefile$|\1|p' "$mdir/$1$2/Makefile")
	[ -n "$common" ] || common=$2
	grep -q checker-valid.sh "$mdir/$1$common/Makefile" 2>/dev/null || return 0
	[ -e "$mdir/$1$common/scripts/checker-valid.sh" ] && return 0
	cat >"$mdir/$1$common/scripts/checker-valid.sh" <<'CHECK'
#!/bin/sh
# Written by pcibk's module-matrix: prints 1 if the checker $1 (with the
# flags that follow) parses __typeof_unqual__ without an error.
command -v "$1" >/dev/null || { echo 0; exit 0; }
f=$(mktemp --suffix=.c)
printf 'int f(const int *p);\nint f(const int *p)\n{\n\t__typeof_unqual__(*p) x = *p;\n\treturn x;\n}\n' >"$f"
if "$@" "$f" 2>&1 | grep -q error; then echo 0; else echo 1; fi
rm -f "$f"
CHECK
	chmod +x "$mdir/$1$common/scripts/checker-valid.sh"
}

# Copy the module's sources (not its build products) to $1; every run
# builds from a fresh copy.
copy_sources() {
	local dst=$1
	rm -rf "$dst"
	mkdir -p "$dst"
	tar -C "$here" -cf - --exclude='*.o' --exclude='*.ko' --exclude='*.mod' \
		--exclude='*.mod.c' --exclude='.*.cmd' --exclude='*.a' \
		--exclude=Module.symvers --exclude=modules.order --exclude=.tmp_versions \
		xen-pciback include | tar -C "$dst" -xf -
}

want=("$@")
selected() {
	[ ${#want[@]} = 0 ] && return 0
	local w
	for w in "${want[@]}"; do [ "$w" = "$1" ] && return 0; done
	return 1
}

# The row of one build: $label, $st, $log, $kdir, $sparse, $t0, and the
# module directory $1 (its pcibk_probed.h).
row_result() {
	local warn res=ok got want
	warn=$(grep -cE 'warning:|WARNING:|\[-Werror=' "$log")
	got=$(sed -n 's/^#define PCIBK_HAVE_\([A-Z0-9_]*\) 1$/\1/p' "$1/pcibk_probed.h" 2>/dev/null |
		tr 'A-Z' 'a-z' | sort | tr '\n' ' ')
	want=$(probes_of "$label" | tr ' ' '\n' | sort | tr '\n' ' ')
	if [ $st = 0 ] && [ "$got" != "$want" ]; then
		echo "module-matrix: $label: probes answered yes to: ${got:-none}; expected: $want" >>"$log"
		st=probes
	fi
	if [ $st != 0 ] || [ "$warn" != 0 ]; then
		res=FAILED
		[ $st = probes ] && res=PROBES
		fails=$((fails + 1))
	fi
	# The kernel turns a sparse it finds too old off (and says so).
	grep -q 'specified, but .* not available or not up to date' "$log" &&
		sparse=
	table+=("$(printf '%-12s %-8s %8s %8s  %s' "$label" "$res" "$warn" $((SECONDS - t0)) \
		"${kdir##*/linux-headers-}${sparse:+, sparse}")")
}

table=()
fails=0
for r in "${rows[@]}"; do
	read -r label rel suite <<<"$r"
	selected "$label" || continue
	if [ $native = 1 ]; then
		[ "$rel" = "$host_rel" ] || continue
		t0=$SECONDS
		log=$mdir/native/$label.log
		mkdir -p "$mdir/native"
		if [ "$suite" = "$rel" ]; then
			kdir=$(sh "$here/xen-pciback/scripts/kdir.sh") || kdir=
		else
			kdir=$(bash "$here/xen-pciback/scripts/kheaders.sh" "$suite") || kdir=
		fi
		if [ -z "$kdir" ]; then
			fails=$((fails + 1))
			table+=("$(printf '%-12s %-8s %8s %8s  %s' "$label" FAILED - $((SECONDS - t0)) "no headers from $suite")")
			continue
		fi
		kdir=$(readlink -f "$kdir")
		copy_sources "$mdir/native/src/$label"
		command -v sparse >/dev/null || bash "$here/tests/deps.sh" sparse
		sparse=C=2
		make --no-print-directory -j2 -C "$kdir" M="$mdir/native/src/$label/xen-pciback" \
			CONFIG_XEN_PCIBK=m W=1 $sparse KCFLAGS=-Werror modules >"$log" 2>&1
		st=$?
		row_result "$mdir/native/src/$label/xen-pciback"
		continue
	fi
	if [ $cached_only = 1 ] && [ ! -s "$mdir/$rel/.headers-$suite" ]; then
		table+=("$(printf '%-12s %-8s %8s %8s  %s' "$label" skipped - - "no cached $rel chroot")")
		continue
	fi
	t0=$SECONDS
	log=$mdir/$label.log
	mkdir -p "$mdir"
	kdir=
	if setup_chroot "$rel" && kdir=$(setup_headers "$rel" "$suite"); then
		:
	else
		kdir=
	fi
	if [ $setup_only = 1 ]; then
		res=ready
		[ -n "$kdir" ] || { res=FAILED; fails=$((fails + 1)); }
		table+=("$(printf '%-12s %-8s %8s %8s  %s' "$label" "$res" - $((SECONDS - t0)) "${kdir##*/}")")
		continue
	fi
	if [ -z "$kdir" ]; then
		fails=$((fails + 1))
		table+=("$(printf '%-12s %-8s %8s %8s  %s' "$label" FAILED - $((SECONDS - t0)) "chroot setup ($mdir/$rel-debootstrap.log)")")
		continue
	fi
	copy_sources "$mdir/$rel/src/$label"
	sparse=
	[ -x "$mdir/$rel/usr/bin/sparse" ] && sparse=C=2
	sparse_check "$rel" "$kdir"
	in_chroot "$rel" make --no-print-directory -j2 -C "$kdir" M="/src/$label/xen-pciback" \
		CONFIG_XEN_PCIBK=m W=1 $sparse KCFLAGS=-Werror modules >"$log" 2>&1
	st=$?
	row_result "$mdir/$rel/src/$label/xen-pciback"
done

echo
printf '%-12s %-8s %8s %8s  %s\n' kernel result warnings seconds headers
for l in "${table[@]}"; do echo "$l"; done
[ $fails = 0 ] || { echo "module-matrix: $fails row(s) failed (logs: $mdir/$([ $native = 1 ] && echo native/)<kernel>.log)"; exit 1; }
echo "module-matrix: ${#table[@]} rows, 0 failed"
