// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12.2) under a hostile frontend: the host
 * PCI core reports one recovery stage, the core posts it, and the fake
 * wait plays the frontend, which may answer, answer late, answer wrong,
 * never answer, or go away. The result, the "fail the guest" calls and
 * the page are checked against what §12.2 says for that behaviour.
 */
#include "harness.h"

/* What the frontend does with the request (step 23, mode bits 0-2). */
enum fz_aer_how {
	AER_ANSWER,	/* writes err, clears _XEN_PCIB_active */
	AER_NEVER,	/* does nothing: the wait times out */
	AER_LATE,	/* answers only after the backend gave up */
	AER_RACE,	/* answers just as the wait times out */
	AER_STUCK,	/* writes err but leaves the bit set */
	AER_REARM,	/* answers, then sets the bit again */
	AER_GONE,	/* disconnects during the wait */
	AER_UNPLUG,	/* the device is unplugged during the wait */
	AER_GONE_KEEP,	/* old encoding: gone, but the ring stays as it was */
};

struct fz_aer {
	struct fz *f;
	struct fz_dev *fd;
	u32 cmd, state, answer;
	enum fz_aer_how how;
	bool event;		/* an event goes with the answer */
	bool post;		/* a config request is posted during the wait */
	unsigned int waits, fails;
	enum pcibk_aer_wait saw;
};

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

static enum pcibk_aer_wait aer_wait(void *ctx, unsigned int timeout_ms)
{
	struct fz_aer *a = ctx;
	struct fz *f = a->f;
	const struct pcibk_dev *d = a->fd->d;
	const u8 *pg = f->pg->page;

	a->waits++;
	FZ_ASSERT(timeout_ms == PCIBK_AER_TIMEOUT_MS, "AER timeout %u", timeout_ms);
	FZ_ASSERT(pg[0] & (1u << _XEN_PCIB_active),
		  "AER wait without the request posted");
	FZ_ASSERT(pcibk_test_bit(PCIBK_RING_AER_PENDING, &f->ring.flags),
		  "AER wait without the request marked outstanding");
	/* Step 1: the stage, the state, the guest's view of the device. */
	FZ_ASSERT(pcibk_sh_read32(pg, PCIBK_SH_AER_CMD) == a->cmd &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_ERR) == a->state &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_DOMAIN) == d->vaddr.domain &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_BUS) == d->vaddr.bus &&
		  pcibk_sh_read32(pg, PCIBK_SH_AER_DEVFN) == d->vaddr.devfn,
		  "%s: AER request %u/%u posted wrong", d->name, a->cmd,
		  a->state);
	if (a->post)
		post_read(a);
	switch (a->how) {
	case AER_GONE_KEEP:
		return PCIBK_AER_GONE;
	case AER_GONE:
	case AER_UNPLUG:
		/* It may have answered, with an event, before it went. */
		if (a->event) {
			answer(a);
			fz_ring_event(f);
		}
		return PCIBK_AER_GONE;
	case AER_NEVER:
	case AER_LATE:
		if (a->event)
			fz_ring_event(f);	/* an event, but no answer */
		return PCIBK_AER_TIMEOUT;
	default:
		break;
	}
	answer(a);
	if (a->event)
		fz_ring_event(f);
	if (a->how == AER_REARM)
		pcibk_sh_set_flag(f->pg->page, _XEN_PCIB_active);
	/* The wait ends when it sees the bit clear, or at the deadline. */
	return a->how == AER_RACE || a->how == AER_STUCK ? PCIBK_AER_TIMEOUT :
	       PCIBK_AER_ANSWERED;
}

static void aer_fail_guest(void *ctx)
{
	((struct fz_aer *)ctx)->fails++;
}

static const struct pcibk_aer_ops fake_aer_ops = {
	.wait = aer_wait,
	.fail_guest = aer_fail_guest,
};

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

static void forward(struct fz_aer *a, bool ring, bool handler)
{
	struct fz *f = a->f;
	struct pcibk_dev *d = a->fd->d;
	unsigned int fails, waits;
	int res, exp;

	/* The glue passes no ring while none is attached (session steps). */
	if (!f->ring.ops)
		ring = false;
	if (handler)
		pcibk_sh_set_flag(f->pg->page, _XEN_PCIB_AERHANDLER);
	else
		pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_AERHANDLER);
	exp = expect(a, ring, handler, &fails, &waits);
	res = pcibk_aer_forward(ring ? &f->ring : NULL, d, a->cmd, a->state,
				&fake_aer_ops, a);
	FZ_ASSERT(res == exp, "%s: AER stage %u, frontend %d, answer %#x: result %d, not %d",
		  d->name, a->cmd, a->how, a->answer, res, exp);
	FZ_ASSERT(a->waits == waits, "%s: AER waited %u times, not %u", d->name,
		  a->waits, waits);
	FZ_ASSERT(a->fails == fails, "%s: AER failed the guest %u times, not %u",
		  d->name, a->fails, fails);
	FZ_ASSERT(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &f->ring.flags),
		  "AER request left pending");
	switch (a->how) {
	case AER_GONE_KEEP:
		/* Nobody left to fail; the harness takes the page back. */
		pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
		break;
	case AER_GONE:
		if (waits)
			fz_reconnect(f);
		break;
	case AER_UNPLUG:
		if (waits) {
			/* The detach that woke the wait goes on. */
			fz_release(f, a->fd);
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
		/* The guest set it again itself; it clears it again. */
		if (waits)
			pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
		break;
	default:
		break;
	}
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
