// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: xenbus_read_driver_state() takes the xenbus_device as well as
 * the path (Linux 7.0 and later), instead of the path alone.
 */
#include <xen/xenbus.h>

enum xenbus_state pcibk_probe(struct xenbus_device *xdev);
enum xenbus_state pcibk_probe(struct xenbus_device *xdev)
{
	return xenbus_read_driver_state(xdev, xdev->nodename);
}
