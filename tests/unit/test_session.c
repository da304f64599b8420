// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The xenbus state machine (core/session.c), driven the way the glue
 * drives it: every frontend state sequence, with watch events that may
 * coalesce, ends with the backend connected to the frontend's current
 * ring or with no ring and Closing/Closed; no ring is mapped twice.
 */
#include "fix.h"

/* The glue and xenstore, as far as the decision can see them. */
struct xb {
	int fe, be;
	unsigned int fe_gen;	/* the frontend's ring: new at each publish */
	bool fe_keys_ok;
	bool ring;
	unsigned int ring_gen;
	bool set_up, online, removed;
	unsigned int maps, unmaps;
};

static void xb_disconnect(struct xb *x)
{
	if (x->ring)
		x->unmaps++;
	x->ring = false;
}

static void xb_attach(struct xb *x)
{
	CHECK(!x->ring);	/* never a second map (B16) */
	if (!x->fe_keys_ok) {
		x->be = PCIBK_XB_CLOSING;	/* xenbus_dev_fatal() */
		return;
	}
	x->ring = true;
	x->ring_gen = x->fe_gen;
	x->maps++;
	x->be = PCIBK_XB_CONNECTED;
}

/* One watch event: what pcibk_frontend_act() does. */
static void xb_event(struct xb *x)
{
	if (x->removed)
		return;
	switch (pcibk_session_frontend(x->fe, x->be, x->ring, x->set_up,
				       x->online)) {
	case PCIBK_FE_NONE:
	case PCIBK_FE_RECONFIGURE:
	case PCIBK_FE_RECONNECTED:
		break;
	case PCIBK_FE_REATTACH:
		xb_disconnect(x);
		xb_attach(x);
		break;
	case PCIBK_FE_ATTACH:
		xb_attach(x);
		break;
	case PCIBK_FE_REOPEN:
		xb_disconnect(x);
		x->be = PCIBK_XB_INITIALISED;
		break;
	case PCIBK_FE_CLOSE:
		xb_disconnect(x);
		x->be = PCIBK_XB_CLOSING;
		break;
	case PCIBK_FE_CLOSED:
		xb_disconnect(x);
		x->be = PCIBK_XB_CLOSED;
		break;
	case PCIBK_FE_RESTART:
		xb_disconnect(x);
		x->be = PCIBK_XB_INITIALISED;
		break;
	case PCIBK_FE_GONE:
		xb_disconnect(x);
		x->be = PCIBK_XB_CLOSED;
		x->removed = true;
		break;
	case PCIBK_FE_REMAP: {
		int be = x->be;

		xb_disconnect(x);
		xb_attach(x);
		if (x->be == PCIBK_XB_CONNECTED)
			x->be = be;
		break;
	}
	}
}

/*
 * The frontend writes a state; it publishes a new ring each time it goes
 * to Initialised. It writes Connected only once the backend is connected
 * to its ring (pcifront does so after reading the backend's Connected): a
 * frontend that claims Connected without that only leaves its own ring
 * unanswered, and the checks below would not hold for it.
 */
static void xb_write(struct xb *x, int st)
{
	if (st == PCIBK_XB_CONNECTED && !(x->ring && x->ring_gen == x->fe_gen))
		return;
	if (st == PCIBK_XB_INITIALISED && x->fe != PCIBK_XB_INITIALISED)
		x->fe_gen++;
	x->fe = st;
}

static void xb_init(struct xb *x)
{
	memset(x, 0, sizeof(*x));
	x->fe = PCIBK_XB_INITIALISING;
	x->be = PCIBK_XB_INITIALISED;	/* devices exported */
	x->set_up = true;
	x->online = true;
	x->fe_keys_ok = true;
}

static void xb_check_end(struct xb *x)
{
	/* connected means: to the ring the frontend has now */
	CHECK_EQ(x->ring, x->be == PCIBK_XB_CONNECTED);
	if (x->ring)
		CHECK_EQ(x->ring_gen, x->fe_gen);
	CHECK_EQ(x->maps, x->unmaps + (x->ring ? 1 : 0));
	/* a frontend that published a ring with good keys gets answered */
	if (x->fe == PCIBK_XB_INITIALISED && x->fe_keys_ok)
		CHECK(x->ring);
	/* a closed frontend: refused, or ready for the next one, no ring */
	if (x->fe == PCIBK_XB_CLOSING)
		CHECK(x->be == PCIBK_XB_CLOSING || x->be == PCIBK_XB_CLOSED);
	if (x->fe == PCIBK_XB_CLOSED)
		CHECK(!x->ring && x->be != PCIBK_XB_CONNECTED);
}

/* A sequence of writes, each followed by an event or not (coalesced). */
static void run(const int *seq, unsigned int n, unsigned int deliver)
{
	struct xb x;
	unsigned int i;

	xb_init(&x);
	for (i = 0; i < n; i++) {
		xb_write(&x, seq[i]);
		if (deliver & (1u << i))
			xb_event(&x);
	}
	xb_event(&x);		/* the last write's watch always fires */
	xb_check_end(&x);
	/*
	 * More events (our own writes fire the backend watch) leave the
	 * state as it is; a frontend in Initialised may get its ring mapped
	 * again, the same one.
	 */
	{
		struct xb y = x;

		xb_event(&x);
		CHECK_EQ(x.be, y.be);
		CHECK_EQ(x.ring, y.ring);
		CHECK_EQ(x.ring_gen, y.ring_gen);
		if (x.fe != PCIBK_XB_INITIALISED)
			CHECK_EQ(x.maps, y.maps);
		/* RESTART writes two states: asked again, it must not loop */
		CHECK(x.removed ||
		      pcibk_session_frontend(x.fe, x.be, x.ring, x.set_up,
					     x.online) != PCIBK_FE_RESTART);
	}
}

TEST(session_named_sequences_all_coalescings)
{
	static const int seqs[][6] = {
		{ 3, 5, 3 },
		{ 3, 5, 6, 1, 3 },	/* rmmod + modprobe xen-pcifront */
		{ 3, 6, 3 },
		{ 3, 4, 5, 6, 1, 3 },
		{ 3, 1, 3 },
		{ 5, 3 },		/* out of order */
		{ 4, 3 },
		{ 6, 3, 4 },
	};
	static const unsigned int len[] = { 3, 5, 3, 6, 3, 2, 2, 3 };
	unsigned int s, m;

	for (s = 0; s < ARRAY_SIZE(seqs); s++)
		for (m = 0; m < (1u << len[s]); m++)
			run(seqs[s], len[s], m);
}

/* Every sequence of up to 5 writes of 1, 3, 4, 5, 6, every coalescing. */
TEST(session_all_short_sequences)
{
	static const int st[] = { 1, 3, 4, 5, 6 };
	int seq[5];
	unsigned int n, code, m, i, c;

	for (n = 1; n <= 5; n++) {
		unsigned int total = 1;

		for (i = 0; i < n; i++)
			total *= ARRAY_SIZE(st);
		for (code = 0; code < total; code++) {
			c = code;
			for (i = 0; i < n; i++) {
				seq[i] = st[c % ARRAY_SIZE(st)];
				c /= ARRAY_SIZE(st);
			}
			for (m = 0; m < (1u << n); m++)
				run(seq, n, m);
		}
	}
}

/* Bad keys: refused (Closing); good keys and Initialised again: answered. */
TEST(session_bad_keys_then_good_keys)
{
	struct xb x;

	xb_init(&x);
	x.fe_keys_ok = false;
	xb_write(&x, PCIBK_XB_INITIALISED);
	xb_event(&x);
	CHECK_EQ(x.be, PCIBK_XB_CLOSING);
	CHECK(!x.ring);
	x.fe_keys_ok = true;
	xb_write(&x, PCIBK_XB_INITIALISING);
	xb_write(&x, PCIBK_XB_INITIALISED);
	xb_event(&x);
	CHECK_EQ(x.be, PCIBK_XB_CONNECTED);
	CHECK(x.ring);
	xb_check_end(&x);
}

/* Before the devices are exported nothing connects; afterwards it does. */
TEST(session_frontend_before_setup)
{
	struct xb x;

	xb_init(&x);
	x.set_up = false;
	x.be = PCIBK_XB_INITWAIT;
	xb_write(&x, PCIBK_XB_INITIALISED);
	xb_event(&x);
	CHECK(!x.ring);
	x.set_up = true;
	x.be = PCIBK_XB_INITIALISED;
	xb_event(&x);		/* the backend watch's turn */
	CHECK(x.ring);
	xb_check_end(&x);
}

/* Closed with online 0 (libxl removing the device): the instance goes. */
TEST(session_closed_offline_removes)
{
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_CLOSED, PCIBK_XB_CONNECTED,
					true, true, false), PCIBK_FE_GONE);
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_CLOSED, PCIBK_XB_CONNECTED,
					true, true, true), PCIBK_FE_RESTART);
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_CLOSED, PCIBK_XB_INITWAIT,
					false, false, true), PCIBK_FE_CLOSED);
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_UNKNOWN, PCIBK_XB_CONNECTED,
					true, true, true), PCIBK_FE_GONE);
}

/* Hot-plug: libxl's Reconfiguring; Connected again only with a ring. */
TEST(session_reconfigure)
{
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_RECONFIGURING,
					PCIBK_XB_RECONFIGURING, true, true, true),
		 PCIBK_FE_RECONFIGURE);
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_RECONFIGURING,
					PCIBK_XB_CONNECTED, true, true, true),
		 PCIBK_FE_NONE);
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_CONNECTED,
					PCIBK_XB_RECONFIGURED, true, true, true),
		 PCIBK_FE_RECONNECTED);
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_CONNECTED,
					PCIBK_XB_RECONFIGURED, false, true, true),
		 PCIBK_FE_NONE);
	/* a frontend's Initialised takes its ring, the state stays */
	CHECK_EQ(pcibk_session_frontend(PCIBK_XB_INITIALISED,
					PCIBK_XB_RECONFIGURING, true, true, true),
		 PCIBK_FE_REMAP);
}
