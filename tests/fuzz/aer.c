// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12.2) under a hostile frontend: the host
 * PCI core reports one recovery stage to the session
 * (pcibk_session_aer()), which posts it and waits; while it sleeps (the
 * session's wait op) the harness plays the frontend, which may answer,
 * answer late, answer wrong, never answer, or go away, and the toolstack,
 * which may disconnect the ring or unplug the device meanwhile. The
 * result, the "fail the guest" calls and the page are checked against
 * what §12.2 says for that behaviour.
 */
#include "harness.h"

/* What the frontend does with the request (step 23, mode bits 0-2). */
enum fz_aer_how {
	AER_ANSWER,	/* writes err, clears _XEN_PCIB_active */
	AER_NEVER,	/* does nothing: the wait times out */
	AER_LATE,	/* answers only after the backend gave up */
	AER_RACE,	/* answers in the wait's last slice */
	AER_STUCK,	/* writes err but leaves the bit set */
	AER_REARM,	/* answers, then sets the bit again */
	AER_GONE,	/* disconnects during the wait */
	AER_UNPLUG,	/* the device is unplugged during the wait */
	AER_GONE_KEEP,	/* old encoding: as AER_GONE */
};

struct fz_aer {
	struct fz *f;
	struct fz_dev *fd;
	u32 cmd, state, answer;
	enum fz_aer_how how;
	bool event;		/* an event goes with the answer */
	bool post;		/* a config request is posted during the wait */
	unsigned int waits;	/* forwards that slept (at least once) */
	unsigned long fails_base;
	u64 start_ms;		/* the session's clock at the first sleep */
	bool acted;		/* the frontend did its part */
};

static struct fz_aer *cur;

static void answer(struct fz_aer *a)
{
	pcibk_sh_write32(a->f->pg->page, PCIBK_SH_AER_ERR, a->answer);
	if (a->how != AER_STUCK)
		pcibk_sh_clear_flag(a->f->pg->page, _XEN_PCIB_active);
}

/* The frontend's recovery code reads config space meanwhile. */
static void post_read(struct fz_aer *a)
{
	const struct pcibk_dev *d = a->fd->d;

	sim_page_req(a->f->pg, XEN_PCI_OP_conf_read, d->vaddr.domain,
		     d->vaddr.bus, d->vaddr.devfn, 0, 4, 0, 0);
	pcibk_sh_set_flag(a->f->pg->page, _XEN_PCIF_active);
	fz_ring_event(a->f);
}

/* The first sleep of a forward: the request is on the page as posted. */
static void check_posted(struct fz_aer *a)
{
	struct fz *f = a->f;
	const struct pcibk_dev *d = a->fd->d;
	const u8 *pg = f->pg->page;

	FZ_ASSERT(pg[0] & (1u << _XEN_PCIB_active),
		  "AER wait without the request posted");
	FZ_ASSERT(pcibk_test_bit(PCIBK_RING_AER_PENDING, &f->ring->flags),
		  "AER wait without the request marked outstanding");
	/* Step 1: the stage, the state, the guest's view of the device. */
	FZ_ASSERT(pcibk_sh_read32(pg, PCIBK_SH_AER_CMD) == a->cmd &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_ERR) == a->state &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_DOMAIN) == d->vaddr.domain &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_BUS) == d->vaddr.bus &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_DEVFN) == d->vaddr.devfn,
		  "%s: AER request %u/%u posted wrong", d->name, a->cmd,
		  a->state);
}

/* What the frontend (or the toolstack) does while the backend sleeps. */
static void frontend_acts(struct fz_aer *a, unsigned int ms)
{
	struct fz *f = a->f;

	switch (a->how) {
	case AER_GONE:
	case AER_GONE_KEEP:
	case AER_UNPLUG:
		/* It may have answered, with an event, before it went. */
		if (a->event) {
			answer(a);
			fz_ring_event(f);
		}
		if (a->how == AER_UNPLUG)
			/* The unplug's first phase; its detach waits for us. */
			pcibk_session_leave(&f->ss.s, a->fd->d);
		else
			fz_ring_stop(f);
		a->acted = true;
		return;
	case AER_NEVER:
	case AER_LATE:
	case AER_STUCK:
		if (!a->acted && a->event)
			fz_ring_event(f);	/* an event, but no answer */
		if (a->how == AER_STUCK && !a->acted)
			answer(a);
		a->acted = true;
		return;
	case AER_RACE:
		/* Only in the last slice before the deadline. */
		if (f->ss.now_ms + ms < a->start_ms + PCIBK_AER_TIMEOUT_MS)
			return;
		break;
	default:
		break;
	}
	if (a->acted)
		return;
	a->acted = true;
	answer(a);
	if (a->event)
		fz_ring_event(f);
}

/* The session's wait: no lock held, the frontend and the clock go on. */
static void aer_sleep(void *ctx, bool (*done)(void *arg), void *arg,
		      unsigned int ms)
{
	struct fz *f = ((struct sim_session *)ctx)->priv;
	struct fz_aer *a = cur;

	FZ_ASSERT(!f->ss.op_held && !f->ss.fast_held,
		  "the session sleeps holding its lock");
	if (a && !a->waits) {
		a->waits = 1;
		a->start_ms = f->ss.now_ms;
		check_posted(a);
		if (a->post)
			post_read(a);
	}
	if (a)
		frontend_acts(a, ms);
	if (done(arg))
		return;
	f->ss.now_ms += ms;
}

/* What §12.2 makes of it: the result and how often the guest is failed. */
static int expect(const struct fz_aer *a, bool ring, bool handler,
		  unsigned int *fails, unsigned int *waits)
{
	int def = a->cmd == XEN_PCI_OP_aer_detected ? PCIBK_ERS_CAN_RECOVER :
		  PCIBK_ERS_RECOVERED;
	u32 v = a->answer;
	int res;

	*fails = 0;
	*waits = 0;
	if (!a->fd->d->guest)
		return def;
	if (!ring) {
		*fails = 1;
		return def;
	}
	if (!handler) {
		*fails = a->cmd == XEN_PCI_OP_aer_detected ||
			 a->cmd == XEN_PCI_OP_aer_resume;
		return def;
	}
	*waits = 1;
	switch (a->how) {
	case AER_ANSWER:
	case AER_REARM:
	case AER_RACE:
		break;
	default:
		return def;	/* timed out or gone: nobody to ask */
	}
	res = v >= PCIBK_ERS_NONE && v <= PCIBK_ERS_NO_AER_DRIVER ? (int)v :
	      PCIBK_ERS_NONE;
	*fails = a->cmd != XEN_PCI_OP_aer_resume &&
		 (res == PCIBK_ERS_NONE || res == PCIBK_ERS_DISCONNECT);
	return res;
}

void fz_aer_ops(struct pcibk_host_ops *ops)
{
	ops->wait = aer_sleep;
}

static void forward(struct fz_aer *a, bool ring, bool handler)
{
	struct fz *f = a->f;
	struct pcibk_dev *d = a->fd->d;
	unsigned int fails, waits;
	bool dropped = false;
	int res, exp;

	/*
	 * No ring (an HVM guest, a frontend that never connected): the ring
	 * the run has is dropped for this stage and taken again after it.
	 */
	if (!ring && f->ss.bound) {
		fz_ring_flush(f);
		fz_ring_stop(f);
		dropped = true;
	}
	if (!f->ss.bound)
		ring = false;
	if (handler)
		pcibk_sh_set_flag(f->pg->page, _XEN_PCIB_AERHANDLER);
	else
		pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_AERHANDLER);
	exp = expect(a, ring, handler, &fails, &waits);
	a->fails_base = f->ss.aer_fails;
	cur = a;
	res = pcibk_session_aer(d->guest == f->g ? &f->ss.s : NULL, d, a->cmd,
				a->state);
	cur = NULL;
	FZ_ASSERT(res == exp, "%s: AER stage %u, frontend %d, answer %#x: result %d, not %d",
		  d->name, a->cmd, a->how, a->answer, res, exp);
	FZ_ASSERT(a->waits == waits, "%s: AER waited %u times, not %u", d->name,
		  a->waits, waits);
	FZ_ASSERT(f->ss.aer_fails - a->fails_base == fails,
		  "%s: AER failed the guest %lu times, not %u", d->name,
		  f->ss.aer_fails - a->fails_base, fails);
	FZ_ASSERT(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &f->ring->flags),
		  "AER request left pending");
	FZ_ASSERT(!pcibk_test_bit(PCIBK_AER_BUSY, &f->ss.s.aer_flags),
		  "AER left busy");
	switch (a->how) {
	case AER_GONE:
	case AER_GONE_KEEP:
		/* The frontend comes back. */
		if (waits) {
			dropped = true;
			pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
		}
		break;
	case AER_UNPLUG:
		if (waits) {
			/* The detach that woke the wait goes on. */
			pcibk_session_detach(&f->ss.s, d);
			pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
		}
		break;
	case AER_LATE:
		/* After the backend gave up and cleared the bit itself. */
		FZ_ASSERT(!(f->pg->page[0] & (1u << _XEN_PCIB_active)),
			  "_XEN_PCIB_active left set after a timeout");
		answer(a);
		fz_ring_event(f);
		break;
	case AER_REARM:
		/* The guest sets it again itself, and clears it again. */
		if (waits) {
			pcibk_sh_set_flag(f->pg->page, _XEN_PCIB_active);
			pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
		}
		break;
	default:
		break;
	}
	if (dropped)
		fz_ring_start(f);
	FZ_ASSERT(!(f->pg->page[0] & (1u << _XEN_PCIB_active)),
		  "_XEN_PCIB_active left set");
	/* The config request posted meanwhile is served. */
	fz_ring_flush(f);
}

/*
 * Step 18 kind 3 (the first encoding): what bit 3 a 32-bit state, bit 4
 * a handler, bit 5 no ring; then device, stage, and how the frontend
 * answers: bits 0 and 3 gone, bit 0 never, bit 1 with an event, bit 2 a
 * 32-bit answer.
 */
void fz_aer_poke(struct fz *f, u8 what)
{
	struct fz_aer a;
	u8 how;

	memset(&a, 0, sizeof(a));
	a.f = f;
	a.fd = fz_pick(f);
	a.cmd = XEN_PCI_OP_aer_detected + fz_u8(&f->in) % 4;
	a.state = what & 8 ? fz_u32(&f->in) : 1u + what % 3u;
	how = fz_u8(&f->in);
	a.answer = how & 4 ? fz_u32(&f->in) : 1u + how % 7u;
	a.how = (how & 9) == 9 ? AER_GONE_KEEP : how & 1 ? AER_NEVER : AER_ANSWER;
	a.event = how & 2;
	if (a.how == AER_NEVER)
		a.event = false;
	if (!a.fd->d)
		return;
	forward(&a, !(what & 32), what & 16);
}

/*
 * Step 23: what (bits 0-1 stage, bit 2 a 32-bit state, else bits 6-7;
 * bit 3 a handler; bit 4 no ring; bit 5 a config request posted during
 * the wait), device, mode (bits 0-2 enum fz_aer_how; bit 3 an event with
 * the answer; bit 4 a 32-bit answer, else bits 5-7: 0-7, 0 and 7 out of
 * range).
 */
void fz_aer_step(struct fz *f)
{
	u8 what = fz_u8(&f->in), mode;
	struct fz_aer a;

	memset(&a, 0, sizeof(a));
	a.f = f;
	a.fd = fz_pick(f);
	mode = fz_u8(&f->in);
	a.cmd = XEN_PCI_OP_aer_detected + what % 4;
	a.state = what & 4 ? fz_u32(&f->in) : 1u + (what >> 6) % 3u;
	a.answer = mode & 16 ? fz_u32(&f->in) : (u32)(mode >> 5);
	a.how = (enum fz_aer_how)(mode & 7);
	a.event = mode & 8;
	a.post = what & 32;
	if (!a.fd->d)
		return;
	forward(&a, !(what & 16), what & 8);
}
