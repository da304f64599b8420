// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12.2): post one error-recovery stage to a
 * frontend that has an AER handler, wait for its answer, and turn the
 * answer (or its absence) into the result for the host PCI core.
 *
 * The host calls each stage with the device lock held, so the claim is
 * stable and a detach of this device waits for us. Per guest only one
 * request may be outstanding (PCIBK_AER_BUSY). The request is posted and
 * its answer read under the op lock with the ring attached; the op lock
 * is dropped while waiting, because the guest's own recovery code sends
 * config requests that the worker serves under it. The wait ends when
 * the frontend answers, after PCIBK_AER_TIMEOUT_MS, or as soon as the
 * ring is disconnected or the device leaves the topology (hot-unplug,
 * guest destroy, module unload): those paths do not need the device lock
 * before that point, so nothing waits on us for the whole timeout.
 */
#include "internal.h"

enum aer_wait {
	AER_ANSWERED,	/* _XEN_PCIB_active is clear */
	AER_TIMEOUT,	/* still set after the timeout */
	/*
	 * The ring was disconnected or the device left the guest's topology
	 * meanwhile: the page may be gone, so nothing may touch it.
	 */
	AER_GONE,
};

int pcibk_aer_default(u32 cmd)
{
	return cmd == XEN_PCI_OP_aer_detected ? PCIBK_ERS_CAN_RECOVER :
	       PCIBK_ERS_RECOVERED;
}

static const char *aer_stage(u32 cmd)
{
	switch (cmd) {
	case XEN_PCI_OP_aer_detected:
		return "error_detected";
	case XEN_PCI_OP_aer_mmio:
		return "mmio_enabled";
	case XEN_PCI_OP_aer_slotreset:
		return "slot_reset";
	default:
		return "resume";
	}
}

/* Post the request (step 1-2); the caller waits (step 3). */
static void aer_post(struct pcibk_session *s, const struct pcibk_dev *d,
		     u32 cmd, u32 state)
{
	void *sh = s->ring.sh;

	pcibk_sh_write32(sh, PCIBK_SH_AER_CMD, cmd);
	pcibk_sh_write32(sh, PCIBK_SH_AER_ERR, state);
	pcibk_sh_write32(sh, PCIBK_SH_AER_DOMAIN, d->vaddr.domain);
	pcibk_sh_write32(sh, PCIBK_SH_AER_BUS, d->vaddr.bus);
	pcibk_sh_write32(sh, PCIBK_SH_AER_DEVFN, d->vaddr.devfn);
	pcibk_wmb();
	pcibk_set_bit(PCIBK_RING_AER_PENDING, &s->ring.flags);
	pcibk_sh_set_flag(sh, _XEN_PCIB_active);
	pcibk_wmb();
	s->ops->notify(s->ctx);
	/* An event that arrived meanwhile must not stall the channel. */
	pcibk_ring_eoi_owed(s);
}

/* Op lock held: the ring is attached and d is still in the topology. */
static bool aer_still_there(struct pcibk_session *s, struct pcibk_dev *d)
{
	return s->ring_ready &&
	       pcibk_topo_find_host(&s->guest.topo, d->info.seg, d->info.bus,
				    d->info.devfn) == d;
}

static bool aer_woken(void *arg)
{
	struct pcibk_session *s = arg;

	return pcibk_test_bit(PCIBK_AER_WOKEN, &s->aer_flags) ||
	       !pcibk_read_once(s->ring_ready);
}

/* Entered and left with the op lock held; dropped while sleeping. */
static enum aer_wait aer_wait(struct pcibk_session *s, struct pcibk_dev *d)
{
	u64 deadline = s->ops->now_ms(s->ctx) + PCIBK_AER_TIMEOUT_MS;
	u64 now, left;

	for (;;) {
		if (!aer_still_there(s, d))
			return AER_GONE;
		/*
		 * The page is the truth, the wake only a hint: an answer
		 * whose event was taken for a request (B3 before B4) is
		 * still seen here, one slice later. The hint is cleared
		 * before the page is read, not after.
		 */
		pcibk_clear_bit(PCIBK_AER_WOKEN, &s->aer_flags);
		pcibk_mb();
		if (!pcibk_sh_test_flag(s->ring.sh, _XEN_PCIB_active))
			return AER_ANSWERED;
		now = s->ops->now_ms(s->ctx);
		if (now >= deadline)
			return AER_TIMEOUT;
		left = deadline - now;

		pcibk_session_unlock(s);
		s->ops->wait(s->ctx, aer_woken, s,
			     left < PCIBK_AER_SLICE_MS ? (unsigned int)left :
			     PCIBK_AER_SLICE_MS);
		pcibk_session_lock(s);
	}
}

/* The forwarding proper, under the op lock; *fail: fail the guest. */
static int aer_forward(struct pcibk_session *s, struct pcibk_dev *d, u32 cmd,
		       u32 state, bool *fail)
{
	int def = pcibk_aer_default(cmd), res;
	enum aer_wait w;
	u32 err;

	/* Left the topology: an unplug or teardown is detaching it. */
	if (d->guest != &s->guest ||
	    pcibk_topo_find_host(&s->guest.topo, d->info.seg, d->info.bus,
				 d->info.devfn) != d) {
		pcibk_info_rl("%s: AER: device is not found/assigned\n", d->name);
		return def;
	}
	if (!s->ring_ready) {
		/* HVM guest, or the frontend never connected. */
		*fail = true;
		return def;
	}
	if (!pcibk_sh_test_flag(s->ring.sh, _XEN_PCIB_AERHANDLER)) {
		if (cmd == XEN_PCI_OP_aer_detected || cmd == XEN_PCI_OP_aer_resume)
			*fail = true;
		else
			pcibk_info_rl("%s: AER: guest has no AER handler\n", d->name);
		return def;
	}

	aer_post(s, d, cmd, state);
	w = aer_wait(s, d);
	pcibk_clear_bit(PCIBK_RING_AER_PENDING, &s->ring.flags);
	/*
	 * Nobody else will EOI for an event that woke us (B4), whatever
	 * ended the wait: after a hot-unplug the ring stays connected, and
	 * an EOI kept owed would mask the frontend's channel for good. The
	 * EOI touches the ring, not the page (found by the fuzzer).
	 */
	if (!pcibk_test_bit(PCIBK_RING_INFLIGHT, &s->ring.flags))
		pcibk_ring_eoi_owed(s);
	if (w == AER_GONE) {
		/*
		 * The frontend disconnected or the device is being detached:
		 * the page may already be unmapped, and the guest no longer
		 * has the device, so there is nobody to fail.
		 */
		pcibk_info_rl("%s: AER: guest went away during the request\n",
			      d->name);
		return def;
	}
	if (w != AER_ANSWERED) {
		pcibk_err_rl("%s: pcifront aer process not responding!\n",
			     d->name);
		pcibk_sh_clear_flag(s->ring.sh, _XEN_PCIB_active);
		return def;
	}
	pcibk_rmb();
	/* Read once; anything outside the defined results counts as NONE. */
	err = pcibk_sh_read32(s->ring.sh, PCIBK_SH_AER_ERR);
	res = err >= PCIBK_ERS_NONE && err <= PCIBK_ERS_NO_AER_DRIVER ?
	      (int)err : PCIBK_ERS_NONE;
	if (cmd == XEN_PCI_OP_aer_resume)
		return res;
	if (res == PCIBK_ERS_NONE || res == PCIBK_ERS_DISCONNECT)
		*fail = true;
	return res;
}

static bool aer_idle(void *arg)
{
	struct pcibk_session *s = arg;

	return !pcibk_test_bit(PCIBK_AER_BUSY, &s->aer_flags);
}

int pcibk_session_aer(struct pcibk_session *s, struct pcibk_dev *d, u32 cmd,
		      u32 state)
{
	bool fail = false;
	int res;

	if (!s) {
		pcibk_info_rl("%s: AER: device is not found/assigned\n", d->name);
		return pcibk_aer_default(cmd);
	}
	while (pcibk_test_and_set_bit(PCIBK_AER_BUSY, &s->aer_flags))
		s->ops->wait(s->ctx, aer_idle, s, PCIBK_AER_SLICE_MS);

	pcibk_session_lock(s);
	res = aer_forward(s, d, cmd, state, &fail);
	pcibk_session_unlock(s);

	pcibk_clear_bit(PCIBK_AER_BUSY, &s->aer_flags);
	pcibk_mb();
	s->ops->wake(s->ctx);

	if (fail)
		s->ops->aer_fail(s->ctx);
	pcibk_info_rl("%s: AER: %s (state %u) for dom%u: %d\n", d->name,
		      aer_stage(cmd), state, s->guest.domid, res);
	return res;
}
