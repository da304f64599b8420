// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The field engine of the virtual config space (PROTOCOL.md §6.1): field
 * registration, the per-dword index, read and write merging, permissive
 * mode and strict-mode hiding; the record of denied writes is denied.c's.
 *
 * Every field lies inside one aligned dword (fields are 1, 2 or 4 bytes
 * at aligned offsets), and so does every guest access (the op engine
 * checks alignment). An index of 1024 dword chains therefore finds every
 * field an access overlaps in O(1) plus the (tiny) chain length.
 */
#include "cfg_field.h"

bool pcibk_permissive;

int pcibk_cfg_map_err(int rc)
{
	switch (rc) {
	case 0x00:
		return XEN_PCI_ERR_success;
	case 0x86:
		return XEN_PCI_ERR_dev_not_found;
	case 0x87:
		return XEN_PCI_ERR_invalid_offset;
	case 0x88:
		return XEN_PCI_ERR_access_denied;
	case 0x81:
		return XEN_PCI_ERR_not_implemented;
	default:
		return rc;
	}
}

bool pcibk_cfg_is_permissive(const struct pcibk_dev *d)
{
	return d->permissive || pcibk_permissive;
}

int pcibk_cfg_set_permissive(struct pcibk_dev *d)
{
	if (!d->cfg)
		return -ENXIO;
	if (!d->permissive) {
		pcibk_warn("%s: enabling permissive mode configuration space accesses!\n",
			   d->name);
		pcibk_warn("%s: permissive mode is potentially unsafe!\n",
			   d->name);
	}
	d->permissive = true;
	return 0;
}

/* ------------------------------------------------------------- the index */

static bool access_ok(const struct pcibk_dev *d, unsigned int off,
		      unsigned int size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	/* size is 1, 2 or 4: a mask, not a division, on every access. */
	return !(off & (size - 1)) && off < d->info.cfg_size &&
	       size <= d->info.cfg_size - off;
}

static bool overlaps(const struct pcibk_cfg_field *f, unsigned int off,
		     unsigned int size)
{
	return f->start < off + size && off < (unsigned int)f->start + f->size;
}

static void reindex(struct pcibk_cfg *c)
{
	unsigned int i, dw;
	u8 *tail;

	memset(c->head, PCIBK_CFG_NONE, sizeof(c->head));
	memset(c->virt, 0, sizeof(c->virt));
	for (i = 0; i < c->nr; i++) {
		const struct pcibk_cfg_field *f = &c->f[i];
		unsigned int b;

		if (f->def->virt && !f->quirk)
			for (b = f->start; b < (unsigned int)f->start + f->size; b++)
				c->virt[b >> 2] |= (u8)(1u << (b & 3));
		/* Append: a chain keeps registration order (§6.1). */
		dw = c->f[i].start >> 2;
		tail = &c->head[dw];
		while (*tail != PCIBK_CFG_NONE)
			tail = &c->f[*tail].next;
		*tail = (u8)i;
		c->f[i].next = PCIBK_CFG_NONE;
	}
}

struct pcibk_cfg_field *pcibk_cfg_overlap(struct pcibk_dev *d,
					  unsigned int off, unsigned int size)
{
	struct pcibk_cfg *c = d->cfg;
	unsigned int dw, last;
	u8 i;

	/* A quirk may be checked at any aligned (off, size), so scan dwords. */
	last = (off + size - 1) >> 2;
	for (dw = off >> 2; dw <= last && dw < PCIBK_CFG_DWORDS; dw++)
		for (i = c->head[dw]; i != PCIBK_CFG_NONE; i = c->f[i].next)
			if (overlaps(&c->f[i], off, size))
				return &c->f[i];
	return NULL;
}

int pcibk_cfg_add(struct pcibk_dev *d, const struct pcibk_cfg_def *def,
		  unsigned int start, struct pcibk_cfg_field **out)
{
	struct pcibk_cfg *c = d->cfg;
	struct pcibk_cfg_field *f;
	int rc;

	if (start % def->size || start + def->size > d->info.cfg_size)
		return -EINVAL;
	if (c->nr >= PCIBK_CFG_MAX_FIELDS)
		return -ENOSPC;
	f = &c->f[c->nr++];
	memset(f, 0, sizeof(*f));
	f->def = def;
	f->start = (u16)start;
	f->size = def->size;
	reindex(c);
	if (def->init) {
		rc = def->init(d, f);
		if (rc) {
			pcibk_cfg_remove(d, c->nr - 1);
			return rc;
		}
	}
	if (out)
		*out = f;
	return 0;
}

int pcibk_cfg_add_table(struct pcibk_dev *d, unsigned int base,
			const struct pcibk_cfg_def *defs, unsigned int n)
{
	unsigned int i;
	int rc;

	for (i = 0; i < n; i++) {
		/* A capability near the end of a 256-byte space: skip the tail. */
		if (base + defs[i].off + defs[i].size > d->info.cfg_size)
			continue;
		rc = pcibk_cfg_add(d, &defs[i], base + defs[i].off, NULL);
		if (rc)
			return rc;
	}
	return 0;
}

void pcibk_cfg_remove(struct pcibk_dev *d, unsigned int i)
{
	struct pcibk_cfg *c = d->cfg;

	if (i >= c->nr)
		return;
	if (c->f[i].def->release)
		c->f[i].def->release(d, &c->f[i]);
	memmove(&c->f[i], &c->f[i + 1], (c->nr - i - 1) * sizeof(c->f[0]));
	c->nr--;
	reindex(c);
}

/* ------------------------------------------------------------ lifecycle */

int pcibk_cfg_init(struct pcibk_dev *d)
{
	struct pcibk_cfg *c;
	int rc;

	c = pcibk_zalloc(sizeof(*c));
	if (!c)
		return -ENOMEM;
	d->cfg = c;
	memset(c->head, PCIBK_CFG_NONE, sizeof(c->head));
	/*
	 * Without resources the BAR fields still exist, but answer -5
	 * (§5: "a BAR or ROM handler without its per-field state").
	 */
	c->have_res = !d->ops->get_res(d->hdev, c->res);
	rc = pcibk_cfg_header_init(d);
	if (!rc)
		rc = pcibk_cfg_caps_init(d);
	if (rc) {
		pcibk_cfg_free(d);
		return rc;
	}
	return 0;
}

void pcibk_cfg_free(struct pcibk_dev *d)
{
	struct pcibk_cfg *c = d->cfg;

	if (!c)
		return;
	while (c->nr)
		pcibk_cfg_remove(d, c->nr - 1);
	pcibk_free(c);
	d->cfg = NULL;
}

void pcibk_cfg_reset(struct pcibk_dev *d)
{
	struct pcibk_cfg *c = d->cfg;
	unsigned int i;

	if (!c)
		return;
	for (i = 0; i < c->nr; i++)
		if (c->f[i].def->reset)
			c->f[i].def->reset(d, &c->f[i]);
}

/* ------------------------------------------------------------ raw access */

int pcibk_cfg_hw_read(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *val)
{
	const struct pcibk_cfg *c = d->cfg;

	/* The guest's read has just fetched these bytes: no second access. */
	if (c && c->raw_valid && f->start >= c->raw_off &&
	    f->start + f->size <= c->raw_off + c->raw_size) {
		*val = c->raw >> (8 * (f->start - c->raw_off));
		if (f->size < 4)
			*val &= (1u << (8 * f->size)) - 1;
		return 0;
	}
	*val = 0;
	return d->ops->cfg_read(d->hdev, f->start, f->size, val);
}

int pcibk_cfg_hw_write(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 val)
{
	return d->ops->cfg_write(d->hdev, f->start, f->size, val);
}

/* ------------------------------------------------------------- strict */

static bool hidden(const struct pcibk_cfg *c, unsigned int off)
{
	unsigned int dw = off >> 2;

	return c->strict && (c->hidden[dw / 32] & (1u << (dw % 32)));
}

int pcibk_cfg_set_strict(struct pcibk_dev *d, bool on)
{
	struct pcibk_cfg *c = d->cfg;

	if (!c)
		return -ENXIO;
	if (!on) {
		c->strict = false;
		return 0;
	}
	return pcibk_cfg_strict_build(d);
}

bool pcibk_cfg_strict(const struct pcibk_dev *d)
{
	return d->cfg && d->cfg->strict;
}

/* Strict mode hides the handlers of hidden capabilities too; quirks stay. */
static bool visible(const struct pcibk_cfg *c, const struct pcibk_cfg_field *f,
		    unsigned int off, unsigned int size)
{
	return overlaps(f, off, size) && (f->quirk || !hidden(c, off));
}

static u32 apply_patches(const struct pcibk_cfg *c, unsigned int off,
			 unsigned int size, u32 v)
{
	unsigned int i, b;

	for (i = 0; i < c->nr_patch; i++) {
		const struct pcibk_cfg_patch *p = &c->patch[i];

		if (p->off < off || p->off >= off + size)
			continue;
		b = 8 * (p->off - off);
		v &= ~((u32)p->clear << b);
		v |= (u32)(p->set & p->clear) << b;
	}
	return v;
}

/* ------------------------------------------------------ text output */

size_t pcibk_cfg_advance(size_t len, size_t pos, int n)
{
	if (n < 0)
		return pos;
	if (pos + (size_t)n >= len)
		return len ? len - 1 : 0;
	return pos + (size_t)n;
}

/* ------------------------------------------------------ guest accesses */

/*
 * Replace the bytes of dst (at dst_off) that src (at src_off) covers.
 * One mask for the overlap instead of a loop over bytes: this runs for
 * every field of every guest config access. Sizes are at most 4, so the
 * 64-bit shifts below stay under 64.
 */
static u32 merge(u32 dst, unsigned int dst_off, unsigned int dst_size,
		 u32 src, unsigned int src_off, unsigned int src_size)
{
	unsigned int lo = dst_off > src_off ? dst_off : src_off;
	unsigned int hi = dst_off + dst_size < src_off + src_size ?
			  dst_off + dst_size : src_off + src_size;
	u64 m, v;

	if (lo >= hi)
		return dst;
	m = ((1ull << (8 * (hi - lo))) - 1) << (8 * (lo - dst_off));
	v = ((u64)src >> (8 * (lo - src_off))) << (8 * (lo - dst_off));
	return (dst & ~(u32)m) | ((u32)v & (u32)m);
}

static int field_value(struct pcibk_dev *d, struct pcibk_cfg_field *f,
		       u32 *v)
{
	*v = 0;
	return f->def->read ? f->def->read(d, f, v) : 0;
}

/*
 * Every byte of [off, off + size) is given by a field whose value is the
 * core's own, and the host knows the device is there: the hardware read
 * would only be overwritten, and each costs a trap into the hypervisor
 * in a PV dom0. A device that is gone is still read, for the error.
 */
static bool all_virtual(struct pcibk_dev *d, unsigned int off,
			unsigned int size)
{
	unsigned int all = (1u << size) - 1;

	/* A hidden dword is not read either way; elsewhere all fields show. */
	return d->ops->present &&
	       ((d->cfg->virt[off >> 2] >> (off & 3)) & all) == all &&
	       d->ops->present(d->hdev);
}

int pcibk_cfg_read(struct pcibk_dev *d, unsigned int off, unsigned int size,
		   u32 *val)
{
	struct pcibk_cfg *c = d->cfg;
	struct pcibk_cfg_field *f;
	u32 v = 0, fv;
	int rc = 0;
	u8 i;

	*val = 0;
	if (!c || !access_ok(d, off, size))
		return XEN_PCI_ERR_invalid_offset;
	/*
	 * Hidden in strict mode: as if nothing were implemented there. Only
	 * bytes really read are shared with the hooks: a quirk over an id
	 * still reads the hardware itself.
	 */
	if (!hidden(c, off) && !all_virtual(d, off, size)) {
		rc = d->ops->cfg_read(d->hdev, off, size, &v);
		/* S6: the first error wins, later fields cannot hide it. */
		if (rc)
			return pcibk_cfg_map_err(rc);
		c->raw_valid = true;
		c->raw_off = (u16)off;
		c->raw_size = (u8)size;
		c->raw = v;
	}
	for (i = c->head[off >> 2]; i != PCIBK_CFG_NONE; i = f->next) {
		f = &c->f[i];
		if (!visible(c, f, off, size))
			continue;
		rc = field_value(d, f, &fv);
		if (rc)
			break;
		v = merge(v, off, size, fv, f->start, f->size);
	}
	c->raw_valid = false;
	if (rc)
		return pcibk_cfg_map_err(rc);
	if (c->strict)
		v = apply_patches(c, off, size, v);
	/* S3. */
	if (size < 4)
		v &= (1u << (8 * size)) - 1;
	*val = v;
	return 0;
}

bool pcibk_cfg_write_sleeps(struct pcibk_dev *d, unsigned int off,
			    unsigned int size)
{
	struct pcibk_cfg *c = d->cfg;
	struct pcibk_cfg_field *f;
	u8 i;

	/* pcibk_cfg_write() refuses these before any hook runs. */
	if (!c || !access_ok(d, off, size))
		return false;
	for (i = c->head[off >> 2]; i != PCIBK_CFG_NONE; i = f->next) {
		f = &c->f[i];
		if (visible(c, f, off, size) && f->def->write && f->def->sleeps)
			return true;
	}
	return false;
}

int pcibk_cfg_write(struct pcibk_dev *d, unsigned int off, unsigned int size,
		    u32 val)
{
	struct pcibk_cfg *c = d->cfg;
	struct pcibk_cfg_field *f;
	bool handled = false;
	int rc, err = 0;
	u32 cur;
	u8 i;

	if (!c || !access_ok(d, off, size))
		return XEN_PCI_ERR_invalid_offset;
	if (size < 4)
		val &= (1u << (8 * size)) - 1;
	for (i = c->head[off >> 2]; i != PCIBK_CFG_NONE; i = f->next) {
		f = &c->f[i];
		if (!visible(c, f, off, size))
			continue;
		handled = true;
		rc = field_value(d, f, &cur);
		if (rc)
			return pcibk_cfg_map_err(rc);
		if (!f->def->write)
			continue;	/* dropped, even in permissive mode */
		cur = merge(cur, f->start, f->size, val, off, size);
		rc = f->def->write(d, f, cur);
		if (rc) {
			pcibk_cfg_deny(d, f->start, f->size);
			if (!err)
				err = rc;
		}
	}
	if (handled)
		return pcibk_cfg_map_err(err);
	if (hidden(c, off)) {
		pcibk_cfg_deny(d, off, size);
		return 0;
	}
	if (pcibk_cfg_is_permissive(d))
		return pcibk_cfg_map_err(d->ops->cfg_write(d->hdev, off, size,
							   val));
	pcibk_cfg_deny_unhandled(d, off, size);
	return 0;
}
