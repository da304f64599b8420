// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * pcibackctl: reading sysfs, xenstore and Xen's physinfo.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <xenstore.h>
#include <xenctrl.h>
#include <pcibk/bdf.h>
#include "pcibackctl.h"

int sysfs_path(char *out, size_t len, const char *fmt, ...)
{
	int n = snprintf(out, len, "%s/", env.sysfs);
	va_list ap;

	if (n < 0 || (size_t)n >= len)
		return -ENAMETOOLONG;
	va_start(ap, fmt);
	n += vsnprintf(out + n, len - (size_t)n, fmt, ap);
	va_end(ap);
	return (size_t)n >= len ? -ENAMETOOLONG : 0;
}

static int read_bytes(const char *path, void *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = read(fd, buf, len);
	if (n < 0)
		n = -errno;
	close(fd);
	return (int)n;
}

int read_file(const char *path, char *buf, size_t len)
{
	int n = read_bytes(path, buf, len - 1);

	if (n < 0) {
		buf[0] = 0;
		return n;
	}
	buf[n] = 0;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		buf[--n] = 0;
	return n;
}

int write_file(const char *path, const char *text)
{
	size_t len = strlen(text);
	ssize_t n;
	int fd;

	if (env.dry_run) {
		printf("would write \"%s\" to %s\n", text, path);
		return 0;
	}
	/* O_TRUNC as a shell's ">" does: harmless on sysfs, right on files. */
	fd = open(path, O_WRONLY | O_TRUNC | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, text, len);
	if (n < 0) {
		int e = -errno;

		close(fd);
		return e;
	}
	close(fd);
	return (size_t)n == len ? 0 : -EIO;
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Only exact addresses here: no wildcards, domain optional. */
int parse_bdf(const char *in, struct pdev *d)
{
	struct pcibk_bdf b;

	memset(d, 0, sizeof(*d));
	if (pcibk_bdf_parse(in, strlen(in), &b) || b.slot < 0 || b.func < 0)
		return -EINVAL;
	d->seg = (unsigned int)b.seg;
	d->bus = (unsigned int)b.bus;
	d->slot = (unsigned int)b.slot;
	d->func = (unsigned int)b.func;
	snprintf(d->bdf, sizeof(d->bdf), "%04x:%02x:%02x.%u", d->seg, d->bus,
		 d->slot, d->func);
	return 0;
}

static bool looks_like_bdf(const char *s)
{
	struct pdev tmp;

	return strlen(s) == 12 && !parse_bdf(s, &tmp) && !strcmp(tmp.bdf, s);
}

static int list_dir_bdfs(const char *dir, char (*out)[BDF_LEN], int max)
{
	DIR *dp = opendir(dir);
	struct dirent *e;
	int n = 0;

	if (!dp)
		return -errno;
	while ((e = readdir(dp)) && n < max)
		if (looks_like_bdf(e->d_name))
			snprintf(out[n++], BDF_LEN, "%.15s", e->d_name);
	closedir(dp);
	/* readdir order is arbitrary; print in address order */
	qsort(out, (size_t)n, BDF_LEN, (int (*)(const void *, const void *))strcmp);
	return n;
}

int list_held(char (*out)[BDF_LEN], int max)
{
	char p[512];

	sysfs_path(p, sizeof(p), "bus/pci/drivers/pciback");
	return list_dir_bdfs(p, out, max);
}

int list_all(char (*out)[BDF_LEN], int max)
{
	char p[512];

	sysfs_path(p, sizeof(p), "bus/pci/devices");
	return list_dir_bdfs(p, out, max);
}

bool held_by_pciback(const char *bdf)
{
	char p[512];

	sysfs_path(p, sizeof(p), "bus/pci/drivers/pciback/%s", bdf);
	return path_exists(p);
}

/* Does a pciback list file (permissive, slots) have a line for bdf? */
static bool list_has(const char *file, const char *bdf)
{
	char p[512], buf[16384], *line, *save = NULL;
	struct pdev a, b;

	sysfs_path(p, sizeof(p), "bus/pci/drivers/pciback/%s", file);
	if (read_file(p, buf, sizeof(buf)) < 0 || parse_bdf(bdf, &a))
		return false;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save))
		if (!parse_bdf(line, &b) && !strcmp(a.bdf, b.bdf))
			return true;
	return false;
}

bool slot_listed(const char *bdf)
{
	return list_has("slots", bdf);
}

static void lookup_name(struct pdev *d)
{
	char line[512], want_v[8], want_d[8];
	bool in_vendor = false;
	char vname[160] = "";
	FILE *f = fopen(env.pci_ids, "r");

	d->name[0] = 0;
	if (!f)
		return;
	snprintf(want_v, sizeof(want_v), "%04x", d->vendor);
	snprintf(want_d, sizeof(want_d), "%04x", d->device);
	while (fgets(line, sizeof(line), f)) {
		line[strcspn(line, "\n")] = 0;
		if (line[0] == '#' || !line[0])
			continue;
		if (line[0] != '\t') {
			if (in_vendor)
				break;
			if (!strncmp(line, want_v, 4) && line[4] == ' ') {
				in_vendor = true;
				snprintf(vname, sizeof(vname), "%.150s", line + 6);
			}
			continue;
		}
		if (in_vendor && line[1] != '\t' && !strncmp(line + 1, want_d, 4) &&
		    line[5] == ' ') {
			snprintf(d->name, sizeof(d->name), "%.70s %.80s", vname, line + 7);
			break;
		}
	}
	if (in_vendor && !d->name[0])
		snprintf(d->name, sizeof(d->name), "%s", vname);
	fclose(f);
}

/* Interrupt mode from the config space: what dom0's hardware view says. */
static void mode_from_config(struct pdev *d, const unsigned char *c, int n)
{
	unsigned int pos, hops = 0;

	snprintf(d->mode, sizeof(d->mode), "?");
	if (n < 64)
		return;
	d->hdr_type = c[0x0e] & 0x7f;
	d->multifunction = c[0x0e] & 0x80;
	snprintf(d->mode, sizeof(d->mode), "%s",
		 (c[0x05] & 0x04) ? "none" : "intx");
	if (!(c[0x06] & 0x10) || n < 256)
		return;
	for (pos = c[0x34] & 0xfc; pos >= 0x40 && pos < 0xff && hops < 48;
	     pos = c[pos + 1] & 0xfc, hops++) {
		if (c[pos] == 0x05 && (c[pos + 2] & 0x01)) {
			snprintf(d->mode, sizeof(d->mode), "msi");
			d->vectors = 1u << ((c[pos + 2] >> 4) & 7);
		}
		if (c[pos] == 0x11 && (c[pos + 3] & 0x80))
			snprintf(d->mode, sizeof(d->mode), "msix");
	}
}

static unsigned int count_msi_irqs(const struct pdev *d)
{
	char p[512];
	struct dirent *e;
	unsigned int n = 0;
	DIR *dp;

	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/msi_irqs", d->bdf);
	dp = opendir(p);
	if (!dp)
		return 0;
	while ((e = readdir(dp)))
		if (e->d_name[0] != '.')
			n++;
	closedir(dp);
	return n;
}

const char *stat_value(const struct pdev *d, const char *key)
{
	size_t k = strlen(key);
	const char *p = d->stats;

	while (p && *p) {
		if (!strncmp(p, key, k) && p[k] == ' ')
			return p + k + 1;
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	return NULL;
}

static unsigned int count_quirks(const struct pdev *d)
{
	char p[512], buf[16384], want[16], *line, *save = NULL;
	bool mine = false;
	unsigned int n = 0;

	sysfs_path(p, sizeof(p), "bus/pci/drivers/pciback/quirks");
	if (read_file(p, buf, sizeof(buf)) < 0)
		return 0;
	/* "bus:slot.func" headers, then "\t\toffset:size:mask" field lines */
	snprintf(want, sizeof(want), "%02x:%02x.%u", d->bus, d->slot, d->func);
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		if (line[0] != '\t') {
			mine = !strcmp(line, want);
			continue;
		}
		if (mine && line[1] == '\t' && strlen(line) >= 21 &&
		    strcmp(line + strlen(line) - 8, "00000000"))
			n++;
	}
	return n;
}

void probe_dev(struct pdev *d)
{
	char p[512], buf[512];
	unsigned char cfg[4096];
	int n;

	d->hdr_type = -1;
	d->owner = -1;
	d->denied = -1;
	snprintf(d->mode, sizeof(d->mode), "?");
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s", d->bdf);
	d->exists = path_exists(p);
	if (!d->exists)
		return;
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/driver", d->bdf);
	n = (int)readlink(p, buf, sizeof(buf) - 1);
	if (n > 0) {
		buf[n] = 0;
		snprintf(d->driver, sizeof(d->driver), "%.63s",
			 strrchr(buf, '/') ? strrchr(buf, '/') + 1 : buf);
	}
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/vendor", d->bdf);
	if (read_file(p, buf, sizeof(buf)) > 0)
		d->vendor = (unsigned int)strtoul(buf, NULL, 16);
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/device", d->bdf);
	if (read_file(p, buf, sizeof(buf)) > 0)
		d->device = (unsigned int)strtoul(buf, NULL, 16);
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/class", d->bdf);
	if (read_file(p, buf, sizeof(buf)) > 0)
		d->class = (unsigned int)strtoul(buf, NULL, 16);
	lookup_name(d);
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/config", d->bdf);
	n = read_bytes(p, cfg, sizeof(cfg));
	if (n > 0)
		mode_from_config(d, cfg, n);
	if (!strcmp(d->mode, "msix"))
		d->vectors = count_msi_irqs(d);
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/reset_method", d->bdf);
	if (read_file(p, d->reset, sizeof(d->reset)) < 0) {
		sysfs_path(p, sizeof(p), "bus/pci/devices/%s/reset", d->bdf);
		snprintf(d->reset, sizeof(d->reset), "%s", path_exists(p) ? "?" : "");
	}
	d->permissive = list_has("permissive", d->bdf);
	d->quirks = count_quirks(d);
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/pciback_stats", d->bdf);
	if (read_file(p, d->stats, sizeof(d->stats)) < 0)
		d->stats[0] = 0;
	sysfs_path(p, sizeof(p), "bus/pci/devices/%s/pciback_denied", d->bdf);
	if (read_file(p, d->denied_list, sizeof(d->denied_list)) < 0)
		d->denied_list[0] = 0;
	if (stat_value(d, "denied_total"))
		d->denied = atoll(stat_value(d, "denied_total"));
	find_owner(d);
	/*
	 * The backend's own view of the mode is exact for a PV guest, which
	 * asks it for MSI and MSI-X; an HVM guest's device model programs
	 * the device itself, past the backend (which then says "none"): the
	 * config space tells.
	 */
	if (stat_value(d, "mode") && stat_value(d, "assigned") &&
	    atoi(stat_value(d, "assigned")) && !owner_is_hvm(d)) {
		sscanf(stat_value(d, "mode"), "%7s", d->mode);
		d->vectors = (unsigned int)atoi(stat_value(d, "vectors") ?
						stat_value(d, "vectors") : "0");
	}
}

/* ---------------------------------------------------------------- xenstore */

static struct xs_handle *xsh;

static struct xs_handle *xs(void)
{
	if (!xsh)
		xsh = xs_open(XS_OPEN_READONLY);
	return xsh;
}

static int xs_file(char *out, size_t len, const char *path)
{
	int n = snprintf(out, len, "%s%s", env.xs_dir, path);

	return n < 0 || (size_t)n >= len ? -ENAMETOOLONG : 0;
}

int xs_read_str(const char *path, char *buf, size_t len)
{
	char p[1024];
	unsigned int n;
	char *v;

	buf[0] = 0;
	if (env.xs_dir) {
		if (xs_file(p, sizeof(p), path))
			return -ENAMETOOLONG;
		return read_file(p, buf, len) < 0 ? -ENOENT : 0;
	}
	if (!xs())
		return -ENODEV;
	v = xs_read(xs(), XBT_NULL, path, &n);
	if (!v)
		return -ENOENT;
	snprintf(buf, len, "%.*s", (int)n, v);
	free(v);
	return 0;
}

int xs_write_str(const char *path, const char *val)
{
	struct xs_handle *h;
	char p[1024];
	bool ok;

	if (env.dry_run) {
		printf("would write xenstore %s = %s\n", path, val);
		return 0;
	}
	if (env.xs_dir) {
		char *slash;
		FILE *f;

		if (xs_file(p, sizeof(p), path))
			return -ENAMETOOLONG;
		/* mkdir -p of the parent */
		for (slash = strchr(p + strlen(env.xs_dir) + 1, '/'); slash;
		     slash = strchr(slash + 1, '/')) {
			*slash = 0;
			mkdir(p, 0755);
			*slash = '/';
		}
		f = fopen(p, "a");
		if (!f)
			return -errno;
		fclose(f);
		return write_file(p, val);
	}
	h = xs_open(0);
	if (!h)
		return -ENODEV;
	ok = xs_write(h, XBT_NULL, path, val, (unsigned int)strlen(val));
	xs_close(h);
	return ok ? 0 : -EIO;
}

int xs_list(const char *path, char (*out)[64], int max)
{
	unsigned int n, i;
	char p[1024];
	char **ents;
	int k = 0;

	if (env.xs_dir) {
		struct dirent *e;
		DIR *dp;

		if (xs_file(p, sizeof(p), path))
			return -ENAMETOOLONG;
		dp = opendir(p);
		if (!dp)
			return -ENOENT;
		while ((e = readdir(dp)) && k < max)
			if (e->d_name[0] != '.')
				snprintf(out[k++], 64, "%.63s", e->d_name);
		closedir(dp);
		return k;
	}
	if (!xs())
		return -ENODEV;
	ents = xs_directory(xs(), XBT_NULL, path, &n);
	if (!ents)
		return -ENOENT;
	for (i = 0; i < n && k < max; i++)
		snprintf(out[k++], 64, "%.63s", ents[i]);
	free(ents);
	return k;
}

/* The guest holding d is an HVM domain (libxl's /libxl/<domid>/type). */
bool owner_is_hvm(const struct pdev *d)
{
	char p[64], v[16];

	if (d->owner < 0)
		return false;
	snprintf(p, sizeof(p), "/libxl/%d/type", d->owner);
	return !xs_read_str(p, v, sizeof(v)) && !strcmp(v, "hvm");
}

/*
 * An HVM guest sees the device where its device model put it, which libxl
 * records as vdevfn-<j> (hex devfn on the guest's bus 0); the backend's own
 * vdev-<j> is a virtual slot no HVM guest ever sees.
 */
static void hvm_vdev(struct pdev *d, const char *dom, int j)
{
	char p[256], v[16], *end;
	unsigned long fn;

	if (!owner_is_hvm(d))
		return;
	snprintf(p, sizeof(p), "/local/domain/0/backend/pci/%.32s/0/vdevfn-%d", dom, j);
	if (xs_read_str(p, v, sizeof(v)))
		return;
	errno = 0;
	fn = strtoul(v, &end, 16);
	if (errno || end == v || *end || fn > 0xff)
		return;
	snprintf(d->vdev, sizeof(d->vdev), "0000:00:%02lx.%lu", fn >> 3, fn & 7);
}

/* The guest holding d, from libxl's backend directories. */
void find_owner(struct pdev *d)
{
	char doms[64][64], p[256], v[64];
	int nd, i, j, num;
	struct pdev x;

	nd = xs_list("/local/domain/0/backend/pci", doms, 64);
	for (i = 0; i < nd; i++) {
		/*
		 * A backend directory can outlive its domain (seen after
		 * xl destroy under libxl 4.17): only a domain that still has
		 * its /local/domain/<id> entry owns anything.
		 */
		snprintf(p, sizeof(p), "/local/domain/%.32s/name", doms[i]);
		if (xs_read_str(p, v, sizeof(v)))
			continue;
		snprintf(p, sizeof(p), "/local/domain/0/backend/pci/%.32s/0/num_devs", doms[i]);
		if (xs_read_str(p, v, sizeof(v)))
			continue;
		num = atoi(v);
		for (j = 0; j < num && j < 256; j++) {
			snprintf(p, sizeof(p), "/local/domain/0/backend/pci/%.32s/0/dev-%d",
				 doms[i], j);
			if (xs_read_str(p, v, sizeof(v)) || parse_bdf(v, &x) ||
			    strcmp(x.bdf, d->bdf))
				continue;
			d->owner = atoi(doms[i]);
			snprintf(p, sizeof(p), "/local/domain/0/backend/pci/%.32s/0/vdev-%d",
				 doms[i], j);
			xs_read_str(p, d->vdev, sizeof(d->vdev));
			hvm_vdev(d, doms[i], j);
			return;
		}
	}
}

/* -------------------------------------------------------------------- Xen */

int iommu_enabled(void)
{
	const char *fake = getenv("PCIBK_FAKE_DIRECTIO");
	xc_physinfo_t info;
	xc_interface *xch;
	int rc;

	if (fake)
		return atoi(fake) ? 1 : 0;
	if (env.xs_dir)
		return -1;	/* a fake tree says nothing about Xen */
	xch = xc_interface_open(NULL, NULL, 0);
	if (!xch)
		return -1;
	memset(&info, 0, sizeof(info));
	rc = xc_physinfo(xch, &info);
	xc_interface_close(xch);
	if (rc)
		return -1;
	return (info.capabilities & XEN_SYSCTL_PHYSCAP_directio) ? 1 : 0;
}
