// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12.2): post one error-recovery stage to a
 * frontend that has an AER handler, wait for its answer, and turn the
 * answer (or its absence) into the result for the host PCI core.
 */
#include <pcibk/core.h>

int pcibk_aer_default(u32 cmd)
{
	return cmd == XEN_PCI_OP_aer_detected ? PCIBK_ERS_CAN_RECOVER :
	       PCIBK_ERS_RECOVERED;
}

/* Post the request (step 1-2); the caller waits (step 3). */
static void post(struct pcibk_ring *r, const struct pcibk_dev *d, u32 cmd,
		 u32 state)
{
	void *sh = r->sh;

	pcibk_sh_write32(sh, PCIBK_SH_AER_CMD, cmd);
	pcibk_sh_write32(sh, PCIBK_SH_AER_ERR, state);
	pcibk_sh_write32(sh, PCIBK_SH_AER_DOMAIN, d->vaddr.domain);
	pcibk_sh_write32(sh, PCIBK_SH_AER_BUS, d->vaddr.bus);
	pcibk_sh_write32(sh, PCIBK_SH_AER_DEVFN, d->vaddr.devfn);
	pcibk_wmb();
	pcibk_set_bit(PCIBK_RING_AER_PENDING, &r->flags);
	pcibk_sh_set_flag(sh, _XEN_PCIB_active);
	pcibk_wmb();
	r->ops->notify(r->ctx);
	/* An event that arrived meanwhile must not stall the channel. */
	if (pcibk_test_and_clear_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.eoi++;
		r->ops->eoi(r->ctx, false);
	}
}

int pcibk_aer_forward(struct pcibk_ring *r, struct pcibk_dev *d, u32 cmd,
		      u32 state, const struct pcibk_aer_ops *ops, void *ctx)
{
	int def = pcibk_aer_default(cmd), res;
	enum pcibk_aer_wait w;
	u32 err;

	/* Left the topology: an unplug or teardown is detaching it. */
	if (!d->guest ||
	    pcibk_topo_find_host(&d->guest->topo, d->info.seg, d->info.bus,
				 d->info.devfn) != d) {
		pcibk_info_rl("%s: AER: device is not found/assigned\n", d->name);
		return def;
	}
	if (!r) {
		/* HVM guest, or the frontend never connected. */
		ops->fail_guest(ctx);
		return def;
	}
	if (!pcibk_sh_test_flag(r->sh, _XEN_PCIB_AERHANDLER)) {
		if (cmd == XEN_PCI_OP_aer_detected || cmd == XEN_PCI_OP_aer_resume)
			ops->fail_guest(ctx);
		else
			pcibk_info_rl("%s: AER: guest has no AER handler\n", d->name);
		return def;
	}

	post(r, d, cmd, state);
	w = ops->wait(ctx, PCIBK_AER_TIMEOUT_MS);
	pcibk_clear_bit(PCIBK_RING_AER_PENDING, &r->flags);
	/*
	 * Nobody else will EOI for an event that woke us (B4), whatever
	 * ended the wait: after a hot-unplug the ring stays connected, and
	 * an EOI kept owed would mask the frontend's channel for good. The
	 * EOI touches the ring, not the page (found by the fuzzer).
	 */
	if (!pcibk_test_bit(PCIBK_RING_INFLIGHT, &r->flags) &&
	    pcibk_test_and_clear_bit(PCIBK_RING_EOI_OWED, &r->flags)) {
		r->stats.eoi++;
		r->ops->eoi(r->ctx, false);
	}
	if (w == PCIBK_AER_GONE) {
		/*
		 * The frontend disconnected or the device is being detached:
		 * the page may already be unmapped, and the guest no longer
		 * has the device, so there is nobody to fail.
		 */
		pcibk_info_rl("%s: AER: guest went away during the request\n",
			      d->name);
		return def;
	}
	if (w != PCIBK_AER_ANSWERED) {
		pcibk_err_rl("%s: pcifront aer process not responding!\n",
			     d->name);
		pcibk_sh_clear_flag(r->sh, _XEN_PCIB_active);
		return def;
	}
	pcibk_rmb();
	/* Read once; anything outside the defined results counts as NONE. */
	err = pcibk_sh_read32(r->sh, PCIBK_SH_AER_ERR);
	res = err >= PCIBK_ERS_NONE && err <= PCIBK_ERS_NO_AER_DRIVER ?
	      (int)err : PCIBK_ERS_NONE;
	if (cmd == XEN_PCI_OP_aer_resume)
		return res;
	if (res == PCIBK_ERS_NONE || res == PCIBK_ERS_DISCONNECT)
		ops->fail_guest(ctx);
	return res;
}
