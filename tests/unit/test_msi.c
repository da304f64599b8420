// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * MSI and MSI-X requests: the XSA-157 state rules, error styles, the
 * [COMPAT] disable_msi of Linux 6.1 guests, failure atomicity under fault
 * injection and leak freedom (PROTOCOL.md §4, §16 items 11-13).
 */
#include "fix.h"

#define NIC	0x00	/* vpci 00:00.0 */
#define AHCI	0x08	/* vpci 00:01.0 */

static void setup(struct fix *f)
{
	fix_init(f, false);
	fix_add(f, fix_nic(f->h, 3, 0), true);
	fix_add(f, fix_msi_only(f->h, 4, 0), true);
	CHECK_EQ(fix_enable(f, NIC), 0);
	CHECK_EQ(fix_enable(f, AHCI), 0);
}

/* ---- enable_msi ---- */

TEST(msi_enable_returns_nonzero_pirq)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	CHECK(fix_value(&f) != 0);
	CHECK(f.sd[1]->msi_on);
	CHECK(f.d[1]->msi_enabled);
	CHECK_EQ(f.h->pirqs_out, 1);
	fix_fini(&f);
}

TEST(msi_enable_twice_refused_state_kept)
{
	struct fix f;
	u32 pirq;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	pirq = fix_value(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK_EQ(fix_value(&f), 0);
	CHECK_EQ(f.sd[1]->msi_enables, 1);
	CHECK_EQ(f.h->pirqs_out, 1);
	CHECK(f.sd[1]->msi_on);
	CHECK(pirq != 0);
	fix_fini(&f);
}

TEST(msi_enable_with_msix_on_refused)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_msix(&f, NIC, 4), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK_EQ(fix_value(&f), 0);
	CHECK(!f.sd[0]->msi_on);
	CHECK(f.sd[0]->msix_on);
	CHECK_EQ(f.h->pirqs_out, 4);
	fix_fini(&f);
}

TEST(msi_enable_core_failure_is_minus5_value0)
{
	static const int errs[] = { -EINVAL, -ENOMEM, -ENOSPC, -EIO, -ENODEV };
	struct fix f;
	unsigned int i;

	setup(&f);
	for (i = 0; i < ARRAY_SIZE(errs); i++) {
		sim_fail(f.h, SIM_ENABLE_MSI, 1, errs[i]);
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0x99),
			 XEN_PCI_ERR_op_failed);
		CHECK_EQ(fix_value(&f), 0);
		CHECK(!f.d[1]->msi_enabled);
		/* the guest's PCI core disables after a failed enable */
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0), 0);
	}
	sim_fail_clear(f.h);
	/* after five failures the back-off refuses a few more attempts */
	for (i = 0; i < 16 && fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0); i++)
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0), 0);
	CHECK(i > 0 && i < 16);
	CHECK(f.d[1]->msi_enabled);
	fix_fini(&f);
}

TEST(msi_enable_pirq_failure_leaves_nothing)
{
	struct fix f;

	setup(&f);
	sim_fail(f.h, SIM_PIRQ_MAP, 1, -ENOSPC);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK_EQ(f.h->irqs_out, 0);
	CHECK_EQ(f.h->pirqs_out, 0);
	CHECK(!f.sd[1]->msi_on);
	fix_fini(&f);
}

TEST(msi_enable_on_device_without_msi_cap)
{
	struct fix f;
	struct sim_dev *sd;

	fix_init(&f, false);
	sd = sim_dev_new(f.h, 0, 5, 0, 0x1234, 0x11e8, 0x00ff00, 0, 256);
	sim_add_bar(sd, 0, PCIBK_RES_MEM, 0xfe000000, 0x1000);
	sim_set_irq(sd, 9, 1);
	fix_add(&f, sd, true);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, 0, 0, 0, 0),
		 XEN_PCI_ERR_op_failed);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, 0, 0, 0, 1), -ENXIO);
	fix_fini(&f);
}

/* ---- disable ---- */

TEST(msi_disable_idle_harmless)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0x55), 0);
	CHECK_EQ(fix_value(&f), 10);	/* legacy pirq == irq */
	CHECK_EQ(f.sd[1]->msi_disables, 0);
	CHECK_EQ(f.sd[1]->msix_disables, 0);
	fix_fini(&f);
}

TEST(msix_disable_idle_harmless)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0x55), 0);
	CHECK_EQ(fix_value(&f), 11);
	CHECK_EQ(f.sd[0]->msix_disables, 0);
	CHECK_EQ(f.sd[0]->msi_disables, 0);
	fix_fini(&f);
}

TEST(msi_disable_releases)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0), 0);
	CHECK_EQ(fix_value(&f), 10);
	CHECK(!f.sd[1]->msi_on);
	CHECK_EQ(f.h->pirqs_out, 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	fix_fini(&f);
}

TEST(msix_disable_releases_all_vectors)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_msix(&f, NIC, 33), 0);
	CHECK_EQ(f.h->irqs_out, 33);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
	CHECK_EQ(f.h->irqs_out, 0);
	CHECK_EQ(f.h->pirqs_out, 0);
	CHECK(!f.sd[0]->msix_on);
	fix_fini(&f);
}

/* A VF has no legacy irq: disable answers value 0. */
TEST(msix_disable_vf_value_zero)
{
	struct fix f;
	struct sim_dev *pf, *vf;

	fix_init(&f, false);
	pf = fix_nic(f.h, 3, 0);
	vf = sim_dev_new(f.h, 0, 3, 0x10, 0x8086, 0x10ca, 0x020000, 0, 4096);
	sim_make_vf(vf, pf);
	sim_add_bar(vf, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64, 0xf0000000, 0x4000);
	sim_add_msix(vf, 3, 0);
	sim_hw_write(pf, 0x04, 2, 0x0006);
	fix_add(&f, vf, true);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, 0, 0, 0, 0x77), 0);
	CHECK_EQ(fix_value(&f), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, 0, 0, 0, 0x77), 0);
	CHECK_EQ(fix_value(&f), 0);
	fix_fini(&f);
}

/* [COMPAT] Linux 6.1 tears MSI-X down with disable_msi. */
TEST(msix_compat_disable_msi_tears_down_msix)
{
	struct fix f;
	int round;

	setup(&f);
	for (round = 0; round < 3; round++) {
		CHECK_EQ(fix_msix(&f, NIC, 8), 0);
		/* the guest first tries to clear ENABLE by a config write */
		fix_op(&f, XEN_PCI_OP_conf_write, NIC, f.sd[0]->msix_cap + 2, 2, 0);
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, NIC, 0, 0, 0), 0);
		CHECK(!f.sd[0]->msix_on);
		CHECK(!f.d[0]->msix_enabled);
		CHECK_EQ(f.h->irqs_out, 0);
		CHECK_EQ(f.h->pirqs_out, 0);
	}
	/* The nvme case: the second enable succeeds instead of -EALREADY. */
	CHECK_EQ(fix_msix(&f, NIC, 8), 0);
	fix_fini(&f);
}

TEST(msix_compat_does_not_touch_msi_device)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	CHECK_EQ(fix_msix(&f, NIC, 2), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0), 0);
	CHECK(f.sd[0]->msix_on);	/* the other device keeps MSI-X */
	CHECK(!f.sd[1]->msi_on);
	fix_fini(&f);
}

/* ---- enable_msix checks, in order ---- */

TEST(msix_enable_129_einval)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 129), -EINVAL);
	CHECK_EQ(fix_value(&f), 129);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 0xffffffff), -EINVAL);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 0x80000000), -EINVAL);
	CHECK_EQ(f.sd[0]->calls[SIM_ENABLE_MSIX], 0);
	fix_fini(&f);
}

TEST(msix_enable_zero_einval)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 0), -EINVAL);
	CHECK_EQ(fix_value(&f), 0);
	CHECK_EQ(f.sd[0]->calls[SIM_ENABLE_MSIX], 0);
	fix_fini(&f);
}

TEST(msix_enable_twice_ealready)
{
	struct fix f;
	u16 v0;

	setup(&f);
	CHECK_EQ(fix_msix(&f, NIC, 4), 0);
	v0 = sim_page_vector(f.pg, 0);
	CHECK_EQ(fix_msix(&f, NIC, 4), -EALREADY);
	CHECK_EQ(fix_value(&f), 4);
	CHECK_EQ(sim_page_vector(f.pg, 0), 0xffff);	/* not written */
	CHECK_EQ(f.sd[0]->msix_enables, 1);
	CHECK_EQ(f.h->pirqs_out, 4);			/* never double-mapped */
	CHECK(v0 != 0);
	fix_fini(&f);
}

TEST(msix_enable_with_msi_on_enxio)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 0), 0);
	CHECK_EQ(fix_msix(&f, NIC, 4), -ENXIO);
	CHECK_EQ(fix_value(&f), 4);
	CHECK(f.sd[0]->msi_on);
	CHECK(!f.sd[0]->msix_on);
	fix_fini(&f);
}

TEST(msix_enable_memory_off_enxio)
{
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	/* decoding off: the guest never enabled the device */
	CHECK_EQ(fix_msix(&f, NIC, 4), -ENXIO);
	CHECK_EQ(f.sd[0]->calls[SIM_ENABLE_MSIX], 0);
	fix_fini(&f);
}

TEST(msix_enable_vf_checks_pf_memory)
{
	struct fix f;
	struct sim_dev *pf, *vf;

	fix_init(&f, false);
	pf = fix_nic(f.h, 3, 0);
	vf = sim_dev_new(f.h, 0, 3, 0x10, 0x8086, 0x10ca, 0x020000, 0, 4096);
	sim_make_vf(vf, pf);
	sim_add_msix(vf, 3, 0);
	fix_add(&f, vf, true);
	/* the VF's own COMMAND says MEMORY, the PF's does not: refused */
	sim_hw_write(vf, 0x04, 2, 0x0002);
	sim_hw_write(pf, 0x04, 2, 0x0000);
	CHECK_EQ(fix_msix(&f, 0, 2), -ENXIO);
	/* the PF decodes, the VF register says nothing: accepted */
	sim_hw_write(vf, 0x04, 2, 0x0000);
	sim_hw_write(pf, 0x04, 2, 0x0002);
	CHECK_EQ(fix_msix(&f, 0, 2), 0);
	fix_fini(&f);
}

TEST(msix_enable_pf_command_read_failure_refused)
{
	struct fix f;

	setup(&f);
	sim_fail(f.h, SIM_PF_COMMAND, 1, -EIO);
	CHECK_EQ(fix_msix(&f, NIC, 4), -ENXIO);
	CHECK(!f.sd[0]->msix_on);
	fix_fini(&f);
}

/* Core errors are passed through with the status in value. */
TEST(msix_enable_duplicate_entry_einval)
{
	struct fix f;

	setup(&f);
	sim_page_set_entry(f.pg, 0, 3, 0xffff);
	sim_page_set_entry(f.pg, 1, 3, 0xffff);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 2), -EINVAL);
	CHECK_EQ((s32)fix_value(&f), -EINVAL);
	CHECK_EQ(f.h->pirqs_out, 0);
	fix_fini(&f);
}

TEST(msix_enable_entry_out_of_table_einval)
{
	struct fix f;

	setup(&f);
	sim_page_set_entry(f.pg, 0, 64, 0xffff);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 1), -EINVAL);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
	sim_page_set_entry(f.pg, 0, 0xffff, 0xffff);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 1), -EINVAL);
	CHECK_EQ(f.h->pirqs_out, 0);
	fix_fini(&f);
}

TEST(msix_enable_more_than_table_enospc)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_msix(&f, NIC, 65), -ENOSPC);
	CHECK_EQ((s32)fix_value(&f), -ENOSPC);
	CHECK_EQ(fix_msix(&f, NIC, 64), 0);
	fix_fini(&f);
}

TEST(msix_enable_128_vectors)
{
	struct fix f;
	struct sim_dev *sd;
	unsigned int i;

	fix_init(&f, false);
	sd = sim_dev_new(f.h, 0, 6, 0, 0x15b3, 0x1017, 0x020000, 0, 4096);
	sim_add_bar(sd, 0, PCIBK_RES_MEM | PCIBK_RES_MEM64 | PCIBK_RES_PREFETCH,
		    0x380000000000ull, 0x2000000);
	sim_add_msix(sd, 2048, 0);
	fix_add(&f, sd, true);
	CHECK_EQ(fix_enable(&f, 0), 0);
	CHECK_EQ(fix_msix(&f, 0, 128), 0);
	for (i = 0; i < 128; i++)
		CHECK(sim_page_vector(f.pg, i) != 0 && sim_page_vector(f.pg, i) != 0xffff);
	CHECK_EQ(f.h->pirqs_out, 128);
	fix_fini(&f);
}

/* S5: a pirq above 65535 is not truncated: MSI-X goes off, -ERANGE. */
TEST(msix_enable_pirq_over_16_bits_erange)
{
	struct fix f;

	setup(&f);
	f.h->pirq_base_override = 0xfffe;
	CHECK_EQ(fix_msix(&f, NIC, 4), -ERANGE);
	CHECK(!f.sd[0]->msix_on);
	CHECK(!f.d[0]->msix_enabled);
	CHECK_EQ(f.h->pirqs_out, 0);
	CHECK_EQ(sim_page_vector(f.pg, 0), 0xffff);
	f.h->pirq_base_override = 0;
	CHECK_EQ(fix_msix(&f, NIC, 4), 0);
	fix_fini(&f);
}

TEST(msix_vectors_distinct_and_match_host)
{
	struct fix f;
	unsigned int i, j;

	setup(&f);
	CHECK_EQ(fix_msix(&f, NIC, 16), 0);
	for (i = 0; i < 16; i++)
		for (j = 0; j < i; j++)
			CHECK(sim_page_vector(f.pg, i) != sim_page_vector(f.pg, j));
	fix_fini(&f);
}

/* Entries as sent by Linux: entry = index, vector = 0xffff; any order ok. */
TEST(msix_enable_sparse_entries)
{
	struct fix f;

	setup(&f);
	sim_page_set_entry(f.pg, 0, 63, 0xffff);
	sim_page_set_entry(f.pg, 1, 0, 0xffff);
	sim_page_set_entry(f.pg, 2, 17, 0xffff);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 3), 0);
	CHECK_EQ(sim_page_entry(f.pg, 0), 63);	/* entries never written */
	CHECK_EQ(sim_page_entry(f.pg, 2), 17);
	fix_fini(&f);
}

/* ---- fault injection at every host call ---- */

static void check_clean(struct fix *f, unsigned int i)
{
	CHECK(!f->sd[i]->msi_on);
	CHECK(!f->sd[i]->msix_on);
	CHECK(!f->d[i]->msi_enabled);
	CHECK(!f->d[i]->msix_enabled);
}

/*
 * A failed enable, whichever host call fails, leaves the device with MSI
 * and MSI-X off, nothing outstanding, and the guest's other devices as
 * they were.
 */
static void fail_nth_during(enum sim_op op, u32 cmd, unsigned int nr)
{
	unsigned long nth;

	for (nth = 1; nth <= 130; nth++) {
		struct fix f;
		s32 err;

		setup(&f);
		/* the other device has MSI on and must keep it */
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
		sim_fail(f.h, op, nth, -ENOMEM);
		if (cmd == XEN_PCI_OP_enable_msix)
			err = fix_msix(&f, NIC, nr);
		else
			err = fix_op(&f, cmd, NIC, 0, 0, 0);
		sim_fail_clear(f.h);
		CHECK(f.sd[1]->msi_on);
		CHECK_EQ(f.h->pirqs_out - 1, err ? 0 : (cmd == XEN_PCI_OP_enable_msix ? nr : 1));
		if (err) {
			unsigned long calls = f.sd[0]->calls[SIM_ENABLE_MSI] +
					      f.sd[0]->calls[SIM_ENABLE_MSIX];

			check_clean(&f, 0);
			/*
			 * After a failure of the enable itself (not of a
			 * check's config read), a second enable is refused
			 * without asking the host to enable...
			 */
			if (f.d[NIC]->irq_enable_failed) {
				if (cmd == XEN_PCI_OP_enable_msix)
					CHECK_EQ(fix_msix(&f, NIC, nr), -EBUSY);
				else
					CHECK_EQ(fix_op(&f, cmd, NIC, 0, 0, 0),
						 XEN_PCI_ERR_op_failed);
				CHECK_EQ(f.sd[0]->calls[SIM_ENABLE_MSI] +
					 f.sd[0]->calls[SIM_ENABLE_MSIX], calls);
			} else {
				CHECK(op != SIM_ENABLE_MSI && op != SIM_ENABLE_MSIX);
			}
			/* ...until the guest disables; then it works */
			CHECK_EQ(fix_op(&f, cmd == XEN_PCI_OP_enable_msix ?
					XEN_PCI_OP_disable_msix :
					XEN_PCI_OP_disable_msi, NIC, 0, 0, 0), 0);
			if (cmd == XEN_PCI_OP_enable_msix)
				CHECK_EQ(fix_msix(&f, NIC, nr), 0);
			else
				CHECK_EQ(fix_op(&f, cmd, NIC, 0, 0, 0), 0);
		}
		fix_fini(&f);
		if (!err)
			break;	/* nth beyond the calls the op makes */
	}
}

#define FAULT_TEST(name, op, cmd, nr)			\
	TEST(fault_##name)				\
	{						\
		fail_nth_during(op, cmd, nr);		\
	}

FAULT_TEST(msi_any, SIM_ANY, XEN_PCI_OP_enable_msi, 0)
FAULT_TEST(msi_enable, SIM_ENABLE_MSI, XEN_PCI_OP_enable_msi, 0)
FAULT_TEST(msi_irq, SIM_IRQ_ALLOC, XEN_PCI_OP_enable_msi, 0)
FAULT_TEST(msi_pirq, SIM_PIRQ_MAP, XEN_PCI_OP_enable_msi, 0)
FAULT_TEST(msix1_any, SIM_ANY, XEN_PCI_OP_enable_msix, 1)
FAULT_TEST(msix8_any, SIM_ANY, XEN_PCI_OP_enable_msix, 8)
FAULT_TEST(msix64_any, SIM_ANY, XEN_PCI_OP_enable_msix, 64)
FAULT_TEST(msix8_enable, SIM_ENABLE_MSIX, XEN_PCI_OP_enable_msix, 8)
FAULT_TEST(msix8_irq, SIM_IRQ_ALLOC, XEN_PCI_OP_enable_msix, 8)
FAULT_TEST(msix8_pirq, SIM_PIRQ_MAP, XEN_PCI_OP_enable_msix, 8)
FAULT_TEST(msix64_irq, SIM_IRQ_ALLOC, XEN_PCI_OP_enable_msix, 64)
FAULT_TEST(msix64_pirq, SIM_PIRQ_MAP, XEN_PCI_OP_enable_msix, 64)
FAULT_TEST(msix8_pf_command, SIM_PF_COMMAND, XEN_PCI_OP_enable_msix, 8)

/* ---- long runs ---- */

TEST(msix_alternate_10000_no_leak)
{
	struct fix f;
	long allocs;
	int i;

	setup(&f);
	allocs = sim_allocs_out;
	for (i = 0; i < 10000; i++) {
		unsigned int nr = 1 + (unsigned int)(i % 64);

		if (fix_msix(&f, NIC, nr)) {
			CHECK(0);
			break;
		}
		if (i & 1)
			fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0);
		else
			fix_op(&f, XEN_PCI_OP_disable_msi, NIC, 0, 0, 0);
		if (f.h->irqs_out) {
			CHECK_EQ(f.h->irqs_out, 0);
			break;
		}
	}
	CHECK_EQ(sim_allocs_out, allocs);
	CHECK_EQ(f.sd[0]->msix_enables, 10000);
	fix_fini(&f);
}

TEST(msi_alternate_10000_no_leak)
{
	struct fix f;
	int i;

	setup(&f);
	for (i = 0; i < 10000; i++) {
		if (fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0)) {
			CHECK(0);
			break;
		}
		fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0);
	}
	CHECK_EQ(f.h->irqs_out, 0);
	CHECK_EQ(f.sd[1]->msi_enables, 10000);
	fix_fini(&f);
}

TEST(msi_msix_mixed_sequence_never_both)
{
	static const u32 seq[] = { 2, 4, 3, 4, 2, 5, 2, 3, 4, 4, 5, 5, 3, 3, 2, 2 };
	struct fix f;
	unsigned int i, k;

	setup(&f);
	for (k = 0; k < 200; k++) {
		for (i = 0; i < ARRAY_SIZE(seq); i++) {
			if (seq[(i + k) % ARRAY_SIZE(seq)] == 4)
				fix_msix(&f, NIC, 1 + k % 8);
			else
				fix_op(&f, seq[(i + k) % ARRAY_SIZE(seq)], NIC, 0, 0, 0);
			CHECK(!(f.sd[0]->msi_on && f.sd[0]->msix_on));
			CHECK_EQ(f.d[0]->msi_enabled, f.sd[0]->msi_on);
			CHECK_EQ(f.d[0]->msix_enabled, f.sd[0]->msix_on);
			CHECK_EQ(f.h->irqs_out, (f.sd[0]->msi_on ? 1 : 0) +
						 (long)f.sd[0]->msix_nr);
		}
	}
	fix_fini(&f);
}

/* ---- INTx helper "ack" follows MSI enable/disable ---- */

TEST(msi_ack_follows_mode)
{
	struct fix f;

	setup(&f);
	f.d[1]->ack = true;
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, AHCI, 0, 0, 0), 0);
	CHECK(!f.d[1]->ack);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0), 0);
	CHECK(f.d[1]->ack);
	f.d[1]->ack = false;
	/* disabling what was not enabled does not turn ack on */
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, AHCI, 0, 0, 0), 0);
	CHECK(!f.d[1]->ack);
	fix_fini(&f);
}

TEST(msix_ack_follows_mode)
{
	struct fix f;

	setup(&f);
	f.d[0]->ack = true;
	CHECK_EQ(fix_msix(&f, NIC, 2), 0);
	CHECK(!f.d[0]->ack);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
	CHECK(f.d[0]->ack);
	fix_fini(&f);
}
