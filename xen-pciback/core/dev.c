// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Per-device state: creation at seize time, quiesce and detach (§11).
 */
#include <pcibk/core.h>
#include <pcibk/cfg.h>
#include "regs.h"

/* Enough hops for any legal list (48 dwords of 256 bytes); stops loops. */
#define PCIBK_CAP_HOPS		48

u8 pcibk_dev_find_cap(struct pcibk_dev *d, u8 id)
{
	u32 status, pos, hdr;
	int hops;

	if (d->ops->cfg_read(d->hdev, PCI_STATUS, 2, &status) ||
	    !(status & PCI_STATUS_CAP_LIST))
		return 0;
	if (d->ops->cfg_read(d->hdev, PCI_CAPABILITY_LIST, 1, &pos))
		return 0;
	for (hops = 0; hops < PCIBK_CAP_HOPS; hops++) {
		pos &= 0xfc;
		if (pos < 0x40)
			return 0;
		if (d->ops->cfg_read(d->hdev, pos, 2, &hdr))
			return 0;
		if ((hdr & 0xff) == 0xff)
			return 0;
		if ((hdr & 0xff) == id)
			return (u8)pos;
		pos = (hdr >> 8) & 0xff;
	}
	return 0;
}

int pcibk_dev_create(const struct pcibk_host_ops *ops, void *hdev,
		     struct pcibk_dev **out)
{
	struct pcibk_dev *d;
	int rc;

	d = pcibk_zalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	d->ops = ops;
	d->hdev = hdev;
	rc = ops->get_info(hdev, &d->info);
	if (rc)
		goto err_free;
	pcibk_snprintf(d->name, sizeof(d->name), "%04x:%02x:%02x.%d",
		       d->info.seg, d->info.bus, d->info.devfn >> 3,
		       d->info.devfn & 7);
	if (d->info.hdr_type > 1) {
		pcibk_err("%s: can't export pci devices that don't have a normal (0) or bridge (1) header type!\n",
			  d->name);
		rc = -ENODEV;
		goto err_free;
	}
	if (d->info.cfg_size != 256 && d->info.cfg_size != 4096) {
		rc = -EINVAL;
		goto err_free;
	}
	d->msi_cap = pcibk_dev_find_cap(d, 0x05);
	d->msix_cap = pcibk_dev_find_cap(d, 0x11);
	d->pm_cap = pcibk_dev_find_cap(d, 0x01);
	d->vpd_cap = pcibk_dev_find_cap(d, 0x03);
	rc = pcibk_cfg_init(d);
	if (rc)
		goto err_free;
	*out = d;
	return 0;

err_free:
	pcibk_free(d);
	return rc;
}

void pcibk_dev_destroy(struct pcibk_dev *d)
{
	if (!d)
		return;
	pcibk_cfg_free(d);
	pcibk_free(d);
}

bool pcibk_backoff_try(struct pcibk_backoff *b, int *err)
{
	unsigned int shift;

	if (b->fails <= 1)
		return true;
	shift = b->fails - 1u;
	if (shift > PCIBK_BACKOFF_MAX_SHIFT)
		shift = PCIBK_BACKOFF_MAX_SHIFT;
	if (b->skipped + 1u >= (1u << shift)) {
		b->skipped = 0;
		return true;
	}
	b->skipped++;
	*err = b->err;
	return false;
}

void pcibk_backoff_done(struct pcibk_backoff *b, int rc)
{
	if (!rc) {
		memset(b, 0, sizeof(*b));
		return;
	}
	if (b->fails < PCIBK_BACKOFF_MAX_SHIFT + 1)
		b->fails++;
	b->skipped = 0;
	b->err = rc;
}

void pcibk_dev_intx_update(struct pcibk_dev *d)
{
	int rc;

	if (!d->ops->intx_helper)
		return;
	if (d->intx_wanted) {
		/*
		 * Keyed on what the host holds, not on isr_on, which the
		 * administrator may have toggled (irq_handler_state).
		 */
		if (d->intx_installed)
			return;
		/* Never installed while MSI or MSI-X is on (§12.1). */
		if (d->info.hdr_type || !d->info.irq || d->msi_enabled ||
		    d->msix_enabled)
			return;
		if (!pcibk_backoff_try(&d->intx_backoff, &rc))
			return;
		rc = d->ops->intx_helper(d->hdev, true);
		pcibk_backoff_done(&d->intx_backoff, rc);
		if (rc)
			return;
		d->intx_installed = true;
		d->isr_on = true;
		d->ack = true;
	} else if (d->intx_installed || d->isr_on) {
		if (d->intx_installed)
			d->ops->intx_helper(d->hdev, false);
		d->intx_installed = false;
		d->isr_on = false;
		d->ack = false;
	}
}

bool pcibk_dev_intx_irq(struct pcibk_dev *d)
{
	if (!d->isr_on || !d->ack)
		return false;
	d->intx_handled++;
	/*
	 * Once in a while, ask whether anybody else is on the line: if the
	 * passed-through function has it to itself, claiming its interrupts
	 * in dom0 only hides a storm from the kernel's "nobody cared".
	 */
	if (!(d->intx_handled % PCIBK_INTX_CHECK_EVERY) &&
	    d->ops->intx_exclusive && d->ops->intx_exclusive(d->hdev)) {
		pcibk_info_rl("xen-pciback[%s] IRQ line is not shared with other domains. Turning ISR off\n",
			      d->name);
		d->ack = false;
	}
	return true;
}

void pcibk_dev_intx_toggle(struct pcibk_dev *d)
{
	/* §9: the irq itself is neither requested nor freed here. */
	d->isr_on = !d->isr_on;
	if (d->isr_on)
		d->ack = true;
}

/*
 * Clear an interrupt mode's enable bit in hardware: cap's flags word
 * (cap + 2), one bit. Only after the teardown, when dom0 holds no vector
 * of the function, so the PCI core's view stays true.
 */
static void cap_flag_off(struct pcibk_dev *d, u8 cap, u32 bit)
{
	u32 flags;

	if (!cap || d->ops->cfg_read(d->hdev, cap + 2u, 2, &flags) ||
	    !(flags & bit))
		return;
	d->ops->cfg_write(d->hdev, cap + 2u, 2, flags & ~bit);
}

void pcibk_dev_quiesce(struct pcibk_dev *d)
{
	u32 cmd;

	/* The helper must be gone before MSI teardown turns INTx back on. */
	d->intx_wanted = false;
	pcibk_dev_intx_update(d);
	/*
	 * Whatever this backend enabled for a guest is released for every
	 * header type: a bridge passed through (passthrough topology) can
	 * have MSI on too, and its vectors must not outlive the guest.
	 */
	pcibk_msix_teardown(d);
	pcibk_msi_teardown(d);
	/*
	 * What is still enabled now is not dom0's: an HVM guest's device
	 * model turns MSI and MSI-X on through the config space, past this
	 * backend, and a reset that is missing or does nothing (QEMU's
	 * e1000e after its HVM guest died) leaves them on. The next owner
	 * must find them off, and enable_msi refuses while MSI-X is on.
	 */
	cap_flag_off(d, d->msix_cap, PCI_MSIX_FLAGS_ENABLE);
	cap_flag_off(d, d->msi_cap, PCI_MSI_FLAGS_ENABLE);
	if (d->info.hdr_type == 0) {
		if (d->ops->is_enabled(d->hdev))
			d->ops->disable_device(d->hdev);
		d->ops->set_master(d->hdev, false);
	} else if (!d->ops->cfg_read(d->hdev, PCI_COMMAND, 2, &cmd) &&
		   (cmd & PCI_COMMAND_INVALIDATE)) {
		/* Only this one bit: never write COMMAND = 0 (CVE-2015-8553). */
		d->ops->cfg_write(d->hdev, PCI_COMMAND, 2,
				  cmd & ~PCI_COMMAND_INVALIDATE);
		d->ops->set_master(d->hdev, false);
	}
}

/*
 * The MSI-X table lives in a BAR: Xen masks and releases the vectors
 * through it, which needs memory decoding. The reset cleared COMMAND and
 * a failed golden restore did not bring it back.
 */
static void msix_decoding_on(struct pcibk_dev *d)
{
	u32 cmd;

	if (!d->msix_enabled ||
	    d->ops->cfg_read(d->hdev, PCI_COMMAND, 2, &cmd) ||
	    (cmd & PCI_COMMAND_MEMORY))
		return;
	d->ops->cfg_write(d->hdev, PCI_COMMAND, 2, cmd | PCI_COMMAND_MEMORY);
}

void pcibk_dev_detach(struct pcibk_dev *d)
{
	int rc;

	/*
	 * Reset first: a function that still does DMA or raises a level
	 * interrupt must stop before MSI teardown re-enables INTx. Then the
	 * golden state brings memory decoding back before anything touches
	 * the MSI-X table.
	 */
	d->ops->reset(d->hdev);
	rc = d->ops->restore_golden(d->hdev);
	if (rc)
		pcibk_warn_rl("%s: golden state not restored: %d\n", d->name, rc);
	msix_decoding_on(d);
	pcibk_dev_quiesce(d);
	pcibk_cfg_reset(d);
	d->allow_intctl = false;
	d->irq_enable_failed = false;
	memset(&d->irq_backoff, 0, sizeof(d->irq_backoff));
	memset(&d->enable_backoff, 0, sizeof(d->enable_backoff));
	memset(&d->intx_backoff, 0, sizeof(d->intx_backoff));
	d->ops->unregister_owner(d->hdev);
	d->guest = NULL;
}

int pcibk_dev_reset_idle(struct pcibk_dev *d, bool strict)
{
	int rc = d->ops->reset(d->hdev);

	/* The host already logged why. */
	if (rc && rc != -ENOTTY && strict)
		return -EIO;
	d->ops->restore_golden(d->hdev);
	pcibk_dev_quiesce(d);
	pcibk_cfg_reset(d);
	return rc && rc != -ENOTTY ? -EIO : rc;
}
