// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: struct pci_dev still has its own driver_override string (the
 * older kernels; the field left when the driver core took it over).
 */
#include <linux/pci.h>

int pcibk_probe(struct pci_dev *pdev);
int pcibk_probe(struct pci_dev *pdev)
{
	return pdev->driver_override != NULL;
}
