# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The frontend goes away and comes back, or says things out of order.
#  1. Guest RC (stock xen-pcifront, nvme and e1000e, drivers bound):
#     rmmod xen-pcifront, then modprobe xen-pcifront; the devices must come
#     back (lspci, nvme and e1000e drivers bind, a config read through the
#     backend, e1000e interrupts under traffic).
#  2. Frontend state sequences from pcibk-probe --manual (a fresh guest RS
#     for each, without xen-pcifront, the NIC hot-plugged; the request
#     files' directives: tools/pcibk-probe/pcibk-probe.1): 3->5->3,
#     3->5->6->1->3 (then ->4), 3->6->3, states out of order (4, 7 and 8 before
#     3), bad keys then good keys, and state changes while a request is in
#     flight. After each step marked "verdict" the client reads the
#     backend's state and sends a config read: the backend must be either
#     connected (4) and answering, or refused (5 or 6, and no successful
#     answer). Connected but silent, closed but answering, or stuck in
#     another state is a FAIL. Each result says which way it ended.
# Afterwards the devices are back on pciback with MSI/MSI-X off and no
# irq left, and dom0 is healthy.
# shellcheck shell=bash

RC_SEQ_TIMEOUT=4000	# ms: a config read's answer must come within this

# The frontend part of the story in dom0's xenstore: "backend B frontend F".
rc_states() {
	local d
	d=$(guest_domid "$1") || return 0
	echo "backend $(xenstore-read "/local/domain/0/backend/pci/$d/0/state" 2>/dev/null || echo -)" \
		"frontend $(xenstore-read "/local/domain/$d/device/pci/0/state" 2>/dev/null || echo -)"
}

rc_pcifront_reload() {
	local nic_irqs nvme_irqs cmd
	check reconnect.nvme-free release_dev "$NVME_BDF" || return
	check reconnect.nic-free release_dev "$NIC_BDF" || return
	check reconnect.guest-start guest_start RC "$NVME_BDF" "$NIC_BDF" || return
	check reconnect.connected retry 30 pcifront_connected RC 2
	check reconnect.nvme.driver gx RC "wait_drv $NVME_ID nvme 30"
	check reconnect.e1000e.driver gx RC "wait_drv $NIC_ID e1000e 30"
	# rmmod alone is refused while pcifront is bound to the xenbus device
	# (the xenbus core holds a module reference per bound device): the
	# device is unbound from pcifront first, which is what rmmod would do.
	# (gx commands travel through xenstore: one line, no tabs.)
	if gx RC "rmmod xen_pcifront" >"$WORK/rc-rmmod.out" 2>&1; then
		info "reconnect: rmmod xen-pcifront unloaded it at once"
	else
		note reconnect.rmmod-bound "rmmod xen-pcifront with the device bound: $(tail -n 1 "$WORK/rc-rmmod.out"); unbinding pci-0 from pcifront first"
		gx RC "echo pci-0 >/sys/bus/xen/drivers/pcifront/unbind; sleep 1; rmmod xen_pcifront"
	fi
	cmd="gone_id $NVME_ID 20 && gone_id $NIC_ID 20 && ! grep '^xen_pcifront ' /proc/modules &&"
	cmd+=" echo 'xen-pcifront unloaded, devices gone'"
	check reconnect.rmmod gx RC "$cmd"
	info "reconnect: after rmmod xen-pcifront: $(rc_states RC)"
	nic_irqs=$(dom0_msi_irqs "$NIC_BDF" | tr '\n' ' ')
	nvme_irqs=$(dom0_msi_irqs "$NVME_BDF" | tr '\n' ' ')
	info "reconnect: dom0 MSI irqs now: nvme [${nvme_irqs}] e1000e [${nic_irqs}]"
	# The guest image has no modules.dep: modprobe, else insmod of its path.
	cmd="modprobe xen-pcifront 2>/dev/null || insmod \$(grep /xen-pcifront.ko /modules.load);"
	cmd+=" grep '^xen_pcifront ' /proc/modules"
	check reconnect.modprobe gx RC "$cmd"
	cmd="wait_id $NVME_ID 30 && wait_id $NIC_ID 30; lspci;"
	cmd+=" [ -n \"\$(bdf_of $NVME_ID)\" ] && [ -n \"\$(bdf_of $NIC_ID)\" ]"
	if GX_TIMEOUT=100 check_known reconnect.devices-back "it stays Closed once its frontend closed: the new xen-pcifront gets no device" \
		gx RC "$cmd"; then
		check reconnect.backend-connected retry 30 pcifront_connected RC 2
		check reconnect.nvme.driver-again gx RC "wait_drv $NVME_ID nvme 30"
		check reconnect.e1000e.driver-again gx RC "wait_drv $NIC_ID e1000e 30"
		cmd="b=\$(bdf_of $NIC_ID); v=\$(od -An -tx4 -N4 /sys/bus/pci/devices/\$b/config);"
		cmd+=" echo \"\$b config dword 0: \$v\"; [ \$v = 10d38086 ]"
		check reconnect.config-read gx RC "$cmd"
		sleep 2
		check reconnect.e1000e.msix-again gx RC "mode_on $NIC_ID MSI-X"
		check reconnect.e1000e.irqs-grow gx RC "irqs_grow $NIC_ID"
	else
		info "reconnect: after modprobe xen-pcifront: $(rc_states RC)"
		gx RC "dmesg | grep -iE 'pcifront|pci' | tail -n 15 | sed 's/^/|/'" | sed 's/^|/[reconnect.guest] /'
	fi
	info "reconnect: pcifront reload ended: $(rc_states RC)"
	check reconnect.guest-destroy guest_destroy RC
	mv "$WORK/logs/guest-RC.dmesg" "$WORK/logs/guest-RC-reload.dmesg" 2>/dev/null
}

# rc_seq NAME DESCRIPTION LINE...: one sequence (request-file lines) in a
# fresh guest RS. Every "verdict" must be connected or refused.
rc_seq() {
	local name=$1 desc=$2 out=$WORK/logs/reconnect-$1.txt cmd l v bad='' last='' t0=$SECONDS
	shift 2
	step "reconnect: sequence $name: $desc"
	retry 30 is_on_pciback "$NIC_BDF" >/dev/null
	cmd="insmod /pcibk-tools/xen-evtchn.ko; insmod /pcibk-tools/xen-gntalloc.ko;"
	cmd+=" [ -x /pcibk-tools/pcibk-probe ] && ! grep -q '^xen_pcifront ' /proc/modules"
	if ! GUEST_EXTRA=pcibk.nofront guest_start RS >"$WORK/rc-start.out" 2>&1 ||
		! gx RS "$cmd" >>"$WORK/rc-start.out" 2>&1; then
		sed 's/^/[reconnect.start] /' "$WORK/rc-start.out" | tail -n 20
		result FAIL "reconnect.seq.$name" "$desc: the guest or the client did not start"
		guest_alive RS && guest_destroy RS >/dev/null 2>&1
		return
	fi
	cmd="printf '%s\\n'"
	for l in "$@"; do cmd+=" '$l'"; done
	gx RS "$cmd >/tmp/seq.txt"
	cmd="(/pcibk-tools/pcibk-probe --wait 120 --manual --timeout $RC_SEQ_TIMEOUT -v replay /tmp/seq.txt;"
	cmd+=" echo @@END \$?) </dev/null >/tmp/seq.out 2>&1 &"
	gx RS "$cmd"
	sleep 2
	if ! timeout 120 xl pci-attach RS "$NIC_BDF"; then
		result FAIL "reconnect.seq.$name" "$desc: xl pci-attach failed"
	elif ! retry 240 gx RS "grep -q '^@@END' /tmp/seq.out" >/dev/null; then
		result FAIL "reconnect.seq.$name" "$desc: the client did not finish in 240 s ($(rc_states RS))"
	fi
	GX_TIMEOUT=30 gx RS "cat /tmp/seq.out" >"$out" 2>&1
	grep -vE '^pcibk-probe: (frontend|.*/(pci-op-ref|event-channel|magic|state) =)' "$out" |
		sed "s/^/[reconnect.$name] /"
	while IFS= read -r v; do
		v=${v#*verdict: }
		last=$v
		case $v in
		connected\ * | refused\ *) ;;
		*) bad+="${bad:+; }$v" ;;
		esac
	done < <(grep -E '^[0-9]+: verdict: ' "$out")
	if [ -z "$last" ]; then
		result FAIL "reconnect.seq.$name" "$desc: no verdict from the client"
	elif [ -n "$bad" ] && [ "$BACKEND" = intree ] && ! grep -qv '^connected-but-silent ' <<<"${bad//; /$'\n'}"; then
		result XFAIL "reconnect.seq.$name" "in-tree xen-pciback: it switches to Connected when the frontend writes 4, with no ring: $desc: $bad"
	elif [ -n "$bad" ]; then
		result FAIL "reconnect.seq.$name" "$desc: $bad"
	else
		result PASS "reconnect.seq.$name" "$desc: ended $last"
	fi
	timeout 180 xl destroy RS >/dev/null 2>&1 || echo "xl destroy RS failed"
	guest_save_logs RS 2>/dev/null
	info "reconnect: sequence $name took $((SECONDS - t0)) s"
}

rc_sequences() {
	check reconnect.seq.nic-free release_dev "$NIC_BDF" || return
	rc_seq 3-5-3 "3->5->3" \
		connect 'read @0 0 4' 'state 5' 'wait-backend 5,6 5000' 'state 3' 'sleep 3000' verdict
	rc_seq 3-5-6-1-3-4 "3->5->6->1->3, then 4" \
		connect 'read @0 0 4' 'state 5' 'wait-backend 5,6 5000' 'state 6' 'wait-backend 6 5000' \
		'state 1' 'sleep 1000' publish 'state 3' 'sleep 3000' verdict 'state 4' 'sleep 3000' verdict
	rc_seq 3-6-3 "3->6->3" \
		connect 'read @0 0 4' 'state 6' 'wait-backend 6 5000' 'state 3' 'sleep 3000' verdict
	rc_seq out-of-order "4, 7 and 8 before 3, then the handshake" \
		'state 4' 'sleep 2000' backend 'state 7' 'sleep 1000' 'state 8' 'sleep 1000' backend \
		'connect 5000' verdict
	rc_seq bad-keys "bad keys (ungranted ref, unbound port, magic 6) and 3, then good keys" \
		'key pci-op-ref 99999' 'key event-channel 9999' 'key magic 6' 'state 3' \
		'wait-backend 4,5,6 5000' 'connect 5000' verdict
	rc_seq in-flight "3, then 5, while an enable_msix is in flight" \
		connect 'write @0 4 2 0x0006' 'post msix-enable @0 3' 'state 3' reply verdict \
		'msix-disable @0' 'post msix-enable @0 3' 'state 5' reply 'wait-backend 5,6 5000' verdict
	check reconnect.nic-on-pciback retry 10 is_on_pciback "$NIC_BDF"
	check reconnect.nic-msi-off msi_off_in_dom0 "$NIC_BDF"
	check reconnect.nic-no-dom0-irqs no_irqs_left "$NIC_BDF" ""
}

rc_pcifront_reload
rc_sequences
check reconnect.dom0-healthy dom0_healthy
