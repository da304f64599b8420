/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The portable backend core: per-device state, the per-guest view
 * (virtual topology), the op engine and the shared-page state machine.
 *
 * Locking is the caller's: everything about one guest (its topology, its
 * devices' MSI state and virtual config space, its ring) is serialised by
 * the caller, and claiming a device for a guest is serialised across
 * guests. The kernel glue uses one mutex per guest and one global mutex.
 */
#ifndef PCIBK_CORE_H
#define PCIBK_CORE_H

#include <pcibk/compat.h>
#include <pcibk/host.h>
#include <pcibk/wire.h>

struct pcibk_cfg;
struct pcibk_guest;

/* Address of a function as the guest sees it. */
struct pcibk_vaddr {
	u16 domain;
	u8 bus;
	u8 devfn;
};

/* Per-device counters (issue: counters in sysfs and pcibackctl). */
#define PCIBK_STAT_CMDS		(PCIBK_NR_CMDS + 1)	/* last: unknown */
#define PCIBK_STAT_ERRS		7	/* -0..-5, then "other" */

struct pcibk_dev_stats {
	u64 req[PCIBK_STAT_CMDS];
	u64 err[PCIBK_STAT_ERRS];
};

/*
 * Back-off of a host operation a guest can make fail again and again
 * (each failure logs in dom0's kernel, not rate-limited there): after n
 * failures in a row, the next 2^(n-1) - 1 attempts (at most 1023) are
 * refused with the last error without asking the host. A success or a
 * detach starts over.
 */
struct pcibk_backoff {
	u16 fails;
	u16 skipped;
	int err;
};

#define PCIBK_BACKOFF_MAX_SHIFT	10

/* True if the host may be asked now; else *err is the answer to give. */
bool pcibk_backoff_try(struct pcibk_backoff *b, int *err);
/* The host's answer (0 or a negative errno) to an attempt try allowed. */
void pcibk_backoff_done(struct pcibk_backoff *b, int rc);

struct pcibk_dev {
	const struct pcibk_host_ops *ops;
	void *hdev;
	struct pcibk_dev_info info;
	char name[16];			/* "DDDD:BB:DD.F" */

	/* Capability offsets found at seize time (0: absent). */
	u8 msi_cap;
	u8 msix_cap;
	u8 pm_cap;
	u8 vpd_cap;

	/* Assignment: set while a guest holds the device. */
	struct pcibk_guest *guest;
	u16 domid;			/* the guest's, kept for the counters */
	struct pcibk_vaddr vaddr;
	struct pcibk_dev *topo_next;

	/* Interrupt state as this backend set it up for the guest. */
	bool msi_enabled;
	bool msix_enabled;
	unsigned int msix_nr;
	/*
	 * An enable failed in the host: further enables are refused without
	 * the host until the guest disables (or the device is detached), so
	 * a guest that repeats a failing enable cannot flood dom0's log.
	 */
	bool irq_enable_failed;
	struct pcibk_backoff irq_backoff;	/* enable_msi, enable_msix */
	struct pcibk_backoff enable_backoff;	/* enable_device */
	struct pcibk_backoff intx_backoff;	/* the INTx helper's install */

	/* Policy and INTx helper state (PROTOCOL.md §6.5, §12.1). */
	bool permissive;
	bool allow_intctl;
	bool intx_wanted;
	bool isr_on;			/* shown as on/off; admin may toggle */
	bool ack;			/* the helper claims interrupts */
	bool intx_installed;		/* the host holds the helper's irq */
	unsigned long intx_handled;
	char intx_name[32];		/* the host's name for the helper's irq */

	struct pcibk_cfg *cfg;		/* virtual config space (cfg.c) */
	struct pcibk_dev_stats stats;
	void *priv;			/* the host glue's */
};

/* ---- devices (dev.c) ---- */

/* Read the host facts, check the header type, build the virtual config. */
int pcibk_dev_create(const struct pcibk_host_ops *ops, void *hdev,
		     struct pcibk_dev **out);
void pcibk_dev_destroy(struct pcibk_dev *d);
/* Turn off MSI/MSI-X, the INTx helper, decoding count and bus mastering. */
void pcibk_dev_quiesce(struct pcibk_dev *d);
/* §11.3: reset, golden restore, quiesce, virtual state reset, owner off. */
void pcibk_dev_detach(struct pcibk_dev *d);
/* Walk the standard capability list; returns the offset or 0. */
u8 pcibk_dev_find_cap(struct pcibk_dev *d, u8 id);
/* Add the INTx helper if wanted and allowed, remove it otherwise. */
void pcibk_dev_intx_update(struct pcibk_dev *d);

/* Interrupts claimed between two "is the line still shared?" queries. */
#define PCIBK_INTX_CHECK_EVERY	1000
/*
 * The helper's handler (§12.1), from the host's interrupt handler: true
 * if the interrupt is claimed. Any context; never sleeps.
 */
bool pcibk_dev_intx_irq(struct pcibk_dev *d);
/* irq_handler_state (§9): toggle isr_on; turning it on sets ack too. */
void pcibk_dev_intx_toggle(struct pcibk_dev *d);

/* ---- counters as text (stats.c) ---- */

/* "msix", "msi", "intx" or "none": the mode the guest set up. */
const char *pcibk_dev_mode(const struct pcibk_dev *d);
/*
 * "key value" lines: req_<cmd>, err_<kind>, mode, vectors, assigned,
 * domid, permissive, allow_interrupt_control, intx_helper, intx_ack,
 * intx_handled, denied_total. Like scnprintf: at most len - 1 characters.
 */
int pcibk_dev_stats_show(const struct pcibk_dev *d, char *buf, size_t len);
/*
 * One irq_handlers line (§9): "DDDD:BB:DD.F:on|off:ack|not ack" + "ing:"
 * + the handled count. Like scnprintf.
 */
int pcibk_dev_intx_show(const struct pcibk_dev *d, char *buf, size_t len);
/*
 * The event counters of one guest's backend instance (its ring) as
 * "ring_<name> N" lines: events, spurious, ops, eoi, double_events,
 * requeues. NULL prints zeros. Like scnprintf.
 */
struct pcibk_ring_stats;
int pcibk_ring_stats_show(const struct pcibk_ring_stats *s, char *buf,
			  size_t len);

/* ---- virtual topologies (topo.c) ---- */

#define PCIBK_VPCI_SLOTS	32
#define PCIBK_MAX_ROOTS		64

struct pcibk_root {
	u16 domain;
	u8 bus;
};

struct pcibk_topo {
	bool passthrough;
	unsigned int count;
	struct pcibk_dev *vpci[PCIBK_VPCI_SLOTS][8];
	struct pcibk_dev *list;		/* every device, via topo_next */
};

void pcibk_topo_init(struct pcibk_topo *t, bool passthrough);
/* -EFAULT: bridge on vpci; -ENOMEM: no free slot. Fills d->vaddr. */
int pcibk_topo_add(struct pcibk_topo *t, struct pcibk_dev *d);
void pcibk_topo_del(struct pcibk_topo *t, struct pcibk_dev *d);
struct pcibk_dev *pcibk_topo_find(const struct pcibk_topo *t, u32 domain,
				  u32 bus, u32 devfn);
struct pcibk_dev *pcibk_topo_find_host(const struct pcibk_topo *t, u16 seg,
				       u8 bus, u8 devfn);
/* Roots to publish, de-duplicated; returns how many were written. */
unsigned int pcibk_topo_roots(const struct pcibk_topo *t,
			      struct pcibk_root *roots, unsigned int max);
/* "%04x:%02x:%02x.%02x", the vdev-N format (2-digit function). */
int pcibk_vaddr_format(const struct pcibk_vaddr *va, char *buf, size_t len);

/* ---- the shared-page state machine (ring.c) ---- */

struct pcibk_ring;

struct pcibk_ring_ops {
	void (*notify)(void *ctx);
	void (*eoi)(void *ctx, bool spurious);
	/* Run pcibk_ring_work() soon, in a context that may sleep. */
	void (*kick)(void *ctx);
	/* Wake whoever waits for the frontend's AER answer. */
	void (*aer_wake)(void *ctx);
	/*
	 * Optional fast path (B3), called from pcibk_ring_event(), in the
	 * event handler's context, for a config read or write: if the glue
	 * can exclude everything its guest lock excludes without sleeping,
	 * it returns pcibk_ring_try_answer() under that exclusion; false
	 * sends the request to the worker as usual.
	 */
	bool (*fast)(void *ctx, struct pcibk_ring *r);
};

enum {
	PCIBK_RING_INFLIGHT,	/* a worker owns the request slot */
	PCIBK_RING_EOI_OWED,	/* an event has not been EOIed yet */
	PCIBK_RING_AER_PENDING,	/* we posted an AER request */
	PCIBK_RING_DOUBLE_LOGGED,
	PCIBK_RING_FETCHED,	/* guest->req holds the slot's request */
};

struct pcibk_ring_stats {
	u64 events;
	u64 spurious;
	u64 ops;
	u64 eoi;
	u64 double_events;
	u64 requeues;
	u64 fast;		/* answered by ops->fast in the event handler */
};

struct pcibk_ring {
	void *sh;
	const struct pcibk_ring_ops *ops;
	void *ctx;
	struct pcibk_guest *guest;
	unsigned long flags;
	struct pcibk_ring_stats stats;
};

/* Requests served per worker run before it yields (and re-kicks). */
#define PCIBK_RING_BATCH	64

void pcibk_ring_init(struct pcibk_ring *r, void *sh, struct pcibk_guest *g,
		     const struct pcibk_ring_ops *ops, void *ctx);
/* B2-B5: from the event handler, any context. */
void pcibk_ring_event(struct pcibk_ring *r);
/* B6-B12: the worker, with the guest's lock held. */
void pcibk_ring_work(struct pcibk_ring *r);
/*
 * B7-B10 for the fetched request, if it cannot sleep (pcibk_op_atomic()):
 * only from ops->fast. False: nothing was done, the worker must run it.
 */
bool pcibk_ring_try_answer(struct pcibk_ring *r);

/* ---- AER forwarding (aer.c) ---- */

/* pci_ers_result_t values as the guest answers them. */
enum {
	PCIBK_ERS_NONE = 1,
	PCIBK_ERS_CAN_RECOVER = 2,
	PCIBK_ERS_NEED_RESET = 3,
	PCIBK_ERS_DISCONNECT = 4,
	PCIBK_ERS_RECOVERED = 5,
	PCIBK_ERS_NO_AER_DRIVER = 6,
};

#define PCIBK_AER_TIMEOUT_MS	300000

/* What pcibk_aer_ops.wait saw. */
enum pcibk_aer_wait {
	PCIBK_AER_ANSWERED,	/* _XEN_PCIB_active is clear */
	PCIBK_AER_TIMEOUT,	/* still set after timeout_ms */
	/*
	 * The ring was disconnected or the device left the guest's topology
	 * meanwhile: the page may be gone, so nothing may touch it.
	 */
	PCIBK_AER_GONE,
};

struct pcibk_aer_ops {
	/* Wait until the frontend clears _XEN_PCIB_active. */
	enum pcibk_aer_wait (*wait)(void *ctx, unsigned int timeout_ms);
	/* Write aerState = aerfail and log (§12.2 "fail the guest"). */
	void (*fail_guest)(void *ctx);
};

/* detected: CAN_RECOVER; the other stages: RECOVERED. */
int pcibk_aer_default(u32 cmd);
/*
 * Forward one stage (cmd 6-9) for d to its guest's frontend; r is NULL
 * when no ring is attached. Returns the pci_ers_result to give the host.
 * Only one AER request per guest at a time: the caller serialises. A
 * device that is no longer in its guest's topology counts as unassigned.
 */
int pcibk_aer_forward(struct pcibk_ring *r, struct pcibk_dev *d, u32 cmd,
		      u32 state, const struct pcibk_aer_ops *ops, void *ctx);

/* ---- one guest (guest.c) ---- */

/* A private copy of the request header: 36 bytes, read once (B6). */
struct pcibk_req {
	u32 cmd;
	u32 domain;
	u32 bus;
	u32 devfn;
	s32 offset;
	s32 size;
	u32 value;
	u32 info;
};

struct pcibk_reply {
	s32 err;
	u32 value;
	unsigned int nr_vec;		/* vectors to write back */
	u16 vec[SH_INFO_MAX_VEC];
};

struct pcibk_guest_stats {
	u64 not_found;
};

/*
 * MSI and MSI-X pirqs a PV guest may hold: Xen's extra_guest_irqs (domU
 * value, 32 unless set). Xen allocates them from the guest's own pirq
 * space; pirq.c explains why the core must know this number.
 */
#define PCIBK_PIRQ_BUDGET_DEFAULT	32u
#define PCIBK_PIRQ_BUDGET_MAX		4096u
extern unsigned int pcibk_pirq_budget;	/* copied by pcibk_guest_init() */

struct pcibk_guest {
	u16 domid;
	/* MSI/MSI-X pirqs this guest may hold (see pcibk_pirq_budget). */
	unsigned int pirq_budget;
	struct pcibk_topo topo;
	struct pcibk_guest_stats stats;
	/* Scratch for one request; the guest's lock covers it. */
	struct pcibk_req req;		/* the ring's request in flight */
	struct pcibk_reply rep;
	struct pcibk_msix_vec vecs[SH_INFO_MAX_VEC];
};

void pcibk_guest_init(struct pcibk_guest *g, u16 domid, bool passthrough);
/* §8.4: claim, place in the topology, register the owner. */
int pcibk_guest_export(struct pcibk_guest *g, struct pcibk_dev *d);
/* Leave the topology and detach (§11.3). */
void pcibk_guest_release(struct pcibk_guest *g, struct pcibk_dev *d);
/* Release every device. */
void pcibk_guest_teardown(struct pcibk_guest *g);

/* ---- the xenbus state machine of a guest's backend (session.c) ---- */

/* Xen's xenbus states (io/xenbus.h), as both ends write them. */
enum {
	PCIBK_XB_UNKNOWN = 0,
	PCIBK_XB_INITIALISING = 1,
	PCIBK_XB_INITWAIT = 2,
	PCIBK_XB_INITIALISED = 3,
	PCIBK_XB_CONNECTED = 4,
	PCIBK_XB_CLOSING = 5,
	PCIBK_XB_CLOSED = 6,
	PCIBK_XB_RECONFIGURING = 7,
	PCIBK_XB_RECONFIGURED = 8,
};

/* What the backend does when the frontend's state has changed. */
enum pcibk_fe_action {
	PCIBK_FE_NONE,
	/* Read the frontend's keys, map and bind, switch to Connected. */
	PCIBK_FE_ATTACH,
	/* Drop the ring we have (a new frontend replaced it), then attach. */
	PCIBK_FE_REATTACH,
	/* Drop any ring, switch back to Initialised: a frontend restarts. */
	PCIBK_FE_REOPEN,
	/* A reconfigure pass (hot-plug), then Reconfigured. */
	PCIBK_FE_RECONFIGURE,
	/* After a reconfigure: Connected again, if the ring is there. */
	PCIBK_FE_RECONNECTED,
	/* Drop the ring, switch to Closing. */
	PCIBK_FE_CLOSE,
	/* Drop the ring, switch to Closed. */
	PCIBK_FE_CLOSED,
	/* Drop the ring, switch to Closed, remove the backend instance. */
	PCIBK_FE_GONE,
	/*
	 * Drop the ring we have and attach the frontend's current one, but
	 * leave the backend's state as it is (libxl's reconfigure owns it).
	 */
	PCIBK_FE_REMAP,
	/*
	 * Drop the ring, switch to Closed, then back to Initialised: the
	 * frontend went away (rmmod xen-pcifront) and a new one may come,
	 * which would give up at once on finding its backend Closed.
	 */
	PCIBK_FE_RESTART,
};

/*
 * The decision of PROTOCOL.md §8.3 for one frontend state change. Watch
 * events coalesce, so fe is the state read now and any state may follow
 * any other: fe and be are what xenstore holds now (be as libxl may have
 * written it), ring whether a shared page is mapped, set_up whether the
 * devices have been exported (the backend reached Initialised once),
 * online the backend's "online" key. Every sequence ends with the ring
 * attached to the frontend's current keys (Connected) or none (Closing or
 * Closed): never connected to a ring the frontend has left.
 */
enum pcibk_fe_action pcibk_session_frontend(int fe, int be, bool ring,
					    bool set_up, bool online);

/* ---- the guest's pirq budget (pirq.c) ---- */

/* MSI and MSI-X pirqs the guest holds through this backend now. */
unsigned int pcibk_guest_pirqs_held(const struct pcibk_guest *g);
/*
 * The domU value of the last extra_guest_irqs= in Xen's command line
 * (cmdline, at most len bytes, need not be terminated), read as Xen
 * reads it and clamped to PCIBK_PIRQ_BUDGET_MAX: 0 and *budget set, or
 * -ENOENT when the option (or its domU value) is absent.
 */
int pcibk_pirq_budget_parse(const char *cmdline, size_t len,
			    unsigned int *budget);

/* ---- the op engine (op.c, msi.c) ---- */

/* Read the request header from the page, each field once. */
void pcibk_op_fetch(const void *sh, struct pcibk_req *req);
/* Validate and run one request; may read the MSI-X entries once. */
/*
 * True if pcibk_op_run() of req calls no host op that may sleep: a config
 * read, or a config write that reaches no field with a sleeping hook
 * (pcibk_cfg_write_sleeps()), or one refused before any hook. Decides
 * nothing else and changes nothing; the guest's topology must be stable
 * until the op has run (the caller's exclusion).
 */
bool pcibk_op_atomic(struct pcibk_guest *g, const struct pcibk_req *req);
void pcibk_op_run(struct pcibk_guest *g, const void *sh,
		  const struct pcibk_req *req, struct pcibk_reply *rep);
/* Write back err, value and (after enable_msix) the vectors only. */
void pcibk_op_reply(void *sh, const struct pcibk_reply *rep);
/* All three, for one request. */
void pcibk_op_handle(struct pcibk_guest *g, void *sh);

void pcibk_msi_enable(struct pcibk_dev *d, struct pcibk_reply *rep);
void pcibk_msi_disable(struct pcibk_dev *d, struct pcibk_reply *rep);
void pcibk_msix_enable(struct pcibk_guest *g, struct pcibk_dev *d,
		       const void *sh, u32 nr, struct pcibk_reply *rep);
void pcibk_msix_disable(struct pcibk_dev *d, struct pcibk_reply *rep);
/* Turn MSI-X off and release its vectors, if this backend enabled it. */
void pcibk_msix_teardown(struct pcibk_dev *d);
void pcibk_msi_teardown(struct pcibk_dev *d);

#endif /* PCIBK_CORE_H */
