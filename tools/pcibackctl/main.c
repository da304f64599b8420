// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * pcibackctl: list, show, diagnose, assign and release devices of the Xen
 * PCI backend; set permissive mode and quirks; check hide= strings.
 */
#include <errno.h>
#include <getopt.h>
#include <stdlib.h>
#include <string.h>
#include <pcibk/bdf.h>
#include "pcibackctl.h"

struct env env = {
	.sysfs = "/sys",
	.procfs = "/proc",
	.pci_ids = "/usr/share/misc/pci.ids",
};

static void usage(FILE *f)
{
	fprintf(f,
		"usage: pcibackctl [options] COMMAND [ARGS]\n"
		"commands:\n"
		"  list                      devices held by pciback\n"
		"  show BDF                  one device, with counters and denied writes\n"
		"  diagnose BDF              can BDF be assigned? one verdict per check\n"
		"  assign BDF [--force]      make BDF assignable (as xl pci-assignable-add)\n"
		"  release BDF [--rebind]    give BDF back (as xl pci-assignable-remove [-r])\n"
		"  permissive BDF            per-device permissive mode (unsafe)\n"
		"  quirk add|remove BDF REG:SIZE:MASK\n"
		"  hide-syntax STRING        check a xen-pciback.hide= string\n"
		"options:\n"
		"  --json            machine-readable output (read commands)\n"
		"  --sysfs DIR       sysfs root (env PCIBK_SYSFS, default /sys)\n"
		"  --procfs DIR      procfs root (env PCIBK_PROCFS, default /proc)\n"
		"  --xenstore-dir D  read xenstore from a directory tree (env PCIBK_XENSTORE_DIR)\n"
		"  --pci-ids FILE    PCI ids database (env PCIBK_PCI_IDS)\n"
		"  --dry-run         print the writes instead of doing them\n"
		"  --force           assign even if dom0 uses the device\n"
		"  --rebind          release: bind the previous driver again\n"
		"exit codes: 0 ok, 1 check failed or refused, 2 usage, 3 no such device, 4 system error\n");
}

void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		unsigned char c = (unsigned char)*s;

		if (c == '"' || c == '\\')
			fprintf(f, "\\%c", c);
		else if (c == '\n')
			fputs("\\n", f);
		else if (c == '\t')
			fputs("\\t", f);
		else if (c < 0x20)
			fprintf(f, "\\u%04x", c);
		else
			fputc(c, f);
	}
	fputc('"', f);
}

static int get_dev(const char *arg, struct pdev *d)
{
	if (parse_bdf(arg, d)) {
		fprintf(stderr, "pcibackctl: '%s' is not a PCI address (DDDD:BB:DD.F)\n", arg);
		return EX_USAGE;
	}
	probe_dev(d);
	if (!d->exists) {
		fprintf(stderr, "pcibackctl: no PCI device %s\n", d->bdf);
		return EX_NODEV;
	}
	return EX_OK;
}

static const char *owner_text(const struct pdev *d, char *buf, size_t len)
{
	if (d->owner >= 0)
		snprintf(buf, len, "dom%d", d->owner);
	else
		snprintf(buf, len, "%s", held_by_pciback(d->bdf) ? "free" : "-");
	return buf;
}

static void json_dev(const struct pdev *d, bool detail)
{
	char own[32];

	printf("{\"bdf\":");
	json_str(stdout, d->bdf);
	printf(",\"vendor\":\"%04x\",\"device\":\"%04x\",\"class\":\"%06x\",\"name\":",
	       d->vendor, d->device, d->class);
	json_str(stdout, d->name);
	printf(",\"driver\":");
	json_str(stdout, d->driver);
	printf(",\"owner\":");
	json_str(stdout, owner_text(d, own, sizeof(own)));
	printf(",\"domid\":%d,\"vdev\":", d->owner);
	json_str(stdout, d->vdev);
	printf(",\"irq_mode\":");
	json_str(stdout, d->mode);
	printf(",\"vectors\":%u,\"reset\":", d->vectors);
	json_str(stdout, d->reset);
	printf(",\"permissive\":%s,\"quirks\":%u,\"denied_writes\":%lld",
	       d->permissive ? "true" : "false", d->quirks, d->denied);
	if (detail) {
		printf(",\"counters\":");
		json_str(stdout, d->stats);
		printf(",\"denied\":");
		json_str(stdout, d->denied_list);
	}
	printf("}");
}

static void text_row(const struct pdev *d)
{
	char own[32], mode[24], denied[24];

	snprintf(mode, sizeof(mode), "%s%s%.0u", d->mode, d->vectors ? "/" : "",
		 d->vectors);
	if (d->denied >= 0)
		snprintf(denied, sizeof(denied), "%lld", d->denied);
	else
		snprintf(denied, sizeof(denied), "-");
	printf("%-12s %04x:%04x %-6s %-14s %-8s %-10s %-3s %-3u %-7s %.40s\n", d->bdf,
	       d->vendor, d->device, owner_text(d, own, sizeof(own)),
	       d->vdev[0] ? d->vdev : "-", mode, d->reset[0] ? d->reset : "none",
	       d->permissive ? "yes" : "no", d->quirks, denied, d->name);
}

static int cmd_list(void)
{
	char held[256][BDF_LEN];
	int i, n = list_held(held, 256);
	struct pdev d;

	if (n < 0) {
		fprintf(stderr, "pcibackctl: pciback driver not loaded (%s)\n", strerror(-n));
		return EX_SYS;
	}
	if (env.json)
		printf("[");
	else
		printf("%-12s %-9s %-6s %-14s %-8s %-10s %-3s %-3s %-7s %s\n", "DEVICE",
		       "ID", "OWNER", "GUEST-ADDR", "IRQ", "RESET", "PRM", "QRK",
		       "DENIED", "NAME");
	for (i = 0; i < n; i++) {
		parse_bdf(held[i], &d);
		probe_dev(&d);
		if (env.json) {
			if (i)
				printf(",");
			json_dev(&d, false);
		} else {
			text_row(&d);
		}
	}
	if (env.json)
		printf("]\n");
	return EX_OK;
}

static int cmd_show(const char *arg)
{
	struct pdev d;
	char own[32];
	int rc = get_dev(arg, &d);

	if (rc)
		return rc;
	if (env.json) {
		json_dev(&d, true);
		printf("\n");
		return EX_OK;
	}
	printf("device:      %s  %04x:%04x  class %06x  %s\n", d.bdf, d.vendor,
	       d.device, d.class, d.name);
	printf("driver:      %s\n", d.driver[0] ? d.driver : "(none)");
	printf("owner:       %s%s%s\n", owner_text(&d, own, sizeof(own)),
	       d.vdev[0] ? " as " : "", d.vdev);
	printf("interrupts:  %s", d.mode);
	if (d.vectors)
		printf(", %u vector%s", d.vectors, d.vectors == 1 ? "" : "s");
	printf("\nreset:       %s\n", d.reset[0] ? d.reset : "none available");
	printf("permissive:  %s\n", d.permissive ? "yes" : "no");
	printf("quirks:      %u\n", d.quirks);
	if (d.denied_list[0])
		printf("denied config writes (offset:size:count):\n%s\n", d.denied_list);
	else
		printf("denied config writes: not reported by this backend\n");
	if (d.stats[0])
		printf("counters:\n%s\n", d.stats);
	else
		printf("counters: not reported by this backend\n");
	return EX_OK;
}

static int cmd_diagnose(const char *arg)
{
	struct check c[MAX_CHECKS];
	struct pdev d;
	int i, n, fails = 0;

	if (parse_bdf(arg, &d)) {
		fprintf(stderr, "pcibackctl: '%s' is not a PCI address (DDDD:BB:DD.F)\n", arg);
		return EX_USAGE;
	}
	probe_dev(&d);
	n = diagnose(&d, c, MAX_CHECKS);
	for (i = 0; i < n; i++)
		fails += c[i].v == V_FAIL;
	if (env.json) {
		printf("{\"bdf\":");
		json_str(stdout, d.bdf);
		printf(",\"assignable\":%s,\"checks\":[", fails ? "false" : "true");
		for (i = 0; i < n; i++) {
			printf("%s{\"check\":", i ? "," : "");
			json_str(stdout, c[i].name);
			printf(",\"verdict\":");
			json_str(stdout, verdict_name(c[i].v));
			printf(",\"detail\":");
			json_str(stdout, c[i].detail);
			printf("}");
		}
		printf("]}\n");
	} else {
		for (i = 0; i < n; i++)
			printf("%-5s %-10s %s\n", verdict_name(c[i].v), c[i].name, c[i].detail);
		if (fails)
			printf("%s: cannot be assigned\n", d.bdf);
		else if (d.owner >= 0)
			printf("%s: assigned to domain %d now; can be assigned again once detached\n",
			       d.bdf, d.owner);
		else
			printf("%s: can be assigned\n", d.bdf);
	}
	if (!d.exists)
		return EX_NODEV;
	return fails ? EX_FAIL : EX_OK;
}

static int pciback_write(const char *attr, const char *text)
{
	char p[512];
	int rc;

	sysfs_path(p, sizeof(p), "bus/pci/drivers/pciback/%s", attr);
	rc = write_file(p, text);
	if (rc)
		fprintf(stderr, "pcibackctl: writing \"%s\" to %s: %s\n", text, p,
			strerror(-rc));
	return rc ? EX_SYS : EX_OK;
}

/* libxl keeps the previous driver here, so xl pci-assignable-remove -r works. */
static void xs_driver_key(const struct pdev *d, char *buf, size_t len)
{
	snprintf(buf, len, "/libxl/pci/%04x-%02x-%02x-%u/driver_path", d->seg, d->bus,
		 d->slot, d->func);
}

static int cmd_assign(const char *arg)
{
	struct check c[MAX_CHECKS];
	char p[512], key[128], why[512];
	struct pdev d;
	int i, n, rc = get_dev(arg, &d);

	if (rc)
		return rc;
	if (!strcmp(d.driver, "pciback")) {
		printf("%s is already assignable\n", d.bdf);
		return EX_OK;
	}
	n = diagnose(&d, c, MAX_CHECKS);
	for (i = 0; i < n; i++) {
		if (c[i].v != V_FAIL)
			continue;
		if (!strcmp(c[i].name, "in-use") && env.force)
			continue;
		fprintf(stderr, "pcibackctl: refusing to assign %s: %s%s\n", d.bdf,
			c[i].detail,
			strcmp(c[i].name, "in-use") ? "" : " (use --force to override)");
		return EX_FAIL;
	}
	if (in_use_by_dom0(&d, why, sizeof(why)))
		fprintf(stderr, "pcibackctl: warning: %s is in use by dom0 (%s); forced\n",
			d.bdf, why);
	if (d.driver[0]) {
		sysfs_path(p, sizeof(p), "bus/pci/devices/%s/driver/unbind", d.bdf);
		if (write_file(p, d.bdf)) {
			fprintf(stderr, "pcibackctl: cannot unbind %s from %s\n", d.bdf, d.driver);
			return EX_SYS;
		}
		xs_driver_key(&d, key, sizeof(key));
		sysfs_path(p, sizeof(p), "bus/pci/drivers/%s", d.driver);
		if (xs_write_str(key, p))
			fprintf(stderr, "pcibackctl: warning: could not record the driver in xenstore\n");
	}
	if (!slot_listed(d.bdf) && pciback_write("new_slot", d.bdf))
		return EX_SYS;
	if (pciback_write("bind", d.bdf))
		return EX_SYS;
	printf("%s is assignable\n", d.bdf);
	return EX_OK;
}

static int cmd_release(const char *arg)
{
	char p[512], key[128], drv[512];
	struct pdev d;
	int rc = get_dev(arg, &d);

	if (rc)
		return rc;
	if (strcmp(d.driver, "pciback")) {
		fprintf(stderr, "pcibackctl: %s is not held by pciback\n", d.bdf);
		return EX_FAIL;
	}
	if (d.owner >= 0) {
		fprintf(stderr, "pcibackctl: %s is assigned to domain %d; detach it first\n",
			d.bdf, d.owner);
		return EX_FAIL;
	}
	if (pciback_write("unbind", d.bdf))
		return EX_SYS;
	if (slot_listed(d.bdf) && pciback_write("remove_slot", d.bdf))
		return EX_SYS;
	if (env.rebind) {
		xs_driver_key(&d, key, sizeof(key));
		if (!xs_read_str(key, drv, sizeof(drv)) && drv[0]) {
			snprintf(p, sizeof(p), "%.500s/bind", drv);
		} else {
			sysfs_path(p, sizeof(p), "bus/pci/drivers_probe");
		}
		if (write_file(p, d.bdf)) {
			fprintf(stderr, "pcibackctl: released, but rebinding through %s failed\n", p);
			return EX_SYS;
		}
	}
	if (env.rebind) {
		struct pdev after;

		/* Say what happened, not what was asked: a driver may not bind. */
		memset(&after, 0, sizeof(after));
		if (parse_bdf(d.bdf, &after))
			return EX_SYS;
		probe_dev(&after);
		if (!after.driver[0] || !strcmp(after.driver, "pciback")) {
			fprintf(stderr, "pcibackctl: %s released, but no driver has bound it (is its driver loaded?)\n",
				d.bdf);
			return EX_FAIL;
		}
		printf("%s released and rebound to %s\n", d.bdf, after.driver);
		return EX_OK;
	}
	printf("%s released\n", d.bdf);
	return EX_OK;
}

static int cmd_permissive(const char *arg)
{
	struct pdev d;
	int rc = get_dev(arg, &d);

	if (rc)
		return rc;
	if (!held_by_pciback(d.bdf)) {
		fprintf(stderr, "pcibackctl: %s is not held by pciback\n", d.bdf);
		return EX_FAIL;
	}
	fprintf(stderr, "pcibackctl: warning: permissive mode lets the guest write any "
		"config register the backend does not handle; it is potentially unsafe\n");
	return pciback_write("permissive", d.bdf);
}

static int cmd_quirk(const char *op, const char *arg, const char *spec)
{
	unsigned int reg, size, mask;
	char text[96], tail;
	struct pdev d;
	int rc;

	if (strcmp(op, "add") && strcmp(op, "remove")) {
		usage(stderr);
		return EX_USAGE;
	}
	if (sscanf(spec, "%x:%x:%x%c", &reg, &size, &mask, &tail) != 3 || reg > 0xfff ||
	    (size != 1 && size != 2 && size != 4) || reg % size ||
	    (size < 4 && mask >> (size * 8))) {
		fprintf(stderr, "pcibackctl: '%s' is not REG:SIZE:MASK (hex; size 1, 2 or 4; "
			"REG aligned to SIZE and <= fff; MASK fits SIZE)\n", spec);
		return EX_USAGE;
	}
	rc = get_dev(arg, &d);
	if (rc)
		return rc;
	if (!held_by_pciback(d.bdf)) {
		fprintf(stderr, "pcibackctl: %s is not held by pciback\n", d.bdf);
		return EX_FAIL;
	}
	/* A leading '-' asks the backend to remove the quirk. */
	snprintf(text, sizeof(text), "%s%s-%x:%x:%x", strcmp(op, "add") ? "-" : "",
		 d.bdf, reg, size, mask);
	return pciback_write("quirks", text);
}

struct hide_ctx {
	int n;
};

static int hide_entry(void *ctx, const struct pcibk_bdf *b)
{
	struct hide_ctx *h = ctx;
	char slot[8], func[8];

	snprintf(slot, sizeof(slot), b->slot < 0 ? "*" : "%02lx", b->slot);
	snprintf(func, sizeof(func), b->func < 0 ? "*" : "%lx", b->func);
	printf("  entry %d: %04lx:%02lx:%s.%s\n", ++h->n, b->seg, b->bus, slot, func);
	return 0;
}

static int cmd_hide_syntax(const char *s)
{
	struct hide_ctx h = { 0 };
	unsigned int at = 0;
	bool range;
	int rc = pcibk_hide_parse(s, hide_entry, &h, &at, &range);

	if (!rc) {
		printf("ok: %d entr%s\n", h.n, h.n == 1 ? "y" : "ies");
		return EX_OK;
	}
	printf("error at character %u: \"%s\"\n", at + 1, s + at);
	printf("%*s^\n", (int)at + 10, "");
	if (range)
		printf("the entry parses but is out of range: domain <= ffff, bus <= ff, "
		       "slot <= 1f, function <= 7 (all hex)\n");
	else
		printf("expected (DDDD:BB:SS.F), (BB:SS.F), (DDDD:BB:SS.*), (DDDD:BB:*.*) and "
		       "the same without the domain, in hex, each in parentheses\n");
	printf("the module would print: Error parsing pci_devs_to_hide at \"%s\"\n", s + at);
	return EX_FAIL;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "sysfs", required_argument, NULL, 's' },
		{ "procfs", required_argument, NULL, 'p' },
		{ "xenstore-dir", required_argument, NULL, 'x' },
		{ "pci-ids", required_argument, NULL, 'i' },
		{ "dry-run", no_argument, NULL, 'n' },
		{ "force", no_argument, NULL, 'f' },
		{ "rebind", no_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	int c;

	if (getenv("PCIBK_SYSFS"))
		env.sysfs = getenv("PCIBK_SYSFS");
	if (getenv("PCIBK_PROCFS"))
		env.procfs = getenv("PCIBK_PROCFS");
	if (getenv("PCIBK_XENSTORE_DIR"))
		env.xs_dir = getenv("PCIBK_XENSTORE_DIR");
	if (getenv("PCIBK_PCI_IDS"))
		env.pci_ids = getenv("PCIBK_PCI_IDS");
	while ((c = getopt_long(argc, argv, "+jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j': env.json = true; break;
		case 's': env.sysfs = optarg; break;
		case 'p': env.procfs = optarg; break;
		case 'x': env.xs_dir = optarg; break;
		case 'i': env.pci_ids = optarg; break;
		case 'n': env.dry_run = true; break;
		case 'f': env.force = true; break;
		case 'r': env.rebind = true; break;
		case 'h': usage(stdout); return EX_OK;
		default: usage(stderr); return EX_USAGE;
		}
	}
	if (optind >= argc) {
		usage(stderr);
		return EX_USAGE;
	}
	cmd = argv[optind++];
	/* options may also follow the command ("assign BDF --force") */
	for (c = optind; c < argc; c++) {
		if (!strcmp(argv[c], "--force"))
			env.force = true;
		else if (!strcmp(argv[c], "--rebind"))
			env.rebind = true;
		else if (!strcmp(argv[c], "--json"))
			env.json = true;
		else
			continue;
		memmove(&argv[c], &argv[c + 1], sizeof(*argv) * (size_t)(argc - c));
		argc--;
		c--;
	}
	argc -= optind;
	argv += optind;
	if (!strcmp(cmd, "list") && argc == 0)
		return cmd_list();
	if (!strcmp(cmd, "show") && argc == 1)
		return cmd_show(argv[0]);
	if (!strcmp(cmd, "diagnose") && argc == 1)
		return cmd_diagnose(argv[0]);
	if (!strcmp(cmd, "assign") && argc == 1)
		return cmd_assign(argv[0]);
	if (!strcmp(cmd, "release") && argc == 1)
		return cmd_release(argv[0]);
	if (!strcmp(cmd, "permissive") && argc == 1)
		return cmd_permissive(argv[0]);
	if (!strcmp(cmd, "quirk") && argc == 3)
		return cmd_quirk(argv[0], argv[1], argv[2]);
	if (!strcmp(cmd, "hide-syntax") && argc == 1)
		return cmd_hide_syntax(argv[0]);
	usage(stderr);
	return EX_USAGE;
}
