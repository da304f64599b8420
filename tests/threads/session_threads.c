// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The session's op exclusion on real threads, under ThreadSanitizer: the
 * event handler (an "irq" thread calling pcibk_session_event()), the
 * worker (pcibk_session_work()), an administrator's sysfs writes (the op
 * lock) and a frontend posting requests run at once against one simulated
 * device, the way the module runs them on several CPUs. The protocol says
 * a fast answer in the handler and every op lock section never overlap,
 * so every access to the device's state is ordered: a data race here is a
 * hole in it, and ThreadSanitizer stops the program. Then the ring is
 * disconnected while the frontend keeps posting, and the guest released.
 *
 * The host's session ops: pthread mutexes (the op lock, and the fast lock
 * in place of the kernel's irq-safe spinlock), a condition variable per
 * thread to kick, a "bound" flag under the irq thread's mutex (unbinding
 * waits for a running handler, as unbind_from_irqhandler() does).
 */
#include <pthread.h>
#include <stdarg.h>
#include <time.h>

#include "sim.h"

#define REQUESTS	20000
#define ADMIN_ROUNDS	2000

const char *__tsan_default_options(void);
const char *__tsan_default_options(void)
{
	return "halt_on_error=1:second_deadlock_stack=1";
}

static unsigned int passed, failed;

static void check(bool ok, const char *what)
{
	if (ok) {
		passed++;
		return;
	}
	failed++;
	printf("FAIL %s\n", what);
}

struct host {
	struct pcibk_session s;
	pthread_mutex_t op_lock, fast_lock;
	/* the event channel: pending events, bound, the handler's mutex */
	pthread_mutex_t irq_mu;
	pthread_cond_t irq_cv;
	unsigned int events;
	bool bound, irq_quit;
	/* the worker */
	pthread_mutex_t wq_mu;
	pthread_cond_t wq_cv;
	bool kicked, running, wq_quit;
	/* wait and wake */
	pthread_mutex_t wait_mu;
	pthread_cond_t wait_cv;
	unsigned long eois, notifies;	/* atomics */
	u8 *page;
	bool mapped;
};

#define H(ctx)	((struct host *)(ctx))

static void h_op_lock(void *ctx) { pthread_mutex_lock(&H(ctx)->op_lock); }
static bool h_op_trylock(void *ctx) { return !pthread_mutex_trylock(&H(ctx)->op_lock); }
static void h_op_unlock(void *ctx) { pthread_mutex_unlock(&H(ctx)->op_lock); }
static void h_fast_lock(void *ctx) { pthread_mutex_lock(&H(ctx)->fast_lock); }
static void h_fast_unlock(void *ctx) { pthread_mutex_unlock(&H(ctx)->fast_lock); }

static u64 h_now_ms(void *ctx)
{
	struct timespec ts;

	(void)ctx;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000 + (u64)ts.tv_nsec / 1000000;
}

static void h_sleep_ms(void *ctx, unsigned int ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000 };

	(void)ctx;
	nanosleep(&ts, NULL);
}

static void h_wait(void *ctx, bool (*done)(void *arg), void *arg,
		   unsigned int ms)
{
	struct host *h = H(ctx);
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += ms / 1000;
	ts.tv_nsec += (long)(ms % 1000) * 1000000;
	if (ts.tv_nsec >= 1000000000) {
		ts.tv_sec++;
		ts.tv_nsec -= 1000000000;
	}
	pthread_mutex_lock(&h->wait_mu);
	while (!done(arg))
		if (pthread_cond_timedwait(&h->wait_cv, &h->wait_mu, &ts))
			break;
	pthread_mutex_unlock(&h->wait_mu);
}

static void h_wake(void *ctx)
{
	struct host *h = H(ctx);

	pthread_mutex_lock(&h->wait_mu);
	pthread_cond_broadcast(&h->wait_cv);
	pthread_mutex_unlock(&h->wait_mu);
}

static void h_notify(void *ctx)
{
	__atomic_fetch_add(&H(ctx)->notifies, 1, __ATOMIC_RELAXED);
}

static void h_eoi(void *ctx, bool spurious)
{
	(void)spurious;
	__atomic_fetch_add(&H(ctx)->eois, 1, __ATOMIC_RELAXED);
}

static void h_kick(void *ctx)
{
	struct host *h = H(ctx);

	pthread_mutex_lock(&h->wq_mu);
	h->kicked = true;
	pthread_cond_signal(&h->wq_cv);
	pthread_mutex_unlock(&h->wq_mu);
}

/* cancel_work_sync(): a queued run is dropped, a running one waited for. */
static void h_cancel(void *ctx)
{
	struct host *h = H(ctx);

	pthread_mutex_lock(&h->wq_mu);
	h->kicked = false;
	while (h->running)
		pthread_cond_wait(&h->wq_cv, &h->wq_mu);
	pthread_mutex_unlock(&h->wq_mu);
}

static int h_map(void *ctx, u32 gref, void **sh)
{
	struct host *h = H(ctx);

	(void)gref;
	h->mapped = true;
	*sh = h->page;
	return 0;
}

static void h_unmap(void *ctx, void *sh)
{
	struct host *h = H(ctx);

	(void)sh;
	h->mapped = false;
}

static int h_bind(void *ctx, u32 port)
{
	struct host *h = H(ctx);

	(void)port;
	pthread_mutex_lock(&h->irq_mu);
	h->bound = true;
	pthread_mutex_unlock(&h->irq_mu);
	return 0;
}

/* Waits for a running handler: it holds irq_mu while it runs. */
static void h_unbind(void *ctx)
{
	struct host *h = H(ctx);

	pthread_mutex_lock(&h->irq_mu);
	h->bound = false;
	pthread_mutex_unlock(&h->irq_mu);
}

static void *irq_thread(void *arg)
{
	struct host *h = arg;

	pthread_mutex_lock(&h->irq_mu);
	for (;;) {
		while (!h->events && !h->irq_quit)
			pthread_cond_wait(&h->irq_cv, &h->irq_mu);
		if (h->irq_quit)
			break;
		h->events = 0;
		if (h->bound)
			pcibk_session_event(&h->s);
	}
	pthread_mutex_unlock(&h->irq_mu);
	return NULL;
}

static void *worker_thread(void *arg)
{
	struct host *h = arg;

	pthread_mutex_lock(&h->wq_mu);
	for (;;) {
		while (!h->kicked && !h->wq_quit)
			pthread_cond_wait(&h->wq_cv, &h->wq_mu);
		if (h->wq_quit)
			break;
		h->kicked = false;
		h->running = true;
		pthread_mutex_unlock(&h->wq_mu);
		pcibk_session_work(&h->s);
		pthread_mutex_lock(&h->wq_mu);
		h->running = false;
		pthread_cond_broadcast(&h->wq_cv);
	}
	pthread_mutex_unlock(&h->wq_mu);
	return NULL;
}

/* The frontend's event. */
static void send_event(struct host *h)
{
	pthread_mutex_lock(&h->irq_mu);
	h->events++;
	pthread_cond_signal(&h->irq_cv);
	pthread_mutex_unlock(&h->irq_mu);
}

static void put32(u8 *pg, unsigned int off, u32 v)
{
	__atomic_store_n((u32 *)(pg + off), v, __ATOMIC_RELAXED);
}

static u32 get32(const u8 *pg, unsigned int off)
{
	return __atomic_load_n((const u32 *)(pg + off), __ATOMIC_RELAXED);
}

static bool flag(const u8 *pg, unsigned int bit)
{
	return __atomic_load_n((const u32 *)pg, __ATOMIC_ACQUIRE) & (1u << bit);
}

static bool frontend_stop;

/* A request as pcifront posts it, with its event. */
static void post(struct host *h, u32 cmd, s32 off, s32 size, u32 value)
{
	u8 *pg = h->page;

	put32(pg, PCIBK_SH_CMD, cmd);
	put32(pg, PCIBK_SH_DOMAIN, 0);
	put32(pg, PCIBK_SH_BUS, 0);
	put32(pg, PCIBK_SH_DEVFN, 0);
	put32(pg, PCIBK_SH_OFFSET, (u32)off);
	put32(pg, PCIBK_SH_SIZE, (u32)size);
	put32(pg, PCIBK_SH_VALUE, value);
	put32(pg, PCIBK_SH_INFO, 0);
	__atomic_fetch_or((u32 *)pg, 1u << _XEN_PCIF_active, __ATOMIC_SEQ_CST);
	send_event(h);
}

/* One request and its answer; false if unanswered (stopped, or 10 s). */
static bool request(struct host *h, u32 cmd, s32 off, s32 size, u32 value,
		    s32 *err, u32 *val)
{
	u8 *pg = h->page;
	u64 end = h_now_ms(h) + 10000;

	post(h, cmd, off, size, value);
	while (flag(pg, _XEN_PCIF_active)) {
		if (h_now_ms(h) > end ||
		    __atomic_load_n(&frontend_stop, __ATOMIC_RELAXED))
			return false;
		sched_yield();
	}
	*err = (s32)get32(pg, PCIBK_SH_ERR);
	*val = get32(pg, PCIBK_SH_VALUE);
	return true;
}

static struct pcibk_dev *dev;
static unsigned long answered, wrong;

static void *frontend_thread(void *arg)
{
	struct host *h = arg;
	unsigned int i;
	s32 err;
	u32 v;

	for (i = 0; i < REQUESTS && !__atomic_load_n(&frontend_stop, __ATOMIC_RELAXED); i++) {
		bool ok;

		switch (i % 5) {
		case 0:
		case 1:		/* the fast path: ids, a BAR */
			ok = request(h, XEN_PCI_OP_conf_read, i % 2 ? 0x10 : 0, 4, 0,
				     &err, &v);
			if (ok && !err && i % 2 == 0 && v != 0x10d38086)
				wrong++;
			break;
		case 2:		/* BAR sizing: a write the handler answers */
			ok = request(h, XEN_PCI_OP_conf_write, 0x10, 4,
				     i % 10 == 2 ? 0xffffffff : 0xfebc0000, &err, &v);
			break;
		case 3:		/* COMMAND: its hook sleeps, the worker's */
			ok = request(h, XEN_PCI_OP_conf_write, 4, 2,
				     i % 10 == 3 ? 0x0006 : 0x0002, &err, &v);
			break;
		default:	/* MSI on and off: the worker and the host */
			ok = request(h, i % 10 == 4 ? XEN_PCI_OP_enable_msi :
				     XEN_PCI_OP_disable_msi, 0, 0, 0, &err, &v);
			break;
		}
		if (!ok)
			break;
		__atomic_fetch_add(&answered, 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* sysfs writes: a device's config state, under the op lock. */
static void *admin_thread(void *arg)
{
	struct host *h = arg;
	unsigned int i;
	char buf[512];

	for (i = 0; i < ADMIN_ROUNDS; i++) {
		pcibk_session_lock(&h->s);
		dev->permissive = !dev->permissive;
		pcibk_dev_stats_show(dev, buf, sizeof(buf));
		pcibk_session_unlock(&h->s);
		sched_yield();
	}
	return NULL;
}

static struct pcibk_host_ops ops;

int main(void)
{
	static struct host h;
	pthread_t irq, wk, fe, adm;
	struct sim_host *sh;
	struct sim_dev *sd;

	ops = sim_ops;
	ops.op_lock = h_op_lock;
	ops.op_trylock = h_op_trylock;
	ops.op_unlock = h_op_unlock;
	ops.fast_lock = h_fast_lock;
	ops.fast_unlock = h_fast_unlock;
	ops.now_ms = h_now_ms;
	ops.sleep_ms = h_sleep_ms;
	ops.wait = h_wait;
	ops.wake = h_wake;
	ops.notify = h_notify;
	ops.eoi = h_eoi;
	ops.kick = h_kick;
	ops.cancel = h_cancel;
	ops.map = h_map;
	ops.unmap = h_unmap;
	ops.bind = h_bind;
	ops.unbind = h_unbind;

	pthread_mutex_init(&h.op_lock, NULL);
	pthread_mutex_init(&h.fast_lock, NULL);
	pthread_mutex_init(&h.irq_mu, NULL);
	pthread_mutex_init(&h.wq_mu, NULL);
	pthread_mutex_init(&h.wait_mu, NULL);
	pthread_cond_init(&h.irq_cv, NULL);
	pthread_cond_init(&h.wq_cv, NULL);
	pthread_cond_init(&h.wait_cv, NULL);
	h.page = aligned_alloc(4096, 4096);
	memset(h.page, 0, 4096);

	sh = sim_host_new();
	sd = sim_dev_new(sh, 0, 3, 0, 0x8086, 0x10d3, 0x020000, 0, 4096);
	sim_add_bar(sd, 0, PCIBK_RES_MEM, 0xfebc0000, 0x20000);
	sim_set_irq(sd, 11, 1);
	sim_add_pm(sd, 0xc823);
	sim_add_msi(sd, 1, false, true);
	sim_bind(sd);
	check(!pcibk_dev_create(&ops, sd, &dev), "device created");
	pcibk_dev_quiesce(dev);

	pcibk_session_init(&h.s, &ops, &h, 5, false);
	check(!pcibk_guest_export(&h.s.guest, dev), "device exported");
	check(!pcibk_session_connect(&h.s, 8, 9), "connected");

	pthread_create(&irq, NULL, irq_thread, &h);
	pthread_create(&wk, NULL, worker_thread, &h);
	pthread_create(&fe, NULL, frontend_thread, &h);
	pthread_create(&adm, NULL, admin_thread, &h);
	pthread_join(adm, NULL);
	pthread_join(fe, NULL);
	check(__atomic_load_n(&answered, __ATOMIC_RELAXED) == REQUESTS,
	      "every request answered");
	check(!wrong, "config reads answered right");
	check(h.s.ring.stats.fast > 0, "some answered in the event handler");
	check(h.s.ring.stats.ops > h.s.ring.stats.fast,
	      "some answered by the worker");
	printf("requests %lu: %llu in the handler, %llu by the worker; %lu EOIs\n",
	       answered, (unsigned long long)h.s.ring.stats.fast,
	       (unsigned long long)(h.s.ring.stats.ops - h.s.ring.stats.fast),
	       __atomic_load_n(&h.eois, __ATOMIC_RELAXED));

	/* The frontend keeps posting while the ring goes. */
	__atomic_store_n(&answered, 0, __ATOMIC_RELAXED);
	pthread_create(&fe, NULL, frontend_thread, &h);
	while (!__atomic_load_n(&answered, __ATOMIC_RELAXED))
		sched_yield();
	check(!pcibk_session_disconnect(&h.s), "disconnected under traffic");
	check(!h.mapped && !h.bound, "unmapped and unbound");
	__atomic_store_n(&frontend_stop, true, __ATOMIC_RELAXED);
	pthread_join(fe, NULL);
	/* A request posted after the ring went is never answered. */
	post(&h, XEN_PCI_OP_conf_read, 0, 4, 0);
	h_sleep_ms(&h, 50);
	check(flag(h.page, _XEN_PCIF_active), "nothing answers after the disconnect");

	check(!pcibk_session_teardown(&h.s), "released");
	check(!dev->guest && !sd->msi_on && sh->irqs_out == 0,
	      "device clean after release");

	pthread_mutex_lock(&h.irq_mu);
	h.irq_quit = true;
	pthread_cond_signal(&h.irq_cv);
	pthread_mutex_unlock(&h.irq_mu);
	pthread_mutex_lock(&h.wq_mu);
	h.wq_quit = true;
	pthread_cond_signal(&h.wq_cv);
	pthread_mutex_unlock(&h.wq_mu);
	pthread_join(irq, NULL);
	pthread_join(wk, NULL);

	pcibk_dev_destroy(dev);
	sim_host_free(sh);
	free(h.page);
	printf("session-threads: %u passed, %u failed\n", passed, failed);
	printf("%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
