# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# BACKEND=deb: the Debian packages of "make deb" (xen-pciback-dkms,
# pcibackctl) installed with "apt install ./*.deb" in the dom0 root, as an
# administrator would; dom0 loads the module with "modprobe xen-pciback"
# and 74-deb.sh removes the packages again with "apt remove". Sourced by
# run.sh after dkms.sh, whose layers and packing it shares:
#   dkms/base   make, gcc, linux-headers-$KABI and dkms (lib/dkms.sh);
#   deb/upper   one "apt install" of the current packages over it (redone
#               when a package changes).
# The payload carries the upper layer, the dkms tool and dpkg's whole
# database (so that apt can remove the packages in dom0) as
# dkms-overlay.tar, which dom0 unpacks as for BACKEND=dkms.
# shellcheck shell=bash

DEB_RECIPE=1

# Returns 1 (with the log's tail) when "make deb" or the install fails.
# Sets DKMS_OVERLAY and PCIBK_DKMS_VERSION for add_dkms_payload.
prepare_deb() {
	local d=$VM_BUILD/deb key rc=0 debs=()
	# The packages build the module without the self-checks; a DEBUG=1
	# 'make module' would not be what they install.
	case ${DEBUG:-} in
	1 | y | yes) die "BACKEND=deb: the packages have no debug build (DEBUG=1 is for ours and dkms)" ;;
	esac
	mkdir -p "$d"
	dkms_umount "$d"
	dkms_base_layer
	local pkgdir=$REPO_ROOT/build/deb
	if [ "$STACK_NATIVE" = 1 ]; then
		info "BACKEND=deb: make deb"
		if ! (cd "$REPO_ROOT" && $MAKE --no-print-directory deb) >"$d/make-deb.log" 2>&1; then
			tail -n 20 "$d/make-deb.log" >&2
			warn "BACKEND=deb: make deb failed, see $d/make-deb.log"
			return 1
		fi
	else
		# Packages are built for the release they install on: pcibackctl
		# depends on that release's Xen libraries.
		pkgdir=$d/pkgs
		stack_deb "$d/make-deb.log" "$pkgdir" || return 1
	fi
	grep '^deb: lintian' "$d/make-deb.log" | sed 's/^/[vm] /'
	PCIBK_DKMS_VERSION=$(cd "$REPO_ROOT" && $MAKE -s --no-print-directory dkms-version)
	mapfile -t debs < <(ls "$pkgdir/"*"_${PCIBK_DKMS_VERSION}_"*.deb)
	[ ${#debs[@]} = 2 ] || die "BACKEND=deb: expected 2 packages of $PCIBK_DKMS_VERSION in build/deb"
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/dkms-base")" -s "recipe-$DEB_RECIPE" -f "${debs[@]}")
	DKMS_OVERLAY=$d/overlay.tar
	if stamp_ok deb-overlay "$key" && [ -f "$DKMS_OVERLAY" ]; then
		info "BACKEND=deb: packages $PCIBK_DKMS_VERSION (install cached)"
		return 0
	fi
	info "BACKEND=deb: apt install ./*.deb ($PCIBK_DKMS_VERSION) in the dom0 root"
	rm -rf "$d/upper" "$d/work" "$d/dpkg"
	mkdir -p "$d/upper" "$d/work" "$d/mnt" "$d/dpkg/var/lib"
	mount -t overlay overlay \
		-o "lowerdir=$VM_BUILD/dkms/base:$ROOTFS,upperdir=$d/upper,workdir=$d/work" "$d/mnt" ||
		die "deb: cannot mount an overlay over $ROOTFS"
	mkdir -p "$d/mnt/tmp/pcibk-deb"
	cp "${debs[@]}" "$d/mnt/tmp/pcibk-deb/"
	chroot_run "$d/mnt" sh -c 'cd /tmp/pcibk-deb && apt install -y ./*.deb' \
		>"$d/install.log" 2>&1 || rc=$?
	# dpkg's database as dom0 will see it: rootfs, dkms/base and the install.
	[ "$rc" = 0 ] && cp -a "$d/mnt/var/lib/dpkg" "$d/dpkg/var/lib/"
	dkms_layer_done "$d" "$rc" "BACKEND=deb: apt install" 'xen-pciback-dkms:' || return 1
	tar -C "$d/dpkg" -rf "$DKMS_OVERLAY" ./var/lib/dpkg || die "deb: cannot pack dpkg's database"
	stamp_set deb-overlay "$key"
	info "BACKEND=deb: install packed, $(du -h "$DKMS_OVERLAY" | cut -f1)"
}

# stack_deb LOG OUTDIR: "make deb" in a chroot of another release's dom0
# root (lib/dkms.sh, kbuild_in_root), with the tree's files make deb
# packs and its git metadata (the version); the tools it needs (debhelper,
# dh-dkms, lintian, ...) are installed there by make deb itself, in the
# throw-away layer. The packages land in OUTDIR.
stack_deb() {
	local log=$1 out=$2
	info "BACKEND=deb: make deb in the $VM_STACK dom0 root (packages for $VM_STACK)"
	rm -rf "$out"
	if ! (cd "$REPO_ROOT" && { git ls-files --cached --others --exclude-standard |
		while read -r f; do [ -e "$f" ] && echo "$f"; done; find .git -type f; }) |
		kbuild_in_root "$log" "apt-get install -y -q --no-install-recommends git >/dev/null &&
			make --no-print-directory deb"; then
		tail -n 20 "$log" >&2
		warn "BACKEND=deb: make deb failed in the $VM_STACK dom0 root, see $log"
		return 1
	fi
	mkdir -p "$out"
	cp "$VM_BUILD"/kbuild/upper/tmp/pcibk-src/build/deb/*.deb "$out/"
}
