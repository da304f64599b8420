// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The op engine: lookup, bounds, unknown commands, single fetch and the
 * write-back set (PROTOCOL.md §3.2, §4, §16 items 2-4, 8-10).
 */
#include "fix.h"

#define NIC	0x00	/* vpci 00:00.0 */

static void setup(struct fix *f)
{
	fix_init(f, false);
	fix_add(f, fix_nic(f->h, 3, 0), true);
	CHECK_EQ(fix_enable(f, NIC), 0);
}

TEST(op_conf_read_vendor_device)
{
	struct fix f;
	u32 v;

	setup(&f);
	CHECK_EQ(fix_read(&f, NIC, 0, 4, &v), 0);
	CHECK_EQ(v, 0x10d38086);
	CHECK_EQ(fix_read(&f, NIC, 0, 2, &v), 0);
	CHECK_EQ(v, 0x8086);
	CHECK_EQ(fix_read(&f, NIC, 2, 2, &v), 0);
	CHECK_EQ(v, 0x10d3);
	fix_fini(&f);
}

/* S3: a 1-byte read never carries more than 8 bits. */
TEST(op_conf_read_truncated_to_size)
{
	struct fix f;
	u32 v;
	int off;

	setup(&f);
	for (off = 0; off < 0x40; off++) {
		CHECK_EQ(fix_read(&f, NIC, off, 1, &v), 0);
		CHECK(v <= 0xff);
	}
	for (off = 0; off < 0x40; off += 2) {
		CHECK_EQ(fix_read(&f, NIC, off, 2, &v), 0);
		CHECK(v <= 0xffff);
	}
	fix_fini(&f);
}

static const struct {
	s32 off, size;
} bad_access[] = {
	{ 0, 0 }, { 0, 3 }, { 0, 5 }, { 0, 8 }, { 0, -1 }, { 0, -4 },
	{ 1, 2 }, { 1, 4 }, { 2, 4 }, { 3, 2 }, { 0x41, 4 },
	{ -1, 1 }, { -4, 4 }, { -0x100, 4 }, { (s32)0x80000000, 4 },
	{ 4096, 1 }, { 4096, 4 }, { 4094, 4 }, { 0x7ffffffc, 4 },
	{ 0x10000, 4 },
};

/* §16.9 / S1: -2, value 0, and no hardware access at all. */
TEST(op_conf_read_bad_access_no_hw)
{
	struct fix f;
	unsigned int i;
	u32 v;

	setup(&f);
	for (i = 0; i < ARRAY_SIZE(bad_access); i++) {
		unsigned long reads = f.sd[0]->calls[SIM_CFG_READ];

		CHECK_EQ(fix_read(&f, NIC, bad_access[i].off, bad_access[i].size, &v),
			 XEN_PCI_ERR_invalid_offset);
		CHECK_EQ(v, 0);
		CHECK_EQ(f.sd[0]->calls[SIM_CFG_READ], reads);
	}
	fix_fini(&f);
}

TEST(op_conf_write_bad_access_no_hw)
{
	struct fix f;
	unsigned int i;

	setup(&f);
	for (i = 0; i < ARRAY_SIZE(bad_access); i++) {
		unsigned long w = f.sd[0]->calls[SIM_CFG_WRITE];

		CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_write, NIC, bad_access[i].off,
				bad_access[i].size, 0xdeadbeef),
			 XEN_PCI_ERR_invalid_offset);
		CHECK_EQ(fix_value(&f), 0xdeadbeef);	/* echoed */
		CHECK_EQ(f.sd[0]->calls[SIM_CFG_WRITE], w);
	}
	fix_fini(&f);
}

/* A 256-byte function: offset 0x100 is out of range (the guest's probe). */
TEST(op_conf_read_256_byte_space_bound)
{
	struct fix f;
	u32 v;

	fix_init(&f, false);
	fix_add(&f, fix_msi_only(f.h, 0, 0x10), true);
	CHECK_EQ(fix_read(&f, 0, 0xfc, 4, &v), 0);
	CHECK_EQ(fix_read(&f, 0, 0xff, 1, &v), 0);
	CHECK_EQ(fix_read(&f, 0, 0x100, 4, &v), XEN_PCI_ERR_invalid_offset);
	CHECK_EQ(fix_read(&f, 0, 0xfe, 4, &v), XEN_PCI_ERR_invalid_offset);
	fix_fini(&f);
}

TEST(op_conf_read_4096_byte_space_bound)
{
	struct fix f;
	u32 v;

	setup(&f);
	CHECK_EQ(fix_read(&f, NIC, 0x100, 4, &v), 0);
	CHECK_EQ(v & 0xffff, 0x0001);
	CHECK_EQ(fix_read(&f, NIC, 0xffc, 4, &v), 0);
	CHECK_EQ(fix_read(&f, NIC, 0xfff, 1, &v), 0);
	CHECK_EQ(fix_read(&f, NIC, 0x1000, 1, &v), XEN_PCI_ERR_invalid_offset);
	fix_fini(&f);
}

/* §16.8 / S2: unknown and out-of-range addresses are answered with -1. */
TEST(op_dev_not_found_vpci)
{
	static const u32 addr[][3] = {
		{ 0, 0, 0x08 }, { 0, 0, 0x01 }, { 0, 1, 0x00 }, { 1, 0, 0x00 },
		{ 0, 0, 0x100 }, { 0, 0, 0x108 }, { 0, 0x100, 0 },
		{ 0x10000, 0, 0 }, { 0xffffffff, 0, 0 }, { 0, 0xffffffff, 0 },
		{ 0, 0, 0xffffffff }, { 0, 3, 0x00 },
	};
	struct fix f;
	unsigned int i, c;

	setup(&f);
	for (c = 0; c <= 11; c++) {
		for (i = 0; i < ARRAY_SIZE(addr); i++) {
			CHECK_EQ(fix_op_full(&f, c, addr[i][0], addr[i][1], addr[i][2],
					     0, 4, 0x1234), XEN_PCI_ERR_dev_not_found);
			CHECK_EQ(fix_value(&f), 0x1234);
		}
	}
	CHECK_EQ(f.g->stats.not_found, 12 * ARRAY_SIZE(addr));
	fix_fini(&f);
}

TEST(op_dev_not_found_empty_guest)
{
	struct fix f;
	u32 devfn;

	fix_init(&f, false);
	for (devfn = 0; devfn < 256; devfn++)
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_conf_read, devfn, 0, 4, 0),
			 XEN_PCI_ERR_dev_not_found);
	fix_fini(&f);
}

/* §16.10: commands 6-10 and >= 11: -4 with value echoed, nothing called. */
TEST(op_unknown_commands_not_implemented)
{
	static const u32 cmds[] = { 6, 7, 8, 9, 10, 11, 12, 100, 0x7fffffff,
				    0x80000000, 0xffffffff };
	struct fix f;
	unsigned int i;

	setup(&f);
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		unsigned long calls = f.h->total_calls;

		CHECK_EQ(fix_op(&f, cmds[i], NIC, 0, 4, 0xcafe0000 + i),
			 XEN_PCI_ERR_not_implemented);
		CHECK_EQ(fix_value(&f), 0xcafe0000 + i);
		CHECK_EQ(f.h->total_calls, calls);
	}
	CHECK_EQ(f.d[0]->stats.req[PCIBK_NR_CMDS], 6);
	CHECK_EQ(f.d[0]->stats.req[10], 1);
	fix_fini(&f);
}

/* §16.10: a kernel without MSI answers -4 for commands 2-5. */
TEST(op_no_msi_kernel)
{
	struct fix f;
	struct pcibk_dev *d;
	struct sim_dev *sd;
	u32 c;

	fix_init(&f, false);
	sd = fix_nic(f.h, 3, 0);
	sim_bind(sd);
	CHECK_EQ(pcibk_dev_create(&sim_ops_nomsi, sd, &d), 0);
	f.sd[f.n] = sd;
	f.d[f.n++] = d;
	CHECK_EQ(pcibk_guest_export(f.g, d), 0);
	for (c = 2; c <= 5; c++) {
		CHECK_EQ(fix_op(&f, c, NIC, 0, 0, 7), XEN_PCI_ERR_not_implemented);
		CHECK_EQ(fix_value(&f), 7);
	}
	CHECK(!sd->msi_on && !sd->msix_on);
	fix_fini(&f);
}

/* The exact set of bytes read for each command: the 32 header bytes. */
static unsigned int count_reads(const struct sim_page *p, unsigned int from,
				unsigned int to)
{
	unsigned int i, n = 0;

	for (i = from; i < to; i++)
		n += p->reads[i] ? 1 : 0;
	return n;
}

TEST(op_fetch_reads_header_once_conf_read)
{
	struct fix f;
	u32 v;

	setup(&f);
	fix_read(&f, NIC, 0, 4, &v);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_CMD, PCIBK_SH_ERR), 4);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_ERR, PCIBK_SH_DOMAIN), 0);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_DOMAIN, PCIBK_SH_MSIX), 28);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_MSIX, 4096), 0);
	fix_fini(&f);
}

/* §16.4: entries are read for enable_msix only, and only the first nr. */
TEST(op_fetch_msix_entries_only_nr)
{
	struct fix f;

	setup(&f);
	CHECK_EQ(fix_msix(&f, NIC, 5), 0);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_MSIX, PCIBK_SH_AER), 10);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_ENTRY(0), PCIBK_SH_ENTRY(0) + 2), 2);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_VECTOR(0), PCIBK_SH_VECTOR(0) + 2), 0);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_ENTRY(5), PCIBK_SH_AER), 0);
	fix_fini(&f);
}

TEST(op_fetch_msix_entries_not_read_on_refusal)
{
	struct fix f;

	setup(&f);
	fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 129);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_MSIX, PCIBK_SH_AER), 0);
	fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 0);
	CHECK_EQ(count_reads(f.pg, PCIBK_SH_MSIX, PCIBK_SH_AER), 0);
	fix_fini(&f);
}

TEST(op_fetch_no_entries_for_other_cmds)
{
	struct fix f;
	u32 c;

	setup(&f);
	for (c = 0; c < 12; c++) {
		if (c == XEN_PCI_OP_enable_msix)
			continue;
		fix_op(&f, c, NIC, 0, 4, 4);
		CHECK_EQ(count_reads(f.pg, PCIBK_SH_MSIX, 4096), 0);
	}
	fix_op(&f, XEN_PCI_OP_disable_msi, NIC, 0, 0, 0);
	fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0);
	fix_fini(&f);
}

/*
 * §16.3: after any op the page differs from its pre-op image only in err,
 * value, flags bit 0 and (successful enable_msix) vectors[0..nr).
 */
static void check_page_diff(struct fix *f, u32 cmd, u32 devfn, s32 off, s32 size,
			    u32 value, unsigned int nvec)
{
	static u8 before[4096];
	unsigned int i;

	sim_page_req(f->pg, cmd, 0, 0, devfn, off, size, value, 0x5a5a5a5a);
	for (i = 0; i < SH_INFO_MAX_VEC; i++)
		sim_page_set_entry(f->pg, i, (u16)i, 0xffff);
	memset(f->pg->page + PCIBK_SH_AER, 0x77, 4096 - PCIBK_SH_AER);
	memcpy(before, f->pg->page, 4096);
	sim_page_arm(f->pg, false);
	pcibk_op_handle(f->g, f->pg->page);
	sim_page_disarm(f->pg);
	CHECK_EQ(f->pg->bad_writes, 0);
	for (i = 0; i < 4096; i++) {
		bool may = (i >= PCIBK_SH_ERR && i < PCIBK_SH_ERR + 4) ||
			   (i >= PCIBK_SH_VALUE && i < PCIBK_SH_VALUE + 4) ||
			   (i >= PCIBK_SH_MSIX && i < PCIBK_SH_MSIX + 4 * nvec &&
			    (i - PCIBK_SH_MSIX) % 4 < 2);

		if (!may && before[i] != f->pg->page[i]) {
			CHECK_EQ(i, -1);
			break;
		}
	}
}

TEST(op_page_diff_every_command)
{
	struct fix f;
	u32 c;

	setup(&f);
	for (c = 0; c < 12; c++)
		if (c != XEN_PCI_OP_enable_msix)
			check_page_diff(&f, c, NIC, 0x3c, 1, 0, 0);
	check_page_diff(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 7, 7);
	CHECK_EQ(sim_page_vector(f.pg, 0) != 0xffff, 1);
	CHECK_EQ(sim_page_vector(f.pg, 6) != 0xffff, 1);
	CHECK_EQ(sim_page_vector(f.pg, 7), 0xffff);
	check_page_diff(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 7, 0);
	check_page_diff(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0, 0);
	check_page_diff(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 128, 0);
	check_page_diff(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 64, 64);
	check_page_diff(&f, XEN_PCI_OP_conf_read, 0x08, 0, 4, 0, 0);
	fix_fini(&f);
}

/* §16.4: exactly nr vectors written although the result value is 0. */
TEST(op_msix_writes_exactly_nr_vectors)
{
	struct fix f;
	unsigned int nr, i;

	setup(&f);
	for (nr = 1; nr <= 64; nr = nr * 2 + 1) {
		for (i = 0; i < SH_INFO_MAX_VEC; i++)
			sim_page_set_entry(f.pg, i, (u16)i, 0xffff);
		CHECK_EQ(fix_msix(&f, NIC, nr), 0);
		CHECK_EQ(fix_value(&f), 0);
		for (i = 0; i < SH_INFO_MAX_VEC; i++) {
			CHECK_EQ(f.pg->writes[PCIBK_SH_VECTOR(i)] != 0, i < nr);
			CHECK_EQ(f.pg->writes[PCIBK_SH_ENTRY(i)], 0);
		}
		CHECK_EQ(fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0), 0);
	}
	fix_fini(&f);
}

/*
 * §16.2: a page rewritten after every byte the backend reads gives the
 * same outcome as a calm one, for every command.
 */
static void run_pair(u32 cmd, s32 off, s32 size, u32 value, unsigned int nvec)
{
	struct fix a, b;
	s32 err_a, err_b;
	u32 val_a, val_b;
	unsigned int i;

	setup(&a);
	setup(&b);
	for (i = 0; i < nvec; i++) {
		sim_page_set_entry(a.pg, i, (u16)i, 0xffff);
		sim_page_set_entry(b.pg, i, (u16)i, 0xffff);
	}
	sim_page_req(a.pg, cmd, 0, 0, NIC, off, size, value, 0);
	sim_page_req(b.pg, cmd, 0, 0, NIC, off, size, value, 0);
	sim_page_arm(a.pg, false);
	pcibk_op_handle(a.g, a.pg->page);
	sim_page_disarm(a.pg);
	sim_page_arm(b.pg, true);
	b.pg->seed = 12345 + cmd;
	pcibk_op_handle(b.g, b.pg->page);
	sim_page_disarm(b.pg);
	CHECK_EQ(b.pg->double_reads, 0);
	err_a = sim_page_err(a.pg);
	err_b = sim_page_err(b.pg);
	val_a = sim_page_value(a.pg);
	val_b = sim_page_value(b.pg);
	CHECK_EQ(err_a, err_b);
	CHECK_EQ(val_a, val_b);
	CHECK_EQ(a.sd[0]->msix_on, b.sd[0]->msix_on);
	CHECK_EQ(a.sd[0]->msix_nr, b.sd[0]->msix_nr);
	CHECK_EQ(a.sd[0]->msi_on, b.sd[0]->msi_on);
	CHECK(memcmp(a.sd[0]->cfg, b.sd[0]->cfg, 4096) == 0);
	fix_fini(&b);	/* b was set up last: its allocations are on top */
	fix_fini(&a);
}

TEST(op_hostile_page_conf_read)
{
	run_pair(XEN_PCI_OP_conf_read, 0, 4, 0, 0);
	run_pair(XEN_PCI_OP_conf_read, 0x3c, 1, 0, 0);
	run_pair(XEN_PCI_OP_conf_read, 0x100, 4, 0, 0);
}

TEST(op_hostile_page_conf_write)
{
	run_pair(XEN_PCI_OP_conf_write, 0x0c, 1, 0x10, 0);
	run_pair(XEN_PCI_OP_conf_write, 0x04, 2, 0x0006, 0);
}

TEST(op_hostile_page_msi)
{
	run_pair(XEN_PCI_OP_enable_msi, 0, 0, 0, 0);
	run_pair(XEN_PCI_OP_disable_msi, 0, 0, 0, 0);
	run_pair(XEN_PCI_OP_disable_msix, 0, 0, 0, 0);
}

TEST(op_hostile_page_msix)
{
	run_pair(XEN_PCI_OP_enable_msix, 0, 0, 1, 1);
	run_pair(XEN_PCI_OP_enable_msix, 0, 0, 16, 16);
	run_pair(XEN_PCI_OP_enable_msix, 0, 0, 64, 64);
	run_pair(XEN_PCI_OP_enable_msix, 0, 0, 128, 128);
	run_pair(XEN_PCI_OP_enable_msix, 0, 0, 129, 0);
}

TEST(op_hostile_page_unknown)
{
	run_pair(6, 0, 0, 0x55, 0);
	run_pair(0xffffffff, 0, 0, 0x55, 0);
}

/* Counters by command and by error kind. */
TEST(op_counters)
{
	struct fix f;
	u32 v;

	setup(&f);
	fix_read(&f, NIC, 0, 4, &v);
	fix_read(&f, NIC, 0, 4, &v);
	fix_read(&f, NIC, 1, 4, &v);
	fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 0);
	CHECK_EQ(f.d[0]->stats.req[XEN_PCI_OP_conf_read], 3);
	CHECK_EQ(f.d[0]->stats.req[XEN_PCI_OP_enable_msix], 1);
	CHECK_EQ(f.d[0]->stats.err[0], 3);	/* with fix_enable */
	CHECK_EQ(f.d[0]->stats.err[2], 1);
	CHECK_EQ(f.d[0]->stats.err[PCIBK_STAT_ERRS - 1], 1);
	fix_fini(&f);
}

/* A host read error reaches the guest mapped per §5. */
TEST(op_conf_read_host_error_mapped)
{
	static const int codes[][2] = {
		{ 0x86, -1 }, { 0x87, -2 }, { 0x88, -3 }, { 0x81, -4 },
		{ -EIO, -EIO }, { 0x89, 0x89 },
	};
	struct fix f;
	unsigned int i;
	u32 v;

	setup(&f);
	for (i = 0; i < ARRAY_SIZE(codes); i++) {
		sim_fail(f.h, SIM_CFG_READ, 1, codes[i][0]);
		CHECK_EQ(fix_read(&f, NIC, 0x0c, 1, &v), codes[i][1]);
		CHECK_EQ(v, 0);
		sim_fail_clear(f.h);
	}
	fix_fini(&f);
}

/* Guest-triggered errors never log without a rate limit. */
TEST(op_guest_errors_log_rate_limited)
{
	struct fix f;
	unsigned long before = sim_log_unlimited;
	int i;

	setup(&f);
	for (i = 0; i < 1000; i++) {
		fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 129);
		fix_op(&f, XEN_PCI_OP_enable_msix, NIC, 0, 0, 1);
		fix_op(&f, XEN_PCI_OP_enable_msi, NIC, 0, 0, 1);
		fix_op(&f, XEN_PCI_OP_conf_read, 0xff, 0, 4, 0);
		fix_op(&f, 99, NIC, 0, 4, 0);
	}
	fix_op(&f, XEN_PCI_OP_disable_msix, NIC, 0, 0, 0);
	CHECK_EQ(sim_log_unlimited, before);
	fix_fini(&f);
}
