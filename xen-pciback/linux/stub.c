// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The PCI driver "pciback": seizing functions (bind, §11.1), handing them
 * to guests (§8.4), detaching them (§11.3), unbind and final release
 * (§11.4, §11.5), and the SR-IOV rule for a PF that loses its driver.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/notifier.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/string.h>

#include <pcibk/cfg.h>

#include "glue.h"

DEFINE_MUTEX(pcibk_mutex);
/* Every function bound to pciback; under pcibk_mutex. */
LIST_HEAD(pcibk_pdevs);

static void pcibk_pdev_release(struct kref *kref)
{
	struct pcibk_pdev *pd = container_of(kref, struct pcibk_pdev, kref);

	pci_dev_put(pd->pdev);
	kfree(pd->msix_ents);
	kfree(pd);
}

void pcibk_pdev_put(struct pcibk_pdev *pd)
{
	kref_put(&pd->kref, pcibk_pdev_release);
}

/* Caller holds pcibk_mutex. */
struct pcibk_pdev *pcibk_pdev_find(u16 seg, u8 bus, u8 devfn)
{
	struct pcibk_pdev *pd;

	list_for_each_entry(pd, &pcibk_pdevs, node)
		if (pci_domain_nr(pd->pdev->bus) == seg &&
		    pd->pdev->bus->number == bus && pd->pdev->devfn == devfn)
			return pd;
	return NULL;
}

/*
 * §8.4 steps 1-3: claim a bound, unassigned function, place it in the
 * guest's topology, register the owner. A claim changes only under the
 * function's device lock (and the op lock and pcibk_mutex), so whoever holds
 * the device lock sees a stable pd->be. -ENODEV if there is no such
 * function; *va is its guest address.
 */
int pcibk_stub_export(struct pcibk_backend *be, u16 seg, u8 bus, u8 devfn,
		      struct pcibk_vaddr *va)
{
	struct pcibk_pdev *pd;
	int rc;

	mutex_lock(&pcibk_mutex);
	pd = pcibk_pdev_find(seg, bus, devfn);
	if (pd)
		kref_get(&pd->kref);
	mutex_unlock(&pcibk_mutex);
	if (!pd)
		return -ENODEV;

	device_lock(&pd->pdev->dev);
	pcibk_session_lock(&be->s);
	mutex_lock(&pcibk_mutex);
	if (pd->removed || pd->be) {
		rc = -ENODEV;
	} else {
		rc = pcibk_guest_export(&be->s.guest, pd->core);
		if (!rc) {
			pd->be = be;
			kref_get(&be->kref);
			kref_get(&pd->kref);	/* the claim's reference */
			*va = pd->core->vaddr;
		}
	}
	mutex_unlock(&pcibk_mutex);
	pcibk_session_unlock(&be->s);
	device_unlock(&pd->pdev->dev);
	pcibk_pdev_put(pd);
	return rc;
}

/*
 * A session's release of a function (pcibk_session_release()): the
 * binding it held, referenced; valid until the put.
 */
void *pcibk_stub_hold(void *hdev)
{
	struct pcibk_pdev *pd = pci_get_drvdata(hdev);

	kref_get(&pd->kref);
	return pd;
}

void pcibk_stub_put(void *held)
{
	pcibk_pdev_put(held);
}

/* False once the function's final release ran: its core state is gone. */
bool pcibk_stub_lock(void *held)
{
	struct pcibk_pdev *pd = held;

	device_lock(&pd->pdev->dev);
	return !pd->removed;
}

void pcibk_stub_unlock(void *held)
{
	struct pcibk_pdev *pd = held;

	device_unlock(&pd->pdev->dev);
}

/* The core detached the function (§11.3): drop the claim; device lock. */
void pcibk_stub_unclaim(void *hdev)
{
	struct pcibk_pdev *pd = pci_get_drvdata(hdev);
	struct pcibk_backend *be;

	mutex_lock(&pcibk_mutex);
	be = pd->be;
	pd->be = NULL;
	mutex_unlock(&pcibk_mutex);
	if (be)
		pcibk_backend_put(be);
	pcibk_pdev_put(pd);
}

static struct pci_driver pcibk_pci_driver;

static bool pcibk_overridden(struct pci_dev *pdev)
{
	return pcibk_kc_driver_override(pdev, &pcibk_pci_driver.driver);
}

static int pcibk_pci_probe(struct pci_dev *pdev,
			   const struct pci_device_id *id)
{
	bool override = false;
	struct pcibk_pdev *pd;
	int rc;

	if (!pcibk_seize_wanted(pdev)) {
		override = pcibk_overridden(pdev);
		if (!override)
			return -ENODEV;
	}

	pd = kzalloc(sizeof(*pd), GFP_KERNEL);
	if (!pd)
		return -ENOMEM;
	kref_init(&pd->kref);
	INIT_LIST_HEAD(&pd->node);
	pd->pdev = pci_dev_get(pdev);
	pci_set_drvdata(pdev, pd);

	/*
	 * The kernel assigns the irq and the resources; enabling first lets
	 * the core cache the irq dom0 really uses (INTERRUPT_LINE, §6.2).
	 */
	rc = pci_enable_device(pdev);
	if (rc) {
		dev_err(&pdev->dev, "cannot enable device: %d\n", rc);
		goto err_put;
	}
	rc = pcibk_pvh_bind(pdev);
	if (rc)
		goto err_disable_dev;
	/* Header type check, virtual fields, COMMAND shadow, PME off. */
	rc = pcibk_dev_create(&pcibk_linux_host_ops, pdev, &pd->core);
	if (rc)
		goto err_disable_dev;
	pd->core->priv = pd;
	if (pdev->msix_cap) {
		/*
		 * The PCI core's entry array for the largest request, now:
		 * an enable_msix never fails for want of memory (PROTOCOL.md
		 * §4.2 (5) would answer -12 without the PCI core).
		 */
		pd->msix_ents = kcalloc(SH_INFO_MAX_VEC, sizeof(*pd->msix_ents),
					GFP_KERNEL);
		if (!pd->msix_ents) {
			rc = -ENOMEM;
			goto err_destroy;
		}
		pcibk_host_physdev_msix(pdev, true);
		pd->msix_prepared = true;
	}

	/* The golden copy every detach goes back to. */
	pci_save_state(pdev);
	pd->golden = pci_store_saved_state(pdev);
	if (!pd->golden) {
		dev_err(&pdev->dev, "cannot save the configuration space\n");
		rc = -ENOMEM;
		goto err_disable;
	}
	pcibk_dev_reset_idle(pd->core, false);
	pci_set_dev_assigned(pdev);

	if (override) {
		struct pcibk_bdf s = {
			.seg = pci_domain_nr(pdev->bus),
			.bus = pdev->bus->number,
			.slot = PCI_SLOT(pdev->devfn),
			.func = PCI_FUNC(pdev->devfn),
		};

		if (pcibk_seize_add(&s))
			dev_warn(&pdev->dev, "cannot add to the seize list\n");
	}

	mutex_lock(&pcibk_mutex);
	list_add_tail(&pd->node, &pcibk_pdevs);
	mutex_unlock(&pcibk_mutex);
	dev_info(&pdev->dev, "seized by xen-pciback\n");
	return 0;

err_disable:
	if (pd->msix_prepared)
		pcibk_host_physdev_msix(pdev, false);
err_destroy:
	pcibk_dev_destroy(pd->core);
err_disable_dev:
	pcibk_pvh_release(pdev);
	pci_disable_device(pdev);
err_put:
	pci_set_drvdata(pdev, NULL);
	pcibk_pdev_put(pd);
	return rc;
}

/* §11.4, device lock held, the function no longer claimed. */
static void pcibk_final_release(struct pcibk_pdev *pd)
{
	struct pci_dev *pdev = pd->pdev;
	const struct pcibk_host_ops *ops = &pcibk_linux_host_ops;

	ops->unregister_owner(pdev);
	pcibk_dev_reset_idle(pd->core, false);
	pcibk_pvh_release(pdev);
	if (pd->msix_prepared)
		pcibk_host_physdev_msix(pdev, false);
	kfree(pd->golden);
	pd->golden = NULL;
	pcibk_dev_destroy(pd->core);
	pd->core = NULL;
	pci_clear_dev_assigned(pdev);
	pd->removed = true;
	pci_set_drvdata(pdev, NULL);
}

/* Unbind, module unload or hot removal (§11.5); device lock held. */
static void pcibk_pci_remove(struct pci_dev *pdev)
{
	struct pcibk_pdev *pd = pci_get_drvdata(pdev);
	struct pcibk_backend *be;

	if (!pd)
		return;
	mutex_lock(&pcibk_mutex);
	list_del_init(&pd->node);
	be = pd->be;
	if (be)
		kref_get(&be->kref);
	mutex_unlock(&pcibk_mutex);

	if (be) {
		pcibk_session_leave(&be->s, pd->core);
		dev_warn(&pdev->dev, "****** removing device %s while still in-use by domain %u! ******\n",
			 pci_name(pdev), be->s.guest.domid);
		dev_warn(&pdev->dev, "****** the domain may still have access to its I/O resources!\n");
		dev_warn(&pdev->dev, "****** shut the domain down before giving this device\n");
		dev_warn(&pdev->dev, "****** to another driver or domain\n");
		pcibk_session_detach(&be->s, pd->core);
		pcibk_backend_put(be);
	}
	pcibk_final_release(pd);
	pcibk_pdev_put(pd);
}

static const struct pci_device_id pcibk_pci_ids[] = {
	{ PCI_DEVICE(PCI_ANY_ID, PCI_ANY_ID) },
	{ }
};

/* No MODULE_DEVICE_TABLE: matching everything must not autoload us. */
static struct pci_driver pcibk_pci_driver = {
	.name = "pciback",
	.id_table = pcibk_pci_ids,
	.probe = pcibk_pci_probe,
	.remove = pcibk_pci_remove,
	.groups = pcibk_drv_groups,
	PCIBK_KC_PCI_DEV_GROUPS(pcibk_dev_groups),
	.err_handler = &pcibk_err_handlers,	/* §12.2, aer.c */
};

/* §11.5: a PF lost its driver; let go of its unassigned VFs we hold. */
static void pcibk_release_vfs(struct pci_dev *pf)
{
	struct pci_dev *vf;
	struct pcibk_pdev *pd;
	unsigned int guard;

	for (guard = 0; guard < 65536; guard++) {
		vf = NULL;
		mutex_lock(&pcibk_mutex);
		list_for_each_entry(pd, &pcibk_pdevs, node) {
			if (pd->pdev->is_virtfn && !pd->be &&
			    pci_physfn(pd->pdev) == pf) {
				vf = pci_dev_get(pd->pdev);
				break;
			}
		}
		mutex_unlock(&pcibk_mutex);
		if (!vf)
			return;
		dev_info(&vf->dev, "PF %s unbound: releasing this VF\n",
			 pci_name(pf));
		device_release_driver(&vf->dev);
		pci_dev_put(vf);
	}
}

static int pcibk_bus_notify(struct notifier_block *nb, unsigned long action,
			    void *data)
{
	struct pci_dev *pdev = to_pci_dev(data);

	if (action == BUS_NOTIFY_UNBOUND_DRIVER && pdev->is_physfn)
		pcibk_release_vfs(pdev);
	return NOTIFY_DONE;
}

static struct notifier_block pcibk_bus_nb = {
	.notifier_call = pcibk_bus_notify,
};

int pcibk_stub_register(void)
{
	int rc;

	rc = bus_register_notifier(&pci_bus_type, &pcibk_bus_nb);
	if (rc)
		return rc;
	rc = pci_register_driver(&pcibk_pci_driver);
	if (rc)
		bus_unregister_notifier(&pci_bus_type, &pcibk_bus_nb);
	return rc;
}

void pcibk_stub_unregister(void)
{
	pci_unregister_driver(&pcibk_pci_driver);
	bus_unregister_notifier(&pci_bus_type, &pcibk_bus_nb);
}
