// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The 6.12 duties towards Xen as a decision (include/pcibk/duty.h).
 */
#include <pcibk/duty.h>

unsigned int pcibk_duty_calls(const struct pcibk_duty_env *e,
			      enum pcibk_duty_event ev, u8 pin)
{
	switch (ev) {
	case PCIBK_DUTY_INIT:
		/*
		 * On every dom0, as the in-tree driver does: privcmd asks
		 * only for a PVH dom0, and an answer is better than none.
		 */
		return e->gsi_hooks ? PCIBK_DUTY_REGISTER_GSI : 0;
	case PCIBK_DUTY_EXIT:
		return e->gsi_hooks ? PCIBK_DUTY_UNREGISTER_GSI : 0;
	case PCIBK_DUTY_BIND:
		/*
		 * A PV dom0 maps legacy interrupts with pirqs itself. Without
		 * a pin there is nothing to look up: ACPI would fail and the
		 * device would be refused for an interrupt it never raises.
		 */
		if (!e->gsi_hooks || !e->pvh || e->pv || !pin)
			return 0;
		return PCIBK_DUTY_SETUP_GSI;
	case PCIBK_DUTY_RESET:
		/*
		 * Only vPCI, the view of a PVH (or HVM) dom0, caches the
		 * device's state in Xen; a PV dom0 touches the device
		 * directly.
		 */
		return e->reset_hook && !e->pv ? PCIBK_DUTY_XEN_RESET : 0;
	}
	return 0;
}

int pcibk_duty_gsi_answer(bool bound, u8 pin, int gsi)
{
	if (!bound)
		return -ENODEV;
	if (!pin)
		return -ENOENT;
	if (gsi < 0)
		return -EOPNOTSUPP;
	return gsi;
}
