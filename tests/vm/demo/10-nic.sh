# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The demo (make demo): pass the e1000e NIC through to a PV guest and
# narrate each step: assignment, the guest's lspci, MSI-X on, a ping through
# the device, hot-unplug.
# shellcheck shell=bash

# DEMO_GUEST=hvm shows an HVM guest instead (20-hvm-nic.sh).
[ "${DEMO_GUEST:-pv}" = pv ] || return 0

say
say "=== Xen PCI passthrough demo: backend '$BACKEND' ==="
say "Xen $(xl info | awk '/^xen_version/ { print $3 }'), dom0 kernel $(uname -r)"
say
demo_setup || return 0
say "3. Start a PV guest with pci = ['$NIC_BDF'] (stock Debian kernel, xen-pcifront)"
if check demo.guest-start guest_start demo "$NIC_BDF"; then
	d=$(guest_domid demo)
	say "   guest is domain $d; xenstore backend/pci/$d/0: state $(xenstore-read "/local/domain/0/backend/pci/$d/0/state"), dev-0 $(xenstore-read "/local/domain/0/backend/pci/$d/0/dev-0"), vdev-0 $(xenstore-read "/local/domain/0/backend/pci/$d/0/vdev-0" 2>/dev/null)"
	check demo.guest-driver gx demo "wait_drv $NIC_ID e1000e 30" | say_lines "   guest: "
	sleep 2
	say
	say "4. In the guest, lspci -vv of the NIC (excerpt):"
	gx demo "lspci -vv -s \$(bdf_of $NIC_ID)" |
		grep -E '^[0-9a-f]|Region|MSI|Kernel driver' | say_lines "   guest\$ "
	check demo.msix gx demo "mode_on $NIC_ID MSI-X"
	say
	say "5. Ping QEMU's gateway (10.0.2.2) through the passed-through NIC:"
	gx demo "irqs_grow $NIC_ID" | say_lines "   guest\$ "
	check demo.irqs-grow gx demo "irqs_grow $NIC_ID"
	say "   the guest's /proc/interrupts for the NIC:"
	gx demo "grep -E 'CPU|eth' /proc/interrupts" | say_lines "   guest\$ "
	say
	say "6. Hot-unplug: unbind e1000e in the guest, then xl pci-detach demo $NIC_BDF"
	check demo.detach guest_unplug demo "$NIC_BDF"
	gx demo "lspci; echo \"\$(pci_count) PCI devices left\"" | say_lines "   guest\$ "
	say "   back in dom0:"
	lspci -vvk -s "$NIC_BDF" | grep -E 'MSI|Kernel driver' | say_lines "   dom0\$ "
	check demo.back-on-pciback is_on_pciback "$NIC_BDF"
	check demo.msi-off-in-dom0 msi_off_in_dom0 "$NIC_BDF"
	guest_stop demo
fi
say
