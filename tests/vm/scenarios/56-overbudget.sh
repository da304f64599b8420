# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Interrupt requests beyond the guest's PIRQ budget (issue #15). Xen runs
# with its default budget (no extra_guest_irqs: 32 MSI/MSI-X pirqs for a
# guest), and a guest with the nvme (65+ MSI-X entries) asks for 64 and 128
# vectors again and again, each time followed by a request that fits:
#   - from a stock frontend: the guest test module pcibk_irqtest.ko
#     (tests/vm/kmod) calls pci_alloc_irq_vectors() and
#     pci_free_irq_vectors() on the nvme after its driver is unbound, in
#     guest OB; then OB is destroyed and created again (a reboot) and
#     does it once more;
#   - from pcibk-probe (guest OP, no xen-pcifront, nvme hot-plugged): raw
#     enable_msix / disable_msix of 64 and 128 vectors, each followed by
#     an enable of 8 vectors and its disable.
# MSI with 32 vectors needs a device that offers multi-message MSI: dom0's
# lspci says whether one is here (none of the harness's devices does).
# Afterwards: dom0 healthy (dom0/health.sh would have ended the run), no
# MSI irq left in dom0's /proc/interrupts, no MSI pirq of the nvme in
# Xen's dumps (debug keys Q and i), and a new guest gets MSI-X on the nvme.
# Figures: requests sent, their errno, successful enables, irq counts.
# Knobs (VM_VARS): OB_ROUNDS (module rounds per boot, 8), OB_PROBE_ROUNDS
# (15), OB_OK (vectors of the module's fitting requests, 4).
# shellcheck shell=bash

OB_ROUNDS=${OB_ROUNDS:-8}
OB_PROBE_ROUNDS=${OB_PROBE_ROUNDS:-15}
OB_OK=${OB_OK:-4}
OB_PROBE_OK=8

# Tallies over the whole scenario. ERRS: "errno count" words.
OB_BIG_SENT=0
OB_BIG_GRANTED=0
OB_BIG_TIMEOUT=0
OB_OK_SENT=0
OB_OK_GRANTED=0
declare -A OB_BIG_ERR=() OB_OK_ERR=()

ob_errs() {
	local -n e=$1
	local k out=''
	for k in "${!e[@]}"; do out+="${out:+ }$k x${e[$k]}"; done
	echo "${out:-none}"
}

# ob_tally KIND RC: one request's result (KIND big or ok; RC as the guest
# saw it: a vector count, a negative errno, or TIMEOUT).
ob_tally() {
	if [ "$1" = big ]; then
		OB_BIG_SENT=$((OB_BIG_SENT + 1))
		case $2 in
		TIMEOUT) OB_BIG_TIMEOUT=$((OB_BIG_TIMEOUT + 1)) ;;
		-*) OB_BIG_ERR[$2]=$((${OB_BIG_ERR[$2]:-0} + 1)) ;;
		*) OB_BIG_GRANTED=$((OB_BIG_GRANTED + 1)) ;;
		esac
	else
		OB_OK_SENT=$((OB_OK_SENT + 1))
		case $2 in
		-* | TIMEOUT) OB_OK_ERR[$2]=$((${OB_OK_ERR[$2]:-0} + 1)) ;;
		*) OB_OK_GRANTED=$((OB_OK_GRANTED + 1)) ;;
		esac
	fi
}

# Devices that offer multi-message MSI (lspci in dom0: "Count=1/N", N > 1).
ob_multi_msi() {
	local d out
	for d in /sys/bus/pci/devices/*; do
		out=$(lspci -vv -s "${d##*/}" 2>/dev/null | grep -E 'MSI: Enable[+-] Count=[0-9]+/([2-9]|[1-9][0-9]+) ')
		[ -n "$out" ] && echo "${d##*/}: $(lspci -s "${d##*/}" | cut -d' ' -f2-) -$out"
	done
}

# The nvme's pirqs and irqs as dom0 and Xen see them, one line each.
ob_irq_state() {
	local q
	q=$(xen_pci_line "$NVME_BDF")
	echo "dom0 xen-pirq MSI/MSI-X irqs: $(dom0_pirq_msi_lines | wc -l)"
	echo "dom0 msi_irqs of the nvme: $(dom0_msi_irqs "$NVME_BDF" | wc -l)"
	echo "Xen MSI/MSI-X irqs (key i): $(xen_msi_irq_lines | wc -l)"
	echo "Xen PCI dump (key Q) of the nvme: ${q:-no line}"
}

# The nvme holds no MSI/MSI-X irq or pirq in dom0 or Xen, and dom0 has as
# many xen-pirq MSI irqs as before (D0_BEFORE) and Xen as many MSI irqs
# (XEN_BEFORE).
ob_nothing_left() {
	local d0 xen q n
	d0=$(dom0_pirq_msi_lines | wc -l)
	xen=$(xen_msi_irq_lines | wc -l)
	q=$(xen_pci_line "$NVME_BDF")
	n=$(dom0_msi_irqs "$NVME_BDF" | wc -l)
	echo "dom0 xen-pirq MSI irqs: $OB_D0_BEFORE before, $d0 now; nvme msi_irqs in dom0: $n"
	echo "Xen MSI irqs: $OB_XEN_BEFORE before, $xen now; Xen's nvme line: ${q:-none}"
	dom0_pirq_msi_lines
	[ "$d0" -le "$OB_D0_BEFORE" ] && [ "$n" = 0 ] && [ "$xen" -le "$OB_XEN_BEFORE" ] &&
		! grep -qE 'MSIs < *[0-9]' <<<"$q"
}

# The guest OB (stock xen-pcifront, nvme): the nvme driver binds with
# MSI-X, is unbound, and the module asks for 64 and 128 vectors
# OB_ROUNDS times, each followed by OB_OK vectors. Then the nvme driver
# binds again and must get MSI-X.
ob_module_boot() {
	local n=$1 out=$WORK/logs/overbudget-boot$1.txt rc l big ok
	check "overbudget.boot$n.guest-start" guest_start OB "$NVME_BDF" || return 1
	check "overbudget.boot$n.nvme-driver" gx OB "wait_drv $NVME_ID nvme 30"
	sleep 2
	check_known "overbudget.boot$n.nvme-msix" "no MSI-X for nvme in a $KLINE guest (enable msix -EALREADY)" \
		gx OB "mode_on $NVME_ID MSI-X"
	check "overbudget.boot$n.test-module" gx OB "ls -l /pcibk-tools/pcibk_irqtest.ko" || return 1
	check "overbudget.boot$n.nvme-unbound" gx OB "unbind_id $NVME_ID; b=\$(bdf_of $NVME_ID); [ -z \"\$(drv_of \$b)\" ]" ||
		return 1
	rc=0
	GX_TIMEOUT=900 gx OB "insmod /pcibk-tools/pcibk_irqtest.ko type=msix count=64,128 ok=$OB_OK rounds=$OB_ROUNDS tag=boot$n; r=\$?; rmmod pcibk_irqtest; dmesg | grep 'pcibk_irqtest: boot$n ' | sed 's/^/|/'; exit \$r" \
		>"$out" 2>&1 || rc=$?
	big=0
	ok=0
	while IFS= read -r l; do
		[[ $l =~ round\ [0-9]+:\ (big|ok)\ msix\ [0-9]+\ vectors:\ (-?[0-9]+) ]] || continue
		ob_tally "${BASH_REMATCH[1]}" "${BASH_REMATCH[2]}"
		if [ "${BASH_REMATCH[1]}" = big ]; then big=$((big + 1)); else ok=$((ok + 1)); fi
	done <"$out"
	grep 'summary:' "$out" | sed 's/^|\[ *[0-9.]*\] //' | while IFS= read -r l; do info "overbudget: $l"; done
	if [ "$rc" = 0 ] && [ "$big" = $((2 * OB_ROUNDS)) ] && [ "$ok" = $((2 * OB_ROUNDS)) ]; then
		result PASS "overbudget.boot$n.module-ran" "$big large and $ok fitting requests logged"
	else
		tail -n 20 "$out" | sed "s/^/[overbudget.boot$n] /"
		result FAIL "overbudget.boot$n.module-ran" "rc $rc, $big of $((2 * OB_ROUNDS)) large and $ok fitting requests logged"
	fi
	check_known "overbudget.boot$n.nothing-left" "a $KLINE guest's MSI-X teardown is a 'disable MSI' request, which it ignores: MSI-X stays on in dom0" \
		ob_nothing_left
	# With the in-tree driver MSI-X is still on in dom0 (the ignored
	# "disable MSI"): a rebound nvme falls back to INTx and spends minutes
	# in admin-command timeouts (as in 20-hotplug): not run.
	if [ "$BACKEND" = intree ]; then
		result XFAIL "overbudget.boot$n.nvme-rebind" "in-tree xen-pciback: MSI-X still on in dom0, the rebound nvme times out (not run)"
		return 0
	fi
	check "overbudget.boot$n.nvme-rebind" gx OB "rebind_id $NVME_ID nvme; wait_drv $NVME_ID nvme 30"
	sleep 2
	check "overbudget.boot$n.nvme-msix-after" gx OB "mode_on $NVME_ID MSI-X"
	check "overbudget.boot$n.nvme-irqs-grow" gx OB "irqs_grow $NVME_ID"
}

# Guest OP, no xen-pcifront: pcibk-probe takes the frontend role of the
# hot-plugged nvme and sends the raw requests.
ob_probe() {
	local out=$WORK/logs/overbudget-probe.txt l t0 cmd
	GUEST_EXTRA=pcibk.nofront check overbudget.probe.guest-start guest_start OP || return 1
	# (gx commands travel through xenstore: one line, no tabs.)
	cmd="insmod /pcibk-tools/xen-evtchn.ko; insmod /pcibk-tools/xen-gntalloc.ko;"
	cmd+=" ls -l /pcibk-tools/pcibk-probe /dev/xen/gntalloc /dev/xen/evtchn && ! grep -q '^xen_pcifront ' /proc/modules"
	check overbudget.probe.tools gx OP "$cmd" || return 1
	# The session: memory decoding on (as a driver does), then the rounds.
	cmd="{ echo 'write @0 4 2 0x0006'; i=0; while [ \$i -lt $OB_PROBE_ROUNDS ]; do for n in 64 128; do"
	cmd+=" echo \"msix-enable @0 \$n\"; echo 'msix-disable @0'; echo 'msix-enable @0 $OB_PROBE_OK'; echo 'msix-disable @0';"
	cmd+=" done; i=\$((i + 1)); done; } >/tmp/ob.txt; wc -l /tmp/ob.txt"
	check overbudget.probe.session gx OP "$cmd" || return 1
	check overbudget.probe.launch gx OP "(/pcibk-tools/pcibk-probe --wait 120 --timeout 10000 -v replay /tmp/ob.txt; echo @@END \$?) </dev/null >/tmp/ob.out 2>&1 &" ||
		return 1
	sleep 3
	check overbudget.probe.attach timeout 120 xl pci-attach OP "$NVME_BDF" || return 1
	t0=$SECONDS
	if ! check overbudget.probe.finished retry 900 gx OP "grep -q '^@@END' /tmp/ob.out"; then
		gx OP "tail -n 20 /tmp/ob.out" | sed 's/^/[overbudget.probe] /'
		return 1
	fi
	GX_TIMEOUT=60 gx OP "cat /tmp/ob.out" >"$out" 2>&1
	info "overbudget: pcibk-probe ran $((SECONDS - t0)) s; $(grep -E '^replay:' "$out")"
	while IFS= read -r l; do
		[[ $l =~ enable_msix\ @0\ nr\ ([0-9]+)\ -\>\ (err\ (-?[0-9]+)|TIMEOUT) ]] || continue
		local kind=ok rc
		case ${BASH_REMATCH[1]} in 64 | 128) kind=big ;; esac
		if [ "${BASH_REMATCH[2]}" = TIMEOUT ]; then
			rc=TIMEOUT
		elif [ "${BASH_REMATCH[3]}" = 0 ]; then
			rc=${BASH_REMATCH[1]}
		else
			rc=${BASH_REMATCH[3]}
		fi
		ob_tally "$kind" "$rc"
	done <"$out"
	check overbudget.probe.no-anomalies sh -c "grep -E '^anomalies' '$out'; ! grep -q '^ANOMALY' '$out'"
	# OP still has the nvme; the client disabled MSI-X and disconnected.
	check overbudget.probe.nothing-left ob_nothing_left
}

ob_main() {
	local multi
	check overbudget.nvme-free release_dev "$NVME_BDF" || return
	multi=$(ob_multi_msi)
	if [ -n "$multi" ]; then
		info "overbudget: multi-message MSI offered by: $multi"
	fi
	note overbudget.msi32 "MSI with 32 vectors not driven: $(if [ -n "$multi" ]; then
		echo "the devices that offer multi-message MSI are not assignable here ($multi)"
	else
		echo "no device here offers multi-message MSI (lspci -vv in dom0: every MSI capability has Count=1/1; the nvme has MSI-X only)"
	fi)"
	OB_D0_BEFORE=$(dom0_pirq_msi_lines | wc -l)
	OB_XEN_BEFORE=$(xen_msi_irq_lines | wc -l)
	xen_keys i 'IRQ information:' >"$WORK/logs/overbudget-xen-i-before.txt" 2>&1
	xen_keys Q '==== PCI devices ====' >"$WORK/logs/overbudget-xen-Q-before.txt" 2>&1
	info "overbudget: before: $(ob_irq_state | tr '\n' ';')"

	# Boot 1, a reboot (xl destroy, xl create), boot 2.
	ob_module_boot 1
	check overbudget.reboot.destroy guest_destroy OB
	mv "$WORK/logs/guest-OB.dmesg" "$WORK/logs/guest-OB-boot1.dmesg" 2>/dev/null
	check overbudget.reboot.nvme-on-pciback retry 10 is_on_pciback "$NVME_BDF"
	check overbudget.reboot.nvme-msi-off msi_off_in_dom0 "$NVME_BDF"
	ob_module_boot 2
	check overbudget.module.guest-stop guest_stop OB

	ob_probe
	guest_alive OP && check overbudget.probe.guest-destroy guest_destroy OP

	# Afterwards.
	check overbudget.nvme-on-pciback retry 10 is_on_pciback "$NVME_BDF"
	check overbudget.nvme-msi-off msi_off_in_dom0 "$NVME_BDF"
	check overbudget.nothing-left ob_nothing_left
	xen_keys i 'IRQ information:' >"$WORK/logs/overbudget-xen-i-after.txt" 2>&1
	xen_keys Q '==== PCI devices ====' >"$WORK/logs/overbudget-xen-Q-after.txt" 2>&1
	info "overbudget: after: $(ob_irq_state | tr '\n' ';')"
	check overbudget.dom0-healthy dom0_healthy

	# The figures, then what they must be: at least 50 requests beyond the
	# budget, every one refused with an error (none granted, none left
	# unanswered), and every request that fits granted.
	info "overbudget: requests beyond the budget (64 and 128 MSI-X vectors): $OB_BIG_SENT sent, $OB_BIG_GRANTED granted, $OB_BIG_TIMEOUT unanswered, errors: $(ob_errs OB_BIG_ERR)"
	info "overbudget: requests that fit ($OB_OK and $OB_PROBE_OK vectors): $OB_OK_SENT sent, $OB_OK_GRANTED granted, errors: $(ob_errs OB_OK_ERR)"
	if [ "$OB_BIG_SENT" -ge 50 ]; then
		result PASS overbudget.requests "$OB_BIG_SENT requests beyond the budget"
	else
		result FAIL overbudget.requests "only $OB_BIG_SENT requests beyond the budget were sent (at least 50)"
	fi
	if [ "$OB_BIG_SENT" -gt 0 ] && [ "$OB_BIG_GRANTED" = 0 ] && [ "$OB_BIG_TIMEOUT" = 0 ]; then
		result PASS overbudget.refused "all $OB_BIG_SENT refused: $(ob_errs OB_BIG_ERR)"
	else
		result FAIL overbudget.refused "$OB_BIG_SENT sent, $OB_BIG_GRANTED granted, $OB_BIG_TIMEOUT unanswered, errors: $(ob_errs OB_BIG_ERR)"
	fi
	check_known overbudget.fitting-granted "a $KLINE guest's MSI-X teardown is a 'disable MSI' request, which it ignores: the next enable gets -EALREADY" \
		sh -c "echo '$OB_OK_SENT sent, $OB_OK_GRANTED granted, errors: $(ob_errs OB_OK_ERR)'; [ $OB_OK_SENT -gt 0 ] && [ $OB_OK_GRANTED = $OB_OK_SENT ]"

	# A new guest gets MSI-X on the nvme.
	if check overbudget.new-guest-start guest_start OC "$NVME_BDF"; then
		check overbudget.new-guest.nvme-driver gx OC "wait_drv $NVME_ID nvme 30"
		sleep 2
		check_known overbudget.new-guest.nvme-msix "no MSI-X for nvme in a $KLINE guest (enable msix -EALREADY)" \
			gx OC "mode_on $NVME_ID MSI-X"
		check overbudget.new-guest.nvme-irqs-grow gx OC "irqs_grow $NVME_ID"
		check overbudget.new-guest.stop guest_stop OC
	fi
}

ob_main
