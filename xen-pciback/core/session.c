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
#include <pcibk/core.h>

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
