# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Set-up: load the backend under test and make the three devices assignable
# (bound to pciback).  Always runs, even when VM_SCENARIOS selects others.
# shellcheck shell=bash

# The 6.12+ duties (xen-pciback/README.md, "Kernels"), by what this kernel
# has: with the GSI hook (xen_acpi_register_get_gsi_func, Linux 6.12 and
# later) the module registers its GSI lookup at load and says which duties
# this dom0 has: on a PV dom0 neither GSI setup at bind nor telling Xen of
# resets. Without the hook (6.1) it must say nothing of the kind.
setup_duties() {
	local line hook='' kind
	kind=$(cat /sys/hypervisor/guest_type 2>/dev/null)
	grep -qw xen_acpi_register_get_gsi_func /proc/kallsyms && hook=1
	line=$(dmesg | grep 'xen-pciback: GSI lookup' | tail -n 1)
	echo "dom0 ${kind:-?}, GSI hook ${hook:-absent}: ${line:-no duties line}"
	if [ -z "$hook" ]; then
		[ -z "$line" ]
	elif [ "$kind" = PV ]; then
		[[ $line == *'GSI lookup registered; GSI setup at bind off, Xen told of resets off' ]]
	else
		[[ $line == *'GSI lookup registered; GSI setup at bind on, Xen told of resets on' ]]
	fi
}

if check setup.backend-load load_backend; then
	check setup.backend-loaded backend_loaded
	if [ "$BACKEND" != intree ]; then
		check setup.duties setup_duties
	fi
	for dev in nvme e1000e ahci; do
		bdf=$(dev_bdf "$dev")
		check "setup.$dev.assignable" assignable_add "$bdf" &&
			check "setup.$dev.on-pciback" is_on_pciback "$bdf"
	done
	check setup.assignable-list sh -c "xl pci-assignable-list; \
		[ \"\$(xl pci-assignable-list | grep -c .)\" -ge 3 ]"
fi
