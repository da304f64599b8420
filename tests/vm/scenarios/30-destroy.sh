# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# xl destroy of guest A while e1000e has MSI-X enabled.  In dom0 every
# device must be back on pciback with MSI and MSI-X off in its config space
# and none of the dom0 irqs it had left in /proc/interrupts.  Then a second
# guest B gets e1000e and nvme and must use e1000e with MSI-X again.
# Leaves guest B running for the next scenario.
# shellcheck shell=bash

if guest_alive A; then
	check destroy.e1000e.msix-before gx A "mode_on $NIC_ID MSI-X"
	declare -A dom0_irqs
	for dev in nvme e1000e ahci; do
		dom0_irqs[$dev]=$(dom0_msi_irqs "$(dev_bdf "$dev")" | tr '\n' ' ')
		echo "dom0 MSI irqs of $dev before destroy: ${dom0_irqs[$dev]}"
	done
	check destroy.xl-destroy guest_destroy A
	for dev in nvme e1000e ahci; do
		bdf=$(dev_bdf "$dev")
		check "destroy.$dev.on-pciback" retry 10 is_on_pciback "$bdf"
		check "destroy.$dev.msi-off-in-dom0" msi_off_in_dom0 "$bdf"
		check "destroy.$dev.no-dom0-irqs-left" no_irqs_left "$bdf" "${dom0_irqs[$dev]}"
	done
else
	result FAIL destroy.guest-A "guest A is not running"
fi

if check destroy.second-guest-start guest_start B "$NIC_BDF" "$NVME_BDF"; then
	check destroy.second.e1000e.driver gx B "wait_drv $NIC_ID e1000e 30"
	check destroy.second.nvme.driver gx B "wait_drv $NVME_ID nvme 30"
	sleep 2
	check destroy.second.e1000e.msix gx B "mode_on $NIC_ID MSI-X"
	check_known destroy.second.nvme.msix "no MSI-X for nvme in a $KLINE guest (enable msix -EALREADY)" \
		gx B "mode_on $NVME_ID MSI-X"
	check destroy.second.e1000e.irqs-grow gx B "irqs_grow $NIC_ID"
fi
