// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * MSI and MSI-X requests (PROTOCOL.md §4.1, §4.2: the XSA-157 rules).
 *
 * The state bits here change only after the host call they describe has
 * succeeded, so a failed request leaves the device as it was: nothing
 * enabled that the core does not know about, no vector left mapped.
 */
#include <pcibk/core.h>
#include "regs.h"

/*
 * The other mode's ENABLE bit in hardware. With allow_interrupt_control a
 * guest (a stub domain's QEMU) sets these bits by config writes, which our
 * MSI state does not see; enabling the other mode then would leave MSI
 * and MSI-X both on. A failed read counts as "enabled": refuse rather
 * than guess.
 */
static bool hw_enabled(struct pcibk_dev *d, u8 cap, u32 bit)
{
	u32 flags = 0;

	return cap && (d->ops->cfg_read(d->hdev, cap + 2u, 2, &flags) ||
		       (flags & bit));
}

/*
 * Whether the guest has room for nr more pirqs (pirq.c): an enable that
 * cannot fit is refused before the host's PCI core is asked, because a
 * mapping that runs out after the first vector takes the dom0 kernel
 * into a double teardown.
 */
static bool pirqs_fit(struct pcibk_dev *d, unsigned int nr)
{
	const struct pcibk_guest *g = d->guest;
	unsigned int held;

	if (!g)
		return true;
	held = pcibk_guest_pirqs_held(g);
	if (held <= g->pirq_budget && nr <= g->pirq_budget - held)
		return true;
	pcibk_warn_rl("%s: %u vectors refused: dom%u holds %u of its %u MSI pirqs (Xen's extra_guest_irqs)\n",
		      d->name, nr, g->domid, held, g->pirq_budget);
	return false;
}

/*
 * After an enable failed in the host, another one would fail the same
 * way and log in dom0's kernel again: refuse until a disable or detach.
 */
static bool enable_gated(struct pcibk_dev *d, const char *what)
{
	if (!d->irq_enable_failed)
		return false;
	pcibk_warn_rl("%s: %s refused: the previous enable failed; disable first\n",
		      d->name, what);
	return true;
}

static u32 legacy_pirq(struct pcibk_dev *d)
{
	int pirq;

	if (!d->info.irq)
		return 0;
	pirq = d->ops->irq_to_pirq(d->hdev, d->info.irq);
	return pirq > 0 ? (u32)pirq : 0;
}

void pcibk_msi_teardown(struct pcibk_dev *d)
{
	if (!d->msi_enabled)
		return;
	d->ops->disable_msi(d->hdev);
	d->msi_enabled = false;
}

void pcibk_msix_teardown(struct pcibk_dev *d)
{
	if (!d->msix_enabled)
		return;
	d->ops->disable_msix(d->hdev);
	d->msix_enabled = false;
	d->msix_nr = 0;
}

void pcibk_msi_enable(struct pcibk_dev *d, struct pcibk_reply *rep)
{
	int irq = 0, pirq = 0, rc;

	rep->value = 0;
	/* enable_msi reports every failure as -5; the errno is not forwarded. */
	rep->err = XEN_PCI_ERR_op_failed;
	if (d->msi_enabled || d->msix_enabled ||
	    hw_enabled(d, d->msix_cap, PCI_MSIX_FLAGS_ENABLE)) {
		pcibk_warn_rl("%s: enable_msi refused: %s already enabled\n",
			      d->name, d->msi_enabled ? "MSI" : "MSI-X");
		return;
	}
	if (enable_gated(d, "enable_msi") || !pirqs_fit(d, 1) ||
	    !pcibk_backoff_try(&d->irq_backoff, &rc))
		return;
	rc = d->ops->enable_msi(d->hdev, &irq, &pirq);
	pcibk_backoff_done(&d->irq_backoff, rc);
	if (rc) {
		d->irq_enable_failed = true;
		pcibk_warn_rl("%s: enable_msi failed: %d\n", d->name, rc);
		return;
	}
	/*
	 * A guest cannot use pirq 0 ("MSI entry is invalid"): rather than
	 * leave MSI on behind a useless answer, turn it off again.
	 */
	if (pirq <= 0) {
		d->ops->disable_msi(d->hdev);
		pcibk_warn_rl("%s: enable_msi: irq %d has no pirq\n", d->name, irq);
		return;
	}
	d->msi_enabled = true;
	d->ack = false;
	rep->err = 0;
	rep->value = (u32)pirq;
}

void pcibk_msix_disable(struct pcibk_dev *d, struct pcibk_reply *rep)
{
	d->irq_enable_failed = false;
	if (d->msix_enabled) {
		pcibk_msix_teardown(d);
		d->ack = true;
	}
	rep->err = 0;
	rep->value = legacy_pirq(d);
}

void pcibk_msi_disable(struct pcibk_dev *d, struct pcibk_reply *rep)
{
	d->irq_enable_failed = false;
	if (d->msi_enabled) {
		pcibk_msi_teardown(d);
		d->ack = true;
	} else if (d->msix_enabled) {
		/*
		 * [COMPAT] A Linux 6.1 guest tears MSI-X down with this command
		 * (its PCI core clears the MSI-X flag before the Xen teardown
		 * runs). Serving it as disable_msix releases the vectors, so the
		 * guest's next enable_msix can succeed; the XSA-157 rules on
		 * enable stay as they are.
		 */
		pcibk_dbg("%s: disable_msi with MSI-X on: disabling MSI-X\n",
			  d->name);
		pcibk_msix_teardown(d);
		d->ack = true;
	}
	rep->err = 0;
	rep->value = legacy_pirq(d);
}

void pcibk_msix_enable(struct pcibk_guest *g, struct pcibk_dev *d,
		       const void *sh, u32 nr, struct pcibk_reply *rep)
{
	struct pcibk_msix_vec *vecs = g->vecs;
	u32 flags = 0;
	u16 pf_cmd = 0;
	unsigned int i;
	bool msi_on;
	int rc;

	/* On a check failure value is echoed: the caller preset it. */
	if (nr > SH_INFO_MAX_VEC || nr == 0) {
		rep->err = -EINVAL;
		return;
	}
	if (d->msix_enabled) {
		pcibk_warn_rl("%s: enable_msix refused: MSI-X already enabled\n",
			      d->name);
		rep->err = -EALREADY;
		return;
	}
	/*
	 * The MSI-X table lives in a BAR of the physical function: with its
	 * memory decoding off, table accesses become Unsupported Requests
	 * (XSA-157/CVE-2015-8553).
	 */
	msi_on = d->msi_enabled || hw_enabled(d, d->msi_cap, PCI_MSI_FLAGS_ENABLE);
	if (msi_on || d->ops->pf_command(d->hdev, &pf_cmd) ||
	    !(pf_cmd & PCI_COMMAND_MEMORY)) {
		pcibk_warn_rl("%s: enable_msix refused: %s\n", d->name,
			      msi_on ? "MSI enabled" : "memory decoding off");
		rep->err = -ENXIO;
		return;
	}
	if (enable_gated(d, "enable_msix")) {
		rep->err = -EBUSY;
		return;
	}
	/* What the PCI core would answer, without asking it. */
	if (d->msix_cap &&
	    !d->ops->cfg_read(d->hdev, d->msix_cap + 2u, 2, &flags) &&
	    nr > (flags & PCI_MSIX_FLAGS_QSIZE) + 1) {
		pcibk_warn_rl("%s: enable_msix(%u) refused: the table has %u entries\n",
			      d->name, nr, (flags & PCI_MSIX_FLAGS_QSIZE) + 1);
		goto nospc;
	}
	if (!pirqs_fit(d, nr))
		goto nospc;
	if (!pcibk_backoff_try(&d->irq_backoff, &rc)) {
		rep->err = rc;
		rep->value = (u32)rc;
		return;
	}

	/* The entries are read here, once, and only the first nr of them. */
	for (i = 0; i < nr; i++) {
		vecs[i].entry = pcibk_sh_read16(sh, PCIBK_SH_ENTRY(i));
		vecs[i].irq = 0;
		vecs[i].pirq = 0;
	}
	pcibk_barrier();

	rc = d->ops->enable_msix(d->hdev, vecs, nr);
	pcibk_backoff_done(&d->irq_backoff, rc);
	if (rc) {
		d->irq_enable_failed = true;
		if (rc == -ENOSPC && g->pirq_budget > pcibk_guest_pirqs_held(g)) {
			/*
			 * Xen ran out of the guest's pirqs before our count
			 * did: the guest spent some itself (a PV guest may
			 * allocate its own). Count what it holds as all it
			 * has, so that this cannot happen again.
			 */
			g->pirq_budget = pcibk_guest_pirqs_held(g);
			pcibk_warn_rl("%s: dom%u has fewer pirqs than counted; its budget is now %u\n",
				      d->name, g->domid, g->pirq_budget);
		}
		pcibk_warn_rl("%s: enable_msix(%u) failed: %d\n", d->name, nr, rc);
		rep->err = rc;
		rep->value = (u32)rc;
		return;
	}
	for (i = 0; i < nr; i++) {
		/* The wire has 16 bits per vector; never truncate (S5). */
		if (vecs[i].pirq <= 0 || vecs[i].pirq > 0xffff) {
			d->ops->disable_msix(d->hdev);
			pcibk_warn_rl("%s: enable_msix: pirq %d of entry %u does not fit\n",
				      d->name, vecs[i].pirq, vecs[i].entry);
			rep->err = -ERANGE;
			rep->value = (u32)-ERANGE;
			return;
		}
		rep->vec[i] = (u16)vecs[i].pirq;
	}
	d->msix_enabled = true;
	d->msix_nr = nr;
	d->ack = false;
	rep->nr_vec = nr;
	rep->err = 0;
	rep->value = 0;
	return;

nospc:
	/* The answer the PCI core would have given, without asking it. */
	rep->err = -ENOSPC;
	rep->value = (u32)-ENOSPC;
}
