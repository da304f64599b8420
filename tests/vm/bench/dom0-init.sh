#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# dom0 hook of "make vmbench" (VM_EXTRA, $P/extra/dom0-init.sh): add the
# benchmark scenario to this run only.
cp /opt/pcibk/extra/70-bench.sh /opt/pcibk/scenarios/70-bench.sh
