// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The shared page and its event channel (PROTOCOL.md §3.2): grant
 * mapping, the late-EOI interrupt, and the worker that drives the core's
 * ring state machine (pcibk_ring_event / pcibk_ring_work) in a context
 * that may sleep, under the guest's op_lock.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/interrupt.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/xenbus.h>

#include "glue.h"

static void pcibk_ring_notify(void *ctx)
{
	struct pcibk_backend *be = ctx;
	int irq = READ_ONCE(be->irq);

	if (irq > 0)
		notify_remote_via_irq(irq);
}

static void pcibk_ring_eoi(void *ctx, bool spurious)
{
	struct pcibk_backend *be = ctx;
	int irq = READ_ONCE(be->irq);

	if (irq > 0)
		xen_irq_lateeoi(irq, spurious ? XEN_EOI_FLAG_SPURIOUS : 0);
}

static void pcibk_ring_kick(void *ctx)
{
	struct pcibk_backend *be = ctx;

	queue_work(pcibk_wq, &be->work);
}

static void pcibk_ring_aer_wake(void *ctx)
{
	pcibk_aer_ring_wake(ctx);
}

static const struct pcibk_ring_ops pcibk_ring_ops = {
	.notify = pcibk_ring_notify,
	.eoi = pcibk_ring_eoi,
	.kick = pcibk_ring_kick,
	.aer_wake = pcibk_ring_aer_wake,
};

/*
 * B1: an event may arrive before the bind call returns the irq number,
 * so the handler records the number it is given before anything uses it.
 */
static irqreturn_t pcibk_ring_irq(int irq, void *dev_id)
{
	struct pcibk_backend *be = dev_id;

	WRITE_ONCE(be->irq, irq);
	pcibk_ring_event(&be->ring);
	return IRQ_HANDLED;
}

static void pcibk_ring_worker(struct work_struct *work)
{
	struct pcibk_backend *be = container_of(work, struct pcibk_backend,
						work);

	mutex_lock(&be->op_lock);
	if (be->ring_ready)
		pcibk_ring_work(&be->ring);
	mutex_unlock(&be->op_lock);
}

void pcibk_ring_setup(struct pcibk_backend *be)
{
	INIT_WORK(&be->work, pcibk_ring_worker);
}

/* Map the frontend's page and bind its event channel; state_lock held. */
int pcibk_ring_connect(struct pcibk_backend *be, grant_ref_t gref,
		       evtchn_port_t port)
{
	struct xenbus_device *xdev = be->xdev;
	void *sh;
	int rc;

	rc = xenbus_map_ring_valloc(xdev, &gref, 1, &sh);
	if (rc) {
		xenbus_dev_fatal(xdev, rc, "mapping the shared page (gref %u)",
				 gref);
		return rc;
	}

	mutex_lock(&be->op_lock);
	be->sh = sh;
	pcibk_ring_init(&be->ring, sh, &be->guest, &pcibk_ring_ops, be);
	be->ring_ready = true;
	mutex_unlock(&be->op_lock);

	rc = bind_interdomain_evtchn_to_irqhandler_lateeoi(xdev, port,
							   pcibk_ring_irq, 0,
							   "xen-pciback", be);
	if (rc < 0) {
		xenbus_dev_fatal(xdev, rc, "binding event channel %u", port);
		pcibk_ring_disconnect(be);
		return rc;
	}
	WRITE_ONCE(be->irq, rc);
	return 0;
}

/*
 * B16 (XSA-331): unbind the irq (this waits for a running handler), let
 * the worker finish and stop it, and only then unmap the page. op_lock
 * is held over the unbind so that no worker sees a stale irq number.
 */
void pcibk_ring_disconnect(struct pcibk_backend *be)
{
	mutex_lock(&be->op_lock);
	if (be->irq > 0) {
		unbind_from_irqhandler(be->irq, be);
		WRITE_ONCE(be->irq, 0);
	}
	be->ring_ready = false;
	mutex_unlock(&be->op_lock);

	cancel_work_sync(&be->work);

	if (be->sh) {
		xenbus_unmap_ring_vfree(be->xdev, be->sh);
		be->sh = NULL;
	}
}
