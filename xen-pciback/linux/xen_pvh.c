// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The 6.12 duties towards Xen (include/pcibk/duty.h decides, this file
 * carries out): the GSI lookup privcmd asks for, the GSI set up at bind
 * on a PVH dom0, and Xen told of every reset when dom0 is not PV. On a
 * kernel without the hooks (kcompat.h) every duty is off.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/list.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <xen/xen.h>

#include <pcibk/duty.h>

#include "glue.h"

/*
 * What the lookup answers for one bound device. privcmd calls the lookup
 * under a spinning lock of its own, so the table has a spinlock, not
 * pcibk_mutex.
 */
struct pcibk_pvh_gsi {
	struct list_head node;
	u32 sbdf;
	u8 pin;
	int gsi;		/* set up at bind; -1: none */
};

static DEFINE_SPINLOCK(pcibk_pvh_lock);
static LIST_HEAD(pcibk_pvh_gsis);

static void pcibk_pvh_env(struct pcibk_duty_env *e)
{
	e->pv = xen_pv_domain();
	e->pvh = pcibk_kc_pvh_domain();
	e->gsi_hooks = PCIBK_KC_GSI_HOOKS;
	e->reset_hook = PCIBK_KC_RESET_HOOK;
}

static unsigned int pcibk_pvh_calls(enum pcibk_duty_event ev, u8 pin)
{
	struct pcibk_duty_env e;

	pcibk_pvh_env(&e);
	return pcibk_duty_calls(&e, ev, pin);
}

/* privcmd's encoding: segment << 16 | bus << 8 | devfn. */
static u32 pcibk_pvh_sbdf(struct pci_dev *pdev)
{
	return (u32)pci_domain_nr(pdev->bus) << 16 |
	       (u32)pdev->bus->number << 8 | pdev->devfn;
}

/* Under pcibk_pvh_lock. */
static struct pcibk_pvh_gsi *pcibk_pvh_find(u32 sbdf)
{
	struct pcibk_pvh_gsi *g;

	list_for_each_entry(g, &pcibk_pvh_gsis, node)
		if (g->sbdf == sbdf)
			return g;
	return NULL;
}

/* IOCTL_PRIVCMD_PCIDEV_GET_GSI; atomic context. */
static int pcibk_pvh_gsi_lookup(u32 sbdf)
{
	struct pcibk_pvh_gsi *g;
	unsigned long flags;
	int rc;

	spin_lock_irqsave(&pcibk_pvh_lock, flags);
	g = pcibk_pvh_find(sbdf);
	rc = pcibk_duty_gsi_answer(g, g ? g->pin : 0, g ? g->gsi : -1);
	spin_unlock_irqrestore(&pcibk_pvh_lock, flags);
	return rc;
}

/*
 * Module init, after everything else registered. Says which duties this
 * dom0 has, so that a log shows what the module will do (a device with
 * a pin stands for every device in the GSI question).
 */
void pcibk_pvh_init(void)
{
	if (!(pcibk_pvh_calls(PCIBK_DUTY_INIT, 0) & PCIBK_DUTY_REGISTER_GSI))
		return;
	pcibk_kc_register_gsi(pcibk_pvh_gsi_lookup);
	pr_info("GSI lookup registered; GSI setup at bind %s, Xen told of resets %s\n",
		pcibk_pvh_calls(PCIBK_DUTY_BIND, 1) & PCIBK_DUTY_SETUP_GSI ?
		"on" : "off",
		pcibk_pvh_calls(PCIBK_DUTY_RESET, 0) & PCIBK_DUTY_XEN_RESET ?
		"on" : "off");
}

/* Module exit, before anything else goes. */
void pcibk_pvh_exit(void)
{
	if (pcibk_pvh_calls(PCIBK_DUTY_EXIT, 0) & PCIBK_DUTY_UNREGISTER_GSI)
		pcibk_kc_register_gsi(NULL);
}

/*
 * At bind, device enabled (its pin and irq known): set the GSI up if
 * this dom0 must, and record what the lookup answers. A GSI that cannot
 * be set up refuses the bind, as in the in-tree driver: the guest's
 * legacy interrupt would never arrive.
 */
int pcibk_pvh_bind(struct pci_dev *pdev)
{
	struct pcibk_pvh_gsi *g;
	int gsi = -1, trigger, polarity, rc;

	if (pcibk_pvh_calls(PCIBK_DUTY_BIND, pdev->pin) & PCIBK_DUTY_SETUP_GSI) {
		rc = pcibk_kc_gsi_info(pdev, &gsi, &trigger, &polarity);
		if (rc) {
			dev_err(&pdev->dev, "no GSI for INTx pin %u: %d\n",
				pdev->pin, rc);
			return rc;
		}
		rc = pcibk_kc_setup_gsi(gsi, trigger, polarity);
		if (rc) {
			dev_err(&pdev->dev, "cannot set GSI %d up in Xen: %d\n",
				gsi, rc);
			return rc;
		}
		dev_dbg(&pdev->dev, "GSI %d set up\n", gsi);
	}

	g = kzalloc(sizeof(*g), GFP_KERNEL);
	if (!g)
		return -ENOMEM;
	g->sbdf = pcibk_pvh_sbdf(pdev);
	g->pin = pdev->pin;
	g->gsi = gsi;
	spin_lock_irq(&pcibk_pvh_lock);
	list_add(&g->node, &pcibk_pvh_gsis);
	spin_unlock_irq(&pcibk_pvh_lock);
	return 0;
}

/* At release, or when a bind fails; nothing recorded is fine. */
void pcibk_pvh_release(struct pci_dev *pdev)
{
	struct pcibk_pvh_gsi *g;

	spin_lock_irq(&pcibk_pvh_lock);
	g = pcibk_pvh_find(pcibk_pvh_sbdf(pdev));
	if (g)
		list_del(&g->node);
	spin_unlock_irq(&pcibk_pvh_lock);
	kfree(g);
}

/*
 * After every reset of a device. A refusal is only reported: the reset
 * has happened, and refusing the bind (as the in-tree driver does) would
 * not make vPCI's view any better.
 */
void pcibk_pvh_reset_done(struct pci_dev *pdev)
{
	int rc;

	if (!(pcibk_pvh_calls(PCIBK_DUTY_RESET, 0) & PCIBK_DUTY_XEN_RESET))
		return;
	rc = pcibk_kc_xen_reset(pdev);
	if (rc)
		dev_warn_ratelimited(&pdev->dev,
				     "Xen not told of the reset (PHYSDEVOP_pci_device_reset): %d\n",
				     rc);
}
