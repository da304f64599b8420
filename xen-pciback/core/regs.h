/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The configuration-space registers and bits the core reads and writes
 * by name (PCI Local Bus 3.0, PCI Power Management 1.2, PCI Express 6.0),
 * with the kernel's names and values (<uapi/linux/pci_regs.h>); the core
 * includes no kernel header, so this is its one copy.
 */
#ifndef PCIBK_CORE_REGS_H
#define PCIBK_CORE_REGS_H

#define PCI_COMMAND		0x04
#define PCI_COMMAND_IO		0x0001
#define PCI_COMMAND_MEMORY	0x0002
#define PCI_COMMAND_MASTER	0x0004
#define PCI_COMMAND_INVALIDATE	0x0010
#define PCI_COMMAND_INTX_DISABLE 0x0400
#define PCI_STATUS		0x06
#define PCI_STATUS_CAP_LIST	0x10
#define PCI_BIST_START		0x40
#define PCI_CAPABILITY_LIST	0x34
#define PCI_CB_CAPABILITY_LIST	0x14

#define PCI_CAP_ID_PM		0x01
#define PCI_CAP_ID_MSI		0x05
#define PCI_CAP_ID_MSIX		0x11

#define PCI_PM_CAP_PME_MASK	0xf800
#define PCI_PM_CTRL_STATE_MASK	0x0003
#define PCI_PM_CTRL_PME_ENABLE	0x0100
#define PCI_PM_CTRL_DATA_SEL	0x1e00
#define PCI_PM_CTRL_PME_STATUS	0x8000

#define PCI_VPD_ADDR_F		0x8000

#define PCI_MSI_FLAGS_ENABLE	0x0001
#define PCI_MSI_FLAGS_64BIT	0x0080
#define PCI_MSI_FLAGS_MASKBIT	0x0100
#define PCI_MSIX_FLAGS_QSIZE	0x07ff
#define PCI_MSIX_FLAGS_MASKALL	0x4000
#define PCI_MSIX_FLAGS_ENABLE	0x8000

#endif /* PCIBK_CORE_REGS_H */
