// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * struct pcibk_host_ops over the Linux PCI core and Xen: the only place
 * where the portable core touches real hardware. "hdev" is the struct
 * pci_dev; its driver data is the glue's struct pcibk_pdev.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <xen/events.h>
#include <xen/interface/physdev.h>
#include <asm/xen/hypercall.h>

#include "glue.h"

static int pcibk_host_get_info(void *hdev, struct pcibk_dev_info *info)
{
	struct pci_dev *pdev = hdev;

	info->seg = pci_domain_nr(pdev->bus);
	info->bus = pdev->bus->number;
	info->devfn = pdev->devfn;
	info->vendor = pdev->vendor;
	info->device = pdev->device;
	info->subvendor = pdev->subsystem_vendor;
	info->subdevice = pdev->subsystem_device;
	info->class = pdev->class;
	info->hdr_type = pdev->hdr_type & 0x7f;
	info->is_virtfn = pdev->is_virtfn;
	info->cfg_size = pdev->cfg_size;
	info->irq = pdev->is_virtfn ? 0 : pdev->irq;
	return 0;
}

static int pcibk_host_get_res(void *hdev, struct pcibk_res res[PCIBK_NR_RES])
{
	struct pci_dev *pdev = hdev;
	int i;

	BUILD_BUG_ON(PCIBK_ROM_RES != PCI_ROM_RESOURCE);
	for (i = 0; i < PCIBK_NR_RES; i++) {
		const struct resource *r = &pdev->resource[i];
		u32 f = 0;

		res[i].start = r->start;
		res[i].size = r->flags ? resource_size(r) : 0;
		if (r->flags & IORESOURCE_IO)
			f |= PCIBK_RES_IO;
		if (r->flags & IORESOURCE_MEM)
			f |= PCIBK_RES_MEM;
		if (r->flags & IORESOURCE_MEM_64)
			f |= PCIBK_RES_MEM64;
		if (r->flags & IORESOURCE_PREFETCH)
			f |= PCIBK_RES_PREFETCH;
		if (r->flags & (IORESOURCE_UNSET | IORESOURCE_DISABLED |
				IORESOURCE_BUSY))
			f |= PCIBK_RES_UNUSABLE;
		res[i].flags = f;
	}
	return 0;
}

static int pcibk_host_cfg_read(void *hdev, unsigned int off,
			       unsigned int size, u32 *val)
{
	struct pci_dev *pdev = hdev;
	u16 w = 0;
	u8 b = 0;
	int rc;

	switch (size) {
	case 1:
		rc = pci_read_config_byte(pdev, off, &b);
		*val = b;
		return rc;
	case 2:
		rc = pci_read_config_word(pdev, off, &w);
		*val = w;
		return rc;
	case 4:
		return pci_read_config_dword(pdev, off, val);
	default:
		return PCIBIOS_BAD_REGISTER_NUMBER;
	}
}

static int pcibk_host_cfg_write(void *hdev, unsigned int off,
				unsigned int size, u32 val)
{
	struct pci_dev *pdev = hdev;

	switch (size) {
	case 1:
		return pci_write_config_byte(pdev, off, (u8)val);
	case 2:
		return pci_write_config_word(pdev, off, (u16)val);
	case 4:
		return pci_write_config_dword(pdev, off, val);
	default:
		return PCIBIOS_BAD_REGISTER_NUMBER;
	}
}

static int pcibk_host_pf_command(void *hdev, u16 *cmd)
{
	struct pci_dev *pf = pci_physfn(hdev);

	return pcibios_err_to_errno(pci_read_config_word(pf, PCI_COMMAND,
							 cmd));
}

static int pcibk_host_enable_device(void *hdev)
{
	return pci_enable_device(hdev);
}

static void pcibk_host_disable_device(void *hdev)
{
	pci_disable_device(hdev);
}

static bool pcibk_host_is_enabled(void *hdev)
{
	return pci_is_enabled(hdev);
}

static void pcibk_host_set_master(void *hdev, bool on)
{
	if (on)
		pci_set_master(hdev);
	else
		pci_clear_master(hdev);
}

static int pcibk_host_set_mwi(void *hdev)
{
	return pci_set_mwi(hdev);
}

static void pcibk_host_clear_mwi(void *hdev)
{
	pci_clear_mwi(hdev);
}

static void pcibk_host_intx(void *hdev, bool enable)
{
	pci_intx(hdev, enable);
}

static int pcibk_host_irq_to_pirq(void *hdev, int irq)
{
	int pirq;

	if (irq <= 0)
		return 0;
	pirq = xen_pirq_from_irq(irq);
	return pirq > 0 ? pirq : 0;
}

#ifdef CONFIG_PCI_MSI
static int pcibk_host_enable_msi(void *hdev, int *irq, int *pirq)
{
	struct pci_dev *pdev = hdev;
	int rc;

	rc = pci_enable_msi(pdev);
	if (rc)
		return rc;
	*irq = pdev->irq;
	*pirq = pcibk_host_irq_to_pirq(hdev, pdev->irq);
	return 0;
}

static void pcibk_host_disable_msi(void *hdev)
{
	pci_disable_msi(hdev);
}

static int pcibk_host_enable_msix(void *hdev, struct pcibk_msix_vec *vecs,
				  unsigned int nr)
{
	struct pci_dev *pdev = hdev;
	struct pcibk_pdev *pd = pci_get_drvdata(pdev);
	struct msix_entry *ents = pd ? pd->msix_ents : NULL;
	unsigned int i;
	int rc;

	/* Allocated at bind for every MSI-X capable function. */
	if (!ents || nr > SH_INFO_MAX_VEC)
		return -EINVAL;
	for (i = 0; i < nr; i++) {
		ents[i].entry = vecs[i].entry;
		ents[i].vector = 0;
	}
	rc = pci_enable_msix_exact(pdev, ents, nr);
	if (rc)
		return rc;
	for (i = 0; i < nr; i++) {
		vecs[i].irq = ents[i].vector;
		vecs[i].pirq = pcibk_host_irq_to_pirq(hdev, ents[i].vector);
	}
	return 0;
}

static void pcibk_host_disable_msix(void *hdev)
{
	pci_disable_msix(hdev);
}
#endif /* CONFIG_PCI_MSI */

static int pcibk_host_register_owner(void *hdev, u16 domid)
{
	struct pci_dev *pdev = hdev;
	int rc, old;

	rc = xen_register_device_domain_owner(pdev, domid);
	if (rc != -EEXIST)
		return rc;
	/* A stale owner (a guest that died uncleanly): the new one wins. */
	old = xen_find_device_domain_owner(pdev);
	dev_warn(&pdev->dev, "Stealing ownership from dom%d.\n", old);
	xen_unregister_device_domain_owner(pdev);
	return xen_register_device_domain_owner(pdev, domid);
}

static void pcibk_host_unregister_owner(void *hdev)
{
	/* -ENODEV when there is no owner: nothing to undo. */
	xen_unregister_device_domain_owner(hdev);
}

/* Called with the device lock held (probe, remove, pcibk_stub_detach). */
static int pcibk_host_reset(void *hdev)
{
	struct pci_dev *pdev = hdev;
	int rc;

	rc = __pci_reset_function_locked(pdev);
	if (rc && rc != -ENOTTY)
		dev_warn(&pdev->dev, "function reset failed: %d\n", rc);
	pcibk_pvh_reset_done(pdev);
	return rc;
}

static int pcibk_host_restore_golden(void *hdev)
{
	struct pci_dev *pdev = hdev;
	struct pcibk_pdev *pd = pci_get_drvdata(pdev);
	int rc;

	if (!pd || !pd->golden)
		return -ENODATA;
	rc = pci_load_saved_state(pdev, pd->golden);
	if (rc)
		return rc;
	pci_restore_state(pdev);
	return 0;
}

static int pcibk_host_set_power_state(void *hdev, int state)
{
	if (state < 0 || state > 3)
		return -EINVAL;
	return pci_set_power_state(hdev, (__force pci_power_t)state);
}

static struct pcibk_dev *pcibk_host_core(struct pci_dev *pdev)
{
	struct pcibk_pdev *pd = pci_get_drvdata(pdev);

	return pd ? pd->core : NULL;
}

static irqreturn_t pcibk_host_intx_isr(int irq, void *data)
{
	return pcibk_dev_intx_irq(data) ? IRQ_HANDLED : IRQ_NONE;
}

/*
 * The shared-INTx helper (§12.1) on the irq cached at bind (info.irq):
 * pdev->irq is the MSI irq while MSI is on, the INTx line does not move.
 * The core calls this only to change state, from an op or a detach
 * (process context); a guest can make it happen at will, hence the
 * rate limit.
 */
static int pcibk_host_intx_helper(void *hdev, bool install)
{
	struct pci_dev *pdev = hdev;
	struct pcibk_dev *d = pcibk_host_core(pdev);
	int rc;

	if (!d || d->info.irq <= 0)
		return -ENODEV;
	if (!install) {
		free_irq(d->info.irq, d);
		dev_dbg(&pdev->dev, "INTx helper removed from irq %d\n",
			d->info.irq);
		return 0;
	}
	/* /proc/interrupts keeps pointing at the name: it lives in d. */
	snprintf(d->intx_name, sizeof(d->intx_name), "xen-pciback[%s]",
		 pci_name(pdev));
	rc = request_irq(d->info.irq, pcibk_host_intx_isr, IRQF_SHARED,
			 d->intx_name, d);
	if (rc) {
		dev_warn_ratelimited(&pdev->dev, "cannot install the INTx helper on irq %d: %d\n",
				     d->info.irq, rc);
		return rc;
	}
	dev_dbg(&pdev->dev, "INTx helper installed on irq %d\n", d->info.irq);
	return 0;
}

/* Interrupt context. xen_test_irq_shared() is nonzero when NOT shared. */
static bool pcibk_host_intx_exclusive(void *hdev)
{
	struct pcibk_dev *d = pcibk_host_core(hdev);

	return d && xen_test_irq_shared(d->info.irq);
}

static void *pcibk_host_parent_bridge(void *hdev)
{
	struct pci_dev *pdev = hdev;

	return pdev->bus->self;
}

/*
 * What the PCI core's config accessors test before they answer
 * PCIBIOS_DEVICE_NOT_FOUND for a device that is gone; a field of
 * struct pci_dev, no config access.
 */
static bool pcibk_host_present(void *hdev)
{
	struct pci_dev *pdev = hdev;

	return READ_ONCE(pdev->error_state) != pci_channel_io_perm_failure;
}

/* PHYSDEVOP_prepare_msix (30) at bind, PHYSDEVOP_release_msix (31) at release. */
void pcibk_host_physdev_msix(struct pci_dev *pdev, bool prepare)
{
	struct physdev_pci_device ppdev = {
		.seg = pci_domain_nr(pdev->bus),
		.bus = pdev->bus->number,
		.devfn = pdev->devfn,
	};
	int rc;

	rc = HYPERVISOR_physdev_op(prepare ? PHYSDEVOP_prepare_msix :
				   PHYSDEVOP_release_msix, &ppdev);
	if (rc && rc != -ENOSYS)
		dev_err(&pdev->dev, "MSI-X %s failed: %d\n",
			prepare ? "preparation" : "release", rc);
}

const struct pcibk_host_ops pcibk_linux_host_ops = {
	.get_info = pcibk_host_get_info,
	.get_res = pcibk_host_get_res,
	.cfg_read = pcibk_host_cfg_read,
	.cfg_write = pcibk_host_cfg_write,
	.pf_command = pcibk_host_pf_command,
	.enable_device = pcibk_host_enable_device,
	.disable_device = pcibk_host_disable_device,
	.is_enabled = pcibk_host_is_enabled,
	.set_master = pcibk_host_set_master,
	.set_mwi = pcibk_host_set_mwi,
	.clear_mwi = pcibk_host_clear_mwi,
	.intx = pcibk_host_intx,
#ifdef CONFIG_PCI_MSI
	.enable_msi = pcibk_host_enable_msi,
	.disable_msi = pcibk_host_disable_msi,
	.enable_msix = pcibk_host_enable_msix,
	.disable_msix = pcibk_host_disable_msix,
#endif
	.irq_to_pirq = pcibk_host_irq_to_pirq,
	.register_owner = pcibk_host_register_owner,
	.unregister_owner = pcibk_host_unregister_owner,
	.reset = pcibk_host_reset,
	.restore_golden = pcibk_host_restore_golden,
	.set_power_state = pcibk_host_set_power_state,
	.intx_helper = pcibk_host_intx_helper,
	.intx_exclusive = pcibk_host_intx_exclusive,
	.parent_bridge = pcibk_host_parent_bridge,
	.present = pcibk_host_present,
	.dev_hold = pcibk_stub_hold,
	.dev_put = pcibk_stub_put,
	.dev_lock = pcibk_stub_lock,
	.dev_unlock = pcibk_stub_unlock,
	.unclaim = pcibk_stub_unclaim,
	.op_lock = pcibk_be_op_lock,
	.op_trylock = pcibk_be_op_trylock,
	.op_unlock = pcibk_be_op_unlock,
	.fast_lock = pcibk_be_fast_lock,
	.fast_unlock = pcibk_be_fast_unlock,
	.now_ms = pcibk_be_now_ms,
	.sleep_ms = pcibk_be_sleep_ms,
	.wait = pcibk_be_wait,
	.wake = pcibk_be_wake,
	.notify = pcibk_be_notify,
	.eoi = pcibk_be_eoi,
	.kick = pcibk_be_kick,
	.cancel = pcibk_be_cancel,
	.map = pcibk_be_map,
	.unmap = pcibk_be_unmap,
	.bind = pcibk_be_bind,
	.unbind = pcibk_be_unbind,
	.xb_state = pcibk_be_xb_state,
	.xb_online = pcibk_be_xb_online,
	.xb_switch = pcibk_be_xb_switch,
	.xb_read_fe = pcibk_be_xb_read_fe,
	.xb_fatal = pcibk_be_xb_fatal,
	.reconfigure = pcibk_be_reconfigure,
	.aer_fail = pcibk_be_aer_fail,
};
