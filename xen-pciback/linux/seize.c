// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The seize list: functions the "pciback" driver accepts (PROTOCOL.md
 * §9, §10), filled from the "hide" parameter and the new_slot attribute.
 * The grammar is the core's (<pcibk/bdf.h>), shared with the tools.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/pci.h>
#include <linux/slab.h>

#include <pcibk/bdf.h>

#include "glue.h"

struct pcibk_seize {
	struct list_head node;
	u16 domain;
	u8 bus;
	u8 devfn;
};

/* Under pcibk_mutex. */
static LIST_HEAD(pcibk_seize_list);

static struct pcibk_seize *pcibk_seize_find(u16 domain, u8 bus, u8 devfn)
{
	struct pcibk_seize *e;

	list_for_each_entry(e, &pcibk_seize_list, node)
		if (e->domain == domain && e->bus == bus && e->devfn == devfn)
			return e;
	return NULL;
}

/* Wildcards expand to 8 or 256 entries; present entries are skipped. */
static int pcibk_seize_add_locked(const struct pcibk_bdf *s)
{
	int slot, func;

	for (slot = 0; slot < 32; slot++) {
		if (s->slot != PCIBK_BDF_ANY && s->slot != slot)
			continue;
		for (func = 0; func < 8; func++) {
			u8 devfn = PCI_DEVFN(slot, func);
			struct pcibk_seize *e;

			if (s->func != PCIBK_BDF_ANY && s->func != func)
				continue;
			if (pcibk_seize_find(s->seg, s->bus, devfn))
				continue;
			e = kzalloc(sizeof(*e), GFP_KERNEL);
			if (!e)
				return -ENOMEM;
			e->domain = s->seg;
			e->bus = s->bus;
			e->devfn = devfn;
			list_add_tail(&e->node, &pcibk_seize_list);
		}
	}
	return 0;
}

int pcibk_seize_add(const struct pcibk_bdf *s)
{
	int rc;

	mutex_lock(&pcibk_mutex);
	rc = pcibk_seize_add_locked(s);
	mutex_unlock(&pcibk_mutex);
	return rc;
}

int pcibk_seize_remove(const struct pcibk_bdf *s)
{
	struct pcibk_seize *e, *tmp;
	int rc = -ENOENT;

	mutex_lock(&pcibk_mutex);
	list_for_each_entry_safe(e, tmp, &pcibk_seize_list, node) {
		if (!pcibk_bdf_match(s, e->domain, e->bus, e->devfn))
			continue;
		list_del(&e->node);
		kfree(e);
		rc = 0;
	}
	mutex_unlock(&pcibk_mutex);
	return rc;
}

/* The function itself or a bridge above it is listed. */
bool pcibk_seize_wanted(struct pci_dev *pdev)
{
	bool found = false;
	int depth;

	mutex_lock(&pcibk_mutex);
	for (depth = 0; pdev && depth < 256 && !found;
	     depth++, pdev = pdev->bus->self)
		found = pcibk_seize_find(pci_domain_nr(pdev->bus),
					 pdev->bus->number, pdev->devfn);
	mutex_unlock(&pcibk_mutex);
	return found;
}

ssize_t pcibk_seize_show(char *buf)
{
	struct pcibk_seize *e;
	ssize_t len = 0;

	mutex_lock(&pcibk_mutex);
	list_for_each_entry(e, &pcibk_seize_list, node) {
		if (len >= PAGE_SIZE - 1)
			break;
		len += sysfs_emit_at(buf, len, "%04x:%02x:%02x.%d\n",
				     e->domain, e->bus, PCI_SLOT(e->devfn),
				     PCI_FUNC(e->devfn));
	}
	mutex_unlock(&pcibk_mutex);
	return len;
}

void pcibk_seize_free(void)
{
	struct pcibk_seize *e, *tmp;

	mutex_lock(&pcibk_mutex);
	list_for_each_entry_safe(e, tmp, &pcibk_seize_list, node) {
		list_del(&e->node);
		kfree(e);
	}
	mutex_unlock(&pcibk_mutex);
}

static int pcibk_hide_one(void *ctx, const struct pcibk_bdf *b)
{
	return pcibk_seize_add(b);
}

/* hide := { ws* "(" ws* bdf ws* ")" ws* } (PROTOCOL.md §10). */
int pcibk_seize_hide(const char *hide)
{
	unsigned int at = 0;
	bool range = false;
	int rc;

	if (!hide)
		return 0;
	rc = pcibk_hide_parse(hide, pcibk_hide_one, NULL, &at, &range);
	if (!rc)
		return 0;
	if (rc == -EINVAL && range)
		pr_err("Error parsing pci_devs_to_hide at \"%s\": entry out of range\n",
		       hide + at);
	else if (rc == -EINVAL)
		pr_err("Error parsing pci_devs_to_hide at \"%s\"\n", hide + at);
	else
		pr_err("cannot seize the hidden devices: %d\n", rc);
	pcibk_seize_free();
	return rc;
}
