// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The core's self-checks (core/selftest.c), which the debug module runs
 * at load: they must all pass here, leak nothing, and a broken invariant
 * must make them fail with a logged reason.
 */
#include "t.h"
#include "../../xen-pciback/core/selftest.h"

TEST(selftest_all_pass)
{
	const struct pcibk_sh_hooks *saved = pcibk_sh_hooks;
	unsigned int passed = 99999, failed = 99999;
	long allocs = sim_allocs_out;
	int rc;

	pcibk_sh_hooks = NULL;
	rc = pcibk_selftest(&passed, &failed);
	pcibk_sh_hooks = saved;
	CHECK_EQ(rc, 0);
	CHECK_EQ(failed, 0);
	/* Every group ran: 109 checks today. */
	CHECK(passed >= 100 && passed < 1000);
	CHECK_EQ(sim_allocs_out, allocs);
}

/* A hostile page: every request field reads one more than was written. */
static void bump_on_read(const void *sh, unsigned int off, unsigned int len)
{
	u8 *p = (u8 *)sh + off;

	if (len == 4 && off >= PCIBK_SH_CMD && off <= PCIBK_SH_INFO)
		p[0]++;
}

static void no_write_hook(void *sh, unsigned int off, unsigned int len)
{
	(void)sh;
	(void)off;
	(void)len;
}

static const struct pcibk_sh_hooks bump = {
	.on_read = bump_on_read,
	.on_write = no_write_hook,
};

TEST(selftest_reports_a_broken_invariant)
{
	const struct pcibk_sh_hooks *saved = pcibk_sh_hooks;
	unsigned int passed = 0, failed = 0, again_passed = 0, again_failed = 0;
	unsigned long unlimited = sim_log_unlimited;
	int rc;

	pcibk_sh_hooks = &bump;
	rc = pcibk_selftest(&passed, &failed);
	pcibk_sh_hooks = NULL;
	CHECK_EQ(rc, -EINVAL);
	/*
	 * The eight fetched fields, and the reply check that sees the bumped
	 * cmd and info in the page; nothing else.
	 */
	CHECK_EQ(failed, 9);
	/* One error line each (not rate limited: no guest is involved). */
	CHECK(sim_log_unlimited >= unlimited + 9);
	CHECK_EQ(pcibk_selftest(&again_passed, &again_failed), 0);
	CHECK_EQ(again_passed, passed + failed);
	pcibk_sh_hooks = saved;
}
