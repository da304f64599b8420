#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Guest hook of the pcibk-probe run (VM_EXTRA, /extra/guest-init.sh). The
# guest image is shared by every harness run, so this acts only in the
# probe's own guest (named PR by 60-probe.sh): there it loads the device
# nodes libxenevtchn and libxengnttab's xengntshr need, and removes
# xen-pcifront so that pcibk-probe can take the frontend role.
i=0
until name=$(xenstore-read name 2>/dev/null); do
	i=$((i + 1))
	[ $i -gt 50 ] && exit 0
	sleep 0.2
done
[ "$name" = PR ] || exit 0
for m in xen-evtchn xen-gntalloc; do
	[ -f "/extra/$m.ko" ] && insmod "/extra/$m.ko" 2>/dev/null
done
rmmod xen_pcifront 2>/dev/null
exit 0
