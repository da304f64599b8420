// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The shared-INTx helper (PROTOCOL.md §12.1) as the host sees it: the
 * handler's claims and its "line not shared" check, the administrator's
 * irq_handler_state toggle and irq_handlers line (§9), and the per-guest
 * event counters shown next to each device's counters.
 */
#include <string.h>
#include "fix.h"

#define NIC	0x00

/* How often the host was asked to install (on) or remove (off) the helper. */
static unsigned int trace_count(const struct sim_host *h, const char *what)
{
	const char *p = h->trace;
	unsigned int n = 0;

	while ((p = strstr(p, what)) != NULL) {
		n++;
		p += strlen(what);
	}
	return n;
}

/* A guest that enabled decoding of an INTx-only view of the function. */
static struct pcibk_dev *setup(struct fix *f)
{
	struct pcibk_dev *d;

	fix_init(f, false);
	d = fix_add(f, fix_msi_only(f->h, 3, 0), true);
	CHECK_EQ(fix_enable(f, NIC), 0);
	CHECK(f->sd[0]->helper_on);
	CHECK(d->isr_on && d->ack && d->intx_installed);
	return d;
}

static unsigned int fire(struct pcibk_dev *d, unsigned int n)
{
	unsigned int claimed = 0;

	while (n--)
		claimed += pcibk_dev_intx_irq(d);
	return claimed;
}

TEST(intx_irq_claimed_and_counted)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);

	f.sd[0]->line_shared = true;
	CHECK_EQ(fire(d, 5), 5);
	CHECK_EQ(d->intx_handled, 5);
	CHECK_EQ(f.sd[0]->exclusive_queries, 0);
	fix_fini(&f);
}

TEST(intx_irq_not_claimed_without_helper)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	CHECK(!pcibk_dev_intx_irq(d));
	CHECK_EQ(d->intx_handled, 0);
	/* decoding on, then off again: nothing claimed afterwards */
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_write, NIC, 0x04, 2, 0), 0);
	CHECK(!f.sd[0]->helper_on);
	CHECK(!pcibk_dev_intx_irq(d));
	CHECK_EQ(d->intx_handled, 0);
	fix_fini(&f);
}

/* MSI on: the helper stays on its irq but claims nothing; MSI off: claims. */
TEST(intx_irq_follows_msi_mode)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);

	f.sd[0]->line_shared = true;
	sim_trace_clear(f.h);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 0), 0);
	CHECK(f.sd[0]->helper_on);
	CHECK(d->isr_on && !d->ack);
	CHECK(!pcibk_dev_intx_irq(d));
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msi, NIC, 0, 0, 0), 0);
	CHECK(d->ack);
	CHECK(pcibk_dev_intx_irq(d));
	CHECK_EQ(d->intx_handled, 1);
	/* the host was neither asked to remove nor to add it again */
	CHECK_EQ(trace_count(f.h, "helper_"), 0);
	fix_fini(&f);
}

/* Decoding turned on with MSI on installs nothing; turned off, nothing to free. */
TEST(intx_not_installed_with_msi_on)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 0), 0);
	sim_trace_clear(f.h);
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK(d->intx_wanted);
	CHECK(!d->intx_installed && !d->isr_on);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_write, NIC, 0x04, 2, 0), 0);
	CHECK_EQ(trace_count(f.h, "helper_"), 0);
	fix_fini(&f);
}

TEST(intx_not_for_bridges)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	d->info.hdr_type = 1;
	d->intx_wanted = true;
	pcibk_dev_intx_update(d);
	CHECK(!f.sd[0]->helper_on);
	CHECK(!d->isr_on);
	d->info.hdr_type = 0;
	fix_fini(&f);
}

/* A line nobody else uses: ack goes off at the 1000th claim, not before. */
TEST(intx_unshared_line_stops_acking)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);
	unsigned long lines;

	f.sd[0]->line_shared = false;
	CHECK_EQ(fire(d, PCIBK_INTX_CHECK_EVERY - 1), PCIBK_INTX_CHECK_EVERY - 1);
	CHECK_EQ(f.sd[0]->exclusive_queries, 0);
	CHECK(d->ack);
	lines = sim_log_lines;
	CHECK(pcibk_dev_intx_irq(d));		/* the 1000th is still claimed */
	CHECK_EQ(f.sd[0]->exclusive_queries, 1);
	CHECK(!d->ack);
	CHECK(d->isr_on);
	CHECK_EQ(sim_log_lines, lines + 1);
	CHECK(strstr(sim_log_last, "IRQ line is not shared") != NULL);
	CHECK(strstr(sim_log_last, "0000:03:00.0") != NULL);
	CHECK(!pcibk_dev_intx_irq(d));
	CHECK_EQ(d->intx_handled, PCIBK_INTX_CHECK_EVERY);
	/* still installed: removed only when decoding goes off or at detach */
	CHECK(f.sd[0]->helper_on);
	fix_fini(&f);
}

TEST(intx_shared_line_keeps_acking)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);

	f.sd[0]->line_shared = true;
	CHECK_EQ(fire(d, 3 * PCIBK_INTX_CHECK_EVERY + 1),
		 3 * PCIBK_INTX_CHECK_EVERY + 1);
	CHECK_EQ(f.sd[0]->exclusive_queries, 3);
	CHECK(d->ack);
	fix_fini(&f);
}

/* A host without the query (or a kernel that cannot ask) keeps acking. */
TEST(intx_no_query_op_keeps_acking)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);
	struct pcibk_host_ops ops = *d->ops;
	const struct pcibk_host_ops *saved = d->ops;

	ops.intx_exclusive = NULL;
	d->ops = &ops;
	CHECK_EQ(fire(d, 2 * PCIBK_INTX_CHECK_EVERY), 2 * PCIBK_INTX_CHECK_EVERY);
	CHECK(d->ack);
	d->ops = saved;
	fix_fini(&f);
}

/* irq_handler_state: flips isr_on, on sets ack, never asks the host. */
TEST(intx_toggle)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);

	f.sd[0]->line_shared = true;
	sim_trace_clear(f.h);
	pcibk_dev_intx_toggle(d);
	CHECK(!d->isr_on);
	CHECK(!pcibk_dev_intx_irq(d));
	CHECK(f.sd[0]->helper_on);
	d->ack = false;
	pcibk_dev_intx_toggle(d);
	CHECK(d->isr_on && d->ack);
	CHECK(pcibk_dev_intx_irq(d));
	/* off does not touch ack */
	pcibk_dev_intx_toggle(d);
	CHECK(d->ack);
	CHECK_EQ(trace_count(f.h, "helper_"), 0);
	fix_fini(&f);
}

/* Toggled off, the helper the host holds is still freed exactly once. */
TEST(intx_toggled_off_still_freed)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);

	pcibk_dev_intx_toggle(d);
	sim_trace_clear(f.h);
	CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_write, NIC, 0x04, 2, 0), 0);
	CHECK(!f.sd[0]->helper_on);
	CHECK_EQ(trace_count(f.h, "helper_off"), 1);
	CHECK(!d->intx_installed && !d->isr_on && !d->ack);
	/* and decoding on again installs it again, once */
	CHECK_EQ(fix_enable(&f, NIC), 0);
	CHECK_EQ(trace_count(f.h, "helper_on"), 1);
	CHECK(d->isr_on && d->ack);
	/* toggled off while installed, then detach: freed once */
	pcibk_dev_intx_toggle(d);
	sim_trace_clear(f.h);
	fix_release(&f, d);
	CHECK_EQ(trace_count(f.h, "helper_off"), 1);
	CHECK(!f.sd[0]->helper_on);
	fix_fini(&f);
}

/* Toggled on without an installed helper: nothing is freed that was not held. */
TEST(intx_toggled_on_never_freed)
{
	struct fix f;
	struct pcibk_dev *d;

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	pcibk_dev_intx_toggle(d);
	CHECK(d->isr_on && d->ack);
	CHECK(!d->intx_installed);
	/* the handler is not registered; if it were, it would claim */
	sim_trace_clear(f.h);
	fix_release(&f, d);
	CHECK_EQ(trace_count(f.h, "helper_"), 0);
	CHECK(!d->isr_on && !d->ack);
	fix_fini(&f);
}

TEST(intx_show_line)
{
	struct fix f;
	struct pcibk_dev *d;
	char buf[128];

	fix_init(&f, false);
	d = fix_add(&f, fix_msi_only(f.h, 3, 0), true);
	CHECK_EQ(pcibk_dev_intx_show(d, buf, sizeof(buf)),
		 (int)strlen("0000:03:00.0:off:not acking:0\n"));
	CHECK(strcmp(buf, "0000:03:00.0:off:not acking:0\n") == 0);
	f.sd[0]->line_shared = true;
	CHECK_EQ(fix_enable(&f, NIC), 0);
	fire(d, 1234);
	pcibk_dev_intx_show(d, buf, sizeof(buf));
	CHECK(strcmp(buf, "0000:03:00.0:on:acking:1234\n") == 0);
	/* truncated like scnprintf */
	memset(buf, 'x', sizeof(buf));
	CHECK_EQ(pcibk_dev_intx_show(d, buf, 10), 9);
	CHECK_EQ(buf[9], 0);
	CHECK_EQ(buf[10], 'x');
	CHECK_EQ(pcibk_dev_intx_show(d, buf, 0), 0);
	fix_fini(&f);
}

/* The INTx helper's state also appears among the device's counters. */
TEST(intx_in_stats)
{
	struct fix f;
	struct pcibk_dev *d = setup(&f);
	char buf[2048];

	f.sd[0]->line_shared = true;
	fire(d, 7);
	pcibk_dev_stats_show(d, buf, sizeof(buf));
	CHECK(strstr(buf, "\nmode intx\n") != NULL);
	CHECK(strstr(buf, "\nintx_helper 1\n") != NULL);
	CHECK(strstr(buf, "\nintx_ack 1\n") != NULL);
	CHECK(strstr(buf, "\nintx_handled 7\n") != NULL);
	fix_fini(&f);
}

TEST(ring_stats_show_lines)
{
	struct pcibk_ring_stats s = {
		.events = 10, .spurious = 3, .ops = 7, .eoi = 7,	/* + 3 spurious */
		.double_events = 1, .requeues = 2, .fast = 4,
	};
	char buf[512];
	int n;

	n = pcibk_ring_stats_show(&s, buf, sizeof(buf));
	CHECK(strcmp(buf, "ring_events 10\nring_spurious 3\nring_ops 7\n"
		     "ring_eoi 10\nring_double_events 1\nring_requeues 2\n"
		     "ring_fast 4\n") == 0);
	CHECK_EQ(n, (int)strlen(buf));
	pcibk_ring_stats_show(NULL, buf, sizeof(buf));
	CHECK(strstr(buf, "ring_spurious 0\n") != NULL);
	memset(buf, 'x', sizeof(buf));
	n = pcibk_ring_stats_show(&s, buf, 20);
	CHECK(n <= 19);
	CHECK_EQ(buf[n], 0);
	CHECK_EQ(buf[20], 'x');
	CHECK_EQ(pcibk_ring_stats_show(&s, buf, 0), 0);
}
