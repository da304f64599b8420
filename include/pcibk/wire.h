/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The wire ABI of the shared page (PROTOCOL.md §2), taken from Xen's own
 * io/pciif.h: Debian's libxen-dev copy in user space, the kernel's copy in
 * the module build. The layout is checked here at compile time, so a
 * header that drifts breaks the build instead of a guest.
 */
#ifndef PCIBK_WIRE_H
#define PCIBK_WIRE_H

#include <pcibk/compat.h>

#ifdef __KERNEL__
#include <xen/interface/io/pciif.h>
#else
#include <xen/io/pciif.h>
#endif

/* Only Xen's copy defines command 10; no Linux or Mini-OS frontend sends it. */
#ifndef XEN_PCI_OP_enable_multi_msi
#define XEN_PCI_OP_enable_multi_msi	10
#endif

/* Number of defined commands; anything at or above is "unknown". */
#define PCIBK_NR_CMDS		11

/* Absolute offsets within the shared page (PROTOCOL.md §2.2). */
#define PCIBK_SH_FLAGS		0u
#define PCIBK_SH_OP		4u
#define PCIBK_SH_CMD		(PCIBK_SH_OP + 0u)
#define PCIBK_SH_ERR		(PCIBK_SH_OP + 4u)
#define PCIBK_SH_DOMAIN		(PCIBK_SH_OP + 8u)
#define PCIBK_SH_BUS		(PCIBK_SH_OP + 12u)
#define PCIBK_SH_DEVFN		(PCIBK_SH_OP + 16u)
#define PCIBK_SH_OFFSET		(PCIBK_SH_OP + 20u)
#define PCIBK_SH_SIZE		(PCIBK_SH_OP + 24u)
#define PCIBK_SH_VALUE		(PCIBK_SH_OP + 28u)
#define PCIBK_SH_INFO		(PCIBK_SH_OP + 32u)
#define PCIBK_SH_MSIX		(PCIBK_SH_OP + 36u)
#define PCIBK_SH_VECTOR(i)	(PCIBK_SH_MSIX + 4u * (unsigned int)(i))
#define PCIBK_SH_ENTRY(i)	(PCIBK_SH_MSIX + 4u * (unsigned int)(i) + 2u)
#define PCIBK_SH_AER		552u
#define PCIBK_SH_AER_CMD	(PCIBK_SH_AER + 0u)
#define PCIBK_SH_AER_ERR	(PCIBK_SH_AER + 4u)
#define PCIBK_SH_AER_DOMAIN	(PCIBK_SH_AER + 8u)
#define PCIBK_SH_AER_BUS	(PCIBK_SH_AER + 12u)
#define PCIBK_SH_AER_DEVFN	(PCIBK_SH_AER + 16u)
#define PCIBK_SH_SIZE_TOTAL	572u

#define PCIBK_OFF(type, member)	((unsigned int)__builtin_offsetof(type, member))

static_assert(sizeof(struct xen_msix_entry) == 4, "xen_msix_entry size");
static_assert(sizeof(struct xen_pci_op) == 548, "xen_pci_op size");
static_assert(sizeof(struct xen_pcie_aer_op) == 20, "xen_pcie_aer_op size");
static_assert(sizeof(struct xen_pci_sharedinfo) == 572, "xen_pci_sharedinfo size");
static_assert(PCIBK_OFF(struct xen_msix_entry, vector) == 0, "vector");
static_assert(PCIBK_OFF(struct xen_msix_entry, entry) == 2, "entry");
static_assert(PCIBK_OFF(struct xen_pci_op, cmd) == 0, "cmd");
static_assert(PCIBK_OFF(struct xen_pci_op, err) == 4, "err");
static_assert(PCIBK_OFF(struct xen_pci_op, domain) == 8, "domain");
static_assert(PCIBK_OFF(struct xen_pci_op, bus) == 12, "bus");
static_assert(PCIBK_OFF(struct xen_pci_op, devfn) == 16, "devfn");
static_assert(PCIBK_OFF(struct xen_pci_op, offset) == 20, "offset");
static_assert(PCIBK_OFF(struct xen_pci_op, size) == 24, "size");
static_assert(PCIBK_OFF(struct xen_pci_op, value) == 28, "value");
static_assert(PCIBK_OFF(struct xen_pci_op, info) == 32, "info");
static_assert(PCIBK_OFF(struct xen_pci_op, msix_entries) == 36, "msix_entries");
static_assert(PCIBK_OFF(struct xen_pcie_aer_op, cmd) == 0, "aer cmd");
static_assert(PCIBK_OFF(struct xen_pcie_aer_op, err) == 4, "aer err");
static_assert(PCIBK_OFF(struct xen_pcie_aer_op, domain) == 8, "aer domain");
static_assert(PCIBK_OFF(struct xen_pcie_aer_op, bus) == 12, "aer bus");
static_assert(PCIBK_OFF(struct xen_pcie_aer_op, devfn) == 16, "aer devfn");
static_assert(PCIBK_OFF(struct xen_pci_sharedinfo, flags) == PCIBK_SH_FLAGS, "flags");
static_assert(PCIBK_OFF(struct xen_pci_sharedinfo, op) == PCIBK_SH_OP, "op");
static_assert(PCIBK_OFF(struct xen_pci_sharedinfo, aer_op) == PCIBK_SH_AER, "aer_op");
static_assert(SH_INFO_MAX_VEC == 128, "SH_INFO_MAX_VEC");
static_assert(PCIBK_SH_ENTRY(127) + 2 == PCIBK_SH_AER, "entries end at 551");
static_assert(_XEN_PCIF_active == 0 && _XEN_PCIB_AERHANDLER == 1 &&
	      _XEN_PCIB_active == 2, "flag bits");
static_assert(XEN_PCI_OP_conf_read == 0 && XEN_PCI_OP_conf_write == 1 &&
	      XEN_PCI_OP_enable_msi == 2 && XEN_PCI_OP_disable_msi == 3 &&
	      XEN_PCI_OP_enable_msix == 4 && XEN_PCI_OP_disable_msix == 5 &&
	      XEN_PCI_OP_aer_detected == 6 && XEN_PCI_OP_aer_resume == 7 &&
	      XEN_PCI_OP_aer_mmio == 8 && XEN_PCI_OP_aer_slotreset == 9 &&
	      XEN_PCI_OP_enable_multi_msi == 10, "command numbers");
static_assert(XEN_PCI_ERR_success == 0 && XEN_PCI_ERR_dev_not_found == -1 &&
	      XEN_PCI_ERR_invalid_offset == -2 &&
	      XEN_PCI_ERR_access_denied == -3 &&
	      XEN_PCI_ERR_not_implemented == -4 &&
	      XEN_PCI_ERR_op_failed == -5, "error numbers");

#endif /* PCIBK_WIRE_H */
