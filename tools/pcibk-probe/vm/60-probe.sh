# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# pcibk-probe against the backend under test. Guest PR starts without PCI
# devices and without xen-pcifront (guest-init.sh); the NIC is hot-plugged
# while pcibk-probe waits in the guest to take the frontend role, then it
# replays a session, measures latency and fuzzes.
#
# The client runs in the background of the guest with its output on the
# guest console, which dom0 reads from xenconsoled's log: every phase is
# its own check with its own time limit, results are seen as they come,
# and a wedged guest agent or backend cannot hide what was printed. The
# whole output is kept in the log directory as probe-<backend>.txt.
# shellcheck shell=bash

PROBE_CONSOLE=/var/log/xen/console/guest-PR.log
PROBE_FUZZ=${PROBE_FUZZ_SECONDS:-120}
# 1000 round trips of each kind take about 20 s under TCG.
PROBE_CMD="/extra/pcibk-probe --wait 120 -v replay /extra/probe-session.txt"
PROBE_CMD+=" latency --count 1000 fuzz --seconds $PROBE_FUZZ --seed 1"

# guest_start, but with no device and passthrough enabled, so that a PV
# guest created without PCI devices can get one hot-plugged.
probe_guest_start() {
	local d
	cat >"$WORK/guests/PR.cfg" <<-EOF
		name = "PR"
		type = "pv"
		kernel = "$P/guest/vmlinuz"
		ramdisk = "$P/guest/initrd.cpio.gz"
		extra = "console=hvc0 loglevel=4"
		memory = $GUEST_MEM
		vcpus = 1
		${GUEST_CPUS:+cpus = \"$GUEST_CPUS\"}
		passthrough = "enabled"
		on_crash = "preserve"
	EOF
	# QEMU's TCG now and then corrupts a dom0 process ("corrupted
	# double-linked list", abort): one more try.
	if ! timeout 120 xl create "$WORK/guests/PR.cfg"; then
		echo "xl create failed; once more"
		timeout 60 xl destroy PR 2>/dev/null
		timeout 120 xl create "$WORK/guests/PR.cfg" || return 1
	fi
	d=$(xl domid PR) || return 1
	echo "$d" >"$WORK/guests/PR.domid"
	echo 0 >"$WORK/guests/PR.seq"
	rm -f "$WORK/guests/PR.hung"
	# A loaded machine (another TCG run) boots a guest in over 2 min.
	if ! retry 300 xenstore-read "/local/domain/$d/data/pcibk-ready" >/dev/null 2>&1; then
		echo "guest PR: agent did not start"
		tail -n 30 "$PROBE_CONSOLE"
		return 1
	fi
}

# The client's output so far (the console from its start marker on).
probe_out() {
	tr -d '\r' <"$PROBE_CONSOLE" 2>/dev/null | sed -n '/^@@PROBE BEGIN/,$p'
}

# probe_wait ERE SECONDS: wait for a line of the client's output. Every
# 5 s: a TCG dom0 that is busy serving the client gets few cycles.
probe_wait() {
	local end=$((SECONDS + $2)) out
	while :; do
		out=$(probe_out)
		if grep -E "$1" <<<"$out" | tail -n 1 | grep .; then
			return 0
		fi
		if grep -q '^@@PROBE EXIT' <<<"$out"; then
			echo "the client exited before printing /$1/:"
			tail -n 15 <<<"$out"
			return 1
		fi
		if [ $SECONDS -ge $end ]; then
			echo "no /$1/ within $2 s; the client's last lines:"
			tail -n 15 <<<"$out"
			return 1
		fi
		sleep 5
	done
}

# What dom0 and Xen look like when a phase did not finish.
probe_diag() {
	local d t
	echo "== xl list"
	timeout 20 xl list
	d=$(cat "$WORK/guests/PR.domid" 2>/dev/null)
	echo "== backend and frontend state"
	xenstore-read "/local/domain/0/backend/pci/$d/0/state" \
		"/local/domain/$d/device/pci/0/state" 2>&1
	echo "== dom0 dmesg, last lines"
	dmesg | tail -n 20
	echo "== dom0 tasks in D state, with their kernel stacks"
	for t in /proc/[0-9]*; do
		grep -q '^State:.*D' "$t/status" 2>/dev/null || continue
		echo "-- ${t#/proc/} $(cat "$t/comm" 2>/dev/null)"
		cat "$t/stack" 2>/dev/null
	done
	echo "== xenwatch"
	for t in $(pgrep -x xenwatch); do cat "/proc/$t/stack"; done
	echo "== blocked tasks (sysrq w) go to the dom0 console"
	echo w >/proc/sysrq-trigger
	echo "== guest console, last lines"
	tr -d '\r' <"$PROBE_CONSOLE" | tail -n 20
}

probe_phase() {
	local name=$1 ere=$2 secs=$3
	if check "probe.$name" probe_wait "$ere" "$secs"; then
		return 0
	fi
	probe_diag 2>&1 | sed "s/^/[probe.diag] /"
	return 1
}

# No line matching ERE in the client's output.
probe_none() {
	! probe_out | grep -E "$1"
}

# probe_bounded PID SECONDS: wait for a background job, at most SECONDS.
probe_bounded() {
	local end=$((SECONDS + $2))
	while kill -0 "$1" 2>/dev/null; do
		[ $SECONDS -ge $end ] && return 1
		sleep 2
	done
	wait "$1"
	return 0
}

probe_main() {
	local attach t0 pid printk
	# The guest image is shared: another run may have rebuilt it without
	# this run's extra files.
	check probe.client-in-guest gx PR "test -x /extra/pcibk-probe" || return
	check probe.no-pcifront gx PR "ls /dev/xen; ! grep -q '^xen_pcifront ' /proc/modules"
	# Detached from the agent (which answers at once), output on the
	# console; one line, as the command travels through xenstore.
	check probe.launch gx PR "(echo @@PROBE BEGIN; $PROBE_CMD; echo @@PROBE EXIT \$?) </dev/null >/dev/hvc0 2>&1 &" || return
	(sleep 3; timeout 120 xl pci-attach PR "$NIC_BDF") >"$WORK/logs/probe-attach.txt" 2>&1 &
	attach=$!
	t0=$SECONDS
	# Both backends log refused requests (rate-limited) at a few lines a
	# second while fuzzed; on the serial console of a TCG machine that went
	# with dom0's console writers blocking and then the machine wedging.
	# They stay in dmesg (dom0.dmesg) but off the console meanwhile.
	printk=$(cut -f1 /proc/sys/kernel/printk)
	dmesg -n 1
	probe_phase connect 'pcibk-probe: connected' 200 &&
	probe_phase replay '^replay: .* sent' 120 &&
	check probe.replay-answered probe_none '^[0-9]+: .* TIMEOUT' &&
	probe_phase latency '^latency .*(absent|stalled)' 300 &&
	check probe.latency-answered probe_none '^latency .*stalled' &&
	probe_phase fuzz '^fuzz: [0-9]+ requests' $((PROBE_FUZZ + 240))
	probe_phase exit '^@@PROBE EXIT' 60
	dmesg -n "$printk"
	note "probe: client ran $((SECONDS - t0)) s"
	probe_out | grep -E '^(replay: |latency|fuzz: [0-9]+ req|fuzz: by|fuzz: stalled|anomalies|stalled|@@PROBE EXIT)' |
		while IFS= read -r l; do note "probe: $l"; done
	# The fuzz phase: every request answered, nothing the backend may
	# not write.
	check probe.fuzz-answered probe_none '^fuzz: (timeout|stalled)'
	check probe.no-anomalies probe_none '^ANOMALY|^anomalies: .*[1-9][0-9]* (changed|vector|outside|late|bad)'
	check probe.exit-0 probe_wait '^@@PROBE EXIT 0$' 1
	probe_out >"$WORK/logs/probe-$BACKEND.txt"
	probe_bounded "$attach" 60
	# Bounded: a wedged backend may keep xl destroy in the kernel for good,
	# and the log checks must still run.
	guest_destroy PR >"$WORK/logs/probe-destroy.txt" 2>&1 &
	pid=$!
	if ! probe_bounded "$pid" 180; then
		result FAIL probe.destroy "xl destroy PR still running after 180 s"
		probe_diag 2>&1 | sed "s/^/[probe.diag] /"
		return
	fi
	result PASS probe.destroy
	check probe.nic-back-on-pciback is_on_pciback "$NIC_BDF"
	check probe.nic-msi-off msi_off_in_dom0 "$NIC_BDF"
}

check probe.guest-start probe_guest_start && probe_main
