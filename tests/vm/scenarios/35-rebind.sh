# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Driver rebind inside guest B: unbinding e1000e tears MSI-X down (a 6.x
# guest sends that as "disable MSI"), binding it again must get MSI-X back.
# Then every device is hot-unplugged (the last unplug is where the stock
# pcifront may warn) and guest B is destroyed.
# shellcheck shell=bash

if guest_alive B; then
	check_known rebind.e1000e.msix "MSI-X teardown of a $KLINE guest is ignored, the next enable fails (-EALREADY)" \
		gx B "rebind_id $NIC_ID e1000e && wait_drv $NIC_ID e1000e 30 && sleep 1 && mode_on $NIC_ID MSI-X"
	check rebind.e1000e.irqs-grow gx B "irqs_grow $NIC_ID"
	check rebind.unplug-all-and-stop guest_stop B
	for dev in nvme e1000e; do
		check "rebind.$dev.on-pciback" is_on_pciback "$(dev_bdf "$dev")"
	done
else
	result FAIL rebind.guest-B "guest B is not running"
fi
