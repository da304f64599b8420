// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Tests of the parts of pcibk-probe that need no Xen: request-file
 * parsing and latency statistics. Prints "N passed, N failed".
 */
#include <stdlib.h>
#include <string.h>
#include "probe.h"

static unsigned int passed, failed;

#define CHECK(c) do {							\
	if (c) {							\
		passed++;						\
	} else {							\
		failed++;						\
		printf("FAIL %s:%d: %s\n", __FILE__, __LINE__, #c);	\
	}								\
} while (0)

static int parse(const char *line, struct probe_req *r)
{
	char err[128];

	return probe_parse_line(line, r, err, sizeof(err));
}

static void test_lines(void)
{
	struct probe_req r;

	CHECK(parse("", &r) == 0);
	CHECK(parse("   # only a comment", &r) == 0);
	CHECK(parse("read 0000:00:01.0 0x10 4", &r) == 1);
	CHECK(r.cmd == PROBE_CONF_READ && r.domain == 0 && r.bus == 0 &&
	      r.devfn == 8 && r.offset == 0x10 && r.size == 4 && r.dev_ref == -1);
	CHECK(parse("write 03:1f.7 4 2 0x0006  # enable", &r) == 1);
	CHECK(r.cmd == PROBE_CONF_WRITE && r.bus == 3 && r.devfn == 0xff &&
	      r.offset == 4 && r.size == 2 && r.value == 6);
	CHECK(parse("read @2 -4 4", &r) == 1);
	CHECK(r.dev_ref == 2 && r.offset == -4);
	CHECK(parse("msi-enable @0", &r) == 1 && r.cmd == PROBE_ENABLE_MSI);
	CHECK(parse("msi-disable @0", &r) == 1 && r.cmd == PROBE_DISABLE_MSI);
	CHECK(parse("msix-disable @0", &r) == 1 && r.cmd == PROBE_DISABLE_MSIX);
	CHECK(parse("msix-enable @0 3", &r) == 1);
	CHECK(r.cmd == PROBE_ENABLE_MSIX && r.value == 3 && r.nr_entries == 3 &&
	      r.entry[0] == 0 && r.entry[2] == 2);
	CHECK(parse("msix-enable @0 2 5 9", &r) == 1);
	CHECK(r.entry[0] == 5 && r.entry[1] == 9);
	CHECK(parse("msix-enable @0 200", &r) == 1);
	CHECK(r.value == 200 && r.nr_entries == PROBE_MAX_VEC);
	CHECK(parse("raw 10 0x10000 0x100 0x108 0 4 7 3", &r) == 1);
	CHECK(r.cmd == 10 && r.domain == 0x10000 && r.bus == 0x100 &&
	      r.devfn == 0x108 && r.value == 7 && r.info == 3);
	CHECK(parse("raw 0 0 0 0 0 4 0", &r) == 1 && r.info == 0);

	/* Errors. */
	CHECK(parse("reed @0 0 4", &r) == -1);
	CHECK(parse("read @0 0", &r) == -1);
	CHECK(parse("read @0 0 4 5", &r) == -1);
	CHECK(parse("read 00:20.0 0 4", &r) == -1);	/* slot 0x20 */
	CHECK(parse("read 00:01.8 0 4", &r) == -1);
	CHECK(parse("read 00:01.0x 0 4", &r) == -1);
	CHECK(parse("read @64 0 4", &r) == -1);
	CHECK(parse("read @x 0 4", &r) == -1);
	CHECK(parse("read @0 zz 4", &r) == -1);
	CHECK(parse("write @0 0 4 0x100000000", &r) == -1);
	CHECK(parse("msix-enable @0", &r) == -1);
	CHECK(parse("msix-enable @0 2 1", &r) == -1);
	CHECK(parse("msix-enable @0 1 0x10000", &r) == -1);
	CHECK(parse("raw 0 0 0", &r) == -1);
}

static void test_directives(void)
{
	struct probe_req r;

	CHECK(parse("state 5", &r) == 1 && r.dir == PROBE_DIR_STATE && r.state == 5);
	CHECK(parse("connect", &r) == 1 && r.dir == PROBE_DIR_CONNECT && r.ms == 10000);
	CHECK(parse("connect 3000", &r) == 1 && r.ms == 3000);
	CHECK(parse("publish", &r) == 1 && r.dir == PROBE_DIR_PUBLISH);
	CHECK(parse("key magic 6", &r) == 1 && r.dir == PROBE_DIR_KEY &&
	      !strcmp(r.key, "magic") && !strcmp(r.val, "6"));
	CHECK(parse("wait-backend 5,6 2000", &r) == 1 &&
	      r.dir == PROBE_DIR_WAIT_BACKEND && r.states == (1u << 5 | 1u << 6) &&
	      r.ms == 2000);
	CHECK(parse("wait-backend 4", &r) == 1 && r.states == 1u << 4 && r.ms == 5000);
	CHECK(parse("backend", &r) == 1 && r.dir == PROBE_DIR_BACKEND);
	CHECK(parse("sleep 1500", &r) == 1 && r.dir == PROBE_DIR_SLEEP && r.ms == 1500);
	CHECK(parse("reply", &r) == 1 && r.dir == PROBE_DIR_REPLY);
	CHECK(parse("verdict", &r) == 1 && r.dir == PROBE_DIR_VERDICT);
	CHECK(parse("post msix-enable @0 8", &r) == 1 && r.post && !r.dir &&
	      r.cmd == PROBE_ENABLE_MSIX && r.value == 8);
	CHECK(parse("post raw 0x100 0 0 0 0 4 0", &r) == 1 && r.post &&
	      !r.dir && r.cmd == 0x100);
	CHECK(parse("read @0 0 4", &r) == 1 && !r.post && !r.dir);

	/* Errors. */
	CHECK(parse("state", &r) == -1);
	CHECK(parse("state x", &r) == -1);
	CHECK(parse("key a/b 1", &r) == -1);
	CHECK(parse("key magic", &r) == -1);
	CHECK(parse("wait-backend 4,32", &r) == -1);
	CHECK(parse("wait-backend", &r) == -1);
	CHECK(parse("sleep", &r) == -1);
	CHECK(parse("reply 1", &r) == -1);
	CHECK(parse("post", &r) == -1);
	CHECK(parse("post state 3", &r) == -1);
	CHECK(parse("post post read @0 0 4", &r) == -1);
}

static void test_bdf(void)
{
	uint32_t d, b, df;

	CHECK(!probe_parse_bdf("0000:00:00.00", &d, &b, &df) && df == 0);
	CHECK(!probe_parse_bdf("0001:ff:1f.07", &d, &b, &df) &&
	      d == 1 && b == 0xff && df == 0xff);
	CHECK(probe_parse_bdf("10000:00:00.0", &d, &b, &df) == -1);
	CHECK(probe_parse_bdf("", &d, &b, &df) == -1);
}

static void test_file(void)
{
	static const char text[] =
		"# a session\n"
		"read @0 0 4\n"
		"\n"
		"write @0 0x4 2 6\n"
		"msix-enable @0 2\n";
	struct probe_req *v = NULL;
	char err[128];
	FILE *fp = fmemopen((void *)text, sizeof(text) - 1, "r");
	int n = probe_parse_file(fp, &v, err, sizeof(err));

	fclose(fp);
	CHECK(n == 3);
	CHECK(v && v[0].line == 2 && v[1].line == 4 && v[2].line == 5);
	free(v);
	fp = fmemopen((void *)"read @0 0 4\nbogus\n", 18, "r");
	n = probe_parse_file(fp, &v, err, sizeof(err));
	fclose(fp);
	CHECK(n == -1 && !strncmp(err, "line 2:", 7));
}

static void test_str(void)
{
	struct probe_req r;
	char s[160];

	parse("read 0000:00:01.0 0x10 4", &r);
	probe_req_str(&r, s, sizeof(s));
	CHECK(!strcmp(s, "conf_read 0000:00:01.0 0x10/4"));
	parse("raw 12 0x10000 0 0 0 0 0", &r);
	probe_req_str(&r, s, sizeof(s));
	CHECK(strstr(s, "unknown(12)") && strstr(s, "0x10000/0/0"));
	CHECK(!strcmp(probe_cmd_name(10), "enable_multi_msi"));
}

static void test_stats(void)
{
	double s[200];
	struct probe_stats st;
	size_t i;

	CHECK(probe_stats(s, 0, &st) == -1);
	s[0] = 7;
	CHECK(!probe_stats(s, 1, &st) && st.min == 7 && st.median == 7 &&
	      st.p99 == 7 && st.max == 7 && st.mean == 7);
	/* 1..100 shuffled: median 50, p99 99. */
	for (i = 0; i < 100; i++)
		s[i] = (double)((i * 37) % 100 + 1);
	CHECK(!probe_stats(s, 100, &st));
	CHECK(st.min == 1 && st.max == 100 && st.median == 50 && st.p99 == 99);
	CHECK(st.mean == 50.5);
	for (i = 0; i < 200; i++)
		s[i] = i < 199 ? 10 : 1000;
	CHECK(!probe_stats(s, 200, &st) && st.p99 == 10 && st.max == 1000);
	s[0] = 3;
	s[1] = 1;
	s[2] = 2;
	CHECK(!probe_stats(s, 3, &st) && st.median == 2 && st.p99 == 3);
}

static void test_rand(void)
{
	uint64_t a = 1, b = 1, c = 2;

	CHECK(probe_rand(&a) == probe_rand(&b));
	CHECK(probe_rand(&a) != probe_rand(&c));
}

int main(void)
{
	test_lines();
	test_directives();
	test_bdf();
	test_file();
	test_str();
	test_stats();
	test_rand();
	printf("pcibk-probe tests\n%u passed, %u failed\n", passed, failed);
	return failed ? 1 : 0;
}
