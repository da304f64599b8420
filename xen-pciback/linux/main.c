// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Module init and exit, and the module parameters (PROTOCOL.md §10).
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <xen/xen.h>

#include <pcibk/cfg.h>
#include <pcibk/selftest.h>

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
