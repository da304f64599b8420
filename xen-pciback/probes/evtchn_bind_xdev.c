// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: bind_interdomain_evtchn_to_irqhandler_lateeoi() takes the
 * xenbus_device (5.12 and later) instead of the remote domain's id.
 */
#include <linux/interrupt.h>
#include <xen/events.h>
#include <xen/xenbus.h>

int pcibk_probe(struct xenbus_device *xdev, irq_handler_t fn);
int pcibk_probe(struct xenbus_device *xdev, irq_handler_t fn)
{
	return bind_interdomain_evtchn_to_irqhandler_lateeoi(xdev, 1, fn, 0,
							     "probe", xdev);
}
