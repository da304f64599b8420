// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The shared-INTx helper (PROTOCOL.md §12.1) from the host's side: the
 * device's line fires while the helper is installed (the host calls the
 * handler only then), and the administrator writes irq_handler_state
 * (§9) with any string, parsed as the module parses it.
 */
#include <ctype.h>
#include <pcibk/bdf.h>
#include "harness.h"

/*
 * One interrupt on the line: claimed exactly when the helper is on and
 * acking; a claim counts; every PCIBK_INTX_CHECK_EVERY-th claim asks the
 * host whether the line is shared, and only a "not shared" stops acking.
 */
static void fire_one(struct fz_dev *fd)
{
	struct pcibk_dev *d = fd->d;
	struct sim_dev *sd = fd->sd;
	bool on = d->isr_on && d->ack, ack = d->ack, isr = d->isr_on, claimed;
	unsigned long handled = d->intx_handled, queries = sd->exclusive_queries;
	bool check;

	claimed = pcibk_dev_intx_irq(d);
	FZ_ASSERT(claimed == on, "%s: interrupt %sclaimed with isr_on %d ack %d",
		  d->name, claimed ? "" : "not ", isr, ack);
	FZ_ASSERT(d->intx_handled == handled + claimed,
		  "%s: handled %lu -> %lu, claimed %d", d->name, handled,
		  d->intx_handled, claimed);
	FZ_ASSERT(d->isr_on == isr, "%s: the handler changed isr_on", d->name);
	FZ_ASSERT(!claimed || !(d->msi_enabled || d->msix_enabled) ||
		  fd->admin_ack,
		  "%s: INTx claimed with MSI %d MSI-X %d on", d->name,
		  d->msi_enabled, d->msix_enabled);
	check = claimed && !(d->intx_handled % PCIBK_INTX_CHECK_EVERY);
	FZ_ASSERT(sd->exclusive_queries == queries + check,
		  "%s: line-shared query at claim %lu", d->name, d->intx_handled);
	FZ_ASSERT(d->ack == (check ? ack && sd->line_shared : ack),
		  "%s: ack %d -> %d at claim %lu, line shared %d", d->name, ack,
		  d->ack, d->intx_handled, sd->line_shared);
}

/*
 * Step 20: device; how (bit 7: another domain shares the line; bit 6:
 * fire up to the next line-shared check; bits 0-5: that many more).
 */
void fz_intx_fire(struct fz *f)
{
	struct fz_dev *fd = fz_pick(f);
	u8 how = fz_u8(&f->in);
	unsigned long n = 1 + (how & 0x3f);

	fd->sd->line_shared = how & 0x80;
	/* The host calls the handler only while it holds the helper's irq. */
	if (!fd->d || !fd->sd->helper_on)
		return;
	if (how & 0x40)
		n += PCIBK_INTX_CHECK_EVERY - 1 -
		     fd->d->intx_handled % PCIBK_INTX_CHECK_EVERY;
	/* The guest's device raises it: count its log lines as the guest's. */
	fz_guest_begin(f);
	while (n--)
		fire_one(fd);
	fz_guest_end(f);
}

/* ------------------------------------------------- irq_handler_state */

/* The device an exact address names, as the module's lookup finds it. */
static struct fz_dev *seized(struct fz *f, const struct pcibk_bdf *b)
{
	unsigned int i;

	if (b->slot == PCIBK_BDF_ANY || b->func == PCIBK_BDF_ANY)
		return NULL;	/* -ENOENT for wildcards */
	for (i = 0; i < f->ndev; i++) {
		const struct pcibk_dev_info *in = &f->dev[i].sd->info;

		if (in->seg == b->seg && in->bus == b->bus &&
		    in->devfn == (b->slot << 3 | b->func))
			return &f->dev[i];
	}
	return NULL;
}

/*
 * The string written: built from a device's name in one of several
 * spellings (some must parse and name it), or taken from the input.
 * Returns true if the spelling must be accepted for that device.
 */
static bool spell(struct fz *f, const struct fz_dev *fd, u8 how, char *s,
		  size_t cap, size_t *len)
{
	const struct pcibk_dev_info *in = &fd->sd->info;
	unsigned int i, n, at;
	bool must = true;

	switch (how % 8) {
	case 0:		/* the name, as irq_handlers prints it */
		n = (unsigned int)snprintf(s, cap, "%04x:%02x:%02x.%u", in->seg,
					   in->bus, in->devfn >> 3, in->devfn & 7);
		break;
	case 1:		/* echo adds a newline */
		n = (unsigned int)snprintf(s, cap, "%04x:%02x:%02x.%u\n", in->seg,
					   in->bus, in->devfn >> 3, in->devfn & 7);
		break;
	case 2:		/* no domain: domain 0 */
		n = (unsigned int)snprintf(s, cap, "%x:%x.%x", in->bus,
					   in->devfn >> 3, in->devfn & 7);
		must = in->seg == 0;
		break;
	case 3:		/* white space around it, upper case */
		n = (unsigned int)snprintf(s, cap, " \t%04X:%02X:%02X.%u \n",
					   in->seg, in->bus, in->devfn >> 3,
					   in->devfn & 7);
		break;
	case 4:		/* a wildcard: parses, names no one device */
		n = (unsigned int)snprintf(s, cap, "%04x:%02x:%02x.*", in->seg,
					   in->bus, in->devfn >> 3);
		must = false;
		break;
	case 5:		/* the name with one byte changed */
		n = (unsigned int)snprintf(s, cap, "%04x:%02x:%02x.%u\n", in->seg,
					   in->bus, in->devfn >> 3, in->devfn & 7);
		at = fz_u8(&f->in) % n;
		s[at] = (char)fz_u8(&f->in);
		must = false;
		break;
	default:	/* anything, of any length up to the buffer */
		n = fz_u8(&f->in) % (unsigned int)cap;
		for (i = 0; i < n; i++)
			s[i] = (char)fz_u8(&f->in);
		must = false;
		break;
	}
	/* Bit 3: one byte shorter (the newline, or a needed digit, gone). */
	*len = how & 8 && n ? n - 1 : n;
	if (how & 8)
		must = must && (how % 8 == 1 || how % 8 == 3);
	return must;
}

/* Step 21: device, spelling (see spell()), its bytes. */
void fz_intx_toggle(struct fz *f)
{
	struct fz_dev *fd = fz_pick(f), *hit;
	u8 how = fz_u8(&f->in);
	struct pcibk_bdf b;
	char text[80], *s;
	size_t len;
	bool must, isr, ack, helper;
	int rc;

	must = spell(f, fd, how, text, sizeof(text), &len);
	/* A heap copy of exactly len bytes, unterminated: ASan sees any
	 * read past what the write gave. */
	s = malloc(len ? len : 1);
	if (!s)
		abort();
	memcpy(s, text, len);
	rc = pcibk_bdf_parse(s, len, &b);
	free(s);
	FZ_ASSERT(!rc || rc == -EINVAL, "irq_handler_state: parse returned %d", rc);
	FZ_ASSERT(rc || pcibk_bdf_valid(&b), "irq_handler_state: accepted out of range");
	hit = rc ? NULL : seized(f, &b);
	FZ_ASSERT(!must || hit == fd, "irq_handler_state: spelling %u of %04x:%02x:%02x.%u refused",
		  how, fd->sd->info.seg, fd->sd->info.bus,
		  fd->sd->info.devfn >> 3, fd->sd->info.devfn & 7);
	if (!hit || !hit->d)
		return;	/* -ENOENT: not seized, or no per-device state */
	isr = hit->d->isr_on;
	ack = hit->d->ack;
	helper = hit->sd->helper_on;
	pcibk_dev_intx_toggle(hit->d);
	/* §9: toggles isr_on; on sets ack; the irq is not requested or freed. */
	FZ_ASSERT(hit->d->isr_on == !isr && hit->d->ack == (isr ? ack : true),
		  "%s: toggle: isr_on %d ack %d -> %d %d", hit->d->name, isr,
		  ack, hit->d->isr_on, hit->d->ack);
	FZ_ASSERT(hit->sd->helper_on == helper, "%s: toggle moved the helper",
		  hit->d->name);
	hit->toggled = true;
	if (hit->d->isr_on && (hit->d->msi_enabled || hit->d->msix_enabled))
		hit->admin_ack = true;
}
