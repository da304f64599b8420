// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The fuzz oracle: host-op wrappers that check every call the core makes
 * against the rules (PROTOCOL.md §4.2, §6), and the state invariants
 * checked after every step. Any violation abort()s.
 */
#include <inttypes.h>
#include <stdarg.h>
#include "harness.h"

#define CMD_IO		0x0001
#define CMD_MEMORY	0x0002
#define CMD_GUEST	0x02bc

struct fz *fz_cur;

void fz_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "pcibk fuzz invariant violated: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	abort();
}

struct fz_dev *fz_dev_of(void *hdev)
{
	unsigned int i;

	for (i = 0; fz_cur && i < fz_cur->ndev; i++)
		if (fz_cur->dev[i].sd == hdev)
			return &fz_cur->dev[i];
	return NULL;
}

/* ------------------------------------------------ hardware write guard */

static bool in_quirk(const struct fz_dev *fd, unsigned int b)
{
	unsigned int i;

	for (i = 0; i < FZ_MAX_QUIRKS; i++) {
		const struct fz_quirk *q = &fd->quirks[i];

		if (q->on && b >= q->reg && b < (unsigned int)q->reg + q->size)
			return true;
	}
	return false;
}

/*
 * The BAR register at dword offset dw, if it is one: its resource index
 * (6 for the ROM), and the value §6.3 lets the core write back there.
 */
static int bar_at(const struct sim_dev *sd, unsigned int dw, u32 *val,
		  u32 *low)
{
	unsigned int nbar = sd->info.hdr_type == 1 ? 2 : 6;
	unsigned int rom = sd->info.hdr_type == 1 ? 0x38 : 0x30;
	const struct pcibk_res *r;
	int i;

	if (dw == rom) {
		r = &sd->res[PCIBK_ROM_RES];
		*low = 0x7ff;
		*val = r->size && !(r->flags & PCIBK_RES_UNUSABLE) ?
		       (u32)r->start : 0;
		return PCIBK_ROM_RES;
	}
	if (dw < 0x10 || dw >= 0x10 + 4 * nbar)
		return -1;
	i = (int)(dw - 0x10) / 4;
	r = &sd->res[i];
	if (i > 0 && (sd->res[i - 1].flags & PCIBK_RES_MEM64) &&
	    sd->res[i - 1].size && !(sd->res[i - 1].flags & PCIBK_RES_UNUSABLE)) {
		*low = 0;
		*val = (u32)(sd->res[i - 1].start >> 32);
		return i;
	}
	*low = r->flags & PCIBK_RES_IO ? 0x3 : 0xf;
	*val = r->size && r->flags && !(r->flags & PCIBK_RES_UNUSABLE) ?
	       (u32)r->start : 0;
	return i;
}

static bool is_cap_byte(u8 cap, unsigned int b, unsigned int from,
			unsigned int to)
{
	return cap && b >= cap + from && b < cap + to;
}

static void guard_cap_flags(struct fz_dev *fd, unsigned int off,
			    unsigned int size, u32 val, u8 cap, u16 allowed,
			    const char *what)
{
	struct sim_dev *sd = fd->sd;
	u16 hw, nv;
	unsigned int i;

	if (!cap || off + size <= cap + 2u || off >= cap + 4u)
		return;
	if (!fz_cur->in_guest || pcibk_cfg_is_permissive(fd->d))
		return;
	FZ_ASSERT(fd->d->allow_intctl,
		  "%s: %s flags written without allow_interrupt_control",
		  fd->d->name, what);
	hw = (u16)sim_hw_read(sd, cap + 2u, 2);
	nv = hw;
	for (i = 0; i < size; i++) {
		unsigned int b = off + i;

		if (b == cap + 2u)
			nv = (u16)((nv & 0xff00) | ((val >> (8 * i)) & 0xff));
		else if (b == cap + 3u)
			nv = (u16)((nv & 0x00ff) | (((val >> (8 * i)) & 0xff) << 8));
	}
	FZ_ASSERT(!((nv ^ hw) & ~allowed),
		  "%s: %s flags %04x -> %04x outside allowed bits",
		  fd->d->name, what, hw, nv);
}

static void guard_write(struct fz_dev *fd, unsigned int off, unsigned int size,
			u32 val)
{
	struct sim_dev *sd = fd->sd;
	struct pcibk_dev *d = fd->d;
	bool guest = fz_cur->in_guest;
	unsigned int i;
	u32 bval, low;

	for (i = 0; i < size; i++) {
		unsigned int b = off + i;

		if (in_quirk(fd, b))
			return;
		FZ_ASSERT(b >= 4, "%s: vendor/device written (off %#x)",
			  sd->info.hdr_type ? "bridge" : "dev", off);
		FZ_ASSERT(b != 0x0d && b != 0x3c && b != 0x3d,
			  "write-protected header byte %#x written", b);
	}
	if (off < 6 && off + size > 4) {
		u16 hw = (u16)sim_hw_read(sd, 4, 2), nv = hw;

		FZ_ASSERT(!guest || (d && pcibk_cfg_is_permissive(d)),
			  "raw COMMAND write by a guest without permissive");
		for (i = 0; i < size; i++) {
			unsigned int b = off + i;
			u8 byte = (u8)(val >> (8 * i));

			if (b == 4)
				nv = (u16)((nv & 0xff00) | byte);
			else if (b == 5)
				nv = (u16)((nv & 0x00ff) | (byte << 8));
		}
		/*
		 * Outside a guest request, with MSI-X on in the host, the
		 * detach turns MEMORY on (only on) so that the vectors can be
		 * released through the table in the BAR.
		 */
		if (!guest && sd->msix_on && !(hw & 0x2) && (nv & 0x2))
			hw |= 0x2;
		FZ_ASSERT(!((nv ^ hw) & ~CMD_GUEST),
			  "COMMAND %04x -> %04x changes protected bits", hw, nv);
	}
	if (bar_at(sd, off & ~3u, &bval, &low) >= 0) {
		FZ_ASSERT(size == 4 && (val & ~low) == (bval & ~low),
			  "BAR at %#x relocated: wrote %#x size %u, host has %#x",
			  off & ~3u, val, size, bval);
	}
	if (!d)
		return;
	for (i = 0; i < size; i++) {
		unsigned int b = off + i;

		FZ_ASSERT(!is_cap_byte(d->msi_cap, b, 0, 2) &&
			  !is_cap_byte(d->msix_cap, b, 0, 2) &&
			  !is_cap_byte(d->pm_cap, b, 0, 4) &&
			  !is_cap_byte(d->vpd_cap, b, 0, 2) &&
			  !is_cap_byte(d->vpd_cap, b, 4, 8),
			  "%s: read-only capability byte %#x written", d->name, b);
	}
	guard_cap_flags(fd, off, size, val, d->msi_cap, 0x0001, "MSI");
	guard_cap_flags(fd, off, size, val, d->msix_cap, 0xc000, "MSI-X");
}

/* ------------------------------------------------------ op wrappers */

static const struct pcibk_host_ops *base;
static struct pcibk_host_ops wrapped, wrapped_nomsi;

static int w_cfg_write(void *hdev, unsigned int off, unsigned int size, u32 val)
{
	struct fz_dev *fd = fz_dev_of(hdev);

	FZ_ASSERT(size == 1 || size == 2 || size == 4, "cfg_write size %u", size);
	FZ_ASSERT(!(off % size), "misaligned cfg_write %#x/%u", off, size);
	if (fd)
		guard_write(fd, off, size, val);
	return base->cfg_write(hdev, off, size, val);
}

static int w_cfg_read(void *hdev, unsigned int off, unsigned int size, u32 *val)
{
	struct sim_dev *sd = hdev;

	FZ_ASSERT(size == 1 || size == 2 || size == 4, "cfg_read size %u", size);
	FZ_ASSERT(off + size <= sd->info.cfg_size || !fz_cur->in_guest,
		  "guest read past cfg_size reached hardware: %#x/%u", off, size);
	return base->cfg_read(hdev, off, size, val);
}

static int w_enable_msi(void *hdev, int *irq, int *pirq)
{
	struct sim_dev *sd = hdev;

	FZ_ASSERT(!sd->msi_on && !sd->msix_on,
		  "enable_msi asked with MSI %d MSI-X %d on", sd->msi_on,
		  sd->msix_on);
	return base->enable_msi(hdev, irq, pirq);
}

static int w_enable_msix(void *hdev, struct pcibk_msix_vec *vecs, unsigned int nr)
{
	struct sim_dev *sd = hdev;
	struct sim_dev *pf = sd->pf ? sd->pf : sd;

	FZ_ASSERT(!sd->msi_on && !sd->msix_on,
		  "enable_msix asked with MSI %d MSI-X %d on", sd->msi_on,
		  sd->msix_on);
	FZ_ASSERT(sim_hw_read(pf, 4, 2) & CMD_MEMORY,
		  "enable_msix with memory decoding off on the PF");
	FZ_ASSERT(nr >= 1 && nr <= SH_INFO_MAX_VEC, "enable_msix nr %u", nr);
	return base->enable_msix(hdev, vecs, nr);
}

static int w_intx_helper(void *hdev, bool install)
{
	struct sim_dev *sd = hdev;

	FZ_ASSERT(!install || (!sd->msi_on && !sd->msix_on),
		  "INTx helper installed with MSI/MSI-X on");
	return base->intx_helper(hdev, install);
}

const struct pcibk_host_ops *fz_ops(bool nomsi)
{
	if (!base) {
		base = &sim_ops;
		wrapped = sim_ops;
		wrapped.cfg_write = w_cfg_write;
		wrapped.cfg_read = w_cfg_read;
		wrapped.enable_msi = w_enable_msi;
		wrapped.enable_msix = w_enable_msix;
		wrapped.intx_helper = w_intx_helper;
		wrapped_nomsi = sim_ops_nomsi;
		wrapped_nomsi.cfg_write = w_cfg_write;
		wrapped_nomsi.cfg_read = w_cfg_read;
		wrapped_nomsi.intx_helper = w_intx_helper;
	}
	return nomsi ? &wrapped_nomsi : &wrapped;
}

/* ------------------------------------------------------ invariants */

static void check_ring(struct fz *f)
{
	struct pcibk_ring *r = f->ring;
	unsigned long owed = pcibk_test_bit(PCIBK_RING_EOI_OWED, &r->flags);

	FZ_ASSERT(r->stats.eoi + r->stats.spurious == f->rf.eois,
		  "ring eoi count %llu + %llu spurious vs %lu",
		  (unsigned long long)r->stats.eoi,
		  (unsigned long long)r->stats.spurious, f->rf.eois);
	FZ_ASSERT(r->stats.events - r->stats.double_events == f->rf.eois + owed,
		  "events %llu double %llu eois %lu owed %lu",
		  (unsigned long long)r->stats.events,
		  (unsigned long long)r->stats.double_events, f->rf.eois, owed);
	if (f->rf.kick_pending)
		return;
	FZ_ASSERT(!owed, "EOI owed with no work pending: stuck channel");
	FZ_ASSERT(!pcibk_test_bit(PCIBK_RING_INFLIGHT, &r->flags),
		  "in-flight flag left set with no worker");
	FZ_ASSERT(!f->rf.notified_post ||
		  !(f->pg->page[0] & (1u << _XEN_PCIF_active)),
		  "request posted with an event, never answered");
}

/*
 * The INTx helper (§12.1): the core's record of what the host holds is
 * the host's; isr_on says the same unless the administrator toggled it
 * (irq_handler_state, §9) since the host last installed or removed it.
 */
static void check_intx(struct fz_dev *fd)
{
	struct sim_dev *sd = fd->sd;
	struct pcibk_dev *d = fd->d;
	u8 mode = (u8)(d->msi_enabled | d->msix_enabled << 1);

	FZ_ASSERT(d->intx_installed == sd->helper_on, "%s: helper %d vs host %d",
		  d->name, d->intx_installed, sd->helper_on);
	if (sd->helper_on != fd->helper_seen)
		fd->toggled = false;	/* installed or removed: in step again */
	fd->helper_seen = sd->helper_on;
	if (!fd->toggled)
		FZ_ASSERT(d->isr_on == sd->helper_on, "%s: helper %d vs %d",
			  d->name, d->isr_on, sd->helper_on);
	FZ_ASSERT(!sd->helper_on || d->info.irq, "%s: helper without an irq",
		  d->name);
	/* ack follows MSI/MSI-X: off while either is on, but for an admin's on. */
	if (mode != fd->irq_mode_seen)
		fd->admin_ack = false;
	fd->irq_mode_seen = mode;
	FZ_ASSERT(!mode || !d->ack || fd->admin_ack,
		  "%s: INTx helper acking with MSI %d MSI-X %d on", d->name,
		  d->msi_enabled, d->msix_enabled);
}

/* Counters never go down; each request counted once, req and err alike. */
static void check_counters(struct fz_dev *fd)
{
	const struct pcibk_dev *d = fd->d;
	u64 req = 0, err = 0;
	unsigned int i;

	for (i = 0; i < PCIBK_STAT_CMDS; i++) {
		FZ_ASSERT(d->stats.req[i] >= fd->stats_seen.req[i],
			  "%s: req counter %u went down", d->name, i);
		req += d->stats.req[i];
	}
	for (i = 0; i < PCIBK_STAT_ERRS; i++) {
		FZ_ASSERT(d->stats.err[i] >= fd->stats_seen.err[i],
			  "%s: err counter %u went down", d->name, i);
		err += d->stats.err[i];
	}
	FZ_ASSERT(req == err, "%s: %" PRIu64 " requests, %" PRIu64 " answers counted",
		  d->name, req, err);
	FZ_ASSERT(d->intx_handled >= fd->handled_seen,
		  "%s: INTx handled count went down", d->name);
	fd->stats_seen = d->stats;
	fd->handled_seen = d->intx_handled;
}

#define RING_UP(s, n)	FZ_ASSERT(s.n >= f->ring_seen.n, \
				  "ring counter " #n " went down")

/* The ring's counters never go down; every op served is counted once. */
static void check_totals(struct fz *f)
{
	const struct pcibk_ring_stats s = f->ring->stats;
	u64 counted = f->g->stats.not_found;
	unsigned int i, c;

	RING_UP(s, events);
	RING_UP(s, spurious);
	RING_UP(s, ops);
	RING_UP(s, eoi);
	RING_UP(s, double_events);
	RING_UP(s, requeues);
	RING_UP(s, fast);
	f->ring_seen = s;
	FZ_ASSERT(f->g->stats.not_found >= f->not_found_seen,
		  "not_found counter went down");
	f->not_found_seen = f->g->stats.not_found;
	for (i = 0; i < f->ndev; i++)
		for (c = 0; f->dev[i].d && c < PCIBK_STAT_CMDS; c++)
			counted += f->dev[i].d->stats.req[c];
	FZ_ASSERT(counted == f->ops_direct + f->ops_old_rings + s.ops,
		  "%" PRIu64 " requests counted, %" PRIu64 " served", counted,
		  f->ops_direct + f->ops_old_rings + s.ops);
}

void fz_check(struct fz *f)
{
	long irqs = 0;
	unsigned int i;

	FZ_ASSERT(!f->h->double_teardowns,
		  "an MSI-X enable ran out of pirqs after its first vector");
	FZ_ASSERT(!f->pg->double_reads, "request byte read twice");
	FZ_ASSERT(!f->pg->bad_writes, "write outside err/value/vectors");
	for (i = 0; i < f->ndev; i++) {
		struct fz_dev *fd = &f->dev[i];
		struct sim_dev *sd = fd->sd;
		struct pcibk_dev *d = fd->d;

		FZ_ASSERT(!(sd->msi_on && sd->msix_on), "MSI and MSI-X both on");
		/*
		 * Only where the core found the capabilities the sim built:
		 * config overrides can rewrite the chain after the sim placed
		 * them, which no real function does.
		 */
		if (!fd->ever_permissive && !f->global_ever_permissive &&
		    sd->msi_cap && sd->msix_cap && d &&
		    d->msi_cap == sd->msi_cap && d->msix_cap == sd->msix_cap)
			FZ_ASSERT(!((sd->cfg[sd->msi_cap + 2] & 1) &&
				    (sd->cfg[sd->msix_cap + 3] & 0x80)),
				  "MSI and MSI-X enable bits both set in hardware");
		if (!d) {
			FZ_ASSERT(!sd->msi_on && !sd->msix_on && !sd->helper_on &&
				  sd->owner == -1, "unseized device touched");
			continue;
		}
		FZ_ASSERT(d->msi_enabled == sd->msi_on, "%s: MSI state %d vs hw %d",
			  d->name, d->msi_enabled, sd->msi_on);
		FZ_ASSERT(d->msix_enabled == sd->msix_on,
			  "%s: MSI-X state %d vs hw %d", d->name, d->msix_enabled,
			  sd->msix_on);
		FZ_ASSERT(!d->msix_enabled || d->msix_nr == sd->msix_nr,
			  "%s: MSI-X nr %u vs %u", d->name, d->msix_nr, sd->msix_nr);
		check_intx(fd);
		check_counters(fd);
		irqs += (d->msi_enabled ? 1 : 0) + (d->msix_enabled ? d->msix_nr : 0);
		if (d->guest) {
			FZ_ASSERT(d->guest == f->g, "foreign guest");
			FZ_ASSERT(sd->owner == f->g->domid, "%s: owner %d",
				  d->name, sd->owner);
		} else {
			FZ_ASSERT(sd->owner == -1, "%s: owner %d after release",
				  d->name, sd->owner);
			FZ_ASSERT(!sd->msi_on && !sd->msix_on && !sd->helper_on,
				  "%s: interrupts left on after release", d->name);
		}
	}
	FZ_ASSERT(f->h->irqs_out == irqs && f->h->pirqs_out == irqs,
		  "outstanding irqs %ld pirqs %ld, state says %ld",
		  f->h->irqs_out, f->h->pirqs_out, irqs);
	FZ_ASSERT(f->log_guest <= f->log_budget,
		  "guest input caused %lu unlimited log lines (budget %lu): %s",
		  f->log_guest, f->log_budget, sim_log_last);
	check_totals(f);
	if (f->ss.bound)
		check_ring(f);
	if (f->sess.on)
		fz_session_check(f);
}

void fz_check_idle(struct fz *f)
{
	unsigned int i;

	fz_check(f);
	FZ_ASSERT(!f->g->topo.count && !f->g->topo.list, "topology not empty");
	FZ_ASSERT(!f->h->irqs_out && !f->h->pirqs_out,
		  "irqs %ld pirqs %ld outstanding after teardown",
		  f->h->irqs_out, f->h->pirqs_out);
	for (i = 0; i < f->ndev; i++) {
		struct sim_dev *sd = f->dev[i].sd;

		FZ_ASSERT(!sd->helper_on && sd->owner == -1 && !sd->msi_on &&
			  !sd->msix_on, "device %u not clean after teardown", i);
		FZ_ASSERT(!f->dev[i].d || !f->dev[i].d->guest,
			  "device %u still assigned", i);
	}
}
