#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# PID 1 of dom0 (the root image has no init system): mount the usual file
# systems, start the Xen daemons, run the scenarios, power off.

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export LC_ALL=C HOME=/root TERM=dumb
P=/opt/pcibk

mount -t proc proc /proc
mount -t sysfs sysfs /sys
mkdir -p /dev/pts /dev/shm
mount -t devpts devpts /dev/pts
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
mount -t tmpfs tmpfs /dev/shm
mkdir -p /run/lock /var/log/xen/console /run/xen
# devtmpfs has no /dev/fd: bash's process substitution needs it.
[ -e /dev/fd ] || ln -s /proc/self/fd /dev/fd
for f in stdin:0 stdout:1 stderr:2; do
	[ -e "/dev/${f%:*}" ] || ln -s "/proc/self/fd/${f#*:}" "/dev/${f%:*}"
done
hostname dom0
ip link set lo up

exec </dev/null >/dev/console 2>&1

"$P/dom0/runner.sh"
rc=$?
[ $rc = 0 ] || echo "@@PCIBK: RESULT FAIL harness.runner the dom0 runner died (exit status $rc)"
echo "@@PCIBK: DONE"
sync
sleep 1
"$P/busybox" poweroff -f
# Not reached unless poweroff failed: keep PID 1 alive so the host times out.
sleep 1000000
