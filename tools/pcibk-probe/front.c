// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The frontend side of the protocol: xenstore handshake (PROTOCOL.md §8,
 * §14), the shared page granted with xengntshr, the event channel, and
 * one request at a time as xen-pcifront sends it (§3.1), with checks of
 * what the backend wrote back (§2.3).
 */
#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <xenstore.h>
#include <xenevtchn.h>
#include <xengnttab.h>
#include <xen/io/pciif.h>
#include <xen/io/xenbus.h>
#include "probe.h"

#define OFF_FLAGS	0u
#define OFF_OP		4u
#define OFF_CMD		(OFF_OP + 0u)
#define OFF_ERR		(OFF_OP + 4u)
#define OFF_DOMAIN	(OFF_OP + 8u)
#define OFF_VALUE	(OFF_OP + 28u)
#define OFF_INFO	(OFF_OP + 32u)
#define OFF_MSIX	(OFF_OP + 36u)
#define OFF_VECTOR(i)	(OFF_MSIX + 4u * (i))
#define OFF_ENTRY(i)	(OFF_MSIX + 4u * (i) + 2u)
#define OFF_AER		552u
#define OFF_END		572u
#define PAGE		4096u
#define FILL		0xa5	/* bytes 572..4095: nobody writes them */
#define SENTINEL	0xfffe	/* vectors past nr: must stay as sent */

_Static_assert(sizeof(struct xen_pci_sharedinfo) == OFF_END, "page layout");
_Static_assert(__builtin_offsetof(struct xen_pci_sharedinfo, aer_op) == OFF_AER,
	       "aer_op");

struct probe_front {
	struct xs_handle *xs;
	xenevtchn_handle *xce;
	xengntshr_handle *gs;
	uint8_t *page;
	uint32_t ref;
	evtchn_port_t port;
	int domid, backend_id;
	char fe[256], be[256];
	unsigned int timeout_ms;
	bool verbose;
	uint8_t last[PAGE];		/* the page as we last left it */
	bool late_watch;		/* a request timed out */
	bool hostile;			/* we rewrote the pending request */
	bool posted;			/* probe_post(): a request is pending */
	struct probe_req pending;	/* ... this one */
	double posted_at;
	struct probe_anomalies an;
};

static double now_us(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e6 + ts.tv_nsec / 1e3;
}

/* ---------------------------------------------------------- xenstore */

static char *xs_get(struct probe_front *f, const char *dir, const char *key)
{
	char path[512];
	unsigned int len;

	snprintf(path, sizeof(path), "%s/%s", dir, key);
	return xs_read(f->xs, XBT_NULL, path, &len);
}

static int xs_get_int(struct probe_front *f, const char *dir, const char *key,
		      int dflt)
{
	char *s = xs_get(f, dir, key);
	int v = dflt;

	if (s)
		v = atoi(s);
	free(s);
	return v;
}

static bool xs_put(struct probe_front *f, xs_transaction_t t, const char *key,
		   const char *val)
{
	char path[512];

	snprintf(path, sizeof(path), "%s/%s", f->fe, key);
	return xs_write(f->xs, t, path, val, strlen(val));
}

static bool xs_put_u(struct probe_front *f, xs_transaction_t t,
		     const char *key, unsigned int v)
{
	char val[16];

	snprintf(val, sizeof(val), "%u", v);
	return xs_put(f, t, key, val);
}

static bool set_state(struct probe_front *f, int state)
{
	if (f->verbose)
		fprintf(stderr, "pcibk-probe: frontend state -> %d\n", state);
	return xs_put_u(f, XBT_NULL, "state", (unsigned int)state);
}

int probe_set_state(struct probe_front *f, unsigned int state)
{
	return set_state(f, (int)state) ? 0 : -1;
}

int probe_write_key(struct probe_front *f, const char *name, const char *val)
{
	if (f->verbose)
		fprintf(stderr, "pcibk-probe: %s/%s = %s\n", f->fe, name, val);
	return xs_put(f, XBT_NULL, name, val) ? 0 : -1;
}

int probe_backend_state(struct probe_front *f)
{
	return xs_get_int(f, f->be, "state", -1);
}

int probe_wait_backend(struct probe_front *f, unsigned int mask,
		       unsigned int ms, unsigned int *waited)
{
	double t0 = now_us(), end = t0 + ms * 1000.0;
	int st;

	for (;;) {
		st = probe_backend_state(f);
		if ((st >= 0 && st < 32 && (mask & 1u << st)) || now_us() > end)
			break;
		usleep(20000);
	}
	if (waited)
		*waited = (unsigned int)((now_us() - t0) / 1000);
	return st;
}

void probe_describe(const struct probe_front *f, char *buf, size_t len)
{
	snprintf(buf, len, "ref %u port %u", f->ref, f->port);
}

/* Wait until the backend is in one of two states; returns it or -1. */
static int wait_backend(struct probe_front *f, int want, int want2,
			unsigned int ms)
{
	double end = now_us() + ms * 1000.0;
	int st;

	for (;;) {
		st = xs_get_int(f, f->be, "state", -1);
		if (st == want || st == want2)
			return st;
		if (now_us() > end)
			return -1;
		usleep(20000);
	}
}

int probe_publish(struct probe_front *f)
{
	xs_transaction_t t;

	/* §8.2: ref, port and magic together, as xen-pcifront does. */
	for (;;) {
		t = xs_transaction_start(f->xs);
		if (!t)
			return -1;
		if (!xs_put_u(f, t, "pci-op-ref", f->ref) ||
		    !xs_put_u(f, t, "event-channel", f->port) ||
		    !xs_put(f, t, "magic", XEN_PCI_MAGIC)) {
			xs_transaction_end(f->xs, t, true);
			return -1;
		}
		if (xs_transaction_end(f->xs, t, false))
			return 0;
		if (errno != EAGAIN)
			return -1;
	}
}

static void print_roots(struct probe_front *f)
{
	int i, n = xs_get_int(f, f->be, "root_num", 0);
	char key[32], *s;

	for (i = 0; i < n; i++) {
		snprintf(key, sizeof(key), "root-%d", i);
		s = xs_get(f, f->be, key);
		fprintf(stderr, "pcibk-probe: root-%d = %s\n", i, s ? s : "?");
		free(s);
	}
	if (!n)
		fprintf(stderr, "pcibk-probe: no root_num, using 0000:00\n");
}

struct probe_front *probe_connect(const struct probe_opts *o)
{
	struct probe_front *f = calloc(1, sizeof(*f));
	char *s;
	int st;

	if (!f)
		return NULL;
	f->timeout_ms = o->timeout_ms ? o->timeout_ms : 2000;
	f->verbose = o->verbose;
	f->xs = xs_open(0);
	if (!f->xs) {
		perror("pcibk-probe: xs_open");
		goto fail;
	}
	f->domid = o->domid;
	if (f->domid < 0) {
		unsigned int len;

		/* A guest reads its own id at the relative key "domid". */
		s = xs_read(f->xs, XBT_NULL, "domid", &len);
		f->domid = s ? atoi(s) : -1;
		free(s);
	}
	if (f->domid < 0) {
		fprintf(stderr, "pcibk-probe: cannot read domid (use --domid)\n");
		goto fail;
	}
	if (o->devpath)
		snprintf(f->fe, sizeof(f->fe), "%s", o->devpath);
	else
		snprintf(f->fe, sizeof(f->fe), "/local/domain/%d/device/pci/0",
			 f->domid);
	/* With --wait: until libxl has created the device (xl pci-attach). */
	for (st = 0; !(s = xs_get(f, f->fe, "backend")) &&
		     st < (int)o->wait_s * 10; st++)
		usleep(100000);
	if (s && o->wait_s && !o->force)
		for (st = 0; xs_get_int(f, f->fe, "state", -1) != XenbusStateInitialising &&
			     st < (int)o->wait_s * 10; st++)
			usleep(100000);
	if (!s) {
		fprintf(stderr, "pcibk-probe: %s/backend missing: no PCI device assigned?\n",
			f->fe);
		goto fail;
	}
	snprintf(f->be, sizeof(f->be), "%s", s);
	free(s);
	f->backend_id = xs_get_int(f, f->fe, "backend-id", 0);
	st = xs_get_int(f, f->fe, "state", -1);
	if (st != XenbusStateInitialising && !o->force) {
		fprintf(stderr, "pcibk-probe: frontend state is %d, not 1: is xen-pcifront bound, or did an earlier run close it? (--force to go on)\n",
			st);
		goto fail;
	}

	f->gs = xengntshr_open(NULL, 0);
	f->xce = xenevtchn_open(NULL, 0);
	if (!f->gs || !f->xce) {
		perror("pcibk-probe: open gntshr/evtchn");
		goto fail;
	}
	f->page = xengntshr_share_pages(f->gs, (uint32_t)f->backend_id, 1,
					&f->ref, 1);
	if (!f->page) {
		perror("pcibk-probe: xengntshr_share_pages");
		goto fail;
	}
	memset(f->page, 0, OFF_END);
	memset(f->page + OFF_END, FILL, PAGE - OFF_END);
	memcpy(f->last, f->page, PAGE);
	st = xenevtchn_bind_unbound_port(f->xce, (uint32_t)f->backend_id);
	if (st < 0) {
		perror("pcibk-probe: xenevtchn_bind_unbound_port");
		goto fail;
	}
	f->port = (evtchn_port_t)st;
	if (o->manual)
		return f;
	if (probe_handshake(f, 10000))
		goto fail;
	return f;
fail:
	probe_disconnect(f);
	return NULL;
}

/*
 * The handshake's wait: Connected, or Closing as the backend's answer. A
 * backend that was Closing already (a refused attempt before this one)
 * has not answered this one until its state changes, or a second passed.
 */
static int wait_connect(struct probe_front *f, int before, unsigned int ms)
{
	double start = now_us(), end = start + ms * 1000.0;
	int st;

	for (;;) {
		st = xs_get_int(f, f->be, "state", -1);
		if (st == XenbusStateConnected)
			return st;
		if (st == XenbusStateClosing &&
		    (before != XenbusStateClosing || now_us() > start + 1e6))
			return st;
		if (now_us() > end)
			return -1;
		usleep(20000);
	}
}

int probe_handshake(struct probe_front *f, unsigned int ms)
{
	int st, before = xs_get_int(f, f->be, "state", -1);
	char *s;

	if (probe_publish(f) || !set_state(f, XenbusStateInitialised)) {
		perror("pcibk-probe: xenstore write");
		return -1;
	}
	st = wait_connect(f, before, ms);
	if (st != XenbusStateConnected) {
		s = xs_get(f, f->be, "state");
		fprintf(stderr, "pcibk-probe: backend %s did not connect (state %s)\n",
			f->be, s ? s : "?");
		free(s);
		return -1;
	}
	if (f->verbose)
		print_roots(f);
	set_state(f, XenbusStateConnected);
	if (f->verbose)
		fprintf(stderr, "pcibk-probe: connected: dom%d, backend dom%d, ref %u, port %u\n",
			f->domid, f->backend_id, f->ref, f->port);
	return 0;
}

void probe_disconnect(struct probe_front *f)
{
	if (!f)
		return;
	if (f->xs && f->page) {
		set_state(f, XenbusStateClosing);
		wait_backend(f, XenbusStateClosing, XenbusStateClosed, 3000);
		set_state(f, XenbusStateClosed);
		wait_backend(f, XenbusStateClosed, -2, 3000);
	}
	if (f->xce) {
		if (f->port)
			xenevtchn_unbind(f->xce, f->port);
		xenevtchn_close(f->xce);
	}
	if (f->gs) {
		if (f->page)
			xengntshr_unshare(f->gs, f->page, 1);
		xengntshr_close(f->gs);
	}
	if (f->xs)
		xs_close(f->xs);
	free(f);
}

unsigned int probe_devs(struct probe_front *f, struct probe_dev *devs,
			unsigned int max)
{
	int i, n = xs_get_int(f, f->be, "num_devs", 0);
	unsigned int cnt = 0;
	char key[32], *s;

	for (i = 0; i < n && cnt < max; i++) {
		snprintf(key, sizeof(key), "vdev-%d", i);
		s = xs_get(f, f->be, key);
		if (s && !probe_parse_bdf(s, &devs[cnt].domain, &devs[cnt].bus,
					  &devs[cnt].devfn))
			cnt++;
		free(s);
	}
	return cnt;
}

const struct probe_anomalies *probe_anomalies(const struct probe_front *f)
{
	return &f->an;
}

/* ---------------------------------------------------------- the page */

static uint32_t rd32(const struct probe_front *f, unsigned int off)
{
	return __atomic_load_n((const uint32_t *)(f->page + off), __ATOMIC_RELAXED);
}

static void wr32(struct probe_front *f, unsigned int off, uint32_t v)
{
	__atomic_store_n((uint32_t *)(f->page + off), v, __ATOMIC_RELAXED);
}

static void wr16(struct probe_front *f, unsigned int off, uint16_t v)
{
	__atomic_store_n((uint16_t *)(f->page + off), v, __ATOMIC_RELAXED);
}

static bool active(const struct probe_front *f)
{
	return __atomic_load_n((const uint32_t *)f->page, __ATOMIC_ACQUIRE) &
	       (1u << _XEN_PCIF_active);
}

static void put_req(struct probe_front *f, const struct probe_req *r)
{
	unsigned int i;

	wr32(f, OFF_CMD, r->cmd);
	wr32(f, OFF_ERR, 0);
	wr32(f, OFF_DOMAIN, r->domain);
	wr32(f, OFF_DOMAIN + 4, r->bus);
	wr32(f, OFF_DOMAIN + 8, r->devfn);
	wr32(f, OFF_DOMAIN + 12, (uint32_t)r->offset);
	wr32(f, OFF_DOMAIN + 16, (uint32_t)r->size);
	wr32(f, OFF_VALUE, r->value);
	wr32(f, OFF_INFO, r->info);
	for (i = 0; i < PROBE_MAX_VEC; i++) {
		bool used = i < r->nr_entries;

		wr16(f, OFF_ENTRY(i), used ? r->entry[i] : (uint16_t)i);
		/* Linux sends 0xffff; past nr a sentinel that must survive. */
		wr16(f, OFF_VECTOR(i), used ? 0xffff : SENTINEL);
	}
}

/* What the backend may have written is compared with what we left. */
static void check_page(struct probe_front *f, const struct probe_req *r,
		       struct probe_reply *rep)
{
	unsigned int i, nr = 0;
	bool aer = rd32(f, OFF_FLAGS) & (1u << _XEN_PCIB_active);

	/* After our own rewrites cmd may have become enable_msix. */
	if ((r->cmd == PROBE_ENABLE_MSIX || f->hostile) && !rep->err &&
	    !rep->timeout)
		nr = r->value < PROBE_MAX_VEC ? r->value : PROBE_MAX_VEC;
	for (i = OFF_OP; i < PAGE; i++) {
		if (f->page[i] == f->last[i])
			continue;
		if ((i >= OFF_ERR && i < OFF_ERR + 4) ||
		    (i >= OFF_VALUE && i < OFF_VALUE + 4))
			continue;
		if (i >= OFF_MSIX && i < OFF_AER && (i - OFF_MSIX) % 4 < 2) {
			if ((i - OFF_MSIX) / 4 >= nr) {
				f->an.vector_beyond_nr++;
				fprintf(stderr, "ANOMALY: vector %u written (nr %u)\n",
					(i - OFF_MSIX) / 4, nr);
			}
			continue;
		}
		if (i >= OFF_AER && i < OFF_END && aer)
			continue;
		if (i < OFF_AER)
			f->an.changed_request++;
		else
			f->an.outside_op++;
		fprintf(stderr, "ANOMALY: page byte %u changed %#x -> %#x by %s\n",
			i, f->last[i], f->page[i], probe_cmd_name(r->cmd));
		break;
	}
	for (i = 0; i < nr && r->cmd == PROBE_ENABLE_MSIX; i++) {
		rep->vector[i] = (uint16_t)(f->page[OFF_VECTOR(i)] |
					    f->page[OFF_VECTOR(i) + 1] << 8);
		if (!rep->vector[i] || rep->vector[i] == 0xffff) {
			f->an.bad_vector++;
			fprintf(stderr, "ANOMALY: enable_msix vector %u is %#x\n", i,
				rep->vector[i]);
		}
	}
	memcpy(f->last, f->page, PAGE);
}

static void check_late(struct probe_front *f)
{
	if (!f->late_watch)
		return;
	f->late_watch = false;
	if (memcmp(f->page + OFF_ERR, f->last + OFF_ERR, 4) ||
	    memcmp(f->page + OFF_VALUE, f->last + OFF_VALUE, 4)) {
		f->an.late_reply++;
		fprintf(stderr, "ANOMALY: reply written after the timeout\n");
		memcpy(f->last, f->page, PAGE);
	}
}

static void post(struct probe_front *f)
{
	__atomic_fetch_or((uint32_t *)f->page, 1u << _XEN_PCIF_active,
			  __ATOMIC_SEQ_CST);
	xenevtchn_notify(f->xce, f->port);
}

/* Consume a delivered event, if there is one: never block. */
static void drain(struct probe_front *f)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(f->xce), .events = POLLIN };
	int p;

	if (poll(&pfd, 1, 0) <= 0)
		return;
	p = xenevtchn_pending(f->xce);
	if (p >= 0)
		xenevtchn_unmask(f->xce, (evtchn_port_t)p);
}

/* §3.1: wait for the bit to clear; give up like Linux after the timeout. */
static void wait_reply(struct probe_front *f, const struct probe_req *r,
		       struct probe_reply *rep, double t0)
{
	struct pollfd pfd = { .fd = xenevtchn_fd(f->xce), .events = POLLIN };
	double end = t0 + f->timeout_ms * 1000.0, t;
	unsigned int spins = 0;

	while (active(f)) {
		t = now_us();
		if (t > end) {
			__atomic_fetch_and((uint32_t *)f->page,
					   ~(1u << _XEN_PCIF_active),
					   __ATOMIC_SEQ_CST);
			rep->timeout = true;
			f->an.timeouts++;
			f->late_watch = true;
			break;
		}
		if (spins++ < 2000)
			continue;	/* most answers come within microseconds */
		if (poll(&pfd, 1, (int)((end - t) / 1000) + 1) > 0)
			drain(f);
	}
	rep->usec = now_us() - t0;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	rep->err = (int32_t)rd32(f, OFF_ERR);
	rep->value = rd32(f, OFF_VALUE);
	check_page(f, r, rep);
	drain(f);
}

/* Write the request, post it and notify; returns the start time. */
static double start(struct probe_front *f, const struct probe_req *r,
		    struct probe_reply *rep)
{
	double t0;

	check_late(f);
	memset(rep, 0, sizeof(*rep));
	put_req(f, r);
	memcpy(f->last + OFF_OP, f->page + OFF_OP, OFF_AER - OFF_OP);
	__atomic_thread_fence(__ATOMIC_RELEASE);
	t0 = now_us();
	post(f);
	return t0;
}

int probe_post(struct probe_front *f, const struct probe_req *r)
{
	struct probe_reply rep;

	if (f->posted)
		return -1;
	f->pending = *r;
	f->posted_at = start(f, r, &rep);
	f->posted = true;
	return 0;
}

int probe_reply(struct probe_front *f, struct probe_req *r,
		struct probe_reply *rep)
{
	if (!f->posted)
		return -1;
	f->posted = false;
	*r = f->pending;
	memset(rep, 0, sizeof(*rep));
	wait_reply(f, r, rep, f->posted_at);
	return rep->timeout ? -1 : 0;
}

bool probe_pending(const struct probe_front *f)
{
	return f->posted;
}

int probe_send(struct probe_front *f, const struct probe_req *r,
	       struct probe_reply *rep)
{
	wait_reply(f, r, rep, start(f, r, rep));
	return rep->timeout ? -1 : 0;
}

int probe_send_hostile(struct probe_front *f, const struct probe_req *r,
		       struct probe_reply *rep, uint64_t *rng)
{
	unsigned int i, n = 1 + probe_rand(rng) % 32;
	double t0 = start(f, r, rep);

	/* Rewrite request bytes (never err/value/vectors) while pending. */
	for (i = 0; i < n && active(f); i++) {
		unsigned int off = OFF_OP + probe_rand(rng) % (OFF_AER - OFF_OP);

		if ((off >= OFF_ERR && off < OFF_ERR + 4) ||
		    (off >= OFF_VALUE && off < OFF_VALUE + 4) ||
		    (off >= OFF_MSIX && (off - OFF_MSIX) % 4 < 2))
			continue;
		f->page[off] = (uint8_t)probe_rand(rng);
		f->last[off] = f->page[off];
	}
	f->hostile = true;
	wait_reply(f, r, rep, t0);
	f->hostile = false;
	return rep->timeout ? -1 : 0;
}

void probe_storm(struct probe_front *f, unsigned int n)
{
	unsigned int i;

	check_late(f);
	for (i = 0; i < n; i++)
		xenevtchn_notify(f->xce, f->port);
	usleep(1000);
	drain(f);
	for (i = OFF_OP; i < PAGE; i++)
		if (f->page[i] != f->last[i]) {
			f->an.outside_op++;
			fprintf(stderr, "ANOMALY: page byte %u changed by an event storm\n",
				i);
			memcpy(f->last, f->page, PAGE);
			break;
		}
}
