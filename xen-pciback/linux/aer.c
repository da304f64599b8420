// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER (PROTOCOL.md §12.2): the PCI driver's error handlers hand each
 * recovery stage to the session of the guest that owns the device
 * (pcibk_session_aer(), core/aer.c), which posts it, waits and decides;
 * this file supplies the xenstore write that fails a guest.
 *
 * The PCI core calls every handler with the device lock held, so the
 * claim (pd->be) is stable and a detach of this device waits for us.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/pci.h>
#include <xen/xenbus.h>

#include "glue.h"

/*
 * §12.2 "fail the guest": aerState = aerfail in the backend directory.
 * Not into a directory that is being removed, which would create it
 * again behind the toolstack's back.
 */
void pcibk_be_aer_fail(void *ctx)
{
	struct pcibk_backend *be = ctx;
	const char *node = be->xdev->nodename;
	struct xenbus_transaction xbt;
	unsigned int tries;
	int rc = -EAGAIN;

	for (tries = 0; tries < 8 && rc == -EAGAIN; tries++) {
		rc = xenbus_transaction_start(&xbt);
		if (rc)
			break;
		if (!xenbus_exists(xbt, node, "")) {
			xenbus_transaction_end(xbt, 1);
			rc = -ENOENT;
			break;
		}
		rc = xenbus_write(xbt, node, "aerState", "aerfail");
		if (rc) {
			xenbus_transaction_end(xbt, 1);
			break;
		}
		rc = xenbus_transaction_end(xbt, 0);
	}
	if (rc)
		dev_err_ratelimited(&be->xdev->dev,
				    "AER: failing dom%u: cannot write %s/aerState: %d\n",
				    be->s.guest.domid, node, rc);
	else
		dev_err_ratelimited(&be->xdev->dev,
				    "AER: dom%u cannot recover the device: aerState = aerfail\n",
				    be->s.guest.domid);
}

/* One stage for pdev; the PCI core holds its device lock. */
static pci_ers_result_t pcibk_aer_handle(struct pci_dev *pdev, u32 cmd,
					 u32 state)
{
	struct pcibk_pdev *pd = pci_get_drvdata(pdev);

	if (!pd || pd->removed || !pd->core) {
		dev_info_ratelimited(&pdev->dev,
				     "AER: device is not found/assigned\n");
		return (__force pci_ers_result_t)pcibk_aer_default(cmd);
	}
	/* A claim changes only under the device lock, which we hold. */
	return (__force pci_ers_result_t)
	       pcibk_session_aer(pd->be ? &pd->be->s : NULL, pd->core, cmd,
				 state);
}

static pci_ers_result_t pcibk_aer_detected(struct pci_dev *pdev,
					   pci_channel_state_t state)
{
	return pcibk_aer_handle(pdev, XEN_PCI_OP_aer_detected,
				(__force u32)state);
}

/* Later stages carry io_normal, which frontends ignore (§12.2). */
static pci_ers_result_t pcibk_aer_mmio(struct pci_dev *pdev)
{
	return pcibk_aer_handle(pdev, XEN_PCI_OP_aer_mmio,
				(__force u32)pci_channel_io_normal);
}

static pci_ers_result_t pcibk_aer_slot_reset(struct pci_dev *pdev)
{
	return pcibk_aer_handle(pdev, XEN_PCI_OP_aer_slotreset,
				(__force u32)pci_channel_io_normal);
}

static void pcibk_aer_resume(struct pci_dev *pdev)
{
	pcibk_aer_handle(pdev, XEN_PCI_OP_aer_resume,
			 (__force u32)pci_channel_io_normal);
}

const struct pci_error_handlers pcibk_err_handlers = {
	.error_detected = pcibk_aer_detected,
	.mmio_enabled = pcibk_aer_mmio,
	.slot_reset = pcibk_aer_slot_reset,
	.resume = pcibk_aer_resume,
};
