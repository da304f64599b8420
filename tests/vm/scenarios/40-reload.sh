# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Unload the backend with the (idle) devices still bound to it, load it
# again, make the devices assignable again and check with guest C that
# e1000e and nvme work as before.
# shellcheck shell=bash

for g in A B; do guest_alive "$g" && guest_destroy "$g"; done

if check reload.unload unload_backend; then
	check reload.unloaded sh -c '! grep "^xen_pciback " /proc/modules'
	for dev in nvme e1000e ahci; do
		check "reload.$dev.released" sh -c "[ \"\$(readlink /sys/bus/pci/devices/$(dev_bdf "$dev")/driver)\" = '' ]"
	done
	check reload.load load_backend
	for dev in nvme e1000e ahci; do
		check "reload.$dev.assignable" assignable_add "$(dev_bdf "$dev")"
	done
	if check reload.guest-start guest_start C "$NIC_BDF" "$NVME_BDF"; then
		check reload.e1000e.driver gx C "wait_drv $NIC_ID e1000e 30"
		check reload.nvme.driver gx C "wait_drv $NVME_ID nvme 30"
		sleep 2
		check reload.e1000e.msix gx C "mode_on $NIC_ID MSI-X"
		check_known reload.nvme.msix "no MSI-X for nvme in a $KLINE guest (enable msix -EALREADY)" \
			gx C "mode_on $NVME_ID MSI-X"
		check reload.e1000e.irqs-grow gx C "irqs_grow $NIC_ID"
		check reload.nvme.irqs-grow gx C "irqs_grow $NVME_ID"
		check reload.guest-stop guest_stop C
	fi
fi
