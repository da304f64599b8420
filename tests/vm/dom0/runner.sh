#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The dom0 side of the harness: start the Xen daemons, load the backend
# under test, then source every scenario file in order (scenarios/*.sh for
# vmtest, demo/*.sh for the demo).  Scenario files share one shell, so a
# guest started by one can be used by the next.

P=/opt/pcibk
# shellcheck disable=SC1091
. "$P/config"
# shellcheck source=tests/vm/dom0/lib.sh
. "$P/dom0/lib.sh"

step "dom0 up: kernel $(uname -r), backend under test: $BACKEND"

# dom0's health watch (dom0/health.sh) follows the kernel log for the whole
# run: a BUG, Oops, WARNING, lockup, stall or hung task fails the run at once.
echo start-up >"$WORK/scenario"
info "health watch: $(health_setup)"
"$P/dom0/health.sh" </dev/null >/dev/console 2>&1 &
HEALTH_PID=$!
# It must see what the kernel logs: a line of ours in the kernel log.
echo "pcibk-health-watch: ping" >/dev/kmsg
check setup.health-watch retry 20 sh -c "[ -f '$WORK/health-ping' ] && echo 'the health watch reads the kernel log'"
# VM_VARS=HEALTH_SELFTEST=1: a WARNING line in the kernel log, to see the
# watch report it and end the run (the run must then fail).
[ "${HEALTH_SELFTEST:-0}" = 1 ] && echo "<4>WARNING: pcibk health watch self-test (HEALTH_SELFTEST=1)" >/dev/kmsg

# Never both backends: with ours, the in-tree module must not be loadable.
# (vmbench: PCIBK_BENCH=1 keeps it; its scenario swaps the two itself.)
if [ "$BACKEND" = ours ] && [ -z "${PCIBK_BENCH:-}" ]; then
	find "/lib/modules/$(uname -r)" -name 'xen-pciback.ko*' -delete
	echo 'install xen-pciback /bin/false' >/etc/modprobe.d/pcibk-no-intree.conf
	depmod -a
fi

# BACKEND=dkms: "make dkms-install" ran in a layer over this root on the host
# (tests/vm/lib/dkms.sh); BACKEND=deb: "apt install" of the packages
# (tests/vm/lib/deb.sh). Its files go over the root now. The in-tree
# module stays installed: modprobe must prefer DKMS's by depmod's order.
if [ "$BACKEND" = dkms ] || [ "$BACKEND" = deb ]; then
	# shellcheck disable=SC1091
	. "$P/dkms.env"
	tar -xpf "$P/dkms-overlay.tar" -C / ||
		result FAIL setup.dkms-overlay "cannot unpack the DKMS install"
fi

# HVM scenarios: the device model and firmware (tests/vm/lib/hvm.sh) come
# on a disk of their own (serial number pcibk-hvm), a tar of their files.
# shellcheck disable=SC2034 # used by scenarios/80-hvm.sh
HVM_DM=0
for s in /sys/block/vd*/serial; do
	[ "$(cat "$s" 2>/dev/null)" = pcibk-hvm ] || continue
	s=${s%/serial}
	t0=$SECONDS
	if tar -xpf "/dev/${s##*/}" -C /; then
		# shellcheck disable=SC2034
		HVM_DM=1
		info "HVM: device model unpacked in $((SECONDS - t0)) s: $(/usr/libexec/xen-qemu-system-i386 --version 2>&1 | head -n 1)"
	else
		result FAIL setup.hvm-layer "cannot unpack the HVM layer from /dev/${s##*/}"
	fi
done

# Extra files for dom0 (VM_EXTRA on the host) are in $P/extra.
[ -x "$P/extra/dom0-init.sh" ] && "$P/extra/dom0-init.sh"

if ! /etc/init.d/xen start >"$WORK/xen-start.log" 2>&1 || ! retry 30 xl info >/dev/null 2>&1; then
	cat "$WORK/xen-start.log"
	result FAIL setup.xen-toolstack "xenstored/xenconsoled did not start"
	exit 0
fi

case $MODE in
demo) dir=$P/demo ;;
*) dir=$P/scenarios ;;
esac

for f in "$dir"/*.sh; do
	[ -f "$f" ] || continue
	base=${f##*/}
	base=${base%.sh}
	# VM_SCENARIOS: a regular expression selecting scenarios by file name;
	# set-up (00-*) and the log checks (99-*) always run.
	case $base in
	00-* | 99-*) ;;
	*) [ -n "$VM_SCENARIOS" ] && ! [[ $base =~ $VM_SCENARIOS ]] && continue ;;
	esac
	step "scenario $base"
	echo "$base" >"$WORK/scenario"
	# shellcheck disable=SC1090
	. "$f"
done
echo end >"$WORK/scenario"

# Whatever is still running: save its logs and remove it.
for g in $(xl list 2>/dev/null | awk 'NR > 2 { print $1 }'); do
	guest_destroy "$g" >/dev/null 2>&1
done
# The health watch has read what the kernel printed by now.
sleep 2
kill "$HEALTH_PID" 2>/dev/null
# Logs go to the host on the logs disk (serial number pcibk-logs).
logs_to_disk
exit 0
