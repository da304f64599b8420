// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The 6.12 duties towards Xen (include/pcibk/duty.h): which call the
 * module makes at which moment, on which kind of dom0 and kernel.
 */
#include "t.h"
#include <pcibk/duty.h>

/* Kernels: without the hooks (5.10, 6.1), with them (6.12 and later). */
#define OLD	false, false
#define NEW	true, true

static const struct {
	const char *name;
	struct pcibk_duty_env e;
	/* the calls at init, exit, bind (pin A, no pin) and after a reset */
	unsigned int init, exit, bind_pin, bind_nopin, reset;
} rows[] = {
	{ "6.1, PV dom0", { true, false, OLD }, 0, 0, 0, 0, 0 },
	{ "6.1, PVH dom0", { false, true, OLD }, 0, 0, 0, 0, 0 },
	{ "6.12, PV dom0", { true, false, NEW },
	  PCIBK_DUTY_REGISTER_GSI, PCIBK_DUTY_UNREGISTER_GSI, 0, 0, 0 },
	{ "6.12, PVH dom0", { false, true, NEW },
	  PCIBK_DUTY_REGISTER_GSI, PCIBK_DUTY_UNREGISTER_GSI,
	  PCIBK_DUTY_SETUP_GSI, 0, PCIBK_DUTY_XEN_RESET },
	/* An HVM-like dom0 (neither): vPCI caches, but no ACPI GSI duty. */
	{ "6.12, other dom0", { false, false, NEW },
	  PCIBK_DUTY_REGISTER_GSI, PCIBK_DUTY_UNREGISTER_GSI, 0, 0,
	  PCIBK_DUTY_XEN_RESET },
	/* Only one of the hooks: each duty follows its own. */
	{ "GSI hooks only, PVH", { false, true, true, false },
	  PCIBK_DUTY_REGISTER_GSI, PCIBK_DUTY_UNREGISTER_GSI,
	  PCIBK_DUTY_SETUP_GSI, 0, 0 },
	{ "reset hook only, PVH", { false, true, false, true },
	  0, 0, 0, 0, PCIBK_DUTY_XEN_RESET },
};

TEST(duty_calls_table)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(rows); i++) {
		const struct pcibk_duty_env *e = &rows[i].e;
		unsigned int got[5] = {
			pcibk_duty_calls(e, PCIBK_DUTY_INIT, 0),
			pcibk_duty_calls(e, PCIBK_DUTY_EXIT, 0),
			pcibk_duty_calls(e, PCIBK_DUTY_BIND, 1),
			pcibk_duty_calls(e, PCIBK_DUTY_BIND, 0),
			pcibk_duty_calls(e, PCIBK_DUTY_RESET, 0),
		};
		unsigned int want[5] = {
			rows[i].init, rows[i].exit, rows[i].bind_pin,
			rows[i].bind_nopin, rows[i].reset,
		};
		unsigned int k;

		for (k = 0; k < 5; k++) {
			if (got[k] != want[k])
				printf("    %s, moment %u: 0x%x\n", rows[i].name,
				       k, got[k]);
			CHECK_EQ(got[k], want[k]);
		}
	}
}

/*
 * Every INTx pin sets the GSI up on a PVH dom0; the pin given at a reset
 * or at init is ignored.
 */
TEST(duty_calls_pins)
{
	const struct pcibk_duty_env pvh = { false, true, NEW };
	const struct pcibk_duty_env pv = { true, false, NEW };
	unsigned int pin;

	for (pin = 1; pin <= 4; pin++) {
		CHECK_EQ(pcibk_duty_calls(&pvh, PCIBK_DUTY_BIND, pin),
			 PCIBK_DUTY_SETUP_GSI);
		CHECK_EQ(pcibk_duty_calls(&pv, PCIBK_DUTY_BIND, pin), 0);
		CHECK_EQ(pcibk_duty_calls(&pvh, PCIBK_DUTY_RESET, pin),
			 PCIBK_DUTY_XEN_RESET);
		CHECK_EQ(pcibk_duty_calls(&pvh, PCIBK_DUTY_INIT, pin),
			 PCIBK_DUTY_REGISTER_GSI);
	}
	/* A PV dom0 never notifies, whatever its kernel has. */
	CHECK_EQ(pcibk_duty_calls(&pv, PCIBK_DUTY_RESET, 0), 0);
	/* An unknown moment asks for nothing. */
	CHECK_EQ(pcibk_duty_calls(&pvh, (enum pcibk_duty_event)99, 1), 0);
}

/* What privcmd's IOCTL_PRIVCMD_PCIDEV_GET_GSI (and so libxl) hears. */
TEST(duty_gsi_answer)
{
	CHECK_EQ(pcibk_duty_gsi_answer(false, 1, 16), -ENODEV);
	CHECK_EQ(pcibk_duty_gsi_answer(false, 0, -1), -ENODEV);
	/* No INTx pin: libxl 4.20.1+ reads -ENOENT as "no GSI" and goes on. */
	CHECK_EQ(pcibk_duty_gsi_answer(true, 0, -1), -ENOENT);
	CHECK_EQ(pcibk_duty_gsi_answer(true, 0, 16), -ENOENT);
	/* A pin but no GSI set up: not a PVH dom0. */
	CHECK_EQ(pcibk_duty_gsi_answer(true, 2, -1), -EOPNOTSUPP);
	CHECK_EQ(pcibk_duty_gsi_answer(true, 1, 0), 0);
	CHECK_EQ(pcibk_duty_gsi_answer(true, 4, 16), 16);
	CHECK_EQ(pcibk_duty_gsi_answer(true, 1, 255), 255);
}
