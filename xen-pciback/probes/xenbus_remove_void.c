// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: a xenbus driver's remove() returns void (6.2 and later), not an
 * int nobody looked at.
 */
#include <xen/xenbus.h>

void pcibk_probe(struct xenbus_driver *drv, void (*fn)(struct xenbus_device *));
void pcibk_probe(struct xenbus_driver *drv, void (*fn)(struct xenbus_device *))
{
	drv->remove = fn;
}
