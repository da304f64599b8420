/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The portable backend core: per-device state, the per-guest view
 * (virtual topology), the op engine, and a guest's session (its ring, the
 * op exclusion, the xenbus state machine, release and AER).
 *
 * Everything about one guest (its topology, its devices' MSI state and
 * virtual config space, its ring) is serialised by the session's op
 * exclusion ("one guest's session" below); claiming a device for a guest
 * is serialised across guests by the host (one global mutex in the
 * kernel glue).
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
/*
 * An idle device (no guest holds it: bind, do_flr, final release): reset,
 * golden state, quiesce, virtual state reset. 0; -ENOTTY without a reset
 * method (the golden state is restored all the same); -EIO if the reset
 * failed, and then, if strict, nothing else is done.
 */
int pcibk_dev_reset_idle(struct pcibk_dev *d, bool strict);
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

enum {
	PCIBK_RING_INFLIGHT,	/* a worker owns the request slot */
	PCIBK_RING_EOI_OWED,	/* an event has not been EOIed yet */
	PCIBK_RING_AER_PENDING,	/* we posted an AER request */
	PCIBK_RING_DOUBLE_LOGGED,
	PCIBK_RING_FETCHED,	/* guest->req holds the slot's request */
	PCIBK_RING_SKIPPED,	/* a kicked worker left its work to a resume */
};

/*
 * Each counter is written in one context at a time: events, spurious,
 * double_events and fast by the event handler (one at a time per ring);
 * ops, eoi and requeues under the op exclusion (the op lock, or the fast
 * lock with op_busy clear). eoi counts the EOIs of B12; shown, it is
 * eoi + spurious, every EOI.
 */
struct pcibk_ring_stats {
	u64 events;
	u64 spurious;
	u64 ops;
	u64 eoi;
	u64 double_events;
	u64 requeues;
	u64 fast;		/* answered in the event handler */
};

/* The shared page of a connected frontend. */
struct pcibk_ring {
	void *sh;
	unsigned long flags;
	struct pcibk_ring_stats stats;
};

/* Requests served per worker run before it yields (and re-kicks). */
#define PCIBK_RING_BATCH	64

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
/*
 * The AER wait sleeps in slices: a disconnect or unplug does not wake it,
 * and a short slice keeps a kernel's hung-task detector quiet.
 */
#define PCIBK_AER_SLICE_MS	1000

/* Bits of pcibk_session.aer_flags. */
enum {
	PCIBK_AER_BUSY,		/* one AER request per guest at a time */
	PCIBK_AER_WOKEN,	/* the frontend sent an event meanwhile */
};

/* detected: CAN_RECOVER; the other stages: RECOVERED. */
int pcibk_aer_default(u32 cmd);

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
/*
 * §8.4: claim, place in the topology, register the owner; with the
 * device lock and the session's op lock held, claims serialised across
 * guests by the caller.
 */
int pcibk_guest_export(struct pcibk_guest *g, struct pcibk_dev *d);

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

/*
 * ---- one guest's session (session.c, ring.c, aer.c) ----
 *
 * Everything the backend does for one guest, on the session host ops of
 * struct pcibk_host_ops. Locks, outermost first: the host's per-session
 * state lock (xenbus handlers, around pcibk_session_frontend_changed()),
 * a device's lock (dev_lock, or the host's around probe, remove and error
 * handlers), PCIBK_AER_BUSY, the op lock (op_lock, only through
 * pcibk_session_lock()), the host's claim lock, the fast lock. A device
 * is detached (§11.3) under its device lock, never under the op lock: it
 * leaves the topology under the op lock first, so an op either finished
 * before or fails its lookup with -1 (B14).
 *
 * The op exclusion: every op lock holder sets op_busy under the fast lock
 * once it has the op lock; the event handler answers a config access
 * itself (the fast path, B3) only under the fast lock with op_busy clear
 * and a ring attached. So a fast answer and an op lock section never
 * overlap, and pcibk_session_lock() waits at most one config access.
 */

/* How long a bounded lock (dom0's xenwatch thread) waits for the op lock. */
#define PCIBK_OP_LOCK_WAIT_MS	30000
#define PCIBK_OP_LOCK_POLL_MS	20

struct pcibk_session {
	const struct pcibk_host_ops *ops;
	void *ctx;			/* the host's, for the session ops */
	struct pcibk_guest guest;
	struct pcibk_ring ring;
	bool ring_ready;		/* a ring is attached; op lock */
	bool op_busy;			/* the op lock is held; fast lock */
	bool stopping;			/* a bounded lock waits: no new work */
	bool wedged;			/* the op lock never came back */
	bool set_up;			/* devices exported; state lock */
	unsigned long aer_flags;	/* PCIBK_AER_* */
};

void pcibk_session_init(struct pcibk_session *s,
			const struct pcibk_host_ops *ops, void *ctx,
			u16 domid, bool passthrough);

/* The op lock and op_busy; sleeps, never from the event handler. */
void pcibk_session_lock(struct pcibk_session *s);
void pcibk_session_unlock(struct pcibk_session *s);
/*
 * The op lock for dom0's xenwatch thread (disconnect, unplug, teardown),
 * which every other xenbus backend of dom0 waits for: the worker takes no
 * new work meanwhile, and after PCIBK_OP_LOCK_WAIT_MS (a request whose
 * host call never returned) the session is marked wedged and false is
 * returned, at once from then on. End with pcibk_session_unlock_resume()
 * when the ring stays attached.
 */
bool pcibk_session_lock_bounded(struct pcibk_session *s);
void pcibk_session_unlock_resume(struct pcibk_session *s);

/* B1-B5 and the fast path: the event handler, any context. */
void pcibk_session_event(struct pcibk_session *s);
/* B6-B12: the worker (ops->kick), in a context that may sleep. */
void pcibk_session_work(struct pcibk_session *s);

/*
 * Map the frontend's page and bind its channel (B1, B16): -EBUSY if a
 * ring is attached (a second map would leak the first). A request posted
 * before the ring was taken goes to the worker, as if its event came now.
 */
int pcibk_session_connect(struct pcibk_session *s, u32 gref, u32 port);
/*
 * B16 (XSA-331): unbind (waits for a running handler), let the worker
 * finish and stop it, then unmap. -EBUSY (nothing done) when wedged.
 */
int pcibk_session_disconnect(struct pcibk_session *s);

/*
 * The frontend's or backend's state changed: read both, decide
 * (pcibk_session_frontend()) and carry it out; the host's state lock
 * held. True: the backend instance must be removed, which the caller does
 * without the state lock.
 */
bool pcibk_session_frontend_changed(struct pcibk_session *s);

/*
 * §11.3 in its two phases: the device leaves the topology under the op
 * lock (bounded), then is detached under its device lock, if it is still
 * this guest's. No lock held. False if no device is at that address (or
 * the session is wedged).
 */
bool pcibk_session_release(struct pcibk_session *s, u32 domain, u32 bus,
			   u32 devfn);
/* Release every device; -EBUSY if the session is wedged. */
int pcibk_session_teardown(struct pcibk_session *s);
/*
 * The device leaves the topology (an op lock section, not bounded: the
 * host removes the device); then, with its device lock held, detach it if
 * it is still this session's (whoever comes first does it).
 */
void pcibk_session_leave(struct pcibk_session *s, struct pcibk_dev *d);
void pcibk_session_detach(struct pcibk_session *s, struct pcibk_dev *d);

/*
 * One AER stage (cmd 6-9, §12.2) for d, which s holds; the device lock is
 * held (the claim is stable). Posts the stage to the frontend if it has an
 * AER handler and waits for its answer, PCIBK_AER_TIMEOUT_MS at most, or
 * until the ring goes or d leaves the topology. Returns the pci_ers_result
 * for the host. s NULL: d is not assigned (the default result).
 */
int pcibk_session_aer(struct pcibk_session *s, struct pcibk_dev *d, u32 cmd,
		      u32 state);

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
