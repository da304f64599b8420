// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * BAR and ROM emulation (PROTOCOL.md §6.3; §16 item 17): sizing for
 * 32-bit, 64-bit (both halves), I/O and ROM, host addresses, hardware
 * that never moves (XSA-120 rule), detach clearing sizing state.
 */
#include "devices.h"

#define NOW	.skip_write = true

TEST(cfg_bar_mem64_rows)
{
	struct fix f;
	/* NIC BAR0: 64-bit, 1 MiB at 0x383ffe000000. */
	const struct dt_row rows[] = {
		{ 0x10, 4, NOW, 0, 0, 0xfe000004, 0xfe000004 },
		{ 0x14, 4, NOW, 0, 0, 0x0000383f, 0x0000383f },
		{ 0x10, 4, false, 0xffffffff, 0, 0xfff00004, 0xfe000004 },
		{ 0x14, 4, false, 0xffffffff, 0, 0xffffffff, 0x0000383f },
		{ 0x10, 4, false, 0xfe000004, 0, 0xfe000004, 0xfe000004 },
		{ 0x14, 4, false, 0x0000383f, 0, 0x0000383f, 0x0000383f },
		/* Low half: (w | 0xf) == ~0 is a sizing write too. */
		{ 0x10, 4, false, 0xfffffff0, 0, 0xfff00004, 0xfe000004 },
		{ 0x10, 4, false, 0, 0, 0xfe000004, 0xfe000004 },
		/* Upper half: only all-ones sizes it. */
		{ 0x14, 4, false, 0xfffffff0, 0, 0x0000383f, 0x0000383f },
	};

	dt_start(&f, dev_nic);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_bar_io_rows)
{
	struct fix f;
	/* NIC BAR2: I/O, 32 bytes at 0xe020. */
	const struct dt_row rows[] = {
		{ 0x18, 4, NOW, 0, 0, 0x0000e021, 0x0000e021 },
		{ 0x18, 4, false, 0xffffffff, 0, 0xffffffe1, 0x0000e021 },
		{ 0x18, 4, false, 0x0000e021, 0, 0x0000e021, 0x0000e021 },
		{ 0x18, 4, false, 0xfffffffc, 0, 0xffffffe1, 0x0000e021 },
		{ 0x18, 4, false, 0xfffffff8, 0, 0x0000e021, 0x0000e021 },
		{ 0x18, 2, NOW, 0, 0, 0xe021, 0xe021 },
		{ 0x1a, 2, NOW, 0, 0, 0x0000, 0x0000 },
	};

	dt_start(&f, dev_nic);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_bar_mem32_and_absent_rows)
{
	struct fix f;
	/* GPU: BAR0 32-bit 16 MiB; BAR5 I/O 128; plain has BAR1..5 absent. */
	const struct dt_row rows[] = {
		{ 0x10, 4, NOW, 0, 0, 0xfa000000, 0xfa000000 },
		{ 0x10, 4, false, 0xffffffff, 0, 0xff000000, 0xfa000000 },
		{ 0x10, 4, false, 0x12345678, 0, 0xfa000000, 0xfa000000 },
		{ 0x24, 4, NOW, 0, 0, 0x0000d001, 0x0000d001 },
		{ 0x24, 4, false, 0xffffffff, 0, 0xffffff81, 0x0000d001 },
		{ 0x24, 4, false, 0x0000d001, 0, 0x0000d001, 0x0000d001 },
	};

	dt_start(&f, dev_gpu);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_bar_absent_reads_zero_when_sized)
{
	struct fix f;
	unsigned int off;

	dt_start(&f, dev_plain);
	for (off = 0x14; off <= 0x24; off += 4) {
		CHECK_EQ(dt_read(&f, off, 4), 0);
		CHECK_EQ(dt_write(&f, off, 4, 0xffffffff), 0);
		CHECK_EQ(dt_read(&f, off, 4), 0);
	}
	CHECK_EQ(dt_read(&f, 0x30, 4), 0);
	CHECK_EQ(dt_write(&f, 0x30, 4, 0xfffff800), 0);
	CHECK_EQ(dt_read(&f, 0x30, 4), 0);
	CHECK_EQ(f.sd[0]->cfg_writes, 0);
	fix_fini(&f);
}

TEST(cfg_bar_prefetch64_large_rows)
{
	struct fix f;
	/* GPU BAR1/2: 64-bit prefetchable 16 GiB at 0x380000000000. */
	const struct dt_row rows[] = {
		{ 0x14, 4, NOW, 0, 0, 0x0000000c, 0x0000000c },
		{ 0x18, 4, NOW, 0, 0, 0x00003800, 0x00003800 },
		{ 0x14, 4, false, 0xffffffff, 0, 0x0000000c, 0x0000000c },
		{ 0x18, 4, false, 0xffffffff, 0, 0xfffffffc, 0x00003800 },
		{ 0x14, 4, false, 0x0000000c, 0, 0x0000000c, 0x0000000c },
		{ 0x18, 4, false, 0x00003800, 0, 0x00003800, 0x00003800 },
		/* BAR3/4: 32 MiB prefetchable at 0x380400000000. */
		{ 0x1c, 4, false, 0xffffffff, 0, 0xfe00000c, 0x0000000c },
		{ 0x20, 4, false, 0xffffffff, 0, 0xffffffff, 0x00003804 },
	};

	dt_start(&f, dev_gpu);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_bar_rom_rows)
{
	struct fix f;
	/* GPU ROM: 512 KiB at 0xfb000000; the enable bit is not emulated. */
	const struct dt_row rows[] = {
		{ 0x30, 4, NOW, 0, 0, 0xfb000000, 0xfb000000 },
		{ 0x30, 4, false, 0xfffff800, 0, 0xfff80000, 0xfb000000 },
		{ 0x30, 4, false, 0xfb000000, 0, 0xfb000000, 0xfb000000 },
		{ 0x30, 4, false, 0xfffffffe, 0, 0xfff80000, 0xfb000000 },
		{ 0x30, 4, false, 0xfb000001, 0, 0xfb000000, 0xfb000000 },
		{ 0x30, 4, false, 0xfffff000, 0, 0xfb000000, 0xfb000000 },
	};

	dt_start(&f, dev_gpu);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_bar_partial_access_rows)
{
	struct fix f;
	/* Sub-dword writes merge with the emulated value; no sizing. */
	const struct dt_row rows[] = {
		{ 0x12, 2, NOW, 0, 0, 0xfe00, 0xfe00 },
		{ 0x13, 1, NOW, 0, 0, 0xfe, 0xfe },
		{ 0x13, 1, false, 0xff, 0, 0xfe, 0xfe },
		{ 0x10, 2, false, 0xffff, 0, 0x0004, 0x0004 },
		{ 0x12, 2, false, 0xffff, 0, 0xfe00, 0xfe00 },
		{ 0x10, 4, NOW, 0, 0, 0xfe000004, 0xfe000004 },
	};

	dt_start(&f, dev_nic);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_bar_never_moves_hardware)
{
	static const u32 vals[] = { 0, 1, 0x12340000, 0xfe100004, 0x80000000,
				    0xfffffffe, 0x7fffffff };
	struct fix f;
	unsigned int off, i;
	u32 before[9];

	dt_start(&f, dev_gpu);
	for (off = 0x10; off <= 0x30; off += 4)
		before[(off - 0x10) / 4] = dt_hw(&f, off, 4);
	for (off = 0x10; off <= 0x30; off += 4) {
		if (off == 0x28 || off == 0x2c)
			continue;	/* CardBus CIS, subsystem: not BARs */
		for (i = 0; i < ARRAY_SIZE(vals); i++) {
			CHECK_EQ(dt_write(&f, off, 4, vals[i]), 0);
			CHECK_EQ(dt_write(&f, off, 2, vals[i] & 0xffff), 0);
			CHECK_EQ(dt_write(&f, off + 2, 2, vals[i] >> 16), 0);
			CHECK_EQ(dt_write(&f, off + 1, 1, vals[i] & 0xff), 0);
		}
		CHECK_EQ(dt_hw(&f, off, 4), before[(off - 0x10) / 4]);
	}
	CHECK_EQ(f.sd[0]->cfg_writes, 0);
	fix_fini(&f);
}

TEST(cfg_bar_never_moves_even_permissive)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	pcibk_permissive = true;
	CHECK_EQ(dt_write(&f, 0x10, 4, 0xd0000004), 0);
	CHECK_EQ(dt_write(&f, 0x14, 4, 0), 0);
	CHECK_EQ(dt_write(&f, 0x18, 4, 0x1001), 0);
	pcibk_permissive = false;
	CHECK_EQ(dt_hw(&f, 0x10, 4), 0xfe000004);
	CHECK_EQ(dt_hw(&f, 0x14, 4), 0x383f);
	CHECK_EQ(dt_hw(&f, 0x18, 4), 0xe021);
	CHECK_EQ(dt_read(&f, 0x10, 4), 0xfe000004);
	fix_fini(&f);
}

TEST(cfg_bar_restore_identical_value)
{
	struct fix f;

	dt_start(&f, dev_nic);
	/* Someone left a sizing pattern in the hardware register. */
	sim_hw_write(f.sd[0], 0x10, 4, 0xfff00004);
	CHECK_EQ(dt_write(&f, 0x10, 4, 0xfe000004), 0);
	CHECK_EQ(dt_hw(&f, 0x10, 4), 0xfe000004);
	CHECK_EQ(f.sd[0]->cfg_writes, 1);
	/* Identical hardware: no write. */
	CHECK_EQ(dt_write(&f, 0x10, 4, 0xfe000004), 0);
	CHECK_EQ(f.sd[0]->cfg_writes, 1);
	fix_fini(&f);
}

TEST(cfg_bar_detach_clears_sizing)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_gpu);

	CHECK_EQ(dt_write(&f, 0x10, 4, 0xffffffff), 0);
	CHECK_EQ(dt_write(&f, 0x18, 4, 0xffffffff), 0);
	CHECK_EQ(dt_write(&f, 0x30, 4, 0xfffff800), 0);
	CHECK_EQ(dt_read(&f, 0x10, 4), 0xff000000);
	pcibk_cfg_reset(d);
	CHECK_EQ(dt_read(&f, 0x10, 4), 0xfa000000);
	CHECK_EQ(dt_read(&f, 0x18, 4), 0x3800);
	CHECK_EQ(dt_read(&f, 0x30, 4), 0xfb000000);
	fix_fini(&f);
}

TEST(cfg_bar_without_state_minus5)
{
	struct fix f;
	struct pcibk_dev *d = NULL;
	struct sim_dev *sd;

	fix_init(&f, true);
	sd = dev_nic(f.h, 3, 0);
	sim_fail(f.h, SIM_GET_RES, 1, -EIO);
	d = fix_add(&f, sd, true);
	sim_fail_clear(f.h);
	CHECK(d != NULL);
	CHECK_EQ(dt_op(&f, XEN_PCI_OP_conf_read, 0x10, 4, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK_EQ(fix_value(&f), 0);
	CHECK_EQ(dt_write(&f, 0x10, 4, 0xffffffff), XEN_PCI_ERR_op_failed);
	CHECK_EQ(dt_op(&f, XEN_PCI_OP_conf_read, 0x30, 4, 0),
		 XEN_PCI_ERR_op_failed);
	/* Neighbours are unaffected. */
	CHECK_EQ(dt_read(&f, 0x00, 4), 0x15218086);
	fix_fini(&f);
}

TEST(cfg_bar_unusable_resource_is_absent)
{
	struct fix f;
	struct sim_dev *sd;

	fix_init(&f, true);
	sd = dev_gpu(f.h, 3, 0);
	sd->res[0].flags |= PCIBK_RES_UNUSABLE;
	sd->res[PCIBK_ROM_RES].flags |= PCIBK_RES_UNUSABLE;
	fix_add(&f, sd, true);
	CHECK_EQ(dt_read(&f, 0x10, 4), 0);
	CHECK_EQ(dt_write(&f, 0x10, 4, 0xffffffff), 0);
	CHECK_EQ(dt_read(&f, 0x10, 4), 0);
	CHECK_EQ(dt_read(&f, 0x30, 4), 0);
	fix_fini(&f);
}

TEST(cfg_bar_vf_rows)
{
	struct fix f;
	const struct dt_row rows[] = {
		{ 0x10, 4, NOW, 0, 0, 0xffd0000c, 0xffd0000c },
		{ 0x14, 4, NOW, 0, 0, 0x0000383f, 0x0000383f },
		{ 0x10, 4, false, 0xffffffff, 0, 0xffffc00c, 0xffd0000c },
		{ 0x14, 4, false, 0xffffffff, 0, 0xffffffff, 0x0000383f },
		{ 0x1c, 4, false, 0xffffffff, 0, 0xffffc00c, 0xffd1000c },
		{ 0x20, 4, NOW, 0, 0, 0x0000383f, 0x0000383f },
		{ 0x20, 4, false, 0xffffffff, 0, 0xffffffff, 0x0000383f },
		{ 0x20, 4, false, 0x383f, 0, 0x0000383f, 0x0000383f },
	};

	dt_start(&f, dev_vf);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}
