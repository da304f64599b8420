// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The record of denied guest writes (cfg.h): what a guest tried to write
 * to registers no field handles, for the administrator (denied_writes in
 * sysfs, pcibackctl), beside the other per-device counters (stats.c).
 */
#include "cfg_field.h"

void pcibk_cfg_deny(struct pcibk_dev *d, unsigned int off, unsigned int size)
{
	struct pcibk_cfg *c = d->cfg;
	unsigned int i, victim = 0;

	c->denied_total++;
	c->denied_seq++;
	for (i = 0; i < PCIBK_CFG_DENIED_SLOTS; i++) {
		if (c->denied[i].seq && c->denied[i].off == off &&
		    c->denied[i].size == size) {
			if (c->denied[i].count != 0xffffffffu)
				c->denied[i].count++;
			c->denied[i].seq = c->denied_seq;
			return;
		}
		/* A free slot (seq 0) or the least recently denied entry. */
		if (c->denied[i].seq < c->denied[victim].seq)
			victim = i;
	}
	c->denied[victim].off = (u16)off;
	c->denied[victim].size = (u8)size;
	c->denied[victim].count = 1;
	c->denied[victim].seq = c->denied_seq;
}

unsigned int pcibk_cfg_denied(const struct pcibk_dev *d,
			      struct pcibk_cfg_denied *out, unsigned int max)
{
	const struct pcibk_cfg *c = d->cfg;
	u64 below = ~0ull, best;
	unsigned int n = 0, i, pick;

	if (!c)
		return 0;
	/* Selection by decreasing seq: 16 slots, no sort buffer needed. */
	while (n < max) {
		best = 0;
		pick = PCIBK_CFG_DENIED_SLOTS;
		for (i = 0; i < PCIBK_CFG_DENIED_SLOTS; i++) {
			if (c->denied[i].seq && c->denied[i].seq < below &&
			    c->denied[i].seq > best) {
				best = c->denied[i].seq;
				pick = i;
			}
		}
		if (pick == PCIBK_CFG_DENIED_SLOTS)
			break;
		out[n].off = c->denied[pick].off;
		out[n].size = c->denied[pick].size;
		out[n].count = c->denied[pick].count;
		n++;
		below = best;
	}
	return n;
}

u64 pcibk_cfg_denied_total(const struct pcibk_dev *d)
{
	return d->cfg ? d->cfg->denied_total : 0;
}

void pcibk_cfg_denied_clear(struct pcibk_dev *d)
{
	struct pcibk_cfg *c = d->cfg;

	if (!c)
		return;
	c->denied_total = 0;
	c->denied_seq = 0;
	memset(c->denied, 0, sizeof(c->denied));
}

int pcibk_cfg_denied_show(const struct pcibk_dev *d, char *buf, size_t len)
{
	struct pcibk_cfg_denied e[PCIBK_CFG_DENIED_SLOTS];
	unsigned int n, i;
	size_t pos = 0;

	if (!len)
		return 0;
	buf[0] = '\0';
	n = pcibk_cfg_denied(d, e, PCIBK_CFG_DENIED_SLOTS);
	pos = pcibk_cfg_advance(len, pos, pcibk_snprintf(buf, len, "total %llu\n",
			(unsigned long long)pcibk_cfg_denied_total(d)));
	for (i = 0; i < n; i++)
		pos = pcibk_cfg_advance(len, pos,
			     pcibk_snprintf(buf + pos, len - pos, "%03x:%u:%u\n",
					    e[i].off, e[i].size, e[i].count));
	return (int)pos;
}

void pcibk_cfg_deny_unhandled(struct pcibk_dev *d, unsigned int off,
			      unsigned int size)
{
	pcibk_cfg_deny(d, off, size);
	if (d->cfg->warned)
		return;
	d->cfg->warned = true;
	/* Once per seized device, so it cannot flood (B15). */
	pcibk_warn("%s: Driver tried to write to a read-only configuration space field at offset 0x%x, size %d. This may be harmless, but if you have problems with your device:\n",
		   d->name, off, size);
	pcibk_warn("%s: 1) see the permissive attribute in sysfs;\n", d->name);
	pcibk_warn("%s: 2) report problems to the xen-devel mailing list along with details of your device obtained from lspci.\n",
		   d->name);
}
