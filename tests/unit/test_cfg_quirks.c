// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Quirks (PROTOCOL.md §6.6, §9; §16 item 21): the grammar, every
 * validation error, raw pass-through without permissive, the MASK rule,
 * the exact "quirks" output and the chosen lifetime (kept across
 * re-assignment until removed or unbind).
 */
#include "devices.h"

static int parse(const char *s, struct pcibk_quirk_spec *q)
{
	memset(q, 0xa5, sizeof(*q));
	return pcibk_quirk_parse(s, strlen(s), q);
}

TEST(cfg_quirk_parse_valid_forms)
{
	static const struct {
		const char *s;
		u16 seg;
		u8 bus, devfn;
		u16 reg;
		u8 size;
		u32 mask;
	} ok[] = {
		{ "0000:03:00.0-e0:2:ff", 0, 3, 0x00, 0xe0, 2, 0xff },
		{ "00:19.0-E0:2:FF", 0, 0, 0xc8, 0xe0, 2, 0xff },
		{ "  \t0001:ff:1f.7-ffc:4:ffffffff\n", 1, 0xff, 0xff, 0xffc, 4,
		  0xffffffff },
		{ "3:0.1-10:1:0", 0, 3, 0x01, 0x10, 1, 0 },
		{ "ffff:00:02.3-100:4:0x1234", 0xffff, 0, 0x13, 0x100, 4, 0x1234 },
		{ "0000:03:00.0-0x44:0x2:0xffff \n", 0, 3, 0, 0x44, 2, 0xffff },
		{ "0000:03:00.0-fff:1:80", 0, 3, 0, 0xfff, 1, 0x80 },
	};
	struct pcibk_quirk_spec q;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(ok); i++) {
		CHECK_EQ(parse(ok[i].s, &q), 0);
		CHECK_EQ(q.seg, ok[i].seg);
		CHECK_EQ(q.bus, ok[i].bus);
		CHECK_EQ(q.devfn, ok[i].devfn);
		CHECK_EQ(q.reg, ok[i].reg);
		CHECK_EQ(q.size, ok[i].size);
		CHECK_EQ(q.mask, ok[i].mask);
	}
}

TEST(cfg_quirk_parse_errors)
{
	static const char *const bad[] = {
		"", " ", "\n", "0000:03:00.0", "0000:03:00.0-", "0000:03:00.0-e0",
		"0000:03:00.0-e0:2", "0000:03:00.0-e0:2:", "03:00-e0:2:ff",
		"0000:03:00.0-1000:1:0",	/* REG > 0xfff */
		"0000:03:00.0-e0:3:0",		/* SIZE not 1, 2, 4 */
		"0000:03:00.0-e0:0:0", "0000:03:00.0-e0:8:0",
		"0000:03:00.0-e1:2:0",		/* misaligned */
		"0000:03:00.0-e2:4:0", "0000:03:00.0-fff:2:0",
		"0000:03:00.0-e0:1:100",	/* mask wider than size */
		"0000:03:00.0-e0:2:10000",
		"0000:03:00.0-e0:2:ff junk", "0000:03:00.0-e0:2:ffx",
		"10000:03:00.0-e0:2:ff", "0000:100:00.0-e0:2:ff",
		"0000:03:20.0-e0:2:ff", "0000:03:00.8-e0:2:ff",
		"0000:03:00.0-e0:2:1ffffffff", "0000:03:00.0-e0:2:-1",
		"x0000:03:00.0-e0:2:ff", "0000;03:00.0-e0:2:ff",
		"0000:03:00.0:e0:2:ff", "0000:03:00.0-e0-2-ff",
	};
	struct pcibk_quirk_spec q;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		if (parse(bad[i], &q) != -EINVAL)
			t_fail(__FILE__, __LINE__, "accepted \"%s\"", bad[i]);
		t_checks++;
	}
}

TEST(cfg_quirk_parse_respects_length)
{
	struct pcibk_quirk_spec q;
	const char *s = "0000:03:00.0-e0:2:ffGARBAGE";

	CHECK_EQ(pcibk_quirk_parse(s, 20, &q), 0);
	CHECK_EQ(q.mask, 0xff);
	CHECK_EQ(pcibk_quirk_parse(s, 21, &q), -EINVAL);
	CHECK_EQ(pcibk_quirk_parse(s, 10, &q), -EINVAL);
}

TEST(cfg_quirk_add_validation_codes)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_xhci);	/* 256 bytes */

	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x100, 4, 0), -EINVAL);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xfe, 4, 0), -EINVAL);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa9, 2, 0), -EINVAL);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 3, 0), -EINVAL);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 1, 0x100), -EINVAL);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x1000, 1, 0), -EINVAL);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xfc, 4, 0), 0);
	CHECK_EQ(pcibk_cfg_quirk_count(d), 1);
	fix_fini(&f);
}

TEST(cfg_quirk_overlap_eexist)
{
	static const struct { u16 reg; u8 size; } clash[] = {
		{ 0x00, 4 }, { 0x00, 1 }, { 0x03, 1 }, { 0x04, 4 }, { 0x05, 1 },
		{ 0x0c, 4 }, { 0x0f, 1 }, { 0x10, 4 }, { 0x12, 2 }, { 0x30, 4 },
		{ 0x3c, 4 }, { 0x3d, 1 },
	};
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(clash); i++)
		CHECK_EQ(pcibk_cfg_quirk_add(d, clash[i].reg, clash[i].size, 0),
			 -EEXIST);
	/* Capability fields. */
	CHECK_EQ(pcibk_cfg_quirk_add(d, d->pm_cap + 4u, 2, 0), -EEXIST);
	CHECK_EQ(pcibk_cfg_quirk_add(d, d->pm_cap + 4u, 4, 0), -EEXIST);
	CHECK_EQ(pcibk_cfg_quirk_add(d, d->msi_cap, 4, 0), -EEXIST);
	CHECK_EQ(pcibk_cfg_quirk_add(d, d->msix_cap + 2u, 2, 0), -EEXIST);
	CHECK_EQ(pcibk_cfg_quirk_add(d, d->vpd_cap + 4u, 4, 0), -EEXIST);
	/* Free registers next to them are fine. */
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x08, 4, 0), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x06, 2, 0), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x3e, 2, 0), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, d->msi_cap + 4u, 4, 0), 0);
	/* Another quirk: exact and partial overlaps. */
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x08, 4, 0), -EEXIST);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x0a, 2, 0), -EEXIST);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x09, 1, 0), -EEXIST);
	CHECK_EQ(pcibk_cfg_quirk_count(d), 4);
	fix_fini(&f);
}

TEST(cfg_quirk_limit_enospc)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);
	unsigned int i;

	for (i = 0; i < PCIBK_CFG_MAX_QUIRKS; i++)
		CHECK_EQ(pcibk_cfg_quirk_add(d, 0x800 + 4 * i, 4, 0), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xf00, 4, 0), -ENOSPC);
	CHECK_EQ(pcibk_cfg_quirk_count(d), PCIBK_CFG_MAX_QUIRKS);
	fix_fini(&f);
}

/* A vendor register 0xa8 the xHCI builder leaves writable in these tests. */
static struct pcibk_dev *xhci_with_reg(struct fix *f)
{
	struct pcibk_dev *d = dt_start(f, dev_xhci);

	memset(&f->sd[0]->wmask[0xa8], 0xff, 4);
	return d;
}

TEST(cfg_quirk_raw_without_permissive)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);

	/* Without the quirk, the write is dropped. */
	CHECK_EQ(dt_write(&f, 0xa8, 4, 0x12345678), 0);
	CHECK_EQ(dt_hw(&f, 0xa8, 4), 0x00000800);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 4, 0xffffffff), 0);
	CHECK_EQ(dt_write(&f, 0xa8, 4, 0x12345678), 0);
	CHECK_EQ(dt_hw(&f, 0xa8, 4), 0x12345678);
	CHECK_EQ(dt_read(&f, 0xa8, 4), 0x12345678);
	CHECK_EQ(dt_read(&f, 0xaa, 2), 0x1234);
	CHECK(!d->permissive && !pcibk_permissive);
	fix_fini(&f);
}

TEST(cfg_quirk_mask_rows)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);
	const struct dt_row rows[] = {
		{ 0xa8, 4, false, 0xffffffff, 0, 0x0000ff00, 0x0000ff00 },
		{ 0xa8, 4, false, 0x00000000, 0, 0x00000000, 0x00000000 },
		{ 0xa8, 4, false, 0x12345678, 0, 0x00005600, 0x00005600 },
		/* A byte write merges with the raw read first. */
		{ 0xa9, 1, false, 0xab, 0, 0xab, 0xab },
		{ 0xa8, 1, false, 0xff, 0, 0x00, 0x00 },
		{ 0xaa, 2, false, 0xffff, 0, 0x0000, 0x0000 },
		{ 0xa8, 4, false, 0xffffffff, 0, 0x0000ff00, 0x0000ff00 },
	};

	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 4, 0x0000ff00), 0);
	sim_hw_write(f.sd[0], 0xa8, 4, 0);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_quirk_mask_zero_keeps_hw)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);

	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 2, 0), 0);
	CHECK_EQ(dt_write(&f, 0xa8, 2, 0xffff), 0);
	CHECK_EQ(dt_hw(&f, 0xa8, 2), 0x0800);
	fix_fini(&f);
}

TEST(cfg_quirk_byte_and_word_sizes)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);
	const struct dt_row rows[] = {
		{ 0xa8, 1, false, 0xff, 0, 0x0f, 0x0f },
		{ 0xaa, 2, false, 0xffff, 0, 0xffff, 0xffff },
		{ 0xa8, 4, false, 0, 0, 0x00000800, 0x00000800 },
	};

	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 1, 0x0f), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xaa, 2, 0xffff), 0);
	sim_hw_write(f.sd[0], 0xa8, 1, 0);
	DT_ROWS(&f, rows);
	fix_fini(&f);
}

TEST(cfg_quirk_extended_space)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nvme);

	memset(&f.sd[0]->wmask[0x800], 0xff, 4);
	CHECK_EQ(dt_write(&f, 0x800, 4, 0xabcd), 0);
	CHECK_EQ(dt_hw(&f, 0x800, 4), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x800, 4, 0xffff), 0);
	CHECK_EQ(dt_write(&f, 0x800, 4, 0x1234abcd), 0);
	CHECK_EQ(dt_hw(&f, 0x800, 4), 0xabcd);
	fix_fini(&f);
}

TEST(cfg_quirk_works_in_strict_hidden_area)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);

	CHECK_EQ(pcibk_cfg_set_strict(d, true), 0);
	CHECK_EQ(dt_read(&f, 0xa8, 4), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 4, 0xffffffff), 0);
	CHECK_EQ(dt_read(&f, 0xa8, 4), 0x800);
	CHECK_EQ(dt_write(&f, 0xa8, 4, 0x5), 0);
	CHECK_EQ(dt_hw(&f, 0xa8, 4), 0x5);
	CHECK_EQ(dt_read(&f, 0xac, 4), 0);
	fix_fini(&f);
}

TEST(cfg_quirk_lifetime_kept_across_detach)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);

	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 4, 0xffffffff), 0);
	fix_release(&f, d);
	CHECK_EQ(pcibk_cfg_quirk_count(d), 1);
	CHECK_EQ(pcibk_guest_export(f.g, d), 0);
	CHECK_EQ(dt_write(&f, 0xa8, 4, 0x77), 0);
	CHECK_EQ(dt_hw(&f, 0xa8, 4), 0x77);
	fix_fini(&f);
}

TEST(cfg_quirk_remove)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);

	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 4, 0xffffffff), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xb0, 2, 0xffff), 0);
	CHECK_EQ(pcibk_cfg_quirk_del(d, 0xa8, 2), -ENOENT);
	CHECK_EQ(pcibk_cfg_quirk_del(d, 0x04, 2), -ENOENT);	/* not a quirk */
	CHECK_EQ(pcibk_cfg_quirk_del(d, 0xa8, 4), 0);
	CHECK_EQ(pcibk_cfg_quirk_del(d, 0xa8, 4), -ENOENT);
	CHECK_EQ(pcibk_cfg_quirk_count(d), 1);
	/* Gone: writes are dropped again; the other quirk still works. */
	CHECK_EQ(dt_write(&f, 0xa8, 4, 0x77), 0);
	CHECK_EQ(dt_hw(&f, 0xa8, 4), 0x800);
	CHECK_EQ(dt_read(&f, 0x04, 2), 0);	/* header still handled */
	CHECK_EQ(dt_read(&f, 0x00, 4), 0xa36d8086);
	pcibk_cfg_quirk_del_all(d);
	CHECK_EQ(pcibk_cfg_quirk_count(d), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xa8, 4, 0), 0);
	fix_fini(&f);
}

static const char plain_fields[] =
	"\t\t00000000:2:00000000\n\t\t00000002:2:00000000\n"
	"\t\t00000004:2:00000000\n\t\t0000000c:1:00000000\n"
	"\t\t0000000d:1:00000000\n\t\t0000000f:1:00000000\n"
	"\t\t00000010:4:00000000\n\t\t00000014:4:00000000\n"
	"\t\t00000018:4:00000000\n\t\t0000001c:4:00000000\n"
	"\t\t00000020:4:00000000\n\t\t00000024:4:00000000\n"
	"\t\t00000030:4:00000000\n\t\t0000003c:1:00000000\n"
	"\t\t0000003d:1:00000000\n";

TEST(cfg_quirk_show_exact_format)
{
	struct fix f;
	struct pcibk_dev *d;
	char buf[2048], want[2048];
	int n;

	fix_init(&f, true);
	d = fix_add(&f, dev_plain(f.h, 0x0a, 0x1b), true);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0xe0, 4, 0xffffffff), 0);
	CHECK_EQ(pcibk_cfg_quirk_add(d, 0x41, 1, 0x3), 0);
	n = pcibk_cfg_quirks_show(d, buf, sizeof(buf));
	snprintf(want, sizeof(want),
		 "0a:03.3\n\t1af4:1000:1af4:1000\n%s"
		 "\t\t000000e0:4:ffffffff\n\t\t00000041:1:00000003\n",
		 plain_fields);
	CHECK(strcmp(buf, want) == 0);
	CHECK_EQ(n, (int)strlen(want));
	fix_fini(&f);
}

TEST(cfg_quirk_show_truncates)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_plain);
	char buf[16];
	int n;

	memset(buf, 'x', sizeof(buf));
	n = pcibk_cfg_quirks_show(d, buf, sizeof(buf));
	CHECK_EQ(n, 15);
	CHECK_EQ(buf[15], '\0');
	CHECK(strncmp(buf, "03:00.0\n\t1af4:1", 15) == 0);
	CHECK_EQ(pcibk_cfg_quirks_show(d, buf, 0), 0);
	fix_fini(&f);
}

TEST(cfg_quirk_show_lists_caps)
{
	struct fix f;
	struct pcibk_dev *d = dt_start(&f, dev_nic);
	char buf[4096], line[64];

	pcibk_cfg_quirks_show(d, buf, sizeof(buf));
	snprintf(line, sizeof(line), "\t\t%08x:2:00000000\n", d->pm_cap + 4);
	CHECK(strstr(buf, line) != NULL);
	snprintf(line, sizeof(line), "\t\t%08x:2:00000000\n", d->msix_cap + 2);
	CHECK(strstr(buf, line) != NULL);
	snprintf(line, sizeof(line), "\t\t%08x:4:00000000\n", d->vpd_cap + 4);
	CHECK(strstr(buf, line) != NULL);
	CHECK(strncmp(buf, "03:00.0\n\t8086:1521:15d9:1521\n", 29) == 0);
	fix_fini(&f);
}

TEST(cfg_quirk_parse_then_add)
{
	struct fix f;
	struct pcibk_dev *d = xhci_with_reg(&f);
	struct pcibk_quirk_spec q;

	CHECK_EQ(parse(" 0000:03:00.0-a8:4:ff\n", &q), 0);
	CHECK_EQ(q.seg, d->info.seg);
	CHECK_EQ(q.bus, d->info.bus);
	CHECK_EQ(q.devfn, d->info.devfn);
	CHECK_EQ(pcibk_cfg_quirk_add(d, q.reg, q.size, q.mask), 0);
	CHECK_EQ(dt_write(&f, 0xa8, 4, 0xffffffff), 0);
	CHECK_EQ(dt_hw(&f, 0xa8, 4), 0x8ff);
	fix_fini(&f);
}
