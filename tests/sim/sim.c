// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The simulated host: see sim.h.
 */
#include "sim.h"

#define PCI_COMMAND		0x04
#define PCI_STATUS		0x06
#define PCI_COMMAND_IO		0x1
#define PCI_COMMAND_MEMORY	0x2
#define PCI_COMMAND_MASTER	0x4
#define PCI_COMMAND_INVALIDATE	0x10
#define PCI_COMMAND_INTX_DISABLE 0x400

static struct sim_dev *D(void *hdev)
{
	return hdev;
}

/* ------------------------------------------------------- atomic context */

bool sim_atomic;
unsigned long sim_sleeps_in_atomic;
const char *sim_sleep_last;

/* A host op that may sleep in a real host. */
void sim_may_sleep(const char *what)
{
	if (!sim_atomic)
		return;
	sim_sleeps_in_atomic++;
	sim_sleep_last = what;
}

/* ---------------------------------------------------------------- faults */

/* Record a one-letter-word name of each host call: "reset,golden,...". */
static void trace(struct sim_dev *d, const char *what)
{
	struct sim_host *h = d->host;
	size_t n = strlen(what);

	if (h->trace_len + n + 2 >= sizeof(h->trace))
		return;
	memcpy(h->trace + h->trace_len, what, n);
	h->trace_len += (unsigned int)n;
	h->trace[h->trace_len++] = ',';
	h->trace[h->trace_len] = 0;
}

void sim_trace_clear(struct sim_host *h)
{
	h->trace_len = 0;
	h->trace[0] = 0;
}

static int fault(struct sim_dev *d, enum sim_op op)
{
	struct sim_host *h = d->host;

	d->calls[op]++;
	h->total_calls++;
	if (!h->fail_nth || (h->fail_op != SIM_ANY && h->fail_op != op))
		return 0;
	h->fail_count++;
	if (h->fail_count == h->fail_nth ||
	    (h->fail_repeat && h->fail_count > h->fail_nth))
		return h->fail_err;
	return 0;
}

void sim_fail(struct sim_host *h, enum sim_op op, unsigned long nth, int err)
{
	h->fail_op = op;
	h->fail_nth = nth;
	h->fail_count = 0;
	h->fail_err = err;
	h->fail_repeat = false;
}

void sim_fail_clear(struct sim_host *h)
{
	h->fail_nth = 0;
	h->fail_count = 0;
	h->fail_repeat = false;
}

/* ---------------------------------------------------------- raw registers */

u32 sim_hw_read(const struct sim_dev *d, unsigned int off, unsigned int size)
{
	u32 v = 0;
	unsigned int i;

#if __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
	/*
	 * Every simulated config read comes here: on a little-endian host an
	 * access inside the space is one load (make bench-core).
	 */
	if (size <= 4 && off + size <= 4096) {
		memcpy(&v, d->cfg + off, size);
		return v;
	}
#endif
	for (i = 0; i < size && off + i < 4096; i++)
		v |= (u32)d->cfg[off + i] << (8 * i);
	return v;
}

void sim_hw_write(struct sim_dev *d, unsigned int off, unsigned int size, u32 v)
{
	unsigned int i;

	for (i = 0; i < size && off + i < 4096; i++)
		d->cfg[off + i] = (u8)(v >> (8 * i));
}

static void put16(struct sim_dev *d, unsigned int off, u16 v)
{
	sim_hw_write(d, off, 2, v);
}

static void put32(struct sim_dev *d, unsigned int off, u32 v)
{
	sim_hw_write(d, off, 4, v);
}

static void wm(struct sim_dev *d, unsigned int off, unsigned int size, u32 mask)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		d->wmask[off + i] = (u8)(mask >> (8 * i));
}

static u16 hw_cmd(const struct sim_dev *d)
{
	return (u16)sim_hw_read(d, PCI_COMMAND, 2);
}

static void set_cmd_bits(struct sim_dev *d, u16 bits, bool on)
{
	u16 c = hw_cmd(d);

	put16(d, PCI_COMMAND, on ? (c | bits) : (c & ~bits));
}

/* ------------------------------------------------------------ construction */

struct sim_host *sim_host_new(void)
{
	struct sim_host *h = calloc(1, sizeof(*h));

	if (!h)
		abort();
	h->next_irq = 32;
	h->next_pirq = 100;
	return h;
}

void sim_host_free(struct sim_host *h)
{
	unsigned int i;

	if (!h)
		return;
	for (i = 0; i < h->ndevs; i++)
		free(h->devs[i]);
	free(h);
}

struct sim_dev *sim_dev_new(struct sim_host *h, u16 seg, u8 bus, u8 devfn,
			    u16 vendor, u16 device, u32 class, u8 hdr_type,
			    unsigned int cfg_size)
{
	struct sim_dev *d;

	if (h->ndevs >= SIM_MAX_DEVS)
		abort();
	d = calloc(1, sizeof(*d));
	if (!d)
		abort();
	d->host = h;
	d->owner = -1;
	d->info.seg = seg;
	d->info.bus = bus;
	d->info.devfn = devfn;
	d->info.vendor = vendor;
	d->info.device = device;
	d->info.class = class;
	d->info.hdr_type = hdr_type & 0x7f;
	d->info.cfg_size = (u16)cfg_size;
	put16(d, 0x00, vendor);
	put16(d, 0x02, device);
	put32(d, 0x08, (class << 8) | 0x01);	/* revision 1 */
	d->cfg[0x0e] = hdr_type;
	/* Writable by software, as on real hardware. */
	wm(d, PCI_COMMAND, 2, 0x07ff);
	wm(d, 0x0c, 1, 0xff);		/* cache line size */
	wm(d, 0x0d, 1, 0xff);		/* latency timer */
	wm(d, 0x0f, 1, 0x40);		/* BIST start */
	wm(d, 0x3c, 1, 0xff);		/* interrupt line */
	if ((hdr_type & 0x7f) == 1) {
		wm(d, 0x18, 4, 0xffffffff);	/* bus numbers, sec latency */
		wm(d, 0x1c, 2, 0xf0f0);		/* I/O window */
		wm(d, 0x20, 4, 0xfff0fff0);	/* memory window */
		wm(d, 0x24, 4, 0xfff0fff0);	/* prefetch window */
		wm(d, 0x28, 4, 0xffffffff);
		wm(d, 0x2c, 4, 0xffffffff);
		wm(d, 0x30, 4, 0xffffffff);
		wm(d, 0x3e, 2, 0x0fff);		/* bridge control */
	} else {
		put16(d, 0x2c, vendor);
		put16(d, 0x2e, 0x1000 | (device & 0xfff));
		d->info.subvendor = vendor;
		d->info.subdevice = 0x1000 | (device & 0xfff);
	}
	d->power_state = 0;
	d->cmd_at_msix_disable = -1;
	h->devs[h->ndevs++] = d;
	return d;
}

/* The end of the last capability: the next one goes after it. */
static unsigned int cap_end(struct sim_dev *d)
{
	unsigned int end = 0x40, p;

	if (!(d->cfg[PCI_STATUS] & 0x10))
		return end;
	for (p = d->cfg[0x34]; p; p = d->cfg[p + 1]) {
		unsigned int len;

		switch (d->cfg[p]) {
		case 0x01: len = 8; break;
		case 0x03: len = 8; break;
		case 0x05: len = 24; break;
		case 0x10: len = 60; break;
		case 0x11: len = 12; break;
		default: len = d->cfg[p + 2] ? d->cfg[p + 2] : 8; break;
		}
		if (p + len > end)
			end = p + len;
	}
	return (end + 3) & ~3u;
}

u8 sim_add_cap(struct sim_dev *d, u8 id, unsigned int len)
{
	unsigned int pos = cap_end(d), p, last = 0;

	if (len < 4)
		len = 4;
	if (pos + len > 0x100)
		abort();
	if (d->cfg[PCI_STATUS] & 0x10)
		for (p = d->cfg[0x34]; p; p = d->cfg[p + 1])
			last = p;
	if (last)
		d->cfg[last + 1] = (u8)pos;
	else
		d->cfg[0x34] = (u8)pos;
	d->cfg[PCI_STATUS] |= 0x10;
	d->cfg[pos] = id;
	d->cfg[pos + 1] = 0;
	if (id != 0x01 && id != 0x03 && id != 0x05 && id != 0x10 && id != 0x11)
		d->cfg[pos + 2] = (u8)len;	/* vendor caps carry a length */
	return (u8)pos;
}

u8 sim_add_msi(struct sim_dev *d, unsigned int nvec, bool maskable, bool is64)
{
	unsigned int mmc = 0;
	u16 flags;
	u8 pos;

	while ((1u << mmc) < nvec && mmc < 5)
		mmc++;
	pos = sim_add_cap(d, 0x05, 24);
	flags = (u16)((mmc << 1) | (is64 ? 0x80 : 0) | (maskable ? 0x100 : 0));
	put16(d, pos + 2, flags);
	wm(d, pos + 2, 2, 0x0071);		/* enable, multiple enable */
	wm(d, pos + 4, 4, 0xfffffffc);		/* address */
	if (is64) {
		wm(d, pos + 8, 4, 0xffffffff);
		wm(d, pos + 12, 2, 0xffff);	/* data */
		if (maskable)
			wm(d, pos + 16, 4, 0xffffffff);
	} else {
		wm(d, pos + 8, 2, 0xffff);
		if (maskable)
			wm(d, pos + 12, 4, 0xffffffff);
	}
	d->msi_cap = pos;
	d->msi_vectors = nvec;
	return pos;
}

u8 sim_add_msix(struct sim_dev *d, unsigned int table_size, u8 bir)
{
	u8 pos = sim_add_cap(d, 0x11, 12);

	put16(d, pos + 2, (u16)((table_size - 1) & 0x7ff));
	put32(d, pos + 4, bir);			/* table at offset 0 */
	put32(d, pos + 8, 0x8000u | bir);	/* PBA at 32 KiB */
	wm(d, pos + 2, 2, 0xc000);		/* enable, mask all */
	d->msix_cap = pos;
	d->msix_size = table_size;
	return pos;
}

u8 sim_add_pm(struct sim_dev *d, u16 pmc)
{
	u8 pos = sim_add_cap(d, 0x01, 8);

	put16(d, pos + 2, pmc);
	put16(d, pos + 4, 0x0008);		/* no soft reset, D0 */
	wm(d, pos + 4, 2, 0x1f03);		/* state, PME enable, data select */
	d->pm_cap = pos;
	return pos;
}

u8 sim_add_vpd(struct sim_dev *d)
{
	u8 pos = sim_add_cap(d, 0x03, 8);

	wm(d, pos + 2, 2, 0xffff);
	wm(d, pos + 4, 4, 0xffffffff);
	d->vpd_cap = pos;
	return pos;
}

u8 sim_add_pcie(struct sim_dev *d)
{
	u8 pos = sim_add_cap(d, 0x10, 60);

	put16(d, pos + 2, 0x0002);		/* version 2, endpoint */
	wm(d, pos + 8, 2, 0x00ff);		/* device control (part) */
	d->exp_cap = pos;
	return pos;
}

void sim_add_ext_cap(struct sim_dev *d, u16 off, u16 id, u16 next)
{
	if (d->info.cfg_size < 4096 || off < 0x100 || off > 0xffc)
		abort();
	put32(d, off, (u32)id | (1u << 16) | ((u32)next << 20));
}

void sim_add_bar(struct sim_dev *d, int idx, u32 flags, u64 start, u64 size)
{
	unsigned int off;
	u32 lowflags = 0, mask;

	d->res[idx].start = start;
	d->res[idx].size = size;
	d->res[idx].flags = flags;
	if (idx == PCIBK_ROM_RES) {
		off = d->info.hdr_type == 1 ? 0x38 : 0x30;
		put32(d, off, (u32)start);
		wm(d, off, 4, (u32)~(size - 1) | 1);
		return;
	}
	off = 0x10 + 4 * (unsigned int)idx;
	if (flags & PCIBK_RES_IO) {
		lowflags = 0x1;
		mask = (u32)~(size - 1) & ~0x3u;
	} else {
		lowflags = (flags & PCIBK_RES_MEM64 ? 0x4 : 0) |
			   (flags & PCIBK_RES_PREFETCH ? 0x8 : 0);
		mask = (u32)~(size - 1) & ~0xfu;
	}
	put32(d, off, ((u32)start & mask) | lowflags);
	wm(d, off, 4, mask);
	if (flags & PCIBK_RES_MEM64) {
		put32(d, off + 4, (u32)(start >> 32));
		wm(d, off + 4, 4, (u32)(~(size - 1) >> 32));
		d->res[idx + 1].flags = 0;
		d->res[idx + 1].size = 0;
	}
}

void sim_set_irq(struct sim_dev *d, int irq, u8 pin)
{
	d->info.irq = irq;
	d->cfg[0x3c] = (u8)irq;
	d->cfg[0x3d] = pin;
}

void sim_make_vf(struct sim_dev *vf, struct sim_dev *pf)
{
	vf->pf = pf;
	vf->info.is_virtfn = true;
	vf->info.irq = 0;
	/* A VF's hardware answers all-ones for its ids. */
	put16(vf, 0x00, 0xffff);
	put16(vf, 0x02, 0xffff);
	vf->cfg[0x3c] = 0;
	vf->cfg[0x3d] = 0;
	wm(vf, PCI_COMMAND, 2, 0x0404);	/* VFs: MSE/IO are on the PF */
}

void sim_load_cfg(struct sim_dev *d, const u8 *bytes, unsigned int len)
{
	if (len > sizeof(d->cfg))
		len = sizeof(d->cfg);
	memcpy(d->cfg, bytes, len);
}

void sim_bind(struct sim_dev *d)
{
	memcpy(d->golden, d->cfg, sizeof(d->golden));
	d->have_golden = true;
}

/* --------------------------------------------------------------- host ops */

static int s_get_info(void *hdev, struct pcibk_dev_info *info)
{
	int rc = fault(D(hdev), SIM_GET_INFO);

	if (rc)
		return rc;
	*info = D(hdev)->info;
	return 0;
}

static int s_get_res(void *hdev, struct pcibk_res res[PCIBK_NR_RES])
{
	int rc = fault(D(hdev), SIM_GET_RES);

	if (rc)
		return rc;
	memcpy(res, D(hdev)->res, sizeof(D(hdev)->res));
	return 0;
}

static int s_cfg_read(void *hdev, unsigned int off, unsigned int size, u32 *val)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_CFG_READ);

	if (rc) {
		*val = ~0u;
		return rc;
	}
	if (off + size > d->info.cfg_size) {
		*val = ~0u;
		return 0x87;	/* PCIBIOS_BAD_REGISTER_NUMBER */
	}
	*val = sim_hw_read(d, off, size);
	return 0;
}

static int s_cfg_write(void *hdev, unsigned int off, unsigned int size, u32 val)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_CFG_WRITE);
	unsigned int i;

	if (rc)
		return rc;
	if (off + size > d->info.cfg_size)
		return 0x87;
	d->cfg_writes++;
	for (i = 0; i < size; i++) {
		u8 m = d->wmask[off + i], b = (u8)(val >> (8 * i));

		d->cfg[off + i] = (u8)((d->cfg[off + i] & ~m) | (b & m));
	}
	return 0;
}

static int s_pf_command(void *hdev, u16 *cmd)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_PF_COMMAND);

	if (rc)
		return rc;
	*cmd = hw_cmd(d->pf ? d->pf : d);
	return 0;
}

static int s_enable_device(void *hdev)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_ENABLE_DEVICE);
	u16 bits = 0;
	int i;

	sim_may_sleep("enable_device");
	trace(d, "enable_device");

	if (rc)
		return rc;
	for (i = 0; i < 6; i++) {
		if (!d->res[i].size)
			continue;
		bits |= d->res[i].flags & PCIBK_RES_IO ? PCI_COMMAND_IO :
			PCI_COMMAND_MEMORY;
	}
	if (!d->pf)
		set_cmd_bits(d, bits, true);
	d->enable_cnt++;
	return 0;
}

static void s_disable_device(void *hdev)
{
	struct sim_dev *d = D(hdev);

	sim_may_sleep("disable_device");
	trace(d, "disable_device");
	d->disable_device_calls++;
	if (d->enable_cnt > 0 && --d->enable_cnt == 0)
		set_cmd_bits(d, PCI_COMMAND_MASTER, false);
}

static bool s_is_enabled(void *hdev)
{
	return D(hdev)->enable_cnt > 0;
}

static void s_set_master(void *hdev, bool on)
{
	sim_may_sleep("set_master");
	trace(D(hdev), on ? "master_on" : "master_off");
	D(hdev)->master_calls++;
	set_cmd_bits(D(hdev), PCI_COMMAND_MASTER, on);
}

static int s_set_mwi(void *hdev)
{
	int rc = fault(D(hdev), SIM_SET_MWI);

	sim_may_sleep("set_mwi");
	D(hdev)->mwi_calls++;
	if (rc)
		return rc;
	set_cmd_bits(D(hdev), PCI_COMMAND_INVALIDATE, true);
	return 0;
}

static void s_clear_mwi(void *hdev)
{
	sim_may_sleep("clear_mwi");
	D(hdev)->mwi_calls++;
	set_cmd_bits(D(hdev), PCI_COMMAND_INVALIDATE, false);
}

static void s_intx(void *hdev, bool enable)
{
	sim_may_sleep("intx");
	D(hdev)->intx_calls++;
	set_cmd_bits(D(hdev), PCI_COMMAND_INTX_DISABLE, !enable);
}

static int take(u8 *used, int base)
{
	int i;

	for (i = 0; i < SIM_NR_IRQS; i++)
		if (!used[i]) {
			used[i] = 1;
			return base + i;
		}
	return -ENOSPC;
}

static int alloc_vec(struct sim_dev *d, int *irq, int *pirq)
{
	struct sim_host *h = d->host;
	int rc = fault(d, SIM_IRQ_ALLOC);

	if (rc)
		return rc;
	rc = fault(d, SIM_PIRQ_MAP);
	if (rc)
		return rc;
	if (h->pirq_budget && h->pirqs_out >= h->pirq_budget)
		return -ENOSPC;
	*irq = take(h->irq_used, h->next_irq);
	if (*irq < 0)
		return *irq;
	if (h->pirq_base_override) {
		*pirq = h->pirq_base_override++;
	} else {
		*pirq = take(h->pirq_used, h->next_pirq);
		if (*pirq < 0) {
			h->irq_used[*irq - h->next_irq] = 0;
			return *pirq;
		}
	}
	h->irqs_out++;
	h->pirqs_out++;
	return 0;
}

static void free_vec(struct sim_dev *d, int irq, int pirq)
{
	struct sim_host *h = d->host;

	if (irq >= h->next_irq && irq < h->next_irq + SIM_NR_IRQS)
		h->irq_used[irq - h->next_irq] = 0;
	if (pirq >= h->next_pirq && pirq < h->next_pirq + SIM_NR_IRQS)
		h->pirq_used[pirq - h->next_pirq] = 0;
	h->irqs_out--;
	h->pirqs_out--;
}

static int s_enable_msi(void *hdev, int *irq, int *pirq)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_ENABLE_MSI);

	sim_may_sleep("enable_msi");
	trace(d, "enable_msi");

	if (rc)
		return rc;
	/* The PCI core refuses what our core must never ask for. */
	if (!d->msi_cap || d->msi_on || d->msix_on)
		return -EINVAL;
	/* Linux: MSI only in D0 (__pci_enable_msi_range()). */
	if (d->power_state)
		return -EINVAL;
	rc = alloc_vec(d, irq, pirq);
	if (rc)
		return rc;
	d->msi_on = true;
	d->msi_irq = *irq;
	d->msi_pirq = *pirq;
	d->msi_enables++;
	d->cfg[d->msi_cap + 2] |= 0x01;
	return 0;
}

static void s_disable_msi(void *hdev)
{
	struct sim_dev *d = D(hdev);

	sim_may_sleep("disable_msi");
	trace(d, "disable_msi");
	d->msi_disables++;
	if (!d->msi_on)
		return;
	free_vec(d, d->msi_irq, d->msi_pirq);
	d->msi_on = false;
	d->msi_irq = 0;
	d->cfg[d->msi_cap + 2] &= ~0x01;
}

static int s_enable_msix(void *hdev, struct pcibk_msix_vec *vecs, unsigned int nr)
{
	struct sim_dev *d = D(hdev);
	unsigned int i, j;
	int rc = fault(d, SIM_ENABLE_MSIX);

	sim_may_sleep("enable_msix");
	trace(d, "enable_msix");
	if (rc)
		return rc;
	if (!d->msix_cap || d->msix_on || d->msi_on)
		return -EINVAL;
	if (d->power_state)
		return -EINVAL;
	if (nr > d->msix_size)
		return -ENOSPC;
	for (i = 0; i < nr; i++) {
		if (vecs[i].entry >= d->msix_size)
			return -EINVAL;
		for (j = 0; j < i; j++)
			if (vecs[j].entry == vecs[i].entry)
				return -EINVAL;
	}
	for (i = 0; i < nr; i++) {
		rc = alloc_vec(d, &vecs[i].irq, &vecs[i].pirq);
		if (rc) {
			/* Out of the guest's pirqs (not an injected fault). */
			if (i && rc == -ENOSPC && d->host->pirq_budget &&
			    d->host->pirqs_out >= d->host->pirq_budget)
				d->host->double_teardowns++;
			/* The PCI core unwinds what it set up. */
			while (i--)
				free_vec(d, vecs[i].irq, vecs[i].pirq);
			return rc;
		}
		d->msix_irq[i] = vecs[i].irq;
		d->msix_pirq[i] = vecs[i].pirq;
	}
	d->msix_on = true;
	d->msix_nr = nr;
	d->msix_enables++;
	d->cfg[d->msix_cap + 3] |= 0x80;
	return 0;
}

static void s_disable_msix(void *hdev)
{
	struct sim_dev *d = D(hdev);
	unsigned int i;

	sim_may_sleep("disable_msix");
	trace(d, "disable_msix");

	d->msix_disables++;
	if (!d->msix_on)
		return;
	d->cmd_at_msix_disable = hw_cmd(d);
	for (i = 0; i < d->msix_nr; i++)
		free_vec(d, d->msix_irq[i], d->msix_pirq[i]);
	d->msix_on = false;
	d->msix_nr = 0;
	d->cfg[d->msix_cap + 3] &= ~0x80;
}

static int s_irq_to_pirq(void *hdev, int irq)
{
	struct sim_dev *d = D(hdev);

	/* libxl maps a legacy irq as pirq == irq. */
	if (irq == d->info.irq)
		return irq;
	return 0;
}

static int s_register_owner(void *hdev, u16 domid)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_REGISTER_OWNER);

	sim_may_sleep("register_owner");
	trace(d, "register_owner");

	if (rc)
		return rc;
	if (d->owner >= 0)
		d->owner_steals++;
	d->owner = domid;
	return 0;
}

static void s_unregister_owner(void *hdev)
{
	sim_may_sleep("unregister_owner");
	trace(D(hdev), "unregister_owner");
	D(hdev)->owner = -1;
}

static int s_reset(void *hdev)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_RESET);

	sim_may_sleep("reset");
	trace(d, "reset");

	if (rc)
		return rc;
	d->resets++;
	/* FLR: decoding, mastering and interrupt enables drop. */
	put16(d, PCI_COMMAND, 0);
	if (d->msi_cap)
		d->cfg[d->msi_cap + 2] &= ~0x01;
	if (d->msix_cap)
		d->cfg[d->msix_cap + 3] &= ~0xc0;
	return 0;
}

static int s_restore_golden(void *hdev)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_RESTORE_GOLDEN);
	u8 msi_ctl, msix_ctl;

	sim_may_sleep("restore_golden");
	trace(d, "golden");

	if (rc)
		return rc;
	msi_ctl = d->msi_cap ? d->cfg[d->msi_cap + 2] : 0;
	msix_ctl = d->msix_cap ? d->cfg[d->msix_cap + 3] : 0;
	if (d->have_golden)
		memcpy(d->cfg, d->golden, sizeof(d->cfg));
	/*
	 * Linux's pci_restore_state() writes MSI and MSI-X control only from
	 * the PCI core's own state: enables it does not know of (an HVM
	 * device model's) stay as the hardware has them, whatever the saved
	 * copy says; its own are turned back on until they are disabled.
	 */
	if (d->msi_cap)
		d->cfg[d->msi_cap + 2] = (d->cfg[d->msi_cap + 2] & ~0x01) | (msi_ctl & 0x01);
	if (d->msix_cap)
		d->cfg[d->msix_cap + 3] = (d->cfg[d->msix_cap + 3] & ~0xc0) | (msix_ctl & 0xc0);
	if (d->msi_on)
		d->cfg[d->msi_cap + 2] |= 0x01;
	if (d->msix_on)
		d->cfg[d->msix_cap + 3] |= 0x80;
	return 0;
}

static int s_set_power_state(void *hdev, int state)
{
	struct sim_dev *d = D(hdev);
	int rc = fault(d, SIM_SET_POWER);

	sim_may_sleep("set_power_state");
	if (rc)
		return rc;
	if (state < 0 || state > 3)
		return -EINVAL;
	d->power_state = state;
	if (d->pm_cap)
		d->cfg[d->pm_cap + 4] = (u8)((d->cfg[d->pm_cap + 4] & ~3) | state);
	return 0;
}

static int s_intx_helper(void *hdev, bool install)
{
	struct sim_dev *d = D(hdev);
	int rc = install ? fault(d, SIM_INTX_HELPER) : 0;

	sim_may_sleep("intx_helper");
	if (rc)
		return rc;
	trace(d, install ? "helper_on" : "helper_off");
	d->helper_on = install;
	return 0;
}

static bool s_intx_exclusive(void *hdev)
{
	struct sim_dev *d = D(hdev);

	d->exclusive_queries++;
	return !d->line_shared;
}

static void *s_parent_bridge(void *hdev)
{
	return D(hdev)->parent;
}

static bool s_present(void *hdev)
{
	return !D(hdev)->gone;
}

/* Everything but MSI: shared by the two tables below. */
#define SIM_BASE_OPS						\
	.get_info = s_get_info,					\
	.get_res = s_get_res,					\
	.cfg_read = s_cfg_read,					\
	.cfg_write = s_cfg_write,				\
	.pf_command = s_pf_command,				\
	.enable_device = s_enable_device,			\
	.disable_device = s_disable_device,			\
	.is_enabled = s_is_enabled,				\
	.set_master = s_set_master,				\
	.set_mwi = s_set_mwi,					\
	.clear_mwi = s_clear_mwi,				\
	.intx = s_intx,						\
	.irq_to_pirq = s_irq_to_pirq,				\
	.register_owner = s_register_owner,			\
	.unregister_owner = s_unregister_owner,			\
	.reset = s_reset,					\
	.restore_golden = s_restore_golden,			\
	.set_power_state = s_set_power_state,			\
	.intx_helper = s_intx_helper,				\
	.intx_exclusive = s_intx_exclusive,			\
	.parent_bridge = s_parent_bridge,			\
	.present = s_present,					\
	SIM_SESSION_OPS

const struct pcibk_host_ops sim_ops = {
	SIM_BASE_OPS,
	.enable_msi = s_enable_msi,
	.disable_msi = s_disable_msi,
	.enable_msix = s_enable_msix,
	.disable_msix = s_disable_msix,
};

/* A kernel built without MSI support: no MSI ops at all. */
const struct pcibk_host_ops sim_ops_nomsi = {
	SIM_BASE_OPS,
};
