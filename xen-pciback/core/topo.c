// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Virtual topologies (PROTOCOL.md §7): "vpci", one virtual bus 0000:00 of
 * 32 slots, and "passthrough", the host addresses as they are.
 */
#include <pcibk/core.h>

#define SLOT(devfn)	(((devfn) >> 3) & 0x1f)
#define FUNC(devfn)	((devfn) & 0x07)

/* Bounded walk up the bridges; real hierarchies are far shallower. */
#define PCIBK_MAX_DEPTH	64

void pcibk_topo_init(struct pcibk_topo *t, bool passthrough)
{
	memset(t, 0, sizeof(*t));
	t->passthrough = passthrough;
}

static bool is_bridge(const struct pcibk_dev *d)
{
	return (d->info.class >> 16) == 0x06;
}

/* The entry that opened a slot decides who may join it. */
static struct pcibk_dev *slot_first(const struct pcibk_topo *t, unsigned int s)
{
	const struct pcibk_dev *e;

	for (e = t->list; e; e = e->topo_next)
		if (!t->passthrough && e->vaddr.bus == 0 &&
		    SLOT(e->vaddr.devfn) == s && t->vpci[s][FUNC(e->vaddr.devfn)] == e)
			return (struct pcibk_dev *)e;
	return NULL;
}

static int vpci_place(struct pcibk_topo *t, struct pcibk_dev *d)
{
	unsigned int s, func = FUNC(d->info.devfn);
	bool lone_vf = d->info.is_virtfn && func == 0;
	struct pcibk_dev *first;

	if (is_bridge(d)) {
		pcibk_err("%s: Can't export bridges on the virtual PCI bus\n",
			  d->name);
		return -EFAULT;
	}
	if (!lone_vf) {
		for (s = 0; s < PCIBK_VPCI_SLOTS; s++) {
			first = slot_first(t, s);
			if (!first || t->vpci[s][func])
				continue;
			if (first->info.is_virtfn && FUNC(first->info.devfn) == 0)
				continue;
			if (first->info.seg == d->info.seg &&
			    first->info.bus == d->info.bus &&
			    SLOT(first->info.devfn) == SLOT(d->info.devfn))
				goto found;
		}
	}
	for (s = 0; s < PCIBK_VPCI_SLOTS; s++) {
		unsigned int f;

		for (f = 0; f < 8; f++)
			if (t->vpci[s][f])
				break;
		if (f == 8)
			goto found;
	}
	pcibk_err("%s: No more space on root virtual PCI bus\n", d->name);
	return -ENOMEM;

found:
	t->vpci[s][func] = d;
	d->vaddr.domain = 0;
	d->vaddr.bus = 0;
	d->vaddr.devfn = (u8)((s << 3) | func);
	return 0;
}

/* Add at the tail so that the list keeps the order devices came in. */
static void list_append(struct pcibk_topo *t, struct pcibk_dev *d)
{
	struct pcibk_dev **pp = &t->list;

	while (*pp)
		pp = &(*pp)->topo_next;
	d->topo_next = NULL;
	*pp = d;
}

int pcibk_topo_add(struct pcibk_topo *t, struct pcibk_dev *d)
{
	int rc;

	if (t->passthrough) {
		if (pcibk_topo_find_host(t, d->info.seg, d->info.bus,
					 d->info.devfn))
			return -EEXIST;
		d->vaddr.domain = d->info.seg;
		d->vaddr.bus = d->info.bus;
		d->vaddr.devfn = d->info.devfn;
	} else {
		rc = vpci_place(t, d);
		if (rc)
			return rc;
	}
	list_append(t, d);
	t->count++;
	return 0;
}

void pcibk_topo_del(struct pcibk_topo *t, struct pcibk_dev *d)
{
	struct pcibk_dev **pp;

	for (pp = &t->list; *pp; pp = &(*pp)->topo_next) {
		if (*pp != d)
			continue;
		*pp = d->topo_next;
		d->topo_next = NULL;
		t->count--;
		if (!t->passthrough &&
		    t->vpci[SLOT(d->vaddr.devfn)][FUNC(d->vaddr.devfn)] == d)
			t->vpci[SLOT(d->vaddr.devfn)][FUNC(d->vaddr.devfn)] = NULL;
		return;
	}
}

struct pcibk_dev *pcibk_topo_find(const struct pcibk_topo *t, u32 domain,
				  u32 bus, u32 devfn)
{
	const struct pcibk_dev *e;

	/* S2: exact values only; 0x108 does not alias 0x08. */
	if (domain > 0xffff || bus > 0xff || devfn > 0xff)
		return NULL;
	if (!t->passthrough) {
		if (domain || bus)
			return NULL;
		return t->vpci[SLOT(devfn)][FUNC(devfn)];
	}
	for (e = t->list; e; e = e->topo_next)
		if (e->vaddr.domain == domain && e->vaddr.bus == bus &&
		    e->vaddr.devfn == devfn)
			return (struct pcibk_dev *)e;
	return NULL;
}

struct pcibk_dev *pcibk_topo_find_host(const struct pcibk_topo *t, u16 seg,
				       u8 bus, u8 devfn)
{
	const struct pcibk_dev *e;

	for (e = t->list; e; e = e->topo_next)
		if (e->info.seg == seg && e->info.bus == bus &&
		    e->info.devfn == devfn)
			return (struct pcibk_dev *)e;
	return NULL;
}

static bool exported_hdev(const struct pcibk_topo *t, const void *hdev)
{
	const struct pcibk_dev *e;

	for (e = t->list; e; e = e->topo_next)
		if (e->hdev == hdev)
			return true;
	return false;
}

/* True if a bridge above d is exported too: its bus is then not a root. */
static bool parent_exported(const struct pcibk_topo *t, const struct pcibk_dev *d)
{
	void *h = d->hdev;
	int depth;

	if (!d->ops->parent_bridge)
		return false;
	for (depth = 0; depth < PCIBK_MAX_DEPTH; depth++) {
		h = d->ops->parent_bridge(h);
		if (!h)
			return false;
		if (exported_hdev(t, h))
			return true;
	}
	return false;
}

unsigned int pcibk_topo_roots(const struct pcibk_topo *t,
			      struct pcibk_root *roots, unsigned int max)
{
	const struct pcibk_dev *e;
	unsigned int n = 0, i;

	if (!t->passthrough) {
		if (max) {
			roots[0].domain = 0;
			roots[0].bus = 0;
			n = 1;
		}
		return n;
	}
	for (e = t->list; e && n < max; e = e->topo_next) {
		if (parent_exported(t, e))
			continue;
		for (i = 0; i < n; i++)
			if (roots[i].domain == e->info.seg &&
			    roots[i].bus == e->info.bus)
				break;
		if (i < n)
			continue;
		roots[n].domain = e->info.seg;
		roots[n].bus = e->info.bus;
		n++;
	}
	return n;
}

int pcibk_vaddr_format(const struct pcibk_vaddr *va, char *buf, size_t len)
{
	return pcibk_snprintf(buf, len, "%04x:%02x:%02x.%02x", va->domain,
			      va->bus, SLOT(va->devfn), FUNC(va->devfn));
}
