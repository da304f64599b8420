/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Declarations shared by the core's own files and nobody else: the host
 * glue and the tests use include/pcibk/ only.
 */
#ifndef PCIBK_CORE_INTERNAL_H
#define PCIBK_CORE_INTERNAL_H

#include <pcibk/core.h>

/* ring.c: B12, the EOI of an event that is still owed, if one is. */
void pcibk_ring_eoi_owed(struct pcibk_session *s);

#endif /* PCIBK_CORE_INTERNAL_H */
