# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Boot-time assignment: guest A starts with pci=[nvme, e1000e, ahci].  In
# the guest: pcifront connects, the devices enumerate, their drivers bind,
# lspci -vv shows MSI-X (nvme, e1000e) or MSI (ahci) enabled, and their
# interrupt counts grow under traffic (disk reads, ping).
# Leaves guest A running for the next scenarios.
# shellcheck shell=bash

if check boot.guest-start guest_start A "$NVME_BDF" "$NIC_BDF" "$AHCI_BDF"; then
	check boot.pcifront-connected retry 30 pcifront_connected A 3
	for dev in nvme e1000e ahci; do
		id=$(dev_id "$dev")
		check "boot.$dev.enumerated" gx A "wait_id $id 30" &&
			check "boot.$dev.driver" gx A "wait_drv $id $(dev_drv "$dev") 30"
	done
	# The drivers enable their interrupt mode while probing; give them a moment.
	sleep 2
	check_known boot.nvme.msix "no MSI-X for nvme in a $KLINE guest (enable msix -EALREADY), falls back to INTx" \
		gx A "mode_on $NVME_ID MSI-X"
	check boot.e1000e.msix gx A "mode_on $NIC_ID MSI-X"
	check boot.ahci.msi gx A "mode_on $AHCI_ID MSI"
	for dev in nvme e1000e ahci; do
		check "boot.$dev.irqs-grow" gx A "irqs_grow $(dev_id "$dev")"
	done
fi
