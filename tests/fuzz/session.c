// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Session steps (24, 25): the xenbus state machine of the guest's backend,
 * the core's pcibk_session_frontend_changed() as the module runs it, with
 * xenstore, the frontend and libxl played by the input (the session's
 * xenstore, map and unmap ops are this file's):
 *
 * - the frontend writes any state, changes its keys (pci-op-ref,
 *   event-channel, magic) to good or bad ones, publishes a new ring (a new
 *   page: a new generation);
 * - libxl writes the backend's state (Reconfiguring, a hot-plug) or
 *   online = 0 (a removal);
 * - watch callbacks come when the input says, so several writes may be
 *   seen by one callback, which reads the states as they are by then.
 *
 * Pages. Each generation of the frontend's ring has a page of its own
 * (fe_pg); the backend's mapping (ring_pg) is the page it attached, which
 * may be an older generation's. A mapping never outlives its ring: at the
 * unmap the page the ring used is freed, and the frontend's page, if it is
 * that one, lives on at a new address (as a new map of the same grant
 * would). So the core touching the page of a dropped ring is a
 * use-after-free that ASan reports. f->pg is the ring's page while one is
 * attached (the other steps post and answer there: a frontend may go on
 * using an old ring's channel), else the frontend's page.
 *
 * The rules checked after every step are fz_session_check()'s
 * (docs/fuzzing.md, "Session").
 */
#include "harness.h"

#define TRACE(...) \
	do { if (sim_log_verbose) fprintf(stderr, __VA_ARGS__); } while (0)

static void page_free(struct fz *f, struct sim_page *p)
{
	FZ_ASSERT(!p->double_reads, "request byte read twice");
	FZ_ASSERT(!p->bad_writes, "write outside err/value/vectors");
	if (p == f->sess.inflight_pg)
		f->sess.inflight = false;
	sim_page_free(p);
}

/* The frontend allocates and grants a new page, as pcifront's probe does. */
static void publish(struct fz *f)
{
	struct fz_sess *s = &f->sess;
	struct sim_page *old = s->fe_pg;

	s->fe_pg = sim_page_new();
	pcibk_sh_set_flag(s->fe_pg->page, _XEN_PCIB_AERHANDLER);
	s->fe_gen++;
	/* The old one stays as long as the backend has it mapped. */
	if (old != s->ring_pg)
		page_free(f, old);
	if (!s->attached)
		f->pg = s->fe_pg;
}

static void unmap(struct fz *f)
{
	struct fz_sess *s = &f->sess;
	struct sim_page *old = s->ring_pg;

	if (old == s->fe_pg) {
		s->fe_pg = sim_page_new();
		memcpy(s->fe_pg->page, old->page, 4096);
		s->fe_pg->seed = old->seed;
	}
	page_free(f, old);
	s->ring_pg = NULL;
	s->unmaps++;
	f->pg = s->fe_pg;
}

/* Its own write fires the backend watch too. */
static void be_write(struct fz_sess *s, int st)
{
	s->be = st;
	s->be_pending = true;
}

/*
 * The request of step 25 kind 3, if the ring it was posted to answered it
 * (before that ring went, or after a state change that left it), checked
 * as ring_op checks an answer. One not answered by then never is on that
 * ring: its page goes with it.
 */
static void inflight_done(struct fz *f)
{
	struct fz_sess *s = &f->sess;

	if (!s->inflight)
		return;
	s->inflight = false;
	if (f->pg == s->inflight_pg && !f->rf.reposted &&
	    !(f->pg->page[0] & (1u << _XEN_PCIF_active))) {
		TRACE("  in-flight request (cmd %u %x:%x:%x) answered on its ring: err %d\n",
		      s->inflight_req.cmd, s->inflight_req.domain, s->inflight_req.bus,
		      s->inflight_req.devfn, sim_page_err(f->pg));
		fz_check_reply(f, &s->inflight_req, NULL);
	} else {
		TRACE("  in-flight request (cmd %u) not answered on its ring\n",
		      s->inflight_req.cmd);
	}
}

/*
 * The in-flight request, if it has its answer already (from the event
 * handler, or a worker run before this callback): checked now, against
 * the topology it was answered in, before the callback changes it (a
 * reconfigure may release its device).
 */
static void inflight_answered(struct fz *f)
{
	struct fz_sess *s = &f->sess;

	if (s->inflight && f->pg == s->inflight_pg && !f->rf.reposted &&
	    !(f->pg->page[0] & (1u << _XEN_PCIF_active)))
		inflight_done(f);
}

/*
 * The session's map: the frontend's page now, as a new grant mapping of
 * it. A ring mapped while one is attached would leak it.
 */
int fz_sess_map(struct fz *f, void **sh)
{
	struct fz_sess *s = &f->sess;

	FZ_ASSERT(!s->attached,
		  "frontend %d, backend %d: a second ring mapped while the one of generation %u is",
		  s->fe, s->be, s->ring_gen);
	if (s->on) {
		s->ring_pg = s->fe_pg;
		f->pg = s->ring_pg;
		s->ring_gen = s->fe_gen;
		TRACE("  ring of generation %u attached\n", s->ring_gen);
	}
	s->attached = true;
	s->maps++;
	/* A new ring instance: counters of its own; the old one's ops count. */
	f->ops_old_rings += f->ring->stats.ops;
	memset(&f->rf, 0, sizeof(f->rf));
	memset(&f->ring_seen, 0, sizeof(f->ring_seen));
	f->log_budget++;	/* "event while an EOI is pending", once per ring */
	*sh = f->pg->page;
	return 0;
}

/*
 * The session's unmap, after it unbound the channel and cancelled or
 * waited for the worker: a request in flight was answered on this ring
 * or never will be; the page goes (session steps).
 */
void fz_sess_unmap(struct fz *f)
{
	struct fz_sess *s = &f->sess;

	s->attached = false;
	if (!s->on) {
		s->unmaps++;
		return;
	}
	inflight_done(f);
	TRACE("  ring of generation %u dropped\n", s->ring_gen);
	/*
	 * A request the handler fetched went with the ring: the next
	 * attachment starts afresh and reads the page (pcibk_session_attach()).
	 */
	f->rf.holding = false;
	unmap(f);
}

/* The backend's key reads: good keys, or one of three bad ones. */
static int fz_xb_read_fe(void *ctx, const char *key, char *buf, size_t len)
{
	struct fz *f = ((struct sim_session *)ctx)->priv;
	struct fz_sess *s = &f->sess;
	unsigned int bad = s->keys_ok ? 3 : s->fe_gen % 3;
	const char *v;

	if (!strcmp(key, "pci-op-ref"))
		v = bad == 0 ? NULL : "8";
	else if (!strcmp(key, "event-channel"))
		v = bad == 1 ? "9x" : "9";
	else if (!strcmp(key, "magic"))
		v = bad == 2 ? "6" : XEN_PCI_MAGIC;
	else
		v = NULL;
	if (!v)
		return -ENOENT;
	if (strlen(v) >= len)
		return -E2BIG;
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

static int fz_xb_state(void *ctx, bool frontend)
{
	struct fz *f = ((struct sim_session *)ctx)->priv;

	return frontend ? f->sess.fe : f->sess.be;
}

static bool fz_xb_online(void *ctx)
{
	struct fz *f = ((struct sim_session *)ctx)->priv;

	return f->sess.online;
}

static int fz_xb_switch(void *ctx, int state)
{
	struct fz *f = ((struct sim_session *)ctx)->priv;

	be_write(&f->sess, state);
	return 0;
}

/* xenbus_dev_fatal() switches the backend to Closing. */
static void fz_xb_fatal(void *ctx, int err, const char *msg)
{
	struct fz *f = ((struct sim_session *)ctx)->priv;

	TRACE("  fatal %d (%s): backend Closing\n", err, msg);
	be_write(&f->sess, PCIBK_XB_CLOSING);
}

/* The glue's reconfigure: libxl's new device is exported or its old one goes. */
static int fz_reconfigure(void *ctx)
{
	struct fz *f = ((struct sim_session *)ctx)->priv;
	struct fz_sess *s = &f->sess;

	if (s->plug >= 0) {
		if (s->plug_add)
			fz_export(f, &f->dev[s->plug]);
		else
			fz_release(f, &f->dev[s->plug]);
		s->plug = -1;
	}
	return 0;
}

void fz_sess_xb_ops(struct pcibk_host_ops *ops)
{
	ops->xb_state = fz_xb_state;
	ops->xb_online = fz_xb_online;
	ops->xb_switch = fz_xb_switch;
	ops->xb_read_fe = fz_xb_read_fe;
	ops->xb_fatal = fz_xb_fatal;
	ops->reconfigure = fz_reconfigure;
}

/* pcibk_xb_remove(): the watches go, every device is released. */
static void remove_instance(struct fz *f)
{
	struct fz_sess *s = &f->sess;

	s->gone = true;
	s->fe_pending = false;
	s->be_pending = false;
	FZ_ASSERT(!pcibk_session_teardown(&f->ss.s), "teardown failed");
	fz_check_idle(f);
}

/*
 * One callback: the session acts on the states as they are now. The
 * worker, which runs beside the callbacks, got as far as the input says
 * before this one took the op lock (a disconnect in it waits for a
 * running worker and cancels a queued one).
 */
static void act(struct fz *f)
{
	struct fz_sess *s = &f->sess;

	FZ_ASSERT(!s->gone, "a watch acted after GONE");
	if (s->fe == PCIBK_XB_INITIALISED)
		s->seen = true;
	inflight_answered(f);
	switch (s->drop) {
	case FZ_DROP_FLUSH:
		fz_ring_flush(f);
		break;
	case FZ_DROP_ONCE:
		fz_ring_work(f);
		break;
	default:
		break;
	}
	inflight_answered(f);
	TRACE("  callback: frontend %d backend %d ring %d online %d\n", s->fe,
	      s->be, s->attached, s->online);
	if (pcibk_session_frontend_changed(&f->ss.s))
		remove_instance(f);
}

/* pcibk_frontend_changed(): n callbacks for the writes queued. */
static void fe_watch(struct fz *f, unsigned int n)
{
	struct fz_sess *s = &f->sess;

	if (!n || !s->fe_pending)
		return;
	s->fe_pending = false;
	while (n-- && !s->gone)
		act(f);
}

/* pcibk_be_watch(): acts for the frontend only while Initialised. */
static void be_watch(struct fz *f, unsigned int n)
{
	struct fz_sess *s = &f->sess;

	if (!n || !s->be_pending)
		return;
	s->be_pending = false;
	while (n-- && !s->gone)
		if (s->be == PCIBK_XB_INITIALISED)
			act(f);
}

/*
 * Step 24 (and the state change of step 25 kind 3): a state byte (below
 * 0xc0 the state mod 9; else with bit 5 a 32-bit value follows, without
 * it a byte: any value) and a mode byte: bit 0 the keys change, to good
 * ones with bit 1, bad without; bit 2 a new ring is published first (good
 * keys unless bit 0 says); bit 3 the frontend watch calls back, bit 4
 * then the backend watch; bits 5-6 how a disconnect finds the worker
 * (enum fz_drop, 3 as 0); bit 7 each of those watches calls back twice.
 */
static void frontend_write(struct fz *f)
{
	struct fz_sess *s = &f->sess;
	u8 b = fz_u8(&f->in), m;
	unsigned int n;
	int st;

	if (b < 0xc0)
		st = b % 9;
	else
		st = b & 0x20 ? (int)(s32)fz_u32(&f->in) : (int)fz_u8(&f->in);
	m = fz_u8(&f->in);
	if (m & 4) {
		publish(f);
		s->keys_ok = true;
	}
	if (m & 1)
		s->keys_ok = m & 2;
	/*
	 * The backend learns of new keys only from a callback that finds
	 * the frontend in Initialised (act()).
	 */
	if (m & 5)
		s->seen = false;
	s->fe = st;
	s->fe_pending = !s->gone;
	s->drop = ((m >> 5) & 3) == 3 ? FZ_DROP_FLUSH : (enum fz_drop)((m >> 5) & 3);
	n = m & 0x80 ? 2 : 1;
	TRACE("  frontend writes %d (keys %s%s, ring %u)\n", st,
	      s->keys_ok ? "good" : "bad", m & 4 ? ", new ring" : "", s->fe_gen);
	if (m & 8)
		fe_watch(f, n);
	if (m & 16)
		be_watch(f, n);
}

/*
 * Step 25 kind 3: a request posted (bit 2: with an event, so the handler
 * takes it, answers it on the fast path or kicks the worker) just before
 * a state change that may disconnect or reattach, then the worker runs.
 */
static void inflight(struct fz *f, u8 k)
{
	struct fz_sess *s = &f->sess;
	struct fz_req r;

	memset(&r, 0, sizeof(r));
	fz_target(f, &r);
	r.cmd = fz_u8(&f->in) % 12u;
	r.offset = fz_u8(&f->in) & 0xfc;
	r.size = 4;
	/* As ring_op: over a request the handler fetched, that one's answer. */
	s->inflight_req = f->rf.holding ? f->rf.held : r;
	s->inflight_pg = f->pg;
	s->inflight = true;
	f->rf.reposted = false;
	fz_ring_post(f, &r);
	if (k & 4)
		fz_ring_event(f);
	frontend_write(f);
	fz_ring_flush(f);
	inflight_done(f);
}

/*
 * Step 25: a kind byte, bits 0-1:
 * 0 libxl writes the backend state Reconfiguring when the backend is
 *   Connected (libxl waits for that), with bit 4 at any time; bits 2-3: 1
 *   its reconfigure exports a device, 2 releases one (a device byte
 *   follows); bit 5 the backend watch calls back at once;
 * 1 libxl writes online = 0; bit 5 as above;
 * 2 watch callbacks: bits 2-3 the frontend watch's (0-3), bits 4-5 the
 *   backend watch's, bit 6 the backend watch's first; bit 7 a disconnect
 *   cancels queued work (else the worker finishes first);
 * 3 a request in flight during a state change (inflight()).
 */
static void libxl_or_watch(struct fz *f)
{
	struct fz_sess *s = &f->sess;
	u8 k = fz_u8(&f->in);
	unsigned int plug = (k >> 2) & 3;
	int dev;

	switch (k & 3) {
	case 0:
		dev = plug == 1 || plug == 2 ? (int)(fz_u8(&f->in) % f->ndev) : -1;
		if (s->gone || (s->be != PCIBK_XB_CONNECTED && !(k & 0x10)))
			break;
		s->plug = dev;
		s->plug_add = plug == 1;
		TRACE("  libxl writes backend Reconfiguring (device %d %s)\n",
		      dev, dev < 0 ? "-" : plug == 1 ? "added" : "removed");
		be_write(s, PCIBK_XB_RECONFIGURING);
		if (k & 0x20)
			be_watch(f, 1);
		break;
	case 1:
		if (s->gone)
			break;
		TRACE("  libxl writes online 0\n");
		s->online = false;
		s->be_pending = true;
		if (k & 0x20)
			be_watch(f, 1);
		break;
	case 2:
		s->drop = k & 0x80 ? FZ_DROP_CANCEL : FZ_DROP_FLUSH;
		if (k & 0x40)
			be_watch(f, (k >> 4) & 3);
		fe_watch(f, (k >> 2) & 3);
		if (!(k & 0x40))
			be_watch(f, (k >> 4) & 3);
		break;
	default:
		inflight(f, k);
		break;
	}
}

void fz_session_step(struct fz *f, unsigned int op)
{
	if (op == 24)
		frontend_write(f);
	else
		libxl_or_watch(f);
}

/*
 * A guest whose frontend is Connected, its ring about to be taken by the
 * session (fz_run()); without session steps only that ring is.
 */
void fz_session_init(struct fz *f)
{
	struct fz_sess *s = &f->sess;

	s->fe = PCIBK_XB_CONNECTED;
	s->be = PCIBK_XB_CONNECTED;
	s->online = true;
	s->keys_ok = true;
	s->seen = true;
	s->fe_gen = 1;
	s->fe_pg = f->pg;
	s->plug = -1;
	/* The devices are exported: the backend reached Initialised once. */
	f->ss.s.set_up = true;
}

/*
 * The end of the input: libxl removes the backend (pcibk_xb_remove(),
 * the guest's teardown follows in fz_run()); nothing stays mapped.
 */
void fz_session_end(struct fz *f)
{
	struct fz_sess *s = &f->sess;

	if (s->attached)
		fz_ring_stop(f);
	s->be = PCIBK_XB_CLOSED;
	s->gone = true;
	FZ_ASSERT(s->maps == s->unmaps && !s->attached &&
		  (!s->on || (!s->ring_pg && f->pg == s->fe_pg)),
		  "%lu maps, %lu unmaps at the end", s->maps, s->unmaps);
}

/*
 * The rules of the state machine, after every step (docs/fuzzing.md):
 * the ring is attached iff the backend is Connected, but for libxl's
 * Reconfiguring/Reconfigured; once every callback has run, an attached
 * ring is the frontend's current one, and a frontend in Initialised has
 * its ring (good keys) or the backend Closing (bad keys); after GONE
 * nothing is attached and nothing acts (act() checks that).
 */
void fz_session_check(struct fz *f)
{
	const struct fz_sess *s = &f->sess;
	bool reconf = s->be == PCIBK_XB_RECONFIGURING ||
		      s->be == PCIBK_XB_RECONFIGURED;

	/* The harness's own books. */
	FZ_ASSERT(f->pg == (s->attached ? s->ring_pg : s->fe_pg) &&
		  s->attached == !!f->ss.bound,
		  "session: page or ring bookkeeping");
	FZ_ASSERT(s->maps == s->unmaps + s->attached,
		  "%lu maps, %lu unmaps, attached %d", s->maps, s->unmaps,
		  s->attached);
	FZ_ASSERT(s->attached || !f->rf.kick_pending, "work queued with no ring");

	if (!reconf)
		FZ_ASSERT(s->attached == (s->be == PCIBK_XB_CONNECTED),
			  "frontend %d: backend %d %s a ring", s->fe, s->be,
			  s->attached ? "with" : "without");
	if (s->gone) {
		FZ_ASSERT(!s->attached && s->be == PCIBK_XB_CLOSED,
			  "after GONE: backend %d, attached %d", s->be,
			  s->attached);
		return;
	}
	/*
	 * A backend watch callback acts only on Initialised. Keys the
	 * backend never saw (their Initialised overwritten before any
	 * callback, or no Initialised at all) leave only the frontend's own
	 * ring unanswered: the decision has the states, nothing else.
	 */
	if (s->fe_pending ||
	    (s->be_pending && s->be == PCIBK_XB_INITIALISED) || !s->seen)
		return;
	if (s->attached)
		FZ_ASSERT(s->ring_gen == s->fe_gen,
			  "frontend %d, backend %d: the ring of generation %u attached, the frontend's is %u",
			  s->fe, s->be, s->ring_gen, s->fe_gen);
	if (s->fe != PCIBK_XB_INITIALISED || reconf)
		return;
	if (s->keys_ok)
		FZ_ASSERT(s->attached,
			  "frontend Initialised with good keys, backend %d: no ring",
			  s->be);
	else
		FZ_ASSERT(!s->attached && s->be == PCIBK_XB_CLOSING,
			  "frontend Initialised with bad keys: backend %d, attached %d",
			  s->be, s->attached);
}
