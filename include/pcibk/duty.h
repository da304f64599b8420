/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The duties Linux 6.12 gave the in-tree xen-pciback towards Xen, as a
 * decision: which kernel call the module makes at which moment, on which
 * kind of dom0. The glue (xen-pciback/linux/xen_pvh.c) asks and carries
 * the answer out; the unit tests ask every combination.
 *
 * - GSI lookup: while loaded, the module answers privcmd's
 *   IOCTL_PRIVCMD_PCIDEV_GET_GSI (Xen 4.20's xc_pcidev_get_gsi(), which
 *   libxl calls on a dom0 without pirqs, a PVH dom0) through
 *   xen_acpi_register_get_gsi_func(); nothing registered answers
 *   -EOPNOTSUPP and fails the attach.
 * - At bind, a PVH dom0 looks the device's GSI up in ACPI and sets it up
 *   in Xen (PHYSDEVOP_setup_gsi). A device without an INTx pin has none:
 *   it is bound all the same and the lookup answers -ENOENT, which
 *   libxl 4.20.1 and later take for "no GSI" (the in-tree driver refuses
 *   to bind such a device).
 * - After every reset of a device, a dom0 that is not PV tells Xen
 *   (PHYSDEVOP_pci_device_reset), so that vPCI drops the state it cached.
 */
#ifndef PCIBK_DUTY_H
#define PCIBK_DUTY_H

#include <pcibk/compat.h>

/* The dom0 the module runs in, and the hooks its kernel has. */
struct pcibk_duty_env {
	bool pv;		/* a PV dom0 (xen_pv_domain()) */
	bool pvh;		/* a PVH dom0 (xen_pvh_domain()) */
	bool gsi_hooks;		/* xen_acpi_register_get_gsi_func() & co. */
	bool reset_hook;	/* xen_reset_device() */
};

/*
 * The moments the module asks at. A device is reset at bind, when its
 * guest lets it go, at release and by do_flr: PCIBK_DUTY_RESET each time.
 */
enum pcibk_duty_event {
	PCIBK_DUTY_INIT,	/* module init, after everything else */
	PCIBK_DUTY_EXIT,	/* module exit, before anything else */
	PCIBK_DUTY_BIND,	/* a device is bound to pciback */
	PCIBK_DUTY_RESET,	/* a device was reset (any of them) */
};

/* The calls: a bit mask. */
#define PCIBK_DUTY_REGISTER_GSI		0x1u	/* register the lookup */
#define PCIBK_DUTY_UNREGISTER_GSI	0x2u	/* register NULL */
/* xen_acpi_get_gsi_info(), then xen_pvh_setup_gsi(); failing refuses the bind */
#define PCIBK_DUTY_SETUP_GSI		0x4u
#define PCIBK_DUTY_XEN_RESET		0x8u	/* xen_reset_device() */

/*
 * The calls to make at ev; pin is the device's INTx pin (0: none), read
 * only at PCIBK_DUTY_BIND.
 */
unsigned int pcibk_duty_calls(const struct pcibk_duty_env *e,
			      enum pcibk_duty_event ev, u8 pin);

/*
 * The answer of the GSI lookup for a device: bound says whether it is
 * bound to pciback, pin is its INTx pin, gsi what its bind set up (< 0:
 * none). The GSI, -ENODEV (not ours), -ENOENT (no INTx pin, no GSI) or
 * -EOPNOTSUPP (this dom0 set none up: not a PVH dom0).
 */
int pcibk_duty_gsi_answer(bool bound, u8 pin, int gsi);

#endif /* PCIBK_DUTY_H */
