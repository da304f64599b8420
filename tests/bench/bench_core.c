// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Op-engine throughput over the simulated host, on one core: requests per
 * second through the same path a guest request takes (fetch from the
 * page, lookup, validation, virtual config access, write-back).
 * Prints figures; asserts nothing about speed.
 *   bench-core [SECONDS [NAME-SUBSTRING]]
 */
#include <time.h>
#include "sim.h"

/*
 * Per core means per second of this thread's CPU time: the figure stays
 * meaningful on a machine shared with other work (the QEMU harness).
 */
static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/*
 * A guest writes its request, the backend answers it. Only the second
 * half is measured: the config figures use requests written once into
 * a ring of pages (the backend writes back only err and value, B9, so a
 * request stays valid), and the timed step is pcibk_op_handle() alone.
 */
#define RIG_PAGES	8

struct rig {
	struct sim_host *h;
	struct sim_page *pg[RIG_PAGES];
	struct sim_session ss;
	struct pcibk_guest *g;		/* &ss.s.guest */
	struct pcibk_dev *d;
};

static void rig_init(struct rig *r)
{
	struct sim_dev *sd;
	unsigned int i;

	r->h = sim_host_new();
	for (i = 0; i < RIG_PAGES; i++)
		r->pg[i] = sim_page_new();
	sim_session_init(&r->ss, &sim_ops, 1, false);
	r->g = &r->ss.s.guest;
	/*
	 * Room for the 128-vector figure, as make vmbench gives Xen
	 * extra_guest_irqs=256: Xen's default budget (32) would refuse it.
	 */
	r->g->pirq_budget = 256;
	sd = sim_dev_new(r->h, 0, 3, 0, 0x8086, 0x10d3, 0x020000, 0, 4096);
	sim_add_bar(sd, 0, PCIBK_RES_MEM, 0xfebc0000, 0x20000);
	sim_add_bar(sd, 3, PCIBK_RES_MEM, 0xfebe0000, 0x4000);
	sim_set_irq(sd, 11, 1);
	sim_add_pm(sd, 0xc823);
	sim_add_msi(sd, 1, false, true);
	sim_add_pcie(sd);
	sim_add_msix(sd, 2048, 3);
	sim_bind(sd);
	if (pcibk_dev_create(&sim_ops, sd, &r->d) ||
	    pcibk_guest_export(r->g, r->d))
		abort();
	sim_page_req(r->pg[0], XEN_PCI_OP_conf_write, 0, 0, 0, 4, 2, 6, 0);
	pcibk_op_handle(r->g, r->pg[0]->page);
}

static void rig_fini(struct rig *r)
{
	unsigned int i;

	if (pcibk_session_teardown(&r->ss.s))
		abort();
	pcibk_dev_destroy(r->d);
	for (i = 0; i < RIG_PAGES; i++)
		sim_page_free(r->pg[i]);
	sim_host_free(r->h);
}

typedef void (*prep_fn)(struct rig *r);
typedef void (*step_fn)(struct rig *r, unsigned long i);

/* Header dwords, a capability and extended space: typical driver reads. */
static void prep_conf_read(struct rig *r)
{
	static const s32 offs[RIG_PAGES] = { 0x00, 0x04, 0x10, 0x2c, 0x3c, 0x40, 0x08, 0x100 };
	unsigned int k;

	for (k = 0; k < RIG_PAGES; k++)
		sim_page_req(r->pg[k], XEN_PCI_OP_conf_read, 0, 0, 0, offs[k], 4, 0, 0);
}

/* The guest's bus scan: all but one devfn answer "no device". */
static void prep_conf_read_absent(struct rig *r)
{
	unsigned int k;

	for (k = 0; k < RIG_PAGES; k++)
		sim_page_req(r->pg[k], XEN_PCI_OP_conf_read, 0, 0, 8 * (k + 1), 0, 4, 0, 0);
}

/* Cache line size and latency timer, bytes a driver writes. */
static void prep_conf_write(struct rig *r)
{
	unsigned int k;

	for (k = 0; k < RIG_PAGES; k++)
		sim_page_req(r->pg[k], XEN_PCI_OP_conf_write, 0, 0, 0, 0x0c + (k & 1), 1,
			     k * 8, 0);
}

static void handle(struct rig *r, unsigned long i)
{
	pcibk_op_handle(r->g, r->pg[i % RIG_PAGES]->page);
}

/*
 * The whole request path of a config read as the module runs it: the
 * frontend posts, the event handler (pcibk_session_event()) answers it on
 * the fast path under the fast lock, notifies and EOIs; the simulated
 * host's session ops only count.
 */
static void prep_event_read(struct rig *r)
{
	sim_session_publish(&r->ss, r->pg[0]);
	if (pcibk_session_connect(&r->ss.s, 8, 9))
		abort();
	sim_page_req(r->pg[0], XEN_PCI_OP_conf_read, 0, 0, 0, 0, 4, 0, 0);
}

static void event_read(struct rig *r, unsigned long i)
{
	(void)i;
	pcibk_sh_set_flag(r->pg[0]->page, _XEN_PCIF_active);
	pcibk_session_event(&r->ss.s);
}

static unsigned int msix_nr;

static void msix_cycle(struct rig *r, unsigned long i)
{
	struct sim_page *pg = r->pg[0];
	unsigned int k;

	(void)i;
	for (k = 0; k < msix_nr; k++) {
		u16 e = (u16)k, v = 0xffff;

		memcpy(pg->page + PCIBK_SH_ENTRY(k), &e, 2);
		memcpy(pg->page + PCIBK_SH_VECTOR(k), &v, 2);
	}
	sim_page_req(pg, XEN_PCI_OP_enable_msix, 0, 0, 0, 0, 0, msix_nr, 0);
	pcibk_op_handle(r->g, pg->page);
	if (sim_page_err(pg))
		abort();
	sim_page_req(pg, XEN_PCI_OP_disable_msix, 0, 0, 0, 0, 0, 0, 0);
	pcibk_op_handle(r->g, pg->page);
}

static const char *only;	/* run only the figures whose name contains this */

static double run(const char *name, prep_fn prep, step_fn fn, double seconds,
		  unsigned int per)
{
	struct rig r;
	unsigned long n = 0, batch = 1000;
	double t0, t;

	if (only && !strstr(name, only))
		return 0;
	rig_init(&r);
	if (prep)
		prep(&r);
	t0 = now();
	do {
		unsigned long k;

		for (k = 0; k < batch; k++)
			fn(&r, n + k);
		n += batch;
		t = now() - t0;
	} while (t < seconds);
	if (r.ss.s.ring.sh && (pcibk_session_disconnect(&r.ss.s) ||
				 r.ss.s.ring.stats.fast != n))
		abort();
	rig_fini(&r);
	printf("%-34s %12.0f ops/s  %8.1f ns/op\n", name, (double)n * per / t,
	       t * 1e9 / ((double)n * per));
	return (double)n * per / t;
}

/* The core's log and allocation hooks, silent here. */
int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;

	if (argc > 2)
		only = argv[2];

	printf("op engine over the simulated host, one core, %.1f s of CPU time per figure\n", secs);
	run("conf_read (assigned device)", prep_conf_read, handle, secs, 1);
	run("conf_read (absent devfn, scan)", prep_conf_read_absent, handle, secs, 1);
	run("conf_write (cache line, latency)", prep_conf_write, handle, secs, 1);
	run("conf_read, event to answer", prep_event_read, event_read, secs, 1);
	msix_nr = 1;
	run("enable+disable msix, 1 vector", NULL, msix_cycle, secs, 2);
	msix_nr = 32;
	run("enable+disable msix, 32 vectors", NULL, msix_cycle, secs, 2);
	msix_nr = 128;
	run("enable+disable msix, 128 vectors", NULL, msix_cycle, secs, 2);
	return 0;
}
