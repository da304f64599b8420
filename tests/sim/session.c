// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The session ops of the simulated host (sim.h, "a guest's session"):
 * what the kernel glue gives a struct pcibk_session, as a single-threaded
 * model that checks how the core uses it.
 */
#include "sim.h"

#define SS(ctx)	((struct sim_session *)(ctx))

static bool atomic_saved;

void *sim_s_dev_hold(void *hdev)
{
	struct sim_dev *sd = hdev;

	sd->holds++;
	return sd;
}

void sim_s_dev_put(void *held)
{
	struct sim_dev *sd = held;

	sd->holds--;
}

bool sim_s_dev_lock(void *held)
{
	struct sim_dev *sd = held;

	sim_may_sleep("dev_lock");
	return !sd->released;
}

void sim_s_dev_unlock(void *held)
{
	(void)held;
}

void sim_s_unclaim(void *hdev)
{
	struct sim_dev *sd = hdev;

	sd->unclaims++;
}

void sim_s_op_lock(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("op_lock");
	/* Single-threaded: a second holder would wait for ever. */
	if (ss->op_held || ss->op_taken_elsewhere)
		ss->lock_errors++;
	ss->op_held++;
	ss->op_locks++;
}

bool sim_s_op_trylock(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	if (ss->op_held || ss->op_taken_elsewhere) {
		ss->trylock_fails++;
		return false;
	}
	ss->op_held++;
	ss->op_locks++;
	return true;
}

void sim_s_op_unlock(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	if (!ss->op_held)
		ss->lock_errors++;
	else
		ss->op_held--;
}

void sim_s_fast_lock(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	if (ss->fast_held)
		ss->lock_errors++;
	ss->fast_held++;
	/* What runs under a spinlock may not sleep. */
	atomic_saved = sim_atomic;
	sim_atomic = true;
}

void sim_s_fast_unlock(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	if (!ss->fast_held)
		ss->lock_errors++;
	else
		ss->fast_held--;
	sim_atomic = atomic_saved;
}

u64 sim_s_now_ms(void *ctx)
{
	return SS(ctx)->now_ms;
}

void sim_s_sleep_ms(void *ctx, unsigned int ms)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("sleep_ms");
	ss->sleeps++;
	ss->now_ms += ms;
}

void sim_s_wait(void *ctx, bool (*done)(void *arg), void *arg,
		unsigned int ms)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("wait");
	/* Nothing the waker needs may be held across the sleep. */
	if (ss->op_held || ss->fast_held)
		ss->lock_errors++;
	ss->waits++;
	if (ss->on_wait)
		ss->on_wait(ss);
	if (done(arg))
		return;
	ss->now_ms += ms;
}

void sim_s_wake(void *ctx)
{
	SS(ctx)->wakes++;
}

void sim_s_notify(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	ss->notifies++;
	if (ss->on_notify)
		ss->on_notify(ss);
}

void sim_s_eoi(void *ctx, bool spurious)
{
	struct sim_session *ss = SS(ctx);

	ss->eois++;
	if (spurious)
		ss->spurious_eois++;
}

void sim_s_kick(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	ss->kicks++;
	ss->kick_pending = true;
}

void sim_s_cancel(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("cancel");
	ss->cancels++;
	ss->kick_pending = false;
}

int sim_s_map(void *ctx, u32 gref, void **sh)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("map");
	if (ss->map_err)
		return ss->map_err;
	if (!ss->pg)
		return -ENOENT;
	ss->maps++;
	/* A second mapping would leak the first. */
	if (ss->mapped)
		ss->lock_errors++;
	ss->mapped = true;
	ss->gref = gref;
	*sh = ss->pg->page;
	return 0;
}

void sim_s_unmap(void *ctx, void *sh)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("unmap");
	if (!ss->mapped || !ss->pg || sh != ss->pg->page)
		ss->lock_errors++;
	ss->unmaps++;
	ss->mapped = false;
}

int sim_s_bind(void *ctx, u32 port)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("bind");
	if (ss->bind_err)
		return ss->bind_err;
	ss->binds++;
	ss->bound = true;
	ss->port = port;
	return 0;
}

void sim_s_unbind(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	sim_may_sleep("unbind");
	if (!ss->bound)
		return;
	ss->unbinds++;
	ss->bound = false;
}

int sim_s_xb_state(void *ctx, bool frontend)
{
	struct sim_session *ss = SS(ctx);

	return frontend ? ss->fe_state : ss->be_state;
}

bool sim_s_xb_online(void *ctx)
{
	return SS(ctx)->online;
}

int sim_s_xb_switch(void *ctx, int state)
{
	struct sim_session *ss = SS(ctx);
	int rc = ss->switch_err;

	sim_may_sleep("xb_switch");
	ss->switches++;
	if (rc) {
		ss->switch_err = 0;
		return rc;
	}
	ss->be_state = state;
	return 0;
}

int sim_s_xb_read_fe(void *ctx, const char *key, char *buf, size_t len)
{
	struct sim_session *ss = SS(ctx);
	const char *v;

	sim_may_sleep("xb_read_fe");
	if (!strcmp(key, "pci-op-ref"))
		v = ss->fe_ref;
	else if (!strcmp(key, "event-channel"))
		v = ss->fe_port;
	else if (!strcmp(key, "magic"))
		v = ss->fe_magic;
	else
		v = "";
	/* An empty value stands for a key the frontend did not write. */
	if (!*v)
		return -ENOENT;
	if (strlen(v) >= len)
		return -E2BIG;
	memcpy(buf, v, strlen(v) + 1);
	return 0;
}

void sim_s_xb_fatal(void *ctx, int err, const char *msg)
{
	struct sim_session *ss = SS(ctx);

	ss->fatals++;
	ss->fatal_err = err;
	snprintf(ss->fatal_msg, sizeof(ss->fatal_msg), "%s", msg);
	/* As xenbus_dev_fatal(): the backend goes to Closing. */
	ss->be_state = PCIBK_XB_CLOSING;
}

int sim_s_reconfigure(void *ctx)
{
	struct sim_session *ss = SS(ctx);

	ss->reconfigures++;
	return ss->reconfigure_rc;
}

void sim_s_aer_fail(void *ctx)
{
	SS(ctx)->aer_fails++;
}

void sim_session_init(struct sim_session *ss, const struct pcibk_host_ops *ops,
		      u16 domid, bool passthrough)
{
	memset(ss, 0, sizeof(*ss));
	pcibk_session_init(&ss->s, ops, ss, domid, passthrough);
	ss->online = true;
	ss->fe_state = PCIBK_XB_INITIALISING;
	ss->be_state = PCIBK_XB_INITWAIT;
}

void sim_session_publish(struct sim_session *ss, struct sim_page *pg)
{
	ss->pg = pg;
	snprintf(ss->fe_ref, sizeof(ss->fe_ref), "8");
	snprintf(ss->fe_port, sizeof(ss->fe_port), "9");
	snprintf(ss->fe_magic, sizeof(ss->fe_magic), "%s", XEN_PCI_MAGIC);
}

void sim_session_flush(struct sim_session *ss)
{
	unsigned int i;

	for (i = 0; i < 64 && ss->kick_pending; i++) {
		ss->kick_pending = false;
		pcibk_session_work(&ss->s);
	}
}
