/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Shared declarations of the kernel glue (xen-pciback/linux/).
 *
 * Locks, outermost first (core.h, "one guest's session", has the rules):
 *   backend->state_lock  xenbus handlers of one guest (xenbus.c)
 *   device lock          device_lock(), or held by the driver core
 *                        and by the PCI core around error handlers
 *   PCIBK_AER_BUSY       one AER request per guest (core/aer.c)
 *   backend->op_lock     the session's op lock (pcibk_session_lock())
 *   pcibk_mutex          seize list, bound functions, claims (stub.c)
 *   backend->fast_lock   the session's fast lock: irq-safe spinlock
 *                        (ring.c); holds only pci_lock inside it
 * Only the device mutex is taken, as the driver core does around probe
 * and remove, not pci_dev_lock(): user config access stays open while a
 * device is reset.
 */
#ifndef PCIBK_LINUX_GLUE_H
#define PCIBK_LINUX_GLUE_H

#include <linux/kref.h>
#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/pci.h>
#include <linux/spinlock.h>
#include <linux/wait.h>
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
	struct pcibk_session s;		/* everything the core decides */
	struct mutex op_lock;		/* the session's op lock */
	spinlock_t fast_lock;		/* the session's fast lock */
	unsigned long fast_flags;	/* saved by fast_lock */
	wait_queue_head_t wq;		/* the session's wait and wake */
	struct work_struct work;	/* runs pcibk_session_work() */
	struct xenbus_watch watch;	/* the backend directory */
	bool watching;
	int irq;			/* event channel irq, 0 if unbound */
};

extern struct mutex pcibk_mutex;
extern bool pcibk_passthrough;
extern const struct pcibk_host_ops pcibk_linux_host_ops;

/* aer.c */
extern const struct pci_error_handlers pcibk_err_handlers;
void pcibk_be_aer_fail(void *ctx);

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

/* ring.c: the session's primitives (struct pcibk_host_ops) */
void pcibk_be_setup(struct pcibk_backend *be);
void pcibk_be_op_lock(void *ctx);
bool pcibk_be_op_trylock(void *ctx);
void pcibk_be_op_unlock(void *ctx);
void pcibk_be_fast_lock(void *ctx);
void pcibk_be_fast_unlock(void *ctx);
u64 pcibk_be_now_ms(void *ctx);
void pcibk_be_sleep_ms(void *ctx, unsigned int ms);
void pcibk_be_wait(void *ctx, bool (*done)(void *arg), void *arg,
		   unsigned int ms);
void pcibk_be_wake(void *ctx);
void pcibk_be_notify(void *ctx);
void pcibk_be_eoi(void *ctx, bool spurious);
void pcibk_be_kick(void *ctx);
void pcibk_be_cancel(void *ctx);
int pcibk_be_map(void *ctx, u32 gref, void **sh);
void pcibk_be_unmap(void *ctx, void *sh);
int pcibk_be_bind(void *ctx, u32 port);
void pcibk_be_unbind(void *ctx);

/* xenbus.c: the session's xenstore primitives */
int pcibk_be_xb_state(void *ctx, bool frontend);
bool pcibk_be_xb_online(void *ctx);
int pcibk_be_xb_switch(void *ctx, int state);
int pcibk_be_xb_read_fe(void *ctx, const char *key, char *buf, size_t len);
void pcibk_be_xb_fatal(void *ctx, int err, const char *msg);
int pcibk_be_reconfigure(void *ctx);

/* stub.c: holding and locking a device between release's two phases */
void *pcibk_stub_hold(void *hdev);
void pcibk_stub_put(void *held);
bool pcibk_stub_lock(void *held);
void pcibk_stub_unlock(void *held);
void pcibk_stub_unclaim(void *hdev);

#endif /* PCIBK_LINUX_GLUE_H */
