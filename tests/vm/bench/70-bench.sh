# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# "make vmbench": the in-tree xen-pciback and ours, alternating in one
# dom0 on the same devices (runner.sh keeps the in-tree module when
# PCIBK_BENCH is set). BENCH_BACKENDS (comma-separated, default
# intree,ours) may name more builds of ours: NAME is insmod of
# $P/extra/NAME/xen-pciback.ko (vmbench.mk: BENCH_BASE_KO). Each round
# runs, for each backend in turn (the order flips every round):
#   guest BA, stock xen-pcifront, the NIC assigned:
#     P1  cfgread: 4-byte preads of the NIC's sysfs config file, median us
#     P2  guest kernel log: "Creating PCI Frontend Bus" (connected) to the
#         first "claiming resource" (the 256-devfn scan done), ms
#     boot.ops, boot.fast  requests of the guest's boot up to its driver
#         bound, and of those answered in the event handler (ours only)
#     D.* dom0's share of one P1 request (BENCH_TRACE=1, the default):
#         BENCH_TRACE_READS more reads with dom0's tracepoints on, per
#         request the backend's event handler (irq entry to exit), the
#         wake-up of its worker (handler exit to work start), the worker
#         (work start to end) and the total (entry to the answer), us
#   guest PR, no pcifront, nvme hot-plugged, pcibk-probe:
#     conf_read round trip and the null round trip (absent devfn), median us
#     P3  enable_msix with 1, 32, 64 and 128 vectors, median of 3, us
#         (vmbench.mk gives Xen extra_guest_irqs=256,512 for this: 64 and
#         128 vectors are beyond Xen's default PIRQ budget of a guest)
# Raw figures go to bench-raw.txt in the log directory, one line each:
#   R ROUND BACKEND METRIC VALUE
# tests/vm/bench/report.sh turns them into the table.
# shellcheck shell=bash

BENCH_ROUNDS=${BENCH_ROUNDS:-3}
BENCH_READS=${BENCH_READS:-2000}
BENCH_LAT=${BENCH_LAT:-1000}
BENCH_TRACE=${BENCH_TRACE:-1}
BENCH_TRACE_READS=${BENCH_TRACE_READS:-400}
BENCH_TRACEFS=/sys/kernel/tracing
BENCH_EVENTS="irq/irq_handler_entry irq/irq_handler_exit workqueue/workqueue_execute_start workqueue/workqueue_execute_end"
BENCH_OUT=$WORK/logs/bench-raw.txt

bench_rec() {
	[ -n "$4" ] || return 0
	echo "R $1 $2 $3 $4" >>"$BENCH_OUT"
	info "bench: round $1 $2 $3 $4"
}

# bench_use BACKEND: no guest left, the other backend unloaded, this one
# loaded and the two devices bound to it again.
bench_use() {
	local g b
	for g in BA PR; do guest_alive "$g" && guest_destroy "$g" >/dev/null 2>&1; done
	if backend_loaded; then
		rmmod xen_pciback || return 1
	fi
	case $1 in
	intree) modprobe xen-pciback || return 1 ;;
	ours) insmod "$P/xen-pciback.ko" || return 1 ;;
	*) insmod "$P/extra/$1/xen-pciback.ko" || return 1 ;;
	esac
	for b in "$NIC_BDF" "$NVME_BDF"; do
		assignable_add "$b" || return 1
		is_on_pciback "$b" || return 1
	done
	echo "$1 loaded: $(grep '^xen_pciback ' /proc/modules)"
}

# Guest PR of pcibk-probe's scenario (shipped in the extra directory):
# created without PCI devices, passthrough enabled for the hot-plug; its
# guest hook removes xen-pcifront there.
eval "$(sed -n '/^probe_guest_start() {/,/^}/p' "$P/extra/60-probe.sh")"

# Seconds of a kernel log line's timestamp, for the first line matching RE.
bench_ts() {
	awk -v re="$1" '$0 ~ re && match($0, /^\[ *[0-9]+\.[0-9]+\]/) {
		s = substr($0, 2, RLENGTH - 2); gsub(/ /, "", s); print s; exit }' "$2"
}

# The median of the numbers on standard input (mawk has no sort).
bench_median() {
	sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'
}

# bench_again CMD...: CMD, and once more after any failure (xl create
# sometimes dies of heap corruption under TCG, which check's retry of
# crashed helpers does not recognise), with guests BA and PR gone first.
bench_again() {
	local g
	"$@" && return 0
	echo "bench: '$*' failed; once more"
	for g in BA PR; do guest_alive "$g" && timeout 120 xl destroy "$g"; done
	"$@"
}

# bench_events 0|1: dom0's tracepoints of bench_trace off or on.
bench_events() {
	local e
	for e in $BENCH_EVENTS; do
		echo "$1" >"$BENCH_TRACEFS/events/$e/enable" || return 1
	done
}

# Per request, from a trace of the backend's irq (its handler) and of
# the workqueue (its worker: in-tree xen_pcibk_do_op, ours
# pcibk_ring_worker): the medians, in us, of the handler, the wake-up of
# the worker, the worker, and the total, and how many requests had one.
# A request the handler answered itself has no worker.
bench_trace_stats() {
	awk '
	function ts() { return match($0, / [0-9]+\.[0-9]+: /) ? substr($0, RSTART + 1, RLENGTH - 3) * 1e6 : -1 }
	function rec(tot, h, w, r) {
		n++; T[n] = tot; H[n] = h
		if (w >= 0) { nw++; W[nw] = w; R[nw] = r }
	}
	function done() { if (t0 >= 0 && hx >= 0) rec(hx - t0, hx - t0, -1, -1); t0 = -1 }
	function med(a, k,    i, j, t) {
		if (!k) return 0
		for (i = 2; i <= k; i++) for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
		return a[int((k + 1) / 2)]
	}
	BEGIN { t0 = -1; hx = -1; ws = -1 }
	/ irq_handler_entry: / { done(); t0 = ts(); hx = -1; ws = -1; next }
	/ irq_handler_exit: / { if (t0 >= 0) hx = ts(); next }
	/ workqueue_execute_start: .*(xen_pcibk_do_op|pcibk_ring_worker)/ { if (t0 >= 0 && hx >= 0) ws = ts(); next }
	/ workqueue_execute_end: .*(xen_pcibk_do_op|pcibk_ring_worker)/ {
		if (t0 >= 0 && ws >= 0) { e = ts(); rec(e - t0, hx - t0, ws - hx, e - ws); t0 = -1 }
		next
	}
	END {
		done()
		printf "trace requests %d worker %d handler %.1f wake %.1f worker %.1f total %.1f\n",
			n, nw, med(H, n), med(W, nw), med(R, nw), med(T, n)
	}' "$1"
}

# bench_trace ROUND BACKEND: dom0's share of a P1 request (D.*), from
# BENCH_TRACE_READS more reads of guest BA with tracepoints on (after the
# timed reads: tracing slows the backend down).
bench_trace() {
	local r=$1 b=$2 irq tr st v
	[ "$BENCH_TRACE" = 1 ] || return 0
	[ -e "$BENCH_TRACEFS/trace" ] || mount -t tracefs nodev "$BENCH_TRACEFS" 2>/dev/null
	if [ ! -w "$BENCH_TRACEFS/trace" ]; then
		result NOTE "bench.$r.$b.trace" "no tracefs in dom0: no D.* figures"
		return 0
	fi
	irq=$(awk '/ xen-pciback$/ { sub(":", "", $1); print $1; exit }' /proc/interrupts)
	if [ -z "$irq" ]; then
		result NOTE "bench.$r.$b.trace" "no xen-pciback irq in /proc/interrupts"
		return 0
	fi
	echo 0 >"$BENCH_TRACEFS/tracing_on"
	: >"$BENCH_TRACEFS/trace"
	echo "irq == $irq" >"$BENCH_TRACEFS/events/irq/irq_handler_entry/filter"
	echo "irq == $irq" >"$BENCH_TRACEFS/events/irq/irq_handler_exit/filter"
	bench_events 1 || return 0
	echo 1 >"$BENCH_TRACEFS/tracing_on"
	gx BA "/extra/cfgread /sys/bus/pci/devices/\$(bdf_of $NIC_ID)/config $BENCH_TRACE_READS" >/dev/null
	echo 0 >"$BENCH_TRACEFS/tracing_on"
	bench_events 0
	tr=$WORK/logs/bench-$r-$b.trace
	cp "$BENCH_TRACEFS/trace" "$tr"
	: >"$BENCH_TRACEFS/trace"
	st=$(bench_trace_stats "$tr")
	echo "$st (irq $irq)"
	for v in handler wake worker total; do
		bench_rec "$r" "$b" "D.$v" "$(echo "$st" | sed -n "s/.* $v \([0-9.]*\).*/\1/p")"
	done
	bench_rec "$r" "$b" D.fast "$(echo "$st" | awk '{ if ($3) printf "%.0f", 100 * ($3 - $5) / $3 }')"
}

# bench_pcifront ROUND BACKEND: P1 and P2.
bench_pcifront() {
	local r=$1 b=$2 out dm c e
	check "bench.$r.$b.guest-start" bench_again guest_start BA "$NIC_BDF" || return 1
	check "bench.$r.$b.nic-driver" gx BA "wait_drv $NIC_ID e1000e 60" || return 1
	sleep 2
	# How many requests the guest's boot made (P2's scan among them), and
	# how many the event handler answered (ours: pciback_stats).
	bench_rec "$r" "$b" boot.ops "$(awk '$1 == "ring_ops" { print $2 }' "/sys/bus/pci/devices/$NIC_BDF/pciback_stats" 2>/dev/null)"
	bench_rec "$r" "$b" boot.fast "$(awk '$1 == "ring_fast" { print $2 }' "/sys/bus/pci/devices/$NIC_BDF/pciback_stats" 2>/dev/null)"
	out=$(gx BA "/extra/cfgread /sys/bus/pci/devices/\$(bdf_of $NIC_ID)/config $BENCH_READS")
	echo "$out"
	bench_rec "$r" "$b" P1 "$(echo "$out" | sed -n 's/^cfgread .* median \([0-9.]*\) .*/\1/p')"
	bench_rec "$r" "$b" P1mean "$(echo "$out" | sed -n 's/^cfgread .* mean \([0-9.]*\) .*/\1/p')"
	bench_trace "$r" "$b"
	dm=$WORK/logs/bench-$r-$b.dmesg
	GX_TIMEOUT=30 gx BA "dmesg | sed 's/^/|/'" | sed -n 's/^|//p' >"$dm"
	c=$(bench_ts 'pcifront pci-0: Creating PCI Frontend Bus' "$dm")
	e=$(bench_ts 'pcifront pci-0: claiming resource' "$dm")
	if [ -n "$c" ] && [ -n "$e" ]; then
		bench_rec "$r" "$b" P2 "$(awk -v c="$c" -v e="$e" 'BEGIN { printf "%.1f", (e - c) * 1000 }')"
	else
		result FAIL "bench.$r.$b.p2" "no pcifront scan lines in the guest's kernel log"
	fi
	guest_destroy BA >/dev/null 2>&1
}

# bench_probe ROUND BACKEND: conf_read, null round trip, P3.
bench_probe() {
	local r=$1 b=$2 out n attach
	check "bench.$r.$b.probe-guest" bench_again probe_guest_start || return 1
	(sleep 3; timeout -k 10 120 xl pci-attach PR "$NVME_BDF") >>"$WORK/logs/bench-attach.txt" 2>&1 &
	attach=$!
	out=$WORK/logs/bench-$r-$b.probe
	GX_TIMEOUT=300 gx PR "/extra/pcibk-probe --wait 90 latency --count $BENCH_LAT replay /extra/bench-msix.txt" >"$out" 2>&1
	# This one job only: the runner's shell also has the health watch
	# in the background, which never ends.
	wait "$attach"
	grep -E '^latency|enable_msix|TIMEOUT|^anomalies' "$out"
	bench_rec "$r" "$b" conf_read "$(sed -n 's/^latency .*(assigned) .* median \([0-9.]*\) .*/\1/p' "$out")"
	bench_rec "$r" "$b" null "$(sed -n 's/^latency .*(absent) .* median \([0-9.]*\) .*/\1/p' "$out")"
	for n in 1 32 64 128; do
		bench_rec "$r" "$b" "P3.$n" "$(sed -n "s/.*enable_msix .* nr $n -> err 0 .*(\([0-9.]*\) us)\$/\1/p" "$out" | bench_median)"
	done
	guest_destroy PR >/dev/null 2>&1
}

: >"$BENCH_OUT"
backends=${BENCH_BACKENDS:-intree,ours}
backends=${backends//,/ }
reversed=$(echo "$backends" | tr ' ' '\n' | tac | tr '\n' ' ')
for ((round = 1; round <= BENCH_ROUNDS; round++)); do
	if ((round % 2)); then order=$backends; else order=$reversed; fi
	for b in $order; do
		step "bench round $round: $b"
		check "bench.$round.$b.load" bench_use "$b" || continue
		bench_pcifront "$round" "$b"
		bench_probe "$round" "$b"
	done
done
# Leave dom0 as the set-up left it: our module, devices on pciback.
check bench.restore bench_use ours
