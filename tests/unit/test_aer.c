// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12.2, §16 item 37).
 */
#include "fix.h"

struct aer_rig {
	struct fix f;
	struct pcibk_session *s;	/* &f.ss.s */
	int answer;		/* what the frontend writes; -1: never answers */
	/* What goes away while the backend waits: */
	bool gone_ring;		/* the ring (a disconnect; back after) */
	struct pcibk_dev *gone_dev;	/* this device (an unplug) */
	bool answer_event;	/* the frontend answers with an event first */
	unsigned int waits;
	u32 seen_cmd, seen_err, seen_dom, seen_bus, seen_devfn;
	bool flag_at_wait;
};

static u32 rd(struct aer_rig *g, unsigned int off)
{
	u32 v;

	memcpy(&v, g->f.pg->page + off, 4);
	return v;
}

/* The frontend, while the backend sleeps in its AER wait (no lock held). */
static void a_on_wait(struct sim_session *ss)
{
	struct aer_rig *g = ss->priv;
	u32 v;

	g->waits++;
	g->flag_at_wait = pcibk_sh_test_flag(g->f.pg->page, _XEN_PCIB_active);
	g->seen_cmd = rd(g, PCIBK_SH_AER_CMD);
	g->seen_err = rd(g, PCIBK_SH_AER_ERR);
	g->seen_dom = rd(g, PCIBK_SH_AER_DOMAIN);
	g->seen_bus = rd(g, PCIBK_SH_AER_BUS);
	g->seen_devfn = rd(g, PCIBK_SH_AER_DEVFN);
	if (g->answer_event) {
		v = (u32)g->answer;
		memcpy(g->f.pg->page + PCIBK_SH_AER_ERR, &v, 4);
		pcibk_sh_clear_flag(g->f.pg->page, _XEN_PCIB_active);
		pcibk_session_event(g->s);	/* B4: wakes us, EOI owed */
	}
	if (g->gone_ring) {
		g->s->ring_ready = false;
		return;
	}
	if (g->gone_dev) {
		pcibk_topo_del(&g->s->guest.topo, g->gone_dev);
		return;
	}
	if (g->answer < 0)
		return;
	v = (u32)g->answer;
	memcpy(g->f.pg->page + PCIBK_SH_AER_ERR, &v, 4);
	pcibk_sh_clear_flag(g->f.pg->page, _XEN_PCIB_active);
}

static void rig(struct aer_rig *g, bool handler, int answer)
{
	memset(g, 0, sizeof(*g));
	fix_init(&g->f, false);
	g->s = &g->f.ss.s;
	g->f.ss.priv = g;
	g->f.ss.on_wait = a_on_wait;
	fix_add(&g->f, fix_nic(g->f.h, 3, 0), true);
	fix_add(&g->f, fix_nic(g->f.h, 4, 0), true);	/* vpci 00:01.0 */
	sim_session_publish(&g->f.ss, g->f.pg);
	CHECK_EQ(pcibk_session_connect(g->s, 8, 9), 0);
	if (handler)
		pcibk_sh_set_flag(g->f.pg->page, _XEN_PCIB_AERHANDLER);
	g->answer = answer;
}

/* One stage, as the PCI core's handler does it. */
static int fwd(struct aer_rig *g, struct pcibk_dev *d, u32 cmd, u32 state)
{
	int res = pcibk_session_aer(g->s, d, cmd, state);

	CHECK(!pcibk_test_bit(PCIBK_AER_BUSY, &g->s->aer_flags));
	CHECK_EQ(g->f.ss.op_held, 0);
	/* A frontend that disconnected comes back (same page). */
	if (g->gone_ring)
		g->s->ring_ready = true;
	return res;
}

static void rig_fini(struct aer_rig *g)
{
	CHECK_EQ(g->f.ss.lock_errors, 0);
	CHECK_EQ(pcibk_session_disconnect(g->s), 0);
	fix_fini(&g->f);
}

TEST(aer_request_carries_guest_view)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(fwd(&g, g.f.d[1], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.seen_cmd, XEN_PCI_OP_aer_detected);
	CHECK_EQ(g.seen_err, 2);		/* frozen */
	CHECK_EQ(g.seen_dom, 0);
	CHECK_EQ(g.seen_bus, 0);
	CHECK_EQ(g.seen_devfn, 0x08);		/* not the host's 04:00.0 */
	CHECK(g.flag_at_wait);
	CHECK_EQ(g.f.ss.notifies, 1);
		CHECK_EQ(g.f.ss.aer_fails, 0);
	CHECK(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &g.s->ring.flags));
	rig_fini(&g);
}

TEST(aer_answers_used)
{
	static const int answers[] = { 2, 3, 5, 6 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(answers); i++) {
		struct aer_rig g;

		rig(&g, true, answers[i]);
		CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_slotreset, 1), answers[i]);
		CHECK_EQ(g.f.ss.aer_fails, 0);
		rig_fini(&g);
	}
}

TEST(aer_none_or_disconnect_fails_guest)
{
	static const int answers[] = { PCIBK_ERS_NONE, PCIBK_ERS_DISCONNECT };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(answers); i++) {
		struct aer_rig g;

		rig(&g, true, answers[i]);
		CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_detected, 1), answers[i]);
		CHECK_EQ(g.f.ss.aer_fails, 1);
		rig_fini(&g);
	}
}

/* [STRICTER] values outside 1-6 count as NONE. */
TEST(aer_out_of_range_is_none)
{
	static const int answers[] = { 0, 7, 100, 0x7fffffff, 0x40000000 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(answers); i++) {
		struct aer_rig g;

		rig(&g, true, answers[i]);
		CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_mmio, 1), PCIBK_ERS_NONE);
		CHECK_EQ(g.f.ss.aer_fails, 1);
		rig_fini(&g);
	}
}

TEST(aer_resume_result_ignored)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_DISCONNECT);
	fwd(&g, g.f.d[0], XEN_PCI_OP_aer_resume, 1);
	CHECK_EQ(g.f.ss.aer_fails, 0);
	rig_fini(&g);
}

TEST(aer_timeout_logs_and_defaults)
{
	struct aer_rig g;
	unsigned long logs = sim_log_lines;

	rig(&g, true, -1);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIB_active));
	/* The timeout, then the stage's line, which every stage logs. */
	CHECK_EQ(sim_log_lines, logs + 2);
	CHECK(strstr(sim_log_prev, "pcifront aer process not responding") != NULL);
	CHECK(strstr(sim_log_last, "AER: error_detected (state 2) for dom5: 2") != NULL);
	CHECK_EQ(g.waits, PCIBK_AER_TIMEOUT_MS / PCIBK_AER_SLICE_MS);
	CHECK(g.f.ss.now_ms >= PCIBK_AER_TIMEOUT_MS);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_mmio, 2),
		 PCIBK_ERS_RECOVERED);
	rig_fini(&g);
}

TEST(aer_without_handler)
{
	struct aer_rig g;

	rig(&g, false, PCIBK_ERS_RECOVERED);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.f.ss.aer_fails, 1);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_resume, 2),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(g.f.ss.aer_fails, 2);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_mmio, 2),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_slotreset, 2),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(g.f.ss.aer_fails, 2);
	CHECK_EQ(g.waits, 0);
	rig_fini(&g);
}

TEST(aer_without_ring_fails_guest)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_RECOVERED);
	CHECK_EQ(pcibk_session_disconnect(g.s), 0);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.f.ss.aer_fails, 1);
	rig_fini(&g);
}

TEST(aer_unassigned_device_default)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_NONE);
	CHECK(fix_release(&g.f, g.f.d[0]));
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.f.ss.aer_fails, 0);
	CHECK_EQ(g.waits, 0);
	rig_fini(&g);
}

/* An EOI owed when posting is paid, so the channel cannot stall. */
TEST(aer_pays_owed_eoi)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_RECOVERED);
	pcibk_set_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags);
	fwd(&g, g.f.d[0], XEN_PCI_OP_aer_mmio, 1);
	CHECK_EQ(g.f.ss.eois, 1);
	CHECK(!pcibk_test_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags));
	rig_fini(&g);
}

TEST(aer_defaults)
{
	CHECK_EQ(pcibk_aer_default(XEN_PCI_OP_aer_detected), PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(pcibk_aer_default(XEN_PCI_OP_aer_mmio), PCIBK_ERS_RECOVERED);
	CHECK_EQ(pcibk_aer_default(XEN_PCI_OP_aer_slotreset), PCIBK_ERS_RECOVERED);
	CHECK_EQ(pcibk_aer_default(XEN_PCI_OP_aer_resume), PCIBK_ERS_RECOVERED);
}

/* The ring went away while waiting: default, no guest failed, no EOI. */
TEST(aer_gone_during_wait)
{
	struct aer_rig g;
	unsigned long logs = sim_log_lines;

	rig(&g, true, PCIBK_ERS_NONE);
	g.gone_ring = true;
	pcibk_set_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	/* The page was left alone after the wait (it may be unmapped). */
	CHECK(pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIB_active));
	CHECK_EQ(rd(&g, PCIBK_SH_AER_ERR), 2);
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_slotreset, 1),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(g.f.ss.aer_fails, 0);
	CHECK_EQ(g.waits, 2);
	CHECK_EQ(g.f.ss.eois, 1);		/* only the one owed when posting */
	CHECK(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &g.s->ring.flags));
	CHECK_EQ(sim_log_lines, logs + 4);
	CHECK(strstr(sim_log_prev, "went away") != NULL);
	rig_fini(&g);
}

/* Out of the topology (unplug in progress): not posted, guest not failed. */
TEST(aer_device_leaving_topology)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_NONE);
	pcibk_topo_del(&g.f.g->topo, g.f.d[1]);
	CHECK_EQ(fwd(&g, g.f.d[1], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.waits, 0);
	CHECK_EQ(g.f.ss.aer_fails, 0);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIB_active));
	/* The other device is still served. */
	CHECK_EQ(fwd(&g, g.f.d[0], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_NONE);
	CHECK_EQ(g.waits, 1);
	pcibk_session_detach(g.s, g.f.d[1]);	/* the detach under way */
	rig_fini(&g);
}

/*
 * The frontend answered with an event, but the device was unplugged
 * before the wait saw the answer: the ring stays connected, so the EOI
 * that event is owed is paid here, or the channel stays masked.
 */
TEST(aer_gone_after_answer_pays_eoi)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_RECOVERED);
	g.answer_event = true;
	g.gone_dev = g.f.d[1];
	CHECK_EQ(fwd(&g, g.f.d[1], XEN_PCI_OP_aer_detected, 2),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.f.ss.aer_fails, 0);
	CHECK_EQ(g.f.ss.eois, 1);
	CHECK_EQ(g.s->ring.stats.eoi, 1);
	CHECK(!pcibk_test_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags));
	CHECK(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &g.s->ring.flags));
	pcibk_session_detach(g.s, g.f.d[1]);	/* the unplug goes on */
	rig_fini(&g);
}
