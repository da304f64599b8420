// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Guest-side test module of the QEMU + Xen harness (scenarios/56-overbudget.sh):
 * asks the guest's PCI core for interrupt vectors of one device, as a driver
 * would, through the stock xen-pcifront, and logs every result.
 *
 *   insmod pcibk_irqtest.ko [vendor=0x1b36 device=0x0010] [type=msix|msi]
 *          [count=64,128] [ok=4] [rounds=1] [tag=name]
 *
 * Each round asks, for each number in count, pci_alloc_irq_vectors(dev, n,
 * n, type) and frees what it got; after each, when ok is not 0, it asks for
 * ok vectors the same way (a request that fits). The module is a PCI
 * driver for that one device: unbind the device's driver first, and the
 * module binds to it and does everything in its probe; rmmod unbinds it
 * (which also releases what the PCI core keeps per driver binding, e.g.
 * its MSI data, so that the device's own driver can bind again). Log
 * lines start with "pcibk_irqtest: "; the last one is the summary:
 *   pcibk_irqtest: TAG summary: big N sent, F failed, S succeeded,
 *       errors [-28 x N ...]; ok N sent, S succeeded, errors [...]
 */
#include <linux/delay.h>
#include <linux/module.h>
#include <linux/pci.h>
#include <linux/sched.h>

static ushort vendor = 0x1b36;
module_param(vendor, ushort, 0444);
MODULE_PARM_DESC(vendor, "PCI vendor id of the device (default 0x1b36, QEMU)");
static ushort device = 0x0010;
module_param(device, ushort, 0444);
MODULE_PARM_DESC(device, "PCI device id (default 0x0010, QEMU's nvme)");
static char *type = "msix";
module_param(type, charp, 0444);
MODULE_PARM_DESC(type, "msix or msi");
static int count[8] = { 64 };
static int ncount = 1;
module_param_array(count, int, &ncount, 0444);
MODULE_PARM_DESC(count, "vectors of each large request, e.g. 64,128");
static int ok = 4;
module_param(ok, int, 0444);
MODULE_PARM_DESC(ok, "vectors of the request after each large one (0: none)");
static int rounds = 1;
module_param(rounds, int, 0444);
MODULE_PARM_DESC(rounds, "how many times to go through count");
static char *tag = "run";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "a name for this load in the log");

#define NERR 8

struct tally {
	int sent, okay;
	int err[NERR], times[NERR];	/* distinct errors and how often */
};

static void tally_add(struct tally *t, int rc)
{
	int i;

	t->sent++;
	if (rc > 0) {
		t->okay++;
		return;
	}
	for (i = 0; i < NERR; i++) {
		if (t->times[i] && t->err[i] == rc) {
			t->times[i]++;
			return;
		}
		if (!t->times[i]) {
			t->err[i] = rc;
			t->times[i] = 1;
			return;
		}
	}
}

/* "-28 x5 -22 x1", or "none". */
static void tally_errs(const struct tally *t, char *buf, size_t len)
{
	size_t n = 0;
	int i;

	buf[0] = 0;
	for (i = 0; i < NERR && t->times[i] && n < len; i++)
		n += scnprintf(buf + n, len - n, "%s%d x%d", n ? " " : "",
			       t->err[i], t->times[i]);
	if (!n)
		scnprintf(buf, len, "none");
}

/* One request: n vectors; logged; freed again when granted. */
static int ask(struct pci_dev *pdev, unsigned int flags, int n, int round,
	       const char *what)
{
	int rc = pci_alloc_irq_vectors(pdev, n, n, flags);

	pr_info("pcibk_irqtest: %s round %d: %s %s %d vectors: %d\n", tag,
		round, what, type, n, rc);
	if (rc > 0)
		pci_free_irq_vectors(pdev);
	return rc;
}

static unsigned int irq_flags;
static bool probed;

static int irqtest_probe(struct pci_dev *pdev, const struct pci_device_id *id)
{
	struct tally big = { 0 }, small = { 0 };
	char e1[128], e2[128];
	int r, i, rc;

	if (probed)
		return -EBUSY;	/* one device, once */
	probed = true;
	rc = pci_enable_device(pdev);
	if (rc) {
		pr_err("pcibk_irqtest: %s pci_enable_device(%s): %d\n", tag,
		       pci_name(pdev), rc);
		return rc;
	}
	pr_info("pcibk_irqtest: %s start: %s, %s, %d round(s) of %d request(s), ok %d\n",
		tag, pci_name(pdev), type, rounds, ncount, ok);
	for (r = 1; r <= rounds; r++) {
		for (i = 0; i < ncount; i++) {
			tally_add(&big, ask(pdev, irq_flags, count[i], r, "big"));
			if (ok > 0)
				tally_add(&small, ask(pdev, irq_flags, ok, r, "ok"));
			cond_resched();
		}
	}
	pci_disable_device(pdev);
	tally_errs(&big, e1, sizeof(e1));
	tally_errs(&small, e2, sizeof(e2));
	pr_info("pcibk_irqtest: %s summary: big %d sent, %d failed, %d succeeded, errors [%s]; ok %d sent, %d succeeded, errors [%s]\n",
		tag, big.sent, big.sent - big.okay, big.okay, e1, small.sent,
		small.okay, e2);
	return 0;
}

static void irqtest_remove(struct pci_dev *pdev)
{
}

/* Filled in from the vendor and device parameters at load time. */
static struct pci_device_id irqtest_ids[2];

static struct pci_driver irqtest_driver = {
	.name = "pcibk_irqtest",
	.id_table = irqtest_ids,
	.probe = irqtest_probe,
	.remove = irqtest_remove,
};

static int __init irqtest_init(void)
{
	struct pci_dev *pdev;
	int rc;

	if (!strcmp(type, "msix")) {
		irq_flags = PCI_IRQ_MSIX;
	} else if (!strcmp(type, "msi")) {
		irq_flags = PCI_IRQ_MSI;
	} else {
		pr_err("pcibk_irqtest: type must be msix or msi, not '%s'\n", type);
		return -EINVAL;
	}
	pdev = pci_get_device(vendor, device, NULL);
	if (!pdev) {
		pr_err("pcibk_irqtest: no device %04x:%04x\n", vendor, device);
		return -ENODEV;
	}
	if (pdev->dev.driver) {
		pr_err("pcibk_irqtest: %s is bound to %s: unbind it first\n",
		       pci_name(pdev), pdev->dev.driver->name);
		pci_dev_put(pdev);
		return -EBUSY;
	}
	pci_dev_put(pdev);
	irqtest_ids[0].vendor = vendor;
	irqtest_ids[0].device = device;
	irqtest_ids[0].subvendor = PCI_ANY_ID;
	irqtest_ids[0].subdevice = PCI_ANY_ID;
	rc = pci_register_driver(&irqtest_driver);
	if (rc)
		return rc;
	if (!probed) {
		pr_err("pcibk_irqtest: %04x:%04x did not bind to the test driver\n",
		       vendor, device);
		pci_unregister_driver(&irqtest_driver);
		return -ENODEV;
	}
	return 0;
}

static void __exit irqtest_exit(void)
{
	pci_unregister_driver(&irqtest_driver);
}

module_init(irqtest_init);
module_exit(irqtest_exit);
MODULE_DESCRIPTION("pcibk harness: interrupt vector requests from a PV guest");
MODULE_AUTHOR("The pcibk authors");
MODULE_LICENSE("GPL");
