# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The shared-INTx helper (PROTOCOL.md §12.1, §9): guest I runs nvme on
# INTx (guest kernel "pci=nomsi").  In dom0, irq_handlers lists every
# seized device; nvme's helper is on and acking, sits on the irq in
# /proc/interrupts, and its handled count grows with the guest's disk I/O,
# also past the 1000th interrupt (the line is bound by dom0 and the guest,
# so Xen reports it shared and the helper keeps acking).  irq_handler_state
# toggles it off (nothing claimed) and on again; bad input is refused.
# Destroying the guest removes the helper.
# shellcheck shell=bash

INTX_H=/sys/bus/pci/drivers/pciback/irq_handlers
INTX_S=/sys/bus/pci/drivers/pciback/irq_handler_state

# intx_line BDF: the device's irq_handlers line (ours names it by BDF, the
# in-tree driver "xen-pciback[BDF]"; both end in :on|off:ack...:COUNT).
intx_line() { grep -F "$1:" "$INTX_H"; }
intx_handled() { intx_line "$1" | awk -F: '{ print $NF }'; }
# intx_state BDF STATE: the line shows STATE, e.g. "on:acking".
intx_state() {
	local l
	l=$(intx_line "$1")
	echo "irq_handlers: ${l:-no line for $1}"
	case $l in *":$2:"[0-9]*) return 0 ;; esac
	return 1
}
intx_all_listed() {
	local b rc=0
	cat "$INTX_H"
	for b in "$NVME_BDF" "$NIC_BDF" "$AHCI_BDF"; do
		intx_line "$b" >/dev/null || { echo "$b not listed"; rc=1; }
	done
	return $rc
}
# intx_delta BDF GUESTCMD: how many interrupts the helper claimed while
# the guest ran CMD (empty if it could not tell).
intx_delta() {
	local a b
	a=$(intx_handled "$1")
	gx I "$2" >&2 || return 1
	b=$(intx_handled "$1")
	echo "handled $a -> $b" >&2
	[ -n "$a" ] && [ -n "$b" ] && echo $((b - a))
}
# intx_grows BDF GUESTCMD: the handled count grows while the guest runs CMD.
intx_grows() {
	local n
	n=$(intx_delta "$@") && [ -n "$n" ] && [ "$n" -gt 0 ]
}
# intx_still BDF GUESTCMD: the handled count does not move.
intx_still() {
	local n
	n=$(intx_delta "$@") && [ "$n" = 0 ]
}
# intx_toggle BDF: one write to irq_handler_state.
intx_toggle() { printf %s "$1" >"$INTX_S"; }
# intx_refused INPUT ERRNO-TEXT: the write fails with that error.
intx_refused() {
	local out
	out=$( (printf %s "$1" >"$INTX_S") 2>&1) && {
		echo "write of '$1' succeeded"
		return 1
	}
	echo "$out"
	case $out in *"$2"*) return 0 ;; esac
	return 1
}
intx_in_proc() { grep -F "xen-pciback[$1]" /proc/interrupts; }
# intx_diag: the helper's irq in dom0 and irq_handlers, 5 s apart (a
# level line that keeps firing shows up as a fast-growing count).
intx_diag() {
	echo "intx: $1"
	grep -F "xen-pciback[" /proc/interrupts
	cat "$INTX_H"
	sleep 5
	grep -F "xen-pciback[" /proc/interrupts
	cat "$INTX_H"
}
# intx_idle_rate BDF: interrupts claimed in 5 s with the guest idle.
intx_idle_rate() {
	local a b
	a=$(intx_handled "$1")
	sleep 5
	b=$(intx_handled "$1")
	echo $((${b:-0} - ${a:-0}))
}
intx_not_in_proc() { ! intx_in_proc "$1"; }
# Direct 4 KiB reads: one request, hence one interrupt, each.
INTX_IO="dd if=\$(blk_of \$(bdf_of $NVME_ID)) of=/dev/null bs=4k count=1200 iflag=direct"

if GUEST_EXTRA="pci=nomsi" check intx.guest-start guest_start I "$NVME_BDF"; then
	check intx.nvme.driver gx I "wait_drv $NVME_ID nvme 60"
	sleep 2
	check intx.nvme.no-msi gx I "! mode_on $NVME_ID MSI-X && ! mode_on $NVME_ID MSI"
	check intx.irq_handlers.lists-seized intx_all_listed
	check intx.nvme.helper-on intx_state "$NVME_BDF" on:acking
	check intx.nvme.helper-in-proc-interrupts intx_in_proc "$NVME_BDF"
	note "intx: nvme helper claimed $(intx_idle_rate "$NVME_BDF") interrupts in 5 s with the guest idle"
	check intx.nvme.disk-io gx I "irqs_grow $NVME_ID"
	check intx.nvme.handled-grows intx_grows "$NVME_BDF" "traffic $NVME_ID"
	GX_TIMEOUT=300 check intx.nvme.handled-past-1000 intx_grows "$NVME_BDF" "$INTX_IO"
	check intx.nvme.over-1000 sh -c "n=\$(grep -F '$NVME_BDF:' $INTX_H | awk -F: '{ print \$NF }'); echo handled \$n; [ \"\$n\" -ge 1000 ]"
	check intx.nvme.shared-line-still-acking intx_state "$NVME_BDF" on:acking
	check intx.nvme.no-not-shared-log sh -c "! dmesg | grep -F '$NVME_BDF' | grep 'IRQ line is not shared'"
	# Off: the helper stays on the irq but claims nothing (briefly: an
	# unclaimed level interrupt counts towards "nobody cared").
	if check intx.toggle-off intx_toggle "$NVME_BDF"; then
		check intx.toggled-off intx_state "$NVME_BDF" off:acking
		check intx.off-claims-nothing intx_still "$NVME_BDF" "traffic $NVME_ID"
		check intx.toggle-on intx_toggle "$NVME_BDF"
	fi
	check intx.toggled-on intx_state "$NVME_BDF" on:acking
	check intx.on-claims-again intx_grows "$NVME_BDF" "traffic $NVME_ID"
	check intx.state-parse-error intx_refused "0000:00:zz.0" "Invalid argument"
	check intx.state-not-seized intx_refused "0000:00:00.0" "No such file or directory"
else
	intx_diag "guest I did not start"
fi
# Never leave guest I (nvme on INTx) to the next scenarios.
if guest_alive I; then
	check intx.guest-destroy guest_destroy I
	check intx.nvme.helper-removed intx_state "$NVME_BDF" off:not\ acking
	check intx.nvme.helper-gone-from-proc intx_not_in_proc "$NVME_BDF"
fi
