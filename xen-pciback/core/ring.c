// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The shared-page state machine (PROTOCOL.md §3.2 B2-B12): who runs a
 * request, when the frontend is notified, and exactly one EOI per event.
 */
#include <pcibk/core.h>

void pcibk_ring_init(struct pcibk_ring *r, void *sh, struct pcibk_guest *g,
		     const struct pcibk_ring_ops *ops, void *ctx)
{
	memset(r, 0, sizeof(*r));
	r->sh = sh;
	r->guest = g;
	r->ops = ops;
	r->ctx = ctx;
}

static void ring_answer(struct pcibk_ring *r)
{
	struct pcibk_guest *g = r->guest;

	pcibk_op_run(g, r->sh, &g->req, &g->rep);
	pcibk_op_reply(r->sh, &g->rep);
	r->stats.ops++;
	/* B10: the answer is visible before the bit clears. */
	pcibk_wmb();
	pcibk_sh_clear_flag(r->sh, _XEN_PCIF_active);
	r->ops->notify(r->ctx);
	pcibk_mb();
	pcibk_clear_bit(PCIBK_RING_INFLIGHT, &r->flags);
	pcibk_mb();
}

bool pcibk_ring_try_answer(struct pcibk_ring *r)
{
	if (!pcibk_op_atomic(r->guest, &r->guest->req))
		return false;
	ring_answer(r);
	return true;
}

/* B11: a request posted meanwhile; true if this caller now owns it. */
static bool ring_claim_next(struct pcibk_ring *r)
{
	return pcibk_sh_test_flag(r->sh, _XEN_PCIF_active) &&
	       !pcibk_test_and_set_bit(PCIBK_RING_INFLIGHT, &r->flags);
}

/* B12: exactly one EOI per event, once the work is done. */
static void ring_eoi_owed(struct pcibk_ring *r)
{
	if (pcibk_test_and_clear_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.eoi++;
		r->ops->eoi(r->ctx, false);
	}
}

/*
 * B3 with a fast path: this event handler owns the slot. The request is
 * fetched once (B6) into the guest's private copy; a config access is
 * offered to ops->fast, which answers it here, without the wake-up of a
 * worker, when the glue can exclude whatever its guest lock excludes and
 * the access cannot sleep (pcibk_ring_try_answer(): reads, and writes
 * that reach no field with a sleeping hook, such as BAR sizing). Anything
 * else, or a refusal, goes to the worker, which uses the same private
 * copy (PCIBK_RING_FETCHED) and reads nothing of the request again.
 */
static void ring_event_fast(struct pcibk_ring *r)
{
	struct pcibk_guest *g = r->guest;
	bool cfg;

	pcibk_op_fetch(r->sh, &g->req);
	cfg = g->req.cmd == XEN_PCI_OP_conf_read ||
	      g->req.cmd == XEN_PCI_OP_conf_write;
	if (!cfg || !r->ops->fast(r->ctx, r)) {
		pcibk_set_bit(PCIBK_RING_FETCHED, &r->flags);
		r->ops->kick(r->ctx);
		return;
	}
	r->stats.fast++;
	/* B11: one request answered here; a next one goes to the worker. */
	if (ring_claim_next(r)) {
		r->ops->kick(r->ctx);
		return;
	}
	ring_eoi_owed(r);
}

void pcibk_ring_event(struct pcibk_ring *r)
{
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
				   r->guest->domid);
	}

	/* B3: a request, and nobody serving this frontend yet. */
	if (pcibk_sh_test_flag(r->sh, _XEN_PCIF_active) &&
	    !pcibk_test_and_set_bit(PCIBK_RING_INFLIGHT, &r->flags)) {
		if (r->ops->fast)
			ring_event_fast(r);
		else
			r->ops->kick(r->ctx);
		return;
	}
	/* B4: the frontend answered our AER request. */
	if (!pcibk_sh_test_flag(r->sh, _XEN_PCIB_active) &&
	    pcibk_test_bit(PCIBK_RING_AER_PENDING, &r->flags)) {
		r->ops->aer_wake(r->ctx);
		return;
	}
	/* B5: nothing to do; a spurious EOI lets the kernel throttle storms. */
	if (pcibk_test_and_clear_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.spurious++;
		r->stats.eoi++;
		r->ops->eoi(r->ctx, true);
	}
}

void pcibk_ring_work(struct pcibk_ring *r)
{
	unsigned int done = 0;

	for (;;) {
		/* B6: fetched once, here or by the event handler. */
		if (!pcibk_test_and_clear_bit(PCIBK_RING_FETCHED, &r->flags))
			pcibk_op_fetch(r->sh, &r->guest->req);
		ring_answer(r);
		done++;
		if (!ring_claim_next(r))
			break;
		/*
		 * A frontend that posts as fast as we answer must not keep
		 * this worker forever: yield, still owning the slot.
		 */
		if (done >= PCIBK_RING_BATCH) {
			r->stats.requeues++;
			r->ops->kick(r->ctx);
			return;
		}
	}
	ring_eoi_owed(r);
}
