#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# dom0's health watch, started by runner.sh before anything else and kept
# running through every scenario: follows dom0's kernel log from boot on
# (dmesg -w, whatever the console log level) and at a BUG, Oops, WARNING,
# general protection fault, soft or hard lockup, RCU stall or hung task
# prints at once
#   @@PCIBK: RESULT FAIL health.dom0 <the line> (during <scenario>)
#   @@PCIBK: EXCERPT <a few lines before it, the line, the call trace>...
# and then saves the logs and ends the run (dom0 powers off), unless
# VM_VARS has HEALTH_STOP=0: then it goes on (at most HEALTH_MAX reports).

P=/opt/pcibk
# shellcheck disable=SC1091
. "$P/config"
# shellcheck source=tests/vm/dom0/lib.sh
. "$P/dom0/lib.sh"

HEALTH_BEFORE=6		# lines of context before the line
HEALTH_AFTER=60		# lines after it, at most (the trace)
HEALTH_MAX=${HEALTH_MAX:-5}

# dmesg follows the kernel's ring buffer; its lines keep the time stamp.
# Line-buffered: into a pipe its output would come in 4 KiB blocks.
# (Process substitution needs /dev/fd: dom0/init.sh makes it.)
exec 3< <(exec stdbuf -oL dmesg -w 2>&1) || exit 1
DMESG_PID=$!
trap 'kill "$DMESG_PID" 2>/dev/null; exit 0' TERM INT

health_report() {
	local first=$1 scen l
	shift
	scen=$(cat "$WORK/scenario" 2>/dev/null)
	[[ $first =~ ^\[\ *[0-9.]+\]\ (.*)$ ]] && first=${BASH_REMATCH[1]}
	result FAIL health.dom0 "${first:0:160} (dom0 kernel log, during ${scen:-start-up})"
	for l in "$@"; do
		msg "EXCERPT ${l:0:220}"
		printf '%s\n' "$l" >>"$WORK/logs/health.txt"
	done
	echo >>"$WORK/logs/health.txt"
}

# The run is over: keep what the host needs, then power off.
health_stop() {
	local f n
	info "health watch: dom0 is not healthy: the run ends now (VM_VARS=HEALTH_STOP=0 lets it go on)"
	touch "$WORK/health-stopped"
	dmesg >"$WORK/logs/dom0.dmesg" 2>&1
	timeout 30 xl dmesg >"$WORK/logs/xen.dmesg" 2>&1
	for f in /var/log/xen/console/guest-*.log; do
		[ -f "$f" ] || continue
		n=${f##*/guest-}
		tr -d '\r' <"$f" >"$WORK/logs/guest-${n%.log}.console"
	done
	# HVM guests' serial consoles (dom0/lib.sh, hvm_start).
	for f in /var/log/xen/console/hvm-*.serial; do
		[ -f "$f" ] && tr -d '\r' <"$f" >"$WORK/logs/${f##*/}"
	done
	logs_to_disk
	msg DONE
	sync
	"$P/busybox" poweroff -f
	sleep 1000000
}

ctx=()
reports=0
while IFS= read -r -u 3 line; do
	line=${line//$'\r'/}
	# runner.sh's check that the watch reads the kernel log.
	[[ $line == *'pcibk-health-watch: ping'* ]] && touch "$WORK/health-ping"
	if [[ $line =~ $HEALTH_RE ]] && [[ $line != *'traps: '* ]]; then
		excerpt=("${ctx[@]}" "$line")
		n=0
		# The trace follows at once: what comes within 5 s (1 s of quiet,
		# or the end of the trace, ends the excerpt earlier).
		end=$((SECONDS + 5))
		while [ $n -lt $HEALTH_AFTER ] && [ $SECONDS -lt $end ] && IFS= read -r -t 1 -u 3 l; do
			excerpt+=("${l//$'\r'/}")
			n=$((n + 1))
			case $l in *'---[ end trace'*) break ;; esac
		done
		health_report "$line" "${excerpt[@]}"
		reports=$((reports + 1))
		[ "${HEALTH_STOP:-1}" = 0 ] || health_stop
		if [ $reports -ge "$HEALTH_MAX" ]; then
			info "health watch: $reports reports, no more"
			break
		fi
		ctx=()
		continue
	fi
	ctx+=("$line")
	[ "${#ctx[@]}" -gt $HEALTH_BEFORE ] && ctx=("${ctx[@]:1}")
done
kill "$DMESG_PID" 2>/dev/null
exit 0
