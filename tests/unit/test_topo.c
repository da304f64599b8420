// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Virtual topologies and export (PROTOCOL.md §7, §8.4, §16 items 22-23).
 */
#include "fix.h"

static struct sim_dev *plain(struct sim_host *h, u8 bus, u8 devfn, u32 class)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x1af4, 0x1041,
					class, (class >> 16) == 6 ? 1 : 0, 256);

	sim_add_bar(d, 0, PCIBK_RES_MEM, 0xfe000000u + ((u32)bus << 16) +
		    ((u32)devfn << 8), 0x100);
	return d;
}

static void vaddr_is(struct pcibk_dev *d, const char *want)
{
	char buf[32];

	pcibk_vaddr_format(&d->vaddr, buf, sizeof(buf));
	CHECK(strcmp(buf, want) == 0);
	if (strcmp(buf, want))
		printf("    got %s want %s\n", buf, want);
}

/* The PROTOCOL.md §7 example: 03:00.1, 03:00.0, 05:00.0 in that order. */
TEST(topo_vpci_example_grouping)
{
	struct fix f;
	struct pcibk_dev *a, *b, *c;

	fix_init(&f, false);
	a = fix_add(&f, plain(f.h, 3, 0x01, 0x020000), true);
	b = fix_add(&f, plain(f.h, 3, 0x00, 0x020000), true);
	c = fix_add(&f, plain(f.h, 5, 0x00, 0x010802), true);
	vaddr_is(a, "0000:00:00.01");
	vaddr_is(b, "0000:00:00.00");
	vaddr_is(c, "0000:00:01.00");
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x01) == a);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x00) == b);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x08) == c);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x09) == NULL);
	fix_fini(&f);
}

/* The virtual function number is the host's; a slot may lack function 0. */
TEST(topo_vpci_function_kept_no_fn0)
{
	struct fix f;
	struct pcibk_dev *a;

	fix_init(&f, false);
	a = fix_add(&f, plain(f.h, 7, 0x13, 0x020000), true);	/* 07:02.3 */
	vaddr_is(a, "0000:00:00.03");
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x00) == NULL);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x03) == a);
	fix_fini(&f);
}

TEST(topo_vpci_libxl_order_7_to_0)
{
	struct fix f;
	int fn;

	fix_init(&f, false);
	for (fn = 7; fn >= 0; fn--)
		fix_add(&f, plain(f.h, 3, (u8)fn, 0x020000), true);
	for (fn = 0; fn < 8; fn++)
		CHECK(pcibk_topo_find(&f.g->topo, 0, 0, (u32)fn) == f.d[7 - fn]);
	CHECK_EQ(f.g->topo.count, 8);
	fix_fini(&f);
}

TEST(topo_vpci_different_slots_not_grouped)
{
	struct fix f;
	struct pcibk_dev *a, *b;

	fix_init(&f, false);
	a = fix_add(&f, plain(f.h, 3, 0x00, 0x020000), true);
	b = fix_add(&f, plain(f.h, 3, 0x09, 0x020000), true);	/* 03:01.1 */
	vaddr_is(a, "0000:00:00.00");
	vaddr_is(b, "0000:00:01.01");
	fix_fini(&f);
}

TEST(topo_vpci_same_slot_other_bus_not_grouped)
{
	struct fix f;
	struct pcibk_dev *a, *b;

	fix_init(&f, false);
	a = fix_add(&f, plain(f.h, 3, 0x00, 0x020000), true);
	b = fix_add(&f, plain(f.h, 4, 0x01, 0x020000), true);
	vaddr_is(a, "0000:00:00.00");
	vaddr_is(b, "0000:00:01.01");
	fix_fini(&f);
}

/* A VF at function 0 neither joins nor is joined. */
TEST(topo_vpci_vf_fn0_alone)
{
	struct fix f;
	struct sim_dev *pf, *vf0, *vf1;
	struct pcibk_dev *a, *b, *c;

	fix_init(&f, false);
	pf = plain(f.h, 3, 0x00, 0x020000);
	vf0 = plain(f.h, 3, 0x80, 0x020000);	/* 03:10.0 */
	vf1 = plain(f.h, 3, 0x81, 0x020000);	/* 03:10.1 */
	sim_make_vf(vf0, pf);
	sim_make_vf(vf1, pf);
	a = fix_add(&f, vf0, true);
	b = fix_add(&f, vf1, true);
	c = fix_add(&f, pf, true);
	vaddr_is(a, "0000:00:00.00");
	vaddr_is(b, "0000:00:01.01");
	vaddr_is(c, "0000:00:02.00");
	fix_fini(&f);
}

TEST(topo_vpci_vf_fn0_does_not_join)
{
	struct fix f;
	struct sim_dev *pf, *vf0, *other;
	struct pcibk_dev *a, *b;

	fix_init(&f, false);
	pf = plain(f.h, 2, 0x00, 0x020000);
	other = plain(f.h, 3, 0x81, 0x020000);	/* 03:10.1, not a VF */
	vf0 = plain(f.h, 3, 0x80, 0x020000);	/* 03:10.0 VF */
	sim_make_vf(vf0, pf);
	a = fix_add(&f, other, true);
	b = fix_add(&f, vf0, true);
	vaddr_is(a, "0000:00:00.01");
	vaddr_is(b, "0000:00:01.00");
	fix_fini(&f);
}

/* The 33rd slot: -ENOMEM (-12), and the claim is returned to the pool. */
TEST(topo_vpci_33rd_slot_enomem)
{
	struct fix f;
	struct pcibk_dev *d;
	int i;

	fix_init(&f, false);
	for (i = 0; i < 32; i++)
		fix_add(&f, plain(f.h, (u8)(i + 1), 0, 0x020000), true);
	d = fix_add(&f, plain(f.h, 0x40, 0, 0x020000), false);
	CHECK_EQ(pcibk_guest_export(f.g, d), -ENOMEM);
	CHECK(d->guest == NULL);
	CHECK_EQ(f.sd[32]->owner, -1);
	CHECK_EQ(f.g->topo.count, 32);
	/* a function of an occupied host slot still fits */
	d = fix_add(&f, plain(f.h, 1, 1, 0x020000), false);
	CHECK_EQ(pcibk_guest_export(f.g, d), 0);
	vaddr_is(d, "0000:00:00.01");
	fix_fini(&f);
}

TEST(topo_vpci_bridge_refused_efault)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, plain(f.h, 0, 0x08, 0x060400), false);
	CHECK_EQ(pcibk_guest_export(f.g, d), -EFAULT);
	CHECK(d->guest == NULL);
	CHECK_EQ(f.sd[0]->owner, -1);
	d = fix_add(&f, plain(f.h, 0, 0x10, 0x060000), false);	/* host bridge */
	CHECK_EQ(pcibk_guest_export(f.g, d), -EFAULT);
	fix_fini(&f);
}

TEST(topo_vpci_slot_reused_after_release)
{
	struct fix f;
	struct pcibk_dev *a, *b, *c;

	fix_init(&f, false);
	a = fix_add(&f, plain(f.h, 3, 0, 0x020000), true);
	b = fix_add(&f, plain(f.h, 4, 0, 0x020000), true);
	fix_release(&f, a);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0) == NULL);
	c = fix_add(&f, plain(f.h, 5, 0, 0x020000), true);
	vaddr_is(b, "0000:00:01.00");
	vaddr_is(c, "0000:00:00.00");
	fix_fini(&f);
}

/* Grouping keys on the first entry of the slot even after it left. */
TEST(topo_vpci_group_after_first_left)
{
	struct fix f;
	struct pcibk_dev *a, *b, *c;

	fix_init(&f, false);
	a = fix_add(&f, plain(f.h, 3, 0, 0x020000), true);
	b = fix_add(&f, plain(f.h, 3, 1, 0x020000), true);
	fix_release(&f, a);
	c = fix_add(&f, plain(f.h, 3, 2, 0x020000), true);
	vaddr_is(b, "0000:00:00.01");
	vaddr_is(c, "0000:00:00.02");
	fix_fini(&f);
}

TEST(topo_vpci_roots_single)
{
	struct fix f;
	struct pcibk_root r[4];

	fix_init(&f, false);
	CHECK_EQ(pcibk_topo_roots(&f.g->topo, r, 4), 1);	/* even when empty */
	CHECK_EQ(r[0].domain, 0);
	CHECK_EQ(r[0].bus, 0);
	fix_add(&f, plain(f.h, 3, 0, 0x020000), true);
	fix_add(&f, plain(f.h, 9, 0, 0x020000), true);
	CHECK_EQ(pcibk_topo_roots(&f.g->topo, r, 4), 1);
	fix_fini(&f);
}

TEST(topo_vaddr_format_two_digit_function)
{
	struct pcibk_vaddr va = { 0, 0, 0x0f };
	char buf[32];

	CHECK_EQ(pcibk_vaddr_format(&va, buf, sizeof(buf)), 13);
	CHECK(strcmp(buf, "0000:00:01.07") == 0);
	va.domain = 0xabcd;
	va.bus = 0xef;
	va.devfn = 0xff;
	pcibk_vaddr_format(&va, buf, sizeof(buf));
	CHECK(strcmp(buf, "abcd:ef:1f.07") == 0);
}

/* S2 in vpci: devfn 0x108 does not alias 0x08. */
TEST(topo_vpci_lookup_exact)
{
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, plain(f.h, 3, 0, 0x020000), true);
	fix_add(&f, plain(f.h, 4, 0, 0x020000), true);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x08) != NULL);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x108) == NULL);
	CHECK(pcibk_topo_find(&f.g->topo, 0x10000, 0, 0x08) == NULL);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0x100, 0x08) == NULL);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 3, 0x00) == NULL);
	fix_fini(&f);
}

/* ---- passthrough ---- */

TEST(topo_pt_identity)
{
	struct fix f;
	struct pcibk_dev *a, *b;

	fix_init(&f, true);
	a = fix_add(&f, plain(f.h, 3, 0x01, 0x020000), true);
	b = fix_add(&f, plain(f.h, 5, 0x10, 0x020000), true);
	vaddr_is(a, "0000:03:00.01");
	vaddr_is(b, "0000:05:02.00");
	CHECK(pcibk_topo_find(&f.g->topo, 0, 3, 0x01) == a);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 5, 0x10) == b);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0x00) == NULL);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 3, 0x101) == NULL);
	CHECK(pcibk_topo_find(&f.g->topo, 0x10000, 3, 0x01) == NULL);
	fix_fini(&f);
}

TEST(topo_pt_bridges_allowed)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, true);
	d = fix_add(&f, plain(f.h, 0, 0x08, 0x060400), false);
	CHECK_EQ(pcibk_guest_export(f.g, d), 0);
	fix_fini(&f);
}

TEST(topo_pt_roots_dedup)
{
	struct fix f;
	struct pcibk_root r[8];

	fix_init(&f, true);
	fix_add(&f, plain(f.h, 3, 0, 0x020000), true);
	fix_add(&f, plain(f.h, 3, 1, 0x020000), true);
	fix_add(&f, plain(f.h, 5, 0, 0x020000), true);
	CHECK_EQ(pcibk_topo_roots(&f.g->topo, r, 8), 2);
	CHECK_EQ(r[0].bus, 3);
	CHECK_EQ(r[1].bus, 5);
	fix_fini(&f);
}

/* A device whose parent bridge is exported too is not a root. */
TEST(topo_pt_roots_skip_exported_parent)
{
	struct fix f;
	struct sim_dev *br, *child, *grand, *grandbr;
	struct pcibk_root r[8];

	fix_init(&f, true);
	br = plain(f.h, 0, 0x08, 0x060400);	/* 00:01.0 bridge to bus 4 */
	child = plain(f.h, 4, 0, 0x020000);
	grandbr = plain(f.h, 4, 0x08, 0x060400);/* 04:01.0 bridge to bus 6 */
	grand = plain(f.h, 6, 0, 0x020000);
	child->parent = br;
	grandbr->parent = br;
	grand->parent = grandbr;
	fix_add(&f, child, true);
	CHECK_EQ(pcibk_topo_roots(&f.g->topo, r, 8), 1);
	CHECK_EQ(r[0].bus, 4);
	fix_add(&f, br, true);
	fix_add(&f, grand, true);
	CHECK_EQ(pcibk_topo_roots(&f.g->topo, r, 8), 1);
	CHECK_EQ(r[0].bus, 0);
	fix_fini(&f);
}

TEST(topo_pt_roots_max_respected)
{
	struct fix f;
	struct pcibk_root r[2];
	int i;

	fix_init(&f, true);
	for (i = 1; i <= 5; i++)
		fix_add(&f, plain(f.h, (u8)i, 0, 0x020000), true);
	CHECK_EQ(pcibk_topo_roots(&f.g->topo, r, 2), 2);
	CHECK_EQ(pcibk_topo_roots(&f.g->topo, r, 0), 0);
	fix_fini(&f);
}

/* ---- export and claims (§8.4) ---- */

TEST(export_registers_owner_before_ops)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), true);
	CHECK_EQ(f.sd[0]->owner, 5);
	CHECK(d->guest == f.g);
	fix_fini(&f);
}

TEST(export_twice_refused_einval)
{
	struct fix f, g2;
	struct pcibk_dev *d;

	fix_init(&f, false);
	fix_session(&g2, 9, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), true);
	CHECK_EQ(pcibk_guest_export(g2.g, d), -EINVAL);
	CHECK_EQ(pcibk_guest_export(f.g, d), -EINVAL);
	CHECK_EQ(f.sd[0]->owner, 5);
	CHECK_EQ(g2.g->topo.count, 0);
	fix_fini(&f);
}

TEST(export_owner_failure_unwinds)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), false);
	sim_fail(f.h, SIM_REGISTER_OWNER, 1, -ENOMEM);
	CHECK_EQ(pcibk_guest_export(f.g, d), -ENOMEM);
	CHECK(d->guest == NULL);
	CHECK_EQ(f.g->topo.count, 0);
	CHECK(pcibk_topo_find(&f.g->topo, 0, 0, 0) == NULL);
	sim_fail_clear(f.h);
	CHECK_EQ(pcibk_guest_export(f.g, d), 0);
	fix_fini(&f);
}

TEST(export_steals_owner)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), false);
	f.sd[0]->owner = 7;	/* left behind by someone else */
	CHECK_EQ(pcibk_guest_export(f.g, d), 0);
	CHECK_EQ(f.sd[0]->owner, 5);
	CHECK_EQ(f.sd[0]->owner_steals, 1);
	fix_fini(&f);
}

/* After release, ops for the old address get -1 and others still work. */
TEST(release_then_ops_not_found)
{
	struct fix f;
	u32 v;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	fix_add(&f, fix_msi_only(f.h, 4, 0), true);
	fix_release(&f, f.d[0]);
	CHECK_EQ(fix_read(&f, 0x00, 0, 4, &v), XEN_PCI_ERR_dev_not_found);
	CHECK_EQ(fix_read(&f, 0x08, 0, 4, &v), 0);
	CHECK_EQ(f.sd[0]->owner, -1);
	fix_fini(&f);
}

TEST(release_of_foreign_device_ignored)
{
	struct fix f, g2;
	struct pcibk_dev *d;

	fix_init(&f, false);
	fix_session(&g2, 9, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), true);
	fix_release(&g2, d);
	CHECK(d->guest == f.g);
	CHECK_EQ(f.sd[0]->resets, 0);
	fix_fini(&f);
}
