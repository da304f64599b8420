/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Shared declarations of the kernel glue (xen-pciback/linux/).
 *
 * Locks, outermost first:
 *   backend->state_lock  xenbus handlers of one guest (xenbus.c)
 *   device lock          device_lock(), or held by the driver core
 *                        and by the PCI core around error handlers
 *   PCIBK_AER_BUSY       bit lock: one AER request per guest (aer.c)
 *   backend->op_lock     the guest's mutex: ops, topology (B14); taken
 *                        only with pcibk_op_lock()/pcibk_op_unlock()
 *   pcibk_mutex          seize list, bound functions, claims (stub.c)
 *   backend->fast_lock   spinlock, irq-safe: op_busy, and the event
 *                        handler's config accesses (ring.c); holds only
 *                        pci_lock inside it, never a sleeping lock
 * A path never takes a lock listed above one it already holds. In
 * particular a device is detached (§11.3) under its device lock but never
 * under op_lock: it leaves the topology under op_lock first, so an op
 * either finished before or fails its lookup with -1. Only the device
 * mutex is taken, as the driver core does around probe and remove, not
 * pci_dev_lock(): user config access stays open while a device is reset.
 */
#ifndef PCIBK_LINUX_GLUE_H
#define PCIBK_LINUX_GLUE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/workqueue.h>
#include <xen/xenbus.h>

#include <pcibk/bdf.h>
#include <pcibk/core.h>

#include "kcompat.h"

struct pcibk_backend;

/* One function bound to the "pciback" PCI driver. */
struct pcibk_pdev {
	struct list_head node;		/* pcibk_pdevs; under pcibk_mutex */
	struct kref kref;
	struct pci_dev *pdev;		/* referenced until the last put */
	struct pcibk_dev *core;		/* NULL after the final release */
	struct pci_saved_state *golden;	/* config saved at bind (§11.1) */
	struct pcibk_backend *be;	/* claimed by; under pcibk_mutex */
	struct msix_entry *msix_ents;	/* SH_INFO_MAX_VEC, if MSI-X capable */
	bool msix_prepared;		/* PHYSDEVOP_prepare_msix was issued */
	bool removed;			/* final release done; device lock */
};

/* One guest's backend instance, backend/pci/<domid>/0. */
struct pcibk_backend {
	struct kref kref;
	struct xenbus_device *xdev;
	struct mutex state_lock;
	struct mutex op_lock;
	struct pcibk_guest guest;
	struct pcibk_ring ring;
	struct work_struct work;	/* runs pcibk_ring_work() */
	struct xenbus_watch watch;	/* the backend directory */
	bool watching;
	bool set_up;			/* devices exported; state_lock */
	bool ring_ready;		/* under op_lock */
	spinlock_t fast_lock;		/* see ring.c */
	bool op_busy;			/* op_lock is held; under fast_lock */
	bool stopping;			/* a disconnect waits: no new work */
	bool wedged;			/* op_lock never came back (ring.c) */
	void *sh;			/* mapped shared page */
	int irq;			/* event channel irq, 0 if unbound */
	unsigned long aer_flags;	/* PCIBK_AER_* bits (aer.c) */
};

extern struct mutex pcibk_mutex;
extern bool pcibk_passthrough;
extern const struct pcibk_host_ops pcibk_linux_host_ops;

/* aer.c */
extern const struct pci_error_handlers pcibk_err_handlers;
void pcibk_aer_ring_wake(struct pcibk_backend *be);

/* host.c */
void pcibk_host_physdev_msix(struct pci_dev *pdev, bool prepare);

/* seize.c */
int pcibk_seize_add(const struct pcibk_bdf *s);
int pcibk_seize_remove(const struct pcibk_bdf *s);
bool pcibk_seize_wanted(struct pci_dev *pdev);
ssize_t pcibk_seize_show(char *buf);
void pcibk_seize_free(void);
int pcibk_seize_hide(const char *hide);

/* stub.c */
extern struct list_head pcibk_pdevs;
struct pcibk_pdev *pcibk_pdev_find(u16 seg, u8 bus, u8 devfn);
int pcibk_stub_register(void);
void pcibk_stub_unregister(void);
int pcibk_stub_export(struct pcibk_backend *be, u16 seg, u8 bus, u8 devfn,
		      struct pcibk_vaddr *va);
void pcibk_stub_detach(struct pcibk_pdev *pd);
void pcibk_pdev_put(struct pcibk_pdev *pd);

/* sysfs.c */
extern const struct attribute_group *pcibk_drv_groups[];
extern const struct attribute_group *pcibk_dev_groups[];

/* xen_pvh.c */
void pcibk_pvh_init(void);
void pcibk_pvh_exit(void);
int pcibk_pvh_bind(struct pci_dev *pdev);
void pcibk_pvh_release(struct pci_dev *pdev);
void pcibk_pvh_reset_done(struct pci_dev *pdev);

/* xenbus.c */
int pcibk_xenbus_register(void);
void pcibk_xenbus_unregister(void);
void pcibk_backend_put(struct pcibk_backend *be);
void pcibk_xb_remove(struct xenbus_device *xdev);

/* ring.c */
int pcibk_ring_connect(struct pcibk_backend *be, grant_ref_t gref,
		       evtchn_port_t port);
int pcibk_ring_disconnect(struct pcibk_backend *be);
void pcibk_ring_setup(struct pcibk_backend *be);
void pcibk_op_lock(struct pcibk_backend *be);
/* How long dom0's xenwatch thread waits for a guest's op_lock. */
#define PCIBK_OP_LOCK_WAIT_MS	30000
bool pcibk_op_lock_bounded(struct pcibk_backend *be);
void pcibk_op_unlock_resume(struct pcibk_backend *be);
void pcibk_op_unlock(struct pcibk_backend *be);

#endif /* PCIBK_LINUX_GLUE_H */
