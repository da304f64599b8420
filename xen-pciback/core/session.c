// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The frontend/backend xenbus state machine of one guest's backend
 * (PROTOCOL.md §8.3), as a decision the glue carries out.
 *
 * A frontend may go away and come back at any moment (rmmod and modprobe
 * of xen-pcifront, a hostile guest writing states at random), and xenbus
 * watch events coalesce: between two callbacks the frontend may have
 * passed through states the backend never saw. So the decision looks at
 * what is there now, not at the transition: a frontend in Initialised
 * while we hold a ring has published a new one, and the old page and
 * event channel must go before the new ones are taken (never connected
 * to a ring nobody answers on, nothing mapped twice).
 */
#include "internal.h"

static enum pcibk_fe_action frontend_initialised(int be, bool ring,
						 bool set_up)
{
	/* Devices not exported yet: setup attaches when it is done. */
	if (!set_up)
		return PCIBK_FE_NONE;
	switch (be) {
	case PCIBK_XB_INITIALISED:
	case PCIBK_XB_CLOSING:
	case PCIBK_XB_CLOSED:
		/* A first connect, or a reconnect after a close. */
		return ring ? PCIBK_FE_REATTACH : PCIBK_FE_ATTACH;
	case PCIBK_XB_CONNECTED:
		/* We missed its Closing: what we hold is the old ring. */
		return PCIBK_FE_REATTACH;
	case PCIBK_XB_RECONFIGURING:
	case PCIBK_XB_RECONFIGURED:
		/*
		 * A frontend that restarted during libxl's reconfigure (its
		 * Closed and Initialising coalesced into this Initialised):
		 * any ring we hold is its old one. Take the new one, but leave
		 * the state to the reconfigure, which the frontend goes on
		 * with (pcifront: Reconfiguring, then Connected once it sees
		 * Reconfigured).
		 */
		return PCIBK_FE_REMAP;
	default:
		/* Initialising, InitWait: setup has not finished. */
		return PCIBK_FE_NONE;
	}
}

enum pcibk_fe_action pcibk_session_frontend(int fe, int be, bool ring,
					    bool set_up, bool online)
{
	switch (fe) {
	case PCIBK_XB_INITIALISING:
	case PCIBK_XB_INITWAIT:
		/* A frontend (re)starting: it will publish a new ring. */
		if (set_up && (ring || be == PCIBK_XB_CONNECTED ||
			       be == PCIBK_XB_CLOSING || be == PCIBK_XB_CLOSED))
			return PCIBK_FE_REOPEN;
		return PCIBK_FE_NONE;
	case PCIBK_XB_INITIALISED:
		return frontend_initialised(be, ring, set_up);
	case PCIBK_XB_CONNECTED:
		/* [STRICTER] the end of a reconfigure, only with the ring. */
		return be == PCIBK_XB_RECONFIGURED && ring ?
		       PCIBK_FE_RECONNECTED : PCIBK_FE_NONE;
	case PCIBK_XB_CLOSING:
		return PCIBK_FE_CLOSE;
	case PCIBK_XB_CLOSED:
		if (!online)
			return PCIBK_FE_GONE;
		/*
		 * Ready for the next frontend once the devices are exported;
		 * once there, stay (our own state writes fire the backend
		 * watch, which asks again).
		 */
		if (!set_up)
			return PCIBK_FE_CLOSED;
		return be == PCIBK_XB_INITIALISED && !ring ? PCIBK_FE_NONE :
		       PCIBK_FE_RESTART;
	case PCIBK_XB_UNKNOWN:
		return PCIBK_FE_GONE;
	case PCIBK_XB_RECONFIGURING:
		/* Only when libxl has asked for it (backend Reconfiguring). */
		return be == PCIBK_XB_RECONFIGURING ? PCIBK_FE_RECONFIGURE :
		       PCIBK_FE_NONE;
	default:
		/* Reconfigured and anything else a frontend may write. */
		return PCIBK_FE_NONE;
	}
}

void pcibk_session_init(struct pcibk_session *s,
			const struct pcibk_host_ops *ops, void *ctx,
			u16 domid, bool passthrough)
{
	memset(s, 0, sizeof(*s));
	s->ops = ops;
	s->ctx = ctx;
	pcibk_guest_init(&s->guest, domid, passthrough);
}

int pcibk_session_connect(struct pcibk_session *s, u32 gref, u32 port)
{
	void *sh;
	int rc;

	/* One ring at a time: a second map would leak the first (B16). */
	if (s->ring.sh)
		return -EBUSY;
	rc = s->ops->map(s->ctx, gref, &sh);
	if (rc)
		return rc;

	pcibk_session_lock(s);
	memset(&s->ring, 0, sizeof(s->ring));
	s->ring.sh = sh;
	pcibk_write_once(s->ring_ready, true);
	pcibk_session_unlock(s);

	rc = s->ops->bind(s->ctx, port);
	if (rc) {
		pcibk_session_disconnect(s);
		return rc;
	}
	/*
	 * A request posted before this ring was taken (a remap under a
	 * frontend that did not see it go) had its event on the old binding:
	 * the worker serves it (B3 without an event, so no EOI is owed; the
	 * event handler may be running already, this is not it).
	 */
	if (pcibk_sh_test_flag(sh, _XEN_PCIF_active) &&
	    !pcibk_test_and_set_bit(PCIBK_RING_INFLIGHT, &s->ring.flags))
		s->ops->kick(s->ctx);
	return 0;
}

int pcibk_session_disconnect(struct pcibk_session *s)
{
	if (!pcibk_session_lock_bounded(s))
		return -EBUSY;	/* wedged: nothing is released, nothing waits */
	/*
	 * The unbind waits for a running handler, and with it for a fast
	 * answer; under the op lock no worker sees a half-gone channel.
	 */
	s->ops->unbind(s->ctx);
	pcibk_write_once(s->ring_ready, false);
	pcibk_session_unlock(s);
	/* An AER wait sees the ring go now rather than a slice later. */
	s->ops->wake(s->ctx);

	s->ops->cancel(s->ctx);
	if (s->ring.sh) {
		s->ops->unmap(s->ctx, s->ring.sh);
		s->ring.sh = NULL;
	}
	pcibk_write_once(s->stopping, false);
	return 0;
}

/* A decimal u32 of the frontend's, digits only. */
static int parse_u32(const char *str, u32 *v)
{
	u64 n = 0;

	if (!*str)
		return -EINVAL;
	for (; *str; str++) {
		if (*str < '0' || *str > '9')
			return -EINVAL;
		n = n * 10 + (u64)(*str - '0');
		if (n > 0xffffffffu)
			return -ERANGE;
	}
	*v = (u32)n;
	return 0;
}

/*
 * Map the frontend's page and bind its channel, then Connected (§8.3)
 * unless a reconfigure owns the state (connect false); no ring attached.
 */
static void session_attach(struct pcibk_session *s, bool connect)
{
	char ref[16], port[16], magic[16], msg[96];
	u32 gref, evtchn;
	int rc;

	rc = s->ops->xb_read_fe(s->ctx, "pci-op-ref", ref, sizeof(ref));
	if (!rc)
		rc = s->ops->xb_read_fe(s->ctx, "event-channel", port,
					sizeof(port));
	if (!rc)
		rc = s->ops->xb_read_fe(s->ctx, "magic", magic, sizeof(magic));
	if (!rc && (parse_u32(ref, &gref) || parse_u32(port, &evtchn)))
		rc = -EINVAL;
	if (rc) {
		s->ops->xb_fatal(s->ctx, rc,
				 "Error reading configuration from frontend");
		return;
	}
	if (strcmp(magic, XEN_PCI_MAGIC)) {
		pcibk_snprintf(msg, sizeof(msg),
			       "version mismatch (%s/%s) with pcifront - halting xen-pciback",
			       magic, XEN_PCI_MAGIC);
		s->ops->xb_fatal(s->ctx, -EFAULT, msg);
		return;
	}
	if (pcibk_session_connect(s, gref, evtchn) || !connect)
		return;
	rc = s->ops->xb_switch(s->ctx, PCIBK_XB_CONNECTED);
	if (rc) {
		/* Not connected: keep no ring the frontend would not use. */
		s->ops->xb_fatal(s->ctx, rc, "switching to Connected");
		pcibk_session_disconnect(s);
		return;
	}
	pcibk_dbg("dom%u: connected (gref %u, port %u)\n", s->guest.domid,
		  gref, evtchn);
}

bool pcibk_session_frontend_changed(struct pcibk_session *s)
{
	const struct pcibk_host_ops *ops = s->ops;
	int fe = ops->xb_state(s->ctx, true);
	int be = ops->xb_state(s->ctx, false);
	enum pcibk_fe_action act;

	act = pcibk_session_frontend(fe, be, s->ring.sh, s->set_up,
				     ops->xb_online(s->ctx));
	pcibk_dbg("dom%u: frontend %d, backend %d: action %d\n",
		  s->guest.domid, fe, be, act);
	switch (act) {
	case PCIBK_FE_NONE:
		break;
	case PCIBK_FE_REATTACH:
		if (pcibk_session_disconnect(s))
			break;
		fallthrough;
	case PCIBK_FE_ATTACH:
		session_attach(s, true);
		break;
	case PCIBK_FE_REMAP:
		if (!pcibk_session_disconnect(s))
			session_attach(s, false);
		break;
	case PCIBK_FE_REOPEN:
		pcibk_session_disconnect(s);
		ops->xb_switch(s->ctx, PCIBK_XB_INITIALISED);
		break;
	case PCIBK_FE_RECONFIGURE:
		if (!ops->reconfigure(s->ctx))
			ops->xb_switch(s->ctx, PCIBK_XB_RECONFIGURED);
		break;
	case PCIBK_FE_RECONNECTED:
		ops->xb_switch(s->ctx, PCIBK_XB_CONNECTED);
		break;
	case PCIBK_FE_CLOSE:
		pcibk_session_disconnect(s);
		ops->xb_switch(s->ctx, PCIBK_XB_CLOSING);
		break;
	case PCIBK_FE_CLOSED:
		pcibk_session_disconnect(s);
		ops->xb_switch(s->ctx, PCIBK_XB_CLOSED);
		break;
	case PCIBK_FE_RESTART:
		pcibk_session_disconnect(s);
		ops->xb_switch(s->ctx, PCIBK_XB_CLOSED);
		ops->xb_switch(s->ctx, PCIBK_XB_INITIALISED);
		break;
	case PCIBK_FE_GONE:
		pcibk_session_disconnect(s);
		ops->xb_switch(s->ctx, PCIBK_XB_CLOSED);
		return true;
	}
	return false;
}

void pcibk_session_detach(struct pcibk_session *s, struct pcibk_dev *d)
{
	const struct pcibk_host_ops *ops = s->ops;
	void *hdev = d->hdev;

	/* Claimed by someone else, or already detached by whoever came first. */
	if (d->guest != &s->guest)
		return;
	pcibk_dev_detach(d);
	/* Last: the claim may hold the last reference to s. */
	ops->unclaim(hdev);
}

/*
 * A release's first phase, under the op lock: d leaves the topology (later
 * ops for its address get -1, B14) and the host's binding is held.
 */
static void *session_take(struct pcibk_session *s, struct pcibk_dev *d)
{
	pcibk_topo_del(&s->guest.topo, d);
	return s->ops->dev_hold(d->hdev);
}

/*
 * The second phase, no lock held: under the device lock, d is valid only
 * while the host has not let the device go meanwhile (an unbind).
 */
static void session_detach_held(struct pcibk_session *s, struct pcibk_dev *d,
				void *held)
{
	const struct pcibk_host_ops *ops = s->ops;

	if (ops->dev_lock(held))
		pcibk_session_detach(s, d);
	ops->dev_unlock(held);
	ops->dev_put(held);
}

bool pcibk_session_release(struct pcibk_session *s, u32 domain, u32 bus,
			   u32 devfn)
{
	struct pcibk_dev *d;
	void *held = NULL;

	if (!pcibk_session_lock_bounded(s))
		return false;
	d = pcibk_topo_find(&s->guest.topo, domain, bus, devfn);
	if (d)
		held = session_take(s, d);
	pcibk_session_unlock_resume(s);
	if (!d)
		return false;
	session_detach_held(s, d, held);
	return true;
}

int pcibk_session_teardown(struct pcibk_session *s)
{
	struct pcibk_dev *d;
	void *held = NULL;

	for (;;) {
		if (!pcibk_session_lock_bounded(s))
			return -EBUSY;
		d = s->guest.topo.list;
		if (d)
			held = session_take(s, d);
		pcibk_session_unlock_resume(s);
		if (!d)
			return 0;
		session_detach_held(s, d, held);
	}
}

void pcibk_session_leave(struct pcibk_session *s, struct pcibk_dev *d)
{
	/* Later ops for this address get -1 (B14). */
	pcibk_session_lock(s);
	if (pcibk_topo_find_host(&s->guest.topo, d->info.seg, d->info.bus,
				 d->info.devfn) == d)
		pcibk_topo_del(&s->guest.topo, d);
	pcibk_session_unlock(s);
}
