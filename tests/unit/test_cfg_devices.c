// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Whole-device tests over realistic configuration spaces (devices.c):
 * what a guest reads for every byte of the 256/4096-byte space, and what
 * reaches the hardware when every register is written with all-ones and
 * with zero (XSA-120: no decoding cleared, no INTx disable, no BAR move).
 */
#include "devices.h"

/* ------------------------------------------------ the reference model */

static bool usable(const struct pcibk_res *r)
{
	return r->size && r->flags && !(r->flags & PCIBK_RES_UNUSABLE);
}

/* What §6.3 says a guest reads from a BAR/ROM register, and when sizing. */
static bool model_bar(const struct sim_dev *sd, unsigned int off, u32 *v,
		      u32 *szv)
{
	const struct pcibk_res *r = sd->res;
	bool bridge = sd->info.hdr_type == 1;
	unsigned int i;
	u32 fl = 0;

	if (off != (bridge ? 0x38u : 0x30u) &&
	    (off < 0x10 || off >= (bridge ? 0x18u : 0x28u)))
		return false;
	*v = 0;
	*szv = 0;
	if (off == (bridge ? 0x38u : 0x30u)) {
		if (usable(&r[PCIBK_ROM_RES])) {
			*v = (u32)r[PCIBK_ROM_RES].start;
			*szv = (u32)~(r[PCIBK_ROM_RES].size - 1);
		}
		return true;
	}
	i = (off - 0x10) / 4;
	if (i && (r[i - 1].flags & PCIBK_RES_MEM64)) {
		if (usable(&r[i - 1])) {
			*v = (u32)(r[i - 1].start >> 32);
			*szv = (u32)(~(r[i - 1].size - 1) >> 32);
		}
	} else if (usable(&r[i])) {
		if (r[i].flags & PCIBK_RES_IO)
			fl = 1;
		else
			fl = (r[i].flags & PCIBK_RES_MEM64 ? 4 : 0) |
			     (r[i].flags & PCIBK_RES_PREFETCH ? 8 : 0);
		*v = (u32)r[i].start | fl;
		*szv = (u32)~(r[i].size - 1) | fl;
	}
	return true;
}

static u32 model_dword(const struct sim_dev *sd, unsigned int off)
{
	u32 v = sim_hw_read(sd, off, 4), bar, szv;

	if (off == 0)
		return sd->info.vendor | (u32)sd->info.device << 16;
	if (model_bar(sd, off, &bar, &szv))
		return bar;
	if (off == 0x3c)
		return (v & ~0xffu) | (u8)sd->info.irq;
	if (sd->pm_cap && off == sd->pm_cap)
		return v & ~0xf8000000u;
	return v;
}

static void check_view(dev_builder mk)
{
	struct fix f;
	struct sim_dev *sd;
	unsigned int off, bad = 0;
	u32 v, want;

	dt_start(&f, mk);
	sd = f.sd[0];
	for (off = 0; off < sd->info.cfg_size; off += 4) {
		v = dt_read(&f, off, 4);
		want = model_dword(sd, off);
		if (v != want && bad++ < 5)
			t_fail(__FILE__, __LINE__, "%04x:%04x at 0x%03x: 0x%08x, want 0x%08x",
			       sd->info.vendor, sd->info.device, off, v, want);
		/* Word and byte reads agree with the dword in the header. */
		if (off < 0x40) {
			CHECK_EQ(dt_read(&f, off + 2, 2), want >> 16);
			CHECK_EQ(dt_read(&f, off + 1, 1), (want >> 8) & 0xff);
		}
	}
	t_checks += off / 4;
	CHECK_EQ(f.sd[0]->cfg_writes, 0);
	CHECK_EQ(dt_op(&f, XEN_PCI_OP_conf_read, sd->info.cfg_size, 4, 0),
		 XEN_PCI_ERR_invalid_offset);
	fix_fini(&f);
}

/* Bits of hardware byte a that a guest write may change (non-permissive). */
static u8 may_change(const struct sim_dev *sd, unsigned int a)
{
	if (a == 0x04)
		return 0x17;	/* IO, MEMORY (enable), MASTER, INVALIDATE */
	if (a == 0x0c)
		return 0xff;
	if (a == 0x0f)
		return 0x40;
	if (sd->pm_cap && a == sd->pm_cap + 4u)
		return 0x03;
	if (sd->pm_cap && a == sd->pm_cap + 5u)
		return 0x9e;
	if (sd->vpd_cap && a == sd->vpd_cap + 2u)
		return 0xff;
	if (sd->vpd_cap && a == sd->vpd_cap + 3u)
		return 0x7f;
	return 0;
}

/* The dword holding a handled register that refuses this value with -3. */
static bool refuses(const struct sim_dev *sd, unsigned int off, u32 v)
{
	if (sd->msi_cap && off == sd->msi_cap)
		return true;	/* flags change without allow_intctl */
	if (sd->msix_cap && off == sd->msix_cap)
		return true;
	return sd->vpd_cap && off == sd->vpd_cap && (v & 0x80000000u);
}

static void write_pass(struct fix *f, u32 v, unsigned int step)
{
	struct sim_dev *sd = f->sd[0];
	unsigned int off, a, bad = 0;
	u8 before[4096];
	s32 err, want;
	u32 wv;

	for (off = 0; off < sd->info.cfg_size; off += step) {
		memcpy(before, sd->cfg, sizeof(before));
		wv = step == 4 ? v : v & 0xff;
		err = dt_write(f, off, step, wv);
		want = step == 4 && refuses(sd, off, wv) ? XEN_PCI_ERR_access_denied : 0;
		if (step == 1 && sd->msi_cap &&
		    (off == sd->msi_cap + 2u || off == sd->msi_cap + 3u))
			want = err;	/* depends on the byte: checked elsewhere */
		if (step == 1 && sd->msix_cap &&
		    (off == sd->msix_cap + 2u || off == sd->msix_cap + 3u))
			want = err;
		if (step == 1 && sd->vpd_cap && off == sd->vpd_cap + 3u)
			want = err;
		if (err != want && bad++ < 5)
			t_fail(__FILE__, __LINE__, "write 0x%x at 0x%03x/%u: err %d, want %d",
			       wv, off, step, err, want);
		for (a = 0; a < sizeof(before); a++) {
			if ((sd->cfg[a] ^ before[a]) & ~may_change(sd, a) &&
			    bad++ < 5)
				t_fail(__FILE__, __LINE__, "write 0x%x at 0x%03x/%u changed hw 0x%03x: 0x%02x -> 0x%02x",
				       wv, off, step, a, before[a], sd->cfg[a]);
		}
		t_checks++;
	}
}

static void check_writes(dev_builder mk, unsigned int step)
{
	struct fix f;
	struct sim_dev *sd;
	u32 bars[10], cmd;
	unsigned int i;

	dt_start(&f, mk);
	sd = f.sd[0];
	for (i = 0; i < 10; i++)
		bars[i] = sim_hw_read(sd, 0x10 + 4 * i, 4);

	write_pass(&f, 0xffffffff, step);
	cmd = sim_hw_read(sd, 0x04, 2);
	/* XSA-120: no INTX_DISABLE, PARITY or SERR from a guest write. */
	CHECK_EQ(cmd & 0x0540, 0);
	if (step == 4 && !sd->info.is_virtfn) {
		/* Decoding came through enable_device, for what the BARs need. */
		CHECK_EQ(sd->enable_cnt, 1);
		CHECK(cmd & 0x3);
	}
	write_pass(&f, 0, step);
	/* XSA-120: decoding stays on although the guest wrote zero. */
	CHECK_EQ(sim_hw_read(sd, 0x04, 2) & 0x3, cmd & 0x3);
	CHECK_EQ(sim_hw_read(sd, 0x04, 2) & 0x0540, 0);
	/* No BAR, window or ROM register moved. */
	for (i = 0; i < 10; i++)
		CHECK_EQ(sim_hw_read(sd, 0x10 + 4 * i, 4), bars[i]);
	CHECK_EQ(sd->owner, 5);
	fix_fini(&f);
}

/* After an all-ones write, BARs answer -size; a zero write ends sizing. */
static void check_sizing(dev_builder mk)
{
	struct fix f;
	struct sim_dev *sd;
	unsigned int off, end;
	u32 val, szv;

	dt_start(&f, mk);
	sd = f.sd[0];
	end = sd->info.hdr_type == 1 ? 0x18 : 0x28;
	for (off = 0x10; off < end; off += 4) {
		model_bar(sd, off, &val, &szv);
		CHECK_EQ(dt_write(&f, off, 4, 0xffffffff), 0);
		CHECK_EQ(dt_read(&f, off, 4), szv);
		CHECK_EQ(dt_write(&f, off, 4, 0), 0);
		CHECK_EQ(dt_read(&f, off, 4), val);
	}
	off = sd->info.hdr_type == 1 ? 0x38 : 0x30;
	model_bar(sd, off, &val, &szv);
	CHECK_EQ(dt_write(&f, off, 4, 0xfffff800), 0);
	CHECK_EQ(dt_read(&f, off, 4), szv);
	CHECK_EQ(dt_write(&f, off, 4, val), 0);
	CHECK_EQ(dt_read(&f, off, 4), val);
	CHECK_EQ(sd->cfg_writes, 0);
	fix_fini(&f);
}

#define DEVICE_TESTS(name)						\
	TEST(cfg_dev_##name##_guest_view) { check_view(dev_##name); }	\
	TEST(cfg_dev_##name##_dword_writes) { check_writes(dev_##name, 4); } \
	TEST(cfg_dev_##name##_byte_writes) { check_writes(dev_##name, 1); } \
	TEST(cfg_dev_##name##_bar_sizing) { check_sizing(dev_##name); }

DEVICE_TESTS(nic)
DEVICE_TESTS(nvme)
DEVICE_TESTS(xhci)
DEVICE_TESTS(gpu)
DEVICE_TESTS(vf)
DEVICE_TESTS(bridge)
DEVICE_TESTS(plain)

/* The same devices with strict mode: nothing beyond PM/MSI/MSI-X shows. */
static void check_strict_view(dev_builder mk)
{
	struct fix f;
	struct sim_dev *sd;
	unsigned int off, cap, hops = 0;
	u32 v;

	dt_start(&f, mk);
	sd = f.sd[0];
	CHECK_EQ(pcibk_cfg_set_strict(f.d[0], true), 0);
	for (cap = dt_read(&f, 0x34, 1); cap && hops < 4; hops++) {
		v = dt_read(&f, cap, 2);
		CHECK((v & 0xff) == 0x01 || (v & 0xff) == 0x05 ||
		      (v & 0xff) == 0x11);
		cap = v >> 8;
	}
	CHECK(hops <= 3);
	for (off = 0x100; off < sd->info.cfg_size; off += 4)
		if (dt_read(&f, off, 4))
			break;
	CHECK_EQ(off >= sd->info.cfg_size, true);
	/* The header is as without strict mode (0x34 was checked above). */
	for (off = 0; off < 0x40; off += 4)
		if (off != 0x34)
			CHECK_EQ(dt_read(&f, off, 4), model_dword(sd, off));
	fix_fini(&f);
}

TEST(cfg_dev_strict_views)
{
	check_strict_view(dev_nic);
	check_strict_view(dev_nvme);
	check_strict_view(dev_xhci);
	check_strict_view(dev_gpu);
	check_strict_view(dev_vf);
	check_strict_view(dev_bridge);
}
