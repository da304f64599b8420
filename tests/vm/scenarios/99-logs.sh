# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Kernel logs of dom0 and of every guest: no WARNING, BUG, Oops, soft
# lockup or "nobody cared".  The stock pcifront's "sysfs group 'power' not
# found" warning on the last unplug is reported as a NOTE, not a failure.
# Always runs.
# shellcheck shell=bash

dmesg >"$WORK/logs/dom0.dmesg" 2>&1
xl dmesg >"$WORK/logs/xen.dmesg" 2>&1
check logs.dom0 scan_log "$WORK/logs/dom0.dmesg"
for f in "$WORK"/logs/guest-*.dmesg "$WORK"/logs/guest-*.console; do
	[ -f "$f" ] || continue
	n=${f##*/}
	check "logs.${n%.*}.${n##*.}" scan_log "$f"
done
