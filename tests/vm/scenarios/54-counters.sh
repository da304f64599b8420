# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Per-device counters (xen-pciback/README.md, "sysfs"): guest S uses
# e1000e (MSI-X); /sys/bus/pci/devices/BDF/pciback_stats then shows
# config reads, "mode msix" and as many vectors as the guest's driver has,
# the owner's domid and the ring's event counters (ring_events,
# ring_spurious, ring_fast); irq_handlers shows the INTx helper installed but not
# acking.  Once the guest's driver is unbound: no vectors, mode not msix.
# pciback_denied is readable.  The in-tree driver has none of these files.
# shellcheck shell=bash

# ctr_val BDF KEY: a value of pciback_stats.
ctr_val() { awk -v k="$2" '$1 == k { print $2 }' "/sys/bus/pci/devices/$1/pciback_stats" 2>/dev/null; }
# ctr_is BDF KEY OP VALUE: e.g. ctr_is BDF req_conf_read -gt 0.
ctr_is() {
	local v
	v=$(ctr_val "$1" "$2")
	echo "$1 $2 = ${v:-missing}"
	[ -n "$v" ] || return 1
	case $3 in
	=) [ "$v" = "$4" ] ;;
	!=) [ "$v" != "$4" ] ;;
	-gt) [ "$v" -gt "$4" ] ;;
	-ge) [ "$v" -ge "$4" ] ;;
	*) return 2 ;;
	esac
}
ctr_vectors_match() {
	local g v
	g=$(gx S "ls /sys/bus/pci/devices/\$(bdf_of $NIC_ID)/msi_irqs | wc -l") || return 1
	g=$(echo "$g" | tr -dc 0-9)
	v=$(ctr_val "$NIC_BDF" vectors)
	echo "guest MSI-X vectors: ${g:-?}; pciback_stats vectors: ${v:-missing}"
	[ -n "$v" ] && [ "$v" -gt 0 ] && [ "$v" = "$g" ]
}
ctr_dump() { cat "/sys/bus/pci/devices/$1/pciback_stats"; }

if check ctr.guest-start guest_start S "$NIC_BDF"; then
	check ctr.nic.driver gx S "wait_drv $NIC_ID e1000e 30"
	sleep 2
	check ctr.nic.msix gx S "mode_on $NIC_ID MSI-X"
	check ctr.nic.traffic gx S "traffic $NIC_ID"
	ctr_dump "$NIC_BDF"
	check_known ctr.nic.conf-reads "no pciback_stats" ctr_is "$NIC_BDF" req_conf_read -gt 0
	check_known ctr.nic.enable-msix "no pciback_stats" ctr_is "$NIC_BDF" req_enable_msix -gt 0
	check_known ctr.nic.mode-msix "no pciback_stats" ctr_is "$NIC_BDF" mode = msix
	check_known ctr.nic.vectors "no pciback_stats" ctr_vectors_match
	check_known ctr.nic.assigned "no pciback_stats" ctr_is "$NIC_BDF" assigned = 1
	check_known ctr.nic.domid "no pciback_stats" ctr_is "$NIC_BDF" domid = "$(guest_domid S)"
	check_known ctr.nic.ring-events "no pciback_stats" ctr_is "$NIC_BDF" ring_events -gt 0
	check_known ctr.nic.ring-spurious "no pciback_stats" ctr_is "$NIC_BDF" ring_spurious -ge 0
	# The guest's config reads were answered in the event handler.
	check_known ctr.nic.ring-fast "no pciback_stats" ctr_is "$NIC_BDF" ring_fast -gt 0
	check_known ctr.nic.denied-readable "no pciback_denied" cat "/sys/bus/pci/devices/$NIC_BDF/pciback_denied"
	check ctr.nic.intx-helper-not-acking sh -c "grep -F '$NIC_BDF:' /sys/bus/pci/drivers/pciback/irq_handlers | grep ':on:not acking:'"
	if check ctr.nic.unbind-in-guest gx S "unbind_id $NIC_ID"; then
		check_known ctr.nic.no-vectors "no pciback_stats" ctr_is "$NIC_BDF" vectors = 0
		check_known ctr.nic.mode-not-msix "no pciback_stats" ctr_is "$NIC_BDF" mode != msix
		check_known ctr.nic.disable-msix-counted "no pciback_stats" \
			sh -c "d=\$(awk '\$1 == \"req_disable_msix\" || \$1 == \"req_disable_msi\" { s += \$2 } END { print s + 0 }' /sys/bus/pci/devices/$NIC_BDF/pciback_stats); echo disable requests \$d; [ \"\$d\" -gt 0 ]"
	fi
	ctr_dump "$NIC_BDF"
	check ctr.guest-destroy guest_destroy S
	check_known ctr.nic.unassigned "no pciback_stats" ctr_is "$NIC_BDF" assigned = 0
fi
guest_alive S && guest_destroy S
