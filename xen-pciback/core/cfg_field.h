/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The field engine of the virtual config space (PROTOCOL.md §6.1), shared
 * by cfg.c (engine), cfg_header.c (§6.2, §6.3), cfg_caps.c (§6.4) and
 * quirks.c (§6.6). Not for use outside the core.
 */
#ifndef PCIBK_CFG_FIELD_H
#define PCIBK_CFG_FIELD_H

#include <pcibk/cfg.h>

/* PCIBIOS codes the handlers return; pcibk_cfg_map_err() converts them. */
#define PCIBK_PCIBIOS_SET_FAILED	0x88

#define PCIBK_CFG_MAX_FIELDS	96	/* header ~20, caps ~14, quirks */
#define PCIBK_CFG_NONE		0xff	/* end of a per-dword chain */
#define PCIBK_CFG_DWORDS	1024	/* 4096 / 4 */

struct pcibk_cfg_field;

/*
 * Hooks. A read hook returns the field's full-width value; a write hook
 * gets the full-width merged value. Both return 0, a PCIBIOS code or a
 * negative errno. init runs when the field is added (an error fails
 * pcibk_cfg_init), reset at detach, release when the field goes away.
 */
struct pcibk_cfg_def {
	u16 off;		/* from the table's base */
	u8 size;		/* 1, 2 or 4 */
	int (*read)(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *val);
	int (*write)(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 val);
	int (*init)(struct pcibk_dev *d, struct pcibk_cfg_field *f);
	void (*reset)(struct pcibk_dev *d, struct pcibk_cfg_field *f);
	void (*release)(struct pcibk_dev *d, struct pcibk_cfg_field *f);
	/*
	 * write may call a host op that sleeps (enable, power state): a
	 * write that reaches such a field is never answered in the event
	 * handler (pcibk_cfg_write_sleeps()).
	 */
	bool sleeps;
	/*
	 * read gives the core's own value and never needs the hardware's
	 * (ids, BARs, interrupt line): a guest read made of such fields
	 * only does not read the hardware (pcibk_cfg_read()).
	 */
	bool virt;
};

struct pcibk_cfg_field {
	const struct pcibk_cfg_def *def;
	u16 start;
	u8 size;
	u8 next;		/* next field overlapping the same dword */
	bool quirk;
	bool sizing;		/* BAR/ROM: in sizing state */
	bool nostate;		/* BAR/ROM: host resources unknown */
	u32 mask;		/* quirk write mask */
	u32 val;		/* BAR/ROM value, COMMAND shadow */
	u32 size_val;		/* BAR/ROM sizing answer */
};

/* A byte the guest reads differently in strict mode (cap pointers). */
struct pcibk_cfg_patch {
	u16 off;
	u8 clear;		/* bits replaced */
	u8 set;
};

#define PCIBK_CFG_MAX_PATCHES	8

struct pcibk_cfg {
	unsigned int nr;
	struct pcibk_cfg_field f[PCIBK_CFG_MAX_FIELDS];
	u8 head[PCIBK_CFG_DWORDS];	/* first field of each dword */
	u8 virt[PCIBK_CFG_DWORDS];	/* bytes of .virt fields, a bit each */
	struct pcibk_res res[PCIBK_NR_RES];
	bool have_res;
	bool warned;			/* the once-per-device §6.1 warning */

	/*
	 * The hardware value of the guest's read being served, which the
	 * hooks' pcibk_cfg_hw_read() reuses for the bytes it covers: one
	 * config access instead of two or three per request (each is a
	 * trap to the hypervisor in a PV dom0). Valid only inside
	 * pcibk_cfg_read().
	 */
	bool raw_valid;
	u8 raw_size;
	u16 raw_off;
	u32 raw;

	bool strict;
	u32 hidden[PCIBK_CFG_DWORDS / 32];	/* strict: dwords reading 0 */
	unsigned int nr_patch;
	struct pcibk_cfg_patch patch[PCIBK_CFG_MAX_PATCHES];

	u64 denied_total;
	u64 denied_seq;
	struct {
		u16 off;
		u8 size;
		u32 count;
		u64 seq;	/* 0: free */
	} denied[PCIBK_CFG_DENIED_SLOTS];
};

/* Engine (cfg.c). */
int pcibk_cfg_add(struct pcibk_dev *d, const struct pcibk_cfg_def *def,
		  unsigned int start, struct pcibk_cfg_field **out);
int pcibk_cfg_add_table(struct pcibk_dev *d, unsigned int base,
			const struct pcibk_cfg_def *defs, unsigned int n);
/* Remove field i, keep the others' registration order. */
void pcibk_cfg_remove(struct pcibk_dev *d, unsigned int i);
/* The first field overlapping [off, off + size), or NULL. */
struct pcibk_cfg_field *pcibk_cfg_overlap(struct pcibk_dev *d,
					  unsigned int off, unsigned int size);
void pcibk_cfg_deny(struct pcibk_dev *d, unsigned int off, unsigned int size);
/*
 * A write to a register no field handles, outside permissive mode:
 * recorded, and the driver warned about it once per seized device.
 */
void pcibk_cfg_deny_unhandled(struct pcibk_dev *d, unsigned int off,
			      unsigned int size);

/* Raw access to the field's own register through the host. */
int pcibk_cfg_hw_read(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 *val);
int pcibk_cfg_hw_write(struct pcibk_dev *d, struct pcibk_cfg_field *f, u32 val);

/* Tables (cfg_header.c, cfg_caps.c). */
int pcibk_cfg_header_init(struct pcibk_dev *d);
int pcibk_cfg_caps_init(struct pcibk_dev *d);
/* Strict-mode view of the capability list (cfg_caps.c). */
int pcibk_cfg_strict_build(struct pcibk_dev *d);

/*
 * Output position after a snprintf at pos that returned n, in a buffer of
 * len: like scnprintf, never past len - 1 characters in total.
 */
size_t pcibk_cfg_advance(size_t len, size_t pos, int n);

#endif /* PCIBK_CFG_FIELD_H */
