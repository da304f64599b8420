// SPDX-License-Identifier: GPL-2.0-only
/* Copyright (C) 2026 The pcibk authors. */
/*
 * The libFuzzer / AFL++ entry point, built once per target:
 *   -DFZ_TARGET_MODE=FZ_MODE_OPS   "ops":  requests straight into the op engine
 *   -DFZ_TARGET_MODE=FZ_MODE_RING  "ring": every request through the
 *                                  guest's session (the harness plays its host ops)
 *   -DFZ_TARGET_MODE=FZ_MODE_PARSE "parse": the sysfs/parameter text parsers
 */
#include "harness.h"

#ifndef FZ_TARGET_MODE
#define FZ_TARGET_MODE FZ_MODE_OPS
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	return fz_run(data, size, FZ_TARGET_MODE);
}
