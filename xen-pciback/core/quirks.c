// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Quirks (PROTOCOL.md §6.6, §9 "quirks"): administrator-added raw
 * pass-through fields with a write mask, their sysfs grammar and the
 * "quirks" listing of a device's fields.
 *
 * Lifetime (the [OPEN] item of §6.6): a quirk stays until it is removed
 * or the device is unbound. Detach does not drop it, so a recipe written
 * once works for every later assignment of the device.
 */
#include "cfg_field.h"

static int rd_quirk(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	return pcibk_cfg_hw_read(d, f, v);
}

static int wr_quirk(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	u32 hw = 0;
	int rc;

	/* A full mask needs no read: the register may have read effects. */
	if (f->mask != (f->size == 4 ? 0xffffffffu : (1u << (8 * f->size)) - 1)) {
		rc = pcibk_cfg_hw_read(d, f, &hw);
		if (rc)
			return rc;
	}
	return pcibk_cfg_hw_write(d, f, (hw & ~f->mask) | (v & f->mask));
}

static bool mask_fits(unsigned int size, u32 mask)
{
	return size == 4 || !(mask >> (8 * size));
}

static bool spec_ok(unsigned int reg, unsigned int size, u32 mask)
{
	if (reg > 0xfff || (size != 1 && size != 2 && size != 4))
		return false;
	return !(reg % size) && mask_fits(size, mask);
}

/* ---------------------------------------------------------------- parse */

struct cursor {
	const char *s;
	size_t left;
};

static int peek(const struct cursor *c)
{
	return c->left && *c->s ? (unsigned char)*c->s : -1;
}

static void skip(struct cursor *c)
{
	c->s++;
	c->left--;
}

static bool is_space(int ch)
{
	return ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r' ||
	       ch == '\v' || ch == '\f';
}

static int hexval(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

/* One hex number (optional 0x, as sscanf's %x takes), at most 32 bits. */
static bool get_hex(struct cursor *c, u32 *out)
{
	u64 v = 0;
	int digits = 0, h;

	if (peek(c) == '0' && c->left > 1 && (c->s[1] == 'x' || c->s[1] == 'X') &&
	    c->left > 2 && hexval((unsigned char)c->s[2]) >= 0) {
		skip(c);
		skip(c);
	}
	while ((h = hexval(peek(c))) >= 0) {
		v = v * 16 + (unsigned int)h;
		if (v > 0xffffffffull)
			return false;
		skip(c);
		digits++;
	}
	*out = (u32)v;
	return digits > 0;
}

static bool expect(struct cursor *c, char ch)
{
	if (peek(c) != (unsigned char)ch)
		return false;
	skip(c);
	return true;
}

int pcibk_quirk_parse(const char *buf, size_t len, struct pcibk_quirk_spec *q)
{
	struct cursor c = { buf, len };
	u32 a, b, dom = 0, bus, slot, fn, reg, size, mask;

	while (is_space(peek(&c)))
		skip(&c);
	if (!get_hex(&c, &a) || !expect(&c, ':') || !get_hex(&c, &b))
		return -EINVAL;
	if (expect(&c, ':')) {
		/* DDDD:BB:SS.F */
		dom = a;
		bus = b;
		if (!get_hex(&c, &slot))
			return -EINVAL;
	} else {
		bus = a;
		slot = b;
	}
	if (!expect(&c, '.') || !get_hex(&c, &fn) || !expect(&c, '-') ||
	    !get_hex(&c, &reg) || !expect(&c, ':') || !get_hex(&c, &size) ||
	    !expect(&c, ':') || !get_hex(&c, &mask))
		return -EINVAL;
	while (is_space(peek(&c)))
		skip(&c);
	if (peek(&c) != -1)
		return -EINVAL;
	if (dom > 0xffff || bus > 0xff || slot > 0x1f || fn > 7)
		return -EINVAL;
	if (!spec_ok(reg, size, mask))
		return -EINVAL;
	q->seg = (u16)dom;
	q->bus = (u8)bus;
	q->devfn = (u8)((slot << 3) | fn);
	q->reg = (u16)reg;
	q->size = (u8)size;
	q->mask = mask;
	return 0;
}

/* ----------------------------------------------------------- add, remove */

unsigned int pcibk_cfg_quirk_count(const struct pcibk_dev *d)
{
	unsigned int i, n = 0;

	if (!d->cfg)
		return 0;
	for (i = 0; i < d->cfg->nr; i++)
		n += d->cfg->f[i].quirk;
	return n;
}

int pcibk_cfg_quirk_add(struct pcibk_dev *d, unsigned int reg,
			unsigned int size, u32 mask)
{
	static const struct pcibk_cfg_def defs[] = {
		[1] = { .size = 1, .read = rd_quirk, .write = wr_quirk },
		[2] = { .size = 2, .read = rd_quirk, .write = wr_quirk },
		[4] = { .size = 4, .read = rd_quirk, .write = wr_quirk },
	};
	struct pcibk_cfg_field *f;
	int rc;

	if (!d->cfg)
		return -ENXIO;
	if (!spec_ok(reg, size, mask) || reg + size > d->info.cfg_size)
		return -EINVAL;
	/* [STRICTER] any overlap, not only an identical offset. */
	if (pcibk_cfg_overlap(d, reg, size))
		return -EEXIST;
	if (pcibk_cfg_quirk_count(d) >= PCIBK_CFG_MAX_QUIRKS)
		return -ENOSPC;
	rc = pcibk_cfg_add(d, &defs[size], reg, &f);
	if (rc)
		return rc;
	f->quirk = true;
	f->mask = mask;
	pcibk_info("%s: quirk field at 0x%03x size %u mask 0x%08x\n", d->name,
		   reg, size, mask);
	return 0;
}

int pcibk_cfg_quirk_del(struct pcibk_dev *d, unsigned int reg,
			unsigned int size)
{
	unsigned int i;

	if (!d->cfg)
		return -ENOENT;
	for (i = 0; i < d->cfg->nr; i++) {
		struct pcibk_cfg_field *f = &d->cfg->f[i];

		if (f->quirk && f->start == reg && f->size == size) {
			pcibk_cfg_remove(d, i);
			return 0;
		}
	}
	return -ENOENT;
}

void pcibk_cfg_quirk_del_all(struct pcibk_dev *d)
{
	unsigned int i;

	if (!d->cfg)
		return;
	for (i = d->cfg->nr; i-- > 0;)
		if (d->cfg->f[i].quirk)
			pcibk_cfg_remove(d, i);
}

/* ----------------------------------------------------------------- show */

int pcibk_cfg_quirks_show(const struct pcibk_dev *d, char *buf, size_t len)
{
	const struct pcibk_cfg_field *f;
	unsigned int i;
	size_t pos;

	if (!len)
		return 0;
	buf[0] = '\0';
	pos = pcibk_cfg_advance(len, 0, pcibk_snprintf(buf, len, "%02x:%02x.%01x\n",
					      d->info.bus, d->info.devfn >> 3,
					      d->info.devfn & 7));
	pos = pcibk_cfg_advance(len, pos,
		  pcibk_snprintf(buf + pos, len - pos, "\t%04x:%04x:%04x:%04x\n",
				 d->info.vendor, d->info.device,
				 d->info.subvendor, d->info.subdevice));
	for (i = 0; d->cfg && i < d->cfg->nr; i++) {
		f = &d->cfg->f[i];
		pos = pcibk_cfg_advance(len, pos,
			  pcibk_snprintf(buf + pos, len - pos,
					 "\t\t%08x:%01x:%08x\n", f->start,
					 f->size, f->quirk ? f->mask : 0));
	}
	return (int)pos;
}
