# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Hot-unplug with xl pci-detach (after unbinding the guest's driver) and
# hot-plug with xl pci-attach into the running guest A: ahci (MSI), then
# nvme (MSI-X).  After the detach the device must be back on pciback in
# dom0; after the attach the guest must see it, bind it, enable its
# interrupt mode and get interrupts.
# shellcheck shell=bash

# With the in-tree backend nvme runs on INTx (its MSI-X enable is refused),
# and a re-attached nvme then spends minutes in admin-command timeouts: not
# run, recorded as an expected failure.
if [ "$BACKEND" = intree ]; then
	HOTPLUG_DEVS=${HOTPLUG_DEVS:-ahci,e1000e}
	case ,$HOTPLUG_DEVS, in
	*,nvme,*) ;;
	*) result XFAIL hotplug.nvme "in-tree xen-pciback: nvme falls back to INTx, a re-attached one times out (not run)" ;;
	esac
else
	HOTPLUG_DEVS=${HOTPLUG_DEVS:-ahci,e1000e,nvme}
fi

if guest_alive A; then
	# HOTPLUG_DEVS (VM_VARS, comma-separated): the devices to unplug and plug again.
	for dev in ${HOTPLUG_DEVS//,/ }; do
		bdf=$(dev_bdf "$dev")
		id=$(dev_id "$dev")
		check "hotplug.$dev.unbind-in-guest" gx A "unbind_id $id"
		check "hotplug.$dev.detach" timeout 60 xl pci-detach A "$bdf" &&
			check "hotplug.$dev.gone-in-guest" gx A "gone_id $id 20"
		check "hotplug.$dev.back-on-pciback" is_on_pciback "$bdf"
		check "hotplug.$dev.msi-off-in-dom0" msi_off_in_dom0 "$bdf"
		check "hotplug.$dev.attach" timeout 60 xl pci-attach A "$bdf" &&
			check "hotplug.$dev.driver" gx A "wait_drv $id $(dev_drv "$dev") 30"
		sleep 1
		case $dev in
		ahci) check hotplug.ahci.msi gx A "mode_on $id MSI" ;;
		e1000e) check hotplug.e1000e.msix gx A "mode_on $id MSI-X" ;;
		nvme)
			check_known hotplug.nvme.msix "no MSI-X for nvme in a $KLINE guest (enable msix -EALREADY)" \
				gx A "mode_on $id MSI-X"
			;;
		esac
		check "hotplug.$dev.irqs-grow" gx A "irqs_grow $id"
	done
else
	result FAIL hotplug.guest-A "guest A is not running"
fi
