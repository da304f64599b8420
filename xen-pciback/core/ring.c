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
		pcibk_op_handle(r->guest, r->sh);
		r->stats.ops++;
		done++;
		/* B10: the answer is visible before the bit clears. */
		pcibk_wmb();
		pcibk_sh_clear_flag(r->sh, _XEN_PCIF_active);
		r->ops->notify(r->ctx);
		pcibk_mb();
		pcibk_clear_bit(PCIBK_RING_INFLIGHT, &r->flags);
		pcibk_mb();

		/* B11: a request posted meanwhile is picked up here. */
		if (!pcibk_sh_test_flag(r->sh, _XEN_PCIF_active) ||
		    pcibk_test_and_set_bit(PCIBK_RING_INFLIGHT, &r->flags))
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
	/* B12: exactly one EOI per event, once the work is done. */
	if (pcibk_test_and_clear_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.eoi++;
		r->ops->eoi(r->ctx, false);
	}
}
