// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The fuzz engine: decode one input into a simulated host and a sequence
 * of steps, run them against the core, check the invariants after each.
 * The byte format is described in docs/fuzzing.md.
 */
#include "harness.h"

#define DOMID		7

/* FZ_TRACE=1 in the environment: print every step (to debug an input). */
static bool trace;

/* ------------------------------------------------------------- input */

u8 fz_u8(struct fz_in *in)
{
	return in->pos < in->len ? in->p[in->pos++] : 0;
}

u16 fz_u16(struct fz_in *in)
{
	u16 lo = fz_u8(in);

	return (u16)(lo | (fz_u8(in) << 8));
}

u32 fz_u32(struct fz_in *in)
{
	u32 lo = fz_u16(in);

	return lo | ((u32)fz_u16(in) << 16);
}

bool fz_more(const struct fz_in *in)
{
	return in->pos < in->len;
}

/* Errors a host op can return: errnos and PCIBIOS codes. */
static const int fault_errs[] = {
	-EIO, -ENOMEM, -EINVAL, -ENODEV, -ENOSPC, -EBUSY, -ENXIO, -ERANGE,
	0x86, 0x87, 0x88, 0x81, 0x89, -1, 1, -EFAULT,
};

/* --------------------------------------------------------- the steps */

/* Guest steps: count the unlimited log lines they cause. */
static unsigned long log_mark;

static void guest_begin(struct fz *f)
{
	log_mark = sim_log_unlimited;
	f->in_guest = true;
}

static void guest_end(struct fz *f)
{
	f->in_guest = false;
	f->log_guest += sim_log_unlimited - log_mark;
}

/* A request as the guest writes it, before any hostile rewriting. */
struct fz_req {
	u32 cmd, domain, bus, devfn;
	s32 offset, size;
	u32 value, info;
	u16 entry[SH_INFO_MAX_VEC];
};

static void target(struct fz *f, struct fz_req *r)
{
	u8 sel = fz_u8(&f->in);
	struct fz_dev *fd;

	if (sel >= 0xf0 || !f->ndev) {
		/* Anything at all, including out-of-range values (S2). */
		r->domain = sel & 1 ? fz_u32(&f->in) : fz_u16(&f->in);
		r->bus = sel & 2 ? fz_u32(&f->in) : fz_u8(&f->in);
		r->devfn = sel & 4 ? fz_u32(&f->in) : fz_u8(&f->in);
		return;
	}
	fd = &f->dev[sel % f->ndev];
	if (fd->d && fd->d->guest) {
		r->domain = fd->d->vaddr.domain;
		r->bus = fd->d->vaddr.bus;
		r->devfn = fd->d->vaddr.devfn;
	} else {
		r->domain = fd->sd->info.seg;
		r->bus = fd->sd->info.bus;
		r->devfn = fd->sd->info.devfn;
	}
	/* A neighbouring function of an assigned one. */
	if (sel & 0x80)
		r->devfn ^= 1u << (sel & 7);
}

static void write_req(struct fz *f, const struct fz_req *r)
{
	unsigned int i;

	sim_page_req(f->pg, r->cmd, r->domain, r->bus, r->devfn, r->offset,
		     r->size, r->value, r->info);
	for (i = 0; i < SH_INFO_MAX_VEC; i++)
		sim_page_set_entry(f->pg, i, r->entry[i], 0xffff);
}

static u32 get32(const u8 *p, unsigned int off)
{
	u32 v;

	memcpy(&v, p + off, 4);
	return v;
}

/* §16 items 3, 4 and the answers §4.1 fixes for a request. */
static void check_reply(struct fz *f, const struct fz_req *r, const u8 *before)
{
	const u8 *pg = f->pg->page;
	s32 err = (s32)get32(pg, PCIBK_SH_ERR);
	u32 value = get32(pg, PCIBK_SH_VALUE);
	struct pcibk_dev *d;
	unsigned int i, nr = 0;

	if (r->cmd == XEN_PCI_OP_enable_msix && !err)
		nr = r->value;
	for (i = nr; i < SH_INFO_MAX_VEC; i++)
		FZ_ASSERT(!f->pg->writes[PCIBK_SH_VECTOR(i)],
			  "vector %u written, nr %u err %d", i, nr, err);
	if (before) {
		/* Everything but err, value and vectors[0, nr) is as it was. */
		FZ_ASSERT(!memcmp(pg + PCIBK_SH_CMD, before + PCIBK_SH_CMD, 4) &&
			  !memcmp(pg + PCIBK_SH_DOMAIN, before + PCIBK_SH_DOMAIN,
				  PCIBK_SH_VALUE - PCIBK_SH_DOMAIN) &&
			  !memcmp(pg + PCIBK_SH_INFO, before + PCIBK_SH_INFO, 4) &&
			  !memcmp(pg + PCIBK_SH_AER, before + PCIBK_SH_AER,
				  4096 - PCIBK_SH_AER),
			  "page changed outside err/value/vectors");
		for (i = 0; i < SH_INFO_MAX_VEC; i++)
			FZ_ASSERT(!memcmp(pg + PCIBK_SH_ENTRY(i),
					  before + PCIBK_SH_ENTRY(i), 2) &&
				  (i < nr || !memcmp(pg + PCIBK_SH_VECTOR(i),
						     before + PCIBK_SH_VECTOR(i), 2)),
				  "msix entry %u changed by the backend", i);
	}
	for (i = 0; i < nr; i++) {
		u16 v;

		memcpy(&v, pg + PCIBK_SH_VECTOR(i), 2);
		FZ_ASSERT(v != 0, "enable_msix: vector %u is 0", i);
	}
	if (r->domain > 0xffff || r->bus > 0xff || r->devfn > 0xff) {
		FZ_ASSERT(err == XEN_PCI_ERR_dev_not_found,
			  "out-of-range address answered %d", err);
		return;
	}
	d = pcibk_topo_find(&f->g.topo, r->domain, r->bus, r->devfn);
	if (!d) {
		FZ_ASSERT(err == XEN_PCI_ERR_dev_not_found,
			  "unknown device answered %d", err);
		return;
	}
	if (f->nomsi && r->cmd >= XEN_PCI_OP_enable_msi &&
	    r->cmd <= XEN_PCI_OP_disable_msix) {
		FZ_ASSERT(err == XEN_PCI_ERR_not_implemented,
			  "MSI command %u without MSI answered %d", r->cmd, err);
		return;
	}
	switch (r->cmd) {
	case XEN_PCI_OP_conf_read:
		FZ_ASSERT(!err || !value, "failed read returned value %#x", value);
		if (r->size == 1 || r->size == 2)
			FZ_ASSERT(!(value >> (8 * r->size)),
				  "read of %d bytes returned %#x", r->size, value);
		if ((r->size != 1 && r->size != 2 && r->size != 4) ||
		    r->offset < 0 || r->offset % r->size ||
		    (u32)r->offset + (u32)r->size > d->info.cfg_size)
			FZ_ASSERT(err == XEN_PCI_ERR_invalid_offset,
				  "bad access %d/%d answered %d", r->offset,
				  r->size, err);
		break;
	case XEN_PCI_OP_enable_msi:
		FZ_ASSERT(err ? (err == XEN_PCI_ERR_op_failed && !value) : value != 0,
			  "enable_msi answered %d value %u", err, value);
		break;
	case XEN_PCI_OP_enable_msix:
		FZ_ASSERT(err || !value, "enable_msix success with value %u", value);
		if (r->value == 0 || r->value > SH_INFO_MAX_VEC)
			FZ_ASSERT(err == -EINVAL && value == r->value,
				  "enable_msix(%u) answered %d", r->value, err);
		break;
	case XEN_PCI_OP_disable_msi:
	case XEN_PCI_OP_disable_msix:
		FZ_ASSERT(!err, "disable answered %d", err);
		break;
	case XEN_PCI_OP_conf_write:
		break;
	default:
		FZ_ASSERT(err == XEN_PCI_ERR_not_implemented && value == r->value,
			  "command %u answered %d value %#x", r->cmd, err, value);
	}
}

static void direct_op(struct fz *f, const struct fz_req *r, bool hostile)
{
	static u8 before[4096];

	write_req(f, r);
	memcpy(before, f->pg->page, sizeof(before));
	f->pg->seed = r->value ^ r->offset;
	sim_page_arm(f->pg, hostile);
	guest_begin(f);
	pcibk_op_handle(&f->g, f->pg->page);
	guest_end(f);
	sim_page_disarm(f->pg);
	if (trace)
		fprintf(stderr, "  op cmd %u %x:%x:%x off %d size %d value %#x -> err %d value %#x\n",
			r->cmd, r->domain, r->bus, r->devfn, r->offset, r->size,
			r->value, (s32)get32(f->pg->page, PCIBK_SH_ERR),
			get32(f->pg->page, PCIBK_SH_VALUE));
	check_reply(f, r, hostile ? NULL : before);
}

/* ------------------------------------------------------------- the ring */

static void rf_notify(void *ctx)
{
	struct fz *f = ctx;
	struct fz_req r;

	f->rf.notifies++;
	if (!f->rf.repost || !f->rf.in_work)
		return;
	/* The guest posts its next request the moment it sees the answer. */
	f->rf.repost--;
	f->rf.reposted = true;
	memset(&r, 0, sizeof(r));
	r.cmd = f->next_req[0] % 12;
	r.domain = f->next_req[1];
	r.bus = f->next_req[2];
	r.devfn = f->next_req[3];
	r.offset = (s32)f->next_req[4];
	r.size = (s32)f->next_req[5];
	r.value = f->next_req[6];
	write_req(f, &r);
	/* A new request: the tripwire starts over. */
	sim_page_arm(f->pg, f->hostile);
	pcibk_sh_set_flag(f->pg->page, _XEN_PCIF_active);
}

static void rf_eoi(void *ctx, bool spurious)
{
	struct fz *f = ctx;

	f->rf.eois++;
	if (spurious)
		f->rf.spurious_eois++;
}

static void rf_kick(void *ctx)
{
	struct fz *f = ctx;

	f->rf.kicks++;
	f->rf.kick_pending = true;
}

static void rf_aer_wake(void *ctx)
{
	struct fz *f = ctx;

	f->rf.aer_wakes++;
}

static const struct pcibk_ring_ops fake_ring_ops = {
	.notify = rf_notify,
	.eoi = rf_eoi,
	.kick = rf_kick,
	.aer_wake = rf_aer_wake,
};

static void ring_event(struct fz *f)
{
	if (f->pg->page[0] & (1u << _XEN_PCIF_active))
		f->rf.notified_post = true;
	guest_begin(f);
	pcibk_ring_event(&f->ring);
	guest_end(f);
}

static void ring_work(struct fz *f)
{
	if (!f->rf.kick_pending)
		return;
	f->rf.kick_pending = false;
	sim_page_arm(f->pg, f->hostile);
	guest_begin(f);
	f->rf.in_work = true;
	pcibk_ring_work(&f->ring);
	f->rf.in_work = false;
	guest_end(f);
	sim_page_disarm(f->pg);
	if (!(f->pg->page[0] & (1u << _XEN_PCIF_active)))
		f->rf.notified_post = false;
}

static void ring_post(struct fz *f, const struct fz_req *r)
{
	write_req(f, r);
	pcibk_sh_set_flag(f->pg->page, _XEN_PCIF_active);
}

/* Post, notify, let the worker run until it stops requeueing. */
static void ring_op(struct fz *f, const struct fz_req *r)
{
	unsigned int i;

	f->rf.reposted = false;
	ring_post(f, r);
	ring_event(f);
	for (i = 0; i < 8 && f->rf.kick_pending; i++)
		ring_work(f);
	if (!f->rf.reposted && !(f->pg->page[0] & (1u << _XEN_PCIF_active)))
		check_reply(f, r, NULL);
}

/* --------------------------------------------------------- admin steps */

static void export(struct fz *f, struct fz_dev *fd)
{
	if (!fd->d)
		return;
	if (!pcibk_guest_export(&f->g, fd->d))
		f->log_budget += 3;	/* the once-per-device warning again */
}

static void release(struct fz *f, struct fz_dev *fd)
{
	if (fd->d)
		pcibk_guest_release(&f->g, fd->d);
}

static void teardown(struct fz *f)
{
	pcibk_guest_teardown(&f->g);
	fz_check_idle(f);
}

static void quirk(struct fz *f, struct fz_dev *fd, u8 how)
{
	u16 reg = fz_u16(&f->in) & 0xfff;
	u8 size = (u8)(1u << (fz_u8(&f->in) % 3));
	u32 mask = fz_u32(&f->in);
	unsigned int i;

	if (!fd->d)
		return;
	if (how & 1) {
		if (size < 4)
			mask &= (1u << (8 * size)) - 1;
		if (pcibk_cfg_quirk_add(fd->d, reg, size, mask))
			return;
		for (i = 0; i < FZ_MAX_QUIRKS; i++)
			if (!fd->quirks[i].on)
				break;
		if (i == FZ_MAX_QUIRKS) {
			pcibk_cfg_quirk_del(fd->d, reg, size);
			return;
		}
		fd->quirks[i].on = true;
		fd->quirks[i].reg = reg;
		fd->quirks[i].size = size;
		return;
	}
	for (i = 0; i < FZ_MAX_QUIRKS; i++) {
		struct fz_quirk *q = &fd->quirks[i];

		if (q->on && (how & 2 || (q->reg == reg && q->size == size))) {
			FZ_ASSERT(!pcibk_cfg_quirk_del(fd->d, q->reg, q->size),
				  "quirk %#x/%u lost", q->reg, q->size);
			q->on = false;
		}
	}
}

static void show(struct fz *f, struct fz_dev *fd)
{
	static char buf[4096];
	struct pcibk_root roots[PCIBK_MAX_ROOTS];
	struct pcibk_cfg_denied den[PCIBK_CFG_DENIED_SLOTS];
	size_t len = 1 + fz_u8(&f->in) * 16u;
	int n;

	if (len > sizeof(buf))
		len = sizeof(buf);
	pcibk_topo_roots(&f->g.topo, roots, 1 + fz_u8(&f->in) % PCIBK_MAX_ROOTS);
	if (!fd->d)
		return;
	n = pcibk_cfg_quirks_show(fd->d, buf, len);
	FZ_ASSERT(n >= 0 && (size_t)n < len && strlen(buf) == (size_t)n,
		  "quirks_show returned %d for %zu", n, len);
	n = pcibk_cfg_denied_show(fd->d, buf, len);
	FZ_ASSERT(n >= 0 && (size_t)n < len && strlen(buf) == (size_t)n,
		  "denied_show returned %d for %zu", n, len);
	n = pcibk_dev_stats_show(fd->d, buf, len);
	FZ_ASSERT(n >= 0 && (size_t)n < len && strlen(buf) == (size_t)n,
		  "stats_show returned %d for %zu", n, len);
	pcibk_dev_mode(fd->d);
	pcibk_cfg_denied(fd->d, den, ARRAY_SIZE(den));
	if (fd->d->guest)
		pcibk_vaddr_format(&fd->d->vaddr, buf, 1 + fz_u8(&f->in) % 32);
}

static void admin(struct fz *f)
{
	u8 what = fz_u8(&f->in);
	struct fz_dev *fd = &f->dev[fz_u8(&f->in) % f->ndev];

	switch (what % 8) {
	case 0:
		if (fd->d && !pcibk_cfg_set_permissive(fd->d))
			fd->ever_permissive = true;
		break;
	case 1:
		pcibk_permissive = !pcibk_permissive;
		f->global_ever_permissive |= pcibk_permissive;
		break;
	case 2:
		if (fd->d)
			fd->d->allow_intctl = !fd->d->allow_intctl;
		break;
	case 3:
		if (fd->d)
			pcibk_cfg_set_strict(fd->d, what & 8);
		break;
	case 4:
	case 5:
		quirk(f, fd, what >> 3);
		break;
	case 6:
		show(f, fd);
		break;
	default:
		if (fd->d)
			pcibk_cfg_denied_clear(fd->d);
		break;
	}
}

static void fault(struct fz *f)
{
	u8 op = fz_u8(&f->in), nth = fz_u8(&f->in);

	sim_fail(f->h, (enum sim_op)(op % SIM_NR_OPS), 1 + nth % 16,
		 fault_errs[(nth >> 4) % ARRAY_SIZE(fault_errs)]);
	f->h->fail_repeat = op & 0x80;
}

/* ---------------------------------------------------------------- AER */

/* How the guest answers the AER request being waited for. */
static u8 aer_how;
static u32 aer_answer;
static bool aer_gone;

static enum pcibk_aer_wait aer_wait(void *ctx, unsigned int timeout_ms)
{
	struct fz *f = ctx;

	FZ_ASSERT(timeout_ms == PCIBK_AER_TIMEOUT_MS, "AER timeout %u", timeout_ms);
	FZ_ASSERT(f->pg->page[0] & (1u << _XEN_PCIB_active),
		  "AER wait without the request posted");
	if ((aer_how & 9) == 9) {
		/* The frontend went away meanwhile: the page is not the core's. */
		aer_gone = true;
		return PCIBK_AER_GONE;
	}
	if (aer_how & 1)
		return PCIBK_AER_TIMEOUT;	/* the guest never answers */
	/* The guest answers (anything), clears the bit and notifies. */
	pcibk_sh_write32(f->pg->page, PCIBK_SH_AER_ERR, aer_answer);
	pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
	if (aer_how & 2)
		ring_event(f);
	return PCIBK_AER_ANSWERED;
}

static unsigned long aer_fails;

static void aer_fail_guest(void *ctx)
{
	(void)ctx;
	aer_fails++;
}

static const struct pcibk_aer_ops fake_aer_ops = {
	.wait = aer_wait,
	.fail_guest = aer_fail_guest,
};

/* The host PCI core reports an error of a device: forward one stage. */
static void aer(struct fz *f, u8 what)
{
	struct fz_dev *fd = &f->dev[fz_u8(&f->in) % f->ndev];
	u32 cmd = XEN_PCI_OP_aer_detected + fz_u8(&f->in) % 4;
	u32 state = what & 8 ? fz_u32(&f->in) : 1u + what % 3u;
	unsigned long fails;
	int res;

	aer_how = fz_u8(&f->in);
	aer_answer = aer_how & 4 ? fz_u32(&f->in) : 1u + aer_how % 7u;
	if (!fd->d)
		return;
	if (what & 16)
		pcibk_sh_set_flag(f->pg->page, _XEN_PCIB_AERHANDLER);
	else
		pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_AERHANDLER);
	aer_gone = false;
	fails = aer_fails;
	res = pcibk_aer_forward(what & 32 ? NULL : &f->ring, fd->d, cmd, state,
				&fake_aer_ops, f);
	if (aer_gone) {
		/* Nobody left to fail; the harness takes the page back. */
		FZ_ASSERT(aer_fails == fails, "AER: guest failed after it went away");
		pcibk_sh_clear_flag(f->pg->page, _XEN_PCIB_active);
	}
	FZ_ASSERT(res >= PCIBK_ERS_NONE && res <= PCIBK_ERS_NO_AER_DRIVER,
		  "AER result %d", res);
	FZ_ASSERT(!pcibk_test_bit(PCIBK_RING_AER_PENDING, &f->ring.flags),
		  "AER request left pending");
	FZ_ASSERT(!(f->pg->page[0] & (1u << _XEN_PCIB_active)),
		  "_XEN_PCIB_active left set");
}

/* Something outside the guest's reach changes the hardware. */
static void hw_poke(struct fz *f)
{
	u8 what = fz_u8(&f->in);
	struct fz_dev *fd;
	struct sim_dev *pf;
	u32 cmd;

	if (what % 5 == 3) {
		aer(f, what);
		return;
	}
	fd = &f->dev[fz_u8(&f->in) % f->ndev];
	pf = fd->sd->pf ? fd->sd->pf : fd->sd;
	cmd = sim_hw_read(pf, 4, 2);
	switch (what % 5) {
	case 0:
		sim_hw_write(pf, 4, 2, cmd ^ 0x2);	/* PF driver flips MSE */
		break;
	case 1:
		sim_hw_write(fd->sd, 6, 2, fz_u16(&f->in));	/* status */
		break;
	case 2:
		f->h->pirq_base_override = what & 4 ? 0xfff0 : 0;
		break;
	default:
		f->rf.repost = fz_u8(&f->in) % 80;
		f->next_req[0] = fz_u8(&f->in);
		f->next_req[1] = 0;
		f->next_req[2] = 0;
		f->next_req[3] = fz_u8(&f->in);
		f->next_req[4] = fz_u16(&f->in) & 0xffc;
		f->next_req[5] = 4;
		f->next_req[6] = fz_u32(&f->in);
		break;
	}
}

/* ---------------------------------------------------------- requests */

static void fill_entries(struct fz *f, struct fz_req *r, u8 how)
{
	unsigned int i, n = r->value < SH_INFO_MAX_VEC ? r->value : SH_INFO_MAX_VEC;

	for (i = 0; i < SH_INFO_MAX_VEC; i++) {
		switch (how % 4) {
		case 0: r->entry[i] = (u16)i; break;
		case 1: r->entry[i] = (u16)(n - 1 - i); break;
		case 2: r->entry[i] = (u16)(i / 2); break;
		default: r->entry[i] = i < 8 ? fz_u16(&f->in) : (u16)i; break;
		}
	}
}

/* One guest request; its shape depends on the step opcode. */
static void request(struct fz *f, u8 op)
{
	struct fz_req r;
	u8 flags = fz_u8(&f->in);
	bool hostile = f->hostile || (flags & 0x80);

	memset(&r, 0, sizeof(r));
	target(f, &r);
	switch (op) {
	case 0:		/* anything */
		r.cmd = flags & 0x40 ? fz_u32(&f->in) : fz_u8(&f->in) % 12u;
		r.offset = flags & 0x20 ? (s32)fz_u32(&f->in) : (s16)fz_u16(&f->in);
		r.size = (s8)fz_u8(&f->in);
		r.value = fz_u32(&f->in);
		r.info = fz_u32(&f->in);
		fill_entries(f, &r, flags);
		break;
	case 1:		/* well-formed config read or write */
	case 2:
		r.cmd = op == 1 ? XEN_PCI_OP_conf_read : XEN_PCI_OP_conf_write;
		r.size = 1 << (flags % 3);
		r.offset = (s32)(fz_u16(&f->in) & 0xfff & ~(u32)(r.size - 1));
		r.value = op == 2 ? fz_u32(&f->in) : 0;
		break;
	case 3:
		r.cmd = flags & 1 ? XEN_PCI_OP_enable_msi :
			flags & 2 ? XEN_PCI_OP_disable_msi : XEN_PCI_OP_disable_msix;
		break;
	case 4:
		r.cmd = XEN_PCI_OP_enable_msix;
		r.value = fz_u8(&f->in);
		if (r.value > 130)
			r.value &= 0x7f;
		fill_entries(f, &r, flags);
		break;
	default:	/* what a guest driver does first */
		r.cmd = XEN_PCI_OP_conf_write;
		r.offset = 4;
		r.size = 2;
		r.value = flags & 1 ? 0x0006 : flags & 2 ? 0x0407 : 0;
		break;
	}
	if (f->mode == FZ_MODE_RING) {
		bool h = f->hostile;

		f->hostile = hostile;
		ring_op(f, &r);
		f->hostile = h;
	} else {
		direct_op(f, &r, hostile);
	}
}

static void step(struct fz *f)
{
	u8 op = fz_u8(&f->in);
	struct fz_req r;
	unsigned int i, n;

	if (trace)
		fprintf(stderr, "step %u at byte %zu\n", op % 20u, f->in.pos - 1);
	switch (op % 20) {
	case 0: case 1: case 2: case 3: case 4: case 5:
		request(f, op % 20);
		break;
	case 6:
		fault(f);
		break;
	case 7:
		sim_fail_clear(f->h);
		break;
	case 8:
		export(f, &f->dev[fz_u8(&f->in) % f->ndev]);
		break;
	case 9:
		release(f, &f->dev[fz_u8(&f->in) % f->ndev]);
		break;
	case 10:
		teardown(f);
		break;
	case 11: case 12:
		admin(f);
		break;
	case 13:	/* post without an event */
		memset(&r, 0, sizeof(r));
		target(f, &r);
		r.cmd = fz_u8(&f->in) % 12u;
		r.offset = fz_u8(&f->in) & 0xfc;
		r.size = 4;
		ring_post(f, &r);
		break;
	case 14:
		ring_event(f);
		break;
	case 15:
		ring_work(f);
		break;
	case 16:	/* an event storm, maybe with work in between */
		n = fz_u8(&f->in);
		for (i = 0; i < (n & 0x3f); i++) {
			ring_event(f);
			if (n & 0x80 && i % 3 == 2)
				ring_work(f);
		}
		break;
	case 17:	/* the frontend gives up and clears the bit (timeout) */
		pcibk_sh_clear_flag(f->pg->page, _XEN_PCIF_active);
		f->rf.notified_post = false;
		break;
	case 18:
		hw_poke(f);
		break;
	default:
		f->hostile = !f->hostile;
		break;
	}
}

/* ------------------------------------------------------------ set-up */

static bool bdf_taken(struct fz *f, u8 bus, u8 devfn)
{
	unsigned int i;

	for (i = 0; i < f->h->ndevs; i++)
		if (f->h->devs[i]->info.bus == bus &&
		    f->h->devs[i]->info.devfn == devfn)
			return true;
	return false;
}

static void add_device(struct fz *f)
{
	u8 tmpl = fz_u8(&f->in), bus = fz_u8(&f->in), devfn = fz_u8(&f->in);
	u8 nover = fz_u8(&f->in) % 8, exp = fz_u8(&f->in);
	struct fz_dev *fd = &f->dev[f->ndev];
	struct sim_dev *sd;
	unsigned int i;
	long allocs;
	int rc;

	bus &= 0x7f;	/* PFs of VFs live at bus | 0x80 */
	while (bdf_taken(f, bus, devfn))
		devfn++;
	sd = fz_build(f, tmpl, bus, devfn);
	for (i = 0; i < nover; i++) {
		u16 off = fz_u16(&f->in) % sd->info.cfg_size;
		u8 v = fz_u8(&f->in);

		if (off >= 4)
			sd->cfg[off] = v;
	}
	/* Interrupts start off, as bind leaves them. */
	if (sd->msi_cap)
		sd->cfg[sd->msi_cap + 2] &= ~1;
	if (sd->msix_cap)
		sd->cfg[sd->msix_cap + 3] &= ~0x80;
	if (tmpl & 0x80 && f->ndev && f->dev[0].sd->info.hdr_type == 1)
		sd->parent = f->dev[0].sd;
	sim_bind(sd);
	fd->sd = sd;
	f->ndev++;

	allocs = sim_allocs_out;
	rc = pcibk_dev_create(fz_ops(f->nomsi), sd, &fd->d);
	if (rc) {
		fd->d = NULL;
		FZ_ASSERT(sim_allocs_out == allocs, "failed create leaked");
		return;
	}
	pcibk_dev_quiesce(fd->d);
	sim_bind(sd);
	f->log_budget += 3;
	if (exp & 1)
		export(f, fd);
}

int fz_run(const u8 *data, size_t len, enum fz_mode mode)
{
	static struct fz fzs;
	struct fz *f = &fzs;
	unsigned int i, ndev, steps;
	u8 flags;

	if (mode == FZ_MODE_PARSE)
		return fz_parse(data, len);
	memset(f, 0, sizeof(*f));
	fz_cur = f;
	f->mode = mode;
	f->in.p = data;
	f->in.len = len;
	trace = getenv("FZ_TRACE");
	sim_log_verbose = trace;
	f->allocs_base = sim_allocs_out;
	f->log_base = sim_log_unlimited;
	f->h = sim_host_new();
	f->pg = sim_page_new();
	pcibk_permissive = false;

	flags = fz_u8(&f->in);
	f->nomsi = flags & 4;
	f->hostile = flags & 8;
	pcibk_permissive = flags & 2;
	f->global_ever_permissive = pcibk_permissive;
	pcibk_guest_init(&f->g, DOMID, flags & 1);
	pcibk_ring_init(&f->ring, f->pg->page, &f->g, &fake_ring_ops, f);
	f->log_budget = 1;	/* "event while an EOI is pending", once */

	ndev = 1 + fz_u8(&f->in) % FZ_MAX_DEVS;
	for (i = 0; i < ndev; i++)
		add_device(f);
	fz_check(f);

	for (steps = 0; steps < FZ_MAX_STEPS && fz_more(&f->in); steps++) {
		step(f);
		fz_check(f);
	}

	/* Let the worker finish, then the guest goes away. */
	for (i = 0; i < 8 && f->rf.kick_pending; i++)
		ring_work(f);
	sim_fail_clear(f->h);
	teardown(f);
	for (i = 0; i < f->ndev; i++)
		pcibk_dev_destroy(f->dev[i].d);
	FZ_ASSERT(sim_allocs_out == f->allocs_base, "%ld allocations leaked",
		  sim_allocs_out - f->allocs_base);
	sim_page_free(f->pg);
	sim_host_free(f->h);
	pcibk_permissive = false;
	fz_cur = NULL;
	return 0;
}
