/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * pcibackctl: the administrator's tool for devices held by the Xen PCI
 * backend. It reads sysfs, xenstore and Xen's physinfo; all three roots
 * can be redirected (options or environment) so that the tests can run it
 * over a fake tree.
 */
#ifndef PCIBACKCTL_H
#define PCIBACKCTL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes (documented in pcibackctl.1). */
enum {
	EX_OK = 0,
	EX_FAIL = 1,		/* a check failed, or the action was refused */
	EX_USAGE = 2,		/* bad command line */
	EX_NODEV = 3,		/* no such PCI device */
	EX_SYS = 4,		/* a system call or a write failed */
};

struct env {
	const char *sysfs;	/* default /sys */
	const char *procfs;	/* default /proc */
	const char *xs_dir;	/* fake xenstore tree; NULL: libxenstore */
	const char *pci_ids;	/* default /usr/share/misc/pci.ids */
	bool json;
	bool force;
	bool rebind;
	bool dry_run;
};

extern struct env env;

#define BDF_LEN 16

struct pdev {
	char bdf[BDF_LEN];	/* DDDD:BB:DD.F */
	unsigned int seg, bus, slot, func;
	bool exists;
	char driver[64];	/* "" when unbound */
	unsigned int vendor, device, class;
	char name[160];		/* from pci.ids, "" if unknown */
	int hdr_type;		/* -1 unknown */
	bool multifunction;
	char mode[8];		/* intx, msi, msix, none, ? */
	unsigned int vectors;
	char reset[96];		/* reset methods, "" none, "?" unknown */
	bool permissive;
	unsigned int quirks;	/* quirk fields (nonzero mask) */
	long long denied;	/* -1 unknown */
	int owner;		/* domid, -1 none */
	char vdev[32];		/* guest address, "" none */
	char stats[2048];	/* pciback_stats text, "" when absent */
	char denied_list[1024];	/* pciback_denied text, "" when absent */
};

/* sys.c: reading the system. */
int read_file(const char *path, char *buf, size_t len);
int write_file(const char *path, const char *text);
bool path_exists(const char *path);
int sysfs_path(char *out, size_t len, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
int parse_bdf(const char *in, struct pdev *d);
void probe_dev(struct pdev *d);
bool held_by_pciback(const char *bdf);
int list_held(char (*out)[BDF_LEN], int max);
int list_all(char (*out)[BDF_LEN], int max);
int xs_read_str(const char *path, char *buf, size_t len);
int xs_write_str(const char *path, const char *val);
int xs_list(const char *path, char (*out)[64], int max);
void find_owner(struct pdev *d);
bool owner_is_hvm(const struct pdev *d);
int iommu_enabled(void);	/* 1, 0, or -1 unknown */
bool slot_listed(const char *bdf);
const char *stat_value(const struct pdev *d, const char *key);

/* diag.c: checks and actions. */
enum verdict { V_OK, V_WARN, V_FAIL, V_INFO };

struct check {
	const char *name;
	enum verdict v;
	char detail[256];
};

#define MAX_CHECKS 16
int diagnose(const struct pdev *d, struct check *c, int max);
int in_use_by_dom0(const struct pdev *d, char *why, size_t len);
const char *verdict_name(enum verdict v);

/* json.c-like helpers in main.c */
void json_str(FILE *f, const char *s);

#endif /* PCIBACKCTL_H */
