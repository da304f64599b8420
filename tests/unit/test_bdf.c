// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The BDF grammar of sysfs writes and "hide" (PROTOCOL.md §9, §10).
 */
#include "t.h"
#include <pcibk/bdf.h>

static const struct {
	const char *in;
	int rc;
	long seg, bus, slot, func;
} rows[] = {
	{ "0000:03:00.0", 0, 0, 3, 0, 0 },
	{ "0000:03:00.0\n", 0, 0, 3, 0, 0 },
	{ "  0000:03:1f.7  \n", 0, 0, 3, 0x1f, 7 },
	{ "03:00.1", 0, 0, 3, 0, 1 },
	{ "abcd:ef:1a.5", 0, 0xabcd, 0xef, 0x1a, 5 },
	{ "ABCD:EF:1A.5", 0, 0xabcd, 0xef, 0x1a, 5 },
	{ "0:0:0.0", 0, 0, 0, 0, 0 },
	{ "0000:03:00.*", 0, 0, 3, 0, -1 },
	{ "0000:03:*.*", 0, 0, 3, -1, -1 },
	{ "03:00.*", 0, 0, 3, 0, -1 },
	{ "03:*.*", 0, 0, 3, -1, -1 },
	{ "\t1:2:3.4\t", 0, 1, 2, 3, 4 },
	{ "", -EINVAL, 0, 0, 0, 0 },
	{ "\n", -EINVAL, 0, 0, 0, 0 },
	{ "03", -EINVAL, 0, 0, 0, 0 },
	{ "03:00", -EINVAL, 0, 0, 0, 0 },
	{ "03:00.", -EINVAL, 0, 0, 0, 0 },
	{ "0000:82.0.0", -EINVAL, 0, 0, 0, 0 },
	{ "0b::00.1", -EINVAL, 0, 0, 0, 0 },
	{ "0000:03:00.0x", -EINVAL, 0, 0, 0, 0 },
	{ "0000:03:00.0 junk", -EINVAL, 0, 0, 0, 0 },
	{ "0000:03:20.0", -EINVAL, 0, 0, 0, 0 },
	{ "0000:03:00.8", -EINVAL, 0, 0, 0, 0 },
	{ "0000:100:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "10000:00:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "0000:03:*.0", -EINVAL, 0, 0, 0, 0 },
	{ "0000:*:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "*:03:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "0x03:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "-1:03:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "ffffffffffffffffff:00:00.0", -EINVAL, 0, 0, 0, 0 },
	{ "0000:03:00.0:1", -EINVAL, 0, 0, 0, 0 },
};

TEST(bdf_parse_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		struct pcibk_bdf b = { 9, 9, 9, 9 };
		int rc = pcibk_bdf_parse(rows[i].in, strlen(rows[i].in), &b);

		if (rc != rows[i].rc)
			printf("    row %u \"%s\": rc %d\n", i, rows[i].in, rc);
		CHECK_EQ(rc, rows[i].rc);
		if (rc || rows[i].rc)
			continue;
		CHECK_EQ(b.seg, rows[i].seg);
		CHECK_EQ(b.bus, rows[i].bus);
		CHECK_EQ(b.slot, rows[i].slot);
		CHECK_EQ(b.func, rows[i].func);
	}
}

TEST(bdf_parse_respects_len_and_nul)
{
	struct pcibk_bdf b;
	char page[4096];

	memset(page, 'x', sizeof(page));
	memcpy(page, "03:00.1", 7);
	CHECK_EQ(pcibk_bdf_parse(page, 7, &b), 0);
	CHECK_EQ(pcibk_bdf_parse(page, 8, &b), -EINVAL);
	CHECK_EQ(pcibk_bdf_parse(page, sizeof(page), &b), -EINVAL);
	CHECK_EQ(pcibk_bdf_parse("03:00.1\0junk", 12, &b), 0);
}

TEST(bdf_match)
{
	struct pcibk_bdf any = { 0, 3, -1, -1 }, fn = { 0, 3, 2, -1 }, one = { 1, 3, 2, 1 };

	CHECK(pcibk_bdf_match(&any, 0, 3, 0xff));
	CHECK(!pcibk_bdf_match(&any, 0, 4, 0));
	CHECK(!pcibk_bdf_match(&any, 1, 3, 0));
	CHECK(pcibk_bdf_match(&fn, 0, 3, 0x17));
	CHECK(!pcibk_bdf_match(&fn, 0, 3, 0x18));
	CHECK(pcibk_bdf_match(&one, 1, 3, 0x11));
	CHECK(!pcibk_bdf_match(&one, 1, 3, 0x12));
}

struct collect {
	unsigned int n;
	struct pcibk_bdf b[8];
	int fail_at;
};

static int collect(void *ctx, const struct pcibk_bdf *b)
{
	struct collect *c = ctx;

	if (c->fail_at >= 0 && c->n == (unsigned int)c->fail_at)
		return -ENOMEM;
	if (c->n < 8)
		c->b[c->n] = *b;
	c->n++;
	return 0;
}

TEST(hide_parse_forms)
{
	struct collect c = { .fail_at = -1 };
	unsigned int at = 99;
	bool range;

	CHECK_EQ(pcibk_hide_parse("(03:00.0)(0000:04:00.*) ( 0001:05:*.* )\n",
				  collect, &c, &at, &range), 0);
	CHECK_EQ(c.n, 3);
	CHECK_EQ(c.b[0].bus, 3);
	CHECK_EQ(c.b[1].func, -1);
	CHECK_EQ(c.b[2].seg, 1);
	CHECK_EQ(c.b[2].slot, -1);
	c.n = 0;
	CHECK_EQ(pcibk_hide_parse("", collect, &c, &at, &range), 0);
	CHECK_EQ(pcibk_hide_parse("   ", collect, &c, &at, &range), 0);
	CHECK_EQ(c.n, 0);
}

TEST(hide_parse_errors)
{
	static const struct {
		const char *in;
		unsigned int at;
		bool range;
		unsigned int ok;
	} bad[] = {
		{ "(0000:82.0.0)", 0, false, 0 },
		{ "(03:00.0)(0b::00.1)", 9, false, 1 },
		{ "(03:00.0", 0, false, 0 },
		{ "03:00.0", 0, false, 0 },
		{ "(03:00.0))", 9, false, 1 },
		{ "(03:00.0)x", 9, false, 1 },
		{ "(03:20.0)", 0, true, 0 },
		{ " (03:00.0) (03:00.9)", 11, true, 1 },
		{ "(100:00.0)", 0, true, 0 },
		{ "()", 0, false, 0 },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		struct collect c = { .fail_at = -1 };
		unsigned int at = 99;
		bool range = !bad[i].range;

		CHECK_EQ(pcibk_hide_parse(bad[i].in, collect, &c, &at, &range), -EINVAL);
		CHECK_EQ(at, bad[i].at);
		CHECK_EQ(range, bad[i].range);
		CHECK_EQ(c.n, bad[i].ok);
	}
}

TEST(hide_parse_callback_error_stops)
{
	struct collect c = { .fail_at = 1 };
	unsigned int at;
	bool range;

	CHECK_EQ(pcibk_hide_parse("(1:0.0)(2:0.0)(3:0.0)", collect, &c, &at, &range),
		 -ENOMEM);
	CHECK_EQ(c.n, 1);
}
