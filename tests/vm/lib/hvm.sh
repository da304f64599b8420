# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# HVM guests (scenarios marked "pcibk: needs-hvm"): dom0 needs the
# stack's device model (qemu-system-xen, libxl's qemu-xen) and SeaBIOS.
# They are installed on the host, in a chroot of the dom0 root, in an
# overlayfs layer of their own (hvm/upper; cached, redone when the dom0
# root changes), packed into hvm/overlay.tar.  The run gives that tar file
# to dom0 as one more raw virtio disk (serial number pcibk-hvm), which
# dom0's runner unpacks over its throw-away root before the Xen daemons
# start.  Runs without an HVM scenario neither build nor carry it, so
# rootfs/, dom0.img and the other runs are unchanged.  Sourced by run.sh
# after build.sh and dkms.sh (uses ROOTFS, chroot_run, dkms_umount,
# hash_of, the stamps).
# shellcheck shell=bash

HVM_RECIPE=2
HVM_PACKAGES=(qemu-system-xen seabios)
# Set by prepare_hvm, used by qemu_cmd.
HVM_OVERLAY=''

# hvm_wanted MODE: true for the demo with DEMO_GUEST=hvm, and when a
# scenario the run selects (the runner's rule: VM_SCENARIOS matched against
# the file name) says it needs HVM guests.  Such scenarios run only when
# selected by name (never in a run of all).
hvm_wanted() {
	local f base
	if [ "$1" = demo ]; then
		[ "$DEMO_GUEST" = hvm ]
		return
	fi
	[ -n "$VM_SCENARIOS" ] || return 1
	for f in "$VM_SRC"/scenarios/*.sh; do
		base=${f##*/}
		base=${base%.sh}
		[[ $base =~ $VM_SCENARIOS ]] || continue
		grep -q '^# pcibk: needs-hvm' "$f" && return 0
	done
	return 1
}

# hvm_machine: what an HVM guest needs from the outer machine, unless the
# caller chose otherwise.  Xen runs HVM guests only with nested paging
# (Debian's Xen has no shadow paging): AMD SVM with NPT, the only nested
# virtualization QEMU's TCG emulates.  iommu=no-sharept: Xen keeps the
# emulated VT-d's page tables apart from the guest's (AMD-format) nested
# page tables.  Multi-threaded TCG: single-threaded, the HVM guests'
# kernels died in 9 of 15 boots (both backends), most of an interrupt
# entered twice (tests/vm/README.md, "HVM guests"); multi-threaded in 2
# of 10, never of that.
hvm_machine() {
	[ "$VM_CPU_GIVEN" = 1 ] || VM_CPU=qemu64,+svm,+npt
	case " ${VM_XEN_ARGS:-} " in
	*" iommu=no-sharept "*) ;;
	*) VM_XEN_ARGS="${VM_XEN_ARGS:+$VM_XEN_ARGS }iommu=no-sharept" ;;
	esac
	[ "$VM_TCG_THREAD_GIVEN" = 1 ] || VM_TCG_THREAD=multi
	info "HVM: -cpu $VM_CPU, TCG thread=$VM_TCG_THREAD, Xen's options + '${VM_XEN_ARGS:-}'"
}

prepare_hvm() {
	local d=$VM_BUILD/hvm key
	HVM_OVERLAY=$d/overlay.tar
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/rootfs-base")" -s "${HVM_PACKAGES[*]}" \
		-s "recipe-$HVM_RECIPE")
	if stamp_ok hvm-overlay "$key" && [ -f "$HVM_OVERLAY" ]; then
		info "HVM: ${HVM_PACKAGES[*]} for dom0 (cached, $(du -h "$HVM_OVERLAY" | cut -f1))"
		return 0
	fi
	info "HVM: ${HVM_PACKAGES[*]} in a layer over the dom0 root"
	mkdir -p "$d"
	dkms_umount "$d"
	rm -rf "$d/upper" "$d/work" "$HVM_OVERLAY"
	mkdir -p "$d/upper" "$d/work" "$d/mnt"
	mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$d/upper,workdir=$d/work" "$d/mnt" ||
		die "HVM: cannot mount an overlay over $ROOTFS"
	if ! chroot_run "$d/mnt" sh -c "apt-get update -q && apt-get install -y -q \
		--no-install-recommends ${HVM_PACKAGES[*]} && apt-get clean" >"$d/apt.log" 2>&1; then
		dkms_umount "$d"
		die "HVM: apt-get install ${HVM_PACKAGES[*]} in the dom0 root failed, see $d/apt.log"
	fi
	dkms_umount "$d"
	# dpkg's database comes along (dom0 may ask dpkg what is installed);
	# apt's lists, caches, logs and whiteouts (character devices) do not.
	(cd "$d/upper" && find . \( -path ./tmp -o -path ./var/cache -o -path ./var/lib/apt \
		-o -path ./var/log -o -path ./root -o -path ./usr/share/doc -o -path ./usr/share/man -o -path ./usr/share/locale \
		-o -path ./usr/share/iso-codes -o -path ./usr/share/lintian \) -prune -o \
		! -type c ! -type d -print0 | tar --null -cf "$HVM_OVERLAY.tmp" -T -) ||
		die "HVM: cannot pack the layer"
	mv "$HVM_OVERLAY.tmp" "$HVM_OVERLAY"
	rm -rf "$d/work"
	stamp_set hvm-overlay "$key"
	info "HVM: layer packed, $(du -h "$HVM_OVERLAY" | cut -f1)"
}
