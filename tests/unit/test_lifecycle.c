// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * A guest's session from connect to release, as the module runs it
 * (core/session.c, core/ring.c): the order of the disconnect (B16), the
 * bounded op lock of dom0's xenwatch thread, the two phases of a release
 * racing an unbind, and a guest that goes away in the middle of a request.
 */
#include "fix.h"

struct life {
	struct fix f;
	struct pcibk_session *s;
	struct pcibk_host_ops ops;
	char trace[256];
	int op_held_at_unbind;
	unsigned int dev_locks;
	bool unbind_between_phases;	/* the host's remove gets in first */
};

static struct life *L(void *ctx)
{
	return ((struct sim_session *)ctx)->priv;
}

static void mark(struct life *l, const char *what)
{
	size_t n = strlen(l->trace);

	snprintf(l->trace + n, sizeof(l->trace) - n, "%s%s", n ? "," : "", what);
}

static void l_unbind(void *ctx)
{
	struct life *l = L(ctx);

	l->op_held_at_unbind = l->f.ss.op_held;
	mark(l, "unbind");
	sim_s_unbind(ctx);
}

static void l_cancel(void *ctx)
{
	mark(L(ctx), "cancel");
	sim_s_cancel(ctx);
}

static void l_unmap(void *ctx, void *sh)
{
	struct life *l = L(ctx);

	/* Nothing may run on the page any more: no lock held, no work. */
	CHECK_EQ(l->f.ss.op_held, 0);
	CHECK(!l->f.ss.kick_pending);
	mark(l, "unmap");
	sim_s_unmap(ctx, sh);
}

/*
 * Between a release's two phases the function is unbound from pciback
 * (unbind_between_phases): the host's remove gets the device lock first,
 * detaches the device and lets it go for good.
 */
static struct life *cur;

static bool l_dev_lock_race(void *held)
{
	struct sim_dev *sd = held;

	cur->dev_locks++;
	if (cur->unbind_between_phases && !sd->released) {
		pcibk_session_leave(cur->s, cur->f.d[0]);
		pcibk_session_detach(cur->s, cur->f.d[0]);
		sd->released = true;
	}
	return sim_s_dev_lock(held);
}

static void life_init(struct life *l, unsigned int ndev)
{
	unsigned int i;

	memset(l, 0, sizeof(*l));
	cur = l;
	fix_init(&l->f, false);
	l->s = &l->f.ss.s;
	l->f.ss.priv = l;
	l->ops = sim_ops;
	l->ops.unbind = l_unbind;
	l->ops.cancel = l_cancel;
	l->ops.unmap = l_unmap;
	l->ops.dev_lock = l_dev_lock_race;
	l->s->ops = &l->ops;
	for (i = 0; i < ndev; i++)
		fix_add(&l->f, fix_nic(l->f.h, (u8)(3 + i), 0), true);
	sim_session_publish(&l->f.ss, l->f.pg);
	l->s->set_up = true;		/* the devices are exported */
}

static void life_fini(struct life *l)
{
	if (l->f.ss.mapped)
		CHECK_EQ(pcibk_session_disconnect(l->s), 0);
	CHECK_EQ(l->f.ss.maps, l->f.ss.unmaps);
	CHECK(!l->f.ss.bound);
	fix_fini(&l->f);
}

/* B16: unbind under the op lock, then the worker, then the page. */
TEST(life_disconnect_order)
{
	struct life l;

	life_init(&l, 1);
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	CHECK(l.s->ring_ready && l.f.ss.bound && l.f.ss.mapped);
	CHECK_EQ(l.f.ss.gref, 8);
	CHECK_EQ(l.f.ss.port, 9);
	CHECK_EQ(pcibk_session_disconnect(l.s), 0);
	CHECK(strcmp(l.trace, "unbind,cancel,unmap") == 0);
	CHECK_EQ(l.op_held_at_unbind, 1);
	CHECK(!l.s->ring_ready && !l.s->ring.sh && !l.s->stopping);
	/* A second disconnect finds nothing to drop. */
	CHECK_EQ(pcibk_session_disconnect(l.s), 0);
	CHECK_EQ(l.f.ss.unmaps, 1);
	life_fini(&l);
}

TEST(life_connect_twice_refused)
{
	struct life l;

	life_init(&l, 1);
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	CHECK_EQ(pcibk_session_connect(l.s, 10, 11), -EBUSY);
	CHECK_EQ(l.f.ss.maps, 1);
	CHECK_EQ(l.f.ss.lock_errors, 0);
	life_fini(&l);
}

TEST(life_connect_failures_leave_nothing)
{
	struct life l;

	life_init(&l, 1);
	l.f.ss.map_err = -ENOMEM;
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), -ENOMEM);
	CHECK(!l.s->ring_ready && !l.s->ring.sh && !l.f.ss.bound);
	l.f.ss.map_err = 0;
	l.f.ss.bind_err = -EINVAL;
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), -EINVAL);
	CHECK(!l.s->ring_ready && !l.s->ring.sh && !l.f.ss.mapped);
	CHECK_EQ(l.f.ss.unmaps, 1);
	l.f.ss.bind_err = 0;
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	life_fini(&l);
}

/* A request posted before the ring was taken is served at connect. */
TEST(life_connect_serves_posted_request)
{
	struct life l;

	life_init(&l, 1);
	sim_page_req(l.f.pg, XEN_PCI_OP_conf_read, 0, 0, 0, 0, 4, 0, 0);
	pcibk_sh_set_flag(l.f.pg->page, _XEN_PCIF_active);
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	sim_session_flush(&l.f.ss);
	CHECK(!pcibk_sh_test_flag(l.f.pg->page, _XEN_PCIF_active));
	CHECK_EQ(sim_page_err(l.f.pg), 0);
	CHECK_EQ(sim_page_value(l.f.pg), 0x10d38086);
	CHECK_EQ(l.f.ss.notifies, 1);
	life_fini(&l);
}

/*
 * The xenwatch thread's op lock: a request that never returns from the
 * host holds it; after PCIBK_OP_LOCK_WAIT_MS the session is wedged, says
 * so once, and every later bounded lock fails at once. Nothing is
 * released or unmapped meanwhile.
 */
TEST(life_bounded_lock_wedges)
{
	struct life l;
	unsigned long logs = sim_log_lines, sleeps;

	life_init(&l, 1);
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	/* A holder elsewhere: the op lock taken, op_busy set. */
	l.f.ss.op_taken_elsewhere = true;
	l.s->op_busy = true;
	CHECK_EQ(pcibk_session_disconnect(l.s), -EBUSY);
	CHECK(l.f.ss.now_ms >= PCIBK_OP_LOCK_WAIT_MS);
	CHECK(l.f.ss.now_ms <= PCIBK_OP_LOCK_WAIT_MS + 2 * PCIBK_OP_LOCK_POLL_MS);
	CHECK(l.s->wedged && l.s->stopping);
	CHECK_EQ(sim_log_lines, logs + 1);
	CHECK(strstr(sim_log_last, "held the guest's lock for 30 s") != NULL);
	CHECK(l.f.ss.mapped && l.f.ss.bound);
	sleeps = l.f.ss.sleeps;
	CHECK(!pcibk_session_release(l.s, 0, 0, 0));
	CHECK_EQ(pcibk_session_teardown(l.s), -EBUSY);
	CHECK_EQ(l.f.ss.sleeps, sleeps);
	CHECK_EQ(sim_log_lines, logs + 1);
	/* The worker takes no new work either. */
	sim_page_req(l.f.pg, XEN_PCI_OP_conf_read, 0, 0, 0, 0, 4, 0, 0);
	pcibk_sh_set_flag(l.f.pg->page, _XEN_PCIF_active);
	pcibk_session_event(l.s);
	CHECK(l.f.ss.kick_pending);
	l.f.ss.op_taken_elsewhere = false;
	l.s->op_busy = false;
	sim_session_flush(&l.f.ss);
	CHECK(pcibk_sh_test_flag(l.f.pg->page, _XEN_PCIF_active));
	/* The test lets it go: as if the host call came back. */
	l.s->wedged = false;
	l.s->stopping = false;
	pcibk_sh_clear_flag(l.f.pg->page, _XEN_PCIF_active);
	l.s->ring.flags = 0;
	life_fini(&l);
}

/* A release's two phases: the device leaves, then is detached, once. */
TEST(life_release_two_phases)
{
	struct life l;
	struct pcibk_dev *d;
	u32 v;

	life_init(&l, 2);
	d = l.f.d[0];
	CHECK(pcibk_session_release(l.s, 0, 0, 0));
	CHECK(d->guest == NULL);
	CHECK_EQ(l.f.sd[0]->resets, 1);
	CHECK_EQ(l.f.sd[0]->unclaims, 1);
	CHECK_EQ(l.f.sd[0]->holds, 0);
	CHECK_EQ(l.dev_locks, 1);
	CHECK_EQ(fix_read(&l.f, 0x00, 0, 4, &v), XEN_PCI_ERR_dev_not_found);
	CHECK_EQ(fix_read(&l.f, 0x08, 0, 4, &v), 0);
	/* Nothing at that address any more. */
	CHECK(!pcibk_session_release(l.s, 0, 0, 0));
	CHECK_EQ(l.dev_locks, 1);
	life_fini(&l);
}

/*
 * The function is unbound from pciback between the two phases: the
 * host's remove detaches it, and the session's second phase, finding
 * the binding gone, touches nothing of the device.
 */
TEST(life_release_races_unbind)
{
	struct life l;

	life_init(&l, 1);
	l.unbind_between_phases = true;
	CHECK(pcibk_session_release(l.s, 0, 0, 0));
	CHECK(l.f.d[0]->guest == NULL);
	CHECK_EQ(l.f.sd[0]->resets, 1);		/* detached once */
	CHECK_EQ(l.f.sd[0]->unclaims, 1);
	CHECK_EQ(l.f.sd[0]->holds, 0);
	CHECK_EQ(l.f.sd[0]->owner, -1);
	l.f.sd[0]->released = false;
	life_fini(&l);
}

/*
 * The guest goes away with a request in flight: the handler took it and
 * kicked the worker, then libxl removes the backend (frontend Closed,
 * online 0). The queued work is cancelled, the page is unmapped with the
 * request unanswered, and every device is released.
 */
TEST(life_guest_dies_mid_request)
{
	struct life l;

	life_init(&l, 2);
	l.s->ops = &l.ops;
	l.ops.fast_lock = NULL;		/* the request goes to the worker */
	l.ops.fast_unlock = NULL;
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	l.f.ss.be_state = PCIBK_XB_CONNECTED;
	sim_page_req(l.f.pg, XEN_PCI_OP_enable_msix, 0, 0, 0, 0, 0, 4, 0);
	pcibk_sh_set_flag(l.f.pg->page, _XEN_PCIF_active);
	pcibk_session_event(l.s);
	CHECK(l.f.ss.kick_pending);
	l.f.ss.fe_state = PCIBK_XB_CLOSED;
	l.f.ss.online = false;
	CHECK(pcibk_session_frontend_changed(l.s));
	CHECK(strcmp(l.trace, "unbind,cancel,unmap") == 0);
	CHECK(!l.f.ss.kick_pending);
	CHECK_EQ(l.f.ss.be_state, PCIBK_XB_CLOSED);
	CHECK(pcibk_sh_test_flag(l.f.pg->page, _XEN_PCIF_active));
	CHECK_EQ(l.s->ring.stats.ops, 0);
	/* The instance goes: its devices are released. */
	CHECK_EQ(pcibk_session_teardown(l.s), 0);
	CHECK_EQ(l.f.sd[0]->resets, 1);
	CHECK_EQ(l.f.sd[1]->resets, 1);
	CHECK_EQ(l.f.h->irqs_out, 0);
	life_fini(&l);
}

/* libxl's hot-plug: the host's pass over state-N, then Reconfigured. */
TEST(life_reconfigure)
{
	struct life l;

	life_init(&l, 1);
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	l.f.ss.fe_state = PCIBK_XB_RECONFIGURING;
	l.f.ss.be_state = PCIBK_XB_RECONFIGURING;
	l.f.ss.reconfigure_rc = -EINVAL;
	CHECK(!pcibk_session_frontend_changed(l.s));
	CHECK_EQ(l.f.ss.reconfigures, 1);
	CHECK_EQ(l.f.ss.be_state, PCIBK_XB_RECONFIGURING);
	l.f.ss.reconfigure_rc = 0;
	CHECK(!pcibk_session_frontend_changed(l.s));
	CHECK_EQ(l.f.ss.be_state, PCIBK_XB_RECONFIGURED);
	l.f.ss.fe_state = PCIBK_XB_CONNECTED;
	CHECK(!pcibk_session_frontend_changed(l.s));
	CHECK_EQ(l.f.ss.be_state, PCIBK_XB_CONNECTED);
	CHECK(l.f.ss.mapped);
	life_fini(&l);
}

/* Bad keys: each one refused with a fatal error, nothing mapped. */
TEST(life_bad_frontend_keys)
{
	static const char *const refs[] = { "", "x8", "8 ", "4294967296", "8" };
	static const char *const ports[] = { "9", "9", "9", "9", "" };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(refs); i++) {
		struct life l;

		life_init(&l, 1);
		snprintf(l.f.ss.fe_ref, sizeof(l.f.ss.fe_ref), "%s", refs[i]);
		snprintf(l.f.ss.fe_port, sizeof(l.f.ss.fe_port), "%s", ports[i]);
		l.f.ss.fe_state = PCIBK_XB_INITIALISED;
		l.f.ss.be_state = PCIBK_XB_INITIALISED;
		CHECK(!pcibk_session_frontend_changed(l.s));
		CHECK_EQ(l.f.ss.maps, 0);
		CHECK_EQ(l.f.ss.fatals, 1);
		CHECK_EQ(l.f.ss.be_state, PCIBK_XB_CLOSING);
		CHECK(strstr(l.f.ss.fatal_msg, "Error reading configuration") != NULL);
		life_fini(&l);
	}
}

/* A frontend that cannot be told it is connected keeps no ring. */
TEST(life_connected_switch_fails)
{
	struct life l;

	life_init(&l, 1);
	l.f.ss.fe_state = PCIBK_XB_INITIALISED;
	l.f.ss.be_state = PCIBK_XB_INITIALISED;
	l.f.ss.switch_err = -EIO;
	CHECK(!pcibk_session_frontend_changed(l.s));
	CHECK(!l.f.ss.mapped && !l.f.ss.bound);
	CHECK_EQ(l.f.ss.fatals, 1);
	CHECK(strstr(l.f.ss.fatal_msg, "switching to Connected") != NULL);
	life_fini(&l);
}

/* The worker takes no new work while a bounded lock waits; resume kicks. */
TEST(life_worker_yields_to_bounded_lock)
{
	struct life l;
	unsigned long locks;

	life_init(&l, 1);
	CHECK_EQ(pcibk_session_connect(l.s, 8, 9), 0);
	l.s->stopping = true;
	locks = l.f.ss.op_locks;
	pcibk_session_work(l.s);
	CHECK_EQ(l.f.ss.op_locks, locks);
	CHECK(pcibk_session_lock_bounded(l.s));
	pcibk_session_unlock_resume(l.s);
	CHECK(!l.s->stopping);
	CHECK(l.f.ss.kick_pending);
	sim_session_flush(&l.f.ss);
	life_fini(&l);
}
