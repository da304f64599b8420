// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The "parse" target: the text an administrator writes to the sysfs
 * attributes and the "hide" parameter (quirks, BDFs with wildcards), and
 * Xen's command line (extra_guest_irqs, the guests' pirq budget). Not
 * guest input, but parsed in dom0's kernel: no crash, no read past the
 * given length, and every accepted value within its range.
 */
#include <pcibk/bdf.h>
#include <pcibk/core.h>
#include "harness.h"

static int count_entry(void *ctx, const struct pcibk_bdf *b)
{
	unsigned int *n = ctx;

	FZ_ASSERT(pcibk_bdf_valid(b), "hide passed an invalid entry");
	FZ_ASSERT(pcibk_bdf_match(b, (u16)b->seg, (u8)b->bus,
				  (u8)((b->slot < 0 ? 0 : b->slot) << 3 |
				       (b->func < 0 ? 0 : b->func))),
		  "an address does not match itself");
	return ++*n > 64 ? -ENOSPC : 0;
}

int fz_parse(const u8 *data, size_t len)
{
	struct pcibk_quirk_spec q;
	struct pcibk_bdf b;
	unsigned int n = 0, at = 0;
	bool range = false;
	char *s;
	int rc;

	/* Exactly len bytes, no terminator: the parsers must stop at len. */
	s = malloc(len ? len : 1);
	if (!s)
		abort();
	memcpy(s, data, len);
	if (!pcibk_quirk_parse(s, len, &q))
		FZ_ASSERT(q.reg <= 0xfff && (q.size == 1 || q.size == 2 ||
					     q.size == 4) && !(q.reg % q.size) &&
			  (q.size == 4 || !(q.mask >> (8 * q.size))),
			  "quirk %x/%u/%x accepted", q.reg, q.size, q.mask);
	if (!pcibk_bdf_parse(s, len, &b))
		FZ_ASSERT(pcibk_bdf_valid(&b), "bdf accepted out of range");
	/* Xen's command line, as XENVER_commandline gives it (any bytes). */
	n = 7;
	rc = pcibk_pirq_budget_parse(s, len, &n);
	FZ_ASSERT(rc == 0 || rc == -ENOENT, "pirq budget parse returned %d", rc);
	FZ_ASSERT(rc ? n == 7 : n <= PCIBK_PIRQ_BUDGET_MAX,
		  "pirq budget %u (rc %d)", n, rc);
	n = 0;
	free(s);

	/* The scanners take NUL-terminated strings. */
	s = malloc(len + 1);
	if (!s)
		abort();
	memcpy(s, data, len);
	s[len] = 0;
	if (pcibk_bdf_scan(s, &b))
		FZ_ASSERT(pcibk_bdf_scan(s, &b) <= len, "scan past the end");
	rc = pcibk_hide_parse(s, count_entry, &n, &at, &range);
	FZ_ASSERT(!rc || rc == -EINVAL || rc == -ENOSPC, "hide returned %d", rc);
	FZ_ASSERT(rc != -EINVAL || at <= len, "hide error at %u of %zu", at, len);
	free(s);
	return 0;
}
