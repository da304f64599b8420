// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Realistic simulated devices: see devices.h. The register values are
 * modelled on what lspci -xxxx shows for such functions on x86 servers;
 * the write masks are the simulator's (sim.c).
 */
#include "devices.h"

struct poke {
	u16 off;
	u8 size;
	u32 val;
};

static void pokes(struct sim_dev *d, const struct poke *p, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		sim_hw_write(d, p[i].off, p[i].size, p[i].val);
}

static void subsys(struct sim_dev *d, u16 sv, u16 sd)
{
	sim_hw_write(d, 0x2c, 2, sv);
	sim_hw_write(d, 0x2e, 2, sd);
	d->info.subvendor = sv;
	d->info.subdevice = sd;
}

struct sim_dev *dev_nic(struct sim_host *h, u8 bus, u8 devfn)
{
	static const struct poke p[] = {
		{ 0x06, 2, 0x0010 }, { 0x08, 1, 0x01 }, { 0x0c, 1, 0x10 },
		{ 0x3e, 2, 0x0000 },
	};
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x8086, 0x1521,
					0x020000, 0, 4096);
	u8 exp;

	sim_add_bar(d, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64, 0x383ffe000000ull,
		    0x100000);
	sim_add_bar(d, 2, PCIBK_RES_IO, 0xe020, 0x20);
	sim_add_bar(d, 3, PCIBK_RES_MEM | PCIBK_RES_MEM64, 0x383ffe100000ull,
		    0x4000);
	sim_set_irq(d, 36, 1);
	subsys(d, 0x15d9, 0x1521);
	sim_add_pm(d, 0xc823);
	sim_add_msi(d, 1, true, true);
	sim_add_msix(d, 10, 3);
	exp = sim_add_pcie(d);
	sim_add_vpd(d);
	sim_hw_write(d, exp + 4u, 4, 0x10008cc2);	/* DevCap */
	sim_add_ext_cap(d, 0x100, 0x0001, 0x140);	/* AER */
	sim_add_ext_cap(d, 0x140, 0x0003, 0x1a0);	/* serial number */
	sim_hw_write(d, 0x144, 4, 0xa0369fff);
	sim_hw_write(d, 0x148, 4, 0x0012e5a4);
	sim_add_ext_cap(d, 0x1a0, 0x0017, 0);		/* TPH */
	pokes(d, p, ARRAY_SIZE(p));
	return d;
}

struct sim_dev *dev_nvme(struct sim_host *h, u8 bus, u8 devfn)
{
	static const struct poke p[] = {
		{ 0x06, 2, 0x0010 }, { 0x08, 1, 0x00 },
	};
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x144d, 0xa808,
					0x010802, 0, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64, 0xfe600000, 0x4000);
	sim_set_irq(d, 40, 1);
	subsys(d, 0x144d, 0xa801);
	sim_add_pm(d, 0x0003);
	sim_add_msi(d, 32, true, true);
	sim_add_pcie(d);
	sim_add_msix(d, 33, 0);
	sim_add_ext_cap(d, 0x100, 0x0001, 0x148);	/* AER */
	sim_add_ext_cap(d, 0x148, 0x0003, 0x158);	/* DSN */
	sim_add_ext_cap(d, 0x158, 0x0004, 0x178);	/* power budget */
	sim_add_ext_cap(d, 0x178, 0x0019, 0x198);	/* secondary PCIe */
	sim_add_ext_cap(d, 0x198, 0x0018, 0);		/* LTR */
	pokes(d, p, ARRAY_SIZE(p));
	return d;
}

struct sim_dev *dev_xhci(struct sim_host *h, u8 bus, u8 devfn)
{
	static const struct poke p[] = {
		{ 0x06, 2, 0x0290 }, { 0x08, 1, 0x10 }, { 0x50, 4, 0x0 },
	};
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x8086, 0xa36d,
					0x0c0330, 0, 256);

	sim_add_bar(d, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64, 0xfe500000, 0x10000);
	sim_set_irq(d, 16, 1);
	subsys(d, 0x1028, 0x0869);
	sim_add_pm(d, 0xc9c2);
	sim_add_msi(d, 8, false, true);
	/* The vendor-specific registers Intel xHCIs have after the caps. */
	sim_hw_write(d, 0xa8, 4, 0x00000800);
	pokes(d, p, ARRAY_SIZE(p));
	return d;
}

struct sim_dev *dev_gpu(struct sim_host *h, u8 bus, u8 devfn)
{
	static const struct poke p[] = {
		{ 0x06, 2, 0x0010 }, { 0x08, 1, 0xa1 },
	};
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x10de, 0x1eb8,
					0x030200, 0, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM, 0xfa000000, 0x1000000);
	sim_add_bar(d, 1, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0x380000000000ull, 0x400000000ull);	/* 16 GiB */
	sim_add_bar(d, 3, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0x380400000000ull, 0x2000000);
	sim_add_bar(d, 5, PCIBK_RES_IO, 0xd000, 0x80);
	sim_add_bar(d, PCIBK_ROM_RES, PCIBK_RES_MEM, 0xfb000000, 0x80000);
	sim_set_irq(d, 11, 1);
	subsys(d, 0x10de, 0x12a2);
	sim_add_pm(d, 0x0603);
	sim_add_msi(d, 1, false, true);
	sim_add_pcie(d);
	sim_add_cap(d, 0x09, 0x14);			/* vendor specific */
	sim_add_ext_cap(d, 0x100, 0x0002, 0x250);	/* VC */
	sim_add_ext_cap(d, 0x250, 0x0018, 0x258);	/* LTR */
	sim_add_ext_cap(d, 0x258, 0x001e, 0x128);	/* L1 PM substates */
	sim_add_ext_cap(d, 0x128, 0x0004, 0x600);	/* power budget */
	sim_add_ext_cap(d, 0x600, 0x000b, 0x900);	/* vendor specific */
	sim_add_ext_cap(d, 0x900, 0x0019, 0xbb0);	/* secondary PCIe */
	sim_add_ext_cap(d, 0xbb0, 0x0015, 0);		/* resizable BAR */
	pokes(d, p, ARRAY_SIZE(p));
	return d;
}

struct sim_dev *dev_vf(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *pf = sim_dev_new(h, 0, bus, 0, 0x8086, 0x10fb,
					 0x020000, 0, 4096);
	struct sim_dev *vf = sim_dev_new(h, 0, bus, devfn ? devfn : 0x10,
					 0x8086, 0x10ed, 0x020000, 0, 4096);

	sim_add_bar(pf, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64, 0xfb800000, 0x80000);
	sim_add_pcie(pf);
	sim_hw_write(pf, 0x04, 2, 0x0006);	/* the PF decodes memory */
	sim_add_bar(vf, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0x383fffd00000ull, 0x4000);
	sim_add_bar(vf, 3, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0x383fffd10000ull, 0x4000);
	sim_add_msix(vf, 3, 3);
	sim_add_pcie(vf);
	sim_add_ext_cap(vf, 0x100, 0x0001, 0x150);	/* AER */
	sim_add_ext_cap(vf, 0x150, 0x000e, 0);		/* ARI */
	sim_make_vf(vf, pf);
	subsys(vf, 0x8086, 0x000c);
	sim_hw_write(vf, 0x08, 4, 0x02000001);
	return vf;
}

struct sim_dev *dev_bridge(struct sim_host *h, u8 bus, u8 devfn)
{
	static const struct poke p[] = {
		{ 0x06, 2, 0x0010 }, { 0x08, 1, 0xca }, { 0x0c, 1, 0x10 },
		{ 0x18, 4, 0x00060504 },		/* pri 04, sec 05, sub 06 */
		{ 0x1c, 2, 0xf0f0 }, { 0x1e, 2, 0x0000 },
		{ 0x20, 4, 0xfb30fb00 }, { 0x24, 4, 0x0001fff1 },
		{ 0x28, 4, 0xffffffff }, { 0x2c, 4, 0x00000000 },
		{ 0x3e, 2, 0x0012 },
	};
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x10b5, 0x8747,
					0x060400, 1, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM, 0xfb400000, 0x20000);
	sim_add_bar(d, PCIBK_ROM_RES, PCIBK_RES_MEM, 0xfb420000, 0x800);
	sim_set_irq(d, 26, 1);
	sim_add_pm(d, 0x0003);
	sim_add_msi(d, 1, true, true);
	sim_add_pcie(d);
	sim_add_cap(d, 0x0d, 8);			/* bridge subsystem id */
	sim_add_ext_cap(d, 0x100, 0x000b, 0x138);
	sim_add_ext_cap(d, 0x138, 0x0004, 0);
	pokes(d, p, ARRAY_SIZE(p));
	return d;
}

struct sim_dev *dev_plain(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x1af4, 0x1000,
					0x020000, 0, 256);

	sim_add_bar(d, 0, PCIBK_RES_IO, 0xc040, 0x40);
	sim_set_irq(d, 10, 1);
	return d;
}

/* ---------------------------------------------------------------- driving */

struct pcibk_dev *dt_start(struct fix *f, dev_builder mk)
{
	/* Passthrough topology: bridges can be exported too. */
	fix_init(f, true);
	return fix_add(f, mk(f->h, 3, 0), true);
}

s32 dt_op(struct fix *f, u32 cmd, unsigned int off, unsigned int size, u32 v)
{
	const struct pcibk_vaddr *va = &f->d[0]->vaddr;

	return fix_op_full(f, cmd, va->domain, va->bus, va->devfn, (s32)off,
			   (s32)size, v);
}

u32 dt_read(struct fix *f, unsigned int off, unsigned int size)
{
	CHECK_EQ(dt_op(f, XEN_PCI_OP_conf_read, off, size, 0), 0);
	return fix_value(f);
}

s32 dt_write(struct fix *f, unsigned int off, unsigned int size, u32 v)
{
	return dt_op(f, XEN_PCI_OP_conf_write, off, size, v);
}

u32 dt_hw(struct fix *f, unsigned int off, unsigned int size)
{
	return sim_hw_read(f->sd[0], off, size);
}

void dt_rows(struct fix *f, const struct dt_row *rows, unsigned int n,
	     const char *file, int line)
{
	unsigned int i;
	s32 err;
	u32 v;

	for (i = 0; i < n; i++) {
		const struct dt_row *r = &rows[i];

		t_checks += 3;
		if (!r->skip_write) {
			err = dt_write(f, r->off, r->size, r->wval);
			if (err != r->werr)
				t_fail(file, line, "row %u (0x%03x/%u <- 0x%x): err %d, want %d",
				       i, r->off, r->size, r->wval, err, r->werr);
		}
		err = dt_op(f, XEN_PCI_OP_conf_read, r->off, r->size, 0);
		v = fix_value(f);
		if (err || v != r->rval)
			t_fail(file, line, "row %u (0x%03x/%u): read 0x%x err %d, want 0x%x",
			       i, r->off, r->size, v, err, r->rval);
		v = dt_hw(f, r->off, r->size);
		if (v != r->hw)
			t_fail(file, line, "row %u (0x%03x/%u): hw 0x%x, want 0x%x",
			       i, r->off, r->size, v, r->hw);
	}
}
