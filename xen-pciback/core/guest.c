// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * One guest's view: its topology and its export (§8.4); release and
 * teardown (§11.3) are the session's (session.c).
 */
#include <pcibk/core.h>

void pcibk_guest_init(struct pcibk_guest *g, u16 domid, bool passthrough)
{
	memset(g, 0, sizeof(*g));
	g->domid = domid;
	g->pirq_budget = pcibk_pirq_budget;
	pcibk_topo_init(&g->topo, passthrough);
}

int pcibk_guest_export(struct pcibk_guest *g, struct pcibk_dev *d)
{
	int rc;

	/* The caller serialises claims across guests. */
	if (d->guest) {
		pcibk_err("Couldn't locate PCI device (%s)! perhaps already in-use?\n",
			  d->name);
		return -EINVAL;
	}
	d->guest = g;
	d->domid = g->domid;
	rc = pcibk_topo_add(&g->topo, d);
	if (rc) {
		d->guest = NULL;	/* back to the pool */
		return rc;
	}
	/* Before any MSI op can arrive, so pirqs are mapped for the guest. */
	rc = d->ops->register_owner(d->hdev, g->domid);
	if (rc) {
		pcibk_topo_del(&g->topo, d);
		d->guest = NULL;
		return rc;
	}
	return 0;
}
