/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Fixtures shared by the unit tests: a simulated host with typical
 * devices, a guest that has them exported, and a page to send requests.
 */
#ifndef PCIBK_FIX_H
#define PCIBK_FIX_H

#include "t.h"

#define FIX_MAX SIM_MAX_DEVS

struct fix {
	struct sim_host *h;
	struct sim_page *pg;
	struct sim_session ss;		/* the guest's session */
	struct pcibk_guest *g;		/* &ss.s.guest */
	struct sim_dev *sd[FIX_MAX];
	struct pcibk_dev *d[FIX_MAX];
	unsigned int n;
	long allocs_at_start;
};

/* A NIC-like function: MSI (maskable, 32 vectors), MSI-X (64), PM, BARs. */
struct sim_dev *fix_nic(struct sim_host *h, u8 bus, u8 devfn);
/* An MSI-only function (AHCI-like). */
struct sim_dev *fix_msi_only(struct sim_host *h, u8 bus, u8 devfn);

#define FIX_PIRQ_BUDGET	256

void fix_init(struct fix *f, bool passthrough);
/* Only a session of its own for domid (a second guest): no host. */
void fix_session(struct fix *f, u16 domid, bool passthrough);
/* The session releases d by its guest address (both phases, §11.3). */
bool fix_release(struct fix *f, struct pcibk_dev *d);
/* Seize a sim device into a core device; optionally export it. */
struct pcibk_dev *fix_add(struct fix *f, struct sim_dev *sd, bool export);
/* Tear everything down and check nothing is left outstanding. */
void fix_fini(struct fix *f);

/* Send one request through the page and the op engine, tripwire armed. */
s32 fix_op(struct fix *f, u32 cmd, u32 devfn, s32 off, s32 size, u32 value);
s32 fix_op_full(struct fix *f, u32 cmd, u32 domain, u32 bus, u32 devfn,
		s32 off, s32 size, u32 value);
u32 fix_value(struct fix *f);
s32 fix_read(struct fix *f, u32 devfn, s32 off, s32 size, u32 *val);
s32 fix_msix(struct fix *f, u32 devfn, unsigned int nr);
/* What a guest driver does first: COMMAND = MEMORY | MASTER. */
s32 fix_enable(struct fix *f, u32 devfn);

#endif /* PCIBK_FIX_H */
