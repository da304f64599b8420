// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: the kernel has the hooks of a PVH dom0's legacy interrupts
 * (Linux 6.12): xen_acpi_register_get_gsi_func(), which privcmd's
 * IOCTL_PRIVCMD_PCIDEV_GET_GSI asks, xen_acpi_get_gsi_info() and
 * xen_pvh_setup_gsi().
 */
#include <linux/pci.h>
#include <xen/acpi.h>

static int pcibk_probe_gsi(u32 sbdf)
{
	return (int)(sbdf & 0);
}

int pcibk_probe(struct pci_dev *pdev);
int pcibk_probe(struct pci_dev *pdev)
{
	int gsi, trigger, polarity;

	xen_acpi_register_get_gsi_func(pcibk_probe_gsi);
	if (xen_acpi_get_gsi_info(pdev, &gsi, &trigger, &polarity))
		return -1;
	return xen_pvh_setup_gsi(gsi, trigger, polarity);
}
