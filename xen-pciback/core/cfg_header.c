// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Virtual fields of the type-0 and type-1 headers (PROTOCOL.md §6.2) and
 * BAR/ROM emulation (§6.3).
 */
#include "cfg_field.h"
#include "regs.h"

/* XSA-120: the only COMMAND bits a guest may drive. */
#define PCIBK_COMMAND_GUEST	0x02bc

/* ------------------------------------------------- simple registers */

static int rd_vendor(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	(void)f;
	/* Cached: an SR-IOV VF's hardware answers 0xffff. */
	*v = d->info.vendor;
	return 0;
}

static int rd_device(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	(void)f;
	*v = d->info.device;
	return 0;
}

static int rd_irq_line(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	(void)f;
	/* The dom0 irq, which libxl maps into the guest as the pirq. */
	*v = (u8)d->info.irq;
	return 0;
}

static int wr_bist(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	u32 hw;
	int rc;

	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	/* Only "start a self test", or a no-op rewrite of the register. */
	if ((v & ~PCI_BIST_START) == (hw & ~PCI_BIST_START) ||
	    v == PCI_BIST_START)
		return pcibk_cfg_hw_write(d, f, v);
	return 0;
}

/* ----------------------------------------------------------- COMMAND */

static int cmd_init(struct pcibk_dev *d, struct pcibk_cfg_field *f)
{
	u32 hw;
	int rc;

	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	f->val = hw & 0xffff;
	return 0;
}

static void cmd_reset(struct pcibk_dev *d, struct pcibk_cfg_field *f)
{
	u32 hw;

	/* [STRICTER] the next guest starts from what the hardware does. */
	if (!pcibk_cfg_hw_read(d, f, &hw))
		f->val = hw & 0xffff;
}

static int rd_cmd(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	u32 hw;
	int rc;

	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	*v = (hw & PCIBK_COMMAND_GUEST) | (f->val & ~PCIBK_COMMAND_GUEST &
					     0xffff);
	return 0;
}

static int wr_cmd(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	const struct pcibk_host_ops *ops = d->ops;
	u32 hw;
	int rc;

	v &= 0xffff;
	/* MEMORY and IO only through the host's enable/disable (XSA-120). */
	if (!ops->is_enabled(d->hdev)) {
		if (v & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO)) {
			if (!pcibk_backoff_try(&d->enable_backoff, &rc))
				return rc;
			rc = ops->enable_device(d->hdev);
			pcibk_backoff_done(&d->enable_backoff, rc);
			if (rc)
				return rc;
			d->intx_wanted = true;
		}
	} else if (!(v & (PCI_COMMAND_MEMORY | PCI_COMMAND_IO))) {
		ops->disable_device(d->hdev);
		d->intx_wanted = false;
	}

	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	if ((v & PCI_COMMAND_MASTER) && !(hw & PCI_COMMAND_MASTER))
		ops->set_master(d->hdev, true);
	else if (!(v & PCI_COMMAND_MASTER) && (hw & PCI_COMMAND_MASTER))
		ops->set_master(d->hdev, false);

	if ((v & PCI_COMMAND_INVALIDATE) && !(f->val & PCI_COMMAND_INVALIDATE)) {
		if (ops->set_mwi(d->hdev)) {
			pcibk_warn_rl("%s: cannot enable memory-write-invalidate\n",
				      d->name);
			v &= ~PCI_COMMAND_INVALIDATE;
		}
	} else if (!(v & PCI_COMMAND_INVALIDATE) &&
		   (f->val & PCI_COMMAND_INVALIDATE)) {
		ops->clear_mwi(d->hdev);
	}

	if (d->allow_intctl && ((v ^ f->val) & PCI_COMMAND_INTX_DISABLE))
		ops->intx(d->hdev, !(v & PCI_COMMAND_INTX_DISABLE));

	f->val = v;

	if (!pcibk_cfg_is_permissive(d))
		return 0;
	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	/* Even permissive writes never touch MEMORY, IO, PARITY, SERR, INTx. */
	if (hw != v)
		return pcibk_cfg_hw_write(d, f, (v & PCIBK_COMMAND_GUEST) |
					  (hw & ~PCIBK_COMMAND_GUEST));
	return 0;
}

/* ------------------------------------------------------------ BAR / ROM */

enum bar_kind { BAR_MEM, BAR_IO, BAR_HI, BAR_ROM };

static bool is_rom(struct pcibk_dev *d, struct pcibk_cfg_field *f)
{
	return f->start == (d->info.hdr_type == 1 ? 0x38 : 0x30);
}

static bool res_usable(const struct pcibk_res *r)
{
	return r->size && r->flags && !(r->flags & PCIBK_RES_UNUSABLE);
}

/* The BAR kind decides the mask of the "size me" test. */
static enum bar_kind bar_kind(struct pcibk_dev *d, struct pcibk_cfg_field *f)
{
	const struct pcibk_res *res = d->cfg->res;
	unsigned int i;

	if (is_rom(d, f))
		return BAR_ROM;
	i = (f->start - 0x10u) / 4;
	if (i > 0 && (res[i - 1].flags & PCIBK_RES_MEM64) &&
	    !(res[i - 1].flags & PCIBK_RES_IO))
		return BAR_HI;
	return res[i].flags & PCIBK_RES_IO ? BAR_IO : BAR_MEM;
}

static u32 bar_flags(const struct pcibk_res *r)
{
	if (r->flags & PCIBK_RES_IO)
		return 0x1;
	return (r->flags & PCIBK_RES_MEM64 ? 0x4 : 0) |
	       (r->flags & PCIBK_RES_PREFETCH ? 0x8 : 0);
}

static int bar_init(struct pcibk_dev *d, struct pcibk_cfg_field *f)
{
	const struct pcibk_res *res = d->cfg->res, *r;
	u64 neg;

	if (!d->cfg->have_res) {
		f->nostate = true;
		return 0;
	}
	switch (bar_kind(d, f)) {
	case BAR_ROM:
		r = &res[PCIBK_ROM_RES];
		if (!res_usable(r))
			return 0;
		/* The enable bit is not emulated. */
		f->val = (u32)r->start & ~0x7ffu;
		f->size_val = (u32)(0 - r->size) & ~0x7ffu;
		return 0;
	case BAR_HI:
		r = &res[(f->start - 0x10u) / 4 - 1];
		if (!res_usable(r))
			return 0;
		neg = 0 - r->size;
		f->val = (u32)(r->start >> 32);
		f->size_val = (u32)(neg >> 32);
		return 0;
	default:
		r = &res[(f->start - 0x10u) / 4];
		if (!res_usable(r))
			return 0;
		f->val = (u32)r->start | bar_flags(r);
		f->size_val = (u32)(0 - r->size) | bar_flags(r);
		return 0;
	}
}

static void bar_reset(struct pcibk_dev *d, struct pcibk_cfg_field *f)
{
	(void)d;
	f->sizing = false;
}

static int rd_bar(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	(void)d;
	if (f->nostate)
		return XEN_PCI_ERR_op_failed;
	*v = f->sizing ? f->size_val : f->val;
	return 0;
}

static int wr_bar(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	static const u32 size_mask[] = {
		[BAR_MEM] = 0xf, [BAR_IO] = 0x3, [BAR_HI] = 0, [BAR_ROM] = 0x7ff,
	};
	u32 hw;
	int rc;

	if (f->nostate)
		return XEN_PCI_ERR_op_failed;
	if ((v | size_mask[bar_kind(d, f)]) == 0xffffffffu) {
		f->sizing = true;
		return 0;
	}
	f->sizing = false;
	/*
	 * The hardware never moves: the guest sees host addresses. Only a
	 * write of the very value the host assigned may reach it, to undo
	 * a sizing probe that someone else left in the register.
	 */
	if (v != f->val)
		return 0;
	rc = pcibk_cfg_hw_read(d, f, &hw);
	if (rc)
		return rc;
	if (hw != f->val)
		return pcibk_cfg_hw_write(d, f, f->val);
	return 0;
}

/* --------------------------------------------------------------- tables */

#define F_RO(o, s, rd)		{ .off = (o), .size = (s), .read = (rd) }
#define F_VIRT(o, s, rd)	{ .off = (o), .size = (s), .read = (rd), \
				  .virt = true }
#define F_HW_RO(o, s)		F_RO(o, s, pcibk_cfg_hw_read)
#define F_BAR(o)		{ .off = (o), .size = 4, .read = rd_bar, \
				  .write = wr_bar, .init = bar_init, \
				  .reset = bar_reset, .virt = true }

/* Registers common to both header types, in register order. */
static const struct pcibk_cfg_def hdr_common[] = {
	F_VIRT(0x00, 2, rd_vendor),
	F_VIRT(0x02, 2, rd_device),
	{ .off = 0x04, .size = 2, .read = rd_cmd, .write = wr_cmd,
	  .init = cmd_init, .reset = cmd_reset, .sleeps = true },
	{ .off = 0x0c, .size = 1, .read = pcibk_cfg_hw_read,
	  .write = pcibk_cfg_hw_write },
	F_HW_RO(0x0d, 1),
	{ .off = 0x0f, .size = 1, .read = pcibk_cfg_hw_read, .write = wr_bist },
};

static const struct pcibk_cfg_def hdr_type0[] = {
	F_BAR(0x10), F_BAR(0x14), F_BAR(0x18), F_BAR(0x1c), F_BAR(0x20),
	F_BAR(0x24), F_BAR(0x30),
	F_VIRT(0x3c, 1, rd_irq_line),
	F_HW_RO(0x3d, 1),
};

static const struct pcibk_cfg_def hdr_type1[] = {
	F_BAR(0x10), F_BAR(0x14), F_BAR(0x38),
	F_VIRT(0x3c, 1, rd_irq_line),
	F_HW_RO(0x3d, 1),
};

int pcibk_cfg_header_init(struct pcibk_dev *d)
{
	int rc;

	rc = pcibk_cfg_add_table(d, 0, hdr_common, ARRAY_SIZE(hdr_common));
	if (rc)
		return rc;
	if (d->info.hdr_type == 1)
		return pcibk_cfg_add_table(d, 0, hdr_type1,
					   ARRAY_SIZE(hdr_type1));
	return pcibk_cfg_add_table(d, 0, hdr_type0, ARRAY_SIZE(hdr_type0));
}
