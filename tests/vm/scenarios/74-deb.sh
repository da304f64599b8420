# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# BACKEND=deb only: the packages of "make deb" were installed with "apt
# install ./*.deb" in the dom0 root (tests/vm/lib/deb.sh); 72-dkms checks
# the module DKMS built from them. Here: both packages are installed at
# the version under test, pcibackctl from the package runs; then every
# guest goes, "apt remove" of both packages, and the in-tree driver must
# come back: modinfo names the kernel's own file, and once ours is
# unloaded "modprobe xen-pciback" loads the in-tree module.
#   make vmtest BACKEND=deb VM_SCENARIOS='^(10|20|30|72|74)'
# shellcheck shell=bash

deb_installed() {
	local p st
	for p in xen-pciback-dkms pcibackctl; do
		st=$(dpkg-query -W -f '${Status} ${Version}' "$p" 2>&1)
		echo "$p: $st"
		[ "$st" = "install ok installed $PCIBK_DKMS_VERSION" ] || return 1
	done
}

# The packaged tool, its manual page and bash completion.
deb_pcibackctl() {
	[ -f /usr/share/man/man1/pcibackctl.1.gz ] &&
		[ -f /usr/share/bash-completion/completions/pcibackctl ] &&
		/usr/bin/pcibackctl list
}

deb_remove() {
	local g
	for g in $(xl list 2>/dev/null | awk 'NR > 2 { print $1 }'); do
		guest_destroy "$g" >/dev/null 2>&1
	done
	timeout 600 apt remove -y xen-pciback-dkms pcibackctl 2>&1 | tail -n 20
	[ "${PIPESTATUS[0]}" = 0 ] && ! dpkg-query -W -f '${Status}\n' xen-pciback-dkms 2>/dev/null |
		grep -q 'install ok installed'
}

# modprobe's file for the name is the kernel's own again.
deb_intree_path() {
	local p
	p=$(modinfo -n xen-pciback) || return 1
	echo "modinfo -n xen-pciback: $p"
	[[ ${p#/usr} == "/lib/modules/$(uname -r)/kernel/"* ]] &&
		! compgen -G "/lib/modules/$(uname -r)/updates/dkms/xen-pciback.ko*" >/dev/null
}

# Ours unloaded (the devices idle on pciback), modprobe loads the in-tree
# one: loaded, without our srcversion (Debian's in-tree modules have none)
# and without the parameter only ours has (guest_pirqs).
deb_intree_loads() {
	local loaded
	modprobe -r xen-pciback || return 1
	modprobe xen-pciback || return 1
	grep -q '^xen_pciback ' /proc/modules || return 1
	loaded=$(cat /sys/module/xen_pciback/srcversion 2>/dev/null)
	echo "loaded: srcversion '${loaded:-none}' (ours '$PCIBK_SRCVERSION'), parameters:" \
		"$(cd /sys/module/xen_pciback/parameters && echo *)"
	[ "$loaded" != "$PCIBK_SRCVERSION" ] && [ ! -e /sys/module/xen_pciback/parameters/guest_pirqs ]
}

if [ "$BACKEND" = deb ]; then
	check deb.installed deb_installed
	check deb.pcibackctl deb_pcibackctl
	if check deb.apt-remove deb_remove; then
		check deb.intree-path deb_intree_path
		check deb.intree-loads deb_intree_loads
	fi
else
	note deb.skipped "BACKEND=$BACKEND (these checks are for BACKEND=deb)"
fi
