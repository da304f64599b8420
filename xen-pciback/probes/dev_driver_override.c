// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Probe: the driver core keeps driver_override in struct device and
 * matches it with device_match_driver_override(). Stable point releases
 * got this too (6.12.y), so no version number can tell.
 */
#include <linux/device.h>

int pcibk_probe(struct device *dev, const struct device_driver *drv);
int pcibk_probe(struct device *dev, const struct device_driver *drv)
{
	return device_match_driver_override(dev, drv);
}
