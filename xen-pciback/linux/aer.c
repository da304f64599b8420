// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * AER forwarding (PROTOCOL.md §12): the PCI driver's error handlers hand
 * an error to the guest that owns the device and wait for its answer.
 * The ring side (linux/ring.c) only calls pcibk_aer_ring_wake() when the
 * frontend has answered; everything else lives here.
 */
#define pr_fmt(fmt) "xen-pciback: " fmt

#include "glue.h"

/* The frontend cleared _XEN_PCIB_active: wake whoever waits for it. */
void pcibk_aer_ring_wake(struct pcibk_backend *be)
{
	/* No error handler waits yet: nothing to wake. */
}
