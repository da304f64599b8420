// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The fuzz engine: decode one input into a simulated host and a sequence
 * of steps, run them against the core, check the invariants after each.
 * The byte format is described in docs/fuzzing.md.
 */
#include "harness.h"

#define DOMID		7

/* FZ_TRACE=1 in the environment: print every step (to debug an input). */
static bool trace;

/* ------------------------------------------------------------- input */

u8 fz_u8(struct fz_in *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}

u16 fz_u16(struct fz_in *in)
{
	u16 lo = fz_u8(in);

	return (u16)(lo | (fz_u8(in) << 8));
}

u32 fz_u32(struct fz_in *in)
{
	u32 lo = fz_u16(in);

	return lo | ((u32)fz_u16(in) << 16);
}

bool fz_more(const struct fz_in *in)
{
	return in->pos < in->len;
}

/* Errors a host op can return: errnos and PCIBIOS codes. */
static const int fault_errs[] = {
	-EIO, -ENOMEM, -EINVAL, -ENODEV, -ENOSPC, -EBUSY, -ENXIO, -ERANGE,
	0x86, 0x87, 0x88, 0x81, 0x89, -1, 1, -EFAULT,
};

/* --------------------------------------------------------- the steps */

/* Guest steps: count the unlimited log lines they cause. */
static unsigned long log_mark;

void fz_guest_begin(struct fz *f)
{
	log_mark = sim_log_unlimited;
	f->in_guest = true;
}

void fz_guest_end(struct fz *f)
{
	f->in_guest = false;
	f->log_guest += sim_log_unlimited - log_mark;
}

void fz_target(struct fz *f, struct fz_req *r)
{
	u8 sel = fz_u8(&f->in);
	struct fz_dev *fd;

	if (sel >= 0xf0 || !f->ndev) {
		/* Anything at all, including out-of-range values (S2). */
		r->domain = sel & 1 ? fz_u32(&f->in) : fz_u16(&f->in);
		r->bus = sel & 2 ? fz_u32(&f->in) : fz_u8(&f->in);
		r->devfn = sel & 4 ? fz_u32(&f->in) : fz_u8(&f->in);
		return;
	}
	fd = &f->dev[sel % f->ndev];
	if (fd->d && fd->d->guest) {
		r->domain = fd->d->vaddr.domain;
		r->bus = fd->d->vaddr.bus;
		r->devfn = fd->d->vaddr.devfn;
	} else {
		r->domain = fd->sd->info.seg;
		r->bus = fd->sd->info.bus;
		r->devfn = fd->sd->info.devfn;
	}
	/* A neighbouring function of an assigned one. */
	if (sel & 0x80)
		r->devfn ^= 1u << (sel & 7);
}

static void write_req(struct fz *f, const struct fz_req *r)
{
	unsigned int i;

	sim_page_req(f->pg, r->cmd, r->domain, r->bus, r->devfn, r->offset,
		     r->size, r->value, r->info);
	for (i = 0; i < SH_INFO_MAX_VEC; i++)
		sim_page_set_entry(f->pg, i, r->entry[i], 0xffff);
}

static u32 get32(const u8 *p, unsigned int off)
{
	u32 v;

	memcpy(&v, p + off, 4);
	return v;
}

/* The request the page holds now, as a backend's first read sees it. */
static void read_req(const struct fz *f, struct fz_req *r)
{
	const u8 *pg = f->pg->page;
	unsigned int i;

	r->cmd = get32(pg, PCIBK_SH_CMD);
	r->domain = get32(pg, PCIBK_SH_DOMAIN);
	r->bus = get32(pg, PCIBK_SH_BUS);
	r->devfn = get32(pg, PCIBK_SH_DEVFN);
	r->offset = (s32)get32(pg, PCIBK_SH_OFFSET);
	r->size = (s32)get32(pg, PCIBK_SH_SIZE);
	r->value = get32(pg, PCIBK_SH_VALUE);
	r->info = get32(pg, PCIBK_SH_INFO);
	for (i = 0; i < SH_INFO_MAX_VEC; i++)
		memcpy(&r->entry[i], pg + PCIBK_SH_ENTRY(i), 2);
}

/* §16 items 3, 4 and the answers §4.1 fixes for a request. */
void fz_check_reply(struct fz *f, const struct fz_req *r, const u8 *before)
{
	const u8 *pg = f->pg->page;
	s32 err = (s32)get32(pg, PCIBK_SH_ERR);
	u32 value = get32(pg, PCIBK_SH_VALUE);
	struct pcibk_dev *d;
	unsigned int i, nr = 0;

	if (r->cmd == XEN_PCI_OP_enable_msix && !err)
		nr = r->value;
	for (i = nr; i < SH_INFO_MAX_VEC; i++)
		FZ_ASSERT(!f->pg->writes[PCIBK_SH_VECTOR(i)],
			  "vector %u written, nr %u err %d", i, nr, err);
	if (before) {
		/* Everything but err, value and vectors[0, nr) is as it was. */
		FZ_ASSERT(!memcmp(pg + PCIBK_SH_CMD, before + PCIBK_SH_CMD, 4) &&
			  !memcmp(pg + PCIBK_SH_DOMAIN, before + PCIBK_SH_DOMAIN,
				  PCIBK_SH_VALUE - PCIBK_SH_DOMAIN) &&
			  !memcmp(pg + PCIBK_SH_INFO, before + PCIBK_SH_INFO, 4) &&
			  !memcmp(pg + PCIBK_SH_AER, before + PCIBK_SH_AER,
				  4096 - PCIBK_SH_AER),
			  "page changed outside err/value/vectors");
		for (i = 0; i < SH_INFO_MAX_VEC; i++)
			FZ_ASSERT(!memcmp(pg + PCIBK_SH_ENTRY(i),
					  before + PCIBK_SH_ENTRY(i), 2) &&
				  (i < nr || !memcmp(pg + PCIBK_SH_VECTOR(i),
						     before + PCIBK_SH_VECTOR(i), 2)),
				  "msix entry %u changed by the backend", i);
	}
	for (i = 0; i < nr; i++) {
		u16 v;

		memcpy(&v, pg + PCIBK_SH_VECTOR(i), 2);
		FZ_ASSERT(v != 0, "enable_msix: vector %u is 0", i);
	}
	if (r->domain > 0xffff || r->bus > 0xff || r->devfn > 0xff) {
		FZ_ASSERT(err == XEN_PCI_ERR_dev_not_found,
			  "out-of-range address answered %d", err);
		return;
	}
	d = pcibk_topo_find(&f->g->topo, r->domain, r->bus, r->devfn);
	if (!d) {
		FZ_ASSERT(err == XEN_PCI_ERR_dev_not_found,
			  "unknown device answered %d", err);
		return;
	}
	if (f->nomsi && r->cmd >= XEN_PCI_OP_enable_msi &&
	    r->cmd <= XEN_PCI_OP_disable_msix) {
		FZ_ASSERT(err == XEN_PCI_ERR_not_implemented,
			  "MSI command %u without MSI answered %d", r->cmd, err);
		return;
	}
	switch (r->cmd) {
	case XEN_PCI_OP_conf_read:
		FZ_ASSERT(!err || !value, "failed read returned value %#x", value);
		if (r->size == 1 || r->size == 2)
			FZ_ASSERT(!(value >> (8 * r->size)),
				  "read of %d bytes returned %#x", r->size, value);
		if ((r->size != 1 && r->size != 2 && r->size != 4) ||
		    r->offset < 0 || r->offset % r->size ||
		    (u32)r->offset + (u32)r->size > d->info.cfg_size)
			FZ_ASSERT(err == XEN_PCI_ERR_invalid_offset,
				  "bad access %d/%d answered %d", r->offset,
				  r->size, err);
		break;
	case XEN_PCI_OP_enable_msi:
		FZ_ASSERT(err ? (err == XEN_PCI_ERR_op_failed && !value) : value != 0,
			  "enable_msi answered %d value %u", err, value);
		break;
	case XEN_PCI_OP_enable_msix:
		FZ_ASSERT(err || !value, "enable_msix success with value %u", value);
		if (r->value == 0 || r->value > SH_INFO_MAX_VEC)
			FZ_ASSERT(err == -EINVAL && value == r->value,
				  "enable_msix(%u) answered %d", r->value, err);
		break;
	case XEN_PCI_OP_disable_msi:
	case XEN_PCI_OP_disable_msix:
		FZ_ASSERT(!err, "disable answered %d", err);
		break;
	case XEN_PCI_OP_conf_write:
		break;
	default:
		FZ_ASSERT(err == XEN_PCI_ERR_not_implemented && value == r->value,
			  "command %u answered %d value %#x", r->cmd, err, value);
	}
}

/* Index of an answer among a device's err_* counters. */
static unsigned int err_index(s32 err)
{
	return err <= 0 && err >= -5 ? (unsigned int)-err : PCIBK_STAT_ERRS - 1;
}

/*
 * The request the guest wrote was counted once, on the device it names
 * (req_<cmd>, err_<answer>), or as "not found"; nothing else moved. A
 * hostile guest may rewrite the request while it is read: then only one
 * count, somewhere.
 */
static void check_counted(struct fz *f, const struct fz_req *r,
			  struct pcibk_dev *d, const struct pcibk_dev_stats *st,
			  u64 not_found, bool exact)
{
	s32 err = (s32)get32(f->pg->page, PCIBK_SH_ERR);
	unsigned int c = r->cmd < PCIBK_NR_CMDS ? r->cmd : PCIBK_NR_CMDS;

	if (!exact)
		return;	/* the totals of fz_check() still hold */
	if (!d) {
		FZ_ASSERT(f->g->stats.not_found == not_found + 1,
			  "request for no device not counted as not found");
		return;
	}
	FZ_ASSERT(f->g->stats.not_found == not_found,
		  "%s: request counted as not found", d->name);
	FZ_ASSERT(d->stats.req[c] == st->req[c] + 1 &&
		  d->stats.err[err_index(err)] == st->err[err_index(err)] + 1,
		  "%s: command %u answered %d not counted", d->name, r->cmd, err);
}

static void direct_op(struct fz *f, const struct fz_req *r, bool hostile)
{
	static u8 before[4096];
	struct pcibk_dev_stats st;
	struct pcibk_dev *d = NULL;
	u64 not_found = f->g->stats.not_found;

	if (r->domain <= 0xffff && r->bus <= 0xff && r->devfn <= 0xff)
		d = pcibk_topo_find(&f->g->topo, r->domain, r->bus, r->devfn);
	if (d)
		st = d->stats;
	write_req(f, r);
	memcpy(before, f->pg->page, sizeof(before));
	f->pg->seed = r->value ^ r->offset;
	sim_page_arm(f->pg, hostile);
	fz_guest_begin(f);
	pcibk_op_handle(f->g, f->pg->page);
	f->ops_direct++;
	fz_guest_end(f);
	sim_page_disarm(f->pg);
	check_counted(f, r, d, &st, not_found, !hostile);
	if (trace)
		fprintf(stderr, "  op cmd %u %x:%x:%x off %d size %d value %#x -> err %d value %#x\n",
			r->cmd, r->domain, r->bus, r->devfn, r->offset, r->size,
			r->value, (s32)get32(f->pg->page, PCIBK_SH_ERR),
			get32(f->pg->page, PCIBK_SH_VALUE));
	fz_check_reply(f, r, hostile ? NULL : before);
}

/* ------------------------------------------------------------- the ring */

static struct fz *F(void *ctx)
{
	return ((struct sim_session *)ctx)->priv;
}

static void rf_notify(void *ctx)
{
	struct fz *f = F(ctx);
	struct fz_req r;

	f->rf.notifies++;
	if (!f->rf.repost || !f->rf.in_work)
		return;
	/* The guest posts its next request the moment it sees the answer. */
	f->rf.repost--;
	f->rf.reposted = true;
	memset(&r, 0, sizeof(r));
	r.cmd = f->next_req[0] % 12;
	r.domain = f->next_req[1];
	r.bus = f->next_req[2];
	r.devfn = f->next_req[3];
	r.offset = (s32)f->next_req[4];
	r.size = (s32)f->next_req[5];
	r.value = f->next_req[6];
	write_req(f, &r);
	/* A new request: the tripwire starts over. */
	sim_page_arm(f->pg, f->hostile);
	pcibk_sh_set_flag(f->pg->page, _XEN_PCIF_active);
}

static void rf_eoi(void *ctx, bool spurious)
{
	struct fz *f = F(ctx);

	f->rf.eois++;
	if (spurious)
		f->rf.spurious_eois++;
}

static void rf_kick(void *ctx)
{
	struct fz *f = F(ctx);

	f->rf.kicks++;
	f->rf.kick_pending = true;
}

static void rf_wake(void *ctx)
{
	struct fz *f = F(ctx);

	f->rf.aer_wakes++;
}

/* cancel_work_sync(): queued work never runs. */
static void rf_cancel(void *ctx)
{
	struct fz *f = F(ctx);

	f->rf.kick_pending = false;
}

/*
 * The fast lock (FZ_F_FAST), taken by the event handler and, briefly, by
 * every op lock holder. Every third try of the handler finds the op lock
 * held (a worker on another CPU: op_busy), so the worker runs the fetched
 * copy instead. The sim's lock itself checks that nothing under it may
 * sleep.
 */
static void rf_fast_lock(void *ctx)
{
	struct fz *f = F(ctx);

	sim_s_fast_lock(ctx);
	if (f->ss.op_held)
		return;
	f->rf.fast_refused = ++f->rf.fast_calls % 3 == 0;
	if (f->rf.fast_refused)
		f->ss.s.op_busy = true;
}

static void rf_fast_unlock(void *ctx)
{
	struct fz *f = F(ctx);

	if (!f->ss.op_held && f->rf.fast_refused)
		f->ss.s.op_busy = false;
	sim_s_fast_unlock(ctx);
}

static int rf_map(void *ctx, u32 gref, void **sh)
{
	struct fz *f = F(ctx);

	(void)gref;
	return fz_sess_map(f, sh);
}

static void rf_unmap(void *ctx, void *sh)
{
	struct fz *f = F(ctx);

	FZ_ASSERT(sh == f->pg->page, "unmap of a page that is not the ring's");
	fz_sess_unmap(f);
}

void fz_session_ops(struct fz *f, struct pcibk_host_ops *ops)
{
	*ops = *fz_ops(f->nomsi);
	ops->notify = rf_notify;
	ops->eoi = rf_eoi;
	ops->kick = rf_kick;
	ops->wake = rf_wake;
	ops->cancel = rf_cancel;
	ops->map = rf_map;
	ops->unmap = rf_unmap;
	ops->fast_lock = f->fast ? rf_fast_lock : NULL;
	ops->fast_unlock = f->fast ? rf_fast_unlock : NULL;
	fz_sess_xb_ops(ops);
	fz_aer_ops(ops);
}

void fz_ring_event(struct fz *f)
{
	bool posted = f->pg->page[0] & (1u << _XEN_PCIF_active);
	bool watch = f->fast && posted;
	unsigned long sleeps = sim_sleeps_in_atomic;
	u64 fast = f->ring->stats.fast, calls = f->rf.fast_calls;
	bool took = false;
	struct fz_req seen;

	/* No ring (session steps): the frontend's event reaches no handler. */
	if (!f->ss.bound)
		return;
	if (posted)
		f->rf.notified_post = true;
	/*
	 * With the fast path the handler fetches: the tripwire watches it.
	 * While it holds an earlier request, nothing of the page may be read
	 * again, so the counts of that fetch are kept.
	 */
	if (watch) {
		read_req(f, &seen);
		if (f->rf.holding)
			sim_page_arm_keep(f->pg, f->hostile);
		else
			sim_page_arm(f->pg, f->hostile);
	}
	fz_guest_begin(f);
	/* The event handler: hard interrupt context, nothing may sleep. */
	sim_atomic = true;
	pcibk_session_event(&f->ss.s);
	sim_atomic = false;
	fz_guest_end(f);
	FZ_ASSERT(sim_sleeps_in_atomic == sleeps,
		  "host op %s called in the event handler", sim_sleep_last);
	if (watch) {
		took = !f->rf.holding && f->pg->reads[PCIBK_SH_CMD];
		sim_page_disarm(f->pg);
	}
	/* A config read the handler tried, not refused, is answered there. */
	if (took && f->rf.fast_calls != calls && !f->rf.fast_refused &&
	    seen.cmd == XEN_PCI_OP_conf_read)
		FZ_ASSERT(f->ring->stats.fast == fast + 1,
			  "config read refused by the fast path");
	/* Answered in the handler: nothing is owed to that post any more. */
	if (!(f->pg->page[0] & (1u << _XEN_PCIF_active))) {
		f->rf.notified_post = false;
	} else if (took) {
		f->rf.holding = true;
		f->rf.held = seen;
	}
}

void fz_ring_work(struct fz *f)
{
	bool owned;
	u64 ops;

	if (!f->rf.kick_pending || !f->ss.bound)
		return;
	f->rf.kick_pending = false;
	/*
	 * A request the handler fetched (B6): the worker must not read it
	 * again, so the counts of the handler's reads stay.
	 */
	if (pcibk_test_bit(PCIBK_RING_FETCHED, &f->ring->flags))
		sim_page_arm_keep(f->pg, f->hostile);
	else
		sim_page_arm(f->pg, f->hostile);
	owned = pcibk_test_bit(PCIBK_RING_INFLIGHT, &f->ring->flags);
	ops = f->ring->stats.ops;
	fz_guest_begin(f);
	f->rf.in_work = true;
	pcibk_session_work(&f->ss.s);
	f->rf.in_work = false;
	fz_guest_end(f);
	sim_page_disarm(f->pg);
	/* Only the owner of the slot is kicked: nobody else answers. */
	FZ_ASSERT(owned || f->ring->stats.ops == ops,
		  "a worker run that owned no request answered %llu",
		  (unsigned long long)(f->ring->stats.ops - ops));
	/* A worker run answers at least the request it was kicked for. */
	f->rf.holding = false;
	if (!(f->pg->page[0] & (1u << _XEN_PCIF_active)))
		f->rf.notified_post = false;
}

/* The worker runs until it stops requeueing (a workqueue would). */
void fz_ring_flush(struct fz *f)
{
	unsigned int i;

	for (i = 0; i < 8 && f->rf.kick_pending; i++)
		fz_ring_work(f);
}

/*
 * The frontend disconnects and connects again (the same page, as the
 * ring step has no session): the worker is flushed, the session drops
 * the ring (the channel unbound, an owed EOI with it) and takes it again
 * with counters of its own.
 */
void fz_reconnect(struct fz *f)
{
	fz_ring_flush(f);
	pcibk_sh_clear_flag(f->pg->page, _XEN_PCIF_active);
	pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
	fz_ring_stop(f);
	fz_ring_start(f);
}

/* The session maps f->pg and binds (a connect). */
void fz_ring_start(struct fz *f)
{
	FZ_ASSERT(!pcibk_session_connect(&f->ss.s, 8, 9), "connect failed");
}

/*
 * The ring goes (session steps: the caller has let the worker run or
 * not): the session's disconnect unbinds the channel, with any EOI owed,
 * cancels queued work and unmaps.
 */
void fz_ring_stop(struct fz *f)
{
	FZ_ASSERT(!pcibk_session_disconnect(&f->ss.s), "disconnect failed");
}

void fz_ring_post(struct fz *f, const struct fz_req *r)
{
	write_req(f, r);
	pcibk_sh_set_flag(f->pg->page, _XEN_PCIF_active);
}

/*
 * Post, notify, let the worker run until it stops requeueing.
 *
 * A guest that writes over a request the event handler has already
 * fetched (without waiting for the answer, or after its own timeout,
 * step 17) gets the answer to the fetched one: the backend reads a
 * request once (B6) and cannot tell that the slot was reused (B13). So
 * the answer is checked against the request the handler read, and the
 * one written over it is lost with the bit the answer clears.
 */
static void ring_op(struct fz *f, const struct fz_req *r)
{
	static struct fz_req held;
	const struct fz_req *expect = r;

	if (f->rf.holding) {
		held = f->rf.held;
		expect = &held;
		if (trace)
			fprintf(stderr, "  posted over a fetched request (cmd %u %x:%x:%x): its answer is due\n",
				held.cmd, held.domain, held.bus, held.devfn);
	}
	f->rf.reposted = false;
	fz_ring_post(f, r);
	fz_ring_event(f);
	fz_ring_flush(f);
	if (!f->rf.reposted && !(f->pg->page[0] & (1u << _XEN_PCIF_active)))
		fz_check_reply(f, expect, NULL);
}

/* --------------------------------------------------------- admin steps */

void fz_export(struct fz *f, struct fz_dev *fd)
{
	if (!fd->d)
		return;
	if (!pcibk_guest_export(f->g, fd->d))
		f->log_budget += 3;	/* the once-per-device warning again */
}

/*
 * An enable bit of the capability at pos, as software can change it: a
 * list an override bent may lead to a byte whose bit is read-only.
 */
static bool flag_on(const struct sim_dev *sd, u8 pos, unsigned int byte, u8 bit)
{
	return pos && sd->cfg[pos + byte] & sd->wmask[pos + byte] & bit;
}

static void flag_set(struct sim_dev *sd, u8 pos, unsigned int byte, u8 bit)
{
	sd->cfg[pos + byte] |= sd->wmask[pos + byte] & bit;
}

/*
 * A hot-unplug: the session releases the guest address the device sits
 * at, in its two phases (§11.3).
 */
void fz_release(struct fz *f, struct fz_dev *fd)
{
	struct pcibk_dev *d = fd->d;

	if (!d || d->guest != f->g ||
	    pcibk_topo_find(&f->g->topo, d->vaddr.domain, d->vaddr.bus,
			    d->vaddr.devfn) != d)
		return;
	struct sim_host *h = f->h;
	struct sim_dev *sd = fd->sd;
	/*
	 * No injected fault can make a config access fail during this
	 * release (a failed reset, the case that matters, may).
	 */
	bool clean = !h->fail_nth || (!h->fail_repeat && h->fail_count >= h->fail_nth) ||
		     (h->fail_op != SIM_ANY && h->fail_op != SIM_CFG_READ &&
		      h->fail_op != SIM_CFG_WRITE);

	FZ_ASSERT(pcibk_session_release(&f->ss.s, d->vaddr.domain,
					d->vaddr.bus, d->vaddr.devfn),
		  "release found no device");
	/*
	 * Whoever turned them on, the next owner finds MSI and MSI-X off:
	 * those its capability list shows (what a PCI core walks).
	 */
	if (clean && !sd->gone) {
		FZ_ASSERT(!flag_on(sd, fd->msix_pos, 3, 0x80),
			  "MSI-X still enabled after release");
		FZ_ASSERT(!flag_on(sd, fd->msi_pos, 2, 0x01),
			  "MSI still enabled after release");
	}
}

static void teardown(struct fz *f)
{
	FZ_ASSERT(!pcibk_session_teardown(&f->ss.s), "teardown failed");
	fz_check_idle(f);
}

static void quirk(struct fz *f, struct fz_dev *fd, u8 how)
{
	u16 reg = fz_u16(&f->in) & 0xfff;
	u8 size = (u8)(1u << (fz_u8(&f->in) % 3));
	u32 mask = fz_u32(&f->in);
	unsigned int i;

	if (!fd->d)
		return;
	if (how & 1) {
		if (size < 4)
			mask &= (1u << (8 * size)) - 1;
		if (pcibk_cfg_quirk_add(fd->d, reg, size, mask))
			return;
		for (i = 0; i < FZ_MAX_QUIRKS; i++)
			if (!fd->quirks[i].on)
				break;
		if (i == FZ_MAX_QUIRKS) {
			pcibk_cfg_quirk_del(fd->d, reg, size);
			return;
		}
		fd->quirks[i].on = true;
		fd->quirks[i].reg = reg;
		fd->quirks[i].size = size;
		return;
	}
	for (i = 0; i < FZ_MAX_QUIRKS; i++) {
		struct fz_quirk *q = &fd->quirks[i];

		if (q->on && (how & 2 || (q->reg == reg && q->size == size))) {
			FZ_ASSERT(!pcibk_cfg_quirk_del(fd->d, q->reg, q->size),
				  "quirk %#x/%u lost", q->reg, q->size);
			q->on = false;
		}
	}
}

static void admin(struct fz *f)
{
	u8 what = fz_u8(&f->in);
	struct fz_dev *fd = fz_pick(f);

	switch (what % 8) {
	case 0:
		if (fd->d && !pcibk_cfg_set_permissive(fd->d))
			fd->ever_permissive = true;
		break;
	case 1:
		pcibk_permissive = !pcibk_permissive;
		f->global_ever_permissive |= pcibk_permissive;
		break;
	case 2:
		if (fd->d)
			fd->d->allow_intctl = !fd->d->allow_intctl;
		break;
	case 3:
		if (fd->d)
			pcibk_cfg_set_strict(fd->d, what & 8);
		break;
	case 4:
	case 5:
		quirk(f, fd, what >> 3);
		break;
	case 6:
		fz_show(f, fd);
		break;
	default:
		if (fd->d)
			pcibk_cfg_denied_clear(fd->d);
		break;
	}
}

static void fault(struct fz *f)
{
	u8 op = fz_u8(&f->in), nth = fz_u8(&f->in);

	sim_fail(f->h, (enum sim_op)(op % SIM_NR_OPS), 1 + nth % 16,
		 fault_errs[(nth >> 4) % ARRAY_SIZE(fault_errs)]);
	f->h->fail_repeat = op & 0x80;
}

/* Something outside the guest's reach changes the hardware. */
static void hw_poke(struct fz *f)
{
	u8 what = fz_u8(&f->in);
	struct fz_dev *fd;
	struct sim_dev *pf;
	u32 cmd;

	if (what % 6 == 3) {
		fz_aer_poke(f, what);
		return;
	}
	fd = fz_pick(f);
	pf = fd->sd->pf ? fd->sd->pf : fd->sd;
	cmd = sim_hw_read(pf, 4, 2);
	switch (what % 6) {
	case 5:
		/*
		 * An HVM guest's device model turns MSI or MSI-X on through
		 * the config space, past the backend and dom0's PCI core.
		 */
		if (fd->sd->msi_on || fd->sd->msix_on ||
		    flag_on(fd->sd, fd->msix_pos, 3, 0x80) ||
		    flag_on(fd->sd, fd->msi_pos, 2, 0x01))
			break;	/* one mode at a time, as a device model does */
		/* It finds them by the capability list, as dom0's core does. */
		if (what & 0x40 && fd->msix_pos)
			flag_set(fd->sd, fd->msix_pos, 3, 0x80);
		else if (fd->msi_pos)
			flag_set(fd->sd, fd->msi_pos, 2, 0x01);
		break;
	case 0:
		sim_hw_write(pf, 4, 2, cmd ^ 0x2);	/* PF driver flips MSE */
		break;
	case 1:
		sim_hw_write(fd->sd, 6, 2, fz_u16(&f->in));	/* status */
		break;
	case 2:
		f->h->pirq_base_override = what & 4 ? 0xfff0 : 0;
		break;
	default:
		f->rf.repost = fz_u8(&f->in) % 80;
		f->next_req[0] = fz_u8(&f->in);
		f->next_req[1] = 0;
		f->next_req[2] = 0;
		f->next_req[3] = fz_u8(&f->in);
		f->next_req[4] = fz_u16(&f->in) & 0xffc;
		f->next_req[5] = 4;
		f->next_req[6] = fz_u32(&f->in);
		break;
	}
}

/* ---------------------------------------------------------- requests */

static void fill_entries(struct fz *f, struct fz_req *r, u8 how)
{
	unsigned int i, n = r->value < SH_INFO_MAX_VEC ? r->value : SH_INFO_MAX_VEC;

	for (i = 0; i < SH_INFO_MAX_VEC; i++) {
		switch (how % 4) {
		case 0: r->entry[i] = (u16)i; break;
		case 1: r->entry[i] = (u16)(n - 1 - i); break;
		case 2: r->entry[i] = (u16)(i / 2); break;
		default: r->entry[i] = i < 8 ? fz_u16(&f->in) : (u16)i; break;
		}
	}
}

/* One guest request; its shape depends on the step opcode. */
static void request(struct fz *f, u8 op)
{
	struct fz_req r;
	u8 flags = fz_u8(&f->in);
	bool hostile = f->hostile || (flags & 0x80);

	memset(&r, 0, sizeof(r));
	fz_target(f, &r);
	switch (op) {
	case 0:		/* anything */
		r.cmd = flags & 0x40 ? fz_u32(&f->in) : fz_u8(&f->in) % 12u;
		r.offset = flags & 0x20 ? (s32)fz_u32(&f->in) : (s16)fz_u16(&f->in);
		r.size = (s8)fz_u8(&f->in);
		r.value = fz_u32(&f->in);
		r.info = fz_u32(&f->in);
		fill_entries(f, &r, flags);
		break;
	case 1:		/* well-formed config read or write */
	case 2:
		r.cmd = op == 1 ? XEN_PCI_OP_conf_read : XEN_PCI_OP_conf_write;
		r.size = 1 << (flags % 3);
		r.offset = (s32)(fz_u16(&f->in) & 0xfff & ~(u32)(r.size - 1));
		r.value = op == 2 ? fz_u32(&f->in) : 0;
		break;
	case 3:
		r.cmd = flags & 1 ? XEN_PCI_OP_enable_msi :
			flags & 2 ? XEN_PCI_OP_disable_msi : XEN_PCI_OP_disable_msix;
		break;
	case 4:
		r.cmd = XEN_PCI_OP_enable_msix;
		r.value = fz_u8(&f->in);
		if (r.value > 130)
			r.value &= 0x7f;
		fill_entries(f, &r, flags);
		break;
	default:	/* what a guest driver does first */
		r.cmd = XEN_PCI_OP_conf_write;
		r.offset = 4;
		r.size = 2;
		r.value = flags & 1 ? 0x0006 : flags & 2 ? 0x0407 : 0;
		break;
	}
	if (f->mode == FZ_MODE_RING) {
		bool h = f->hostile;

		f->hostile = hostile;
		ring_op(f, &r);
		f->hostile = h;
	} else {
		direct_op(f, &r, hostile);
	}
}

static void step(struct fz *f)
{
	u8 op = fz_u8(&f->in);
	unsigned int i, n, nops = f->sess.on ? 26 : f->ext ? 24 : 20;
	struct fz_req r;

	if (trace)
		fprintf(stderr, "step %u at byte %zu\n", op % nops, f->in.pos - 1);
	switch (op % nops) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		request(f, op % 20);
		break;
	case 6:
		fault(f);
		break;
	case 7:
		sim_fail_clear(f->h);
		break;
	case 8:
		fz_export(f, fz_pick(f));
		break;
	case 9:
		fz_release(f, fz_pick(f));
		break;
	case 10:
		teardown(f);
		break;
	case 11: case 12:
		admin(f);
		break;
	case 13:	/* post without an event */
		memset(&r, 0, sizeof(r));
		fz_target(f, &r);
		r.cmd = fz_u8(&f->in) % 12u;
		r.offset = fz_u8(&f->in) & 0xfc;
		r.size = 4;
		fz_ring_post(f, &r);
		break;
	case 14:
		fz_ring_event(f);
		break;
	case 15:
		fz_ring_work(f);
		break;
	case 16:	/* an event storm, maybe with work in between */
		n = fz_u8(&f->in);
		for (i = 0; i < (n & 0x3f); i++) {
			fz_ring_event(f);
			if (n & 0x80 && i % 3 == 2)
				fz_ring_work(f);
		}
		break;
	case 17:	/* the frontend gives up and clears the bit (timeout) */
		pcibk_sh_clear_flag(f->pg->page, _XEN_PCIF_active);
		f->rf.notified_post = false;
		break;
	case 18:
		hw_poke(f);
		break;
	case 19:
		f->hostile = !f->hostile;
		break;
	case 20:
		fz_intx_fire(f);
		break;
	case 21:
		fz_intx_toggle(f);
		break;
	case 22:
		fz_counters(f);
		break;
	case 23:
		fz_aer_step(f);
		break;
	default:
		fz_session_step(f, op % nops);
		break;
	}
}

/* The device a step names (there is at least one). */
struct fz_dev *fz_pick(struct fz *f)
{
	return &f->dev[fz_u8(&f->in) % f->ndev];
}

/* ------------------------------------------------------------ set-up */

static bool bdf_taken(struct fz *f, u8 bus, u8 devfn)
{
	unsigned int i;

	for (i = 0; i < f->h->ndevs; i++)
		if (f->h->devs[i]->info.bus == bus &&
		    f->h->devs[i]->info.devfn == devfn)
			return true;
	return false;
}

/*
 * The harness's own walk of a capability list, over what the hardware
 * shows: status bit 4, the pointer at 0x34, at most 48 hops.
 */
static u8 listed_cap(const struct sim_dev *sd, u8 id)
{
	unsigned int hops, pos;
	u32 hdr;

	if (!(sim_hw_read(sd, 0x06, 2) & 0x10))
		return 0;
	pos = sim_hw_read(sd, 0x34, 1);
	for (hops = 0; hops < 48; hops++) {
		pos &= 0xfc;
		if (pos < 0x40)
			return 0;
		hdr = sim_hw_read(sd, pos, 2);
		if ((hdr & 0xff) == 0xff)
			return 0;
		if ((hdr & 0xff) == id)
			return (u8)pos;
		pos = hdr >> 8;
	}
	return 0;
}

static void add_device(struct fz *f)
{
	u8 tmpl = fz_u8(&f->in), bus = fz_u8(&f->in), devfn = fz_u8(&f->in);
	u8 nover = fz_u8(&f->in) % 8, exp = fz_u8(&f->in);
	struct fz_dev *fd = &f->dev[f->ndev];
	struct sim_dev *sd;
	unsigned int i;
	long allocs;
	int rc;

	bus &= 0x7f;	/* PFs of VFs live at bus | 0x80 */
	while (bdf_taken(f, bus, devfn))
		devfn++;
	sd = fz_build(f, tmpl, bus, devfn);
	for (i = 0; i < nover; i++) {
		u16 off = fz_u16(&f->in) % sd->info.cfg_size;
		u8 v = fz_u8(&f->in);

		if (off >= 4)
			sd->cfg[off] = v;
	}
	/* Interrupts start off, as bind leaves them. */
	if (sd->msi_cap)
		sd->cfg[sd->msi_cap + 2] &= ~1;
	if (sd->msix_cap)
		sd->cfg[sd->msix_cap + 3] &= ~0x80;
	if (tmpl & 0x80 && f->ndev && f->dev[0].sd->info.hdr_type == 1)
		sd->parent = f->dev[0].sd;
	sim_bind(sd);
	fd->sd = sd;
	f->ndev++;

	allocs = sim_allocs_out;
	rc = pcibk_dev_create(fz_ops(f->nomsi), sd, &fd->d);
	if (rc) {
		fd->d = NULL;
		FZ_ASSERT(sim_allocs_out == allocs, "failed create leaked");
		return;
	}
	/* No fault is armed yet: the core walked the same list. */
	fd->msi_pos = listed_cap(sd, 0x05);
	fd->msix_pos = listed_cap(sd, 0x11);
	FZ_ASSERT(fd->d->msi_cap == fd->msi_pos && fd->d->msix_cap == fd->msix_pos,
		  "capabilities: core MSI %#x MSI-X %#x, list MSI %#x MSI-X %#x",
		  fd->d->msi_cap, fd->d->msix_cap, fd->msi_pos, fd->msix_pos);
	pcibk_dev_quiesce(fd->d);
	sim_bind(sd);
	f->log_budget += 3;
	if (exp & 1)
		fz_export(f, fd);
}

int fz_run(const u8 *data, size_t len, enum fz_mode mode)
{
	static struct pcibk_host_ops sops;
	static struct fz fzs;
	struct fz *f = &fzs;
	unsigned int i, ndev, steps;
	u8 flags, n;

	if (mode == FZ_MODE_PARSE)
		return fz_parse(data, len);
	memset(f, 0, sizeof(*f));
	fz_cur = f;
	f->mode = mode;
	f->in.p = data;
	f->in.len = len;
	trace = getenv("FZ_TRACE");
	sim_log_verbose = trace;
	f->allocs_base = sim_allocs_out;
	f->log_base = sim_log_unlimited;
	f->h = sim_host_new();
	f->pg = sim_page_new();
	pcibk_permissive = false;

	flags = fz_u8(&f->in);
	f->nomsi = flags & FZ_F_NOMSI;
	f->hostile = flags & FZ_F_HOSTILE;
	f->ext = flags & FZ_F_EXT;
	f->fast = flags & FZ_F_FAST;
	pcibk_permissive = flags & FZ_F_PERMISSIVE;
	f->global_ever_permissive = pcibk_permissive;
	fz_session_ops(f, &sops);
	sim_session_init(&f->ss, &sops, DOMID, flags & FZ_F_PASSTHROUGH);
	f->ss.priv = f;
	f->g = &f->ss.s.guest;
	f->ring = &f->ss.s.ring;
	/* The simulated Xen and the core agree on the guest's pirqs. */
	if (flags & FZ_F_FEW_PIRQS)
		f->g->pirq_budget = 12;
	f->h->pirq_budget = f->g->pirq_budget;
	f->log_budget = 0;

	n = fz_u8(&f->in);
	ndev = 1 + n % FZ_MAX_DEVS;
	f->sess.on = (flags & FZ_F_SESSION) &&
		     (n & FZ_N_SESSION_MASK) == FZ_N_SESSION;
	fz_session_init(f);
	fz_ring_start(f);
	for (i = 0; i < ndev; i++)
		add_device(f);
	fz_check(f);

	for (steps = 0; steps < FZ_MAX_STEPS && fz_more(&f->in); steps++) {
		step(f);
		fz_check(f);
	}

	/* Let the worker finish, then the guest goes away. */
	fz_ring_flush(f);
	fz_session_end(f);
	sim_fail_clear(f->h);
	teardown(f);
	FZ_ASSERT(!f->ss.lock_errors && !f->ss.op_held && !f->ss.fast_held,
		  "session locks: %lu errors, op %d fast %d held at the end",
		  f->ss.lock_errors, f->ss.op_held, f->ss.fast_held);
	for (i = 0; i < f->ndev; i++)
		pcibk_dev_destroy(f->dev[i].d);
	FZ_ASSERT(sim_allocs_out == f->allocs_base, "%ld allocations leaked",
		  sim_allocs_out - f->allocs_base);
	sim_page_free(f->pg);
	sim_host_free(f->h);
	pcibk_permissive = false;
	fz_cur = NULL;
	return 0;
}
