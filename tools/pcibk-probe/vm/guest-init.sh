#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Guest hook of the pcibk-probe run (VM_EXTRA, /extra/guest-init.sh):
# the device nodes libxenevtchn and libxengnttab's xengntshr need, and no
# xen-pcifront, so that pcibk-probe can take the frontend role.
for m in xen-evtchn xen-gntalloc; do
	[ -f "/extra/$m.ko" ] && insmod "/extra/$m.ko" 2>/dev/null
done
rmmod xen_pcifront 2>/dev/null
exit 0
