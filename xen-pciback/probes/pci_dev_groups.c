// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: struct pci_driver has dev_groups (5.11 and later); the PCI core
 * hands them to the driver core at registration, overwriting the driver
 * core's own field, so a kernel with it must be given them there.
 */
#include <linux/pci.h>

void pcibk_probe(struct pci_driver *drv, const struct attribute_group **g);
void pcibk_probe(struct pci_driver *drv, const struct attribute_group **g)
{
	drv->dev_groups = g;
}
