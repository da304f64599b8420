# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# BACKEND=dkms and deb: the backend came from "make dkms-install" or from
# the xen-pciback-dkms package (DKMS run in a layer over the dom0 root,
# tests/vm/lib/dkms.sh, deb.sh) and 00-setup loaded it with "modprobe
# xen-pciback". Checks that modprobe resolves to DKMS's
# module although the in-tree one is still installed, that the loaded
# module is this tree's build, and that DKMS lists it as installed. That a
# guest gets devices through it is scenario 10's job:
#   make vmtest BACKEND=dkms VM_SCENARIOS='^(10|72)'
# shellcheck shell=bash

# modinfo -n: the file modprobe loads for the name.
dkms_module_path() {
	local p
	p=$(modinfo -n xen-pciback) || return 1
	echo "modinfo -n xen-pciback: $p"
	# Debian 13 (merged /usr) may name it under /usr/lib/modules, and
	# DKMS compresses it as the kernel's own modules are (.ko.xz).
	[[ ${p#/usr} == "/lib/modules/$(uname -r)/updates/dkms/xen-pciback.ko"* ]]
}

# The in-tree module is still there: depmod's order, not its absence, wins.
dkms_intree_kept() {
	find "/lib/modules/$(uname -r)/kernel" -name 'xen-pciback.ko*' | grep .
}

# The module in memory is the DKMS file, built from the sources under test.
dkms_loaded_is_ours() {
	local loaded file
	loaded=$(cat /sys/module/xen_pciback/srcversion 2>/dev/null)
	file=$(modinfo -F srcversion "$(modinfo -n xen-pciback)")
	echo "srcversion: loaded '$loaded', DKMS file '$file', this tree '$PCIBK_SRCVERSION'"
	[ -n "$loaded" ] && [ "$loaded" = "$file" ] && [ "$loaded" = "$PCIBK_SRCVERSION" ]
}

# dkms is a long bash script: bounded, so that a TCG stall cannot hold the run.
dkms_status_installed() {
	local out
	out=$(timeout 120 dkms status -m xen-pciback 2>&1)
	echo "dkms status: $out"
	grep -qF "xen-pciback/$PCIBK_DKMS_VERSION, $(uname -r), x86_64: installed" <<<"$out"
}

if [ "$BACKEND" = dkms ] || [ "$BACKEND" = deb ]; then
	check dkms.module-path dkms_module_path
	check dkms.intree-kept dkms_intree_kept
	check dkms.loaded-is-ours dkms_loaded_is_ours
	check dkms.status-installed dkms_status_installed
else
	note dkms.skipped "BACKEND=$BACKEND (these checks are for BACKEND=dkms and deb)"
fi
