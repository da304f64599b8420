// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The shared-page state machine (PROTOCOL.md §3.2 B2-B12, §16 items 5-7).
 */
#include "fix.h"

struct rig {
	struct fix f;
	struct pcibk_session *s;	/* &f.ss.s, connected to f.pg */
	unsigned int kicks, notifies, eoi_normal, eoi_spurious;
	bool active_at_notify;		/* flags bit 0 when notify ran */
	s32 err_at_notify;
	int repost;			/* requests to post from notify */
	bool run_inline;		/* kick runs the worker at once */
	unsigned int fast_calls;	/* the event handler tried the fast path */
	bool fast_refuse;		/* another CPU holds the op lock */
};

static struct rig *cur;

static struct rig *R(void *ctx)
{
	return ((struct sim_session *)ctx)->priv;
}

static void r_notify(void *ctx)
{
	struct rig *g = R(ctx);

	g->notifies++;
	g->active_at_notify = pcibk_sh_test_flag(g->f.pg->page, _XEN_PCIF_active);
	g->err_at_notify = sim_page_err(g->f.pg);
	if (g->repost > 0) {
		g->repost--;
		/* the frontend posts its next request at once */
		sim_page_req(g->f.pg, XEN_PCI_OP_conf_read, 0, 0, 0, 0, 4, 0, 0);
		pcibk_sh_set_flag(g->f.pg->page, _XEN_PCIF_active);
	}
}

static void r_eoi(void *ctx, bool spurious)
{
	struct rig *g = R(ctx);

	if (spurious)
		g->eoi_spurious++;
	else
		g->eoi_normal++;
}

static void r_kick(void *ctx)
{
	struct rig *g = R(ctx);

	g->kicks++;
	sim_s_kick(ctx);
	/* A workqueue runs the worker once its kicker is out of the way. */
	if (g->run_inline && !g->f.ss.op_held)
		sim_session_flush(&g->f.ss);
}

/*
 * The event handler's tries of the fast path are the fast lock's takers
 * that do not hold the op lock; fast_refuse makes each find op_busy set,
 * as when a worker on another CPU holds the op lock.
 */
static void r_fast_lock(void *ctx)
{
	struct rig *g = R(ctx);

	sim_s_fast_lock(ctx);
	if (g->f.ss.op_held)
		return;
	g->fast_calls++;
	if (g->fast_refuse)
		g->s->op_busy = true;
}

static void r_fast_unlock(void *ctx)
{
	struct rig *g = R(ctx);

	if (!g->f.ss.op_held && g->fast_refuse)
		g->s->op_busy = false;
	sim_s_fast_unlock(ctx);
}

static struct pcibk_host_ops rops, rops_fast;

static void rig_init_ops(struct rig *g, const struct pcibk_host_ops *ops)
{
	memset(g, 0, sizeof(*g));
	rops = sim_ops;
	rops.notify = r_notify;
	rops.eoi = r_eoi;
	rops.kick = r_kick;
	rops_fast = rops;
	rops.fast_lock = NULL;
	rops.fast_unlock = NULL;
	rops_fast.fast_lock = r_fast_lock;
	rops_fast.fast_unlock = r_fast_unlock;

	fix_init(&g->f, false);
	g->s = &g->f.ss.s;
	g->f.ss.priv = g;
	g->s->ops = ops;
	fix_add(&g->f, fix_nic(g->f.h, 3, 0), true);
	sim_session_publish(&g->f.ss, g->f.pg);
	CHECK_EQ(pcibk_session_connect(g->s, 8, 9), 0);
	cur = g;
}

static void rig_init(struct rig *g)
{
	rig_init_ops(g, &rops);
}

/* The worker, kicked or not. */
static void rig_work(struct rig *g)
{
	g->f.ss.kick_pending = false;
	pcibk_session_work(g->s);
}

static void post(struct rig *g, u32 cmd, u32 devfn)
{
	sim_page_req(g->f.pg, cmd, 0, 0, devfn, 0, 4, 0, 0);
	pcibk_sh_set_flag(g->f.pg->page, _XEN_PCIF_active);
}

static void post_cfg(struct rig *g, u32 cmd, u32 devfn, s32 off, s32 size,
		     u32 value)
{
	sim_page_req(g->f.pg, cmd, 0, 0, devfn, off, size, value, 0);
	pcibk_sh_set_flag(g->f.pg->page, _XEN_PCIF_active);
}

static void rig_fini(struct rig *g)
{
	CHECK_EQ(pcibk_session_disconnect(g->s), 0);
	CHECK(!g->f.ss.mapped && !g->f.ss.bound);
	fix_fini(&g->f);
}

/* §16.7: N events with nothing pending -> N spurious EOIs, no work, no log. */
TEST(ring_spurious_events)
{
	struct rig g;
	unsigned long logs = sim_log_lines;
	int i;

	rig_init(&g);
	for (i = 0; i < 1000; i++)
		pcibk_session_event(g.s);
	CHECK_EQ(g.eoi_spurious, 1000);
	CHECK_EQ(g.eoi_normal, 0);
	CHECK_EQ(g.kicks, 0);
	CHECK_EQ(g.notifies, 0);
	CHECK_EQ(sim_log_lines, logs);
	CHECK_EQ(g.s->ring.stats.spurious, 1000);
	rig_fini(&g);
}

/* One request: kick, then the worker answers, notifies and EOIs once. */
TEST(ring_one_request)
{
	struct rig g;

	rig_init(&g);
	post(&g, XEN_PCI_OP_conf_read, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(g.kicks, 1);
	CHECK_EQ(g.eoi_normal + g.eoi_spurious, 0);	/* not yet: owed */
	rig_work(&g);
	CHECK_EQ(g.notifies, 1);
	CHECK_EQ(g.eoi_normal, 1);
	CHECK_EQ(g.eoi_spurious, 0);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIF_active));
	CHECK_EQ(sim_page_value(g.f.pg), 0x10d38086);
	rig_fini(&g);
}

/* §16.5: results visible before bit 0 clears; notify after the clear. */
TEST(ring_results_before_clear_notify_after)
{
	struct rig g;

	rig_init(&g);
	post(&g, XEN_PCI_OP_conf_read, 0x08);	/* not found */
	pcibk_session_event(g.s);
	rig_work(&g);
	CHECK(!g.active_at_notify);
	CHECK_EQ(g.err_at_notify, XEN_PCI_ERR_dev_not_found);
	rig_fini(&g);
}

/* §16.6: a request posted while the worker runs is served without an event. */
TEST(ring_request_posted_during_work_not_lost)
{
	struct rig g;

	rig_init(&g);
	g.repost = 5;
	post(&g, XEN_PCI_OP_conf_read, 0);
	pcibk_session_event(g.s);
	rig_work(&g);
	CHECK_EQ(g.notifies, 6);
	CHECK_EQ(g.s->ring.stats.ops, 6);
	CHECK_EQ(g.kicks, 1);
	CHECK_EQ(g.eoi_normal, 1);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIF_active));
	rig_fini(&g);
}

/* §16.6: at most one worker: an event while one runs does not kick again. */
TEST(ring_one_worker_at_a_time)
{
	struct rig g;

	rig_init(&g);
	post(&g, XEN_PCI_OP_conf_read, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(g.kicks, 1);
	/* the frontend signals again before the worker ran */
	pcibk_session_event(g.s);
	CHECK_EQ(g.kicks, 1);
	CHECK_EQ(g.eoi_spurious, 1);
	rig_work(&g);
	CHECK_EQ(g.s->ring.stats.ops, 1);
	CHECK_EQ(g.eoi_normal, 0);	/* the only owed EOI went out already */
	CHECK_EQ(g.eoi_normal + g.eoi_spurious, 1);
	rig_fini(&g);
}

/* Every event gets exactly one EOI, over a long mixed run. */
TEST(ring_one_eoi_per_event)
{
	struct rig g;
	int i;

	rig_init(&g);
	g.run_inline = true;
	for (i = 0; i < 5000; i++) {
		if (i % 3 == 0)
			post(&g, XEN_PCI_OP_conf_read, (u32)(i % 2) * 8);
		pcibk_session_event(g.s);
	}
	CHECK_EQ(g.eoi_normal + g.eoi_spurious, 5000);
	CHECK_EQ(g.s->ring.stats.events, 5000);
	CHECK_EQ(g.s->ring.stats.ops, 1667);
	CHECK(!pcibk_test_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags));
	CHECK(!pcibk_test_bit(PCIBK_RING_INFLIGHT, &g.s->ring.flags));
	rig_fini(&g);
}

/* A frontend that never stops posting cannot keep the worker forever. */
TEST(ring_batch_yields)
{
	struct rig g;
	int runs = 0;

	rig_init(&g);
	g.repost = 1000;
	post(&g, XEN_PCI_OP_conf_read, 0);
	pcibk_session_event(g.s);
	while (g.kicks > (unsigned int)runs && runs < 100) {
		runs++;
		rig_work(&g);
	}
	CHECK_EQ(g.s->ring.stats.ops, 1001);
	CHECK_EQ(runs, 1001 / PCIBK_RING_BATCH + 1);
	CHECK(g.s->ring.stats.requeues >= 15);
	CHECK_EQ(g.eoi_normal, 1);
	CHECK(!pcibk_test_bit(PCIBK_RING_INFLIGHT, &g.s->ring.flags));
	rig_fini(&g);
}

/* B4: the frontend's AER answer wakes the waiter; no EOI yet. */
TEST(ring_aer_answer_wakes)
{
	struct rig g;

	rig_init(&g);
	pcibk_set_bit(PCIBK_RING_AER_PENDING, &g.s->ring.flags);
	pcibk_sh_set_flag(g.f.pg->page, _XEN_PCIB_active);
	pcibk_session_event(g.s);		/* still pending: spurious */
	CHECK_EQ(g.f.ss.wakes, 0);
	CHECK_EQ(g.eoi_spurious, 1);
	pcibk_sh_clear_flag(g.f.pg->page, _XEN_PCIB_active);
	pcibk_session_event(g.s);
	CHECK_EQ(g.f.ss.wakes, 1);
	CHECK_EQ(g.eoi_spurious, 1);
	CHECK(pcibk_test_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags));
	rig_fini(&g);
}

/* B2: a second event with an EOI owed is logged once, then counted. */
TEST(ring_double_event_logged_once)
{
	struct rig g;
	unsigned long logs = sim_log_lines;

	rig_init(&g);
	post(&g, XEN_PCI_OP_conf_read, 0);
	pcibk_session_event(g.s);
	pcibk_session_event(g.s);
	CHECK_EQ(sim_log_lines, logs + 1);
	CHECK_EQ(g.s->ring.stats.double_events, 1);
	rig_work(&g);
	pcibk_set_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags);
	pcibk_session_event(g.s);
	pcibk_set_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags);
	pcibk_session_event(g.s);
	CHECK_EQ(sim_log_lines, logs + 1);	/* once, never more */
	CHECK_EQ(g.s->ring.stats.double_events, 3);
	rig_fini(&g);
}

/* The flags bit 1 (AER handler) and 2 are never touched by the worker. */
TEST(ring_worker_keeps_other_flag_bits)
{
	struct rig g;

	rig_init(&g);
	pcibk_sh_set_flag(g.f.pg->page, _XEN_PCIB_AERHANDLER);
	post(&g, XEN_PCI_OP_conf_read, 0);
	pcibk_session_event(g.s);
	rig_work(&g);
	CHECK(pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIB_AERHANDLER));
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIF_active));
	rig_fini(&g);
}

/* B3 fast path: a config read is answered in the event, one EOI, no kick. */
TEST(ring_fast_conf_read_in_event)
{
	struct rig g;

	rig_init_ops(&g, &rops_fast);
	post(&g, XEN_PCI_OP_conf_read, 0);
	sim_page_arm(g.f.pg, false);
	pcibk_session_event(g.s);
	sim_page_disarm(g.f.pg);
	CHECK_EQ(g.f.pg->double_reads, 0);
	CHECK_EQ(g.f.pg->bad_writes, 0);
	CHECK_EQ(g.fast_calls, 1);
	CHECK_EQ(g.kicks, 0);
	CHECK_EQ(g.notifies, 1);
	CHECK(!g.active_at_notify);
	CHECK_EQ(g.err_at_notify, 0);
	CHECK_EQ(sim_page_value(g.f.pg), 0x10d38086);
	CHECK_EQ(g.eoi_normal, 1);
	CHECK_EQ(g.eoi_spurious, 0);
	CHECK_EQ(g.s->ring.stats.fast, 1);
	CHECK(!pcibk_test_bit(PCIBK_RING_INFLIGHT, &g.s->ring.flags));
	CHECK(!pcibk_test_bit(PCIBK_RING_EOI_OWED, &g.s->ring.flags));
	/* the scan of absent devfns takes the same path: -1 (B7) */
	post(&g, XEN_PCI_OP_conf_read, 0x10);
	pcibk_session_event(g.s);
	CHECK_EQ(sim_page_err(g.f.pg), XEN_PCI_ERR_dev_not_found);
	CHECK_EQ(g.kicks, 0);
	CHECK_EQ(g.eoi_normal, 2);
	rig_fini(&g);
}

/*
 * Refused (the guest lock is held): the worker answers the request the
 * event handler fetched, without reading a byte of it again (B6).
 */
TEST(ring_fast_refused_worker_single_fetch)
{
	struct rig g;

	rig_init_ops(&g, &rops_fast);
	g.fast_refuse = true;
	post(&g, XEN_PCI_OP_conf_read, 0);
	sim_page_arm(g.f.pg, true);	/* a second read would see garbage */
	pcibk_session_event(g.s);
	CHECK_EQ(g.fast_calls, 1);
	CHECK_EQ(g.kicks, 1);
	CHECK_EQ(g.notifies, 0);
	CHECK_EQ(g.eoi_normal + g.eoi_spurious, 0);
	rig_work(&g);
	sim_page_disarm(g.f.pg);
	CHECK_EQ(g.f.pg->double_reads, 0);
	CHECK_EQ(g.err_at_notify, 0);
	CHECK_EQ(sim_page_value(g.f.pg), 0x10d38086);
	CHECK_EQ(g.notifies, 1);
	CHECK_EQ(g.eoi_normal, 1);
	CHECK_EQ(g.s->ring.stats.fast, 0);
	/* the next request is fetched by the worker itself */
	g.fast_refuse = false;
	post(&g, XEN_PCI_OP_enable_msi, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(g.fast_calls, 1);	/* not offered: it may sleep */
	CHECK_EQ(g.kicks, 2);
	sim_page_arm(g.f.pg, false);
	rig_work(&g);
	sim_page_disarm(g.f.pg);
	CHECK_EQ(g.f.pg->double_reads, 0);
	CHECK_EQ(g.notifies, 2);
	CHECK_EQ(g.eoi_normal, 2);
	rig_fini(&g);
}

/*
 * B6 with the fast path, B13: once the event handler has fetched a
 * request, the worker answers that copy. A guest that writes another
 * request over it before the answer (or after its own timeout) gets the
 * fetched request's answer; the request written over it is never read,
 * run or counted. The fuzz oracle checks ring answers on this basis.
 */
TEST(ring_fast_fetched_request_answered_as_fetched)
{
	u64 not_found = 0;
	struct rig g;

	rig_init_ops(&g, &rops_fast);
	g.fast_refuse = true;
	post_cfg(&g, XEN_PCI_OP_conf_read, 0, 0, 4, 0);
	sim_page_arm(g.f.pg, false);
	pcibk_session_event(g.s);
	CHECK_EQ(g.kicks, 1);
	CHECK(pcibk_test_bit(PCIBK_RING_FETCHED, &g.s->ring.flags));
	/* the guest reuses the slot: a read of a devfn nobody has */
	not_found = g.f.g->stats.not_found;
	post_cfg(&g, XEN_PCI_OP_conf_read, 0x08, 0, 4, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(g.kicks, 1);
	CHECK_EQ(g.fast_calls, 1);
	rig_work(&g);
	sim_page_disarm(g.f.pg);
	CHECK_EQ(g.f.pg->double_reads, 0);
	CHECK_EQ(g.notifies, 1);
	CHECK_EQ(g.err_at_notify, 0);
	CHECK_EQ(sim_page_value(g.f.pg), 0x10d38086);
	CHECK_EQ(g.f.g->stats.not_found, not_found);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIF_active));
	CHECK(!pcibk_test_bit(PCIBK_RING_INFLIGHT, &g.s->ring.flags));
	/* two events, the second while the first's EOI was owed: one EOI */
	CHECK_EQ(g.s->ring.stats.double_events, 1);
	CHECK_EQ(g.eoi_normal + g.eoi_spurious, 1);
	rig_fini(&g);
}

/* B11 after a fast answer: the next request goes to the worker, one EOI. */
TEST(ring_fast_next_request_to_worker)
{
	struct rig g;

	rig_init_ops(&g, &rops_fast);
	g.repost = 1;
	post(&g, XEN_PCI_OP_conf_read, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(g.s->ring.stats.fast, 1);
	CHECK_EQ(g.kicks, 1);
	CHECK_EQ(g.eoi_normal + g.eoi_spurious, 0);	/* owed to the worker */
	CHECK(pcibk_test_bit(PCIBK_RING_INFLIGHT, &g.s->ring.flags));
	rig_work(&g);
	CHECK_EQ(g.notifies, 2);
	CHECK_EQ(g.eoi_normal, 1);
	CHECK(!pcibk_sh_test_flag(g.f.pg->page, _XEN_PCIF_active));
	CHECK(!pcibk_test_bit(PCIBK_RING_INFLIGHT, &g.s->ring.flags));
	rig_fini(&g);
}

/*
 * B3 fast path for writes: BAR sizing, which the guest's scan does for
 * every BAR, is answered in the event, calls no host op that may sleep,
 * and is seen by the next read (answered in its event too).
 */
TEST(ring_fast_bar_sizing_in_event)
{
	unsigned long sleeps = sim_sleeps_in_atomic;
	struct rig g;

	rig_init_ops(&g, &rops_fast);
	post_cfg(&g, XEN_PCI_OP_conf_write, 0, 0x10, 4, 0xffffffff);
	sim_page_arm(g.f.pg, false);
	pcibk_session_event(g.s);
	sim_page_disarm(g.f.pg);
	CHECK_EQ(g.f.pg->double_reads, 0);
	CHECK_EQ(g.f.pg->bad_writes, 0);
	CHECK_EQ(g.s->ring.stats.fast, 1);
	CHECK_EQ(g.kicks, 0);
	CHECK_EQ(g.notifies, 1);
	CHECK_EQ(g.err_at_notify, 0);
	CHECK_EQ(g.eoi_normal, 1);
	post_cfg(&g, XEN_PCI_OP_conf_read, 0, 0x10, 4, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(g.s->ring.stats.fast, 2);
	CHECK_EQ(sim_page_err(g.f.pg), 0);
	CHECK_EQ(sim_page_value(g.f.pg), 0xfffe0000);	/* 128 KiB, memory */
	/* back to the host's address, still in the event */
	post_cfg(&g, XEN_PCI_OP_conf_write, 0, 0x10, 4, 0xfebc0000);
	pcibk_session_event(g.s);
	post_cfg(&g, XEN_PCI_OP_conf_read, 0, 0x10, 4, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(sim_page_value(g.f.pg), 0xfebc0000);
	/* latency timer: a plain hardware write */
	post_cfg(&g, XEN_PCI_OP_conf_write, 0, 0x0d, 1, 0x40);
	pcibk_session_event(g.s);
	/* a write to an absent devfn: -1 without a hook */
	post_cfg(&g, XEN_PCI_OP_conf_write, 0x10, 0x10, 4, 0xffffffff);
	pcibk_session_event(g.s);
	CHECK_EQ(sim_page_err(g.f.pg), XEN_PCI_ERR_dev_not_found);
	/* a misaligned write: refused, -2, in the event */
	post_cfg(&g, XEN_PCI_OP_conf_write, 0, 0x11, 4, 0);
	pcibk_session_event(g.s);
	CHECK_EQ(sim_page_err(g.f.pg), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(g.s->ring.stats.fast, 7);
	CHECK_EQ(g.s->ring.stats.fast, 7);
	CHECK_EQ(g.kicks, 0);
	CHECK_EQ(g.eoi_normal, 7);
	CHECK_EQ(sim_sleeps_in_atomic, sleeps);
	rig_fini(&g);
}

/*
 * A write that reaches COMMAND (enable, bus master: host ops that sleep)
 * or PMCSR (power state) is refused by the fast path before anything is
 * done, and the worker runs it from the copy the handler fetched.
 */
TEST(ring_fast_sleeping_write_to_worker)
{
	struct {
		s32 off, size;
		u32 val;
	} w[] = {
		{ 0x04, 2, 0x0006 },		/* COMMAND: enable, master */
		{ 0x04, 4, 0x00000000 },	/* COMMAND and STATUS */
		{ 0x05, 1, 0x00 },		/* COMMAND's high byte */
		{ 0, 2, 0x0000 },		/* PMCSR: D0 */
	};
	unsigned long sleeps = sim_sleeps_in_atomic;
	struct pcibk_dev *d;
	unsigned int i;
	struct rig g;

	rig_init_ops(&g, &rops_fast);
	d = pcibk_topo_find(&g.f.g->topo, 0, 0, 0);
	CHECK(d != NULL);
	CHECK(d->pm_cap != 0);
	w[3].off = d->pm_cap + 4;
	for (i = 0; i < sizeof(w) / sizeof(w[0]); i++) {
		unsigned int calls = g.f.h->devs[0]->enable_cnt;

		post_cfg(&g, XEN_PCI_OP_conf_write, 0, w[i].off, w[i].size,
			 w[i].val);
		sim_page_arm(g.f.pg, true);	/* a second read sees garbage */
		pcibk_session_event(g.s);
		CHECK_EQ(g.fast_calls, i + 1);
		CHECK_EQ(g.s->ring.stats.fast, 0);
		CHECK_EQ(g.kicks, i + 1);
		CHECK_EQ(g.notifies, i);	/* nothing answered yet */
		CHECK_EQ(g.f.h->devs[0]->enable_cnt, calls);	/* nothing done */
		rig_work(&g);
		sim_page_disarm(g.f.pg);
		CHECK_EQ(g.f.pg->double_reads, 0);
		CHECK_EQ(g.notifies, i + 1);
		CHECK_EQ(g.eoi_normal, i + 1);
		CHECK_EQ(g.err_at_notify, 0);
		/* the first write enables the device, the second disables it */
		if (i == 0)
			CHECK_EQ(g.f.h->devs[0]->enable_cnt, calls + 1);
		if (i == 1)
			CHECK_EQ(g.f.h->devs[0]->disable_device_calls, 1);
	}
	CHECK_EQ(g.s->ring.stats.fast, 0);
	CHECK_EQ(sim_sleeps_in_atomic, sleeps);
	rig_fini(&g);
}

/* What pcibk_op_atomic() lets the event handler run. */
TEST(op_atomic_classes)
{
	struct pcibk_req q;
	struct fix f;

	fix_init(&f, false);
	fix_add(&f, fix_nic(f.h, 3, 0), true);
	memset(&q, 0, sizeof(q));
	q.size = 4;
	q.cmd = XEN_PCI_OP_conf_read;
	CHECK(pcibk_op_atomic(f.g, &q));
	q.cmd = XEN_PCI_OP_conf_write;
	q.offset = 0x10;
	CHECK(pcibk_op_atomic(f.g, &q));
	q.offset = 0x04;
	CHECK(!pcibk_op_atomic(f.g, &q));
	q.offset = 0x00;		/* ids: read-only fields, dropped */
	CHECK(pcibk_op_atomic(f.g, &q));
	q.size = 3;			/* refused before any hook */
	q.offset = 0x04;
	CHECK(pcibk_op_atomic(f.g, &q));
	q.size = 2;
	q.offset = 4096;
	CHECK(pcibk_op_atomic(f.g, &q));
	q.offset = 0x04;
	q.devfn = 8;			/* absent: -1 */
	CHECK(pcibk_op_atomic(f.g, &q));
	q.devfn = 0;
	q.cmd = XEN_PCI_OP_enable_msi;
	CHECK(!pcibk_op_atomic(f.g, &q));
	q.cmd = XEN_PCI_OP_enable_msix;
	CHECK(!pcibk_op_atomic(f.g, &q));
	q.cmd = XEN_PCI_OP_aer_detected;
	CHECK(!pcibk_op_atomic(f.g, &q));
	q.cmd = 0x1234;
	CHECK(!pcibk_op_atomic(f.g, &q));
	fix_fini(&f);
}
