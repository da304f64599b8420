// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Driver attributes of "pciback" (PROTOCOL.md §9), under
 * /sys/bus/pci/drivers/pciback/. Every write is validated, answers the
 * errno of §9 and logs one line when it fails. Calls into a function's
 * virtual config space are serialised with its guest's ops: device lock,
 * then the session's op lock.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/ctype.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/kernel.h>
#include <linux/pci.h>
#include <linux/slab.h>
#include <linux/sysfs.h>

#include <pcibk/cfg.h>

#include "glue.h"

/* Length of a sysfs input for a log line: bounded, no trailing blanks. */
static int pcibk_txt_len(const char *buf)
{
	size_t n = strnlen(buf, 64);

	while (n && isspace(buf[n - 1]))
		n--;
	return n;
}

/* Run fn on one bound function's core state, serialised with its guest. */
static int pcibk_with_dev(struct pcibk_pdev *pd,
			  int (*fn)(struct pcibk_dev *d, void *arg), void *arg)
{
	struct pcibk_backend *be;
	int rc;

	device_lock(&pd->pdev->dev);
	if (pd->removed || !pd->core) {
		rc = -ENODEV;
		goto out;
	}
	be = pd->be;		/* stable under the device lock */
	if (be)
		pcibk_session_lock(&be->s);
	rc = fn(pd->core, arg);
	if (be)
		pcibk_session_unlock(&be->s);
out:
	device_unlock(&pd->pdev->dev);
	return rc;
}

/* The bound function at an exact address, referenced; NULL if none. */
static struct pcibk_pdev *pcibk_get(u16 seg, u8 bus, u8 devfn)
{
	struct pcibk_pdev *pd;

	mutex_lock(&pcibk_mutex);
	pd = pcibk_pdev_find(seg, bus, devfn);
	if (pd)
		kref_get(&pd->kref);
	mutex_unlock(&pcibk_mutex);
	return pd;
}

/* Referenced snapshot of every bound function; kfree() the array. */
static struct pcibk_pdev **pcibk_snapshot(unsigned int *nr)
{
	struct pcibk_pdev **arr, *pd;
	unsigned int n = 0, i = 0;

	mutex_lock(&pcibk_mutex);
	list_for_each_entry(pd, &pcibk_pdevs, node)
		n++;
	arr = kcalloc(n ?: 1, sizeof(*arr), GFP_KERNEL);
	if (arr) {
		list_for_each_entry(pd, &pcibk_pdevs, node) {
			kref_get(&pd->kref);
			arr[i++] = pd;
		}
	}
	mutex_unlock(&pcibk_mutex);
	*nr = i;
	return arr;
}

static void pcibk_snapshot_put(struct pcibk_pdev **arr, unsigned int nr)
{
	unsigned int i;

	for (i = 0; i < nr; i++)
		pcibk_pdev_put(arr[i]);
	kfree(arr);
}

static int pcibk_parse(const char *attr, const char *buf, size_t count,
		       struct pcibk_bdf *s)
{
	int rc = pcibk_bdf_parse(buf, count, s);

	if (rc)
		pr_warn("%s: cannot parse \"%.*s\"\n", attr,
			pcibk_txt_len(buf), buf);
	return rc;
}

/* new_slot and remove_slot: an address, wildcards allowed. */
static ssize_t pcibk_slot_store(const char *attr, const char *buf,
				size_t count,
				int (*fn)(const struct pcibk_bdf *s))
{
	struct pcibk_bdf s;
	int rc;

	rc = pcibk_parse(attr, buf, count, &s);
	if (rc)
		return rc;
	rc = fn(&s);
	if (rc) {
		pr_warn("%s: \"%.*s\" failed: %d\n", attr,
			pcibk_txt_len(buf), buf, rc);
		return rc;
	}
	return count;
}

static ssize_t new_slot_store(struct device_driver *drv, const char *buf,
			      size_t count)
{
	return pcibk_slot_store("new_slot", buf, count, pcibk_seize_add);
}
static DRIVER_ATTR_WO(new_slot);

/* -ENOENT when nothing matched. */
static ssize_t remove_slot_store(struct device_driver *drv, const char *buf,
				 size_t count)
{
	return pcibk_slot_store("remove_slot", buf, count, pcibk_seize_remove);
}
static DRIVER_ATTR_WO(remove_slot);

static ssize_t slots_show(struct device_driver *drv, char *buf)
{
	return pcibk_seize_show(buf);
}
static DRIVER_ATTR_RO(slots);

/*
 * permissive and allow_interrupt_control: one exact address. A wildcard
 * cannot name a seized function (-ENODEV), a parse error is -EINVAL, a
 * function without per-device state -ENXIO.
 */
static ssize_t pcibk_flag_store(const char *attr, const char *buf,
				size_t count,
				int (*set)(struct pcibk_dev *d, void *arg))
{
	struct pcibk_pdev *pd = NULL;
	struct pcibk_bdf s;
	int rc;

	rc = pcibk_parse(attr, buf, count, &s);
	if (rc)
		return rc;
	if (s.slot != PCIBK_BDF_ANY && s.func != PCIBK_BDF_ANY)
		pd = pcibk_get(s.seg, s.bus, PCI_DEVFN(s.slot, s.func));
	if (!pd) {
		pr_warn("%s: %.*s is not seized by pciback\n", attr,
			pcibk_txt_len(buf), buf);
		return -ENODEV;
	}
	rc = pcibk_with_dev(pd, set, NULL);
	if (rc)
		dev_warn(&pd->pdev->dev, "%s: no per-device state: %d\n", attr,
			 rc);
	pcibk_pdev_put(pd);
	return rc ?: count;
}

static int pcibk_set_permissive(struct pcibk_dev *d, void *arg)
{
	return pcibk_cfg_set_permissive(d);
}

static ssize_t permissive_store(struct device_driver *drv, const char *buf,
				size_t count)
{
	return pcibk_flag_store("permissive", buf, count,
				pcibk_set_permissive);
}

static int pcibk_get_permissive(struct pcibk_dev *d, void *arg)
{
	return d->permissive;
}

static int pcibk_get_intctl(struct pcibk_dev *d, void *arg)
{
	return d->allow_intctl;
}

/* One "DDDD:BB:DD.F" line per bound function for which get() is true. */
static ssize_t pcibk_show_flag(char *buf,
			       int (*get)(struct pcibk_dev *d, void *arg))
{
	struct pcibk_pdev **arr;
	unsigned int nr, i;
	ssize_t len = 0;

	arr = pcibk_snapshot(&nr);
	if (!arr)
		return -ENOMEM;
	for (i = 0; i < nr && len < PAGE_SIZE - 1; i++)
		if (pcibk_with_dev(arr[i], get, NULL) > 0)
			len += sysfs_emit_at(buf, len, "%s\n",
					     pci_name(arr[i]->pdev));
	pcibk_snapshot_put(arr, nr);
	return len;
}

static ssize_t permissive_show(struct device_driver *drv, char *buf)
{
	return pcibk_show_flag(buf, pcibk_get_permissive);
}
static DRIVER_ATTR_RW(permissive);

static int pcibk_set_intctl(struct pcibk_dev *d, void *arg)
{
	d->allow_intctl = true;
	return 0;
}

static ssize_t allow_interrupt_control_store(struct device_driver *drv,
					     const char *buf, size_t count)
{
	return pcibk_flag_store("allow_interrupt_control", buf, count,
				pcibk_set_intctl);
}

static ssize_t allow_interrupt_control_show(struct device_driver *drv,
					    char *buf)
{
	return pcibk_show_flag(buf, pcibk_get_intctl);
}
static DRIVER_ATTR_RW(allow_interrupt_control);

static int pcibk_quirk_add(struct pcibk_dev *d, void *arg)
{
	const struct pcibk_quirk_spec *q = arg;

	return pcibk_cfg_quirk_add(d, q->reg, q->size, q->mask);
}

static int pcibk_quirk_del(struct pcibk_dev *d, void *arg)
{
	const struct pcibk_quirk_spec *q = arg;

	return pcibk_cfg_quirk_del(d, q->reg, q->size);
}

/*
 * "DDDD:BB:SS.F-REG:SIZE:MASK" adds a quirk; the same with a leading '-'
 * removes it (quirks stay until removed or unbind: docs/config-space.md).
 */
static ssize_t quirks_store(struct device_driver *drv, const char *buf,
			    size_t count)
{
	struct pcibk_quirk_spec q;
	struct pcibk_pdev *pd;
	const char *p = skip_spaces(buf);
	bool del = *p == '-';
	int rc;

	if (del)
		p++;
	rc = pcibk_quirk_parse(p, count - (size_t)(p - buf), &q);
	if (rc) {
		pr_warn("quirks: cannot parse \"%.*s\"\n", pcibk_txt_len(buf), buf);
		return rc;
	}
	pd = pcibk_get(q.seg, q.bus, q.devfn);
	if (!pd) {
		pr_warn("quirks: %04x:%02x:%02x.%d is not seized by pciback\n",
			q.seg, q.bus, PCI_SLOT(q.devfn), PCI_FUNC(q.devfn));
		return -ENODEV;
	}
	rc = pcibk_with_dev(pd, del ? pcibk_quirk_del : pcibk_quirk_add, &q);
	if (rc)
		dev_warn(&pd->pdev->dev, "quirks: cannot %s %.*s: %d\n",
			 del ? "remove" : "add", pcibk_txt_len(buf), buf, rc);
	pcibk_pdev_put(pd);
	return rc ?: count;
}

struct pcibk_show_arg {
	int (*show)(const struct pcibk_dev *d, char *buf, size_t len);
	char *buf;
	size_t len;
};

static int pcibk_show_one(struct pcibk_dev *d, void *arg)
{
	struct pcibk_show_arg *a = arg;

	return a->show(d, a->buf, a->len);
}

/* Concatenate show() of every bound function, within one page. */
static ssize_t pcibk_show_each(char *buf,
			       int (*show)(const struct pcibk_dev *d,
					   char *buf, size_t len))
{
	struct pcibk_show_arg arg = { .show = show };
	struct pcibk_pdev **arr;
	unsigned int nr, i;
	ssize_t len = 0;
	int n;

	arr = pcibk_snapshot(&nr);
	if (!arr)
		return -ENOMEM;
	for (i = 0; i < nr && len < PAGE_SIZE - 1; i++) {
		arg.buf = buf + len;
		arg.len = PAGE_SIZE - len;
		n = pcibk_with_dev(arr[i], pcibk_show_one, &arg);
		if (n > 0)
			len += n;
	}
	pcibk_snapshot_put(arr, nr);
	return len;
}

static ssize_t quirks_show(struct device_driver *drv, char *buf)
{
	return pcibk_show_each(buf, pcibk_cfg_quirks_show);
}
static DRIVER_ATTR_RW(quirks);

/*
 * do_flr (§9): libxl writes a BDF here before and after assignment. A
 * function no guest holds is reset and brought back to its golden state;
 * one a guest holds is refused (-EBUSY), since resetting it under the
 * guest would break its driver.
 */
/*
 * How long do_flr waits for the device lock, in 100 ms steps. AER
 * recovery holds that lock while the backend waits for a guest's answer
 * (up to 300 s, §12.2); libxl writes do_flr on its way to destroying
 * that very guest, so waiting for the lock would hold xl destroy (and
 * with it the end of the wait) for the whole timeout.
 */
#define PCIBK_FLR_LOCK_TRIES	50

static int pcibk_flr(struct pcibk_pdev *pd)
{
	struct pci_dev *pdev = pd->pdev;
	int rc, i;

	for (i = 0; !device_trylock(&pdev->dev); i++) {
		if (i >= PCIBK_FLR_LOCK_TRIES)
			return -EBUSY;
		msleep(100);
	}
	if (pd->removed || !pd->core) {
		rc = -ENODEV;
		goto out;
	}
	if (pd->be) {
		rc = -EBUSY;
		goto out;
	}
	/* A failed reset leaves the saved state as it is. */
	rc = pcibk_dev_reset_idle(pd->core, true);
	if (rc == -EIO)
		goto out;
	/* Without a reset method the golden state is all we can give back. */
	if (rc)
		dev_info(&pdev->dev, "do_flr: no reset method; restoring the saved state only\n");
	else
		dev_info(&pdev->dev, "do_flr: reset, saved state restored\n");
	rc = 0;
out:
	device_unlock(&pdev->dev);
	return rc;
}

static ssize_t do_flr_store(struct device_driver *drv, const char *buf,
			    size_t count)
{
	struct pcibk_pdev *pd;
	struct pcibk_bdf s;
	int rc;

	rc = pcibk_parse("do_flr", buf, count, &s);
	if (rc)
		return rc;
	if (s.slot == PCIBK_BDF_ANY || s.func == PCIBK_BDF_ANY) {
		pr_warn("do_flr: wildcards are not accepted\n");
		return -EINVAL;
	}
	pd = pcibk_get(s.seg, s.bus, PCI_DEVFN(s.slot, s.func));
	if (!pd) {
		pr_warn("do_flr: %04lx:%02lx:%02lx.%ld is not seized by pciback\n",
			s.seg, s.bus, s.slot, s.func);
		return -ENODEV;
	}
	rc = pcibk_flr(pd);
	if (rc)
		dev_warn(&pd->pdev->dev, "do_flr: %d\n", rc);
	pcibk_pdev_put(pd);
	return rc ?: count;
}
static DRIVER_ATTR_WO(do_flr);

/* One line per bound function (§9): "DDDD:BB:DD.F:on:acking:1234". */
static ssize_t irq_handlers_show(struct device_driver *drv, char *buf)
{
	return pcibk_show_each(buf, pcibk_dev_intx_show);
}
static DRIVER_ATTR_RO(irq_handlers);

static int pcibk_intx_toggle(struct pcibk_dev *d, void *arg)
{
	pcibk_dev_intx_toggle(d);
	*(bool *)arg = d->isr_on;
	return 0;
}

/*
 * Toggle the INTx helper's isr_on (§9): the administrator's switch for a
 * helper that claims too much or too little. The irq is neither
 * requested nor freed: the helper follows the guest's decoding.
 */
static ssize_t irq_handler_state_store(struct device_driver *drv,
				       const char *buf, size_t count)
{
	struct pcibk_pdev *pd = NULL;
	struct pcibk_bdf s;
	bool on = false;
	int rc;

	rc = pcibk_parse("irq_handler_state", buf, count, &s);
	if (rc)
		return rc;
	if (s.slot != PCIBK_BDF_ANY && s.func != PCIBK_BDF_ANY)
		pd = pcibk_get(s.seg, s.bus, PCI_DEVFN(s.slot, s.func));
	if (!pd) {
		pr_warn("irq_handler_state: %.*s is not seized by pciback\n",
			pcibk_txt_len(buf), buf);
		return -ENOENT;
	}
	rc = pcibk_with_dev(pd, pcibk_intx_toggle, &on);
	if (rc) {
		dev_warn(&pd->pdev->dev, "irq_handler_state: no per-device state: %d\n",
			 rc);
		rc = -ENOENT;
	} else {
		dev_info(&pd->pdev->dev, "irq_handler_state: INTx helper %s\n",
			 on ? "on (acking)" : "off");
	}
	pcibk_pdev_put(pd);
	return rc ?: count;
}
static DRIVER_ATTR_WO(irq_handler_state);

static struct attribute *pcibk_drv_attrs[] = {
	&driver_attr_new_slot.attr,
	&driver_attr_remove_slot.attr,
	&driver_attr_slots.attr,
	&driver_attr_quirks.attr,
	&driver_attr_permissive.attr,
	&driver_attr_allow_interrupt_control.attr,
	&driver_attr_do_flr.attr,
	&driver_attr_irq_handlers.attr,
	&driver_attr_irq_handler_state.attr,
	NULL,
};

static const struct attribute_group pcibk_drv_group = {
	.attrs = pcibk_drv_attrs,
};

const struct attribute_group *pcibk_drv_groups[] = {
	&pcibk_drv_group,
	NULL,
};

/*
 * Per-device files for administrators and pcibackctl: the request and
 * error counters and the denied config writes. The driver core removes
 * them before remove() runs, so drvdata is valid here; the device lock
 * must not be taken (remove holds it while it waits for readers).
 * pcibk_mutex keeps the claiming guest, whose domid is printed, alive.
 */
static ssize_t pcibk_dev_show(struct device *dev, char *buf,
			      int (*show)(const struct pcibk_pdev *pd, char *buf))
{
	struct pcibk_pdev *pd = dev_get_drvdata(dev);
	int n = 0;

	mutex_lock(&pcibk_mutex);
	if (pd && pd->core && !pd->removed)
		n = show(pd, buf);
	mutex_unlock(&pcibk_mutex);
	return n;
}

/*
 * The device's counters, then those of the backend instance (the ring)
 * of the guest that holds it: events, spurious events... (zeros when no
 * guest holds it). pcibk_mutex keeps that instance alive.
 */
static int pcibk_stats_text(const struct pcibk_pdev *pd, char *buf)
{
	int n = pcibk_dev_stats_show(pd->core, buf, PAGE_SIZE);

	return n + pcibk_ring_stats_show(pd->be ? &pd->be->s.ring.stats : NULL,
					 buf + n, PAGE_SIZE - n);
}

static ssize_t pciback_stats_show(struct device *dev,
				  struct device_attribute *attr, char *buf)
{
	return pcibk_dev_show(dev, buf, pcibk_stats_text);
}
static DEVICE_ATTR_RO(pciback_stats);

static int pcibk_denied_text(const struct pcibk_pdev *pd, char *buf)
{
	return pcibk_cfg_denied_show(pd->core, buf, PAGE_SIZE);
}

static ssize_t pciback_denied_show(struct device *dev,
				   struct device_attribute *attr, char *buf)
{
	return pcibk_dev_show(dev, buf, pcibk_denied_text);
}
static DEVICE_ATTR_RO(pciback_denied);

static struct attribute *pcibk_dev_attrs[] = {
	&dev_attr_pciback_stats.attr,
	&dev_attr_pciback_denied.attr,
	NULL,
};

static const struct attribute_group pcibk_dev_group = {
	.attrs = pcibk_dev_attrs,
};

const struct attribute_group *pcibk_dev_groups[] = {
	&pcibk_dev_group,
	NULL,
};
