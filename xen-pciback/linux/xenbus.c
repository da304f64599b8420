// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The xenbus backend "xen-pciback" for device type "pci" (PROTOCOL.md §8):
 * one instance per guest, setup from num_devs/dev-N, attach to the
 * frontend, hot-plug and hot-unplug through Reconfiguring/Reconfigured,
 * disconnect and teardown. All handlers of one instance run under its
 * state_lock. Everything in the frontend directory is untrusted.
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
	pcibk_op_lock(be);
	n = pcibk_topo_roots(&be->guest.topo, roots, PCIBK_MAX_ROOTS);
	pcibk_op_unlock(be);
	for (i = 0; i < n && !rc; i++)
		rc = pcibk_publish_root(be, &roots[i]);
	kfree(roots);
	if (rc)
		xenbus_dev_fatal(be->xdev, rc, "publishing the root buses");
	return rc;
}

/*
 * Take the device at a guest address out of the topology and detach it
 * (§11.3); state_lock held. Returns false if there is none.
 */
static bool pcibk_release(struct pcibk_backend *be, u32 dom, u32 bus,
			  u32 devfn)
{
	struct pcibk_pdev *pd = NULL;
	struct pcibk_dev *d;

	if (!pcibk_op_lock_bounded(be))
		return false;
	d = pcibk_topo_find(&be->guest.topo, dom, bus, devfn);
	if (d) {
		pcibk_topo_del(&be->guest.topo, d);
		pd = d->priv;
		kref_get(&pd->kref);
	}
	pcibk_op_unlock_resume(be);
	if (!pd)
		return false;
	pcibk_stub_detach(pd);
	return true;
}

/* Release every device of this guest; -EBUSY if the backend is wedged. */
static int pcibk_teardown(struct pcibk_backend *be)
{
	struct pcibk_pdev *pd;
	struct pcibk_dev *d;

	for (;;) {
		if (!pcibk_op_lock_bounded(be))
			return -EBUSY;
		d = be->guest.topo.list;
		if (d) {
			pcibk_topo_del(&be->guest.topo, d);
			pd = d->priv;
			kref_get(&pd->kref);
		}
		pcibk_op_unlock_resume(be);
		if (!d)
			return 0;
		pcibk_stub_detach(pd);
	}
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
		pcibk_release(be, va.domain, va.bus, va.devfn);
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
	    !pcibk_release(be, dom, bus, PCI_DEVFN(slot, func)))
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
	be->set_up = true;
}

/*
 * Map the frontend's page and bind its channel, then Connected (§8.3)
 * unless a reconfigure owns the state (connect false); state_lock held,
 * no ring attached.
 */
static void pcibk_attach(struct pcibk_backend *be, bool connect)
{
	struct xenbus_device *xdev = be->xdev;
	unsigned int gref, port;
	char *magic = NULL;
	int rc;

	rc = xenbus_gather(XBT_NIL, xdev->otherend,
			   "pci-op-ref", "%u", &gref,
			   "event-channel", "%u", &port,
			   "magic", NULL, &magic, NULL);
	if (rc) {
		xenbus_dev_fatal(xdev, rc,
				 "Error reading configuration from frontend");
		goto out;
	}
	if (strcmp(magic, XEN_PCI_MAGIC)) {
		xenbus_dev_fatal(xdev, -EFAULT,
				 "version mismatch (%s/%s) with pcifront - halting xen-pciback",
				 magic, XEN_PCI_MAGIC);
		goto out;
	}
	if (pcibk_ring_connect(be, gref, port))
		goto out;
	if (!connect)
		goto out;
	rc = xenbus_switch_state(xdev, XenbusStateConnected);
	if (rc) {
		/* Not connected: keep no ring the frontend would not use. */
		xenbus_dev_fatal(xdev, rc, "switching to Connected");
		pcibk_ring_disconnect(be);
		goto out;
	}
	dev_dbg(&xdev->dev, "connected to dom%u (gref %u, port %u)\n",
		be->guest.domid, gref, port);
out:
	kfree(magic);
}

/*
 * Carry out the core's decision for the frontend's state as it is now
 * (pcibk_session_frontend()); state_lock held. True: the instance must
 * be removed, which the caller does without state_lock.
 */
static bool pcibk_frontend_act(struct pcibk_backend *be)
{
	struct xenbus_device *xdev = be->xdev;
	int fe = pcibk_kc_read_state(xdev, xdev->otherend);
	int bs = pcibk_be_state(be);
	enum pcibk_fe_action act;

	act = pcibk_session_frontend(fe, bs, be->sh, be->set_up,
				     xenbus_dev_is_online(xdev));
	dev_dbg(&xdev->dev, "frontend %s, backend %s: action %d\n",
		xenbus_strstate(fe), xenbus_strstate(bs), act);
	switch (act) {
	case PCIBK_FE_NONE:
		break;
	case PCIBK_FE_REATTACH:
		if (pcibk_ring_disconnect(be))
			break;
		fallthrough;
	case PCIBK_FE_ATTACH:
		pcibk_attach(be, true);
		break;
	case PCIBK_FE_REMAP:
		if (!pcibk_ring_disconnect(be))
			pcibk_attach(be, false);
		break;
	case PCIBK_FE_REOPEN:
		pcibk_ring_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateInitialised);
		break;
	case PCIBK_FE_RECONFIGURE:
		if (!pcibk_reconfigure(be))
			xenbus_switch_state(xdev, XenbusStateReconfigured);
		break;
	case PCIBK_FE_RECONNECTED:
		xenbus_switch_state(xdev, XenbusStateConnected);
		break;
	case PCIBK_FE_CLOSE:
		pcibk_ring_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosing);
		break;
	case PCIBK_FE_CLOSED:
		pcibk_ring_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosed);
		break;
	case PCIBK_FE_RESTART:
		pcibk_ring_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosed);
		xenbus_switch_state(xdev, XenbusStateInitialised);
		break;
	case PCIBK_FE_GONE:
		pcibk_ring_disconnect(be);
		xenbus_switch_state(xdev, XenbusStateClosed);
		return true;
	}
	return false;
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
		gone = pcibk_frontend_act(be);
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
	gone = pcibk_frontend_act(be);
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
	mutex_init(&be->op_lock);
	be->xdev = xdev;
	pcibk_guest_init(&be->guest, xdev->otherend_id, pcibk_passthrough);
	pcibk_ring_setup(be);
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
	if (pcibk_ring_disconnect(be) || pcibk_teardown(be)) {
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
