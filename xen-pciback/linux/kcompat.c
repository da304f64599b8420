// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The parts of the kernel differences (kcompat.h) that need a function
 * of their own.
 */
#include "glue.h"

#ifndef PCIBK_HAVE_XENBUS_REMOVE_VOID
/* Kernels before 6.2 type remove() as returning an int; it is ignored. */
int pcibk_kc_xb_remove(struct xenbus_device *xdev)
{
	pcibk_xb_remove(xdev);
	return 0;
}
#endif
