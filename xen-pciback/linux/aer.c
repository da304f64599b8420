// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12.2): the PCI driver's error handlers hand
 * each recovery stage to the guest that owns the device and wait for its
 * answer. The core (core/aer.c) decides what to post and what to return;
 * this file supplies the waiting, the locking and the xenstore write.
 *
 * The PCI core calls every handler with the device lock held, so the
 * claim (pd->be) is stable and a detach of this device waits for us.
 * Per guest only one request may be outstanding (PCIBK_AER_BUSY). The
 * request is posted and its answer read under op_lock with the ring
 * attached; op_lock is dropped while waiting, because the guest's own
 * recovery code sends config requests that the ring worker serves under
 * op_lock. The wait ends when the frontend answers, after 300 s, or as
 * soon as the ring is disconnected or the device leaves the topology
 * (hot-unplug, guest destroy, module unload): those paths do not need the
 * device lock before that point, so nothing waits on us for 300 s.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/jiffies.h>
#include <linux/pci.h>
#include <linux/wait_bit.h>
#include <xen/xenbus.h>

#include "glue.h"

/* Bits of pcibk_backend.aer_flags. */
enum {
	PCIBK_AER_BUSY,		/* a handler owns this guest's aer_op */
	PCIBK_AER_WOKEN,	/* the frontend sent an event meanwhile */
};

/*
 * Sleep in slices: a disconnect or unplug does not wake us, and a short
 * slice keeps the hung-task detector quiet over a 300 s wait.
 */
#define PCIBK_AER_SLICE		HZ

struct pcibk_aer_ctx {
	struct pcibk_backend *be;
	struct pcibk_dev *d;
	bool fail;		/* fail the guest once op_lock is dropped */
};

/* The frontend cleared _XEN_PCIB_active (B4): any context. */
void pcibk_aer_ring_wake(struct pcibk_backend *be)
{
	set_bit(PCIBK_AER_WOKEN, &be->aer_flags);
	/* The bit is visible before wake_up_var() looks for sleepers. */
	smp_mb__after_atomic();
	wake_up_var(&be->aer_flags);
}

/* op_lock held. */
static bool pcibk_aer_still_there(struct pcibk_aer_ctx *c)
{
	const struct pcibk_dev_info *i = &c->d->info;

	return c->be->ring_ready &&
	       pcibk_topo_find_host(&c->be->guest.topo, i->seg, i->bus,
				    i->devfn) == c->d;
}

/* Entered and left with op_lock held; dropped while sleeping. */
static enum pcibk_aer_wait pcibk_aer_wait(void *ctx, unsigned int timeout_ms)
{
	struct pcibk_aer_ctx *c = ctx;
	struct pcibk_backend *be = c->be;
	unsigned long deadline = jiffies + msecs_to_jiffies(timeout_ms);
	long left;

	for (;;) {
		if (!pcibk_aer_still_there(c))
			return PCIBK_AER_GONE;
		/*
		 * The page is the truth, the wake only a hint: an answer
		 * whose event was taken for a request (B3 before B4) is
		 * still seen here, one slice later.
		 */
		clear_bit(PCIBK_AER_WOKEN, &be->aer_flags);
		/* Clear the hint before reading the page, not after. */
		smp_mb__after_atomic();
		if (!pcibk_sh_test_flag(be->sh, _XEN_PCIB_active))
			return PCIBK_AER_ANSWERED;
		left = (long)(deadline - jiffies);
		if (left <= 0)
			return PCIBK_AER_TIMEOUT;

		pcibk_op_unlock(be);
		wait_var_event_timeout(&be->aer_flags,
				       test_bit(PCIBK_AER_WOKEN, &be->aer_flags) ||
				       !READ_ONCE(be->ring_ready),
				       min_t(long, left, PCIBK_AER_SLICE));
		pcibk_op_lock(be);
	}
}

static void pcibk_aer_fail_guest(void *ctx)
{
	struct pcibk_aer_ctx *c = ctx;

	c->fail = true;
}

static const struct pcibk_aer_ops pcibk_aer_ops = {
	.wait = pcibk_aer_wait,
	.fail_guest = pcibk_aer_fail_guest,
};

/*
 * §12.2 "fail the guest": aerState = aerfail in the backend directory.
 * Not into a directory that is being removed, which would create it
 * again behind the toolstack's back.
 */
static void pcibk_aer_write_fail(struct pci_dev *pdev,
				 struct pcibk_backend *be)
{
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
		dev_err_ratelimited(&pdev->dev,
				    "AER: failing dom%u: cannot write %s/aerState: %d\n",
				    be->guest.domid, node, rc);
	else
		dev_err_ratelimited(&pdev->dev,
				    "AER: dom%u cannot recover the device: aerState = aerfail\n",
				    be->guest.domid);
}

static const char *pcibk_aer_stage(u32 cmd)
{
	switch (cmd) {
	case XEN_PCI_OP_aer_detected:
		return "error_detected";
	case XEN_PCI_OP_aer_mmio:
		return "mmio_enabled";
	case XEN_PCI_OP_aer_slotreset:
		return "slot_reset";
	default:
		return "resume";
	}
}

/* One stage for pdev; the PCI core holds its device lock. */
static pci_ers_result_t pcibk_aer_handle(struct pci_dev *pdev, u32 cmd,
					 u32 state)
{
	struct pcibk_pdev *pd = pci_get_drvdata(pdev);
	struct pcibk_aer_ctx c = { };
	struct pcibk_backend *be;
	int res;

	if (!pd || pd->removed || !pd->core) {
		dev_info_ratelimited(&pdev->dev,
				     "AER: device is not found/assigned\n");
		return (__force pci_ers_result_t)pcibk_aer_default(cmd);
	}
	/* A claim changes only under the device lock, which we hold. */
	be = pd->be;
	if (!be)
		/* The core logs and gives the default. */
		return (__force pci_ers_result_t)
		       pcibk_aer_forward(NULL, pd->core, cmd, state,
					 &pcibk_aer_ops, &c);

	while (test_and_set_bit_lock(PCIBK_AER_BUSY, &be->aer_flags))
		wait_on_bit_timeout(&be->aer_flags, PCIBK_AER_BUSY,
				    TASK_UNINTERRUPTIBLE, PCIBK_AER_SLICE);

	c.be = be;
	c.d = pd->core;
	pcibk_op_lock(be);
	res = pcibk_aer_forward(be->ring_ready ? &be->ring : NULL, pd->core,
				cmd, state, &pcibk_aer_ops, &c);
	pcibk_op_unlock(be);

	clear_and_wake_up_bit(PCIBK_AER_BUSY, &be->aer_flags);

	if (c.fail)
		pcibk_aer_write_fail(pdev, be);
	dev_info_ratelimited(&pdev->dev, "AER: %s (state %u) for dom%u: %d\n",
			     pcibk_aer_stage(cmd), state, be->guest.domid, res);
	return (__force pci_ers_result_t)res;
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
