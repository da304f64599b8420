// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The field engine (PROTOCOL.md §6.1, §5; §16 items 15, 20): merging of
 * partial and overlapping accesses, S3, S6, bounds, permissive modes,
 * the once-per-device warning, the denied-write record.
 */
#include "devices.h"
#include "../../xen-pciback/core/cfg_field.h"	/* the engine's internals */

/* ------------------------------------------------------ merge semantics */

static int rd_const(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	(void)d;
	*v = f->val;
	return 0;
}

static int wr_store(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 v)
{
	(void)d;
	f->size_val = v;	/* what the hook got, for the test */
	f->val = v;
	return 0;
}

static int rd_fail(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *v)
{
	(void)d;
	(void)f;
	*v = 0;
	return 0x86;
}

static const struct pcibk_cfg_def def4 = { .size = 4, .read = rd_const,
					   .write = wr_store };
static const struct pcibk_cfg_def def2 = { .size = 2, .read = rd_const,
					   .write = wr_store };
static const struct pcibk_cfg_def def1 = { .size = 1, .read = rd_const,
					   .write = wr_store };
static const struct pcibk_cfg_def def1_noread = { .size = 1,
						  .write = wr_store };
static const struct pcibk_cfg_def def2_fail = { .size = 2, .read = rd_fail,
						.write = wr_store };

TEST(cfg_engine_overlapping_fields_registration_order)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);
	struct pcibk_cfg_field *a, *b, *c;
	u32 v;

	/* Three fields over the dword 0x800: later ones win their bytes. */
	CHECK_EQ(pcibk_cfg_add(d, &def4, 0x800, &a), 0);
	a->val = 0x44332211;
	CHECK_EQ(pcibk_cfg_add(d, &def2, 0x802, &b), 0);
	b->val = 0xbbaa;
	CHECK_EQ(pcibk_cfg_add(d, &def1, 0x801, &c), 0);
	c->val = 0xcc;
	CHECK_EQ(pcibk_cfg_read(d, 0x800, 4, &v), 0);
	CHECK_EQ(v, 0xbbaacc11);
	CHECK_EQ(pcibk_cfg_read(d, 0x802, 2, &v), 0);
	CHECK_EQ(v, 0xbbaa);
	/* Negative shift: a 1-byte read at 0x803 gets a's high byte dropped. */
	CHECK_EQ(pcibk_cfg_read(d, 0x803, 1, &v), 0);
	CHECK_EQ(v, 0xbb);
	CHECK_EQ(pcibk_cfg_read(d, 0x801, 1, &v), 0);
	CHECK_EQ(v, 0xcc);
	fix_fini(&f);
}

TEST(cfg_engine_write_merges_into_field_width)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);
	struct pcibk_cfg_field *a, *b;

	CHECK_EQ(pcibk_cfg_add(d, &def4, 0x900, &a), 0);
	a->val = 0x44332211;
	CHECK_EQ(pcibk_cfg_write(d, 0x902, 1, 0xee), 0);
	CHECK_EQ(a->size_val, 0x44ee2211);
	CHECK_EQ(pcibk_cfg_write(d, 0x900, 2, 0xabcd), 0);
	CHECK_EQ(a->size_val, 0x44eeabcd);
	/* A 4-byte write over a 2-byte field gets only its bytes. */
	CHECK_EQ(pcibk_cfg_add(d, &def2, 0x906, &b), 0);
	b->val = 0x1111;
	CHECK_EQ(pcibk_cfg_write(d, 0x904, 4, 0x99887766), 0);
	CHECK_EQ(b->size_val, 0x9988);
	fix_fini(&f);
}

TEST(cfg_engine_field_without_read_hook_merges_zero)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);
	struct pcibk_cfg_field *a;
	u32 v;

	sim_hw_write(f.sd[0], 0xa00, 4, 0x12345678);
	CHECK_EQ(pcibk_cfg_add(d, &def1_noread, 0xa01, &a), 0);
	CHECK_EQ(pcibk_cfg_read(d, 0xa00, 4, &v), 0);
	CHECK_EQ(v, 0x12340078);
	CHECK_EQ(pcibk_cfg_write(d, 0xa00, 4, 0xffffffff), 0);
	CHECK_EQ(a->val, 0xff);
	/* Handled: the other bytes were dropped, not written raw. */
	CHECK_EQ(dt_hw(&f, 0xa00, 4), 0x12345678);
	fix_fini(&f);
}

TEST(cfg_engine_failing_field_read_aborts_write)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);
	struct pcibk_cfg_field *a;
	u32 v = 1;

	CHECK_EQ(pcibk_cfg_add(d, &def2_fail, 0xb00, &a), 0);
	CHECK_EQ(pcibk_cfg_write(d, 0xb00, 2, 0x1234), XEN_PCI_ERR_dev_not_found);
	CHECK_EQ(a->size_val, 0);
	CHECK_EQ(pcibk_cfg_read(d, 0xb00, 4, &v), XEN_PCI_ERR_dev_not_found);
	CHECK_EQ(v, 0);
	fix_fini(&f);
}

TEST(cfg_engine_s6_first_error_wins)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	/* The hardware read fails first; the field reads would succeed. */
	sim_fail(f.h, SIM_CFG_READ, 1, -EIO);
	CHECK_EQ(dt_op(&f, XEN_PCI_OP_conf_read, 0x04, 4, 0), -EIO);
	CHECK_EQ(fix_value(&f), 0);
	/* ids are the core's own, but a device that is gone is still read */
	f.h->devs[0]->gone = true;
	sim_fail(f.h, SIM_CFG_READ, 1, -EIO);
	CHECK_EQ(dt_op(&f, XEN_PCI_OP_conf_read, 0x00, 4, 0), -EIO);
	CHECK_EQ(fix_value(&f), 0);
	f.h->devs[0]->gone = false;
	sim_fail(f.h, SIM_CFG_READ, 1, 0x87);
	CHECK_EQ(dt_op(&f, XEN_PCI_OP_conf_read, 0x3c, 4, 0),
		 XEN_PCI_ERR_invalid_offset);
	/*
	 * The field's own read fails: COMMAND reads the hardware after the
	 * first read when the guest's access does not cover all of it.
	 */
	sim_fail(f.h, SIM_CFG_READ, 2, 0x88);
	CHECK_EQ(dt_op(&f, XEN_PCI_OP_conf_read, 0x05, 1, 0),
		 XEN_PCI_ERR_access_denied);
	sim_fail_clear(f.h);
	(void)d;
	fix_fini(&f);
}

TEST(cfg_engine_map_err_rows)
{
	static const int rows[][2] = {
		{ 0x00, 0 }, { 0x86, -1 }, { 0x87, -2 }, { 0x88, -3 },
		{ 0x81, -4 }, { 0x89, 0x89 }, { -5, -5 }, { -EIO, -EIO },
		{ -ENOMEM, -ENOMEM }, { 0x83, 0x83 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++)
		CHECK_EQ(pcibk_cfg_map_err(rows[i][0]), rows[i][1]);
}

TEST(cfg_engine_direct_bounds)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_xhci);
	unsigned long calls = f.h->total_calls;
	u32 v;

	CHECK_EQ(pcibk_cfg_read(d, 0x100, 4, &v), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_read(d, 0xfe, 4, &v), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_read(d, 0x01, 2, &v), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_read(d, 0x00, 3, &v), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_read(d, 0xffffffffu, 1, &v), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_write(d, 0x100, 1, 0), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_write(d, 0x02, 4, 0), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_write(d, 0x00, 0, 0), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(f.h->total_calls, calls);
	CHECK_EQ(pcibk_cfg_read(d, 0xff, 1, &v), 0);
	fix_fini(&f);
}

TEST(cfg_engine_write_value_truncated_to_size)
{
	struct fix f;

	dt_start(&f, dev_nic);
	/* Upper garbage in a 1-byte write must not reach LATENCY/BIST. */
	CHECK_EQ(pcibk_cfg_write(f.d[0], 0x0c, 1, 0xffffff20), 0);
	CHECK_EQ(dt_hw(&f, 0x0c, 1), 0x20);
	CHECK_EQ(dt_hw(&f, 0x0d, 1), 0);
	fix_fini(&f);
}

/* ------------------------------------------------- unhandled, permissive */

TEST(cfg_engine_unhandled_dropped_and_warned_once)
{
	struct fix f;
	unsigned long un;

	dt_start(&f, dev_nic);
	un = sim_log_unlimited;
	CHECK_EQ(dt_write(&f, 0x06, 2, 0xffff), 0);
	CHECK(sim_log_unlimited > un);
	CHECK_EQ(f.sd[0]->cfg_writes, 0);
	un = sim_log_unlimited;
	CHECK_EQ(dt_write(&f, 0x2c, 4, 0), 0);
	CHECK_EQ(dt_write(&f, 0x06, 2, 0xffff), 0);
	CHECK_EQ(dt_write(&f, 0x100, 4, 0), 0);
	CHECK_EQ(sim_log_unlimited, un);
	CHECK_EQ(f.sd[0]->cfg_writes, 0);
	fix_fini(&f);
}

TEST(cfg_engine_warning_text)
{
	struct fix f;
	unsigned long lines;

	dt_start(&f, dev_nic);
	lines = sim_log_lines;
	CHECK_EQ(dt_write(&f, 0x08, 1, 0x05), 0);
	/* The §6.1 sentence, then the two hints; the last names xen-devel. */
	CHECK_EQ(sim_log_lines, lines + 3);
	CHECK(strstr(sim_log_last, "xen-devel") != NULL);
	fix_fini(&f);
}

TEST(cfg_engine_warning_once_per_device)
{
	struct fix f;
	unsigned long lines;

	fix_init(&f, true);
	fix_add(&f, dev_nic(f.h, 3, 0), true);
	fix_add(&f, dev_xhci(f.h, 4, 0), true);
	lines = sim_log_lines;
	CHECK_EQ(pcibk_cfg_write(f.d[0], 0x06, 2, 0), 0);
	CHECK_EQ(pcibk_cfg_write(f.d[0], 0x06, 2, 0), 0);
	CHECK_EQ(pcibk_cfg_write(f.d[1], 0x06, 2, 0), 0);
	CHECK_EQ(pcibk_cfg_write(f.d[1], 0x08, 1, 0), 0);
	CHECK_EQ(sim_log_lines, lines + 6);
	fix_fini(&f);
}

TEST(cfg_engine_per_device_permissive_raw)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	CHECK(!pcibk_cfg_is_permissive(d));
	CHECK_EQ(pcibk_cfg_set_permissive(d), 0);
	CHECK(pcibk_cfg_is_permissive(d));
	CHECK_EQ(dt_write(&f, 0x06, 2, 0xffff), 0);
	CHECK_EQ(dt_write(&f, 0x100, 4, 0), 0);
	CHECK_EQ(f.sd[0]->cfg_writes, 2);
	CHECK_EQ(pcibk_cfg_denied_total(d), 0);
	fix_fini(&f);
}

TEST(cfg_engine_set_permissive_logs_once)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned long lines = sim_log_lines;

	CHECK_EQ(pcibk_cfg_set_permissive(d), 0);
	CHECK_EQ(sim_log_lines, lines + 2);
	CHECK(strstr(sim_log_last, "permissive mode is potentially unsafe!") != NULL);
	CHECK_EQ(pcibk_cfg_set_permissive(d), 0);
	CHECK_EQ(sim_log_lines, lines + 2);
	/* Kept across detach (upstream behaviour). */
	fix_release(&f, d);
	CHECK(d->permissive);
	fix_fini(&f);
}

TEST(cfg_engine_global_permissive_raw)
{
	struct fix f;

	dt_start(&f, dev_nic);
	pcibk_permissive = true;
	CHECK_EQ(dt_write(&f, 0x2c, 2, 0xabcd), 0);
	pcibk_permissive = false;
	CHECK_EQ(f.sd[0]->cfg_writes, 1);
	CHECK_EQ(dt_write(&f, 0x2c, 2, 0xabcd), 0);
	CHECK_EQ(f.sd[0]->cfg_writes, 1);
	fix_fini(&f);
}

TEST(cfg_engine_permissive_host_error_mapped)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	d->permissive = true;
	sim_fail(f.h, SIM_CFG_WRITE, 1, 0x87);
	CHECK_EQ(dt_write(&f, 0x06, 2, 0), XEN_PCI_ERR_invalid_offset);
	sim_fail(f.h, SIM_CFG_WRITE, 1, 0x88);
	CHECK_EQ(dt_write(&f, 0x0c, 1, 0), XEN_PCI_ERR_access_denied);
	sim_fail_clear(f.h);
	fix_fini(&f);
}

TEST(cfg_engine_dword_write_multiple_fields)
{
	struct fix f;

	dt_start(&f, dev_nic);
	sim_hw_write(f.sd[0], 0x0f, 1, 0x80);
	/* CACHE_LINE written, LATENCY dropped, HEADER_TYPE dropped, BIST 0x40. */
	CHECK_EQ(dt_write(&f, 0x0c, 4, 0x40ff4008), 0);
	CHECK_EQ(dt_hw(&f, 0x0c, 1), 0x08);
	CHECK_EQ(dt_hw(&f, 0x0d, 1), 0x00);
	CHECK_EQ(dt_hw(&f, 0x0e, 1), 0x00);
	CHECK_EQ(dt_hw(&f, 0x0f, 1), 0xc0);
	fix_fini(&f);
}

/* ------------------------------------------------------- denied record */

TEST(cfg_denied_record_counts_and_order)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	struct pcibk_cfg_denied e[PCIBK_CFG_DENIED_SLOTS];
	unsigned int n;

	dt_write(&f, 0x06, 2, 0);
	dt_write(&f, 0x06, 2, 0);
	dt_write(&f, 0x2c, 4, 0);
	dt_write(&f, 0x06, 2, 0);
	dt_write(&f, 0x06, 1, 0);
	dt_write(&f, d->msi_cap + 2, 2, 0x0181);	/* refused: -3 */
	CHECK_EQ(pcibk_cfg_denied_total(d), 6);
	n = pcibk_cfg_denied(d, e, ARRAY_SIZE(e));
	CHECK_EQ(n, 4);
	CHECK_EQ(e[0].off, d->msi_cap + 2);
	CHECK_EQ(e[0].size, 2);
	CHECK_EQ(e[0].count, 1);
	CHECK_EQ(e[1].off, 0x06);
	CHECK_EQ(e[1].size, 1);
	CHECK_EQ(e[2].off, 0x06);
	CHECK_EQ(e[2].size, 2);
	CHECK_EQ(e[2].count, 3);
	CHECK_EQ(e[3].off, 0x2c);
	CHECK_EQ(e[3].count, 1);
	CHECK_EQ(pcibk_cfg_denied(d, e, 2), 2);
	CHECK_EQ(e[1].off, 0x06);
	fix_fini(&f);
}

TEST(cfg_denied_record_bounded)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);
	struct pcibk_cfg_denied e[PCIBK_CFG_DENIED_SLOTS + 4];
	unsigned int i, n;

	for (i = 0; i < 100; i++)
		dt_write(&f, 0x400 + 4 * i, 4, 0);
	dt_write(&f, 0x400 + 4 * 99, 4, 0);
	CHECK_EQ(pcibk_cfg_denied_total(d), 101);
	n = pcibk_cfg_denied(d, e, ARRAY_SIZE(e));
	CHECK_EQ(n, PCIBK_CFG_DENIED_SLOTS);
	/* The most recent distinct ones, newest first. */
	CHECK_EQ(e[0].off, 0x400 + 4 * 99);
	CHECK_EQ(e[0].count, 2);
	for (i = 1; i < n; i++)
		CHECK_EQ(e[i].off, 0x400 + 4 * (99 - i));
	pcibk_cfg_denied_clear(d);
	CHECK_EQ(pcibk_cfg_denied_total(d), 0);
	CHECK_EQ(pcibk_cfg_denied(d, e, ARRAY_SIZE(e)), 0);
	fix_fini(&f);
}

TEST(cfg_denied_not_in_permissive_nor_handled_drops)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	/* Writes to fields (even read-only ones) are not "denied". */
	dt_write(&f, 0x00, 4, 0);
	dt_write(&f, 0x3c, 1, 0);
	dt_write(&f, 0x10, 4, 0x1000);
	CHECK_EQ(pcibk_cfg_denied_total(d), 0);
	d->permissive = true;
	dt_write(&f, 0x06, 2, 0);
	CHECK_EQ(pcibk_cfg_denied_total(d), 0);
	fix_fini(&f);
}

TEST(cfg_denied_show_format)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	char buf[256], small[12];

	dt_write(&f, 0x06, 2, 0);
	dt_write(&f, 0x06, 2, 0);
	dt_write(&f, 0x104, 4, 0);
	CHECK_EQ(pcibk_cfg_denied_show(d, buf, sizeof(buf)),
		 (int)strlen("total 3\n104:4:1\n006:2:2\n"));
	CHECK(strcmp(buf, "total 3\n104:4:1\n006:2:2\n") == 0);
	CHECK_EQ(pcibk_cfg_denied_show(d, small, sizeof(small)), 11);
	CHECK(strcmp(small, "total 3\n104") == 0);
	fix_fini(&f);
}

TEST(cfg_denied_kept_across_detach)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);

	dt_write(&f, 0x06, 2, 0);
	fix_release(&f, d);
	CHECK_EQ(pcibk_cfg_denied_total(d), 1);
	fix_fini(&f);
}

/* --------------------------------------------------- init and lifecycle */

TEST(cfg_engine_init_failure_frees_everything)
{
	struct fix f;
	struct pcibk_dev *d = NULL;
	struct sim_dev *sd;
	long allocs;
	unsigned long n;

	fix_init(&f, true);
	sd = dev_nic(f.h, 3, 0);
	allocs = sim_allocs_out;
	/* Fail each config read of seize time in turn; none may leak. */
	for (n = 1; n < 40; n++) {
		sim_fail(f.h, SIM_CFG_READ, n, -EIO);
		if (!pcibk_dev_create(&sim_ops, sd, &d))
			pcibk_dev_destroy(d);
		CHECK_EQ(sim_allocs_out, allocs);
	}
	sim_fail_clear(f.h);
	fix_fini(&f);
}

TEST(cfg_engine_reset_without_state_is_safe)
{
	struct pcibk_dev d;
	u32 v;

	memset(&d, 0, sizeof(d));
	d.info.cfg_size = 256;
	pcibk_cfg_reset(&d);
	pcibk_cfg_free(&d);
	CHECK_EQ(pcibk_cfg_read(&d, 0, 4, &v), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_write(&d, 0, 4, 0), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(pcibk_cfg_set_permissive(&d), -ENXIO);
	CHECK_EQ(pcibk_cfg_set_strict(&d, true), -ENXIO);
	CHECK_EQ(pcibk_cfg_quirk_add(&d, 0x40, 4, 0), -ENXIO);
	CHECK_EQ(pcibk_cfg_quirk_del(&d, 0x40, 4), -ENOENT);
	CHECK_EQ(pcibk_cfg_denied_total(&d), 0);
	CHECK_EQ(pcibk_cfg_quirk_count(&d), 0);
}

/*
 * At most one hardware access per guest read: the fields that need the
 * hardware value (COMMAND, interrupt pin, capability registers) reuse
 * the bytes the guest's read just fetched; a field wider than the access
 * reads its own; a read made only of the core's own values (ids, BARs,
 * interrupt line) reads nothing while the device is present. The values
 * are those of separate reads.
 */
TEST(cfg_engine_one_hw_read_per_access)
{
	static const struct {
		u16 off;
		u8 size;
		unsigned long reads;
	} rows[] = {
		{ 0x00, 4, 0 }, { 0x02, 2, 0 }, { 0x10, 4, 0 }, { 0x3c, 1, 0 },
		{ 0x04, 2, 1 }, { 0x04, 4, 1 }, { 0x08, 4, 1 }, { 0x3c, 4, 1 },
		{ 0x3d, 1, 1 }, { 0x0c, 4, 1 }, { 0x2c, 4, 1 },
		{ 0x05, 1, 2 },	/* COMMAND's high byte: the field reads both */
	};
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	struct sim_dev *sd = f.h->devs[0];
	unsigned int i;
	u32 v, hw;

	for (i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		unsigned long before = sd->calls[SIM_CFG_READ];

		CHECK_EQ(pcibk_cfg_read(d, rows[i].off, rows[i].size, &v), 0);
		CHECK_EQ(sd->calls[SIM_CFG_READ] - before, rows[i].reads);
		/* gone: every read goes to the hardware, for its error */
		sd->gone = true;
		before = sd->calls[SIM_CFG_READ];
		CHECK_EQ(pcibk_cfg_read(d, rows[i].off, rows[i].size, &v), 0);
		CHECK(sd->calls[SIM_CFG_READ] - before >= 1);
		sd->gone = false;
	}
	CHECK_EQ(pcibk_cfg_read(d, 0x00, 4, &v), 0);
	CHECK_EQ(v, (u32)sd->info.device << 16 | sd->info.vendor);
	/* the reused bytes are the hardware's: pin, COMMAND's guest bits */
	CHECK_EQ(pcibk_cfg_read(d, 0x3d, 1, &v), 0);
	CHECK_EQ(v, sim_hw_read(sd, 0x3d, 1));
	CHECK_EQ(pcibk_cfg_read(d, 0x3c, 4, &v), 0);
	CHECK_EQ(v >> 8, sim_hw_read(sd, 0x3d, 3));
	hw = sim_hw_read(sd, 0x04, 2);
	CHECK_EQ(pcibk_cfg_read(d, 0x04, 2, &v), 0);
	CHECK_EQ(v & 0x02bc, hw & 0x02bc);
	/* a write's hooks read the hardware themselves */
	CHECK_EQ(pcibk_cfg_write(d, 0x0c, 1, 0x10), 0);
	CHECK_EQ(pcibk_cfg_read(d, 0x0c, 1, &v), 0);
	CHECK_EQ(v, sim_hw_read(sd, 0x0c, 1));
	fix_fini(&f);
}
