// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Capability handlers (PROTOCOL.md §6.4): PM, VPD, MSI and MSI-X, first
 * instance only, plus the strict-mode view of the capability list.
 */
#include "cfg_field.h"
#include "regs.h"

/* Same bound as the capability walk in dev.c: stops malicious loops. */
#define CAP_HOPS		48

/* ------------------------------------------------------------------ PM */

static int rd_pmc(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	int rc = pcibk_cfg_hw_read(d, f, v);

	/* No PME: the backend cannot deliver it to the guest. */
	*v &= ~PCI_PM_CAP_PME_MASK;
	return rc;
}

static int pmcsr_init(struct pcibk_dev *d, struct pcibk_cfg_field *f)
{
	u32 hw;
	int rc;

	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	if (!(hw & PCI_PM_CTRL_PME_ENABLE))
		return 0;
	/* PME_STATUS is write-one-to-clear: leave it as it is. */
	return pcibk_cfg_hw_write(d, f, hw & ~(PCI_PM_CTRL_PME_ENABLE |
					       PCI_PM_CTRL_PME_STATUS));
}

static int wr_pmcsr(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	const u32 guest = PCI_PM_CTRL_PME_STATUS | PCI_PM_CTRL_DATA_SEL;
	u32 hw, nv;
	int rc;

	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	nv = (hw & ~guest) | (v & guest);
	if (nv != hw) {
		rc = pcibk_cfg_hw_write(d, f, nv);
		if (rc)
			return rc;
	}
	/* Power transitions through the host, which knows the delays. */
	if (d->ops->set_power_state(d->hdev, (int)(v & PCI_PM_CTRL_STATE_MASK)))
		return PCIBK_PCIBIOS_SET_FAILED;
	return 0;
}

static const struct pcibk_cfg_def cap_pm[] = {
	{ .off = 0, .size = 2, .read = pcibk_cfg_hw_read },
	{ .off = 2, .size = 2, .read = rd_pmc },
	{ .off = 4, .size = 2, .read = pcibk_cfg_hw_read, .write = wr_pmcsr,
	  .init = pmcsr_init, .sleeps = true },
	{ .off = 6, .size = 1, .read = pcibk_cfg_hw_read },
	{ .off = 7, .size = 1, .read = pcibk_cfg_hw_read },
};

/* ----------------------------------------------------------------- VPD */

static int wr_vpd_addr(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	/* Read requests only: a VPD write could change the device's ids. */
	if (v & PCI_VPD_ADDR_F)
		return PCIBK_PCIBIOS_SET_FAILED;
	return pcibk_cfg_hw_write(d, f, v);
}

static const struct pcibk_cfg_def cap_vpd[] = {
	{ .off = 0, .size = 2, .read = pcibk_cfg_hw_read },
	{ .off = 2, .size = 2, .read = pcibk_cfg_hw_read, .write = wr_vpd_addr },
	{ .off = 4, .size = 4, .read = pcibk_cfg_hw_read },
};

/* ---------------------------------------------------------- MSI, MSI-X */

enum irq_type { IRQ_NONE, IRQ_INTX, IRQ_MSI, IRQ_MSIX };

static int read16(struct pcibk_dev *d, unsigned int off, u32 *v)
{
	*v = 0;
	return d->ops->cfg_read(d->hdev, off, 2, v);
}

/* The interrupt type the hardware is set up for right now. */
static int cur_irq_type(struct pcibk_dev *d, enum irq_type *t)
{
	u32 v;
	int rc;

	if (d->msi_cap) {
		rc = read16(d, d->msi_cap + 2u, &v);
		if (rc)
			return rc;
		if (v & PCI_MSI_FLAGS_ENABLE) {
			*t = IRQ_MSI;
			return 0;
		}
	}
	if (d->msix_cap) {
		rc = read16(d, d->msix_cap + 2u, &v);
		if (rc)
			return rc;
		if (v & PCI_MSIX_FLAGS_ENABLE) {
			*t = IRQ_MSIX;
			return 0;
		}
	}
	rc = read16(d, PCI_COMMAND, &v);
	if (rc)
		return rc;
	*t = v & PCI_COMMAND_INTX_DISABLE ? IRQ_NONE : IRQ_INTX;
	return 0;
}

static int wr_irq_flags(struct pcibk_dev *d, struct pcibk_cfg_field *f,
			u32 v, u32 allowed, u32 enable, enum irq_type mine)
{
	enum irq_type t;
	u32 hw;
	int rc;

	if (pcibk_cfg_is_permissive(d))
		return pcibk_cfg_hw_write(d, f, v);
	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	/* Linux guests rewrite the flags unchanged and expect success. */
	if (v == hw)
		return 0;
	if (!d->allow_intctl || ((v ^ hw) & ~allowed))
		return PCIBK_PCIBIOS_SET_FAILED;
	if (v & enable) {
		rc = cur_irq_type(d, &t);
		if (rc)
			return rc;
		if (t != IRQ_NONE && t != IRQ_INTX && t != mine)
			return PCIBK_PCIBIOS_SET_FAILED;
	}
	return pcibk_cfg_hw_write(d, f, v);
}

static int wr_msi_flags(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	return wr_irq_flags(d, f, v, PCI_MSI_FLAGS_ENABLE, PCI_MSI_FLAGS_ENABLE,
			    IRQ_MSI);
}

static int wr_msix_flags(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	return wr_irq_flags(d, f, v,
			    PCI_MSIX_FLAGS_ENABLE | PCI_MSIX_FLAGS_MASKALL,
			    PCI_MSIX_FLAGS_ENABLE, IRQ_MSIX);
}

static const struct pcibk_cfg_def cap_msi[] = {
	{ .off = 0, .size = 2, .read = pcibk_cfg_hw_read },
	{ .off = 2, .size = 2, .read = pcibk_cfg_hw_read, .write = wr_msi_flags },
};

static const struct pcibk_cfg_def cap_msix[] = {
	{ .off = 0, .size = 2, .read = pcibk_cfg_hw_read },
	{ .off = 2, .size = 2, .read = pcibk_cfg_hw_read, .write = wr_msix_flags },
};

int pcibk_cfg_caps_init(struct pcibk_dev *d)
{
	const struct {
		u8 pos;
		const struct pcibk_cfg_def *defs;
		unsigned int n;
	} caps[] = {
		{ d->pm_cap, cap_pm, ARRAY_SIZE(cap_pm) },
		{ d->vpd_cap, cap_vpd, ARRAY_SIZE(cap_vpd) },
		{ d->msi_cap, cap_msi, ARRAY_SIZE(cap_msi) },
		{ d->msix_cap, cap_msix, ARRAY_SIZE(cap_msix) },
	};
	unsigned int i;
	int rc;

	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		if (!caps[i].pos)
			continue;
		rc = pcibk_cfg_add_table(d, caps[i].pos, caps[i].defs,
					 caps[i].n);
		if (rc)
			return rc;
	}
	return 0;
}

/* -------------------------------------------------------------- strict */

/* Bytes of a visible capability, rounded up to whole dwords. */
static unsigned int cap_len(struct pcibk_dev *d, u8 pos, u8 id)
{
	u32 flags = 0;

	switch (id) {
	case PCI_CAP_ID_PM:
		return 8;
	case PCI_CAP_ID_MSIX:
		return 12;
	default:
		if (read16(d, pos + 2u, &flags))
			return 12;
		/* id, flags, address (+4 if 64-bit), data, mask, pending */
		return 12 + (flags & PCI_MSI_FLAGS_64BIT ? 4 : 0) +
		       (flags & PCI_MSI_FLAGS_MASKBIT ? 8 : 0);
	}
}

static void add_patch(struct pcibk_cfg *c, u16 off, u8 clear, u8 set)
{
	if (c->nr_patch < PCIBK_CFG_MAX_PATCHES) {
		c->patch[c->nr_patch].off = off;
		c->patch[c->nr_patch].clear = clear;
		c->patch[c->nr_patch].set = set;
		c->nr_patch++;
	}
}

static void unhide(struct pcibk_cfg *c, unsigned int start, unsigned int len)
{
	unsigned int dw;

	for (dw = start / 4; dw < (start + len + 3) / 4 && dw < 64; dw++)
		c->hidden[dw / 32] &= ~(1u << (dw % 32));
}

int pcibk_cfg_strict_build(struct pcibk_dev *d)
{
	struct pcibk_cfg *c = d->cfg;
	u8 vis[3], pos;
	unsigned int nvis = 0, i, hops;
	u32 status, ptr, hdr;
	int rc;

	/* Dwords 0x40-0xff and all of extended space start hidden. */
	memset(c->hidden, 0xff, sizeof(c->hidden));
	c->hidden[0] = 0xffff0000u;	/* the header (dwords 0-15) stays */
	c->nr_patch = 0;
	rc = read16(d, PCI_STATUS, &status);
	if (!rc && (status & PCI_STATUS_CAP_LIST))
		rc = d->ops->cfg_read(d->hdev, PCI_CAPABILITY_LIST, 1, &ptr);
	else
		ptr = 0;
	if (rc)
		return rc;
	/*
	 * Keep the first PM, MSI and MSI-X in the order the hardware lists
	 * them. Only the instances the handlers cover are shown: a second
	 * MSI would bypass the flags rules.
	 */
	for (hops = 0; hops < CAP_HOPS && nvis < ARRAY_SIZE(vis); hops++) {
		pos = (u8)(ptr & 0xfc);
		if (pos < 0x40)
			break;
		rc = read16(d, pos, &hdr);
		if (rc)
			return rc;
		if ((pos == d->pm_cap && (hdr & 0xff) == PCI_CAP_ID_PM) ||
		    (pos == d->msi_cap && (hdr & 0xff) == PCI_CAP_ID_MSI) ||
		    (pos == d->msix_cap && (hdr & 0xff) == PCI_CAP_ID_MSIX)) {
			vis[nvis++] = pos;
			unhide(c, pos, cap_len(d, pos, (u8)hdr));
		}
		ptr = (hdr >> 8) & 0xff;
	}
	/* The guest follows 0x34 and the NEXT bytes we hand it. */
	add_patch(c, PCI_CAPABILITY_LIST, 0xff, nvis ? vis[0] : 0);
	for (i = 0; i < nvis; i++)
		add_patch(c, vis[i] + 1u, 0xff, i + 1 < nvis ? vis[i + 1] : 0);
	if (!nvis)
		add_patch(c, PCI_STATUS, PCI_STATUS_CAP_LIST, 0);
	c->strict = true;
	return 0;
}
