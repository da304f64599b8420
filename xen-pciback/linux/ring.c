// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The shared page and its event channel (PROTOCOL.md §3.2): grant
 * mapping, the late-EOI interrupt, and the worker that drives the core's
 * ring state machine (pcibk_ring_event / pcibk_ring_work) in a context
 * that may sleep, under the guest's op_lock.
 *
 * Config reads, and the config writes that reach no field whose hook
 * sleeps (BARs, cache line size, latency timer, most capability
 * registers; not COMMAND or PMCSR), are answered in the event handler
 * itself when nothing holds op_lock (pcibk_ring_fast): they only call
 * pci_{read,write}_config_* (under the PCI core's raw pci_lock) and use
 * the core's state, and the worker's wake-up cost more than the access
 * (BENCHMARKS.md). The exclusion: every op_lock holder
 * takes it through pcibk_op_lock(), which, once it has the mutex, sets
 * op_busy under fast_lock; the handler answers only under fast_lock with
 * op_busy clear. So a fast answer and any op_lock section (ops of the
 * worker, export, detach's leaving the topology (§11.3, B14), sysfs
 * changes of a device's config state, connect and disconnect (B16))
 * never overlap; pcibk_op_lock() waits at most one config access.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
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

/*
 * B3: an op that may sleep runs in a worker, on the CPU that took the
 * event: an unbound queue may wake a worker on another CPU, and in a
 * PV dom0 that wake-up is an IPI through the hypervisor, dearer than
 * most ops. The per-CPU high-priority system queue needs none and
 * preempts ordinary tasks. Every work item is cancelled by
 * pcibk_ring_disconnect() before its backend goes away.
 */
static void pcibk_ring_kick(void *ctx)
{
	struct pcibk_backend *be = ctx;

	queue_work(system_highpri_wq, &be->work);
}

static void pcibk_ring_aer_wake(void *ctx)
{
	pcibk_aer_ring_wake(ctx);
}

/* From the event handler, hard irq context: see the top of this file. */
static bool pcibk_ring_fast(void *ctx, struct pcibk_ring *r)
{
	struct pcibk_backend *be = ctx;
	unsigned long flags;
	bool answered = false;

	spin_lock_irqsave(&be->fast_lock, flags);
	if (!be->op_busy && be->ring_ready)
		answered = pcibk_ring_try_answer(r);
	spin_unlock_irqrestore(&be->fast_lock, flags);
	return answered;
}

static const struct pcibk_ring_ops pcibk_ring_ops = {
	.notify = pcibk_ring_notify,
	.eoi = pcibk_ring_eoi,
	.kick = pcibk_ring_kick,
	.aer_wake = pcibk_ring_aer_wake,
	.fast = pcibk_ring_fast,
};

/*
 * The guest's op_lock, for every holder: the mutex, then op_busy under
 * fast_lock, which turns the event handler's fast path off until
 * pcibk_op_unlock(). Sleeps; never from the event handler.
 */
void pcibk_op_lock(struct pcibk_backend *be)
{
	mutex_lock(&be->op_lock);
	spin_lock_irq(&be->fast_lock);
	be->op_busy = true;
	spin_unlock_irq(&be->fast_lock);
}

/*
 * op_lock from dom0's xenwatch thread (disconnect, unplug, teardown).
 * Every other xenbus backend of dom0 (block, network) waits while this
 * thread does, so it never waits for ever: a request whose host call
 * never returned (a kernel failure inside it) would hold op_lock for
 * good. The worker stops taking new work once be->stopping is set, so a
 * frontend that keeps posting cannot hold the lock either. After
 * PCIBK_OP_LOCK_WAIT_MS the backend is marked wedged and left as it is;
 * false is returned at once from then on.
 */
bool pcibk_op_lock_bounded(struct pcibk_backend *be)
{
	unsigned long end = jiffies + msecs_to_jiffies(PCIBK_OP_LOCK_WAIT_MS);

	WRITE_ONCE(be->stopping, true);
	while (!mutex_trylock(&be->op_lock)) {
		if (READ_ONCE(be->wedged) || time_after(jiffies, end)) {
			if (!xchg(&be->wedged, true))
				dev_err(&be->xdev->dev,
					"a request has held the guest's lock for %u s: leaving this backend as it is\n",
					PCIBK_OP_LOCK_WAIT_MS / 1000);
			return false;
		}
		msleep(20);
	}
	spin_lock_irq(&be->fast_lock);
	be->op_busy = true;
	spin_unlock_irq(&be->fast_lock);
	return true;
}

void pcibk_op_unlock(struct pcibk_backend *be)
{
	spin_lock_irq(&be->fast_lock);
	be->op_busy = false;
	spin_unlock_irq(&be->fast_lock);
	mutex_unlock(&be->op_lock);
}

/*
 * The end of a pcibk_op_lock_bounded() section that leaves the ring
 * attached (an unplug): the worker may have skipped a kick meanwhile.
 */
void pcibk_op_unlock_resume(struct pcibk_backend *be)
{
	bool ready = be->ring_ready;

	WRITE_ONCE(be->stopping, false);
	pcibk_op_unlock(be);
	if (ready)
		queue_work(system_highpri_wq, &be->work);
}

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

	/* A disconnect is waiting for op_lock: leave the requests to it. */
	if (READ_ONCE(be->stopping))
		return;
	pcibk_op_lock(be);
	if (be->ring_ready)
		pcibk_ring_work(&be->ring);
	pcibk_op_unlock(be);
}

void pcibk_ring_setup(struct pcibk_backend *be)
{
	INIT_WORK(&be->work, pcibk_ring_worker);
	spin_lock_init(&be->fast_lock);
}

/* Map the frontend's page and bind its event channel; state_lock held. */
int pcibk_ring_connect(struct pcibk_backend *be, grant_ref_t gref,
		       evtchn_port_t port)
{
	struct xenbus_device *xdev = be->xdev;
	void *sh;
	int rc;

	/* One ring at a time: a second map would leak the first (B16). */
	if (be->sh)
		return -EBUSY;
	rc = xenbus_map_ring_valloc(xdev, &gref, 1, &sh);
	if (rc) {
		xenbus_dev_fatal(xdev, rc, "mapping the shared page (gref %u)",
				 gref);
		return rc;
	}

	pcibk_op_lock(be);
	be->sh = sh;
	pcibk_ring_init(&be->ring, sh, &be->guest, &pcibk_ring_ops, be);
	be->ring_ready = true;
	pcibk_op_unlock(be);

	rc = pcibk_kc_bind_evtchn(xdev, port, pcibk_ring_irq, "xen-pciback",
				  be);
	if (rc < 0) {
		xenbus_dev_fatal(xdev, rc, "binding event channel %u", port);
		pcibk_ring_disconnect(be);
		return rc;
	}
	WRITE_ONCE(be->irq, rc);
	/*
	 * A request posted before this ring was taken (a remap under a
	 * frontend that did not see it go) had its event on the old binding:
	 * serve it as if its event came now.
	 */
	if (pcibk_sh_test_flag(sh, _XEN_PCIF_active))
		pcibk_ring_event(&be->ring);
	return 0;
}

/*
 * B16 (XSA-331): unbind the irq (this waits for a running handler, and
 * with it for a fast answer), let the worker finish and stop it, and only
 * then unmap the page. op_lock is held over the unbind so that no worker
 * sees a stale irq number; it also keeps the fast path off meanwhile.
 */
int pcibk_ring_disconnect(struct pcibk_backend *be)
{
	if (!pcibk_op_lock_bounded(be))
		return -EBUSY;	/* wedged: nothing is released, nothing waits */
	if (be->irq > 0) {
		unbind_from_irqhandler(be->irq, be);
		WRITE_ONCE(be->irq, 0);
	}
	be->ring_ready = false;
	pcibk_op_unlock(be);

	cancel_work_sync(&be->work);

	if (be->sh) {
		xenbus_unmap_ring_vfree(be->xdev, be->sh);
		be->sh = NULL;
	}
	WRITE_ONCE(be->stopping, false);
	return 0;
}
