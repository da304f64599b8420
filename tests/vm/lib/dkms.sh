# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# BACKEND=dkms: this tree installed with "make dkms-install" into the dom0
# root, at native speed on the host, without changing rootfs/, dom0.img or
# the initramfs images that every other run uses.  Sourced by run.sh after
# build.sh (uses ROOTFS, KABI, chroot_run, hash_of, the stamps).
#
# Two overlayfs layers over rootfs/ (which they only read):
#   dkms/base   make, gcc, libc6-dev, linux-headers-$KABI, dkms and libxen-dev (cached; redone
#               when the dom0 image changes);
#   dkms/upper  one "make dkms-install" of the current sources (redone when
#               one of them changes).
# dkms/overlay.tar holds the upper layer (minus /tmp, apt's and dpkg's
# caches and logs) and the dkms package's own files: DKMS's registry,
# /usr/src/xen-pciback-<ver>/, updates/dkms/xen-pciback.ko, depmod's
# indexes and the dkms tool.  The payload carries it and dom0 unpacks it
# over its throw-away root (dom0/runner.sh) before the backend is loaded.
# shellcheck shell=bash

DKMS_RECIPE=3
# Set by prepare_dkms, used by add_dkms_payload.
DKMS_OVERLAY=''
PCIBK_DKMS_VERSION=''

# dkms_umount DIR: the overlay mounted at DIR/mnt.
# A process an install started in the chroot (apt's gpg helpers) may still
# be exiting: wait for it a little, then detach the mount lazily.
dkms_umount() {
	local m d=$1
	for m in "$d/mnt/proc" "$d/mnt"; do
		for _ in 1 2 3 4 5 6 7 8 9 10; do
			mountpoint -q "$m" 2>/dev/null || break
			umount "$m" 2>/dev/null && break
			sleep 1
		done
		if mountpoint -q "$m" 2>/dev/null; then
			warn "$m still busy after 10 s: detached lazily"
			umount -l "$m"
		fi
	done
}

# The files "make dkms-install" reads (relative to the repository).
dkms_sources() {
	(cd "$REPO_ROOT" && ls Makefile dkms.conf tests/deps.sh xen-pciback/module.mk \
		xen-pciback/scripts/version.sh xen-pciback/scripts/dkms-tree.sh xen-pciback/Kbuild xen-pciback/Kconfig xen-pciback/core/*.[ch] \
		xen-pciback/linux/*.c xen-pciback/linux/*.h xen-pciback/probes/*.c \
		xen-pciback/probes/run.sh include/pcibk/*.h)
}

# root_layer DIR LOG PACKAGE...: the packages installed with apt-get in a
# chroot of the dom0 root, in the overlay layer DIR/base, which stays
# mounted at DIR/mnt for the caller (dkms_umount DIR); dies, naming LOG,
# when the install fails.
root_layer() {
	local d=$1 log=$2
	shift 2
	dkms_umount "$d"
	rm -rf "$d/base" "$d/work"
	mkdir -p "$d/base" "$d/work" "$d/mnt"
	mount -t overlay overlay -o "lowerdir=$ROOTFS,upperdir=$d/base,workdir=$d/work" "$d/mnt" ||
		die "cannot mount an overlay over $ROOTFS at $d/mnt"
	if ! chroot_run "$d/mnt" sh -c "apt-get update -q && apt-get install -y -q \
		--no-install-recommends $* && apt-get clean" >"$log" 2>&1; then
		dkms_umount "$d"
		die "apt-get install $* in the $VM_STACK dom0 root failed, see $log"
	fi
}

dkms_base_layer() {
	local d=$VM_BUILD/dkms key
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/dom0-image")" -s "$KABI $KPKG_VER" \
		-s "recipe-$DKMS_RECIPE")
	stamp_ok dkms-base "$key" && [ -x "$d/base/usr/sbin/dkms" ] && return 0
	stamp_clear dkms-overlay
	info "dkms: make, gcc, dkms and linux-headers-$KABI in a layer over the dom0 root"
	# libxen-dev: pcibackctl for another release's dom0 (stack_tools).
	root_layer "$d" "$d/base-apt.log" make gcc libc6-dev dkms "linux-headers-$KABI" libxen-dev
	# The package's files, for dom0 ("dkms status" needs only bash).
	chroot "$d/mnt" dpkg-query -L dkms >"$d/dkms-files.txt"
	dkms_umount "$VM_BUILD/dkms"
	stamp_set dkms-base "$key"
}

# dkms_pack DIR: pack the upper layer DIR/upper
# and the dkms tool into $DKMS_OVERLAY.
dkms_pack() {
	local d=$1 f
	# Whiteouts (files deleted from a lower layer) are character devices.
	(cd "$d/upper" && find . \( -path ./tmp -o -path ./var/cache -o -path ./var/lib/apt \
		-o -path ./var/lib/dpkg -o -path ./var/log -o -path ./root \) -prune -o \
		! -type c ! -type d -print0 | tar --null -cf "$DKMS_OVERLAY.tmp" -T -) ||
		die "dkms: cannot pack the DKMS install"
	while read -r f; do
		if [ -f "$VM_BUILD/dkms/base$f" ] || [ -L "$VM_BUILD/dkms/base$f" ]; then printf '.%s\0' "$f"; fi
	done <"$VM_BUILD/dkms/dkms-files.txt" |
		tar -C "$VM_BUILD/dkms/base" --null -rf "$DKMS_OVERLAY.tmp" -T - ||
		die "dkms: cannot pack the dkms tool"
	mv "$DKMS_OVERLAY.tmp" "$DKMS_OVERLAY"
}

# dkms_layer_done DIR RC WHAT MARK: unmount DIR's overlay; if RC (of the
# install into it) is not 0, show DIR/install.log's tail and return 1;
# else print the log's lines with MARK and pack the layer.
dkms_layer_done() {
	local d=$1 rc=$2 what=$3 mark=$4
	dkms_umount "$d"
	if [ "$rc" != 0 ]; then
		tail -n 20 "$d/install.log" >&2
		warn "$what failed in the dom0 root, see $d/install.log"
		return 1
	fi
	grep "$mark" "$d/install.log" | sed 's/^/[vm] /'
	dkms_pack "$d"
}

# Returns 1 (with the log's tail) when "make dkms-install" fails.
prepare_dkms() {
	local d=$VM_BUILD/dkms key files rc=0
	mkdir -p "$d"
	dkms_umount "$VM_BUILD/dkms"
	dkms_base_layer
	PCIBK_DKMS_VERSION=$(cd "$REPO_ROOT" && $MAKE -s --no-print-directory dkms-version)
	[ -n "$PCIBK_DKMS_VERSION" ] || die "dkms: '$MAKE dkms-version' printed nothing"
	mapfile -t files < <(dkms_sources | sed "s|^|$REPO_ROOT/|")
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/dkms-base")" \
		-s "$PCIBK_DKMS_VERSION debug=${DEBUG:-}" -f "${files[@]}")
	DKMS_OVERLAY=$d/overlay.tar
	if stamp_ok dkms-overlay "$key" && [ -f "$DKMS_OVERLAY" ]; then
		info "BACKEND=dkms: xen-pciback/$PCIBK_DKMS_VERSION (DKMS install cached)"
		return 0
	fi
	info "BACKEND=dkms: make dkms-install (xen-pciback/$PCIBK_DKMS_VERSION) in the dom0 root"
	rm -rf "$d/upper" "$d/work"
	mkdir -p "$d/upper" "$d/work" "$d/mnt"
	mount -t overlay overlay \
		-o "lowerdir=$d/base:$ROOTFS,upperdir=$d/upper,workdir=$d/work" "$d/mnt" ||
		die "dkms: cannot mount an overlay over $ROOTFS"
	mkdir -p "$d/mnt/tmp/pcibk-src"
	dkms_sources | tar -C "$REPO_ROOT" -cf - -T - | tar -xf - -C "$d/mnt/tmp/pcibk-src"
	# DEBUG (from "make vmtest DEBUG=1"): the debug module, as 'make module'
	# builds it then too, so that the srcversions still compare.
	chroot_run "$d/mnt" make -C /tmp/pcibk-src dkms-install KVER="$KABI" \
		PCIBK_VERSION="$PCIBK_DKMS_VERSION" DEBUG="${DEBUG:-}" >"$d/install.log" 2>&1 || rc=$?
	dkms_layer_done "$d" "$rc" "BACKEND=dkms: make dkms-install" 'dkms-install:' || return 1
	stamp_set dkms-overlay "$key"
	info "BACKEND=dkms: DKMS install packed, $(du -h "$DKMS_OVERLAY" | cut -f1)"
}

# The DKMS install and what 72-dkms.sh compares with, appended to the
# payload: the version and the srcversion of 'make module's build.
add_dkms_payload() {
	local t=$RUN_DIR/dkms-add
	mkdir -p "$t"
	cp "$DKMS_OVERLAY" "$t/dkms-overlay.tar"
	{
		printf 'PCIBK_DKMS_VERSION=%q\n' "$PCIBK_DKMS_VERSION"
		printf 'PCIBK_SRCVERSION=%q\n' "$(modinfo -F srcversion "$OUR_KO")"
	} >"$t/dkms.env"
	tar -rf "$RUN_DIR/payload.tar" -C "$t" ./dkms-overlay.tar ./dkms.env
	rm -rf "$t"
}

# Another release's kernel (VM_STACK not this machine's release): modules
# for it are built in a chroot of the dom0 root over dkms/base, with that
# release's gcc, C library and linux-headers-$KABI (the headers' helper
# programs need its C library), in a throw-away layer kbuild/upper.
# kbuild_in_root LOG COMMAND: the repository's files named on standard
# input are copied to /tmp/pcibk-src, then COMMAND runs there (sh -c);
# its output goes to LOG, and what it built stays under
# $VM_BUILD/kbuild/upper/tmp/pcibk-src.
kbuild_in_root() {
	local d=$VM_BUILD/kbuild log=$1 cmd=$2 rc=0
	mkdir -p "$d"
	dkms_umount "$d"
	dkms_base_layer
	rm -rf "$d/upper" "$d/work"
	mkdir -p "$d/upper" "$d/work" "$d/mnt"
	mount -t overlay overlay \
		-o "lowerdir=$VM_BUILD/dkms/base:$ROOTFS,upperdir=$d/upper,workdir=$d/work" "$d/mnt" ||
		die "kbuild: cannot mount an overlay over $ROOTFS"
	mkdir -p "$d/mnt/tmp/pcibk-src"
	tar -C "$REPO_ROOT" -cf - -T - | tar -xf - -C "$d/mnt/tmp/pcibk-src"
	chroot_run "$d/mnt" sh -c "cd /tmp/pcibk-src && $cmd" >"$log" 2>&1 || rc=$?
	dkms_umount "$d"
	return $rc
}

# stack_module: "make module" for the stack's kernel in the dom0 root, into
# $STACK_KO (cached on the sources, DEBUG and the layer); 1 if it fails.
STACK_KO=''
stack_module() {
	local d=$VM_BUILD/kbuild key files
	STACK_KO=$d/module/xen-pciback.ko
	mapfile -t files < <(dkms_sources | sed "s|^|$REPO_ROOT/|")
	mkdir -p "$d"
	dkms_base_layer
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/dkms-base")" -s "debug=${DEBUG:-}" -f "${files[@]}")
	stamp_ok stack-module "$key" && [ -f "$STACK_KO" ] && return 0
	info "building the module for $KABI in the $VM_STACK dom0 root: make module"
	rm -rf "$d/module"
	if ! dkms_sources | kbuild_in_root "$d/module.log" \
		"make module KDIR=/lib/modules/$KABI/build DEBUG='${DEBUG:-}'"; then
		tail -n 20 "$d/module.log" >&2
		warn "'make module' for $KABI failed, see $d/module.log"
		return 1
	fi
	mkdir -p "$d/module"
	cp "$d/upper/tmp/pcibk-src/xen-pciback/xen-pciback.ko" "$STACK_KO" || return 1
	stamp_set stack-module "$key"
}

# stack_guest_kmod OUT: the guests' test module for the stack's kernel.
stack_guest_kmod() {
	local out=$1
	(cd "$REPO_ROOT" && ls tests/vm/kmod/*) |
		kbuild_in_root "$out/build.log" "make -C /lib/modules/$KABI/build M=/tmp/pcibk-src/tests/vm/kmod modules" ||
		return 1
	cp "$VM_BUILD/kbuild/upper/tmp/pcibk-src/tests/vm/kmod/pcibk_irqtest.ko" "$out/"
}

# stack_tools: pcibackctl for another release's dom0, built in its root
# against its Xen libraries (libxenctrl's soname changes with every Xen
# release), into $STACK_PCIBACKCTL (cached on the sources and the layer).
STACK_PCIBACKCTL=''
stack_tools() {
	local d=$VM_BUILD/kbuild key files
	STACK_PCIBACKCTL=$d/tools/pcibackctl
	mapfile -t files < <(stack_tools_sources | sed "s|^|$REPO_ROOT/|")
	dkms_base_layer
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/dkms-base")" -f "${files[@]}")
	stamp_ok stack-tools "$key" && [ -x "$STACK_PCIBACKCTL" ] && return 0
	info "building pcibackctl in the $VM_STACK dom0 root (its Xen libraries)"
	rm -rf "$d/tools"
	if ! stack_tools_sources | kbuild_in_root "$d/tools.log" "make build/opt/tools/pcibackctl"; then
		tail -n 20 "$d/tools.log" >&2
		warn "pcibackctl did not build in the $VM_STACK dom0 root, see $d/tools.log"
		STACK_PCIBACKCTL=''
		return 1
	fi
	mkdir -p "$d/tools"
	cp "$d/upper/tmp/pcibk-src/build/opt/tools/pcibackctl" "$STACK_PCIBACKCTL"
	stamp_set stack-tools "$key"
}

# The files "make build/opt/tools/pcibackctl" reads.
stack_tools_sources() {
	(cd "$REPO_ROOT" && ls Makefile tools/pcibackctl/* xen-pciback/core/bdf.c \
		xen-pciback/core/*.h include/pcibk/*.h tests/sim/*.h)
}
