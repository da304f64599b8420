#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# A dom0 watchdog for chasing hangs: put this file in a VM_EXTRA directory
# as dom0-init.sh. Every 15 s it prints a heartbeat; for an xl command that
# has run over 60 s it prints its kernel stack, the xenwatch/xenbus stacks
# and the blocked tasks (sysrq w), and after 200 s all CPUs (sysrq l).
#   mkdir -p build/dbg && cp tests/vm/debug/watchdog.sh build/dbg/dom0-init.sh
#   make vmtest BACKEND=ours VM_EXTRA=build/dbg
echo 1 > /proc/sys/kernel/sysrq
echo 40 > /proc/sys/kernel/hung_task_timeout_secs 2>/dev/null
(
	n=0
	while true; do
		sleep 15
		n=$((n + 1))
		echo "@@DBG heartbeat $(cut -d' ' -f1 /proc/uptime)" > /dev/console
		for p in $(pgrep -x xl); do
			et=$(ps -o etimes= -p "$p" | tr -d ' ')
			[ -n "$et" ] || continue
			if [ "$et" -gt 60 ]; then
				echo "@@DBG xl $p running ${et}s: $(tr '\0' ' ' < /proc/$p/cmdline)" > /dev/console
				cat /proc/$p/stack > /dev/console 2>&1
				cat /proc/$p/wchan > /dev/console 2>&1; echo > /dev/console
				for t in $(pgrep xenwatch) $(pgrep xenbus); do echo "@@DBG task $t $(cat /proc/$t/comm)"; cat /proc/$t/stack; done > /dev/console 2>&1
				echo w > /proc/sysrq-trigger
				if [ "$et" -gt 200 ]; then echo l > /proc/sysrq-trigger; fi
			fi
		done
	done
) &
