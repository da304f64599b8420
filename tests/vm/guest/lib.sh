# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Helpers available to every command dom0 runs in the guest (busybox sh).
# Devices are named by vendor:device id; the guest's BDF is looked up.
# shellcheck shell=sh

# bdf_of ID: the guest BDF (with domain) of the first device with this id.
bdf_of() { lspci -D -n -d "$1" 2>/dev/null | awk 'NR == 1 { print $1 }'; }

# wait_id ID [SECONDS]: wait until a device with this id is enumerated.
wait_id() {
	i=0
	while [ -z "$(bdf_of "$1")" ]; do
		i=$((i + 1))
		[ $i -gt $((${2:-20} * 5)) ] && return 1
		sleep 0.2
	done
	return 0
}

# gone_id ID [SECONDS]: wait until no device with this id is left.
gone_id() {
	i=0
	while [ -n "$(bdf_of "$1")" ]; do
		i=$((i + 1))
		[ $i -gt $((${2:-20} * 5)) ] && return 1
		sleep 0.2
	done
	return 0
}

drv_of() {
	l=$(readlink "/sys/bus/pci/devices/$1/driver" 2>/dev/null) || return 0
	echo "${l##*/}"
}

# wait_drv ID DRIVER [SECONDS]: wait until DRIVER is bound to the device.
wait_drv() {
	i=0
	while :; do
		b=$(bdf_of "$1")
		[ -n "$b" ] && [ "$(drv_of "$b")" = "$2" ] && {
			echo "$b bound to $2"
			return 0
		}
		i=$((i + 1))
		if [ $i -gt $((${3:-20} * 5)) ]; then
			echo "$1 at ${b:-nowhere}: driver '$(drv_of "$b")', expected $2"
			return 1
		fi
		sleep 0.2
	done
}

unbind_id() {
	b=$(bdf_of "$1")
	[ -n "$b" ] || return 0
	d=$(drv_of "$b")
	[ -n "$d" ] || return 0
	echo "$b" >"/sys/bus/pci/drivers/$d/unbind"
}

rebind_id() {
	b=$(bdf_of "$1")
	d=$(drv_of "$b")
	[ -n "$d" ] || d=$2
	[ -n "$(drv_of "$b")" ] && echo "$b" >"/sys/bus/pci/drivers/$d/unbind"
	echo "$b" >"/sys/bus/pci/drivers/$2/bind"
}

# mode_on ID MSI|MSI-X: lspci -vv shows that capability enabled.
mode_on() {
	b=$(bdf_of "$1")
	out=$(lspci -vv -s "$b" 2>/dev/null)
	echo "$out" | grep -E 'MSI(-X)?:|Kernel driver'
	echo "$out" | grep -q "$2: Enable+"
}

# irqs_of BDF: the guest irqs of the device (MSI/MSI-X vectors, else INTx).
irqs_of() {
	if [ -d "/sys/bus/pci/devices/$1/msi_irqs" ] &&
		[ -n "$(ls "/sys/bus/pci/devices/$1/msi_irqs")" ]; then
		ls "/sys/bus/pci/devices/$1/msi_irqs"
	else
		cat "/sys/bus/pci/devices/$1/irq"
	fi
}

# irq_count BDF: interrupts delivered so far to the device's irqs.
irq_count() {
	awk -v list=" $(irqs_of "$1" | tr '\n' ' ') " '
		NR == 1 { ncpu = NF; next }
		{ n = $1; sub(/:$/, "", n)
		  if (index(list, " " n " ")) for (i = 2; i <= ncpu + 1; i++) s += $i }
		END { print s + 0 }' /proc/interrupts
}

blk_of() {
	for s in /sys/block/*; do
		case $(readlink -f "$s/device") in
		*"/$1/"*) echo "/dev/${s##*/}" && return 0 ;;
		esac
	done
	return 1
}

net_of() {
	for n in "/sys/bus/pci/devices/$1/net/"*; do
		[ -e "$n" ] && echo "${n##*/}" && return 0
	done
}

# traffic ID: make the device interrupt: disk reads or a ping through the NIC.
traffic() {
	b=$(bdf_of "$1")
	case $1 in
	8086:10d3)
		n=$(net_of "$b")
		[ -n "$n" ] || { echo "no network interface for $b"; return 1; }
		ip link set "$n" up
		ip addr add 10.0.2.15/24 dev "$n" 2>/dev/null
		sleep 1
		ping -c 5 -W 2 -w 30 10.0.2.2
		;;
	*)
		dev=$(blk_of "$b") || { echo "no block device for $b"; return 1; }
		echo 3 >/proc/sys/vm/drop_caches
		dd if="$dev" of=/dev/null bs=64k count=256 && echo "read 16 MiB from $dev"
		;;
	esac
}

# irqs_grow ID: interrupt counts of the device grow under traffic.
irqs_grow() {
	b=$(bdf_of "$1")
	[ -n "$b" ] || { echo "no device $1"; return 1; }
	before=$(irq_count "$b")
	traffic "$1" || return 1
	after=$(irq_count "$b")
	echo "$b irqs [$(irqs_of "$b" | tr '\n' ' ')] count $before -> $after"
	[ "$after" -gt "$before" ]
}

# pci_count: number of PCI devices the guest sees.
pci_count() {
	n=0
	for d in /sys/bus/pci/devices/*; do [ -e "$d" ] && n=$((n + 1)); done
	echo "$n"
}
