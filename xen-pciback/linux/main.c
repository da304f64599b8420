// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Module init and exit, and the module parameters (PROTOCOL.md §10).
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/slab.h>
#include <xen/xen.h>
#include <xen/interface/version.h>
#include <asm/xen/hypercall.h>

#include <pcibk/cfg.h>
#include "../core/selftest.h"

#include "glue.h"

static char *pcibk_hide;
module_param_named(hide, pcibk_hide, charp, 0444);
MODULE_PARM_DESC(hide,
		 "Functions to seize at load: (D:B:S.F)(B:S.*)(D:B:*.*)..., hex");

bool pcibk_passthrough;
module_param_named(passthrough, pcibk_passthrough, bool, 0444);
MODULE_PARM_DESC(passthrough,
		 "0: guests see one virtual bus 0000:00 (vpci); 1: host addresses");

module_param_named(permissive, pcibk_permissive, bool, 0644);
MODULE_PARM_DESC(permissive,
		 "Let guests write unhandled config registers of every device (unsafe)");

static unsigned int pcibk_guest_pirqs;
module_param_named(guest_pirqs, pcibk_guest_pirqs, uint, 0444);
MODULE_PARM_DESC(guest_pirqs,
		 "MSI/MSI-X pirqs a PV guest has (Xen's extra_guest_irqs); 0: read Xen's command line");

/*
 * The pirqs a PV guest may hold (core/pirq.c): the parameter, else the
 * domU value of Xen's extra_guest_irqs, else Xen's default. Counting too
 * many would let a guest's enable run out in the middle, where Linux 6.1
 * tears its vectors down twice.
 */
static int __init pcibk_init_pirq_budget(void)
{
	struct xen_commandline *cl;
	const char *from = "Xen's default";
	unsigned int budget;
	int rc;

	if (pcibk_guest_pirqs > PCIBK_PIRQ_BUDGET_MAX) {
		pr_err("guest_pirqs=%u: at most %u\n", pcibk_guest_pirqs,
		       PCIBK_PIRQ_BUDGET_MAX);
		return -EINVAL;
	}
	if (pcibk_guest_pirqs) {
		pcibk_pirq_budget = pcibk_guest_pirqs;
		from = "guest_pirqs";
		goto out;
	}
	cl = kzalloc(sizeof(*cl), GFP_KERNEL);
	if (!cl)
		return -ENOMEM;
	rc = HYPERVISOR_xen_version(XENVER_commandline, cl);
	if (rc >= 0 && !pcibk_pirq_budget_parse(cl->buf, sizeof(cl->buf),
						 &budget)) {
		pcibk_pirq_budget = budget;
		from = "Xen's extra_guest_irqs";
	} else {
		pcibk_pirq_budget = PCIBK_PIRQ_BUDGET_DEFAULT;
	}
	kfree(cl);
out:
	pr_info("a PV guest may hold %u MSI/MSI-X pirqs (%s)\n",
		pcibk_pirq_budget, from);
	return 0;
}

/*
 * Debug builds only: the core's self-checks, before anything is
 * registered, so that a core that is wrong for this kernel never meets
 * a device or a guest.
 */
static int __init pcibk_init_selftest(void)
{
	unsigned int passed, failed;
	int rc;

	if (!IS_ENABLED(CONFIG_XEN_PCIBK_DEBUG))
		return 0;
	rc = pcibk_selftest(&passed, &failed);
	if (rc) {
		pr_err("self-checks: %u passed, %u failed (%d): not loading\n",
		       passed, failed, rc);
		return rc;
	}
	pr_info("self-checks: %u passed, %u failed\n", passed, failed);
	return 0;
}

static int __init pcibk_init(void)
{
	int rc;

	rc = pcibk_init_selftest();
	if (rc)
		return rc;
	if (!xen_initial_domain())
		return -ENODEV;
	rc = pcibk_init_pirq_budget();
	if (rc)
		return rc;

	rc = pcibk_seize_hide(pcibk_hide);
	if (rc)
		return rc;

	rc = pcibk_stub_register();
	if (rc) {
		pr_err("cannot register the PCI driver: %d\n", rc);
		goto err_seize;
	}
	rc = pcibk_xenbus_register();
	if (rc) {
		pr_err("cannot register the xenbus backend: %d\n", rc);
		goto err_stub;
	}
	pcibk_pvh_init();
	pr_info("backend is %s\n", pcibk_passthrough ? "passthrough" : "vpci");
	return 0;

err_stub:
	pcibk_stub_unregister();
err_seize:
	pcibk_seize_free();
	return rc;
}

static void __exit pcibk_exit(void)
{
	pcibk_pvh_exit();
	/* Guests first: their teardown detaches every assigned function. */
	pcibk_xenbus_unregister();
	pcibk_stub_unregister();
	pcibk_seize_free();
}

module_init(pcibk_init);
module_exit(pcibk_exit);

MODULE_DESCRIPTION("Xen PCI backend (pcibk)");
/*
 * The release (dkms.conf's versions are "<this>+g<commit>"). Having a
 * version also makes modpost record a srcversion, the hash of the sources
 * by which a loaded module is matched to a build (tests/vm 72-dkms.sh).
 */
MODULE_VERSION("0.1");
MODULE_LICENSE("GPL");
MODULE_ALIAS("xen-backend:pci");
