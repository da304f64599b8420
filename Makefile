# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Top-level build: the user-space core library, tests, tools; the kernel
# module and the QEMU + Xen harness have their own fragments included below.

.PHONY: all
all:

-include tests/vm/vm.mk
