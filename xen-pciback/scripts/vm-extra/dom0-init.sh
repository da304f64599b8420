#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Module-level checks of xen-pciback.ko in the harness's dom0, run before
# the Xen daemons start (make vmtest BACKEND=ours
# VM_EXTRA=xen-pciback/scripts/vm-extra): hide= grammar and errors, the
# parameters, the sysfs attributes of PROTOCOL.md §9 and their errnos,
# unbind/bind, and unload. Leaves the module unloaded.
# shellcheck shell=bash disable=SC2317

P=/opt/pcibk
# shellcheck disable=SC1091
. "$P/config"
# shellcheck source=tests/vm/dom0/lib.sh
. "$P/dom0/lib.sh"

[ "$BACKEND" = ours ] || exit 0
KO=$P/xen-pciback.ko
D=/sys/bus/pci/drivers/pciback
M=/sys/module/xen_pciback/parameters

# wr FILE TEXT ERRNO-NAME: the write must fail with that error (or OK).
wr() {
	local out
	out=$( (printf '%s' "$2" >"$1") 2>&1)
	echo "write '$2' > $1: ${out:-OK}"
	case $3 in
	OK) [ -z "$out" ] ;;
	*) case $out in *"$3"*) true ;; *) false ;; esac ;;
	esac
}

bad_hide() {
	dmesg -C
	! insmod "$KO" "hide=$1" && dmesg | grep -F 'Error parsing pci_devs_to_hide at' &&
		! grep -q '^xen_pciback ' /proc/modules
}

step "module checks (xen-pciback/scripts/vm-extra)"
check mod.hide-bad-dot bad_hide '(0000:82.0.0)'
check mod.hide-bad-empty bad_hide '(0b::00.1)'
check mod.hide-range bad_hide '(0000:00:20.0)'
check mod.hide-load insmod "$KO" 'hide="(00:05.0) ( 0000:00:06.* )"'
check mod.params sh -c "ls $M; [ \"\$(cat $M/passthrough)\" = N ] && [ \"\$(cat $M/permissive)\" = N ]"
check mod.permissive-param-rw sh -c "echo 1 > $M/permissive && [ \"\$(cat $M/permissive)\" = Y ] && echo 0 > $M/permissive"
check mod.hide-seized sh -c "[ \"\$(readlink $D/0000:00:05.0)\" != '' ] && [ \"\$(readlink $D/0000:00:06.0)\" != '' ]"
check mod.slots sh -c "cat $D/slots; grep -qx 0000:00:05.0 $D/slots && [ \$(grep -c '^0000:00:06\.' $D/slots) = 8 ]"
check mod.new_slot-einval wr $D/new_slot 'zz:1' 'Invalid argument'
check mod.new_slot-range wr $D/new_slot '00:20.0' 'Invalid argument'
check mod.new_slot-ok wr $D/new_slot '0000:00:07.0' OK
check mod.new_slot-idem wr $D/new_slot '0000:00:07.0' OK
check mod.new_slot-nl wr $D/new_slot $'00:07.0\n' OK
check mod.slots-once sh -c "[ \$(grep -c '^0000:00:07\.0' $D/slots) = 1 ]"
check mod.bind sh -c "echo 0000:00:07.0 > $D/bind && [ -e $D/0000:00:07.0 ]"
check mod.remove_slot-enoent wr $D/remove_slot '00:1f.7' 'No such file'
check mod.remove_slot-wild wr $D/remove_slot '00:06.*' OK
check mod.permissive-wild wr $D/permissive '00:05.*' 'No such device'
check mod.permissive-unseized wr $D/permissive '00:1f.0' 'No such device'
check mod.permissive-einval wr $D/permissive 'x' 'Invalid argument'
check mod.permissive-ok wr $D/permissive '0000:00:05.0' OK
check mod.permissive-read grep -x 0000:00:05.0 $D/permissive
check mod.intctl-ok wr $D/allow_interrupt_control '00:05.0' OK
check mod.intctl-read grep -x 0000:00:05.0 $D/allow_interrupt_control
check mod.quirks-einval wr $D/quirks '00:05.0-1000:4:0' 'Invalid argument'
check mod.quirks-enodev wr $D/quirks '00:1f.0-e0:2:ff' 'No such device'
check mod.quirks-read sh -c "cat $D/quirks; grep -q '^00:05.0' $D/quirks"
check mod.unbind sh -c "echo 0000:00:06.0 > $D/unbind && [ ! -e $D/0000:00:06.0 ]"
check mod.rmmod rmmod xen-pciback
check mod.released sh -c "for b in 05.0 07.0; do [ ! -e /sys/bus/pci/devices/0000:00:\$b/driver ] || exit 1; done"
check mod.dmesg-clean sh -c "! dmesg | grep -E 'WARNING|BUG|Oops|Call Trace'"
exit 0
