#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# dom0 hook of the pcibk-probe run (VM_EXTRA, $P/extra/dom0-init.sh): add
# the probe scenario to this run only, and follow it on the serial line.
cp /opt/pcibk/extra/60-probe.sh /opt/pcibk/scenarios/60-probe.sh

# The client's output reaches the host only through dom0 (xenconsoled's
# log), and a run that wedges loses everything dom0 had not sent yet: copy
# the probe guest's console to the serial line as it grows (lines
# "@@PRB ..."), with a heartbeat every 15 s that says whether dom0's user
# space still runs, and the tasks of the scenario when it stops moving.
(
	log=/var/log/xen/console/guest-PR.log
	off=0 n=0
	while sleep 5; do
		n=$((n + 1))
		if [ -f "$log" ]; then
			size=$(wc -c <"$log")
			if [ "$size" -gt "$off" ]; then
				tail -c +"$((off + 1))" "$log" | head -c "$((size - off))" |
					tr -d '\r' | grep -v '^$' | head -n 200 |
					sed 's/^/@@PRB /' >/dev/console
				off=$size
			fi
		fi
		[ $((n % 3)) = 0 ] || continue
		echo "@@DBG heartbeat $(cut -d' ' -f1 /proc/uptime) load $(cut -d' ' -f1-3 /proc/loadavg)" >/dev/console
		# Every minute: what dom0 is blocked on, if anything.
		[ $((n % 12)) = 0 ] || continue
		for t in /proc/[0-9]*; do
			grep -q '^State:.*D' "$t/status" 2>/dev/null || continue
			echo "@@DBG D-state ${t#/proc/} $(cat "$t/comm" 2>/dev/null):"
			sed 's/^/@@DBG   /' "$t/stack" 2>/dev/null
		done >/dev/console
	done
) </dev/null >/dev/null 2>&1 &
