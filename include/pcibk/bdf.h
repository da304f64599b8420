/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The BDF grammar of the sysfs attributes (PROTOCOL.md §9) and of the
 * "hide" module parameter (§10), shared by the module and the tools so
 * that a string the tool accepts is one the module accepts.
 */
#ifndef PCIBK_BDF_H
#define PCIBK_BDF_H

#include <pcibk/compat.h>

#define PCIBK_BDF_ANY	(-1)

/* An address; slot and func may be PCIBK_BDF_ANY ("*"). */
struct pcibk_bdf {
	long seg;
	long bus;
	long slot;
	long func;
};

/*
 * One address at s: D:B:S.F, D:B:S.*, D:B:*.*, or the same without "D:"
 * (domain 0), all hex. Returns the number of characters used, or 0 on a
 * syntax error. Ranges are not checked.
 */
unsigned int pcibk_bdf_scan(const char *s, struct pcibk_bdf *b);
/* Domain <= 0xffff, bus <= 0xff, slot <= 0x1f, func <= 7 (or "*"). */
bool pcibk_bdf_valid(const struct pcibk_bdf *b);
/*
 * A whole sysfs write: [ws] address [ws], a trailing newline allowed, of
 * at most len characters (a NUL ends it early). 0 or -EINVAL.
 */
int pcibk_bdf_parse(const char *buf, size_t len, struct pcibk_bdf *b);
/* True if a wildcard pattern p covers the exact address (seg,bus,devfn). */
bool pcibk_bdf_match(const struct pcibk_bdf *p, u16 seg, u8 bus, u8 devfn);

/*
 * hide := { ws* "(" ws* address ws* ")" ws* }. Calls fn for each entry in
 * order; stops at the first error. Returns 0, fn's error, or -EINVAL with
 * *err_at set to the offset of the entry that failed and *range set when
 * the entry parsed but is out of range.
 */
int pcibk_hide_parse(const char *s, int (*fn)(void *ctx, const struct pcibk_bdf *b),
		     void *ctx, unsigned int *err_at, bool *range);

#endif /* PCIBK_BDF_H */
