#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# dom0 hook of the pcibk-probe run (VM_EXTRA, $P/extra/dom0-init.sh): add
# the probe scenario to this run only.
cp /opt/pcibk/extra/60-probe.sh /opt/pcibk/scenarios/60-probe.sh
