// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Configuration-space access. Placeholder: raw pass-through with the
 * op engine's bounds checks, until the field engine lands.
 */
#include <pcibk/cfg.h>

bool pcibk_permissive;

int pcibk_cfg_map_err(int rc)
{
	switch (rc) {
	case 0x00:
		return XEN_PCI_ERR_success;
	case 0x86:
		return XEN_PCI_ERR_dev_not_found;
	case 0x87:
		return XEN_PCI_ERR_invalid_offset;
	case 0x88:
		return XEN_PCI_ERR_access_denied;
	case 0x81:
		return XEN_PCI_ERR_not_implemented;
	default:
		return rc;
	}
}

int pcibk_cfg_init(struct pcibk_dev *d)
{
	(void)d;
	return 0;
}

void pcibk_cfg_free(struct pcibk_dev *d)
{
	(void)d;
}

void pcibk_cfg_reset(struct pcibk_dev *d)
{
	(void)d;
}

int pcibk_cfg_read(struct pcibk_dev *d, unsigned int off, unsigned int size,
		   u32 *val)
{
	return pcibk_cfg_map_err(d->ops->cfg_read(d->hdev, off, size, val));
}

int pcibk_cfg_write(struct pcibk_dev *d, unsigned int off, unsigned int size,
		    u32 val)
{
	return pcibk_cfg_map_err(d->ops->cfg_write(d->hdev, off, size, val));
}
