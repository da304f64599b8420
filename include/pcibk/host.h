/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * struct pcibk_host_ops: the one table through which the portable core
 * reaches the host. The kernel module implements it with the Linux PCI
 * core and Xen calls (xen-pciback/linux/host.c); the tests implement it
 * over simulated devices (tests/sim/). A guest request costs at most one
 * call of each kind: MSI-X enable and disable take the whole vector array.
 *
 * "hdev" is the host's handle of one PCI function (a struct pci_dev in the
 * kernel). Unless said otherwise, int results are 0 or a negative errno.
 */
#ifndef PCIBK_HOST_H
#define PCIBK_HOST_H

#include <pcibk/compat.h>

/* Facts about a function, read once when it is seized. */
struct pcibk_dev_info {
	u16 seg;
	u8 bus;
	u8 devfn;
	u16 vendor;		/* cached ids: right for SR-IOV VFs, whose */
	u16 device;		/* hardware answers 0xffff */
	u16 subvendor;
	u16 subdevice;
	u32 class;		/* 24-bit class code */
	u8 hdr_type;		/* 0 or 1 (low 7 bits of HEADER_TYPE) */
	bool is_virtfn;		/* an SR-IOV VF: memory decoding is on the PF */
	u16 cfg_size;		/* 256 or 4096 */
	int irq;		/* dom0 legacy irq, 0 if none (VFs have none) */
};

/* BAR and ROM resources as the host PCI core assigned them. */
#define PCIBK_RES_IO		0x01u
#define PCIBK_RES_MEM		0x02u
#define PCIBK_RES_MEM64		0x04u
#define PCIBK_RES_PREFETCH	0x08u
#define PCIBK_RES_UNUSABLE	0x10u	/* unset, disabled or busy */

struct pcibk_res {
	u64 start;
	u64 size;		/* 0: absent */
	u32 flags;		/* PCIBK_RES_* */
};

#define PCIBK_NR_RES		7	/* BAR0..5 and ROM (index 6) */
#define PCIBK_ROM_RES		6

/* One MSI-X vector: entry in, host irq and guest pirq out. */
struct pcibk_msix_vec {
	u16 entry;
	int irq;
	int pirq;
};

struct pcibk_host_ops {
	/* Facts; called once at seize time. */
	int (*get_info)(void *hdev, struct pcibk_dev_info *info);
	int (*get_res)(void *hdev, struct pcibk_res res[PCIBK_NR_RES]);

	/*
	 * Raw config access. The core has bounds-checked (off, size) against
	 * cfg_size and alignment. Returns 0 or a PCIBIOS code / negative errno.
	 * Must not sleep: the glue's event handler answers config reads and
	 * most writes in atomic context (core.h, ring ops' fast).
	 */
	int (*cfg_read)(void *hdev, unsigned int off, unsigned int size, u32 *val);
	int (*cfg_write)(void *hdev, unsigned int off, unsigned int size, u32 val);
	/* Hardware COMMAND of the physical function (the PF of a VF). */
	int (*pf_command)(void *hdev, u16 *cmd);

	/* Enable/disable count, bus mastering, MWI, INTx. */
	int (*enable_device)(void *hdev);
	void (*disable_device)(void *hdev);
	bool (*is_enabled)(void *hdev);
	void (*set_master)(void *hdev, bool on);
	int (*set_mwi)(void *hdev);
	void (*clear_mwi)(void *hdev);
	void (*intx)(void *hdev, bool enable);

	/*
	 * MSI and MSI-X. NULL enable_msi means "built without MSI": the core
	 * answers -4 for commands 2-5. On success the pirqs are mapped for
	 * the owner guest registered with register_owner().
	 */
	int (*enable_msi)(void *hdev, int *irq, int *pirq);
	void (*disable_msi)(void *hdev);
	int (*enable_msix)(void *hdev, struct pcibk_msix_vec *vecs, unsigned int nr);
	void (*disable_msix)(void *hdev);
	/* pirq of a host irq for the owner guest, 0 if none. */
	int (*irq_to_pirq)(void *hdev, int irq);

	/* Owner domain for the kernel's Xen MSI glue (XSA-237). */
	int (*register_owner)(void *hdev, u16 domid);
	void (*unregister_owner)(void *hdev);

	/* Reset, golden state, power. */
	int (*reset)(void *hdev);
	int (*restore_golden)(void *hdev);
	int (*set_power_state)(void *hdev, int state);

	/*
	 * The shared-INTx helper (PROTOCOL.md §12.1); optional. Install
	 * requests info.irq (shared) with a handler that calls
	 * pcibk_dev_intx_irq(); remove frees it. Called only to change state.
	 */
	int (*intx_helper)(void *hdev, bool install);
	/*
	 * True if no other domain is bound to the device's INTx line (Xen's
	 * xen_test_irq_shared(), despite its name). Optional; interrupt
	 * context.
	 */
	bool (*intx_exclusive)(void *hdev);

	/* Topology: the host handle of the parent bridge, or NULL. */
	void *(*parent_bridge)(void *hdev);

	/*
	 * False once the host knows the device is gone (surprise removal,
	 * a permanent error), from its own state, without touching the
	 * hardware; atomic context. Optional: without it every guest read
	 * reads the hardware. With it, a read whose every byte is the core's
	 * own (ids, BARs, interrupt line) skips the hardware while true.
	 */
	bool (*present)(void *hdev);

	/*
	 * Two-phase release of a device by its session (session.c): hold
	 * returns a reference to the host's record of this binding of the
	 * device, which put drops; dev_lock takes the device lock every
	 * claim change happens under and returns false if that binding has
	 * ended meanwhile (its core state is gone: the caller touches
	 * nothing); dev_unlock is called either way. unclaim drops the host's
	 * record of the guest's claim, after the core detached the device,
	 * with the device lock held.
	 */
	void *(*dev_hold)(void *hdev);
	void (*dev_put)(void *held);
	bool (*dev_lock)(void *held);
	void (*dev_unlock)(void *held);
	void (*unclaim)(void *hdev);

	/*
	 * ---- One guest's session (struct pcibk_session). ctx is the one
	 * given to pcibk_session_init(). ----
	 *
	 * op_lock: the session's sleeping lock (the worker, export, detach,
	 * sysfs, connect and disconnect); op_trylock never sleeps.
	 * fast_lock: a short lock that the event handler may take in any
	 * context, with interrupts off; it guards only the session's
	 * op_busy and ring_ready, and the event handler's config accesses.
	 * NULL fast_lock: no fast path, every request goes to the worker.
	 */
	void (*op_lock)(void *ctx);
	bool (*op_trylock)(void *ctx);
	void (*op_unlock)(void *ctx);
	void (*fast_lock)(void *ctx);
	void (*fast_unlock)(void *ctx);
	/* Milliseconds from any fixed point; sleep for about ms. */
	u64 (*now_ms)(void *ctx);
	void (*sleep_ms)(void *ctx, unsigned int ms);
	/*
	 * Sleep until done(arg) is true or ms have passed; done is checked
	 * again after every wake(). No lock is held across the call.
	 */
	void (*wait)(void *ctx, bool (*done)(void *arg), void *arg,
		     unsigned int ms);
	void (*wake)(void *ctx);

	/* The event channel: notify the frontend, EOI an event (late EOI). */
	void (*notify)(void *ctx);
	void (*eoi)(void *ctx, bool spurious);
	/* Run pcibk_session_work() soon, in a context that may sleep. */
	void (*kick)(void *ctx);
	/* Wait for a running pcibk_session_work() and drop a queued one. */
	void (*cancel)(void *ctx);
	/*
	 * Map the frontend's grant ref; bind its event channel to a handler
	 * that calls pcibk_session_event(). unbind waits for a running
	 * handler. Errors are logged (and reported in xenstore) by the host.
	 */
	int (*map)(void *ctx, u32 gref, void **sh);
	void (*unmap)(void *ctx, void *sh);
	int (*bind)(void *ctx, u32 port);
	void (*unbind)(void *ctx);

	/*
	 * Xenstore: the frontend's or the backend's state (what the store
	 * holds now, PCIBK_XB_UNKNOWN if unreadable), the backend's
	 * "online", switching the backend's state, reading a key of the
	 * frontend's directory (0, or -ENOENT; a string cut at len - 1 is
	 * -E2BIG), and reporting an error the toolstack should see.
	 */
	int (*xb_state)(void *ctx, bool frontend);
	bool (*xb_online)(void *ctx);
	int (*xb_switch)(void *ctx, int state);
	int (*xb_read_fe)(void *ctx, const char *key, char *buf, size_t len);
	void (*xb_fatal)(void *ctx, int err, const char *msg);
	/*
	 * A reconfigure pass over the backend's state-N keys (hot-plug and
	 * hot-unplug, §8.3), before the core switches to Reconfigured: 0, or
	 * a negative errno (already reported) to stay Reconfiguring.
	 */
	int (*reconfigure)(void *ctx);
	/*
	 * §12.2 "fail the guest": aerState = aerfail, unless the backend's
	 * directory is being removed. Called with no session lock held.
	 */
	void (*aer_fail)(void *ctx);
};

#endif /* PCIBK_HOST_H */
