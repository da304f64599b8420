# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The HVM demo (make demo DEMO_GUEST=hvm): the e1000e NIC held by the
# backend and passed through to an HVM guest, whose config accesses and
# MSI-X go through the device model (qemu-xen in dom0), not through the
# backend: assignment, the guest's lspci, MSI-X on, a ping through the
# device, pcibackctl naming the owner, hot-unplug, and the device back in
# dom0 clean.
# shellcheck shell=bash

[ "${DEMO_GUEST:-pv}" = hvm ] || return 0
# shellcheck disable=SC2034 # read by 99-logs.sh
DEMO_LOG_STEP=8
PCTL=$P/tools/pcibackctl

# demo_ctl ARGS: pcibackctl's answer, when the payload has the tool.
demo_ctl() {
	if [ -x "$PCTL" ]; then
		"$PCTL" "$@" 2>&1
	else
		echo "(no pcibackctl in this run)"
	fi
}
# demo_hvm_boot: the HVM guest "demo" with the NIC; hvm_boot's account
# of it kept.
demo_hvm_boot() { hvm_boot demo "$NIC_BDF" >"$WORK/demo-hvm.start" 2>&1; }
# demo_hvm_clean BDF: back in dom0 after the guest let it go: on pciback,
# MSI and MSI-X off, bus mastering off (the backend's detach reset it).
demo_hvm_clean() {
	local cmd
	is_on_pciback "$1" && msi_off_in_dom0 "$1" || return 1
	cmd=$(setpci -s "$1" COMMAND) || return 1
	echo "$1 COMMAND 0x$cmd"
	[ $((0x$cmd & 4)) = 0 ]
}

say
say "=== Xen PCI passthrough demo, HVM guest: backend '$BACKEND' ==="
say "Xen $(xl info | awk '/^xen_version/ { print $3 }'), dom0 kernel $(uname -r)," \
	"device model $(/usr/libexec/xen-qemu-system-i386 --version 2>/dev/null | head -n 1)"
say
if [ "${HVM_DM:-0}" != 1 ]; then
	result FAIL demo.hvm.device-model "no device model in dom0 (the host did not give the HVM layer)"
	return 0
fi
demo_setup || return 0
say "3. Start an HVM guest with pci = ['$NIC_BDF']: type \"hvm\", qemu-xen as device"
say "   model in dom0, SeaBIOS, the stock Debian kernel (under TCG this takes a minute or two)"
if check demo.hvm.guest-start demo_hvm_boot; then
	d=$(cat "$WORK/guests/demo.domid")
	grep -E '^(type|device_model_version|pci) ' "$WORK/guests/demo.cfg" | say_lines "   xl config: "
	grep -E 'is domain|banner|ready after' "$WORK/demo-hvm.start" | say_lines "   "
	say "   xenstore backend/pci/$d/0: state $(xenstore-read "/local/domain/0/backend/pci/$d/0/state")" \
		"(Initialised: an HVM guest has no pcifront; the backend holds the device for it)"
	xl pci-list demo | say_lines "   dom0\$ xl pci-list demo: "
	check demo.hvm.guest-driver gx demo "wait_drv $NIC_ID e1000e 30" | say_lines "   guest: "
	sleep 2
	say
	say "4. In the guest, lspci -vv of the NIC (excerpt): the device model shows it"
	gx demo "lspci -vv -s \$(bdf_of $NIC_ID)" |
		grep -E '^[0-9a-f]|Region|MSI|Kernel driver' | say_lines "   guest\$ "
	check demo.hvm.msix gx demo "mode_on $NIC_ID MSI-X"
	say
	say "5. Ping QEMU's gateway (10.0.2.2) through the passed-through NIC:"
	gx demo "irqs_grow $NIC_ID" | say_lines "   guest\$ "
	check demo.hvm.irqs-grow gx demo "irqs_grow $NIC_ID"
	say "   the guest's /proc/interrupts for the NIC:"
	gx demo "grep -E 'CPU|eth' /proc/interrupts" | say_lines "   guest\$ "
	say
	say "6. In dom0, pcibackctl show $NIC_BDF: the owner and the mode the guest enabled"
	demo_ctl show "$NIC_BDF" | grep -E '^(device|driver|owner|interrupts|reset|permissive|quirks):' | say_lines "   dom0\$ "
	say
	say "7. Hot-unplug: xl pci-detach demo $NIC_BDF (the guest ejects it through ACPI)"
	check demo.hvm.detach timeout 90 xl pci-detach demo "$NIC_BDF"
	check demo.hvm.gone-in-guest gx demo "gone_id $NIC_ID 30"
	gx demo "lspci; echo \"\$(pci_count) PCI devices left\"" | say_lines "   guest\$ "
	say "   back in dom0 (the backend resets the device when libxl lets it go):"
	check demo.hvm.clean-in-dom0 retry 10 demo_hvm_clean "$NIC_BDF"
	lspci -vvk -s "$NIC_BDF" | grep -E 'Control:|MSI|Kernel driver' | say_lines "   dom0\$ "
	demo_ctl list | say_lines "   dom0\$ pcibackctl list: "
	hvm_report demo >/dev/null
	check demo.hvm.destroy timeout 120 xl destroy demo
else
	sed 's/^/   | /' "$WORK/demo-hvm.start"
	hvm_report demo
	xl domid demo >/dev/null 2>&1 && timeout 120 xl destroy demo
fi
say
