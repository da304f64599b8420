// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Simulated functions the fuzz input can ask for: a handful of realistic
 * templates, then raw byte overrides taken from the input.
 */
#include "harness.h"

#define NR_TMPL	7

static struct sim_dev *nic(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x8086, 0x1521,
					0x020000, 0x80, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64, 0xf0000000, 0x100000);
	sim_add_bar(d, 2, PCIBK_RES_IO, 0xe000, 0x20);
	sim_add_bar(d, 3, PCIBK_RES_MEM, 0xf0200000, 0x4000);
	sim_set_irq(d, 16, 1);
	sim_add_pm(d, 0xc823);
	sim_add_msi(d, 1, true, true);
	sim_add_msix(d, 10, 3);
	sim_add_pcie(d);
	sim_add_vpd(d);
	sim_add_ext_cap(d, 0x100, 0x0001, 0x140);
	sim_add_ext_cap(d, 0x140, 0x0003, 0);
	return d;
}

static struct sim_dev *ahci(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x8086, 0x2922,
					0x010601, 0, 256);

	sim_add_bar(d, 4, PCIBK_RES_IO, 0xc040, 0x20);
	sim_add_bar(d, 5, PCIBK_RES_MEM, 0xfebd1000, 0x1000);
	sim_set_irq(d, 10, 1);
	sim_add_msi(d, 4, false, false);
	sim_add_pm(d, 0x0003);
	sim_add_cap(d, 0x12, 8);	/* SATA, not virtualized */
	return d;
}

static struct sim_dev *vf(struct sim_host *h, u8 bus, u8 devfn)
{
	/* The PF sits one bus above and is never exported. */
	struct sim_dev *pf = nic(h, (u8)(bus ^ 0x80), 0);
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x8086, 0x1520,
					0x020000, 0, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0x3f000000000ull, 0x4000);
	sim_add_msix(d, 3, 0);
	sim_add_pcie(d);
	sim_make_vf(d, pf);
	/* The PF's decoding is on, as its own driver leaves it. */
	sim_hw_write(pf, 0x04, 2, 0x0006);
	return d;
}

static struct sim_dev *bridge(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x10b5, 0x8747,
					0x060400, 1, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM, 0xfb000000, 0x40000);
	sim_add_bar(d, PCIBK_ROM_RES, PCIBK_RES_MEM, 0xfb100000, 0x10000);
	sim_hw_write(d, 0x18, 4, 0x00020100u | bus);
	sim_add_pm(d, 0x0003);
	sim_add_msi(d, 1, false, true);
	sim_add_pcie(d);
	sim_hw_write(d, 0x04, 2, 0x0017);
	return d;
}

static struct sim_dev *plain(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x1af4, 0x1000,
					0x020000, 0, 256);

	sim_add_bar(d, 0, PCIBK_RES_IO, 0xc000, 0x40);
	sim_set_irq(d, 11, 1);
	sim_add_vpd(d);
	sim_add_cap(d, 0x09, 16);	/* vendor specific */
	return d;
}

static struct sim_dev *gpu(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x10de, 0x1eb8,
					0x030200, 0, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM, 0xfa000000, 0x1000000);
	sim_add_bar(d, 1, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0x3800000000ull, 0x400000000ull);
	sim_add_bar(d, 3, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0xe0000000, 0x2000000);
	sim_add_bar(d, 5, PCIBK_RES_IO, 0xd000, 0x80);
	sim_add_bar(d, PCIBK_ROM_RES, PCIBK_RES_MEM, 0xfb000000, 0x80000);
	sim_set_irq(d, 17, 1);
	sim_add_pm(d, 0x0603);
	sim_add_msi(d, 1, false, true);
	sim_add_pcie(d);
	sim_add_msix(d, 6, 0);
	return d;
}

/* Whatever header the input says: refused types, odd sizes, no caps. */
static struct sim_dev *odd(struct sim_host *h, u8 bus, u8 devfn, u8 hdr)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x1234, 0x5678,
					0xff0000, hdr & 0x7f, 256);

	sim_add_bar(d, 0, PCIBK_RES_MEM | PCIBK_RES_UNUSABLE, 0xfe000000, 0x1000);
	sim_add_bar(d, 1, PCIBK_RES_MEM, 0, 0);
	if (hdr & 0x80)
		d->info.cfg_size = 512;	/* neither 256 nor 4096: refused */
	return d;
}

struct sim_dev *fz_build(struct fz *f, unsigned int tmpl, u8 bus, u8 devfn)
{
	struct sim_host *h = f->h;

	switch (tmpl % NR_TMPL) {
	case 0: return nic(h, bus, devfn);
	case 1: return ahci(h, bus, devfn);
	case 2: return vf(h, bus, devfn);
	case 3: return bridge(h, bus, devfn);
	case 4: return plain(h, bus, devfn);
	case 5: return gpu(h, bus, devfn);
	default: return odd(h, bus, devfn, fz_u8(&f->in));
	}
}
