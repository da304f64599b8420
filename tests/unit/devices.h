/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Realistic simulated devices for the config-space tests, built from
 * lspci -xxxx style facts (ids, revision, class, BARs, capability chain,
 * extended capabilities), and small helpers to drive one device as a
 * guest through the op engine.
 */
#ifndef PCIBK_DEVICES_H
#define PCIBK_DEVICES_H

#include "fix.h"
#include <pcibk/cfg.h>

typedef struct sim_dev *(*dev_builder)(struct sim_host *h, u8 bus, u8 devfn);

/* Intel I350-like NIC: 64-bit BARs, I/O BAR, PM, MSI, MSI-X, VPD, PCIe. */
struct sim_dev *dev_nic(struct sim_host *h, u8 bus, u8 devfn);
/* NVMe controller: one 64-bit BAR, PM, MSI, PCIe, MSI-X, AER. */
struct sim_dev *dev_nvme(struct sim_host *h, u8 bus, u8 devfn);
/* USB xHCI controller (256-byte space): 64-bit BAR, PM, MSI. */
struct sim_dev *dev_xhci(struct sim_host *h, u8 bus, u8 devfn);
/* GPU: 32-bit BAR0, large 64-bit prefetchable BARs, I/O BAR, ROM. */
struct sim_dev *dev_gpu(struct sim_host *h, u8 bus, u8 devfn);
/* SR-IOV VF (and its PF, not exported): ids read 0xffff in hardware. */
struct sim_dev *dev_vf(struct sim_host *h, u8 bus, u8 devfn);
/* PCIe switch downstream port (type 1): BAR0, ROM, PM, MSI, PCIe. */
struct sim_dev *dev_bridge(struct sim_host *h, u8 bus, u8 devfn);
/* A bare type-0 function with 256 bytes and nothing but a BAR. */
struct sim_dev *dev_plain(struct sim_host *h, u8 bus, u8 devfn);

/* fix_init() (passthrough) plus one device built by mk, exported. */
struct pcibk_dev *dt_start(struct fix *f, dev_builder mk);
/* Guest accesses of the exported device, through the op engine. */
s32 dt_op(struct fix *f, u32 cmd, unsigned int off, unsigned int size, u32 v);
u32 dt_read(struct fix *f, unsigned int off, unsigned int size);
s32 dt_write(struct fix *f, unsigned int off, unsigned int size, u32 v);
/* Hardware of the first device. */
u32 dt_hw(struct fix *f, unsigned int off, unsigned int size);

/* One register-level row: write (unless skip_write), read back, hw. */
struct dt_row {
	u16 off;
	u8 size;
	bool skip_write;
	u32 wval;
	s32 werr;
	u32 rval;		/* guest read back */
	u32 hw;			/* hardware afterwards at (off, size) */
};

/* Run rows in order on the exported device; failures name the row. */
void dt_rows(struct fix *f, const struct dt_row *rows, unsigned int n,
	     const char *file, int line);
#define DT_ROWS(f, rows) \
	dt_rows((f), (rows), ARRAY_SIZE(rows), __FILE__, __LINE__)

#endif /* PCIBK_DEVICES_H */
