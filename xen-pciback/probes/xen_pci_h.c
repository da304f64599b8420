// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: <xen/pci.h> exists. Before it did, the device-owner calls of
 * Xen's PCI support were declared in <asm/xen/pci.h>.
 */
#include <linux/pci.h>
#include <xen/pci.h>

int pcibk_probe(struct pci_dev *pdev);
int pcibk_probe(struct pci_dev *pdev)
{
	return xen_find_device_domain_owner(pdev);
}
