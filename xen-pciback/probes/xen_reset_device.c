// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: the kernel has xen_reset_device() (Linux 6.12), the
 * PHYSDEVOP_pci_device_reset notification after a reset that a dom0
 * which is not PV owes Xen's vPCI.
 */
#include <linux/pci.h>
#include <xen/pci.h>

int pcibk_probe(const struct pci_dev *pdev);
int pcibk_probe(const struct pci_dev *pdev)
{
	return xen_reset_device(pdev);
}
