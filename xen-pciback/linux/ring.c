// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The primitives a guest's session (core/session.c, core/ring.c,
 * core/aer.c) runs on, for struct pcibk_host_ops: its locks, the shared
 * page's grant mapping, the event channel with late EOI, the worker, and
 * a wait queue. The core decides what is done and when; nothing here
 * calls back into it except the event handler and the worker.
 *
 * The fast lock is an irq-safe spinlock: the event handler answers config
 * reads and most writes under it (core/ring.c), which only calls
 * pci_{read,write}_config_* (under the PCI core's raw pci_lock).
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/delay.h>
#include <linux/interrupt.h>
#include <linux/jiffies.h>
#include <linux/wait.h>
#include <linux/workqueue.h>
#include <xen/events.h>
#include <xen/xenbus.h>

#include "glue.h"

void pcibk_be_op_lock(void *ctx)
{
	struct pcibk_backend *be = ctx;

	mutex_lock(&be->op_lock);
}

bool pcibk_be_op_trylock(void *ctx)
{
	struct pcibk_backend *be = ctx;

	return mutex_trylock(&be->op_lock);
}

void pcibk_be_op_unlock(void *ctx)
{
	struct pcibk_backend *be = ctx;

	mutex_unlock(&be->op_lock);
}

/* Any context: the event handler runs with interrupts off already. */
void pcibk_be_fast_lock(void *ctx)
	__acquires(ctx)
{
	struct pcibk_backend *be = ctx;
	unsigned long flags;

	spin_lock_irqsave(&be->fast_lock, flags);
	be->fast_flags = flags;
}

void pcibk_be_fast_unlock(void *ctx)
	__releases(ctx)
{
	struct pcibk_backend *be = ctx;

	spin_unlock_irqrestore(&be->fast_lock, be->fast_flags);
}

u64 pcibk_be_now_ms(void *ctx)
{
	return jiffies64_to_msecs(get_jiffies_64());
}

void pcibk_be_sleep_ms(void *ctx, unsigned int ms)
{
	msleep(ms);
}

void pcibk_be_wait(void *ctx, bool (*done)(void *arg), void *arg,
		   unsigned int ms)
{
	struct pcibk_backend *be = ctx;

	wait_event_timeout(be->wq, done(arg), msecs_to_jiffies(ms));
}

void pcibk_be_wake(void *ctx)
{
	struct pcibk_backend *be = ctx;

	wake_up_all(&be->wq);
}

void pcibk_be_notify(void *ctx)
{
	struct pcibk_backend *be = ctx;
	int irq = READ_ONCE(be->irq);

	if (irq > 0)
		notify_remote_via_irq(irq);
}

void pcibk_be_eoi(void *ctx, bool spurious)
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
 * preempts ordinary tasks. Every work item is cancelled by the session's
 * disconnect before its backend goes away.
 */
void pcibk_be_kick(void *ctx)
{
	struct pcibk_backend *be = ctx;

	queue_work(system_highpri_wq, &be->work);
}

void pcibk_be_cancel(void *ctx)
{
	struct pcibk_backend *be = ctx;

	cancel_work_sync(&be->work);
}

int pcibk_be_map(void *ctx, u32 gref, void **sh)
{
	struct pcibk_backend *be = ctx;
	grant_ref_t ref = gref;
	int rc;

	rc = xenbus_map_ring_valloc(be->xdev, &ref, 1, sh);
	if (rc)
		xenbus_dev_fatal(be->xdev, rc, "mapping the shared page (gref %u)",
				 gref);
	return rc;
}

void pcibk_be_unmap(void *ctx, void *sh)
{
	struct pcibk_backend *be = ctx;

	xenbus_unmap_ring_vfree(be->xdev, sh);
}

/*
 * B1: an event may arrive before the bind call returns the irq number,
 * so the handler records the number it is given before anything uses it.
 */
static irqreturn_t pcibk_be_irq(int irq, void *dev_id)
{
	struct pcibk_backend *be = dev_id;

	WRITE_ONCE(be->irq, irq);
	pcibk_session_event(&be->s);
	return IRQ_HANDLED;
}

int pcibk_be_bind(void *ctx, u32 port)
{
	struct pcibk_backend *be = ctx;
	int rc;

	rc = pcibk_kc_bind_evtchn(be->xdev, port, pcibk_be_irq, "xen-pciback",
				  be);
	if (rc < 0) {
		xenbus_dev_fatal(be->xdev, rc, "binding event channel %u", port);
		return rc;
	}
	WRITE_ONCE(be->irq, rc);
	return 0;
}

/* Waits for a running handler (XSA-331). */
void pcibk_be_unbind(void *ctx)
{
	struct pcibk_backend *be = ctx;

	if (be->irq > 0) {
		unbind_from_irqhandler(be->irq, be);
		WRITE_ONCE(be->irq, 0);
	}
}

static void pcibk_ring_worker(struct work_struct *work)
{
	struct pcibk_backend *be = container_of(work, struct pcibk_backend,
						work);

	pcibk_session_work(&be->s);
}

void pcibk_be_setup(struct pcibk_backend *be)
{
	mutex_init(&be->op_lock);
	spin_lock_init(&be->fast_lock);
	init_waitqueue_head(&be->wq);
	INIT_WORK(&be->work, pcibk_ring_worker);
}
