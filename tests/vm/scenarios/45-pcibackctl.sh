# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# pcibackctl (tools/pcibackctl) against the real backend: list, show,
# diagnose, assign and release, with a guest owning the NIC.  The outputs
# are saved in the logs (pcibackctl-*.txt) and narrated.
# shellcheck shell=bash

PCTL=$P/tools/pcibackctl

# pctl NAME WANT_EXIT PATTERN... -- ARGS...: run pcibackctl ARGS, save its
# output (tagged NAME) in pcibackctl.txt, succeed when it exits WANT_EXIT and every
# extended regular expression PATTERN matches a line of its output.
pctl() {
	local name=$1 want=$2 pats=() st=0 out p
	shift 2
	while [ $# -gt 0 ] && [ "$1" != -- ]; do
		pats+=("$1")
		shift
	done
	shift
	out=$("$PCTL" "$@" 2>&1) || st=$?
	printf '[%s] $ pcibackctl %s\n%s\n(exit %s)\n' "$name" "$*" "$out" "$st" | tee -a "$WORK/logs/pcibackctl.txt"
	if [ "$st" != "$want" ]; then
		echo "exit $st, want $want"
		return 1
	fi
	for p in "${pats[@]}"; do
		if ! grep -qE -- "$p" <<<"$out"; then
			echo "missing /$p/"
			return 1
		fi
	done
}

if [ ! -x "$PCTL" ]; then
	result FAIL pcibackctl.present "no pcibackctl in the payload (make pcibackctl)"
else
	for g in A B C; do guest_alive "$g" && guest_destroy "$g"; done
	# 00-setup (or 40-reload) made the three devices assignable.
	check pcibackctl.list pctl list 0 '^DEVICE +ID +OWNER' \
		"^$NVME_BDF +$NVME_ID .*free" "^$NIC_BDF +$NIC_ID .*free" "^$AHCI_BDF +$AHCI_ID" -- list
	check pcibackctl.list-json pctl list-json 0 "\"bdf\":\"$NIC_BDF\"" -- --json list
	check pcibackctl.diagnose-free pctl diag-free 0 '^ok +exists' '^ok +driver +bound to pciback' \
		'^ok +iommu' 'can be assigned' -- diagnose "$NIC_BDF"
	# dom0's root disk (virtio, slot 4) is mounted: refused without --force.
	check pcibackctl.diagnose-in-use pctl diag-root 1 '^fail +in-use .*mounted on /' \
		'cannot be assigned' -- diagnose 0000:00:04.0
	check pcibackctl.assign-refused pctl assign-root 1 'refusing to assign 0000:00:04.0' \
		-- assign 0000:00:04.0
	check pcibackctl.root-untouched sh -c \
		"[ \"\$(basename \"\$(readlink /sys/bus/pci/devices/0000:00:04.0/driver)\")\" = virtio-pci ]"
	# release --rebind gives ahci back to dom0's ahci driver; assign takes it
	# again.  dom0 has no udev: load the driver, as it would be on a host.
	modprobe ahci
	check pcibackctl.release-rebind pctl release 0 'released and rebound' -- release "$AHCI_BDF" --rebind
	check pcibackctl.released-to-ahci retry 30 sh -c "readlink /sys/bus/pci/devices/$AHCI_BDF/driver | grep -q '/ahci\$'"
	check pcibackctl.assign pctl assign 0 'is assignable' -- assign "$AHCI_BDF"
	check pcibackctl.assigned-on-pciback is_on_pciback "$AHCI_BDF"
	if check pcibackctl.guest-start guest_start D "$NIC_BDF"; then
		d=$(guest_domid D)
		check pcibackctl.guest-driver gx D "wait_drv $NIC_ID e1000e 30"
		sleep 2
		check pcibackctl.list-owner pctl list-owned 0 "^$NIC_BDF .*dom$d" -- list
		# The in-tree driver has no pciback_stats: pcibackctl says so.
		if [ "$BACKEND" = intree ]; then
			ctr='^counters: not reported by this backend'
		else
			ctr='req_conf_read [1-9]'
		fi
		check pcibackctl.show pctl show 0 "^owner: +dom$d" '^interrupts: +msix' \
			"$ctr" -- show "$NIC_BDF"
		check pcibackctl.diagnose-assigned pctl diag-assigned 0 \
			"^info +assigned +assigned to domain $d" -- diagnose "$NIC_BDF"
		check pcibackctl.release-refused pctl release-owned 1 "assigned to domain $d; detach it first" \
			-- release "$NIC_BDF"
		check pcibackctl.guest-stop guest_stop D
	fi
	check pcibackctl.hide-syntax pctl hide 1 "error at character" -- hide-syntax "(0000:00:05.0)(zz)"

fi
