/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Configuration-space virtualization (PROTOCOL.md §5, §6): what a guest
 * reads from and may write to a passed-through function's config space.
 */
#ifndef PCIBK_CFG_H
#define PCIBK_CFG_H

#include <pcibk/core.h>

/* Global permissive mode (module parameter "permissive", §6.5). */
extern bool pcibk_permissive;

/* Build the per-device virtual fields at seize time; free them at release. */
int pcibk_cfg_init(struct pcibk_dev *d);
void pcibk_cfg_free(struct pcibk_dev *d);
/* Detach: leave BAR sizing state, reload the COMMAND shadow from hardware. */
void pcibk_cfg_reset(struct pcibk_dev *d);

/*
 * Guest accesses. The op engine has already checked size (1, 2, 4),
 * alignment and 0 <= off, off + size <= cfg_size. The result is the
 * guest-visible err (PROTOCOL.md §5 mapping applied).
 */
int pcibk_cfg_read(struct pcibk_dev *d, unsigned int off, unsigned int size,
		   u32 *val);
int pcibk_cfg_write(struct pcibk_dev *d, unsigned int off, unsigned int size,
		    u32 val);

/* §5: PCIBIOS codes to the err the guest sees. */
int pcibk_cfg_map_err(int rc);

#endif /* PCIBK_CFG_H */
