# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Set-up: load the backend under test and make the three devices assignable
# (bound to pciback).  Always runs, even when VM_SCENARIOS selects others.
# shellcheck shell=bash

if check setup.backend-load load_backend; then
	check setup.backend-loaded backend_loaded
	for dev in nvme e1000e ahci; do
		bdf=$(dev_bdf "$dev")
		check "setup.$dev.assignable" assignable_add "$bdf" &&
			check "setup.$dev.on-pciback" is_on_pciback "$bdf"
	done
	check setup.assignable-list sh -c "xl pci-assignable-list; \
		[ \"\$(xl pci-assignable-list | grep -c .)\" -ge 3 ]"
fi
