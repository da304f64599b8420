# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# do_flr (PROTOCOL.md §9): a BDF written to pciback/do_flr resets a held
# device no guest owns and restores its saved state (a line in dmesg; for
# ahci, which has no reset method, the saved state only); it fails with
# EBUSY while a guest owns the device, with ENODEV for a device pciback
# does not hold, with EINVAL for a malformed BDF.  libxl writes do_flr
# before assignment and falls back to devices/BDF/reset, printing "The
# kernel doesn't support reset from sysfs" when neither exists: with
# do_flr that message never appears for guest F (e1000e, ahci); the
# in-tree driver has no do_flr, so ahci (no reset method) gets it there.
# shellcheck shell=bash

FLR=/sys/bus/pci/drivers/pciback/do_flr
FLR_NOMSG="doesn't support reset from sysfs"

# flr_write BDF: one write to do_flr; prints the shell's error if any.
flr_write() { printf %s "$1" >"$FLR"; }
# flr_ok BDF DMESG-TEXT: the write succeeds and dmesg gets that line.
flr_ok() {
	local n0 n1
	n0=$(dmesg | grep -cF "$1: do_flr: $2")
	flr_write "$1" || return 1
	n1=$(dmesg | grep -cF "$1: do_flr: $2")
	dmesg | grep -F "$1: do_flr" | tail -n 2
	[ "$n1" -gt "$n0" ]
}
# flr_refused BDF ERRNO-TEXT: the write fails with that error.
flr_refused() {
	local out
	out=$( (flr_write "$1") 2>&1) && {
		echo "write of '$1' succeeded"
		return 1
	}
	echo "$out"
	case $out in *"$2"*) return 0 ;; esac
	return 1
}
# flr_no_msg BDF FILE...: libxl's fallback message is in none of the files.
flr_no_msg() {
	local bdf=$1
	shift
	if grep -sF "$FLR_NOMSG for PCI device $bdf" "$@"; then
		return 1
	fi
	echo "no \"$FLR_NOMSG\" for $bdf in: $*"
}
flr_start() {
	local rc=0
	guest_start F "$NIC_BDF" "$AHCI_BDF" >"$WORK/flr-create.out" 2>&1 || rc=$?
	cat "$WORK/flr-create.out"
	return $rc
}
flr_destroy() {
	local rc=0
	guest_destroy F >"$WORK/flr-destroy.out" 2>&1 || rc=$?
	cat "$WORK/flr-destroy.out"
	return $rc
}

check_known flr.nic.unowned "no do_flr attribute" flr_ok "$NIC_BDF" "reset, saved state restored"
check_known flr.ahci.no-reset-method "no do_flr attribute" flr_ok "$AHCI_BDF" "no reset method"
check flr.nic.still-on-pciback is_on_pciback "$NIC_BDF"
check flr.nic.msi-off msi_off_in_dom0 "$NIC_BDF"
check_known flr.not-seized "no do_flr attribute" flr_refused 0000:00:00.0 "No such device"
check_known flr.parse-error "no do_flr attribute" flr_refused 0000:00:zz.0 "Invalid argument"
if check flr.guest-start flr_start; then
	check flr.nic.driver gx F "wait_drv $NIC_ID e1000e 30"
	check_known flr.nic.owned-busy "no do_flr attribute" flr_refused "$NIC_BDF" "Device or resource busy"
	sleep 2
	check flr.nic.guest-unaffected gx F "traffic $NIC_ID && mode_on $NIC_ID MSI-X"
	check flr.nic.no-libxl-message flr_no_msg "$NIC_BDF" "$WORK/flr-create.out" /var/log/xen/xl-F.log
	check_known flr.ahci.no-libxl-message "no do_flr; ahci has no reset method, so no devices/BDF/reset either" \
		flr_no_msg "$AHCI_BDF" "$WORK/flr-create.out" /var/log/xen/xl-F.log
	check flr.guest-destroy flr_destroy
	# libxl resets the devices before it takes them out of the backend:
	# do_flr is refused then (EBUSY); the backend's detach resets them.
	note "do_flr at destroy: $(grep -cE 'do_flr (returned|failed)' "$WORK/flr-destroy.out") libxl error line(s) (EBUSY while the backend still holds the device)"
	check_known flr.nic.unowned-again "no do_flr attribute" flr_ok "$NIC_BDF" "reset, saved state restored"
fi
# A guest that failed to start is not left to the next scenarios.
guest_alive F && guest_destroy F
