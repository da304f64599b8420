// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The BDF grammar of sysfs writes and of "hide" (PROTOCOL.md §9, §10).
 */
#include <pcibk/bdf.h>

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

static bool is_ws(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' ||
	       c == '\f';
}

/* Hex digits at s; saturates instead of overflowing. 0 if none. */
static unsigned int scan_hex(const char *s, long *v)
{
	unsigned int n = 0;
	long x = 0;
	int h;

	while ((h = hexval(s[n])) >= 0) {
		x = x > 0xfffffffL ? 0x7fffffffL : x * 16 + h;
		n++;
	}
	*v = x;
	return n;
}

/* "." then a function number or "*". */
static unsigned int scan_func(const char *s, struct pcibk_bdf *b)
{
	unsigned int n;

	if (s[0] != '.')
		return 0;
	if (s[1] == '*') {
		b->func = PCIBK_BDF_ANY;
		return 2;
	}
	n = scan_hex(s + 1, &b->func);
	return n ? n + 1 : 0;
}

/* After "B:" or "D:B:": a slot and function, or "*.*". */
static unsigned int scan_slot(const char *s, struct pcibk_bdf *b)
{
	unsigned int n, m;

	if (s[0] == '*') {
		if (s[1] != '.' || s[2] != '*')
			return 0;
		b->slot = PCIBK_BDF_ANY;
		b->func = PCIBK_BDF_ANY;
		return 3;
	}
	n = scan_hex(s, &b->slot);
	if (!n)
		return 0;
	m = scan_func(s + n, b);
	return m ? n + m : 0;
}

unsigned int pcibk_bdf_scan(const char *s, struct pcibk_bdf *b)
{
	unsigned int n, m, k;
	long a, c;

	n = scan_hex(s, &a);
	if (!n || s[n] != ':')
		return 0;
	n++;
	/* "B:S.F" or "B:*.*" unless a second colon follows the number. */
	m = scan_hex(s + n, &c);
	if (!m || s[n + m] != ':') {
		b->seg = 0;
		b->bus = a;
		k = scan_slot(s + n, b);
		return k ? n + k : 0;
	}
	b->seg = a;
	b->bus = c;
	n += m + 1;
	k = scan_slot(s + n, b);
	return k ? n + k : 0;
}

bool pcibk_bdf_valid(const struct pcibk_bdf *b)
{
	return b->seg >= 0 && b->seg <= 0xffff && b->bus >= 0 && b->bus <= 0xff &&
	       (b->slot == PCIBK_BDF_ANY || (b->slot >= 0 && b->slot <= 0x1f)) &&
	       (b->func == PCIBK_BDF_ANY || (b->func >= 0 && b->func <= 7)) &&
	       !(b->slot == PCIBK_BDF_ANY && b->func != PCIBK_BDF_ANY);
}

int pcibk_bdf_parse(const char *buf, size_t len, struct pcibk_bdf *b)
{
	/* sysfs hands us a page; copy what we parse so it is terminated. */
	char tmp[64];
	size_t i = 0, n;

	for (n = 0; n < len && buf[n]; n++)
		;
	if (n >= sizeof(tmp))
		return -EINVAL;
	memcpy(tmp, buf, n);
	tmp[n] = 0;
	while (is_ws(tmp[i]))
		i++;
	n = pcibk_bdf_scan(tmp + i, b);
	if (!n)
		return -EINVAL;
	i += n;
	while (is_ws(tmp[i]))
		i++;
	if (tmp[i] || !pcibk_bdf_valid(b))
		return -EINVAL;
	return 0;
}

bool pcibk_bdf_match(const struct pcibk_bdf *p, u16 seg, u8 bus, u8 devfn)
{
	return p->seg == seg && p->bus == bus &&
	       (p->slot == PCIBK_BDF_ANY || p->slot == (devfn >> 3)) &&
	       (p->func == PCIBK_BDF_ANY || p->func == (devfn & 7));
}

int pcibk_hide_parse(const char *s, int (*fn)(void *ctx, const struct pcibk_bdf *b),
		     void *ctx, unsigned int *err_at, bool *range)
{
	unsigned int i = 0, entry, n;
	struct pcibk_bdf b;
	int rc;

	*range = false;
	for (;;) {
		while (is_ws(s[i]))
			i++;
		if (!s[i])
			return 0;
		entry = i;
		*err_at = entry;
		if (s[i] != '(')
			return -EINVAL;
		i++;
		while (is_ws(s[i]))
			i++;
		n = pcibk_bdf_scan(s + i, &b);
		if (!n)
			return -EINVAL;
		i += n;
		while (is_ws(s[i]))
			i++;
		if (s[i] != ')')
			return -EINVAL;
		i++;
		if (!pcibk_bdf_valid(&b)) {
			*range = true;
			return -EINVAL;
		}
		rc = fn(ctx, &b);
		if (rc)
			return rc;
	}
}
