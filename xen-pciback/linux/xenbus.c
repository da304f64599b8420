// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The xenbus backend "xen-pciback" for device type "pci" (PROTOCOL.md §8):
 * one instance per guest, its watches, and the xenstore keys of setup
 * (num_devs, dev-N, vdev-N, state-N, root-N) and hot-plug. What to do
 * when the frontend's state changes, the connection, release and teardown
 * are the session's (core/session.c); this file gives it xenstore. All
 * handlers of one instance run under its state_lock. Everything in the
 * frontend directory is untrusted.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include <linux/kernel.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <xen/xenbus.h>

#include "glue.h"

#define PCIBK_KEY_LEN	32

static void pcibk_backend_release(struct kref *kref)
{
	struct pcibk_backend *be = container_of(kref, struct pcibk_backend,
						kref);

	kfree(be);
}

void pcibk_backend_put(struct pcibk_backend *be)
{
	kref_put(&be->kref, pcibk_backend_release);
}

/*
 * The backend state as xenstore has it: libxl writes Reconfiguring there
 * itself, behind the xenbus core's cached xdev->state.
 */
static enum xenbus_state pcibk_be_state(struct pcibk_backend *be)
{
	return pcibk_kc_read_state(be->xdev, be->xdev->nodename);
}

static int pcibk_read_int(struct pcibk_backend *be, const char *key, int *v)
{
	if (xenbus_scanf(XBT_NIL, be->xdev->nodename, key, "%d", v) != 1)
		return -ENOENT;
	return 0;
}

static int pcibk_write_state(struct pcibk_backend *be, int i, int state)
{
	char key[PCIBK_KEY_LEN];

	snprintf(key, sizeof(key), "state-%d", i);
	return xenbus_printf(XBT_NIL, be->xdev->nodename, key, "%d", state);
}

/* One root: skipped if root-i already names it, else root-N, root_num. */
static int pcibk_publish_root(struct pcibk_backend *be,
			      const struct pcibk_root *r)
{
	const char *node = be->xdev->nodename;
	char key[PCIBK_KEY_LEN];
	unsigned int d, b;
	int num, i, rc;

	if (pcibk_read_int(be, "root_num", &num) || num < 0)
		num = 0;
	for (i = 0; i < num; i++) {
		snprintf(key, sizeof(key), "root-%d", i);
		if (xenbus_scanf(XBT_NIL, node, key, "%x:%x", &d, &b) != 2)
			continue;
		if (d == r->domain && b == r->bus)
			return 0;
	}
	snprintf(key, sizeof(key), "root-%d", num);
	rc = xenbus_printf(XBT_NIL, node, key, "%04x:%02x", r->domain, r->bus);
	if (rc)
		return rc;
	return xenbus_printf(XBT_NIL, node, "root_num", "%d", num + 1);
}

static int pcibk_publish_roots(struct pcibk_backend *be)
{
	struct pcibk_root *roots;
	unsigned int n, i;
	int rc = 0;

	roots = kcalloc(PCIBK_MAX_ROOTS, sizeof(*roots), GFP_KERNEL);
	if (!roots)
		return -ENOMEM;
	pcibk_session_lock(&be->s);
	n = pcibk_topo_roots(&be->s.guest.topo, roots, PCIBK_MAX_ROOTS);
	pcibk_session_unlock(&be->s);
	for (i = 0; i < n && !rc; i++)
		rc = pcibk_publish_root(be, &roots[i]);
	kfree(roots);
	if (rc)
		xenbus_dev_fatal(be->xdev, rc, "publishing the root buses");
	return rc;
}

/* dev-i names a host function: export it and write vdev-i (§8.4). */
static int pcibk_export_index(struct pcibk_backend *be, int i)
{
	struct xenbus_device *xdev = be->xdev;
	unsigned int dom, bus, slot, func;
	char key[PCIBK_KEY_LEN], vdev[24];
	struct pcibk_vaddr va;
	int rc;

	snprintf(key, sizeof(key), "dev-%d", i);
	if (xenbus_scanf(XBT_NIL, xdev->nodename, key, "%x:%x:%x.%x",
			 &dom, &bus, &slot, &func) != 4) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "Error reading device configuration");
		return -EINVAL;
	}
	if (dom > 0xffff || bus > 0xff || slot > 0x1f || func > 7) {
		xenbus_dev_fatal(xdev, -EINVAL, "Invalid PCI address %s", key);
		return -EINVAL;
	}
	rc = pcibk_stub_export(be, dom, bus, PCI_DEVFN(slot, func), &va);
	if (rc == -ENODEV) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "Couldn't locate PCI device (%04x:%02x:%02x.%d)! perhaps already in-use?",
				 dom, bus, slot, func);
		return -EINVAL;
	}
	if (rc) {
		xenbus_dev_fatal(xdev, rc, "Error adding PCI device %04x:%02x:%02x.%d",
				 dom, bus, slot, func);
		return rc;
	}
	pcibk_vaddr_format(&va, vdev, sizeof(vdev));
	snprintf(key, sizeof(key), "vdev-%d", i);
	rc = xenbus_printf(XBT_NIL, xdev->nodename, key, "%s", vdev);
	if (rc) {
		/* Back to the pool. */
		pcibk_session_release(&be->s, va.domain, va.bus, va.devfn);
		xenbus_dev_fatal(xdev, rc, "writing %s", key);
		return rc;
	}
	dev_dbg(&xdev->dev, "exported %04x:%02x:%02x.%d as %s\n", dom, bus,
		slot, func, vdev);
	return 0;
}

/* state-i = 5: vdev-i names the guest address to unplug. */
static void pcibk_unplug_index(struct pcibk_backend *be, int i)
{
	struct xenbus_device *xdev = be->xdev;
	unsigned int dom, bus, slot, func;
	char key[PCIBK_KEY_LEN];

	snprintf(key, sizeof(key), "vdev-%d", i);
	if (xenbus_scanf(XBT_NIL, xdev->nodename, key, "%x:%x:%x.%x",
			 &dom, &bus, &slot, &func) != 4) {
		dev_warn(&xdev->dev, "cannot read %s; skipping it\n", key);
		return;
	}
	if (slot > 0x1f || func > 7 ||
	    !pcibk_session_release(&be->s, dom, bus,
				   PCI_DEVFN(slot, func)))
		dev_warn(&xdev->dev, "%s: no device at %04x:%02x:%02x.%x; skipping it\n",
			 key, dom, bus, slot, func);
}

/* A reconfigure pass over state-i (§8.3); state_lock held. */
static int pcibk_reconfigure(struct pcibk_backend *be)
{
	struct xenbus_device *xdev = be->xdev;
	char key[PCIBK_KEY_LEN];
	int num, i, st, rc;
	bool added = false;

	if (pcibk_read_int(be, "num_devs", &num) || num < 0) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "Error reading number of devices");
		return -EINVAL;
	}
	for (i = 0; i < num; i++) {
		snprintf(key, sizeof(key), "state-%d", i);
		if (pcibk_read_int(be, key, &st))
			continue;
		switch (st) {
		case XenbusStateInitialising:
			rc = pcibk_export_index(be, i);
			if (rc)
				return rc;
			added = true;
			rc = pcibk_write_state(be, i, XenbusStateInitialised);
			if (rc) {
				xenbus_dev_fatal(xdev, rc, "writing %s", key);
				return rc;
			}
			break;
		case XenbusStateClosing:
			pcibk_unplug_index(be, i);
			break;
		default:
			break;
		}
	}
	return added ? pcibk_publish_roots(be) : 0;
}

/* Backend in InitWait: export dev-0..num_devs-1 (§8.3 "Setup"). */
static void pcibk_setup(struct pcibk_backend *be)
{
	struct xenbus_device *xdev = be->xdev;
	int num, i, rc;

	if (pcibk_read_int(be, "num_devs", &num) || num < 0) {
		xenbus_dev_fatal(xdev, -EINVAL,
				 "Error reading number of devices");
		return;
	}
	for (i = 0; i < num; i++) {
		if (pcibk_export_index(be, i))
			return;
		rc = pcibk_write_state(be, i, XenbusStateInitialised);
		if (rc) {
			xenbus_dev_fatal(xdev, rc, "writing state-%d", i);
			return;
		}
	}
	if (pcibk_publish_roots(be))
		return;
	rc = xenbus_switch_state(xdev, XenbusStateInitialised);
	if (rc) {
		xenbus_dev_fatal(xdev, rc, "switching to Initialised");
		return;
	}
	be->s.set_up = true;
}

/* ---- the session's xenstore primitives (struct pcibk_host_ops) ---- */

int pcibk_be_xb_state(void *ctx, bool frontend)
{
	struct pcibk_backend *be = ctx;

	return frontend ? pcibk_kc_read_state(be->xdev, be->xdev->otherend) :
	       pcibk_be_state(be);
}

bool pcibk_be_xb_online(void *ctx)
{
	struct pcibk_backend *be = ctx;

	return xenbus_dev_is_online(be->xdev);
}

int pcibk_be_xb_switch(void *ctx, int state)
{
	struct pcibk_backend *be = ctx;

	return xenbus_switch_state(be->xdev, state);
}

int pcibk_be_xb_read_fe(void *ctx, const char *key, char *buf, size_t len)
{
	struct pcibk_backend *be = ctx;
	unsigned int n;
	char *v;
	int rc = 0;

	v = xenbus_read(XBT_NIL, be->xdev->otherend, key, &n);
	if (IS_ERR(v))
		return PTR_ERR(v);
	if (n >= len)
		rc = -E2BIG;
	else
		memcpy(buf, v, n + 1);
	kfree(v);
	return rc;
}

void pcibk_be_xb_fatal(void *ctx, int err, const char *msg)
{
	struct pcibk_backend *be = ctx;

	xenbus_dev_fatal(be->xdev, err, "%s", msg);
}

int pcibk_be_reconfigure(void *ctx)
{
	return pcibk_reconfigure(ctx);
}

/* The backend directory changed: libxl added devices or set state 7. */
static void pcibk_be_watch(struct xenbus_watch *watch, const char *path,
			   const char *token)
{
	struct pcibk_backend *be = container_of(watch, struct pcibk_backend,
						watch);
	bool gone = false;

	mutex_lock(&be->state_lock);
	switch (pcibk_be_state(be)) {
	case XenbusStateInitWait:
		pcibk_setup(be);
		break;
	case XenbusStateInitialised:
		/* libxl adds a starting domain's devices one at a time. */
		pcibk_reconfigure(be);
		break;
	default:
		break;
	}
	/* The frontend may have been waiting for the devices. */
	if (pcibk_be_state(be) == XenbusStateInitialised)
		gone = pcibk_session_frontend_changed(&be->s);
	mutex_unlock(&be->state_lock);
	if (gone)
		device_unregister(&be->xdev->dev);
}

static void pcibk_frontend_changed(struct xenbus_device *xdev,
				   enum xenbus_state fe_state)
{
	struct pcibk_backend *be = dev_get_drvdata(&xdev->dev);
	bool gone;

	dev_dbg(&xdev->dev, "frontend changed to %s\n",
		xenbus_strstate(fe_state));
	mutex_lock(&be->state_lock);
	gone = pcibk_session_frontend_changed(&be->s);
	mutex_unlock(&be->state_lock);
	/* Leads to pcibk_xb_remove(), the teardown. */
	if (gone)
		device_unregister(&xdev->dev);
}

static int pcibk_xb_probe(struct xenbus_device *xdev,
			  const struct xenbus_device_id *id)
{
	struct pcibk_backend *be;
	int rc;

	be = kzalloc(sizeof(*be), GFP_KERNEL);
	if (!be) {
		xenbus_dev_fatal(xdev, -ENOMEM, "allocating backend structure");
		return -ENOMEM;
	}
	kref_init(&be->kref);
	mutex_init(&be->state_lock);
	be->xdev = xdev;
	pcibk_session_init(&be->s, &pcibk_linux_host_ops, be,
			   xdev->otherend_id, pcibk_passthrough);
	pcibk_be_setup(be);
	dev_set_drvdata(&xdev->dev, be);

	rc = xenbus_switch_state(xdev, XenbusStateInitWait);
	if (rc)
		goto err;
	rc = xenbus_watch_pathfmt(xdev, &be->watch, NULL, pcibk_be_watch,
				  "%s", xdev->nodename);
	if (rc)
		goto err;
	be->watching = true;
	/* The devices may all be there already. */
	pcibk_be_watch(&be->watch, NULL, NULL);
	return 0;

err:
	dev_set_drvdata(&xdev->dev, NULL);
	pcibk_backend_put(be);
	return rc;
}

void pcibk_xb_remove(struct xenbus_device *xdev)
{
	struct pcibk_backend *be = dev_get_drvdata(&xdev->dev);

	if (!be)
		return;
	if (be->watching) {
		unregister_xenbus_watch(&be->watch);
		kfree(be->watch.node);
		be->watch.node = NULL;
		be->watching = false;
	}
	mutex_lock(&be->state_lock);
	if (pcibk_session_disconnect(&be->s) ||
	    pcibk_session_teardown(&be->s)) {
		/*
		 * Wedged: its handler, worker and devices may still use be,
		 * so it stays allocated; the devices stay claimed.
		 */
		mutex_unlock(&be->state_lock);
		dev_set_drvdata(&xdev->dev, NULL);
		return;
	}
	mutex_unlock(&be->state_lock);
	dev_set_drvdata(&xdev->dev, NULL);
	pcibk_backend_put(be);
}

static const struct xenbus_device_id pcibk_xb_ids[] = {
	{ "pci" },
	{ "" },
};

static struct xenbus_driver pcibk_xb_driver = {
	.name = "xen-pciback",
	.ids = pcibk_xb_ids,
	.probe = pcibk_xb_probe,
	.remove = PCIBK_KC_XB_REMOVE,
	.otherend_changed = pcibk_frontend_changed,
};

int pcibk_xenbus_register(void)
{
	return xenbus_register_backend(&pcibk_xb_driver);
}

void pcibk_xenbus_unregister(void)
{
	xenbus_unregister_driver(&pcibk_xb_driver);
}
