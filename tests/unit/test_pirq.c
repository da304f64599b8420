// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The guest's pirq budget (core/pirq.c) and the failed-enable gate
 * (core/msi.c): no request reaches the host's PCI core with more vectors
 * than the guest has pirqs left, so the simulated Xen never runs out in
 * the middle of an MSI-X enable (the Linux 6.1 double teardown), and a
 * guest that repeats a failing enable reaches the host once.
 */
#include "fix.h"

#define NIC	0x00	/* vpci 00:00.0, MSI-X table of 64 */
#define AHCI	0x08	/* vpci 00:01.0, MSI only */

/* A guest on a Xen with extra_guest_irqs unset: 32 MSI pirqs. */
static void setup(struct fix *f)
{
	fix_init(f, false);
	f->g->pirq_budget = PCIBK_PIRQ_BUDGET_DEFAULT;
	f->h->pirq_budget = PCIBK_PIRQ_BUDGET_DEFAULT;
	fix_add(f, fix_nic(f->h, 3, 0), true);
	fix_add(f, fix_msi_only(f->h, 4, 0), true);
	CHECK_EQ(fix_enable(f, NIC), 0);
	CHECK_EQ(fix_enable(f, AHCI), 0);
}

static unsigned long host_enables(struct fix *f, unsigned int i)
{
	return f->sd[i]->calls[SIM_ENABLE_MSI] +
	       f->sd[i]->calls[SIM_ENABLE_MSIX];
}

TEST(pirq_budget_of_a_new_guest_is_xen_default)
{
	struct pcibk_guest g;

	pcibk_guest_init(&g, 3, false);
	CHECK_EQ(g.pirq_budget, 32);
	pcibk_pirq_budget = 200;
	pcibk_guest_init(&g, 3, false);
	CHECK_EQ(g.pirq_budget, 200);
	pcibk_pirq_budget = PCIBK_PIRQ_BUDGET_DEFAULT;
}

TEST(pirq_msix_over_budget_refused_without_host)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_msix(&f, NIC, 64), -ENOSPC);
	CHECK_EQ((s32)fix_value(&f), -ENOSPC);	/* as the PCI core answers */
	CHECK_EQ(fix_msix(&f, NIC, 33), -ENOSPC);
	CHECK_EQ(host_enables(&f, 0), 0);
	CHECK(!f.d[0]->irq_enable_failed);	/* refusing is not failing */
	CHECK_EQ(fix_msix(&f, NIC, 32), 0);
	CHECK_EQ(f.h->pirqs_out, 32);
	CHECK_EQ(pcibk_guest_pirqs_held(f.g), 32);
	/* the guest's other device counts against the same budget */
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK_EQ(host_enables(&f, 1), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	CHECK_EQ(pcibk_guest_pirqs_held(f.g), 1);
	CHECK_EQ(fix_msix(&f, NIC, 32), -ENOSPC);
	CHECK_EQ(fix_msix(&f, NIC, 31), 0);
	CHECK_EQ(f.h->double_teardowns, 0);
	fix_fini(&f);
}

/* More vectors than the table has: the PCI core's answer, without it. */
TEST(pirq_msix_over_table_refused_without_host)
{
	struct fix f;

	setup(&f);
	f.g->pirq_budget = FIX_PIRQ_BUDGET;
	f.h->pirq_budget = FIX_PIRQ_BUDGET;
	CHECK_EQ(fix_msix(&f, NIC, 65), -ENOSPC);
	CHECK_EQ(host_enables(&f, 0), 0);
	CHECK_EQ(fix_msix(&f, NIC, 64), 0);
	fix_fini(&f);
}

/*
 * What the stock guest of the QEMU harness does: nvme asks 64 vectors,
 * fails, its PCI core disables, it asks fewer; fifty times over, with
 * successful enables in between. Only the successful ones reach the host.
 */
TEST(pirq_stock_guest_over_budget_loop)
{
	struct fix f;
	int i;

	setup(&f);
	for (i = 0; i < 50; i++) {
		CHECK_EQ(fix_msix(&f, NIC, i & 1 ? 64 : 128), -ENOSPC);
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
		CHECK_EQ(fix_msix(&f, NIC, 8), 0);
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, NIC, 0, 0, 0), 0);
	}
	CHECK_EQ(f.sd[0]->calls[SIM_ENABLE_MSIX], 50);
	CHECK_EQ(f.h->pirqs_out, 0);
	CHECK_EQ(f.h->double_teardowns, 0);
	fix_fini(&f);
}

/*
 * A PV guest can spend its own pirqs (PHYSDEVOP_get_free_pirq), which
 * the core cannot see: the first enable that runs out in Xen is the one
 * the core could not prevent; afterwards the guest's budget is what it
 * holds, so it cannot happen again.
 */
TEST(pirq_guest_spent_its_own_pirqs)
{
	struct fix f;

	setup(&f);
	f.h->pirq_budget = 20;		/* 12 taken behind our back */
	CHECK_EQ(fix_msix(&f, NIC, 8), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
	CHECK_EQ(fix_msix(&f, NIC, 24), -ENOSPC);
	CHECK_EQ(f.h->double_teardowns, 1);
	CHECK_EQ(f.g->pirq_budget, 1);		/* the AHCI's one */
	CHECK_EQ(f.h->pirqs_out, 1);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
	CHECK_EQ(fix_msix(&f, NIC, 2), -ENOSPC);
	CHECK_EQ(f.sd[0]->calls[SIM_ENABLE_MSIX], 2);
	CHECK_EQ(f.h->double_teardowns, 1);
	fix_fini(&f);
}

/*
 * A mapping that fails at the second vector for another reason (Xen out
 * of memory, say) is not the budget: the simulated Linux error path is
 * the same, but no count could have prevented it.
 */
TEST(pirq_injected_failure_is_not_the_budget)
{
	struct fix f;

	setup(&f);
	sim_fail(f.h, SIM_PIRQ_MAP, 2, -ENOSPC);
	CHECK_EQ(fix_msix(&f, NIC, 4), -ENOSPC);
	sim_fail_clear(f.h);
	CHECK_EQ(f.h->double_teardowns, 0);
	CHECK_EQ(f.h->pirqs_out, 0);
	fix_fini(&f);
}

/* After a failed enable, the next one waits for a disable or a detach. */
TEST(pirq_failed_enable_gates_until_disable)
{
	struct fix f;

	setup(&f);
	sim_fail(f.h, SIM_ENABLE_MSIX, 1, -EIO);
	CHECK_EQ(fix_msix(&f, NIC, 4), -EIO);
	sim_fail_clear(f.h);
	CHECK_EQ(fix_msix(&f, NIC, 4), -EBUSY);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK_EQ(host_enables(&f, 0), 1);
	/* Linux 6.1 guests disable with disable_msi: it opens the gate too */
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, NIC, 0, 0, 0), 0);
	CHECK_EQ(fix_msix(&f, NIC, 4), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);

	/* a detach opens it for the next guest */
	sim_fail(f.h, SIM_ENABLE_MSI, 1, -EIO);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	sim_fail_clear(f.h);
	CHECK(f.d[1]->irq_enable_failed);
	fix_release(&f, f.d[1]);
	CHECK(!f.d[1]->irq_enable_failed);
	CHECK_EQ(pcibk_guest_export(f.g, f.d[1]), 0);
	CHECK_EQ(fix_enable(&f, f.d[1]->vaddr.devfn), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, f.d[1]->vaddr.devfn, 0, 0, 0), 0);
	fix_fini(&f);
}

/*
 * A guest that makes the same host operation fail again and again: after
 * n failures in a row, 2^(n-1) - 1 attempts are answered with the last
 * error without the host, at most 1023; a success starts over.
 */
TEST(pirq_backoff_counts)
{
	struct pcibk_backoff b;
	unsigned int i, host = 0;
	int err;

	memset(&b, 0, sizeof(b));
	for (i = 0; i < 4096; i++) {
		err = 0;
		if (!pcibk_backoff_try(&b, &err)) {
			CHECK_EQ(err, -EIO);
			continue;
		}
		host++;
		pcibk_backoff_done(&b, -EIO);
	}
	/* 1, 1, 2, 4, ..., then one in 1024 */
	CHECK(host >= 12 && host <= 14);
	CHECK(pcibk_backoff_try(&b, &err) || err == -EIO);
	pcibk_backoff_done(&b, 0);
	CHECK(pcibk_backoff_try(&b, &err));
	CHECK_EQ(b.fails, 0);
}

/* COMMAND writes whose enable_device fails reach the host less and less. */
TEST(pirq_backoff_enable_device)
{
	struct fix f;
	int i;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	sim_fail(f.h, SIM_ENABLE_DEVICE, 1, -EINVAL);
	f.h->fail_repeat = true;
	for (i = 0; i < 100; i++) {
		CHECK(fix_enable(&f, NIC) != 0);
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_write, NIC, 0x04, 2, 0), 0);
	}
	CHECK(f.sd[0]->calls[SIM_ENABLE_DEVICE] <= 9);
	sim_fail_clear(f.h);
	for (i = 0; i < 100 && fix_enable(&f, NIC); i++)
		;
	CHECK(i < 64);
	/* detached and given out again: no back-off left */
	fix_release(&f, f.d[0]);
	CHECK_EQ(f.d[0]->enable_backoff.fails, 0);
	fix_fini(&f);
}

/* Linux refuses MSI outside D0; the core passes that on and gates. */
TEST(pirq_msi_in_d3hot_refused_by_host)
{
	struct fix f;
	u8 pm;

	setup(&f);
	pm = f.sd[1]->pm_cap;
	CHECK(pm != 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_write, AHCI, pm + 4, 2, 3), 0);
	CHECK_EQ(f.sd[1]->power_state, 3);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK(!f.sd[1]->msi_on);
	CHECK_EQ(f.h->pirqs_out, 0);
	fix_fini(&f);
}

TEST(pirq_budget_parse_xen_cmdline)
{
	static const struct {
		const char *cmdline;
		int rc;
		unsigned int budget;	/* 7: left as it was */
	} cases[] = {
		{ "", -ENOENT, 7 },
		{ "console=com1 iommu=1", -ENOENT, 7 },
		{ "extra_guest_irqs", -ENOENT, 7 },
		{ "extra_guest_irqs=,512", -ENOENT, 7 },
		{ "extra_guest_irqs=256,512", 0, 256 },
		{ "loglvl=all extra-guest-irqs=64 noreboot", 0, 64 },
		/* the last one wins; one without a domU value keeps the earlier */
		{ "extra_guest_irqs=40 extra_guest_irqs=48", 0, 48 },
		{ "extra_guest_irqs=40 extra_guest_irqs=,9", 0, 40 },
		/* strtoul, base 0, as Xen reads it */
		{ "extra_guest_irqs=0x40", 0, 64 },
		{ "extra_guest_irqs=010", 0, 8 },
		{ "extra_guest_irqs=12abc", 0, 12 },
		{ "extra_guest_irqs=abc", 0, 0 },
		{ "extra_guest_irqs=99999999999999999999", 0, PCIBK_PIRQ_BUDGET_MAX },
		/* other options that merely start or end alike */
		{ "extra_guest_irqsx=5 xextra_guest_irqs=6", -ENOENT, 7 },
	};
	unsigned int i, b;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		b = 7;
		CHECK_EQ(pcibk_pirq_budget_parse(cases[i].cmdline,
						 strlen(cases[i].cmdline), &b),
			 cases[i].rc);
		CHECK_EQ(b, cases[i].budget);
	}
	/* not past len, no terminator needed */
	CHECK_EQ(pcibk_pirq_budget_parse("extra_guest_irqs=123", 19, &b), 0);
	CHECK_EQ(b, 12);
}
