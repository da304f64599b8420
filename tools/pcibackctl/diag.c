// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * pcibackctl: why a device can or cannot be assigned.
 */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "pcibackctl.h"

const char *verdict_name(enum verdict v)
{
	static const char *const names[] = { "ok", "warn", "fail", "info" };

	return names[v];
}

static struct check *add(struct check *c, int *n, int max, const char *name,
			 enum verdict v, const char *fmt, ...)
	__attribute__((format(printf, 6, 7)));

static struct check *add(struct check *c, int *n, int max, const char *name,
			 enum verdict v, const char *fmt, ...)
{
	va_list ap;

	if (*n >= max)
		return NULL;
	c += (*n)++;
	c->name = name;
	c->v = v;
	va_start(ap, fmt);
	vsnprintf(c->detail, sizeof(c->detail), fmt, ap);
	va_end(ap);
	return c;
}

/* Append "a, b, c" style items to a bounded buffer. */
static void append(char *buf, size_t len, const char *item)
{
	size_t n = strlen(buf);

	snprintf(buf + n, len - n, "%s%s", n ? ", " : "", item);
}

static void check_functions(const struct pdev *d, struct check *c, int *n, int max)
{
	char all[256][BDF_LEN], held[200] = "", free_[200] = "";
	int i, k = list_all(all, 256);
	struct pdev x;

	for (i = 0; i < k; i++) {
		if (parse_bdf(all[i], &x) || x.seg != d->seg || x.bus != d->bus ||
		    x.slot != d->slot || x.func == d->func)
			continue;
		append(held_by_pciback(x.bdf) ? held : free_,
		       held_by_pciback(x.bdf) ? sizeof(held) : sizeof(free_), x.bdf);
	}
	if (!held[0] && !free_[0])
		add(c, n, max, "functions", V_OK, "single-function device");
	else if (free_[0])
		add(c, n, max, "functions", V_WARN,
		    "other functions not held by pciback: %s (assigning %02x:%02x.* needs all of them)",
		    free_, d->bus, d->slot);
	else
		add(c, n, max, "functions", V_OK, "other functions held too: %s", held);
}

static void check_reset(const struct pdev *d, struct check *c, int *n, int max)
{
	char all[256][BDF_LEN], others[200] = "";
	int i, k;
	struct pdev x;

	if (!d->reset[0]) {
		add(c, n, max, "reset", V_WARN,
		    "no FLR, PM reset or bus reset available: the device keeps its state between guests");
		return;
	}
	if (!strcmp(d->reset, "?")) {
		add(c, n, max, "reset", V_OK, "the kernel offers a reset (method not listed)");
		return;
	}
	add(c, n, max, "reset", V_OK, "reset methods: %s", d->reset);
	if (!strstr(d->reset, "bus"))
		return;
	k = list_all(all, 256);
	for (i = 0; i < k; i++)
		if (!parse_bdf(all[i], &x) && x.seg == d->seg && x.bus == d->bus &&
		    strcmp(x.bdf, d->bdf))
			append(others, sizeof(others), x.bdf);
	if (others[0])
		add(c, n, max, "bus-reset", strncmp(d->reset, "bus", 3) ? V_INFO : V_WARN,
		    "a bus reset would also reset %s", others);
	else
		add(c, n, max, "bus-reset", V_OK, "a bus reset touches no other device");
}

/* The PCI devices above d in sysfs's device tree. */
static void check_parents(const struct pdev *d, struct check *c, int *n, int max)
{
	char p[512], real[PATH_MAX], held[200] = "", *slash;
	struct pdev x;

	sysfs_path(p, sizeof(p), "bus/pci/devices/%s", d->bdf);
	if (!realpath(p, real)) {
		add(c, n, max, "bridge", V_INFO, "cannot resolve %s", p);
		return;
	}
	while ((slash = strrchr(real, '/')) && slash != real) {
		*slash = 0;
		slash = strrchr(real, '/');
		if (!slash || parse_bdf(slash + 1, &x) || strlen(slash + 1) != 12)
			continue;
		if (held_by_pciback(x.bdf))
			append(held, sizeof(held), x.bdf);
	}
	if (held[0])
		add(c, n, max, "bridge", V_WARN,
		    "behind a bridge that pciback holds: %s (dom0 has no port driver there)",
		    held);
	else
		add(c, n, max, "bridge", V_OK, "no bridge above it is held by pciback");
}

/* Recursively look for block devices below dir (bounded depth, no links). */
static void find_blocks(const char *dir, int depth, char *out, size_t len)
{
	struct dirent *e;
	char p[1024];
	struct stat st;
	DIR *dp;

	if (depth > 6)
		return;
	dp = opendir(dir);
	if (!dp)
		return;
	while ((e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(p, sizeof(p), "%s/%s", dir, e->d_name);
		if (lstat(p, &st) || !S_ISDIR(st.st_mode))
			continue;
		if (!strcmp(e->d_name, "block")) {
			DIR *bp = opendir(p);
			struct dirent *b;

			while (bp && (b = readdir(bp)))
				if (b->d_name[0] != '.')
					append(out, len, b->d_name);
			if (bp)
				closedir(bp);
			continue;
		}
		find_blocks(p, depth + 1, out, len);
	}
	closedir(dp);
}

int in_use_by_dom0(const struct pdev *d, char *why, size_t len)
{
	char p[512], q[600], buf[64], blocks[256] = "", line[1024], *tok;
	struct dirent *e;
	DIR *dp;
	FILE *m;

	why[0] = 0;
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/net", d->bdf);
	dp = opendir(p);
	while (dp && (e = readdir(dp))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(q, sizeof(q), "%.500s/%.80s/flags", p, e->d_name);
		if (read_file(q, buf, sizeof(buf)) > 0 && (strtoul(buf, NULL, 16) & 1)) {
			snprintf(line, sizeof(line), "interface %s is up", e->d_name);
			append(why, len, line);
		}
	}
	if (dp)
		closedir(dp);
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s", d->bdf);
	find_blocks(p, 0, blocks, sizeof(blocks));
	snprintf(q, sizeof(q), "%s/mounts", env.procfs);
	m = blocks[0] ? fopen(q, "r") : NULL;
	while (m && fgets(line, sizeof(line), m)) {
		char *dev = strtok(line, " "), *b, *save = NULL, copy[256];

		if (!dev || strncmp(dev, "/dev/", 5))
			continue;
		snprintf(copy, sizeof(copy), "%s", blocks);
		for (b = strtok_r(copy, ", ", &save); b; b = strtok_r(NULL, ", ", &save)) {
			if (!strncmp(dev + 5, b, strlen(b))) {
				tok = strtok(NULL, " ");
				snprintf(q, sizeof(q), "%.64s is mounted on %.128s", dev,
					 tok ? tok : "?");
				append(why, len, q);
				break;
			}
		}
	}
	if (m)
		fclose(m);
	return why[0] ? 1 : 0;
}

int diagnose(const struct pdev *d, struct check *c, int max)
{
	char p[512], why[512], val[16];
	int n = 0, iommu;

	if (!d->exists) {
		add(c, &n, max, "exists", V_FAIL, "no PCI device %s", d->bdf);
		return n;
	}
	add(c, &n, max, "exists", V_OK, "%04x:%04x %s", d->vendor, d->device,
	    d->name[0] ? d->name : "");
	sysfs_path(p, sizeof(p), "bus/pci/drivers/pciback");
	if (!path_exists(p))
		add(c, &n, max, "backend", V_FAIL,
		    "the pciback driver is not loaded (modprobe xen-pciback)");
	if (!strcmp(d->driver, "pciback"))
		add(c, &n, max, "driver", V_OK, "bound to pciback");
	else if (d->driver[0])
		add(c, &n, max, "driver", V_INFO,
		    "bound to %s; assigning unbinds it", d->driver);
	else
		add(c, &n, max, "driver", V_INFO, "no driver bound");
	if (strcmp(d->driver, "pciback") && in_use_by_dom0(d, why, sizeof(why)))
		add(c, &n, max, "in-use", V_FAIL, "in use by dom0: %s", why);
	if (d->hdr_type < 0)
		add(c, &n, max, "header", V_WARN, "header type unreadable");
	else if (d->hdr_type > 1)
		add(c, &n, max, "header", V_FAIL,
		    "header type %d: only normal (0) and bridge (1) functions can be exported",
		    d->hdr_type);
	else
		add(c, &n, max, "header", V_OK, "header type %d", d->hdr_type);
	if ((d->class >> 16) == 0x06) {
		sysfs_path(p, sizeof(p), "module/xen_pciback/parameters/passthrough");
		if (read_file(p, val, sizeof(val)) <= 0 || val[0] != 'Y')
			add(c, &n, max, "topology", V_FAIL,
			    "a bridge cannot be exported on the vpci topology (load with passthrough=1)");
	}
	check_functions(d, c, &n, max);
	iommu = iommu_enabled();
	if (iommu > 0)
		add(c, &n, max, "iommu", V_OK, "Xen has an IOMMU enabled (directio)");
	else if (!iommu)
		add(c, &n, max, "iommu", V_FAIL,
		    "Xen has no IOMMU enabled: libxl refuses passthrough on this platform");
	else
		add(c, &n, max, "iommu", V_WARN, "cannot ask Xen (not dom0, or no privcmd)");
	check_reset(d, c, &n, max);
	if (d->owner >= 0)
		add(c, &n, max, "assigned", V_INFO, "assigned to domain %d as %s",
		    d->owner, d->vdev[0] ? d->vdev : "?");
	else
		add(c, &n, max, "assigned", V_OK, "not assigned to any domain");
	check_parents(d, c, &n, max);
	return n;
}
