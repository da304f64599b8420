// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Header registers (PROTOCOL.md §6.2, §6.3; §16 items 15-18): one row per
 * access, on type-0 and type-1 headers, 256- and 4096-byte spaces.
 */
#include "devices.h"

#define NOW	.skip_write = true

static unsigned long hw_writes(struct fix *f)
{
	return f->sd[0]->cfg_writes;
}

/* ---------------------------------------------------------- VENDOR/DEVICE */

TEST(cfg_hdr_vendor_device_rows)
{
	struct fix f;
	const struct dt_row rows[] = {
		{ 0x00, 4, NOW, 0, 0, 0x15218086, 0x15218086 },
		{ 0x00, 2, NOW, 0, 0, 0x8086, 0x8086 },
		{ 0x02, 2, NOW, 0, 0, 0x1521, 0x1521 },
		{ 0x00, 1, NOW, 0, 0, 0x86, 0x86 },
		{ 0x01, 1, NOW, 0, 0, 0x80, 0x80 },
		{ 0x02, 1, NOW, 0, 0, 0x21, 0x21 },
		{ 0x03, 1, NOW, 0, 0, 0x15, 0x15 },
		{ 0x00, 2, false, 0x1234, 0, 0x8086, 0x8086 },
		{ 0x02, 2, false, 0xffff, 0, 0x1521, 0x1521 },
		{ 0x00, 4, false, 0, 0, 0x15218086, 0x15218086 },
	};

	dt_start(&f, dev_nic);
	DT_ROWS(&f, rows);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

TEST(cfg_hdr_vendor_device_dropped_even_permissive)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	CHECK_EQ(dt_write(&f, 0x00, 4, 0xdeadbeef), 0);
	CHECK_EQ(dt_write(&f, 0x00, 2, 0), 0);
	CHECK_EQ(dt_write(&f, 0x03, 1, 0), 0);
	CHECK_EQ(hw_writes(&f), 0);
	CHECK_EQ(dt_read(&f, 0, 4), 0x15218086);
	fix_fini(&f);
}

TEST(cfg_hdr_vf_ids_from_cache)
{
	struct fix f;

	dt_start(&f, dev_vf);
	CHECK_EQ(dt_hw(&f, 0, 4), 0xffffffff);
	CHECK_EQ(dt_read(&f, 0, 4), 0x10ed8086);
	CHECK_EQ(dt_read(&f, 0, 2), 0x8086);
	CHECK_EQ(dt_read(&f, 2, 2), 0x10ed);
	CHECK_EQ(dt_read(&f, 1, 1), 0x80);
	/* A VF has no legacy interrupt: line and pin 0. */
	CHECK_EQ(dt_read(&f, 0x3c, 2), 0);
	fix_fini(&f);
}

/* ---------------------------------------------------------------- COMMAND */

TEST(cfg_hdr_command_read_composition)
{
	struct fix f;

	dt_start(&f, dev_nic);
	/* shadow 0 (bind state); the hardware has everything on. */
	sim_hw_write(f.sd[0], 0x04, 2, 0x07ff);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x02bc);
	CHECK_EQ(dt_read(&f, 0x04, 1), 0xbc);
	CHECK_EQ(dt_read(&f, 0x05, 1), 0x02);
	sim_hw_write(f.sd[0], 0x04, 2, 0x0000);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0000);
	fix_fini(&f);
}

TEST(cfg_hdr_command_memory_enables_device)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	CHECK(!d->intx_wanted);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0002), 0);
	CHECK_EQ(f.sd[0]->enable_cnt, 1);
	CHECK(d->intx_wanted);
	/* The host enabled every decoder the BARs need. */
	CHECK_EQ(dt_hw(&f, 0x04, 2) & 3, 3);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0002);
	/* A second write with decoding on does not count twice. */
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0003), 0);
	CHECK_EQ(f.sd[0]->enable_cnt, 1);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0003);
	fix_fini(&f);
}

TEST(cfg_hdr_command_io_enables_device)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_plain);

	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0001), 0);
	CHECK_EQ(f.sd[0]->enable_cnt, 1);
	CHECK(d->intx_wanted);
	CHECK_EQ(dt_hw(&f, 0x04, 2) & 1, 1);
	fix_fini(&f);
}

TEST(cfg_hdr_command_zero_disables_device_not_decoding)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0006), 0);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x0007);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0000), 0);
	CHECK_EQ(f.sd[0]->enable_cnt, 0);
	CHECK_EQ(f.sd[0]->disable_device_calls, 1);
	CHECK(!d->intx_wanted);
	/* XSA-120: decoding stays on in hardware; only mastering goes. */
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x0003);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0000);
	fix_fini(&f);
}

TEST(cfg_hdr_command_enable_failure_passed_through)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	sim_fail(f.h, SIM_ENABLE_DEVICE, 1, -ENOMEM);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0006), -ENOMEM);
	CHECK(!d->intx_wanted);
	CHECK_EQ(f.sd[0]->enable_cnt, 0);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0);
	/* The shadow is untouched by a failed write. */
	CHECK_EQ(dt_read(&f, 0x04, 2), 0);
	fix_fini(&f);
}

TEST(cfg_hdr_command_master_through_helper)
{
	struct fix f;
	unsigned long calls;

	dt_start(&f, dev_nic);
	calls = f.sd[0]->master_calls;
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0004), 0);
	CHECK_EQ(f.sd[0]->master_calls, calls + 1);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x0004);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0004);
	/* Same value again: no second call. */
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0004), 0);
	CHECK_EQ(f.sd[0]->master_calls, calls + 1);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0000), 0);
	CHECK_EQ(f.sd[0]->master_calls, calls + 2);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

TEST(cfg_hdr_command_mwi_through_helper)
{
	struct fix f;

	dt_start(&f, dev_nic);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0010), 0);
	CHECK_EQ(f.sd[0]->mwi_calls, 1);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x0010);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0010), 0);
	CHECK_EQ(f.sd[0]->mwi_calls, 1);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0000), 0);
	CHECK_EQ(f.sd[0]->mwi_calls, 2);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0);
	fix_fini(&f);
}

TEST(cfg_hdr_command_mwi_failure_clears_bit)
{
	struct fix f;
	unsigned long rl = sim_log_lines;

	dt_start(&f, dev_nic);
	sim_fail(f.h, SIM_SET_MWI, 1, -EINVAL);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0010), 0);
	CHECK_EQ(dt_read(&f, 0x04, 2) & 0x10, 0);
	CHECK(sim_log_lines > rl);
	/* The shadow has no INVALIDATE, so the next write tries again. */
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0010), 0);
	CHECK_EQ(f.sd[0]->mwi_calls, 2);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x0010);
	fix_fini(&f);
}

TEST(cfg_hdr_command_intx_disable_needs_allow)
{
	struct fix f;

	dt_start(&f, dev_nic);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0400), 0);
	CHECK_EQ(f.sd[0]->intx_calls, 0);
	CHECK_EQ(dt_hw(&f, 0x04, 2) & 0x400, 0);
	/* The guest's view keeps what it wrote (shadow), hardware does not. */
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0400);
	fix_fini(&f);
}

TEST(cfg_hdr_command_intx_disable_with_allow)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->allow_intctl = true;
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0400), 0);
	CHECK_EQ(f.sd[0]->intx_calls, 1);
	CHECK_EQ(dt_hw(&f, 0x04, 2) & 0x400, 0x400);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0400), 0);
	CHECK_EQ(f.sd[0]->intx_calls, 1);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0000), 0);
	CHECK_EQ(f.sd[0]->intx_calls, 2);
	CHECK_EQ(dt_hw(&f, 0x04, 2) & 0x400, 0);
	fix_fini(&f);
}

TEST(cfg_hdr_command_no_raw_write_non_permissive)
{
	struct fix f;

	dt_start(&f, dev_nic);
	/* SPECIAL, VGA_PALETTE, WAIT, FAST_BACK, PARITY, SERR. */
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x03e8), 0);
	CHECK_EQ(hw_writes(&f), 0);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0140);	/* shadow non-guest bits */
	fix_fini(&f);
}

TEST(cfg_hdr_command_permissive_raw_masked)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x07f8), 0);
	CHECK_EQ(hw_writes(&f), 1);
	/* Only 0x02bc reached hardware: no PARITY, SERR, INTX_DISABLE. */
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x02b8);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x07f8);
	/* Permissive cannot clear decoding either. */
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0006), 0);
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0000), 0);
	CHECK_EQ(dt_hw(&f, 0x04, 2) & 3, 3);
	fix_fini(&f);
}

TEST(cfg_hdr_command_global_permissive)
{
	struct fix f;

	dt_start(&f, dev_nic);
	pcibk_permissive = true;
	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0008), 0);
	pcibk_permissive = false;
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x0008);
	CHECK_EQ(hw_writes(&f), 1);
	fix_fini(&f);
}

TEST(cfg_hdr_command_dword_write_drops_status)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	sim_hw_write(f.sd[0], 0x06, 2, 0xf910);
	CHECK_EQ(dt_write(&f, 0x04, 4, 0xffff0004), 0);
	/* STATUS (RW1C) was not written: the bits are all still set. */
	CHECK_EQ(dt_hw(&f, 0x06, 2), 0xf910);
	CHECK_EQ(dt_hw(&f, 0x04, 2), 0x0004);
	fix_fini(&f);
}

TEST(cfg_hdr_command_byte_writes_merge)
{
	struct fix f;

	dt_start(&f, dev_nic);
	CHECK_EQ(dt_write(&f, 0x04, 1, 0x06), 0);
	CHECK_EQ(f.sd[0]->enable_cnt, 1);
	CHECK_EQ(dt_write(&f, 0x05, 1, 0x04), 0);	/* INTX_DISABLE: shadow */
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0406);
	/* The low byte was kept by the merge: still enabled. */
	CHECK_EQ(f.sd[0]->enable_cnt, 1);
	CHECK_EQ(dt_hw(&f, 0x04, 2) & 0x400, 0);
	fix_fini(&f);
}

TEST(cfg_hdr_command_reset_reloads_shadow)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	CHECK_EQ(dt_write(&f, 0x04, 2, 0x0540), 0);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0540);
	sim_hw_write(f.sd[0], 0x04, 2, 0x0002);
	pcibk_cfg_reset(d);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0x0002);
	fix_fini(&f);
}

/* ------------------------------------------------ simple byte registers */

TEST(cfg_hdr_cache_line_always_written)
{
	struct fix f;
	const struct dt_row rows[] = {
		{ 0x0c, 1, false, 0x10, 0, 0x10, 0x10 },
		{ 0x0c, 1, false, 0x00, 0, 0x00, 0x00 },
		{ 0x0c, 1, false, 0xff, 0, 0xff, 0xff },
		{ 0x0c, 2, false, 0xff08, 0, 0x0008, 0x0008 },	/* + latency */
	};

	dt_start(&f, dev_nic);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_hdr_latency_dropped_even_permissive)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	CHECK_EQ(dt_write(&f, 0x0d, 1, 0x40), 0);
	CHECK_EQ(dt_hw(&f, 0x0d, 1), 0);
	CHECK_EQ(dt_read(&f, 0x0d, 1), 0);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

TEST(cfg_hdr_bist_rows)
{
	struct fix f;
	/* hw BIST = 0x80 (capable); software can change bit 6 only. */
	const struct dt_row rows[] = {
		{ 0x0f, 1, NOW, 0, 0, 0x80, 0x80 },
		{ 0x0f, 1, false, 0x40, 0, 0xc0, 0xc0 },	/* start */
		{ 0x0f, 1, false, 0x80, 0, 0x80, 0x80 },	/* same, no START */
		{ 0x0f, 1, false, 0xc0, 0, 0xc0, 0xc0 },	/* same + START */
	};

	dt_start(&f, dev_nic);
	sim_hw_write(f.sd[0], 0x0f, 1, 0x80);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_hdr_bist_other_values_dropped)
{
	static const u32 bad[] = { 0x00, 0x01, 0x41, 0x8f, 0xff, 0x7f };
	struct fix f;
	unsigned int i;
	unsigned long w;

	dt_start(&f, dev_nic);
	sim_hw_write(f.sd[0], 0x0f, 1, 0x80);
	w = hw_writes(&f);
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		CHECK_EQ(dt_write(&f, 0x0f, 1, bad[i]), 0);
		CHECK_EQ(dt_hw(&f, 0x0f, 1), 0x80);
	}
	CHECK_EQ(hw_writes(&f), w);
	fix_fini(&f);
}

TEST(cfg_hdr_interrupt_line_is_dom0_irq)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	CHECK_EQ(dt_read(&f, 0x3c, 1), 36);
	CHECK_EQ(dt_write(&f, 0x3c, 1, 5), 0);
	CHECK_EQ(dt_read(&f, 0x3c, 1), 36);
	CHECK_EQ(hw_writes(&f), 0);
	/* The low 8 bits of a large irq number. */
	d->info.irq = 0x123;
	CHECK_EQ(dt_read(&f, 0x3c, 1), 0x23);
	CHECK_EQ(dt_read(&f, 0x3c, 2), 0x0123);
	fix_fini(&f);
}

TEST(cfg_hdr_interrupt_pin_hw_readonly)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	CHECK_EQ(dt_read(&f, 0x3d, 1), 1);
	CHECK_EQ(dt_write(&f, 0x3d, 1, 4), 0);
	CHECK_EQ(dt_write(&f, 0x3c, 2, 0x0405), 0);
	CHECK_EQ(dt_read(&f, 0x3d, 1), 1);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

/* Registers only permissive mode writes: (offset, size, value). */
static const struct { u16 off; u8 size; u32 v; } perm_only0[] = {
	{ 0x06, 2, 0xffff }, { 0x08, 1, 0x05 }, { 0x09, 1, 0x01 },
	{ 0x0a, 2, 0x0101 }, { 0x0e, 1, 0x80 }, { 0x28, 4, 0x1 },
	{ 0x2c, 2, 0x1234 }, { 0x2e, 2, 0x5678 }, { 0x34, 1, 0x50 },
	{ 0x35, 1, 0x1 }, { 0x38, 4, 0x1 }, { 0x3e, 1, 0x3 }, { 0x3f, 1, 0x3 },
};

static void perm_only_check(dev_builder mk, u16 off, u8 size, u32 v)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, mk);
	unsigned long w = hw_writes(&f);

	CHECK_EQ(dt_write(&f, off, size, v), 0);
	CHECK_EQ(hw_writes(&f), w);
	d->permissive = true;
	CHECK_EQ(dt_write(&f, off, size, v), 0);
	CHECK_EQ(hw_writes(&f), w + 1);
	fix_fini(&f);
}

TEST(cfg_hdr_type0_permissive_only_registers)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(perm_only0); i++)
		perm_only_check(dev_nic, perm_only0[i].off, perm_only0[i].size,
				perm_only0[i].v);
}

TEST(cfg_hdr_type1_permissive_only_registers)
{
	static const struct { u16 off; u8 size; u32 v; } regs[] = {
		{ 0x18, 4, 0x00070605 }, { 0x18, 1, 0x05 }, { 0x1b, 1, 0x20 },
		{ 0x1c, 2, 0x2020 }, { 0x1e, 2, 0xffff }, { 0x20, 4, 0xfb40fb40 },
		{ 0x24, 4, 0x1fff1 }, { 0x28, 4, 0 }, { 0x2c, 4, 0 },
		{ 0x30, 4, 0x10001000 }, { 0x34, 1, 0 }, { 0x3e, 2, 0x0040 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(regs); i++)
		perm_only_check(dev_bridge, regs[i].off, regs[i].size, regs[i].v);
}

TEST(cfg_hdr_type1_rows)
{
	struct fix f;
	const struct dt_row rows[] = {
		{ 0x00, 4, NOW, 0, 0, 0x874710b5, 0x874710b5 },
		{ 0x0e, 1, NOW, 0, 0, 0x01, 0x01 },
		{ 0x10, 4, NOW, 0, 0, 0xfb400000, 0xfb400000 },
		{ 0x14, 4, NOW, 0, 0, 0, 0 },
		{ 0x38, 4, NOW, 0, 0, 0xfb420000, 0xfb420000 },
		{ 0x3c, 1, NOW, 0, 0, 26, 26 },
		{ 0x18, 4, NOW, 0, 0, 0x00060504, 0x00060504 },
		{ 0x10, 4, false, 0xffffffff, 0, 0xfffe0000, 0xfb400000 },
		{ 0x10, 4, false, 0xfb400000, 0, 0xfb400000, 0xfb400000 },
		{ 0x14, 4, false, 0xffffffff, 0, 0, 0 },
		{ 0x38, 4, false, 0xfffff800, 0, 0xfffff800, 0xfb420000 },
		{ 0x38, 4, false, 0x00000000, 0, 0xfb420000, 0xfb420000 },
		{ 0x0c, 1, false, 0x08, 0, 0x08, 0x08 },
		{ 0x3c, 1, false, 0x0a, 0, 26, 26 },
		{ 0x18, 4, false, 0, 0, 0x00060504, 0x00060504 },
	};

	dt_start(&f, dev_bridge);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_hdr_type1_0x30_is_not_rom)
{
	struct fix f;

	dt_start(&f, dev_bridge);
	sim_hw_write(f.sd[0], 0x30, 4, 0x00010002);
	CHECK_EQ(dt_read(&f, 0x30, 4), 0x00010002);
	CHECK_EQ(dt_write(&f, 0x30, 4, 0xffffffff), 0);
	CHECK_EQ(dt_read(&f, 0x30, 4), 0x00010002);
	fix_fini(&f);
}

TEST(cfg_hdr_s3_truncated_reads)
{
	struct fix f;
	unsigned int off;
	u32 dw;

	dt_start(&f, dev_nic);
	for (off = 0; off < 0x40; off += 4) {
		dw = dt_read(&f, off, 4);
		CHECK_EQ(dt_read(&f, off, 2), dw & 0xffff);
		CHECK_EQ(dt_read(&f, off + 2, 2), dw >> 16);
		CHECK_EQ(dt_read(&f, off, 1), dw & 0xff);
		CHECK_EQ(dt_read(&f, off + 1, 1), (dw >> 8) & 0xff);
		CHECK_EQ(dt_read(&f, off + 2, 1), (dw >> 16) & 0xff);
		CHECK_EQ(dt_read(&f, off + 3, 1), dw >> 24);
	}
	fix_fini(&f);
}
