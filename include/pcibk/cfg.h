/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Configuration-space virtualization (PROTOCOL.md §5, §6): what a guest
 * reads from and may write to a passed-through function's config space.
 *
 * This is the API the kernel module (sysfs, module parameters) and the
 * tools use. The field engine's internals are the core's own
 * (xen-pciback/core/cfg_field.h).
 * Locking is the caller's, as for the rest of the core: every call for
 * one device is serialised with that device's guest requests.
 */
#ifndef PCIBK_CFG_H
#define PCIBK_CFG_H

#include <pcibk/core.h>

/* Global permissive mode (module parameter "permissive", §6.5). */
extern bool pcibk_permissive;

/* Build the per-device virtual fields at seize time; free them at release. */
int pcibk_cfg_init(struct pcibk_dev *d);
void pcibk_cfg_free(struct pcibk_dev *d);
/*
 * Detach: leave BAR sizing state, reload the COMMAND shadow from hardware.
 * Quirks, strict mode and the denied-write record are kept (see
 * docs/config-space.md); they go away with pcibk_cfg_free() (unbind).
 */
void pcibk_cfg_reset(struct pcibk_dev *d);

/*
 * Guest accesses. The op engine has already checked size (1, 2, 4),
 * alignment and 0 <= off, off + size <= cfg_size; these check again and
 * answer -2 (no hardware access) if that was not done. The result is the
 * guest-visible err (PROTOCOL.md §5 mapping applied). Accesses to one
 * device must not overlap (the guest's op exclusion): the fields' state,
 * and the raw value a read shares with its hooks, are per device.
 */
int pcibk_cfg_read(struct pcibk_dev *d, unsigned int off, unsigned int size,
		   u32 *val);
int pcibk_cfg_write(struct pcibk_dev *d, unsigned int off, unsigned int size,
		    u32 val);
/*
 * True if pcibk_cfg_write(d, off, size, ...) may sleep: it reaches a
 * field whose hook calls a host op other than cfg_read/cfg_write. Every
 * other write (and every read) only calls those two, which the host
 * must allow in atomic context.
 */
bool pcibk_cfg_write_sleeps(struct pcibk_dev *d, unsigned int off,
			    unsigned int size);

/* §5: PCIBIOS codes to the err the guest sees. */
int pcibk_cfg_map_err(int rc);

/* True if writes to unhandled registers of d go raw (§6.5). */
bool pcibk_cfg_is_permissive(const struct pcibk_dev *d);
/*
 * sysfs "permissive": set the per-device flag (one-way). Logs the two
 * §9 warnings on the 0 -> 1 change. Returns 0, or -ENXIO without state.
 */
int pcibk_cfg_set_permissive(struct pcibk_dev *d);

/*
 * Strict mode (opt-in, per device), as Xen's in-hypervisor vPCI does for
 * guests: the capability list the guest reads holds only PM, MSI and
 * MSI-X (first instances); every other byte of 0x40-0xff outside them,
 * and all of extended space, reads as 0 and drops writes, even in
 * permissive mode (quirk fields still work). Returns 0 or a host error.
 */
int pcibk_cfg_set_strict(struct pcibk_dev *d, bool on);
bool pcibk_cfg_strict(const struct pcibk_dev *d);

/*
 * The record of denied guest writes: writes to unhandled registers that
 * were dropped, writes a handler refused with an error, and writes to
 * registers strict mode hides. Bounded: the PCIBK_CFG_DENIED_SLOTS most
 * recently denied distinct (offset, size) pairs with their counts, plus a
 * total of every denied write. Kept across detach, cleared by
 * pcibk_cfg_denied_clear() or at unbind.
 */
#define PCIBK_CFG_DENIED_SLOTS	16

struct pcibk_cfg_denied {
	u16 off;
	u8 size;
	u32 count;		/* saturates at 0xffffffff */
};

/* Most recent first; returns how many entries were written to out. */
unsigned int pcibk_cfg_denied(const struct pcibk_dev *d,
			      struct pcibk_cfg_denied *out, unsigned int max);
u64 pcibk_cfg_denied_total(const struct pcibk_dev *d);
void pcibk_cfg_denied_clear(struct pcibk_dev *d);
/*
 * sysfs/tool text: "total %llu\n" then one "%03x:%u:%u\n" line
 * (offset:size:count) per entry, most recent first. Like scnprintf:
 * returns the number of characters written, at most len - 1.
 */
int pcibk_cfg_denied_show(const struct pcibk_dev *d, char *buf, size_t len);

/*
 * Quirks (§6.6, §9 "quirks"). A quirk is a raw pass-through field with a
 * write MASK: hw = (hw & ~MASK) | (v & MASK); reads are raw. Lifetime
 * ([OPEN] in §6.6, chosen here): a quirk is kept across detach and
 * re-assignment until pcibk_cfg_quirk_del() or unbind.
 */
#define PCIBK_CFG_MAX_QUIRKS	32

struct pcibk_quirk_spec {
	u16 seg;
	u8 bus;
	u8 devfn;
	u16 reg;
	u8 size;
	u32 mask;
};

/*
 * Parse "[ws]DDDD:BB:SS.F-REG:SIZE:MASK[ws]" (domain optional, all hex,
 * trailing newline allowed) of at most len characters (NUL also ends it).
 * Checks what does not depend on the device: REG <= 0xfff, SIZE in
 * {1, 2, 4}, REG % SIZE == 0, MASK fits SIZE. 0 or -EINVAL.
 */
int pcibk_quirk_parse(const char *buf, size_t len, struct pcibk_quirk_spec *q);
/*
 * Add a quirk field. -EINVAL: a check above, or REG + SIZE > cfg_size;
 * -EEXIST: it overlaps any existing field of the device; -ENOSPC: too
 * many quirks; -ENXIO: no per-device state.
 */
int pcibk_cfg_quirk_add(struct pcibk_dev *d, unsigned int reg,
			unsigned int size, u32 mask);
/* Remove the quirk at exactly (reg, size): 0 or -ENOENT. */
int pcibk_cfg_quirk_del(struct pcibk_dev *d, unsigned int reg,
			unsigned int size);
/* Remove every quirk of the device. */
void pcibk_cfg_quirk_del_all(struct pcibk_dev *d);
unsigned int pcibk_cfg_quirk_count(const struct pcibk_dev *d);
/*
 * The §9 "quirks" block of one device: "%02x:%02x.%01x\n" (bus:slot.func),
 * "\t%04x:%04x:%04x:%04x\n" (vendor:device:subvendor:subdevice), then
 * "\t\t%08x:%01x:%08x\n" (offset:size:mask, mask 0 for non-quirk fields)
 * for every field in registration order. Returns the number of
 * characters written, at most len - 1 (output truncated to fit).
 */
int pcibk_cfg_quirks_show(const struct pcibk_dev *d, char *buf, size_t len);

#endif /* PCIBK_CFG_H */
