// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The shared-page state machine (PROTOCOL.md §3.2 B2-B12): who runs a
 * request, when the frontend is notified, and exactly one EOI per event;
 * and the op exclusion between the event handler and the op lock's
 * holders (core.h, "one guest's session").
 */
#include "internal.h"

/* B10-B11 for the request in guest->req. */
static void ring_answer(struct pcibk_session *s)
{
	struct pcibk_ring *r = &s->ring;
	struct pcibk_guest *g = &s->guest;

	pcibk_op_run(g, r->sh, &g->req, &g->rep);
	pcibk_op_reply(r->sh, &g->rep);
	r->stats.ops++;
	/* B10: the answer is visible before the bit clears. */
	pcibk_wmb();
	pcibk_sh_clear_flag(r->sh, _XEN_PCIF_active);
	s->ops->notify(s->ctx);
	pcibk_mb();
	pcibk_clear_bit(PCIBK_RING_INFLIGHT, &r->flags);
	pcibk_mb();
}

/* B11: a request posted meanwhile; true if this caller now owns it. */
static bool ring_claim_next(struct pcibk_ring *r)
{
	return pcibk_sh_test_flag(r->sh, _XEN_PCIF_active) &&
	       !pcibk_test_and_set_bit(PCIBK_RING_INFLIGHT, &r->flags);
}

/* B12: exactly one EOI per event, once the work is done. */
void pcibk_ring_eoi_owed(struct pcibk_session *s)
{
	struct pcibk_ring *r = &s->ring;

	if (pcibk_test_and_clear_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.eoi++;
		s->ops->eoi(s->ctx, false);
	}
}

/*
 * op_busy under the fast lock: once set, the event handler answers
 * nothing until it is cleared, and a fast answer in progress is finished
 * before it is set (it holds the fast lock).
 */
static void set_busy(struct pcibk_session *s, bool busy)
{
	if (!s->ops->fast_lock)
		return;
	s->ops->fast_lock(s->ctx);
	s->op_busy = busy;
	s->ops->fast_unlock(s->ctx);
}

void pcibk_session_lock(struct pcibk_session *s)
{
	s->ops->op_lock(s->ctx);
	set_busy(s, true);
}

void pcibk_session_unlock(struct pcibk_session *s)
{
	set_busy(s, false);
	s->ops->op_unlock(s->ctx);
}

bool pcibk_session_lock_bounded(struct pcibk_session *s)
{
	u64 end = s->ops->now_ms(s->ctx) + PCIBK_OP_LOCK_WAIT_MS;

	pcibk_write_once(s->stopping, true);
	while (!s->ops->op_trylock(s->ctx)) {
		if (pcibk_read_once(s->wedged) ||
		    s->ops->now_ms(s->ctx) > end) {
			if (!pcibk_read_once(s->wedged))
				pcibk_err("dom%u: a request has held the guest's lock for %u s: leaving this backend as it is\n",
					  s->guest.domid,
					  PCIBK_OP_LOCK_WAIT_MS / 1000);
			pcibk_write_once(s->wedged, true);
			return false;
		}
		s->ops->sleep_ms(s->ctx, PCIBK_OP_LOCK_POLL_MS);
	}
	set_busy(s, true);
	return true;
}

/*
 * The end of a bounded lock's section that leaves the ring attached (an
 * unplug): a kick the worker swallowed meanwhile (PCIBK_RING_SKIPPED) is
 * given again. Only that one: a worker run that owns no request would
 * answer the page's old one again (pcibk_session_work()).
 */
void pcibk_session_unlock_resume(struct pcibk_session *s)
{
	bool ready = s->ring_ready;

	pcibk_write_once(s->stopping, false);
	pcibk_mb();
	pcibk_session_unlock(s);
	if (ready && pcibk_test_and_clear_bit(PCIBK_RING_SKIPPED, &s->ring.flags))
		s->ops->kick(s->ctx);
}

/*
 * The fast path of B3, in the event handler: a config read, or a write
 * that reaches no field with a sleeping hook (pcibk_op_atomic()), is
 * answered here under the fast lock when no op lock holder is inside,
 * without the wake-up of a worker, which costs more than the access. B11
 * and B12 follow under the same lock, so the ring's counters and EOI are
 * never touched by the handler and an op lock holder at once.
 */
static bool ring_try_fast(struct pcibk_session *s)
{
	struct pcibk_ring *r = &s->ring;
	bool answered = false;

	s->ops->fast_lock(s->ctx);
	if (!s->op_busy && s->ring_ready &&
	    pcibk_op_atomic(&s->guest, &s->guest.req)) {
		ring_answer(s);
		r->stats.fast++;
		answered = true;
		/* B11: one request answered here; a next one goes to the worker. */
		if (ring_claim_next(r))
			s->ops->kick(s->ctx);
		else
			pcibk_ring_eoi_owed(s);
	}
	s->ops->fast_unlock(s->ctx);
	return answered;
}

/*
 * B3 with a fast path: this event handler owns the slot. The request is
 * fetched once (B6) into the guest's private copy; a config access may
 * be answered here. Anything else, or a refusal, goes to the worker,
 * which uses the same private copy (PCIBK_RING_FETCHED) and reads nothing
 * of the request again.
 */
static void ring_event_fast(struct pcibk_session *s)
{
	struct pcibk_ring *r = &s->ring;
	struct pcibk_guest *g = &s->guest;
	bool cfg;

	pcibk_op_fetch(r->sh, &g->req);
	cfg = g->req.cmd == XEN_PCI_OP_conf_read ||
	      g->req.cmd == XEN_PCI_OP_conf_write;
	if (!cfg || !ring_try_fast(s)) {
		pcibk_set_bit(PCIBK_RING_FETCHED, &r->flags);
		s->ops->kick(s->ctx);
	}
}

void pcibk_session_event(struct pcibk_session *s)
{
	struct pcibk_ring *r = &s->ring;

	r->stats.events++;
	/*
	 * Late EOI keeps the channel masked until we EOI, so a second event
	 * with one owed means the frontend and we disagree; worth one line,
	 * never more (B2).
	 */
	if (pcibk_test_and_set_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.double_events++;
		if (!pcibk_test_and_set_bit(PCIBK_RING_DOUBLE_LOGGED, &r->flags))
			pcibk_warn("dom%u: event while an EOI is pending\n",
				   s->guest.domid);
	}

	/* B3: a request, and nobody serving this frontend yet. */
	if (pcibk_sh_test_flag(r->sh, _XEN_PCIF_active) &&
	    !pcibk_test_and_set_bit(PCIBK_RING_INFLIGHT, &r->flags)) {
		if (s->ops->fast_lock)
			ring_event_fast(s);
		else
			s->ops->kick(s->ctx);
		return;
	}
	/* B4: the frontend answered our AER request. */
	if (!pcibk_sh_test_flag(r->sh, _XEN_PCIB_active) &&
	    pcibk_test_bit(PCIBK_RING_AER_PENDING, &r->flags)) {
		pcibk_set_bit(PCIBK_AER_WOKEN, &s->aer_flags);
		/* The bit is visible before the host looks for sleepers. */
		pcibk_mb();
		s->ops->wake(s->ctx);
		return;
	}
	/*
	 * B5: nothing to do; a spurious EOI lets the kernel throttle storms.
	 * Counted in spurious only, which only the handler touches.
	 */
	if (pcibk_test_and_clear_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.spurious++;
		s->ops->eoi(s->ctx, true);
	}
}

/* B6-B12 with the op lock held and a ring attached. */
static void ring_work(struct pcibk_session *s)
{
	struct pcibk_ring *r = &s->ring;
	unsigned int done = 0;

	for (;;) {
		/* B6: fetched once, here or by the event handler. */
		if (!pcibk_test_and_clear_bit(PCIBK_RING_FETCHED, &r->flags))
			pcibk_op_fetch(r->sh, &s->guest.req);
		ring_answer(s);
		done++;
		if (!ring_claim_next(r))
			break;
		/*
		 * A frontend that posts as fast as we answer must not keep
		 * this worker forever: yield, still owning the slot.
		 */
		if (done >= PCIBK_RING_BATCH) {
			r->stats.requeues++;
			s->ops->kick(s->ctx);
			return;
		}
	}
	pcibk_ring_eoi_owed(s);
}

void pcibk_session_work(struct pcibk_session *s)
{
	/*
	 * A bounded lock is waiting: leave the requests to it and say so;
	 * its resume kicks again. If it resumed meanwhile, whoever takes
	 * the bit back first (it, or this run) runs the work.
	 */
	if (pcibk_read_once(s->stopping)) {
		pcibk_set_bit(PCIBK_RING_SKIPPED, &s->ring.flags);
		pcibk_mb();
		if (pcibk_read_once(s->stopping) ||
		    !pcibk_test_and_clear_bit(PCIBK_RING_SKIPPED, &s->ring.flags))
			return;
	}
	pcibk_session_lock(s);
	if (s->ring_ready)
		ring_work(s);
	pcibk_session_unlock(s);
}
