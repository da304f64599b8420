/* SPDX-License-Identifier: GPL-2.0-only */
/* Copyright (C) 2026 The pcibk authors. */
/*
 * Self-checks of the portable core (core/selftest.c): invariants that
 * hold without any host, run by a debug module at load
 * (CONFIG_XEN_PCIBK_DEBUG, "make module DEBUG=1") and by "make check" in
 * user space, so that they cannot rot.
 */
#ifndef PCIBK_SELFTEST_H
#define PCIBK_SELFTEST_H

#include <pcibk/compat.h>

/*
 * Run every self-check. Each failure is logged (pcibk_err) with what was
 * expected; *passed and *failed count the checks. Returns 0, -EINVAL if a
 * check failed, or -ENOMEM if a synthetic device could not be allocated.
 */
int pcibk_selftest(unsigned int *passed, unsigned int *failed);

#endif /* PCIBK_SELFTEST_H */
