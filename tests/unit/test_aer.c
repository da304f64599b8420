// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12.2, §16 item 37).
 */
#include "fix.h"

struct aer_rig {
	struct fix f;
	struct pcibk_ring r;
	int answer;		/* what the frontend writes; -1: never answers */
	bool gone;		/* the wait sees the ring or device go away */
	bool answer_event;	/* the frontend answers with an event first */
	unsigned int waits, fails, notifies, eois;
	unsigned int timeout_seen;
	u32 seen_cmd, seen_err, seen_dom, seen_bus, seen_devfn;
	bool flag_at_wait;
};

static void n_notify(void *ctx)
{
	((struct aer_rig *)ctx)->notifies++;
}

static void n_eoi(void *ctx, bool spurious)
{
	(void)spurious;
	((struct aer_rig *)ctx)->eois++;
}

static void n_kick(void *ctx)
{
	(void)ctx;
}

static void n_wake(void *ctx)
{
	(void)ctx;
}

static const struct pcibk_ring_ops nops = {
	.notify = n_notify, .eoi = n_eoi, .kick = n_kick, .aer_wake = n_wake,
};

static u32 rd(struct aer_rig *g, unsigned int off)
{
	u32 v;

	memcpy(&v, g->f.pg->page + off, 4);
	return v;
}

static enum pcibk_aer_wait a_wait(void *ctx, unsigned int timeout_ms)
{
	struct aer_rig *g = ctx;
	u32 v;

	g->waits++;
	g->timeout_seen = timeout_ms;
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
		pcibk_ring_event(&g->r);	/* B4: wakes us, EOI owed */
	}
	if (g->gone)
		return PCIBK_AER_GONE;
	if (g->answer < 0)
		return PCIBK_AER_TIMEOUT;
	v = (u32)g->answer;
	memcpy(g->f.pg->page + PCIBK_SH_AER_ERR, &v, 4);
	pcibk_sh_clear_flag(g->f.pg->page, _XEN_PCIB_active);
	return PCIBK_AER_ANSWERED;
}

static void a_fail(void *ctx)
{
	((struct aer_rig *)ctx)->fails++;
}

static const struct pcibk_aer_ops aops = { .wait = a_wait, .fail_guest = a_fail };

static void rig(struct aer_rig *g, bool handler, int answer)
{
	memset(g, 0, sizeof(*g));
	fix_init(&g->f, false);
	fix_add(&g->f, fix_nic(g->f.h, 3, 0), true);
	fix_add(&g->f, fix_nic(g->f.h, 4, 0), true);	/* vpci 00:01.0 */
	pcibk_ring_init(&g->r, g->f.pg->page, &g->f.g, &nops, g);
	if (handler)
		pcibk_sh_set_flag(g->f.pg->page, _XEN_PCIB_AERHANDLER);
	g->answer = answer;
}

TEST(aer_request_carries_guest_view)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[1], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.seen_cmd, XEN_PCI_OP_aer_detected);
	CHECK_EQ(g.seen_err, 2);		/* frozen */
	CHECK_EQ(g.seen_dom, 0);
	CHECK_EQ(g.seen_bus, 0);
	CHECK_EQ(g.seen_devfn, 0x08);		/* not the host's 04:00.0 */
	CHECK(g.flag_at_wait);
	CHECK_EQ(g.notifies, 1);
	CHECK_EQ(g.timeout_seen, 300000);
	CHECK_EQ(g.fails, 0);
	CHECK(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &g.r.flags));
	fix_fini(&g.f);
}

TEST(aer_answers_used)
{
	static const int answers[] = { 2, 3, 5, 6 };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(answers); i++) {
		struct aer_rig g;

		rig(&g, true, answers[i]);
		CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_slotreset, 1,
					   &aops, &g), answers[i]);
		CHECK_EQ(g.fails, 0);
		fix_fini(&g.f);
	}
}

TEST(aer_none_or_disconnect_fails_guest)
{
	static const int answers[] = { PCIBK_ERS_NONE, PCIBK_ERS_DISCONNECT };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(answers); i++) {
		struct aer_rig g;

		rig(&g, true, answers[i]);
		CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_detected, 1,
					   &aops, &g), answers[i]);
		CHECK_EQ(g.fails, 1);
		fix_fini(&g.f);
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
		CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_mmio, 1,
					   &aops, &g), PCIBK_ERS_NONE);
		CHECK_EQ(g.fails, 1);
		fix_fini(&g.f);
	}
}

TEST(aer_resume_result_ignored)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_DISCONNECT);
	pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_resume, 1, &aops, &g);
	CHECK_EQ(g.fails, 0);
	fix_fini(&g.f);
}

TEST(aer_timeout_logs_and_defaults)
{
	struct aer_rig g;
	unsigned long logs = sim_log_lines;

	rig(&g, true, -1);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIB_active));
	CHECK_EQ(sim_log_lines, logs + 1);
	CHECK(strstr(sim_log_last, "pcifront aer process not responding") != NULL);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_mmio, 2, &aops, &g),
		 PCIBK_ERS_RECOVERED);
	fix_fini(&g.f);
}

TEST(aer_without_handler)
{
	struct aer_rig g;

	rig(&g, false, PCIBK_ERS_RECOVERED);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.fails, 1);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_resume, 2, &aops, &g),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(g.fails, 2);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_mmio, 2, &aops, &g),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_slotreset, 2, &aops, &g),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(g.fails, 2);
	CHECK_EQ(g.waits, 0);
	fix_fini(&g.f);
}

TEST(aer_without_ring_fails_guest)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_RECOVERED);
	CHECK_EQ(pcibk_aer_forward(NULL, g.f.d[0], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.fails, 1);
	fix_fini(&g.f);
}

TEST(aer_unassigned_device_default)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_NONE);
	pcibk_guest_release(&g.f.g, g.f.d[0]);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.fails, 0);
	CHECK_EQ(g.waits, 0);
	fix_fini(&g.f);
}

/* An EOI owed when posting is paid, so the channel cannot stall. */
TEST(aer_pays_owed_eoi)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_RECOVERED);
	pcibk_set_bit(PCIBK_RING_EOI_OWED, &g.r.flags);
	pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_mmio, 1, &aops, &g);
	CHECK_EQ(g.eois, 1);
	CHECK(!pcibk_test_bit(PCIBK_RING_EOI_OWED, &g.r.flags));
	fix_fini(&g.f);
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
	g.gone = true;
	pcibk_set_bit(PCIBK_RING_EOI_OWED, &g.r.flags);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	/* The page was left alone after the wait (it may be unmapped). */
	CHECK(pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIB_active));
	CHECK_EQ(rd(&g, PCIBK_SH_AER_ERR), 2);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_slotreset, 1, &aops, &g),
		 PCIBK_ERS_RECOVERED);
	CHECK_EQ(g.fails, 0);
	CHECK_EQ(g.waits, 2);
	CHECK_EQ(g.eois, 1);		/* only the one owed when posting */
	CHECK(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &g.r.flags));
	CHECK_EQ(sim_log_lines, logs + 2);
	CHECK(strstr(sim_log_last, "went away") != NULL);
	fix_fini(&g.f);
}

/* Out of the topology (unplug in progress): not posted, guest not failed. */
TEST(aer_device_leaving_topology)
{
	struct aer_rig g;

	rig(&g, true, PCIBK_ERS_NONE);
	pcibk_topo_del(&g.f.g.topo, g.f.d[1]);
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[1], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.waits, 0);
	CHECK_EQ(g.fails, 0);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIB_active));
	/* The other device is still served. */
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[0], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_NONE);
	CHECK_EQ(g.waits, 1);
	pcibk_dev_detach(g.f.d[1]);	/* the detach that was under way */
	fix_fini(&g.f);
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
	g.gone = true;
	CHECK_EQ(pcibk_aer_forward(&g.r, g.f.d[1], XEN_PCI_OP_aer_detected, 2, &aops, &g),
		 PCIBK_ERS_CAN_RECOVER);
	CHECK_EQ(g.fails, 0);
	CHECK_EQ(g.eois, 1);
	CHECK_EQ(g.r.stats.eoi, 1);
	CHECK(!pcibk_test_bit(PCIBK_RING_EOI_OWED, &g.r.flags));
	CHECK(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &g.r.flags));
	pcibk_guest_release(&g.f.g, g.f.d[1]);	/* the unplug goes on */
	fix_fini(&g.f);
}
