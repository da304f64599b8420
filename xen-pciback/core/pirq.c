// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The guest's pirq budget.
 *
 * Xen maps each MSI or MSI-X vector a PV guest gets to a pirq of the
 * guest's own pirq space, which holds extra_guest_irqs (domU value, 32 by
 * default) such pirqs above the GSIs. When dom0's PCI core asks Xen for
 * more than are left, the mapping fails in the middle of the vector list,
 * and the error path of Linux 6.1 (msi_domain_alloc_irqs_descs_locked(),
 * then free_msi_irqs() in msix_setup_interrupts()) tears the vectors
 * already mapped down twice: Xen's teardown does not clear desc->irq, so
 * xen_destroy_irq() runs again on irqs whose irq_info is being freed
 * ("unmap irq failed -22", and a NULL dereference once the RCU-deferred
 * free has run). 6.12's teardown clears desc->irq. A failure at the first
 * vector is harmless. So the core counts the pirqs it holds for a guest
 * and refuses, without the host, an enable that cannot fit (msi.c).
 */
#include <pcibk/core.h>

unsigned int pcibk_pirq_budget = PCIBK_PIRQ_BUDGET_DEFAULT;

unsigned int pcibk_guest_pirqs_held(const struct pcibk_guest *g)
{
	const struct pcibk_dev *d;
	unsigned int n = 0;

	for (d = g->topo.list; d; d = d->topo_next) {
		if (d->msi_enabled)
			n++;
		if (d->msix_enabled)
			n += d->msix_nr;
	}
	return n;
}

/* Xen's option names treat '-' and '_' alike. */
static bool name_is(const char *s, size_t n, const char *name)
{
	size_t i;

	for (i = 0; i < n; i++) {
		char a = s[i] == '-' ? '_' : s[i];

		if (!name[i] || a != name[i])
			return false;
	}
	return !name[n];
}

static int digit(char c, unsigned int base)
{
	int v;

	if (c >= '0' && c <= '9')
		v = c - '0';
	else if (c >= 'a' && c <= 'f')
		v = c - 'a' + 10;
	else if (c >= 'A' && c <= 'F')
		v = c - 'A' + 10;
	else
		return -1;
	return v < (int)base ? v : -1;
}

/*
 * The domU number of "[<domU>][,<dom0>]", read as Xen reads it (C's
 * strtoul with base 0: stops at the first byte that is not a digit, no
 * digits is 0). Above PCIBK_PIRQ_BUDGET_MAX it is clamped: counting fewer
 * pirqs than the guest has only refuses earlier.
 */
static int parse_domu(const char *v, size_t n, unsigned int *out)
{
	unsigned int base = 10, val = 0;
	size_t i = 0;
	int dv;

	if (!n || v[0] == ',')
		return -ENOENT;
	if (n > 2 && v[0] == '0' && (v[1] == 'x' || v[1] == 'X') &&
	    digit(v[2], 16) >= 0) {
		base = 16;
		i = 2;
	} else if (v[0] == '0') {
		base = 8;
	}
	for (; i < n; i++) {
		dv = digit(v[i], base);
		if (dv < 0)
			break;
		val = val * base + (unsigned int)dv;
		if (val > PCIBK_PIRQ_BUDGET_MAX)
			val = PCIBK_PIRQ_BUDGET_MAX;
	}
	*out = val;
	return 0;
}

int pcibk_pirq_budget_parse(const char *cmdline, size_t len,
			    unsigned int *budget)
{
	static const char opt[] = "extra_guest_irqs";
	int rc = -ENOENT;
	size_t i = 0;

	while (i < len && cmdline[i]) {
		size_t start, eq, end;
		unsigned int val;

		while (i < len && cmdline[i] == ' ')
			i++;
		start = i;
		while (i < len && cmdline[i] && cmdline[i] != ' ')
			i++;
		end = i;
		for (eq = start; eq < end && cmdline[eq] != '='; eq++)
			;
		if (eq == end || !name_is(cmdline + start, eq - start, opt))
			continue;
		/* The last one counts, as in Xen; one without domU keeps it. */
		if (parse_domu(cmdline + eq + 1, end - eq - 1, &val))
			continue;
		*budget = val;
		rc = 0;
	}
	return rc;
}
