# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# pcibk-probe against the backend under test. Guest PR starts without PCI
# devices and without xen-pcifront (guest-init.sh); the NIC is hot-plugged
# while pcibk-probe waits in the guest to take the frontend role, then it
# replays a session, measures latency and fuzzes. Its output is kept in
# the log directory as probe-<backend>.txt.
# shellcheck shell=bash

# guest_start, but with no device and passthrough enabled, so that a PV
# guest created without PCI devices can get one hot-plugged.
probe_guest_start() {
	local d
	cat >"$WORK/guests/PR.cfg" <<-EOF
		name = "PR"
		type = "pv"
		kernel = "$P/guest/vmlinuz"
		ramdisk = "$P/guest/initrd.cpio.gz"
		extra = "console=hvc0"
		memory = $GUEST_MEM
		vcpus = 1
		passthrough = "enabled"
		on_crash = "preserve"
	EOF
	timeout 120 xl create "$WORK/guests/PR.cfg" || return 1
	d=$(xl domid PR) || return 1
	echo "$d" >"$WORK/guests/PR.domid"
	echo 0 >"$WORK/guests/PR.seq"
	rm -f "$WORK/guests/PR.hung"
	retry 120 xenstore-read "/local/domain/$d/data/pcibk-ready"
}

PROBE_CMD="/extra/pcibk-probe --wait 90 -v replay /extra/probe-session.txt"
PROBE_CMD+=" latency --count 2000 fuzz --seconds ${PROBE_FUZZ_SECONDS:-120} --seed 1"

if check probe.guest-start probe_guest_start; then
	# The guest image is shared: another run may have rebuilt it without
	# this run's extra files.
	check probe.client-in-guest gx PR "test -x /extra/pcibk-probe"
	check probe.no-pcifront gx PR "ls /dev/xen; ! grep -q '^xen_pcifront ' /proc/modules"
	(sleep 3; timeout 120 xl pci-attach PR "$NIC_BDF") >"$WORK/logs/probe-attach.txt" 2>&1 &
	out=$WORK/logs/probe-$BACKEND.txt
	# One line: the command travels through xenstore.
	GX_TIMEOUT=600 gx PR "$PROBE_CMD" >"$out" 2>&1
	rc=$?
	wait
	grep -E '^(latency|fuzz|anomalies)' "$out" | while IFS= read -r l; do
		note "probe: $l"
	done
	case $rc in
	0) result PASS probe.run ;;
	1) result FAIL probe.run "anomalies or timeouts, see probe-$BACKEND.txt" ;;
	*) result FAIL probe.run "exit $rc: $(tail -n 1 "$out" | cut -c1-160)" ;;
	esac
	guest_destroy PR
	check probe.nic-back-on-pciback is_on_pciback "$NIC_BDF"
	check probe.nic-msi-off msi_off_in_dom0 "$NIC_BDF"
fi
