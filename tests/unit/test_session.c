// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The xenbus state machine (core/session.c) as the module runs it
 * (pcibk_session_frontend_changed() over the session ops): every frontend
 * state sequence, with watch events that may coalesce, ends with the
 * backend connected to the frontend's current ring or with no ring and
 * Closing/Closed; no ring is mapped twice.
 */
#include "fix.h"

/*
 * A guest's session over the simulated host's session ops: xenstore, the
 * frontend's keys and its ring are the sim's; each ring the frontend
 * publishes is a new generation (the same simulated page).
 */
struct xb {
	struct sim_session ss;		/* first: the session ops' ctx */
	struct sim_page *pg;
	unsigned int fe_gen;	/* the frontend's ring: new at each publish */
	unsigned int ring_gen;	/* the one the backend mapped */
	bool removed;
};

static struct pcibk_host_ops xb_ops;

static int xb_map(void *ctx, u32 gref, void **sh)
{
	struct xb *x = ctx;
	int rc = sim_s_map(ctx, gref, sh);

	if (!rc)
		x->ring_gen = x->fe_gen;
	return rc;
}

#define X_RING(x)	((x)->ss.mapped)
#define X_FE(x)		((x)->ss.fe_state)
#define X_BE(x)		((x)->ss.be_state)

static void xb_keys(struct xb *x, bool ok)
{
	snprintf(x->ss.fe_magic, sizeof(x->ss.fe_magic), "%s",
		 ok ? XEN_PCI_MAGIC : "6");
}

/* One watch event: the session acts on what xenstore holds now. */
static void xb_event(struct xb *x)
{
	if (x->removed)
		return;
	if (pcibk_session_frontend_changed(&x->ss.s)) {
		x->removed = true;
		CHECK(!X_RING(x) && !x->ss.bound);
		CHECK_EQ(X_BE(x), PCIBK_XB_CLOSED);
	}
	CHECK_EQ(x->ss.lock_errors, 0);		/* never a second map (B16) */
	CHECK_EQ(x->ss.op_held, 0);
	CHECK_EQ(X_RING(x), x->ss.bound);
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
	if (st == PCIBK_XB_CONNECTED && !(X_RING(x) && x->ring_gen == x->fe_gen))
		return;
	if (st == PCIBK_XB_INITIALISED && X_FE(x) != PCIBK_XB_INITIALISED)
		x->fe_gen++;
	X_FE(x) = st;
}

static void xb_init(struct xb *x)
{
	memset(x, 0, sizeof(*x));
	xb_ops = sim_ops;
	xb_ops.map = xb_map;
	x->pg = sim_page_new();
	sim_session_init(&x->ss, &xb_ops, 5, false);
	sim_session_publish(&x->ss, x->pg);
	X_BE(x) = PCIBK_XB_INITIALISED;	/* devices exported */
	x->ss.s.set_up = true;
}

static void xb_fini(struct xb *x)
{
	if (!x->removed)
		CHECK_EQ(pcibk_session_disconnect(&x->ss.s), 0);
	CHECK(!X_RING(x) && !x->ss.bound);
	CHECK_EQ(x->ss.maps, x->ss.unmaps);
	sim_page_free(x->pg);
}

static void xb_check_end(struct xb *x)
{
	bool keys_ok = !strcmp(x->ss.fe_magic, XEN_PCI_MAGIC);

	/* connected means: to the ring the frontend has now */
	CHECK_EQ(X_RING(x), X_BE(x) == PCIBK_XB_CONNECTED);
	if (X_RING(x))
		CHECK_EQ(x->ring_gen, x->fe_gen);
	CHECK_EQ(x->ss.maps, x->ss.unmaps + (X_RING(x) ? 1 : 0));
	/* a frontend that published a ring with good keys gets answered */
	if (X_FE(x) == PCIBK_XB_INITIALISED && keys_ok)
		CHECK(X_RING(x));
	/* a closed frontend: refused, or ready for the next one, no ring */
	if (X_FE(x) == PCIBK_XB_CLOSING)
		CHECK(X_BE(x) == PCIBK_XB_CLOSING || X_BE(x) == PCIBK_XB_CLOSED);
	if (X_FE(x) == PCIBK_XB_CLOSED)
		CHECK(!X_RING(x) && X_BE(x) != PCIBK_XB_CONNECTED);
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
		int be = X_BE(&x);
		bool ring = X_RING(&x);
		unsigned int gen = x.ring_gen;
		unsigned long maps = x.ss.maps;

		xb_event(&x);
		CHECK_EQ(X_BE(&x), be);
		CHECK_EQ(X_RING(&x), ring);
		CHECK_EQ(x.ring_gen, gen);
		if (X_FE(&x) != PCIBK_XB_INITIALISED)
			CHECK_EQ(x.ss.maps, maps);
		/* RESTART writes two states: asked again, it must not loop */
		CHECK(x.removed ||
		      pcibk_session_frontend(X_FE(&x), X_BE(&x), X_RING(&x),
					     true, true) != PCIBK_FE_RESTART);
	}
	xb_fini(&x);
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
	xb_keys(&x, false);
	xb_write(&x, PCIBK_XB_INITIALISED);
	xb_event(&x);
	CHECK_EQ(X_BE(&x), PCIBK_XB_CLOSING);
	CHECK(!X_RING(&x));
	CHECK_EQ(x.ss.fatals, 1);
	CHECK_EQ(x.ss.fatal_err, -EFAULT);
	CHECK(strstr(x.ss.fatal_msg, "version mismatch (6/") != NULL);
	CHECK_EQ(x.ss.maps, 0);
	xb_keys(&x, true);
	xb_write(&x, PCIBK_XB_INITIALISING);
	xb_write(&x, PCIBK_XB_INITIALISED);
	xb_event(&x);
	CHECK_EQ(X_BE(&x), PCIBK_XB_CONNECTED);
	CHECK(X_RING(&x));
	xb_check_end(&x);
	xb_fini(&x);
}

/* Before the devices are exported nothing connects; afterwards it does. */
TEST(session_frontend_before_setup)
{
	struct xb x;

	xb_init(&x);
	x.ss.s.set_up = false;
	X_BE(&x) = PCIBK_XB_INITWAIT;
	xb_write(&x, PCIBK_XB_INITIALISED);
	xb_event(&x);
	CHECK(!X_RING(&x));
	x.ss.s.set_up = true;
	X_BE(&x) = PCIBK_XB_INITIALISED;
	xb_event(&x);		/* the backend watch's turn */
	CHECK(X_RING(&x));
	xb_check_end(&x);
	xb_fini(&x);
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
