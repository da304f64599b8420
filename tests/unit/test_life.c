// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Device lifecycle in the core: seize-time facts, detach order (§11.3),
 * guest teardown with interrupts on, the INTx helper (§12.1).
 */
#include "fix.h"

#define NIC	0x00

TEST(life_create_finds_caps)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), false);
	CHECK_EQ(d->msi_cap, f.sd[0]->msi_cap);
	CHECK_EQ(d->msix_cap, f.sd[0]->msix_cap);
	CHECK_EQ(d->pm_cap, f.sd[0]->pm_cap);
	CHECK_EQ(d->vpd_cap, 0);
	CHECK(strcmp(d->name, "0000:03:00.0") == 0);
	fix_fini(&f);
}

TEST(life_create_header_type_2_refused)
{
	struct sim_host *h = sim_host_new();
	struct sim_dev *sd = sim_dev_new(h, 0, 2, 0, 0x104c, 0xac56, 0x060700, 2, 256);
	struct pcibk_dev *d = NULL;
	long allocs = sim_allocs_out;

	CHECK_EQ(pcibk_dev_create(&sim_ops, sd, &d), -ENODEV);
	CHECK(d == NULL);
	CHECK_EQ(sim_allocs_out, allocs);
	sim_host_free(h);
}

TEST(life_create_get_info_failure)
{
	struct sim_host *h = sim_host_new();
	struct sim_dev *sd = fix_nic(h, 3, 0);
	struct pcibk_dev *d = NULL;
	long allocs = sim_allocs_out;

	sim_fail(h, SIM_GET_INFO, 1, -EIO);
	CHECK_EQ(pcibk_dev_create(&sim_ops, sd, &d), -EIO);
	CHECK_EQ(sim_allocs_out, allocs);
	sim_host_free(h);
}

/* A looping capability list must not hang the walk. */
TEST(life_cap_list_loop_terminates)
{
	struct sim_host *h = sim_host_new();
	struct sim_dev *sd = sim_dev_new(h, 0, 3, 0, 0x1234, 0x5678, 0x020000, 0, 256);
	struct pcibk_dev *d = NULL;

	sd->cfg[0x06] |= 0x10;
	sd->cfg[0x34] = 0x40;
	sd->cfg[0x40] = 0x09;
	sd->cfg[0x41] = 0x48;
	sd->cfg[0x48] = 0x09;
	sd->cfg[0x49] = 0x40;	/* back to 0x40 */
	CHECK_EQ(pcibk_dev_create(&sim_ops, sd, &d), 0);
	CHECK_EQ(d->msi_cap, 0);
	CHECK_EQ(pcibk_dev_find_cap(d, 0x11), 0);
	CHECK_EQ(pcibk_dev_find_cap(d, 0x09), 0x40);
	pcibk_dev_destroy(d);
	sim_host_free(h);
}

TEST(life_cap_pointer_into_header_ignored)
{
	struct sim_host *h = sim_host_new();
	struct sim_dev *sd = sim_dev_new(h, 0, 3, 0, 0x1234, 0x5678, 0x020000, 0, 256);
	struct pcibk_dev *d = NULL;

	sd->cfg[0x06] |= 0x10;
	sd->cfg[0x34] = 0x10;	/* points into the BARs */
	CHECK_EQ(pcibk_dev_create(&sim_ops, sd, &d), 0);
	CHECK_EQ(d->msi_cap, 0);
	CHECK_EQ(d->pm_cap, 0);
	pcibk_dev_destroy(d);
	sim_host_free(h);
}

/* §11.3 order: reset, golden restore, MSI-X/MSI off, disable, owner off. */
TEST(life_detach_order)
{
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK_EQ(fix_msix(&f, NIC, 4), 0);
	sim_trace_clear(f.h);
	fix_release(&f, f.d[0]);
	{
		const char *t = f.h->trace;
		const char *golden = strstr(t, "golden,");
		const char *helper = strstr(t, "helper_off,");
		const char *msix = strstr(t, "disable_msix,");
		const char *owner = strstr(t, "unregister_owner,");

		CHECK(strncmp(t, "reset,golden,", 13) == 0);
		CHECK(golden && helper && msix && owner);
		CHECK(golden < helper && helper < msix && msix < owner);
		if (!(golden && helper && msix && owner))
			printf("    trace: %s\n", t);
	}
	fix_fini(&f);
}

/* MSI-X teardown runs with memory decoding on (golden restore first). */
static void detach_msix_decoding(int golden_err)
{
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	/* golden copy with decoding on, as bind leaves a device */
	sim_hw_write(f.sd[0], 0x04, 2, 0x0006);
	sim_bind(f.sd[0]);
	CHECK_EQ(fix_msix(&f, NIC, 2), 0);
	if (golden_err)
		sim_fail(f.h, SIM_RESTORE_GOLDEN, 1, golden_err);
	fix_release(&f, f.d[0]);
	sim_fail_clear(f.h);
	/* COMMAND when the host tore MSI-X down, not after the release */
	CHECK(f.sd[0]->cmd_at_msix_disable >= 0);
	CHECK(f.sd[0]->cmd_at_msix_disable & 0x2);
	CHECK(!f.sd[0]->msix_on);
	CHECK_EQ(f.h->pirqs_out, 0);
	fix_fini(&f);
}

TEST(life_detach_msix_teardown_with_decoding)
{
	detach_msix_decoding(0);
}

/*
 * The reset zeroes COMMAND; when the golden restore then fails, decoding
 * must still be on before MSI-X is torn down (the table is in a BAR).
 */
TEST(life_detach_msix_teardown_golden_restore_fails)
{
	detach_msix_decoding(-EIO);
}

TEST(life_teardown_with_everything_on)
{
	struct fix f;
	int i;

	fix_init(&f, false);
	for (i = 0; i < 6; i++) {
		fix_add(&f, fix_nic(f.h, (u8)(3 + i), 0), true);
		CHECK_EQ(fix_enable(&f, (u32)i << 3), 0);
		if (i & 1)
			CHECK_EQ(fix_msix(&f, (u32)i << 3, (unsigned int)(i + 1) * 8), 0);
		else
			CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, (u32)i << 3, 0, 0, 0), 0);
	}
	CHECK(f.h->irqs_out > 0);
	/* fix_fini tears the guest down and checks nothing is left */
	fix_fini(&f);
}

TEST(life_detach_clears_allow_intctl_keeps_permissive)
{
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	f.d[0]->allow_intctl = true;
	f.d[0]->permissive = true;
	fix_release(&f, f.d[0]);
	CHECK(!f.d[0]->allow_intctl);
	CHECK(f.d[0]->permissive);
	fix_fini(&f);
}

TEST(life_detach_then_reexport_works)
{
	struct fix f;
	int i;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	for (i = 0; i < 50; i++) {
		CHECK_EQ(fix_enable(&f, NIC), 0);
		CHECK_EQ(fix_msix(&f, NIC, 16), 0);
		fix_release(&f, f.d[0]);
		CHECK_EQ(f.h->irqs_out, 0);
		CHECK_EQ(pcibk_guest_export(f.g, f.d[0]), 0);
	}
	fix_fini(&f);
}

/* Detach still cleans up when the reset or the golden restore fails. */
TEST(life_detach_survives_reset_failure)
{
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK_EQ(fix_msix(&f, NIC, 3), 0);
	sim_fail(f.h, SIM_RESET, 1, -ENOTTY);
	fix_release(&f, f.d[0]);
	CHECK(!f.sd[0]->msix_on);
	CHECK_EQ(f.sd[0]->owner, -1);
	sim_fail_clear(f.h);
	fix_fini(&f);
}

TEST(life_detach_survives_golden_failure)
{
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 0), 0);
	sim_fail(f.h, SIM_RESTORE_GOLDEN, 1, -ENOMEM);
	fix_release(&f, f.d[0]);
	CHECK(!f.sd[0]->msi_on);
	sim_fail_clear(f.h);
	fix_fini(&f);
}

/* Type-1 quiesce: only INVALIDATE and mastering, never COMMAND = 0. */
TEST(life_quiesce_bridge)
{
	struct fix f;
	struct sim_dev *br;
	struct pcibk_dev *d;

	fix_init(&f, true);
	br = sim_dev_new(f.h, 0, 0, 0x08, 0x8086, 0x244e, 0x060400, 1, 256);
	d = fix_add(&f, br, true);
	sim_hw_write(br, 0x04, 2, 0x0017);
	pcibk_dev_quiesce(d);
	CHECK_EQ(sim_hw_read(br, 0x04, 2), 0x0003);
	fix_fini(&f);
}

TEST(life_quiesce_endpoint)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), true);
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK_EQ(fix_msix(&f, NIC, 2), 0);
	pcibk_dev_quiesce(d);
	CHECK(!f.sd[0]->msix_on);
	CHECK_EQ(f.sd[0]->enable_cnt, 0);
	CHECK_EQ(sim_hw_read(f.sd[0], 0x04, 2) & 0x4, 0);
	fix_fini(&f);
}

/*
 * An HVM guest's device model turns MSI or MSI-X on through the config
 * space, past the backend and dom0's PCI core. When the reset does
 * nothing (no method), the release and do_flr still leave both off, and
 * dom0's PCI core was never asked.
 */
TEST(life_device_model_irq_modes_off)
{
	struct fix f;
	struct pcibk_dev *nic, *ahci;
	struct sim_dev *sn, *sa;
	u32 ctl;

	fix_init(&f, false);
	sn = fix_nic(f.h, 3, 0);
	nic = fix_add(&f, sn, true);
	sa = fix_msi_only(f.h, 4, 0);
	ahci = fix_add(&f, sa, false);
	CHECK_EQ(sim_hw_read(sn, sn->msix_cap + 2, 2) & 0x8000, 0);

	/* The guest dies with MSI-X on; the reset is a no-op. */
	ctl = sim_hw_read(sn, sn->msix_cap + 2, 2);
	sim_hw_write(sn, sn->msix_cap + 2, 2, ctl | 0x8000);
	sim_fail(f.h, SIM_RESET, 1, -ENOTTY);
	CHECK(fix_release(&f, nic));
	sim_fail_clear(f.h);
	CHECK_EQ(sim_hw_read(sn, sn->msix_cap + 2, 2), ctl);
	CHECK(!sn->msix_on);
	CHECK_EQ(sim_hw_read(sn, 0x04, 2) & 0x4, 0);

	/* do_flr on a function without a reset method, MSI left on. */
	ctl = sim_hw_read(sa, sa->msi_cap + 2, 2);
	sim_hw_write(sa, sa->msi_cap + 2, 2, ctl | 0x0001);
	sim_fail(f.h, SIM_RESET, 1, -ENOTTY);
	CHECK_EQ(pcibk_dev_reset_idle(ahci, true), -ENOTTY);
	sim_fail_clear(f.h);
	CHECK_EQ(sim_hw_read(sa, sa->msi_cap + 2, 2), ctl);
	CHECK(!sa->msi_on);
	fix_fini(&f);
}

/* ---- INTx helper (§12.1) ---- */

TEST(intx_helper_installed_when_wanted)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	d->intx_wanted = true;
	pcibk_dev_intx_update(d);
	CHECK(f.sd[0]->helper_on);
	CHECK(d->isr_on && d->ack);
	d->intx_wanted = false;
	pcibk_dev_intx_update(d);
	CHECK(!f.sd[0]->helper_on);
	CHECK(!d->isr_on && !d->ack);
	fix_fini(&f);
}

TEST(intx_helper_not_with_msi_on)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 0), 0);
	d->intx_wanted = true;
	pcibk_dev_intx_update(d);
	CHECK(!f.sd[0]->helper_on);
	/* enabling decoding with MSI on does not install it either */
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK(!f.sd[0]->helper_on);
	fix_fini(&f);
}

TEST(intx_helper_not_without_irq)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	d->info.irq = 0;
	d->intx_wanted = true;
	pcibk_dev_intx_update(d);
	CHECK(!f.sd[0]->helper_on);
	fix_fini(&f);
}

TEST(intx_helper_install_failure_kept_off)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	sim_fail(f.h, SIM_INTX_HELPER, 1, -EBUSY);
	d->intx_wanted = true;
	pcibk_dev_intx_update(d);
	CHECK(!d->isr_on);
	CHECK(!f.sd[0]->helper_on);
	sim_fail_clear(f.h);
	fix_fini(&f);
}

TEST(intx_helper_removed_at_detach)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	d->intx_wanted = true;
	pcibk_dev_intx_update(d);
	CHECK(f.sd[0]->helper_on);
	sim_trace_clear(f.h);
	fix_release(&f, d);
	CHECK(!f.sd[0]->helper_on);
	CHECK(!d->isr_on);
	/* removed before MSI teardown could re-enable INTx */
	CHECK(strstr(f.h->trace, "helper_off") != NULL);
	fix_fini(&f);
}

/* COMMAND MEMORY through the op engine turns "INTx wanted" and the helper on. */
TEST(intx_helper_follows_command_write)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK(d->intx_wanted);
	CHECK(f.sd[0]->helper_on);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_write, NIC, 0x04, 2, 0), 0);
	CHECK(!d->intx_wanted);
	CHECK(!f.sd[0]->helper_on);
	fix_fini(&f);
}

/* ---- counters as text ---- */

static bool has_line(const char *buf, const char *line)
{
	const char *p = strstr(buf, line);

	return p && (p == buf || p[-1] == '\n') && p[strlen(line)] == '\n';
}

TEST(stats_show_counts_and_mode)
{
	struct fix f;
	char buf[2048];
	u32 v;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	CHECK_EQ(fix_enable(&f, NIC), 0);
	fix_read(&f, NIC, 0, 4, &v);
	fix_read(&f, NIC, 1, 4, &v);
	CHECK_EQ(fix_msix(&f, NIC, 8), 0);
	fix_op(&f, 77, NIC, 0, 0, 0);
	CHECK(pcibk_dev_stats_show(f.d[0], buf, sizeof(buf)) > 0);
	CHECK(has_line(buf, "req_conf_read 2"));
	CHECK(has_line(buf, "req_conf_write 1"));
	CHECK(has_line(buf, "req_enable_msix 1"));
	CHECK(has_line(buf, "req_unknown 1"));
	CHECK(has_line(buf, "err_invalid_offset 1"));
	CHECK(has_line(buf, "err_not_implemented 1"));
	CHECK(has_line(buf, "mode msix"));
	CHECK(has_line(buf, "vectors 8"));
	CHECK(has_line(buf, "assigned 1"));
	CHECK(has_line(buf, "domid 5"));
	fix_fini(&f);
}

TEST(stats_show_truncates_safely)
{
	struct fix f;
	char buf[64];
	size_t n;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	memset(buf, 'x', sizeof(buf));
	n = (size_t)pcibk_dev_stats_show(f.d[0], buf, 40);
	CHECK(n <= 39);
	CHECK_EQ(buf[n], 0);
	CHECK_EQ(buf[40], 'x');
	CHECK_EQ(pcibk_dev_stats_show(f.d[0], buf, 0), 0);
	CHECK_EQ(pcibk_dev_stats_show(f.d[0], buf, 1), 0);
	CHECK_EQ(buf[0], 0);
	fix_fini(&f);
}

/*
 * The reset of an idle device (bind, do_flr, final release): reset, then
 * the golden state, quiesce and the virtual state; do_flr's strict form
 * changes nothing when the reset fails, the others go on all the same.
 */
TEST(life_reset_idle)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_nic(f.h, 3, 0), false);
	/* dom0 left it enabled and mastering, with a scratch value */
	sim_hw_write(f.sd[0], 0x04, 2, 0x0006);
	sim_hw_write(f.sd[0], 0x0c, 1, 0x10);
	sim_trace_clear(f.h);
	CHECK_EQ(pcibk_dev_reset_idle(d, true), 0);
	CHECK(strncmp(f.h->trace, "reset,golden,", 13) == 0);
	CHECK_EQ(f.sd[0]->resets, 1);
	CHECK_EQ(sim_hw_read(f.sd[0], 0x0c, 1), 0);	/* golden */
	CHECK(!(sim_hw_read(f.sd[0], 0x04, 2) & 0x4));	/* no bus master */

	/* No reset method: the golden state all the same, -ENOTTY. */
	sim_hw_write(f.sd[0], 0x0c, 1, 0x10);
	sim_fail(f.h, SIM_RESET, 1, -ENOTTY);
	CHECK_EQ(pcibk_dev_reset_idle(d, true), -ENOTTY);
	CHECK_EQ(sim_hw_read(f.sd[0], 0x0c, 1), 0);
	sim_fail_clear(f.h);

	/* A failed reset: strict leaves everything as it was... */
	sim_hw_write(f.sd[0], 0x0c, 1, 0x10);
	sim_trace_clear(f.h);
	sim_fail(f.h, SIM_RESET, 1, -EIO);
	CHECK_EQ(pcibk_dev_reset_idle(d, true), -EIO);
	CHECK(strcmp(f.h->trace, "reset,") == 0);
	CHECK_EQ(sim_hw_read(f.sd[0], 0x0c, 1), 0x10);
	sim_fail_clear(f.h);
	/* ...the others restore and quiesce anyway. */
	sim_fail(f.h, SIM_RESET, 1, -EIO);
	CHECK_EQ(pcibk_dev_reset_idle(d, false), -EIO);
	CHECK_EQ(sim_hw_read(f.sd[0], 0x0c, 1), 0);
	sim_fail_clear(f.h);
	fix_fini(&f);
}
