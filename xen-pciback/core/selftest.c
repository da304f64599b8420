// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Self-checks of the portable core: invariants that hold without a host.
 * The debug module (CONFIG_XEN_PCIBK_DEBUG) runs them at load, so a core
 * miscompiled for, or broken by, one kernel fails to load instead of
 * misbehaving under a guest; "make check" runs the same code in user
 * space, so the checks cannot rot.
 *
 * Groups: the wire ABI as the op engine reads and writes it, the virtual
 * config space of two synthetic devices (field table consistency, what a
 * guest may and may not reach), quirks, the BDF and "hide" grammars, and
 * the text formatters. The synthetic devices live in memory behind a
 * private host-ops table: no real device is touched.
 */
#include "cfg_field.h"
#include <pcibk/bdf.h>
#include "selftest.h"

struct st {
	unsigned int passed;
	unsigned int failed;
};

/* Count one check; log a failed one as "<case>: <condition>". */
static bool st_ok(struct st *st, bool ok, const char *what, const char *cond)
{
	if (ok) {
		st->passed++;
		return true;
	}
	st->failed++;
	pcibk_err("self-check failed: %s: %s\n", what, cond);
	return false;
}

#define ST(st, what, cond)	st_ok((st), (cond), (what), #cond)

/* --------------------------------------------------------------- wire */

static void st_wire(struct st *st)
{
	struct xen_pci_sharedinfo *sh;
	struct pcibk_reply *rep;
	struct pcibk_req req;

	ST(st, "wire", sizeof(*sh) == PCIBK_SH_SIZE_TOTAL);
	/* The frontend grants exactly one page. */
	ST(st, "wire", sizeof(*sh) <= 4096);
	sh = pcibk_zalloc(sizeof(*sh));
	rep = pcibk_zalloc(sizeof(*rep));
	if (!ST(st, "wire", sh && rep))
		goto out;

	/* Members by name, fetched by offset: the two views must agree. */
	sh->op.cmd = 0x11110001;
	sh->op.err = 0x2222;
	sh->op.domain = 0x33330003;
	sh->op.bus = 0x44440004;
	sh->op.devfn = 0x55550005;
	sh->op.offset = 0x66660006;
	sh->op.size = 0x77770007;
	sh->op.value = 0x88880008;
	sh->op.info = 0x99990009;
	sh->op.msix_entries[0].entry = 0x0a0a;
	sh->op.msix_entries[2].vector = 0x0b0b;
	sh->aer_op.cmd = 0x0c0c;
	pcibk_op_fetch(sh, &req);
	ST(st, "wire fetch", req.cmd == 0x11110001);
	ST(st, "wire fetch", req.domain == 0x33330003);
	ST(st, "wire fetch", req.bus == 0x44440004);
	ST(st, "wire fetch", req.devfn == 0x55550005);
	ST(st, "wire fetch", req.offset == 0x66660006);
	ST(st, "wire fetch", req.size == 0x77770007);
	ST(st, "wire fetch", req.value == 0x88880008);
	ST(st, "wire fetch", req.info == 0x99990009);

	/* A reply writes err, value and the first nr_vec vectors only. */
	rep->err = XEN_PCI_ERR_access_denied;
	rep->value = 0xfeedf00d;
	rep->nr_vec = 2;
	rep->vec[0] = 0x0101;
	rep->vec[1] = 0x0202;
	rep->vec[2] = 0x0303;
	pcibk_op_reply(sh, rep);
	ST(st, "wire reply", sh->op.err == XEN_PCI_ERR_access_denied);
	ST(st, "wire reply", sh->op.value == 0xfeedf00d);
	ST(st, "wire reply", sh->op.msix_entries[0].vector == 0x0101);
	ST(st, "wire reply", sh->op.msix_entries[1].vector == 0x0202);
	ST(st, "wire reply", sh->op.msix_entries[2].vector == 0x0b0b);
	ST(st, "wire reply", sh->op.msix_entries[0].entry == 0x0a0a);
	ST(st, "wire reply", sh->op.cmd == 0x11110001 &&
	   sh->op.info == 0x99990009 && sh->aer_op.cmd == 0x0c0c);
out:
	pcibk_free(rep);
	pcibk_free(sh);
}

/* ------------------------------------------------ synthetic devices */

#define ST_CFG_SIZE	256
#define ST_BAR0		0xfe000000u
#define ST_BAR0_SIZE	0x4000u

struct st_hw {
	struct pcibk_dev_info info;
	u8 cfg[ST_CFG_SIZE];
	unsigned int writes;
};

static int st_get_info(void *hdev, struct pcibk_dev_info *info)
{
	*info = ((struct st_hw *)hdev)->info;
	return 0;
}

/* BAR0: 64-bit memory, so BAR1 is its upper half. Nothing else. */
static int st_get_res(void *hdev, struct pcibk_res res[PCIBK_NR_RES])
{
	(void)hdev;
	memset(res, 0, sizeof(res[0]) * PCIBK_NR_RES);
	res[0].start = ST_BAR0;
	res[0].size = ST_BAR0_SIZE;
	res[0].flags = PCIBK_RES_MEM | PCIBK_RES_MEM64;
	return 0;
}

static int st_cfg_read(void *hdev, unsigned int off, unsigned int size,
		       u32 *val)
{
	struct st_hw *hw = hdev;
	unsigned int i;

	*val = 0;
	if (off >= ST_CFG_SIZE || size > ST_CFG_SIZE - off)
		return 0x87;	/* PCIBIOS_BAD_REGISTER_NUMBER */
	for (i = 0; i < size; i++)
		*val |= (u32)hw->cfg[off + i] << (8 * i);
	return 0;
}

static int st_cfg_write(void *hdev, unsigned int off, unsigned int size,
			u32 val)
{
	struct st_hw *hw = hdev;
	unsigned int i;

	if (off >= ST_CFG_SIZE || size > ST_CFG_SIZE - off)
		return 0x87;
	for (i = 0; i < size; i++)
		hw->cfg[off + i] = (u8)(val >> (8 * i));
	hw->writes++;
	return 0;
}

/*
 * Only what seizing, config accesses and quirks use. "make check" runs
 * the same paths under ASan, so a new host call on them shows up there
 * as a NULL call before any module does it.
 */
static const struct pcibk_host_ops st_ops = {
	.get_info = st_get_info,
	.get_res = st_get_res,
	.cfg_read = st_cfg_read,
	.cfg_write = st_cfg_write,
};

static void st_put(struct st_hw *hw, unsigned int off, unsigned int size,
		   u32 v)
{
	unsigned int i;

	for (i = 0; i < size; i++)
		hw->cfg[off + i] = (u8)(v >> (8 * i));
}

/*
 * A function at ffff:ff:1f.7 (an address no real device has, so its log
 * lines cannot be mistaken): type 0 with PM at 0x40, MSI (64-bit) at 0x50
 * and MSI-X at 0x70; type 1 with PM only.
 */
static void st_hw_init(struct st_hw *hw, u8 hdr_type)
{
	memset(hw, 0, sizeof(*hw));
	hw->info.seg = 0xffff;
	hw->info.bus = 0xff;
	hw->info.devfn = 0xff;
	hw->info.vendor = 0x1b36;
	hw->info.device = hdr_type ? 0x000c : 0x0010;
	hw->info.hdr_type = hdr_type;
	hw->info.cfg_size = ST_CFG_SIZE;
	hw->info.irq = 11;
	st_put(hw, 0x00, 2, hw->info.vendor);
	st_put(hw, 0x02, 2, hw->info.device);
	st_put(hw, 0x06, 2, 0x0010);		/* capability list */
	st_put(hw, 0x0e, 1, hdr_type);
	st_put(hw, 0x10, 4, ST_BAR0 | 0x4);
	st_put(hw, 0x34, 1, 0x40);
	st_put(hw, 0x40, 2, hdr_type ? 0x0001 : 0x5001);	/* PM */
	st_put(hw, 0x42, 2, 0x0003);
	if (hdr_type)
		return;
	st_put(hw, 0x50, 2, 0x7005);		/* MSI */
	st_put(hw, 0x52, 2, 0x0080);
	st_put(hw, 0x70, 2, 0x0011);		/* MSI-X */
	st_put(hw, 0x72, 2, 0x0003);
}

static bool st_fields_disjoint(const struct pcibk_cfg *c)
{
	unsigned int i, j;

	for (i = 0; i < c->nr; i++)
		for (j = i + 1; j < c->nr; j++)
			if (c->f[i].start < c->f[j].start + c->f[j].size &&
			    c->f[j].start < c->f[i].start + c->f[i].size)
				return false;
	return true;
}

static bool st_fields_shaped(const struct pcibk_dev *d)
{
	const struct pcibk_cfg *c = d->cfg;
	unsigned int i;

	for (i = 0; i < c->nr; i++) {
		const struct pcibk_cfg_field *f = &c->f[i];

		if (f->size != 1 && f->size != 2 && f->size != 4)
			return false;
		if (f->start % f->size || f->size != f->def->size ||
		    f->start + f->size > d->info.cfg_size)
			return false;
		if (f->quirk && f->size < 4 && f->mask >> (8 * f->size))
			return false;
	}
	return true;
}

/* Every field is in its own dword's chain, once; nothing else is. */
static bool st_fields_indexed(const struct pcibk_cfg *c)
{
	unsigned int dw, seen = 0;
	u8 i;

	for (dw = 0; dw < PCIBK_CFG_DWORDS; dw++) {
		for (i = c->head[dw]; i != PCIBK_CFG_NONE; i = c->f[i].next) {
			if (i >= c->nr || c->f[i].start >> 2 != dw ||
			    ++seen > c->nr)
				return false;
		}
	}
	return seen == c->nr;
}

static void st_fields(struct st *st, const struct pcibk_dev *d,
		      const char *what)
{
	ST(st, what, d->cfg && d->cfg->nr > 0);
	if (!d->cfg)
		return;
	ST(st, what, st_fields_shaped(d));
	ST(st, what, st_fields_disjoint(d->cfg));
	ST(st, what, st_fields_indexed(d->cfg));
}

static bool st_field_at(struct pcibk_dev *d, unsigned int off,
			unsigned int size)
{
	struct pcibk_cfg_field *f = pcibk_cfg_overlap(d, off, size);

	return f && f->start == off && f->size == size;
}

/* What a guest reads and writes through the type-0 device. */
static void st_guest(struct st *st, struct pcibk_dev *d, struct st_hw *hw)
{
	u64 denied;
	u32 v;

	ST(st, "cfg caps", st_field_at(d, 0x44, 2));	/* PMCSR */
	ST(st, "cfg caps", st_field_at(d, 0x52, 2));	/* MSI flags */
	ST(st, "cfg caps", st_field_at(d, 0x72, 2));	/* MSI-X flags */
	ST(st, "cfg caps", !pcibk_cfg_overlap(d, 0xa0, 4));

	ST(st, "cfg read", !pcibk_cfg_read(d, 0x00, 2, &v) && v == 0x1b36);
	ST(st, "cfg read", pcibk_cfg_read(d, ST_CFG_SIZE, 4, &v) ==
	   XEN_PCI_ERR_invalid_offset && !v);
	ST(st, "cfg read", pcibk_cfg_read(d, 0x01, 2, &v) ==
	   XEN_PCI_ERR_invalid_offset);
	ST(st, "cfg read", pcibk_cfg_read(d, 0x00, 3, &v) ==
	   XEN_PCI_ERR_invalid_offset);

	/* Read-only: dropped, never on the hardware. */
	ST(st, "cfg write", !pcibk_cfg_write(d, 0x00, 2, 0x1234));
	ST(st, "cfg write", !pcibk_cfg_read(d, 0x00, 4, &v) &&
	   v == 0x00101b36);

	/* BARs: host addresses, sizing answered from the resources. */
	ST(st, "cfg bar", !pcibk_cfg_read(d, 0x10, 4, &v) &&
	   v == (ST_BAR0 | 0x4));
	ST(st, "cfg bar", !pcibk_cfg_write(d, 0x10, 4, 0xffffffff) &&
	   !pcibk_cfg_read(d, 0x10, 4, &v) &&
	   v == ((0u - ST_BAR0_SIZE) | 0x4));
	ST(st, "cfg bar", !pcibk_cfg_write(d, 0x10, 4, 0x12345000) &&
	   !pcibk_cfg_read(d, 0x10, 4, &v) && v == (ST_BAR0 | 0x4));

	/* Unhandled register: denied and recorded, unless permissive. */
	if (!pcibk_cfg_is_permissive(d)) {
		d->cfg->warned = true;	/* no §6.1 warning for a fake */
		denied = pcibk_cfg_denied_total(d);
		ST(st, "cfg write", !pcibk_cfg_write(d, 0xa0, 4, 0xffffffff));
		ST(st, "cfg write", pcibk_cfg_denied_total(d) == denied + 1);
		ST(st, "cfg write", hw->cfg[0xa0] == 0);
	}
	ST(st, "cfg write", hw->writes == 0);
}

static void st_quirks(struct st *st, struct pcibk_dev *d, struct st_hw *hw)
{
	unsigned int nr = d->cfg->nr;
	u32 v;

	ST(st, "quirk", !pcibk_cfg_quirk_add(d, 0xa0, 4, 0xff));
	ST(st, "quirk", pcibk_cfg_quirk_count(d) == 1);
	st_fields(st, d, "quirk fields");
	ST(st, "quirk", pcibk_cfg_quirk_add(d, 0xa2, 2, 0xff) == -EEXIST);
	ST(st, "quirk", pcibk_cfg_quirk_add(d, 0x02, 2, 0xff) == -EEXIST);
	ST(st, "quirk", pcibk_cfg_quirk_add(d, 0xa4, 2, 0x10000) == -EINVAL);
	ST(st, "quirk", pcibk_cfg_quirk_add(d, 0xa5, 2, 0x1) == -EINVAL);
	ST(st, "quirk", pcibk_cfg_quirk_add(d, ST_CFG_SIZE, 4, 0x1) == -EINVAL);
	/* Through the mask only. */
	hw->cfg[0xa1] = 0x5a;
	ST(st, "quirk", !pcibk_cfg_write(d, 0xa0, 4, 0xffffffff) &&
	   !pcibk_cfg_read(d, 0xa0, 4, &v) && v == 0x5aff);
	ST(st, "quirk", !pcibk_cfg_quirk_del(d, 0xa0, 4));
	ST(st, "quirk", pcibk_cfg_quirk_del(d, 0xa0, 4) == -ENOENT);
	ST(st, "quirk", d->cfg->nr == nr && pcibk_cfg_quirk_count(d) == 0);
}

static int st_devices(struct st *st)
{
	struct pcibk_dev *d;
	struct st_hw *hw;
	int rc;

	hw = pcibk_zalloc(sizeof(*hw));
	if (!hw)
		return -ENOMEM;

	st_hw_init(hw, 0);
	rc = pcibk_dev_create(&st_ops, hw, &d);
	if (!ST(st, "type 0 device", !rc))
		goto out;
	ST(st, "type 0 device", !strcmp(d->name, "ffff:ff:1f.7"));
	ST(st, "type 0 device", d->pm_cap == 0x40 && d->msi_cap == 0x50 &&
	   d->msix_cap == 0x70 && !d->vpd_cap);
	st_fields(st, d, "type 0 fields");
	st_guest(st, d, hw);
	st_quirks(st, d, hw);
	pcibk_dev_destroy(d);

	st_hw_init(hw, 1);
	rc = pcibk_dev_create(&st_ops, hw, &d);
	if (!ST(st, "type 1 device", !rc))
		goto out;
	st_fields(st, d, "type 1 fields");
	ST(st, "type 1 device", st_field_at(d, 0x38, 4));	/* ROM */
	ST(st, "type 1 device", !pcibk_cfg_overlap(d, 0x18, 4));
	pcibk_dev_destroy(d);
out:
	pcibk_free(hw);
	return 0;
}

/* ------------------------------------------------------------- grammars */

struct st_bdf_case {
	const char *in;
	int rc;
	long seg, bus, slot, func;
};

#define ST_ANY	PCIBK_BDF_ANY

static const struct st_bdf_case st_bdf_cases[] = {
	{ "0000:00:05.0", 0, 0, 0, 5, 0 },
	{ "00:1f.7\n", 0, 0, 0, 0x1f, 7 },
	{ " \t1:02:03.4 ", 0, 1, 2, 3, 4 },
	{ "ffff:ff:1f.*", 0, 0xffff, 0xff, 0x1f, ST_ANY },
	{ "0A:*.*", 0, 0, 0xa, ST_ANY, ST_ANY },
	{ "00:20.0", -EINVAL, 0, 0, 0, 0 },
	{ "00:00.8", -EINVAL, 0, 0, 0, 0 },
	{ "10000:00:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "0:100:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "00:*.1", -EINVAL, 0, 0, 0, 0 },
	{ "00:05", -EINVAL, 0, 0, 0, 0 },
	{ "00:05.0 x", -EINVAL, 0, 0, 0, 0 },
	{ "0:0:0:0.0", -EINVAL, 0, 0, 0, 0 },
	{ "g0:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "", -EINVAL, 0, 0, 0, 0 },
};

struct st_hide_case {
	const char *in;
	int rc;
	unsigned int n;		/* entries handed to the callback */
	unsigned int err_at;
	bool range;
};

static const struct st_hide_case st_hide_cases[] = {
	{ "", 0, 0, 0, false },
	{ "(0000:00:05.0)", 0, 1, 0, false },
	{ " (00:05.0) ( 00:06.* )\t(0:0:7.0)\n", 0, 3, 0, false },
	{ "(00:05.0", -EINVAL, 0, 0, false },
	{ "(00:05.0)x", -EINVAL, 1, 9, false },
	{ "(00:05.0)(00:20.0)", -EINVAL, 1, 9, true },
	{ "00:05.0", -EINVAL, 0, 0, false },
};

static int st_count(void *ctx, const struct pcibk_bdf *b)
{
	(void)b;
	(*(unsigned int *)ctx)++;
	return 0;
}

static void st_grammars(struct st *st)
{
	struct pcibk_quirk_spec q;
	struct pcibk_bdf b;
	unsigned int i, n, err_at;
	bool range;
	int rc;

	for (i = 0; i < ARRAY_SIZE(st_bdf_cases); i++) {
		const struct st_bdf_case *c = &st_bdf_cases[i];

		rc = pcibk_bdf_parse(c->in, strlen(c->in), &b);
		if (!ST(st, c->in, rc == c->rc) || rc)
			continue;
		ST(st, c->in, b.seg == c->seg && b.bus == c->bus &&
		   b.slot == c->slot && b.func == c->func);
	}
	/* sysfs hands over a length: nothing past it is parsed. */
	ST(st, "bdf len", !pcibk_bdf_parse("00:05.0junk", 7, &b));
	ST(st, "bdf match", !pcibk_bdf_parse("00:05.*", 7, &b) &&
	   pcibk_bdf_match(&b, 0, 0, 0x29) && !pcibk_bdf_match(&b, 0, 0, 0x31) &&
	   !pcibk_bdf_match(&b, 1, 0, 0x29));

	for (i = 0; i < ARRAY_SIZE(st_hide_cases); i++) {
		const struct st_hide_case *c = &st_hide_cases[i];

		n = 0;
		err_at = ~0u;
		rc = pcibk_hide_parse(c->in, st_count, &n, &err_at, &range);
		ST(st, c->in, rc == c->rc && n == c->n);
		if (rc)
			ST(st, c->in, err_at == c->err_at && range == c->range);
	}

	ST(st, "quirk spec", !pcibk_quirk_parse("00:05.0-44:2:ff00", 17, &q) &&
	   q.seg == 0 && q.bus == 0 && q.devfn == 0x28 && q.reg == 0x44 &&
	   q.size == 2 && q.mask == 0xff00);
	ST(st, "quirk spec", pcibk_quirk_parse("00:05.0-45:2:1", 14, &q) ==
	   -EINVAL);
	ST(st, "quirk spec", pcibk_quirk_parse("00:05.0-40:1:100", 16, &q) ==
	   -EINVAL);
}

/* ----------------------------------------------------------- formatters */

static void st_stats(struct st *st)
{
	static const char full[] = "req_conf_read 3\n";
	struct pcibk_dev *d;
	unsigned int lines = 0;
	char *buf;
	int n, i;

	d = pcibk_zalloc(sizeof(*d));
	buf = pcibk_zalloc(2048);
	if (!ST(st, "stats", d && buf))
		goto out;
	d->stats.req[0] = 3;
	d->stats.err[2] = 5;
	d->msix_enabled = true;
	d->msix_nr = 2;
	n = pcibk_dev_stats_show(d, buf, 2048);
	ST(st, "stats", n > 0 && n < 2048 && (size_t)n == strlen(buf));
	ST(st, "stats", !strncmp(buf, full, sizeof(full) - 1));
	ST(st, "stats", strstr(buf, "\nerr_invalid_offset 5\n") &&
	   strstr(buf, "\nmode msix\nvectors 2\nassigned 0\n") &&
	   strstr(buf, "\ndenied_total 0\n"));
	for (i = 0; i < n; i++)
		lines += buf[i] == '\n';
	/* req_* and err_* per kind, then 10 keys of state. */
	ST(st, "stats", lines == PCIBK_STAT_CMDS + PCIBK_STAT_ERRS + 10 &&
	   buf[n - 1] == '\n');
	/* Like scnprintf: a prefix, terminated, len - 1 characters. */
	n = pcibk_dev_stats_show(d, buf, 10);
	ST(st, "stats", n == 9 && buf[9] == 0 && !strncmp(buf, full, 9));
	n = pcibk_dev_stats_show(d, buf, 1);
	ST(st, "stats", n == 0 && buf[0] == 0);
out:
	pcibk_free(buf);
	pcibk_free(d);
}

static void st_misc(struct st *st)
{
	struct pcibk_vaddr va = { .domain = 0, .bus = 0, .devfn = 0x29 };
	char buf[16];

	ST(st, "vaddr", pcibk_vaddr_format(&va, buf, sizeof(buf)) == 13 &&
	   !strcmp(buf, "0000:00:05.01"));
	ST(st, "map_err", pcibk_cfg_map_err(0) == XEN_PCI_ERR_success &&
	   pcibk_cfg_map_err(0x86) == XEN_PCI_ERR_dev_not_found &&
	   pcibk_cfg_map_err(0x87) == XEN_PCI_ERR_invalid_offset &&
	   pcibk_cfg_map_err(0x88) == XEN_PCI_ERR_access_denied &&
	   pcibk_cfg_map_err(0x81) == XEN_PCI_ERR_not_implemented &&
	   pcibk_cfg_map_err(-EIO) == -EIO);
}

int pcibk_selftest(unsigned int *passed, unsigned int *failed)
{
	struct st st = { 0 };
	int rc;

	st_wire(&st);
	rc = st_devices(&st);
	st_grammars(&st);
	st_stats(&st);
	st_misc(&st);
	*passed = st.passed;
	*failed = st.failed;
	if (rc)
		return rc;
	return st.failed ? -EINVAL : 0;
}
