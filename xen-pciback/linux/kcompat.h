/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Every difference between the kernels this module builds for, in one
 * place. Which side applies is decided by the build-time probes
 * (probes/, README.md "Kernel compatibility"), never by a version
 * number: stable point releases take interface changes too (6.12.y got
 * the driver core's driver_override), so a version test would pick the
 * wrong side. The rest of the glue calls the pcibk_kc_*() helpers below
 * and has no #if of its own.
 */
#ifndef PCIBK_LINUX_KCOMPAT_H
#define PCIBK_LINUX_KCOMPAT_H

#include <linux/device.h>
#include <linux/errno.h>
#include <linux/interrupt.h>
#include <linux/pci.h>
#include <linux/string.h>
#include <xen/events.h>
#include <xen/xen.h>
#include <xen/xenbus.h>

#include <pcibk_probed.h>

/* The device-owner calls (and xen_reset_device()) of Xen's PCI support. */
#ifdef PCIBK_HAVE_XEN_PCI_H
#include <xen/pci.h>
#else
#include <asm/xen/pci.h>
#endif

#ifdef PCIBK_HAVE_XEN_GSI_HOOKS
#include <xen/acpi.h>
#endif

/*
 * True if user space set the device's driver_override to drv. Where the
 * driver core owns the override, only its helper reads it under the
 * right lock; before, the PCI core kept its own string, stable under the
 * device lock the driver core holds around probe.
 */
static inline bool pcibk_kc_driver_override(struct pci_dev *pdev,
					    const struct device_driver *drv)
{
#if defined(PCIBK_HAVE_DEV_DRIVER_OVERRIDE) && defined(__CHECKER__)
	/*
	 * sparse cannot follow the unlock that guard() leaves to a cleanup
	 * attribute and reports a context imbalance in the helper: it is
	 * shown an expression of the same types instead.
	 */
	return drv && !!dev_name(&pdev->dev);
#elif defined(PCIBK_HAVE_DEV_DRIVER_OVERRIDE)
	return device_match_driver_override(&pdev->dev, drv) > 0;
#elif defined(PCIBK_HAVE_PCI_DRIVER_OVERRIDE)
	return pdev->driver_override &&
	       !strcmp(pdev->driver_override, drv->name);
#else
#error "xen-pciback: no driver_override found (probes/)"
#endif
}

/*
 * Attributes of every bound device: the PCI driver's own field where it
 * has one (the PCI core copies it over the driver core's at
 * registration), else the driver core's.
 */
#ifdef PCIBK_HAVE_PCI_DEV_GROUPS
#define PCIBK_KC_PCI_DEV_GROUPS(g)	.dev_groups = (g)
#else
#define PCIBK_KC_PCI_DEV_GROUPS(g)	.driver.dev_groups = (g)
#endif

/*
 * A xenbus driver's remove(): 6.2 made it return void; before, it
 * returned an int nobody looked at, and kcompat.c adapts ours.
 */
#ifdef PCIBK_HAVE_XENBUS_REMOVE_VOID
#define PCIBK_KC_XB_REMOVE	pcibk_xb_remove
#else
int pcibk_kc_xb_remove(struct xenbus_device *xdev);
#define PCIBK_KC_XB_REMOVE	pcibk_kc_xb_remove
#endif

/* The state a xenbus node holds; 7.0 added the device argument. */
static inline enum xenbus_state pcibk_kc_read_state(struct xenbus_device *xdev,
						    const char *path)
{
#ifdef PCIBK_HAVE_XENBUS_STATE_XDEV
	return xenbus_read_driver_state(xdev, path);
#else
	return xenbus_read_driver_state(path);
#endif
}

/*
 * An interdomain event channel bound to a handler with late EOI; 5.12
 * replaced the remote domain's id by the xenbus device.
 */
static inline int pcibk_kc_bind_evtchn(struct xenbus_device *xdev,
				       evtchn_port_t port, irq_handler_t fn,
				       const char *name, void *arg)
{
#ifdef PCIBK_HAVE_EVTCHN_BIND_XDEV
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(xdev, port, fn,
							     0, name, arg);
#else
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(xdev->otherend_id,
							     port, fn, 0,
							     name, arg);
#endif
}

/*
 * The hooks of the 6.12 duties (linux/xen_pvh.c). Without them the
 * kernel has no caller of a GSI lookup and no vPCI to notify: the
 * helpers answer -EOPNOTSUPP and the duties are off
 * (PCIBK_KC_GSI_HOOKS, PCIBK_KC_RESET_HOOK).
 */
typedef int (*pcibk_kc_gsi_fn)(u32 sbdf);

#if defined(PCIBK_HAVE_XEN_GSI_HOOKS) && IS_ENABLED(CONFIG_XEN_ACPI)
#define PCIBK_KC_GSI_HOOKS	true
/*
 * xen_pvh_domain() reads the variable xen_pvh, exported for modules with
 * the GSI hooks (6.12); a compile test cannot see an export, and only
 * the GSI duty asks.
 */
#define pcibk_kc_pvh_domain()	xen_pvh_domain()
static inline void pcibk_kc_register_gsi(pcibk_kc_gsi_fn fn)
{
	xen_acpi_register_get_gsi_func(fn);
}

static inline int pcibk_kc_gsi_info(struct pci_dev *pdev, int *gsi,
				    int *trigger, int *polarity)
{
	return xen_acpi_get_gsi_info(pdev, gsi, trigger, polarity);
}

static inline int pcibk_kc_setup_gsi(int gsi, int trigger, int polarity)
{
	return xen_pvh_setup_gsi(gsi, trigger, polarity);
}
#else
#define PCIBK_KC_GSI_HOOKS	false
#define pcibk_kc_pvh_domain()	false
static inline void pcibk_kc_register_gsi(pcibk_kc_gsi_fn fn)
{
}

static inline int pcibk_kc_gsi_info(struct pci_dev *pdev, int *gsi,
				    int *trigger, int *polarity)
{
	return -EOPNOTSUPP;
}

static inline int pcibk_kc_setup_gsi(int gsi, int trigger, int polarity)
{
	return -EOPNOTSUPP;
}
#endif

#if defined(PCIBK_HAVE_XEN_RESET_DEVICE) && IS_ENABLED(CONFIG_XEN_DOM0)
#define PCIBK_KC_RESET_HOOK	true
static inline int pcibk_kc_xen_reset(struct pci_dev *pdev)
{
	return xen_reset_device(pdev);
}
#else
#define PCIBK_KC_RESET_HOOK	false
static inline int pcibk_kc_xen_reset(struct pci_dev *pdev)
{
	return -EOPNOTSUPP;
}
#endif

#endif /* PCIBK_LINUX_KCOMPAT_H */
