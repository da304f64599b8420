// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The op engine: one guest request, fetched once, validated, dispatched,
 * answered (PROTOCOL.md §3.2 B6-B9, §4).
 */
#include <pcibk/core.h>
#include <pcibk/cfg.h>

void pcibk_op_fetch(const void *sh, struct pcibk_req *req)
{
	/*
	 * Each request field is loaded exactly once (XSA-155). err is an
	 * output and is not read; the MSI-X entries are read later, only
	 * for enable_msix and only up to the validated count.
	 */
	req->cmd = pcibk_sh_read32(sh, PCIBK_SH_CMD);
	req->domain = pcibk_sh_read32(sh, PCIBK_SH_DOMAIN);
	req->bus = pcibk_sh_read32(sh, PCIBK_SH_BUS);
	req->devfn = pcibk_sh_read32(sh, PCIBK_SH_DEVFN);
	req->offset = (s32)pcibk_sh_read32(sh, PCIBK_SH_OFFSET);
	req->size = (s32)pcibk_sh_read32(sh, PCIBK_SH_SIZE);
	req->value = pcibk_sh_read32(sh, PCIBK_SH_VALUE);
	req->info = pcibk_sh_read32(sh, PCIBK_SH_INFO);
	/* Every later decision uses the private copy only. */
	pcibk_barrier();
}

/* Size, alignment and [STRICTER] S1 bounds; no hardware access on failure. */
static bool cfg_access_ok(const struct pcibk_dev *d, s32 offset, s32 size)
{
	if (size != 1 && size != 2 && size != 4)
		return false;
	/* size is 1, 2 or 4: a mask, not a division, on every request. */
	if (offset < 0 || (offset & (size - 1)))
		return false;
	return (u32)offset + (u32)size <= d->info.cfg_size;
}

static void count(struct pcibk_dev *d, u32 cmd, s32 err)
{
	d->stats.req[cmd < PCIBK_NR_CMDS ? cmd : PCIBK_NR_CMDS]++;
	if (err <= 0 && err >= -5)
		d->stats.err[-err]++;
	else
		d->stats.err[PCIBK_STAT_ERRS - 1]++;
}

static void conf_read(struct pcibk_dev *d, const struct pcibk_req *req,
		      struct pcibk_reply *rep)
{
	u32 val = 0;
	int err;

	rep->value = 0;
	if (!cfg_access_ok(d, req->offset, req->size)) {
		rep->err = XEN_PCI_ERR_invalid_offset;
		return;
	}
	err = pcibk_cfg_read(d, (unsigned int)req->offset,
			     (unsigned int)req->size, &val);
	rep->err = err;
	if (err)
		return;
	/* S3: never more bytes than were asked for. */
	if (req->size < 4)
		val &= (1u << (8 * req->size)) - 1;
	rep->value = val;
}

static void conf_write(struct pcibk_dev *d, const struct pcibk_req *req,
		       struct pcibk_reply *rep)
{
	bool wanted = d->intx_wanted;
	u32 val = req->value;

	if (!cfg_access_ok(d, req->offset, req->size)) {
		rep->err = XEN_PCI_ERR_invalid_offset;
		return;
	}
	if (req->size < 4)
		val &= (1u << (8 * req->size)) - 1;
	rep->err = pcibk_cfg_write(d, (unsigned int)req->offset,
				   (unsigned int)req->size, val);
	/* §4.2: a successful op that changed "INTx wanted" moves the helper. */
	if (!rep->err && wanted != d->intx_wanted)
		pcibk_dev_intx_update(d);
}

bool pcibk_op_atomic(struct pcibk_guest *g, const struct pcibk_req *req)
{
	struct pcibk_dev *d;

	if (req->cmd == XEN_PCI_OP_conf_read)
		return true;
	if (req->cmd != XEN_PCI_OP_conf_write)
		return false;
	/* Not found and refused accesses are answered without a hook. */
	d = pcibk_topo_find(&g->topo, req->domain, req->bus, req->devfn);
	if (!d || !cfg_access_ok(d, req->offset, req->size))
		return true;
	return !pcibk_cfg_write_sleeps(d, (unsigned int)req->offset,
				       (unsigned int)req->size);
}

void pcibk_op_run(struct pcibk_guest *g, const void *sh,
		  const struct pcibk_req *req, struct pcibk_reply *rep)
{
	struct pcibk_dev *d;

	rep->err = 0;
	rep->value = req->value;	/* "echo" unless a command says otherwise */
	rep->nr_vec = 0;

	d = pcibk_topo_find(&g->topo, req->domain, req->bus, req->devfn);
	if (!d) {
		g->stats.not_found++;
		rep->err = XEN_PCI_ERR_dev_not_found;
		return;
	}

	switch (req->cmd) {
	case XEN_PCI_OP_conf_read:
		conf_read(d, req, rep);
		break;
	case XEN_PCI_OP_conf_write:
		conf_write(d, req, rep);
		break;
	case XEN_PCI_OP_enable_msi:
	case XEN_PCI_OP_disable_msi:
	case XEN_PCI_OP_enable_msix:
	case XEN_PCI_OP_disable_msix:
		if (!d->ops->enable_msi) {
			rep->err = XEN_PCI_ERR_not_implemented;
			break;
		}
		if (req->cmd == XEN_PCI_OP_enable_msi)
			pcibk_msi_enable(d, rep);
		else if (req->cmd == XEN_PCI_OP_disable_msi)
			pcibk_msi_disable(d, rep);
		else if (req->cmd == XEN_PCI_OP_enable_msix)
			pcibk_msix_enable(g, d, sh, req->value, rep);
		else
			pcibk_msix_disable(d, rep);
		break;
	default:
		/* aer_* in op, enable_multi_msi and unknown commands. */
		rep->err = XEN_PCI_ERR_not_implemented;
		break;
	}
	count(d, req->cmd, rep->err);
}

void pcibk_op_reply(void *sh, const struct pcibk_reply *rep)
{
	unsigned int i;

	/* B9: err, value and the first nr vectors; never the entries. */
	pcibk_sh_write32(sh, PCIBK_SH_ERR, (u32)rep->err);
	pcibk_sh_write32(sh, PCIBK_SH_VALUE, rep->value);
	for (i = 0; i < rep->nr_vec && i < SH_INFO_MAX_VEC; i++)
		pcibk_sh_write16(sh, PCIBK_SH_VECTOR(i), rep->vec[i]);
}

void pcibk_op_handle(struct pcibk_guest *g, void *sh)
{
	struct pcibk_req req;

	pcibk_op_fetch(sh, &req);
	pcibk_op_run(g, sh, &req, &g->rep);
	pcibk_op_reply(sh, &g->rep);
}
