// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
#include "fix.h"

struct sim_dev *fix_nic(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x8086, 0x10d3,
					0x020000, 0, 4096);

	sim_add_bar(d, 0, PCIBK_RES_MEM, 0xfebc0000, 0x20000);
	sim_add_bar(d, 2, PCIBK_RES_IO, 0xc000, 0x20);
	sim_add_bar(d, 3, PCIBK_RES_MEM, 0xfebe0000, 0x4000);
	sim_set_irq(d, 11, 1);
	sim_add_pm(d, 0xc823);
	sim_add_msi(d, 32, true, true);
	sim_add_pcie(d);
	sim_add_msix(d, 64, 3);
	sim_add_ext_cap(d, 0x100, 0x0001, 0);
	return d;
}

struct sim_dev *fix_msi_only(struct sim_host *h, u8 bus, u8 devfn)
{
	struct sim_dev *d = sim_dev_new(h, 0, bus, devfn, 0x8086, 0x2922,
					0x010601, 0, 256);

	sim_add_bar(d, 5, PCIBK_RES_MEM, 0xfebd1000, 0x1000);
	sim_set_irq(d, 10, 1);
	sim_add_msi(d, 1, false, false);
	sim_add_pm(d, 0x0003);
	return d;
}

void fix_init(struct fix *f, bool passthrough)
{
	memset(f, 0, sizeof(*f));
	f->allocs_at_start = sim_allocs_out;
	f->h = sim_host_new();
	f->pg = sim_page_new();
	fix_session(f, 5, passthrough);
	/*
	 * A Xen with extra_guest_irqs=256, in the core and in the simulated
	 * Xen alike; the pirq budget tests set their own.
	 */
	f->g->pirq_budget = FIX_PIRQ_BUDGET;
	f->h->pirq_budget = FIX_PIRQ_BUDGET;
}

void fix_session(struct fix *f, u16 domid, bool passthrough)
{
	sim_session_init(&f->ss, &sim_ops, domid, passthrough);
	f->g = &f->ss.s.guest;
}

bool fix_release(struct fix *f, struct pcibk_dev *d)
{
	return pcibk_session_release(&f->ss.s, d->vaddr.domain, d->vaddr.bus,
				     d->vaddr.devfn);
}

struct pcibk_dev *fix_add(struct fix *f, struct sim_dev *sd, bool export)
{
	struct pcibk_dev *d = NULL;
	int rc;

	sim_bind(sd);
	rc = pcibk_dev_create(&sim_ops, sd, &d);
	CHECK_EQ(rc, 0);
	if (rc)
		return NULL;
	/* The clean state of §11.2: what bind leaves behind. */
	pcibk_dev_quiesce(d);
	sim_bind(sd);
	f->sd[f->n] = sd;
	f->d[f->n++] = d;
	if (export)
		CHECK_EQ(pcibk_guest_export(f->g, d), 0);
	return d;
}

void fix_fini(struct fix *f)
{
	unsigned int i;

	CHECK_EQ(pcibk_session_teardown(&f->ss.s), 0);
	CHECK_EQ(f->g->topo.count, 0);
	CHECK_EQ(f->ss.lock_errors, 0);
	CHECK_EQ(f->ss.op_held, 0);
	CHECK_EQ(f->h->irqs_out, 0);
	CHECK_EQ(f->h->pirqs_out, 0);
	for (i = 0; i < f->n; i++) {
		CHECK(!f->sd[i]->msi_on);
		CHECK(!f->sd[i]->msix_on);
		CHECK(!f->sd[i]->helper_on);
		CHECK_EQ(f->sd[i]->owner, -1);
		CHECK_EQ(f->sd[i]->holds, 0);
		CHECK(f->d[i]->guest == NULL);
		pcibk_dev_destroy(f->d[i]);
	}
	CHECK_EQ(sim_allocs_out, f->allocs_at_start);
	sim_page_free(f->pg);
	sim_host_free(f->h);
}

s32 fix_op_full(struct fix *f, u32 cmd, u32 domain, u32 bus, u32 devfn,
		s32 off, s32 size, u32 value)
{
	sim_page_req(f->pg, cmd, domain, bus, devfn, off, size, value, 0);
	sim_page_arm(f->pg, false);
	pcibk_op_handle(f->g, f->pg->page);
	sim_page_disarm(f->pg);
	CHECK_EQ(f->pg->double_reads, 0);
	CHECK_EQ(f->pg->bad_writes, 0);
	return sim_page_err(f->pg);
}

s32 fix_op(struct fix *f, u32 cmd, u32 devfn, s32 off, s32 size, u32 value)
{
	return fix_op_full(f, cmd, 0, 0, devfn, off, size, value);
}

u32 fix_value(struct fix *f)
{
	return sim_page_value(f->pg);
}

s32 fix_read(struct fix *f, u32 devfn, s32 off, s32 size, u32 *val)
{
	s32 err = fix_op(f, XEN_PCI_OP_conf_read, devfn, off, size, 0);

	*val = fix_value(f);
	return err;
}

s32 fix_msix(struct fix *f, u32 devfn, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr && i < SH_INFO_MAX_VEC; i++)
		sim_page_set_entry(f->pg, i, (u16)i, 0xffff);
	return fix_op(f, XEN_PCI_OP_enable_msix, devfn, 0, 0, nr);
}

s32 fix_enable(struct fix *f, u32 devfn)
{
	return fix_op(f, XEN_PCI_OP_conf_write, devfn, 0x04, 2, 0x0006);
}
