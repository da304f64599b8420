/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The fuzz engine shared by the libFuzzer/AFL++ targets and the corpus
 * replay driver: one input describes a simulated host, a sequence of
 * guest requests, ring events, admin actions and injected host faults;
 * every step is followed by invariant checks that abort() on violation.
 * The input format is documented in docs/fuzzing.md.
 */
#ifndef PCIBK_FUZZ_HARNESS_H
#define PCIBK_FUZZ_HARNESS_H

#include "sim.h"
#include <pcibk/cfg.h>

enum fz_mode {
	FZ_MODE_OPS,		/* requests go straight to pcibk_op_handle() */
	FZ_MODE_RING,		/* requests go through the ring state machine */
	FZ_MODE_PARSE,		/* sysfs/parameter text parsers (parse.c) */
};

#define FZ_MAX_DEVS	8
#define FZ_MAX_STEPS	256
#define FZ_MAX_QUIRKS	8

/* Input reader: reads past the end return 0. */
struct fz_in {
	const u8 *p;
	size_t len;
	size_t pos;
};

struct fz_quirk {
	u16 reg;
	u8 size;
	bool on;
};

struct fz_dev {
	struct sim_dev *sd;
	struct pcibk_dev *d;		/* NULL if creation failed */
	bool exported;
	bool ever_permissive;		/* raw MSI flag writes were allowed */
	/*
	 * Where the capability list leads at creation: overrides of the
	 * config space may hide the simulator's own capabilities.
	 */
	u8 msi_pos, msix_pos;
	struct fz_quirk quirks[FZ_MAX_QUIRKS];
	/* The INTx helper as irq_handler_state (§9) may have left it. */
	bool toggled;			/* isr_on toggled since the host's last change */
	bool admin_ack;			/* toggled on while MSI/MSI-X was on */
	bool helper_seen;		/* sd->helper_on at the last check */
	u8 irq_mode_seen;		/* MSI | MSI-X << 1 at the last check */
	/* Counters at the last check: they never go down. */
	struct pcibk_dev_stats stats_seen;
	unsigned long handled_seen;
};

/* A request as the guest writes it, before any hostile rewriting. */
struct fz_req {
	u32 cmd, domain, bus, devfn;
	s32 offset, size;
	u32 value, info;
	u16 entry[SH_INFO_MAX_VEC];
};

struct fz_ring_fake {
	unsigned long notifies, eois, spurious_eois, kicks, aer_wakes;
	bool kick_pending;
	bool notified_post;		/* an event saw a posted request */
	unsigned int repost;		/* requests the guest posts on notify */
	bool reposted;			/* one was, since the last ring_op */
	bool in_work;			/* pcibk_session_work() is running */
	unsigned long fast_calls;	/* FZ_F_FAST: the handler's tries */
	bool fast_refused;		/* the last one found the op lock held */
	/*
	 * The event handler read a request and left it to the worker: the
	 * worker answers that copy (B6), whatever the page says by then.
	 */
	bool holding;
	struct fz_req held;		/* the request as the handler read it */
};

/*
 * The xenbus state machine of the guest's backend (session.c, steps 24
 * and 25): xenstore as the frontend, libxl and the backend left it, the
 * pages of the frontend's rings and the backend's mapping of one.
 */
enum fz_drop {
	FZ_DROP_FLUSH,		/* the worker runs until it is done, then unmap */
	FZ_DROP_CANCEL,		/* queued work is cancelled, never runs */
	FZ_DROP_ONCE,		/* it was running: that run ends, no requeue */
};

struct fz_sess {
	bool on;			/* header: session steps exist */
	int fe, be;			/* the states in xenstore */
	bool online;			/* the backend's "online" key */
	bool keys_ok;			/* pci-op-ref, event-channel, magic */
	bool fe_pending, be_pending;	/* a watch event not delivered yet */
	bool attached;			/* a ring is mapped and bound */
	bool gone;			/* GONE: the instance was removed */
	/*
	 * A callback found the frontend in Initialised since it last changed
	 * its keys: the backend knows of its current ring, so the rules about
	 * that ring apply.
	 */
	bool seen;
	unsigned int fe_gen;		/* the frontend's ring now */
	unsigned int ring_gen;		/* the one the backend mapped */
	unsigned long maps, unmaps;
	struct sim_page *fe_pg;		/* the frontend's page now */
	struct sim_page *ring_pg;	/* the backend's mapping (attached) */
	enum fz_drop drop;		/* how a disconnect finds the worker */
	int plug;			/* device libxl's reconfigure adds/removes, or -1 */
	bool plug_add;
	/* A request posted just before a state change (step 25 kind 3). */
	bool inflight;
	struct sim_page *inflight_pg;
	struct fz_req inflight_req;	/* the answer due, as ring_op expects it */
};

/* Header flags. */
#define FZ_F_PASSTHROUGH	0x01
#define FZ_F_PERMISSIVE		0x02
#define FZ_F_NOMSI		0x04
#define FZ_F_HOSTILE		0x08
#define FZ_F_EXT		0x10	/* step opcodes mod 24, not 20 */
#define FZ_F_FAST		0x20	/* the session has a fast lock: fast path */
#define FZ_F_FEW_PIRQS		0x40	/* Xen gives the guest 12 MSI pirqs */
/*
 * Session steps (opcodes mod 26): this flag together with bits 7-6 of the
 * device-count byte being 10. The fuzzer had set bit 7 alone, which meant
 * nothing, in saved inputs that must decode as they always did.
 */
#define FZ_F_SESSION		0x80
#define FZ_N_SESSION_MASK	0xc0
#define FZ_N_SESSION		0x80

struct fz {
	enum fz_mode mode;
	struct fz_in in;
	struct sim_host *h;
	struct sim_page *pg;
	/* The guest's session, as the module has one per guest. */
	struct sim_session ss;
	struct pcibk_guest *g;		/* &ss.s.guest */
	struct pcibk_ring *ring;	/* &ss.s.ring */
	struct fz_dev dev[FZ_MAX_DEVS];
	unsigned int ndev;
	bool nomsi;
	bool hostile;
	bool in_guest;			/* a guest request is being served */
	bool global_ever_permissive;
	long allocs_base;
	unsigned long log_base;		/* sim_log_unlimited at start */
	unsigned long log_guest;	/* unlimited lines guest steps caused */
	unsigned long log_budget;	/* what "once per ..." allows */
	struct fz_ring_fake rf;
	u32 next_req[9];		/* the request reposted from notify */
	bool ext;			/* FZ_F_EXT: steps 20-23 exist */
	bool fast;			/* FZ_F_FAST */
	/* Every request the core served, counted by whoever handed it in. */
	u64 ops_direct;			/* pcibk_op_handle() calls */
	u64 ops_old_rings;		/* ring ops before the last reconnect */
	u64 not_found_seen;
	struct pcibk_ring_stats ring_seen;
	struct fz_sess sess;
};

extern struct fz *fz_cur;

/* Run one input; returns 0 (violations abort). */
int fz_run(const u8 *data, size_t len, enum fz_mode mode);
int fz_parse(const u8 *data, size_t len);

/* Input reading. */
u8 fz_u8(struct fz_in *in);
u16 fz_u16(struct fz_in *in);
u32 fz_u32(struct fz_in *in);
bool fz_more(const struct fz_in *in);

/* Steps of harness.c that the other step files use. */
void fz_guest_begin(struct fz *f);
void fz_guest_end(struct fz *f);
void fz_ring_event(struct fz *f);
void fz_ring_work(struct fz *f);
void fz_ring_flush(struct fz *f);
void fz_reconnect(struct fz *f);
void fz_ring_start(struct fz *f);
void fz_ring_stop(struct fz *f);
void fz_ring_post(struct fz *f, const struct fz_req *r);
void fz_target(struct fz *f, struct fz_req *r);
void fz_check_reply(struct fz *f, const struct fz_req *r, const u8 *before);
void fz_export(struct fz *f, struct fz_dev *fd);
void fz_release(struct fz *f, struct fz_dev *fd);
struct fz_dev *fz_pick(struct fz *f);

/* The INTx helper and the sysfs-style show functions (intx.c, show.c). */
void fz_intx_fire(struct fz *f);
void fz_intx_toggle(struct fz *f);
void fz_show(struct fz *f, struct fz_dev *fd);
void fz_counters(struct fz *f);

/* AER forwarding (aer.c): the old POKE kind 3, and step 23. */
void fz_aer_poke(struct fz *f, u8 what);
void fz_aer_step(struct fz *f);
/* The session's wait, where the frontend answers (or not). */
void fz_aer_ops(struct pcibk_host_ops *ops);

/* The xenbus state machine (session.c): steps 24, 25 and its rules. */
void fz_session_init(struct fz *f);
/* The session's map and unmap, and the xenstore the core reads. */
int fz_sess_map(struct fz *f, void **sh);
void fz_sess_unmap(struct fz *f);
void fz_sess_xb_ops(struct pcibk_host_ops *ops);
void fz_session_step(struct fz *f, unsigned int op);
void fz_session_check(struct fz *f);
void fz_session_end(struct fz *f);

/* Devices (build.c). */
struct sim_dev *fz_build(struct fz *f, unsigned int tmpl, u8 bus, u8 devfn);

/* Host op wrappers and invariants (check.c). */
const struct pcibk_host_ops *fz_ops(bool nomsi);
/* The same with the session's ops the harness plays (harness.c). */
void fz_session_ops(struct fz *f, struct pcibk_host_ops *ops);
struct fz_dev *fz_dev_of(void *hdev);
void fz_check(struct fz *f);
void fz_check_idle(struct fz *f);
void fz_fail(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));

#define FZ_ASSERT(cond, ...) \
	do { if (!(cond)) fz_fail(__VA_ARGS__); } while (0)

#endif /* PCIBK_FUZZ_HARNESS_H */
