// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * §16 item 1: the wire ABI. The layout is also asserted at compile time
 * (include/pcibk/wire.h); these check the same facts at run time through
 * the page accessors the core uses.
 */
#include "t.h"

TEST(abi_struct_sizes)
{
	CHECK_EQ(sizeof(struct xen_msix_entry), 4);
	CHECK_EQ(sizeof(struct xen_pci_op), 548);
	CHECK_EQ(sizeof(struct xen_pcie_aer_op), 20);
	CHECK_EQ(sizeof(struct xen_pci_sharedinfo), 572);
}

TEST(abi_field_offsets)
{
	struct xen_pci_sharedinfo si;
	const char *b = (const char *)&si;

	CHECK_EQ((char *)&si.flags - b, 0);
	CHECK_EQ((char *)&si.op.cmd - b, 4);
	CHECK_EQ((char *)&si.op.err - b, 8);
	CHECK_EQ((char *)&si.op.domain - b, 12);
	CHECK_EQ((char *)&si.op.bus - b, 16);
	CHECK_EQ((char *)&si.op.devfn - b, 20);
	CHECK_EQ((char *)&si.op.offset - b, 24);
	CHECK_EQ((char *)&si.op.size - b, 28);
	CHECK_EQ((char *)&si.op.value - b, 32);
	CHECK_EQ((char *)&si.op.info - b, 36);
	CHECK_EQ((char *)&si.op.msix_entries[0].vector - b, 40);
	CHECK_EQ((char *)&si.op.msix_entries[0].entry - b, 42);
	CHECK_EQ((char *)&si.op.msix_entries[127].entry - b, 42 + 4 * 127);
	CHECK_EQ((char *)&si.aer_op.cmd - b, 552);
	CHECK_EQ((char *)&si.aer_op.err - b, 556);
	CHECK_EQ((char *)&si.aer_op.domain - b, 560);
	CHECK_EQ((char *)&si.aer_op.bus - b, 564);
	CHECK_EQ((char *)&si.aer_op.devfn - b, 568);
}

TEST(abi_constants)
{
	CHECK(strcmp(XEN_PCI_MAGIC, "7") == 0);
	CHECK_EQ(XEN_PCIF_active, 1);
	CHECK_EQ(XEN_PCIB_AERHANDLER, 2);
	CHECK_EQ(XEN_PCIB_active, 4);
	CHECK_EQ(SH_INFO_MAX_VEC, 128);
	CHECK_EQ(XEN_PCI_OP_enable_multi_msi, 10);
	CHECK_EQ(XEN_PCI_ERR_op_failed, -5);
}

TEST(abi_accessor_offsets_match_struct)
{
	struct sim_page *p = sim_page_new();
	struct xen_pci_sharedinfo *si = (void *)p->page;

	sim_page_req(p, 1, 2, 3, 4, 5, 6, 7, 8);
	CHECK_EQ(si->op.cmd, 1);
	CHECK_EQ(si->op.domain, 2);
	CHECK_EQ(si->op.bus, 3);
	CHECK_EQ(si->op.devfn, 4);
	CHECK_EQ(si->op.offset, 5);
	CHECK_EQ(si->op.size, 6);
	CHECK_EQ(si->op.value, 7);
	CHECK_EQ(si->op.info, 8);
	sim_page_set_entry(p, 127, 0x1234, 0xabcd);
	CHECK_EQ(si->op.msix_entries[127].entry, 0x1234);
	CHECK_EQ(si->op.msix_entries[127].vector, 0xabcd);
	CHECK_EQ(si->aer_op.cmd, 0);
	sim_page_free(p);
}
