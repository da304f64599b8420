// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Capability handlers (PROTOCOL.md §6.4; §16 items 18-19) and strict mode.
 */
#include "devices.h"

#define NOW	.skip_write = true

static unsigned long hw_writes(struct fix *f)
{
	return f->sd[0]->cfg_writes;
}

/* ------------------------------------------------------------------- PM */

TEST(cfg_pm_pmc_hides_pme_support)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int pm = f.sd[0]->pm_cap;

	CHECK_EQ(pm, d->pm_cap);
	CHECK_EQ(dt_hw(&f, pm + 2, 2), 0xc823);
	CHECK_EQ(dt_read(&f, pm + 2, 2), 0x0023);
	CHECK_EQ(dt_read(&f, pm + 3, 1), 0x00);
	CHECK_EQ(dt_read(&f, pm, 4), 0x00230000u | dt_hw(&f, pm, 2));
	d->permissive = true;
	CHECK_EQ(dt_write(&f, pm + 2, 2, 0xffff), 0);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

TEST(cfg_pm_header_read_only_even_permissive)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int pm = d->pm_cap;
	u32 hdr = dt_hw(&f, pm, 2);

	d->permissive = true;
	CHECK_EQ(dt_write(&f, pm, 2, 0), 0);
	CHECK_EQ(dt_write(&f, pm + 1, 1, 0xfc), 0);
	CHECK_EQ(dt_read(&f, pm, 2), hdr);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

TEST(cfg_pm_pme_enable_cleared_at_bind)
{
	struct fix f;
	struct sim_dev *sd;

	fix_init(&f, true);
	sd = dev_nic(f.h, 3, 0);
	sim_hw_write(sd, sd->pm_cap + 4, 2, 0x0108);
	fix_add(&f, sd, true);
	CHECK_EQ(dt_hw(&f, sd->pm_cap + 4, 2), 0x0008);
	fix_fini(&f);
}

TEST(cfg_pm_pmcsr_rows)
{
	struct fix f;
	unsigned int o;

	dt_start(&f, dev_nic);
	o = f.sd[0]->pm_cap + 4u;
	{
		const struct dt_row rows[] = {
			{ o, 2, NOW, 0, 0, 0x0008, 0x0008 },
			/* D3hot through the host. */
			{ o, 2, false, 0x0003, 0, 0x000b, 0x000b },
			{ o, 2, false, 0x0000, 0, 0x0008, 0x0008 },
			/* DATA_SEL from the guest. */
			{ o, 2, false, 0x1e00, 0, 0x1e08, 0x1e08 },
			{ o, 2, false, 0x0200, 0, 0x0208, 0x0208 },
			/* PME_ENABLE is not the guest's. */
			{ o, 2, false, 0x0100, 0, 0x0008, 0x0008 },
			{ o, 1, false, 0x02, 0, 0x0a, 0x0a },
			{ o, 1, false, 0x00, 0, 0x08, 0x08 },
		};

		DT_ROWS(&f, rows);
	}
	CHECK_EQ(f.sd[0]->power_state, 0);
	fix_fini(&f);
}

TEST(cfg_pm_power_state_failure_minus3)
{
	struct fix f;

	dt_start(&f, dev_nic);
	sim_fail(f.h, SIM_SET_POWER, 1, -EIO);
	CHECK_EQ(dt_write(&f, f.sd[0]->pm_cap + 4, 2, 3), XEN_PCI_ERR_access_denied);
	CHECK_EQ(f.sd[0]->power_state, 0);
	CHECK_EQ(pcibk_cfg_denied_total(f.d[0]), 1);
	fix_fini(&f);
}

TEST(cfg_pm_ppb_and_data_dropped)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int pm = d->pm_cap;

	sim_hw_write(f.sd[0], pm + 6, 2, 0x5a00);
	d->permissive = true;
	CHECK_EQ(dt_read(&f, pm + 6, 1), 0x00);
	CHECK_EQ(dt_read(&f, pm + 7, 1), 0x5a);
	CHECK_EQ(dt_write(&f, pm + 6, 2, 0xffff), 0);
	CHECK_EQ(dt_write(&f, pm + 7, 1, 0), 0);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

/* ------------------------------------------------------------------ VPD */

TEST(cfg_vpd_rows)
{
	struct fix f;
	unsigned int v;

	dt_start(&f, dev_nic);
	v = f.sd[0]->vpd_cap;
	{
		const struct dt_row rows[] = {
			{ v + 2, 2, false, 0x0010, 0, 0x0010, 0x0010 },
			{ v + 2, 2, false, 0x8020, XEN_PCI_ERR_access_denied,
			  0x0010, 0x0010 },
			{ v + 2, 2, false, 0x0000, 0, 0x0000, 0x0000 },
			{ v + 3, 1, false, 0x80, XEN_PCI_ERR_access_denied, 0, 0 },
			{ v + 4, 4, false, 0x12345678, 0, 0, 0 },
			{ v, 4, false, 0x80000000, XEN_PCI_ERR_access_denied,
			  dt_hw(&f, v, 2), dt_hw(&f, v, 4) },
		};

		DT_ROWS(&f, rows);
	}
	fix_fini(&f);
}

TEST(cfg_vpd_data_dropped_even_permissive)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	CHECK_EQ(dt_write(&f, d->vpd_cap + 4, 4, 0xffffffff), 0);
	CHECK_EQ(dt_hw(&f, d->vpd_cap + 4, 4), 0);
	CHECK_EQ(hw_writes(&f), 0);
	/* The F bit rule does not apply in permissive: the field has a hook. */
	CHECK_EQ(dt_write(&f, d->vpd_cap + 2, 2, 0x8000),
		 XEN_PCI_ERR_access_denied);
	fix_fini(&f);
}

/* ----------------------------------------------------------- MSI flags */

TEST(cfg_msi_flags_identical_write_ok)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int o = d->msi_cap + 2u;

	CHECK_EQ(dt_read(&f, o, 2), 0x0180);
	CHECK_EQ(dt_write(&f, o, 2, 0x0180), 0);
	CHECK_EQ(hw_writes(&f), 0);
	CHECK_EQ(dt_write(&f, d->msi_cap, 4, dt_hw(&f, d->msi_cap, 4)), 0);
	fix_fini(&f);
}

TEST(cfg_msi_flags_without_allow_minus3)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int o = d->msi_cap + 2u;

	CHECK_EQ(dt_write(&f, o, 2, 0x0181), XEN_PCI_ERR_access_denied);
	CHECK_EQ(dt_hw(&f, o, 2), 0x0180);
	CHECK_EQ(hw_writes(&f), 0);
	fix_fini(&f);
}

TEST(cfg_msi_flags_rows_with_allow)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int o = d->msi_cap + 2u;
	const struct dt_row rows[] = {
		{ o, 2, false, 0x0181, 0, 0x0181, 0x0181 },
		{ o, 2, false, 0x0181, 0, 0x0181, 0x0181 },
		{ o, 2, false, 0x0180, 0, 0x0180, 0x0180 },
		/* Multiple Message Enable is outside the allowed bits. */
		{ o, 2, false, 0x0190, XEN_PCI_ERR_access_denied, 0x0180, 0x0180 },
		{ o, 2, false, 0x0000, XEN_PCI_ERR_access_denied, 0x0180, 0x0180 },
		{ o, 1, false, 0x81, 0, 0x81, 0x81 },
	};

	d->allow_intctl = true;
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_msi_flags_exclusive_with_msix)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->allow_intctl = true;
	sim_hw_write(f.sd[0], d->msix_cap + 2, 2, 0x8009);
	CHECK_EQ(dt_write(&f, d->msi_cap + 2, 2, 0x0181),
		 XEN_PCI_ERR_access_denied);
	CHECK_EQ(dt_hw(&f, d->msi_cap + 2, 2), 0x0180);
	fix_fini(&f);
}

TEST(cfg_msi_flags_enable_with_intx_disabled)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->allow_intctl = true;
	sim_hw_write(f.sd[0], 0x04, 2, 0x0400);	/* type NONE */
	CHECK_EQ(dt_write(&f, d->msi_cap + 2, 2, 0x0181), 0);
	CHECK_EQ(dt_hw(&f, d->msi_cap + 2, 2), 0x0181);
	fix_fini(&f);
}

TEST(cfg_msi_flags_permissive_raw)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	CHECK_EQ(dt_write(&f, d->msi_cap + 2, 2, 0x01f1), 0);
	CHECK_EQ(hw_writes(&f), 1);
	CHECK_EQ(dt_hw(&f, d->msi_cap + 2, 2), 0x01f1);
	fix_fini(&f);
}

/* --------------------------------------------------------- MSI-X flags */

TEST(cfg_msix_flags_rows_with_allow)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int o = d->msix_cap + 2u;
	const struct dt_row rows[] = {
		{ o, 2, NOW, 0, 0, 0x0009, 0x0009 },
		{ o, 2, false, 0x0009, 0, 0x0009, 0x0009 },
		{ o, 2, false, 0x4009, 0, 0x4009, 0x4009 },
		{ o, 2, false, 0xc009, 0, 0xc009, 0xc009 },
		{ o, 2, false, 0x8009, 0, 0x8009, 0x8009 },
		/* Table size is read-only: any change outside 0xc000 -> -3. */
		{ o, 2, false, 0x800a, XEN_PCI_ERR_access_denied, 0x8009, 0x8009 },
		{ o + 1, 1, false, 0x00, 0, 0x00, 0x00 },
	};

	d->allow_intctl = true;
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_msix_flags_without_allow_minus3)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	CHECK_EQ(dt_write(&f, d->msix_cap + 2, 2, 0xc009),
		 XEN_PCI_ERR_access_denied);
	CHECK_EQ(dt_write(&f, d->msix_cap + 3, 1, 0x40),
		 XEN_PCI_ERR_access_denied);
	CHECK_EQ(dt_hw(&f, d->msix_cap + 2, 2), 0x0009);
	CHECK_EQ(dt_write(&f, d->msix_cap + 2, 2, 0x0009), 0);
	fix_fini(&f);
}

TEST(cfg_msix_flags_exclusive_with_msi)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->allow_intctl = true;
	sim_hw_write(f.sd[0], d->msi_cap + 2, 2, 0x0181);
	CHECK_EQ(dt_write(&f, d->msix_cap + 2, 2, 0x8009),
		 XEN_PCI_ERR_access_denied);
	/* MASKALL alone does not enable: allowed. */
	CHECK_EQ(dt_write(&f, d->msix_cap + 2, 2, 0x4009), 0);
	CHECK_EQ(dt_hw(&f, d->msix_cap + 2, 2), 0x4009);
	fix_fini(&f);
}

TEST(cfg_msix_flags_permissive_raw)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	pcibk_permissive = true;
	CHECK_EQ(dt_write(&f, d->msix_cap + 2, 2, 0xc009), 0);
	pcibk_permissive = false;
	CHECK_EQ(dt_hw(&f, d->msix_cap + 2, 2), 0xc009);
	fix_fini(&f);
}

TEST(cfg_msix_flags_on_vf)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_vf);

	d->allow_intctl = true;
	CHECK_EQ(dt_read(&f, d->msix_cap + 2, 2), 0x0002);
	CHECK_EQ(dt_write(&f, d->msix_cap + 2, 2, 0x8002), 0);
	CHECK_EQ(dt_hw(&f, d->msix_cap + 2, 2), 0x8002);
	fix_fini(&f);
}

TEST(cfg_caps_only_first_instance)
{
	struct fix f;
	struct sim_dev *sd;
	u8 first, second;

	fix_init(&f, true);
	sd = sim_dev_new(f.h, 0, 3, 0, 0x1234, 0x0001, 0x0b4000, 0, 256);
	first = sim_add_msi(sd, 1, false, false);
	second = sim_add_msi(sd, 1, false, false);
	fix_add(&f, sd, true);
	f.d[0]->allow_intctl = true;
	CHECK_EQ(f.d[0]->msi_cap, first);
	CHECK_EQ(dt_write(&f, first + 2, 2, 0x0001), 0);
	CHECK_EQ(dt_hw(&f, first + 2, 2), 0x0001);
	/* The second is unhandled: dropped, warned, recorded. */
	CHECK_EQ(dt_write(&f, second + 2, 2, 0x0001), 0);
	CHECK_EQ(dt_hw(&f, second + 2, 2), 0x0000);
	CHECK_EQ(pcibk_cfg_denied_total(f.d[0]), 1);
	fix_fini(&f);
}

TEST(cfg_caps_bridge_pm_and_msi)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_bridge);

	CHECK(d->pm_cap && d->msi_cap);
	CHECK_EQ(dt_read(&f, d->pm_cap + 2, 2), 0x0003);
	CHECK_EQ(dt_write(&f, d->msi_cap + 2, 2, 0x0181),
		 XEN_PCI_ERR_access_denied);
	CHECK_EQ(dt_write(&f, d->pm_cap + 4, 2, 0x0003), 0);
	CHECK_EQ(f.sd[0]->power_state, 3);
	fix_fini(&f);
}

/* --------------------------------------------------------------- strict */

TEST(cfg_strict_nic_list)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	struct sim_dev *sd = f.sd[0];

	CHECK_EQ(pcibk_cfg_set_strict(d, true), 0);
	CHECK(pcibk_cfg_strict(d));
	CHECK_EQ(dt_read(&f, 0x34, 1), sd->pm_cap);
	CHECK_EQ(dt_read(&f, sd->pm_cap, 2), 0x01u | (sd->msi_cap << 8));
	CHECK_EQ(dt_read(&f, sd->msi_cap + 1, 1), sd->msix_cap);
	CHECK_EQ(dt_read(&f, sd->msix_cap, 2), 0x0011);
	/* PCIe and VPD are gone, and so is extended space. */
	CHECK_EQ(dt_read(&f, sd->exp_cap, 4), 0);
	CHECK_EQ(dt_read(&f, sd->exp_cap + 4, 4), 0);
	CHECK_EQ(dt_read(&f, sd->vpd_cap, 4), 0);
	CHECK_EQ(dt_read(&f, 0x100, 4), 0);
	CHECK_EQ(dt_read(&f, 0xffc, 4), 0);
	/* Visible capability bodies still read hardware. */
	CHECK_EQ(dt_read(&f, sd->msi_cap + 4, 4), dt_hw(&f, sd->msi_cap + 4, 4));
	CHECK_EQ(dt_read(&f, sd->msix_cap + 4, 4), dt_hw(&f, sd->msix_cap + 4, 4));
	CHECK_EQ(dt_read(&f, 0x06, 2) & 0x10, 0x10);
	/* Hidden registers drop writes even in permissive mode. */
	d->permissive = true;
	CHECK_EQ(dt_write(&f, sd->exp_cap + 8, 2, 0xff), 0);
	CHECK_EQ(dt_write(&f, 0x104, 4, 0xffffffff), 0);
	CHECK_EQ(hw_writes(&f), 0);
	CHECK_EQ(pcibk_cfg_denied_total(d), 2);
	/* Off again: the hardware list is back. */
	CHECK_EQ(pcibk_cfg_set_strict(d, false), 0);
	CHECK_EQ(dt_read(&f, sd->msix_cap + 1, 1), sd->exp_cap);
	CHECK_EQ(dt_read(&f, 0x100, 2), 0x0001);
	fix_fini(&f);
}

TEST(cfg_strict_gpu_hides_vendor_cap)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_gpu);
	struct sim_dev *sd = f.sd[0];
	u8 vcap = (u8)sim_hw_read(sd, sd->exp_cap + 1, 1);

	CHECK(vcap != 0);
	CHECK_EQ(pcibk_cfg_set_strict(d, true), 0);
	CHECK_EQ(dt_read(&f, 0x34, 1), sd->pm_cap);
	CHECK_EQ(dt_read(&f, sd->pm_cap + 1, 1), sd->msi_cap);
	CHECK_EQ(dt_read(&f, sd->msi_cap + 1, 1), 0);
	CHECK_EQ(dt_read(&f, vcap, 4), 0);
	/* The header stays as it was. */
	CHECK_EQ(dt_read(&f, 0x10, 4), 0xfa000000);
	CHECK_EQ(dt_read(&f, 0x00, 4), 0x1eb810de);
	fix_fini(&f);
}

TEST(cfg_strict_no_visible_caps_clears_status_bit)
{
	struct fix f;
	struct sim_dev *sd;

	fix_init(&f, true);
	sd = sim_dev_new(f.h, 0, 3, 0, 0x1234, 0x0002, 0x0b4000, 0, 4096);
	sim_add_pcie(sd);
	fix_add(&f, sd, true);
	CHECK_EQ(dt_read(&f, 0x06, 2) & 0x10, 0x10);
	CHECK_EQ(pcibk_cfg_set_strict(f.d[0], true), 0);
	CHECK_EQ(dt_read(&f, 0x06, 2) & 0x10, 0);
	CHECK_EQ(dt_read(&f, 0x34, 1), 0);
	CHECK_EQ(dt_read(&f, 0x34, 4), 0);
	CHECK_EQ(dt_read(&f, 0x40, 4), 0);
	fix_fini(&f);
}

TEST(cfg_strict_kept_across_detach)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);

	CHECK_EQ(pcibk_cfg_set_strict(d, true), 0);
	fix_release(&f, d);
	CHECK(pcibk_cfg_strict(d));
	CHECK_EQ(pcibk_guest_export(f.g, d), 0);
	CHECK_EQ(dt_read(&f, 0x100, 4), 0);
	fix_fini(&f);
}

TEST(cfg_strict_host_read_failure)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	sim_fail(f.h, SIM_CFG_READ, 1, -EIO);
	CHECK_EQ(pcibk_cfg_set_strict(d, true), -EIO);
	CHECK(!pcibk_cfg_strict(d));
	sim_fail_clear(f.h);
	fix_fini(&f);
}
