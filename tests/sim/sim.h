/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The simulated host: PCI functions with a modelled config space (write
 * masks, BAR sizing, MSI/MSI-X/PM/VPD capabilities, SR-IOV VFs, bridges),
 * an irq/pirq allocator that counts what is outstanding, and fault
 * injection into every host op that can fail. It implements
 * struct pcibk_host_ops for the core in user space.
 */
#ifndef PCIBK_SIM_H
#define PCIBK_SIM_H

#include <pcibk/core.h>

#define SIM_MAX_DEVS		64
#define SIM_MAX_MSIX		2048
#define SIM_NR_IRQS		4096

/* Host ops that can be made to fail (sim_fail). */
enum sim_op {
	SIM_ANY = 0,
	SIM_GET_INFO,
	SIM_GET_RES,
	SIM_CFG_READ,
	SIM_CFG_WRITE,
	SIM_PF_COMMAND,
	SIM_ENABLE_DEVICE,
	SIM_SET_MWI,
	SIM_ENABLE_MSI,
	SIM_ENABLE_MSIX,
	SIM_IRQ_ALLOC,		/* one per vector inside the MSI/MSI-X enables */
	SIM_PIRQ_MAP,		/* one per vector inside the MSI/MSI-X enables */
	SIM_REGISTER_OWNER,
	SIM_RESET,
	SIM_RESTORE_GOLDEN,
	SIM_SET_POWER,
	SIM_INTX_HELPER,
	SIM_NR_OPS,
};

struct sim_host;

struct sim_dev {
	struct sim_host *host;
	struct pcibk_dev_info info;
	struct pcibk_res res[PCIBK_NR_RES];
	u8 cfg[4096];		/* hardware registers */
	u8 wmask[4096];		/* bits the hardware lets software change */
	u8 golden[4096];	/* saved at sim_bind(), loaded by restore_golden */
	bool have_golden;
	struct sim_dev *pf;	/* SR-IOV: the physical function of a VF */
	struct sim_dev *parent;	/* the bridge above, if simulated */
	bool gone;		/* surprise-removed: present() says false */

	/* Capability offsets as built. */
	u8 msi_cap, msix_cap, pm_cap, vpd_cap, exp_cap;
	unsigned int msi_vectors;
	unsigned int msix_size;

	/* What the host PCI core thinks. */
	int enable_cnt;
	bool msi_on, msix_on;
	int msi_irq, msi_pirq;
	unsigned int msix_nr;
	int msix_irq[SH_INFO_MAX_VEC];
	int msix_pirq[SH_INFO_MAX_VEC];
	int owner;		/* registered owner domid, -1 none */
	int owner_steals;
	bool helper_on;
	bool line_shared;	/* another domain is bound to the INTx line */
	unsigned long exclusive_queries;
	int power_state;
	/* COMMAND when disable_msix last found MSI-X on (-1: never). */
	int cmd_at_msix_disable;

	/*
	 * The host's record of this binding (a session's release holds it
	 * between its two phases): released ends it, as an unbind would.
	 */
	long holds;
	bool released;
	unsigned long unclaims;

	/* Counters for tests. */
	unsigned long calls[SIM_NR_OPS];
	unsigned long cfg_writes;	/* raw writes that reached hardware */
	unsigned long resets;
	unsigned long msi_enables, msix_enables, msi_disables, msix_disables;
	unsigned long disable_device_calls, master_calls, mwi_calls, intx_calls;
};

struct sim_host {
	struct sim_dev *devs[SIM_MAX_DEVS];
	unsigned int ndevs;

	/* irq and pirq allocation, with outstanding counts */
	int next_irq;
	int next_pirq;
	long irqs_out;
	long pirqs_out;
	int pirq_base_override;	/* to test pirqs above 16 bits */
	/*
	 * Xen's MSI pirqs of the (one) guest, 0: unlimited. A mapping beyond
	 * it fails with -ENOSPC; one that fails after the first vector of
	 * an MSI-X enable is where Linux 6.1 tears the mapped vectors down
	 * twice (xen-pciback/core/pirq.c), counted in double_teardowns.
	 */
	long pirq_budget;
	unsigned long double_teardowns;
	u8 irq_used[SIM_NR_IRQS];	/* lowest free first, like the hosts */
	u8 pirq_used[SIM_NR_IRQS];

	/* fault injection: the nth call (1-based) of op fails with err */
	enum sim_op fail_op;
	unsigned long fail_nth;
	unsigned long fail_count;
	int fail_err;
	bool fail_repeat;	/* every call from the nth on */
	unsigned long total_calls;

	/* Order of host calls, for tests of sequences (detach order). */
	char trace[1024];
	unsigned int trace_len;
};

extern const struct pcibk_host_ops sim_ops;
extern const struct pcibk_host_ops sim_ops_nomsi;

struct sim_host *sim_host_new(void);
void sim_host_free(struct sim_host *h);

/* A function with an empty config space of the given header type/size. */
struct sim_dev *sim_dev_new(struct sim_host *h, u16 seg, u8 bus, u8 devfn,
			    u16 vendor, u16 device, u32 class, u8 hdr_type,
			    unsigned int cfg_size);
/* Capabilities, chained from 0x40 upwards; return their offset. */
u8 sim_add_msi(struct sim_dev *d, unsigned int nvec, bool maskable, bool is64);
u8 sim_add_msix(struct sim_dev *d, unsigned int table_size, u8 bir);
u8 sim_add_pm(struct sim_dev *d, u16 pmc);
u8 sim_add_vpd(struct sim_dev *d);
u8 sim_add_pcie(struct sim_dev *d);
/* A raw capability of len bytes with the given ID (e.g. vendor-specific). */
u8 sim_add_cap(struct sim_dev *d, u8 id, unsigned int len);
/* An extended capability at off (>= 0x100, 4096-byte spaces only). */
void sim_add_ext_cap(struct sim_dev *d, u16 off, u16 id, u16 next);
/* BARs: flags PCIBK_RES_IO / MEM / MEM64 / PREFETCH; index 6 is the ROM. */
void sim_add_bar(struct sim_dev *d, int idx, u32 flags, u64 start, u64 size);
void sim_set_irq(struct sim_dev *d, int irq, u8 pin);
void sim_make_vf(struct sim_dev *vf, struct sim_dev *pf);
/* Load raw config bytes (a dump); write masks stay as set up. */
void sim_load_cfg(struct sim_dev *d, const u8 *bytes, unsigned int len);
/* Snapshot the hardware as the golden copy, as bind does. */
void sim_bind(struct sim_dev *d);

/* Raw hardware access for tests (no fault injection, no counting). */
u32 sim_hw_read(const struct sim_dev *d, unsigned int off, unsigned int size);
void sim_hw_write(struct sim_dev *d, unsigned int off, unsigned int size, u32 v);

/* Forget the recorded call order. */
void sim_trace_clear(struct sim_host *h);

/* Make the nth call (1-based) of op fail with err (-errno or PCIBIOS). */
void sim_fail(struct sim_host *h, enum sim_op op, unsigned long nth, int err);
void sim_fail_clear(struct sim_host *h);

/*
 * Atomic context, as in the glue's event handler: while sim_atomic is
 * set, every host op that may sleep in a real host (all but the config
 * accessors and the pure lookups) counts in sim_sleeps_in_atomic and
 * names itself in sim_sleep_last.
 */
extern bool sim_atomic;
extern unsigned long sim_sleeps_in_atomic;
extern const char *sim_sleep_last;
/* Count a host op that may sleep (sim_atomic). */
void sim_may_sleep(const char *what);

/*
 * ---- a guest's session over the simulated host (session.c) ----
 *
 * The session ops of sim_ops, single-threaded: ctx is a struct
 * sim_session. Locks check their own use (a lock taken twice, released
 * unheld, a sleeping op under the fast lock); time is a counter that
 * sleeps and waits advance; the frontend is a sim page and a few strings
 * of xenstore. Hooks let a test act as the frontend at the moments a
 * real one could (on_notify: it sees an answer; on_wait: the backend
 * sleeps).
 */
#define SIM_XB_KEY	32

struct sim_page;

struct sim_session {
	struct pcibk_session s;
	/* locks */
	int op_held, fast_held;
	bool op_taken_elsewhere;	/* op_trylock fails: a request runs */
	unsigned long lock_errors;
	unsigned long op_locks, trylock_fails;
	/* time */
	u64 now_ms;
	unsigned long sleeps, waits, wakes;
	void (*on_wait)(struct sim_session *ss);
	/* the event channel and the page */
	struct sim_page *pg;		/* what map gives */
	int map_err, bind_err;
	bool mapped, bound;
	u32 gref, port;
	unsigned long maps, unmaps, binds, unbinds;	/* that succeeded */
	unsigned long notifies, eois, spurious_eois, kicks, cancels;
	bool kick_pending;
	void (*on_notify)(struct sim_session *ss);
	/* xenstore */
	int fe_state, be_state;
	bool online;
	char fe_ref[SIM_XB_KEY], fe_port[SIM_XB_KEY], fe_magic[SIM_XB_KEY];
	unsigned long switches;
	int switch_err;			/* xb_switch fails with it, once */
	unsigned long fatals;
	int fatal_err;
	char fatal_msg[128];
	int reconfigure_rc;
	unsigned long reconfigures;
	unsigned long aer_fails;
	void *priv;			/* the test's */
};

/* A session for domid over ops (sim_ops or a copy), frontend unset. */
void sim_session_init(struct sim_session *ss, const struct pcibk_host_ops *ops,
		      u16 domid, bool passthrough);
/* The frontend publishes pg as gref 8, port 9, with the right magic. */
void sim_session_publish(struct sim_session *ss, struct sim_page *pg);
/* Run the worker while it has been kicked, as a workqueue would. */
void sim_session_flush(struct sim_session *ss);

void *sim_s_dev_hold(void *hdev);
void sim_s_dev_put(void *held);
bool sim_s_dev_lock(void *held);
void sim_s_dev_unlock(void *held);
void sim_s_unclaim(void *hdev);
void sim_s_op_lock(void *ctx);
bool sim_s_op_trylock(void *ctx);
void sim_s_op_unlock(void *ctx);
void sim_s_fast_lock(void *ctx);
void sim_s_fast_unlock(void *ctx);
u64 sim_s_now_ms(void *ctx);
void sim_s_sleep_ms(void *ctx, unsigned int ms);
void sim_s_wait(void *ctx, bool (*done)(void *arg), void *arg,
		unsigned int ms);
void sim_s_wake(void *ctx);
void sim_s_notify(void *ctx);
void sim_s_eoi(void *ctx, bool spurious);
void sim_s_kick(void *ctx);
void sim_s_cancel(void *ctx);
int sim_s_map(void *ctx, u32 gref, void **sh);
void sim_s_unmap(void *ctx, void *sh);
int sim_s_bind(void *ctx, u32 port);
void sim_s_unbind(void *ctx);
int sim_s_xb_state(void *ctx, bool frontend);
bool sim_s_xb_online(void *ctx);
int sim_s_xb_switch(void *ctx, int state);
int sim_s_xb_read_fe(void *ctx, const char *key, char *buf, size_t len);
void sim_s_xb_fatal(void *ctx, int err, const char *msg);
int sim_s_reconfigure(void *ctx);
void sim_s_aer_fail(void *ctx);

#define SIM_SESSION_OPS						\
	.dev_hold = sim_s_dev_hold,				\
	.dev_put = sim_s_dev_put,				\
	.dev_lock = sim_s_dev_lock,				\
	.dev_unlock = sim_s_dev_unlock,				\
	.unclaim = sim_s_unclaim,				\
	.op_lock = sim_s_op_lock,				\
	.op_trylock = sim_s_op_trylock,				\
	.op_unlock = sim_s_op_unlock,				\
	.fast_lock = sim_s_fast_lock,				\
	.fast_unlock = sim_s_fast_unlock,			\
	.now_ms = sim_s_now_ms,					\
	.sleep_ms = sim_s_sleep_ms,				\
	.wait = sim_s_wait,					\
	.wake = sim_s_wake,					\
	.notify = sim_s_notify,					\
	.eoi = sim_s_eoi,					\
	.kick = sim_s_kick,					\
	.cancel = sim_s_cancel,					\
	.map = sim_s_map,					\
	.unmap = sim_s_unmap,					\
	.bind = sim_s_bind,					\
	.unbind = sim_s_unbind,					\
	.xb_state = sim_s_xb_state,				\
	.xb_online = sim_s_xb_online,				\
	.xb_switch = sim_s_xb_switch,				\
	.xb_read_fe = sim_s_xb_read_fe,				\
	.xb_fatal = sim_s_xb_fatal,				\
	.reconfigure = sim_s_reconfigure,			\
	.aer_fail = sim_s_aer_fail

/* ---- environment: allocation and log accounting ---- */
extern long sim_allocs_out;
extern unsigned long sim_log_lines;		/* all */
extern unsigned long sim_log_unlimited;	/* not rate limited, not debug */
extern bool sim_log_verbose;
extern char sim_log_last[256];
extern char sim_log_prev[256];		/* the line before it */

/* ---- shared page with tripwire ---- */
struct sim_page {
	u8 *page;			/* 4096 bytes, page aligned */
	u8 reads[4096];			/* per-byte read count while armed */
	u8 writes[4096];		/* per-byte write count while armed */
	bool armed;
	bool hostile;			/* scramble bytes once they are read */
	unsigned long double_reads;	/* request bytes read twice */
	unsigned long bad_writes;	/* writes outside err/value/vectors */
	unsigned int seed;
};

struct sim_page *sim_page_new(void);
void sim_page_free(struct sim_page *p);
/* Start watching one request; stop and report. */
void sim_page_arm(struct sim_page *p, bool hostile);
/* Watch again, keeping the counts of an earlier armed stretch. */
void sim_page_arm_keep(struct sim_page *p, bool hostile);
void sim_page_disarm(struct sim_page *p);
/* Fill the request fields (flags untouched). */
void sim_page_req(struct sim_page *p, u32 cmd, u32 domain, u32 bus, u32 devfn,
		  s32 offset, s32 size, u32 value, u32 info);
s32 sim_page_err(const struct sim_page *p);
u32 sim_page_value(const struct sim_page *p);
u16 sim_page_vector(const struct sim_page *p, unsigned int i);
u16 sim_page_entry(const struct sim_page *p, unsigned int i);
void sim_page_set_entry(struct sim_page *p, unsigned int i, u16 entry, u16 vector);

#endif /* PCIBK_SIM_H */
