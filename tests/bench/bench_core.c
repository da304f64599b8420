// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Op-engine throughput over the simulated host, on one core: requests per
 * second through the same path a guest request takes (fetch from the
 * page, lookup, validation, virtual config access, write-back).
 * Prints figures; asserts nothing about speed.
 */
#include <time.h>
#include "sim.h"

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

struct rig {
	struct sim_host *h;
	struct sim_page *pg;
	struct pcibk_guest g;
	struct pcibk_dev *d;
};

static void rig_init(struct rig *r)
{
	struct sim_dev *sd;

	r->h = sim_host_new();
	r->pg = sim_page_new();
	pcibk_guest_init(&r->g, 1, false);
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
	    pcibk_guest_export(&r->g, r->d))
		abort();
	sim_page_req(r->pg, XEN_PCI_OP_conf_write, 0, 0, 0, 4, 2, 6, 0);
	pcibk_op_handle(&r->g, r->pg->page);
}

static void rig_fini(struct rig *r)
{
	pcibk_guest_teardown(&r->g);
	pcibk_dev_destroy(r->d);
	sim_page_free(r->pg);
	sim_host_free(r->h);
}

typedef void (*step_fn)(struct rig *r, unsigned long i);

static void conf_read(struct rig *r, unsigned long i)
{
	static const s32 offs[] = { 0x00, 0x04, 0x10, 0x2c, 0x3c, 0x40, 0x08, 0x100 };

	sim_page_req(r->pg, XEN_PCI_OP_conf_read, 0, 0, 0, offs[i & 7], 4, 0, 0);
	pcibk_op_handle(&r->g, r->pg->page);
}

static void conf_read_absent(struct rig *r, unsigned long i)
{
	/* the guest's bus scan: 255 of 256 devfns answer "no device" */
	sim_page_req(r->pg, XEN_PCI_OP_conf_read, 0, 0, 1 + (u32)(i % 255), 0, 4, 0, 0);
	pcibk_op_handle(&r->g, r->pg->page);
}

static void conf_write(struct rig *r, unsigned long i)
{
	sim_page_req(r->pg, XEN_PCI_OP_conf_write, 0, 0, 0, 0x0c, 1, (u32)i & 0xff, 0);
	pcibk_op_handle(&r->g, r->pg->page);
}

static unsigned int msix_nr;

static void msix_cycle(struct rig *r, unsigned long i)
{
	unsigned int k;

	(void)i;
	for (k = 0; k < msix_nr; k++) {
		u16 e = (u16)k, v = 0xffff;

		memcpy(r->pg->page + PCIBK_SH_ENTRY(k), &e, 2);
		memcpy(r->pg->page + PCIBK_SH_VECTOR(k), &v, 2);
	}
	sim_page_req(r->pg, XEN_PCI_OP_enable_msix, 0, 0, 0, 0, 0, msix_nr, 0);
	pcibk_op_handle(&r->g, r->pg->page);
	if (sim_page_err(r->pg))
		abort();
	sim_page_req(r->pg, XEN_PCI_OP_disable_msix, 0, 0, 0, 0, 0, 0, 0);
	pcibk_op_handle(&r->g, r->pg->page);
}

static double run(const char *name, step_fn fn, double seconds, unsigned int per)
{
	struct rig r;
	unsigned long n = 0, batch = 1000;
	double t0, t;

	rig_init(&r);
	t0 = now();
	do {
		unsigned long k;

		for (k = 0; k < batch; k++)
			fn(&r, n + k);
		n += batch;
		t = now() - t0;
	} while (t < seconds);
	rig_fini(&r);
	printf("%-34s %12.0f ops/s  %8.1f ns/op\n", name, (double)n * per / t,
	       t * 1e9 / ((double)n * per));
	return (double)n * per / t;
}

/* The core's log and allocation hooks, silent here. */
int main(int argc, char **argv)
{
	double secs = argc > 1 ? atof(argv[1]) : 1.0;

	printf("op engine over the simulated host, one core, %.1f s per figure\n", secs);
	run("conf_read (assigned device)", conf_read, secs, 1);
	run("conf_read (absent devfn, scan)", conf_read_absent, secs, 1);
	run("conf_write (cache line size)", conf_write, secs, 1);
	msix_nr = 1;
	run("enable+disable msix, 1 vector", msix_cycle, secs, 2);
	msix_nr = 32;
	run("enable+disable msix, 32 vectors", msix_cycle, secs, 2);
	msix_nr = 128;
	run("enable+disable msix, 128 vectors", msix_cycle, secs, 2);
	return 0;
}
