# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# AER forwarding (PROTOCOL.md §12.2).  The second e1000e ($AERNIC_BDF, QEMU
# id $AERNIC_QID) sits behind an emulated PCIe root port whose AER service
# dom0's kernel runs.  Guest E gets it at boot; the host injects errors
# through QEMU's monitor ("@@PCIBK: HMP ..." lines, a fixed set only):
#   1. a correctable error: dom0 logs it, no driver callback, the guest is
#      not involved and keeps the device (QEMU 7.2 does not send such
#      messages up the hierarchy: a NOTE when dom0 sees nothing);
#   2. an uncorrectable non-fatal error (poisoned TLP): dom0's AER driver
#      runs recovery, the backend forwards error_detected / slot_reset /
#      resume to the guest's pcifront, whose e1000e answers; recovery
#      succeeds, aerState is not written, the guest still uses the NIC;
#   3. the same error while guest E is paused: the backend waits for an
#      answer that cannot come; xl destroy must still finish quickly, and
#      the device must come back to pciback.
# What dom0 and the guest logged is printed (INFO) and kept in the logs.
# shellcheck shell=bash
#
# The errors are injected at the root port (see below); dom0's recovery
# forwards them for the NIC. VM_VARS=AER_INJECT=0 skips the scenario.
# (Earlier, with -cpu max, an injection was followed by user-space crashes
# in dom0 or a wedged machine; with qemu64 it runs in about 2.5 min.)

if [ "${AER_INJECT:-1}" != 1 ]; then
	note aer "not run (AER_INJECT=${AER_INJECT})"
	return 0
fi

AER_RP=0000:00:10.0
AER_TARGET=${AER_TARGET:-$AERPORT_QID}
AER_UNCOR=0x1000	# Poisoned TLP: non-fatal by default severity
AER_COR=0x40		# Bad TLP
# dom0's AER driver's line for each severity: Linux 6.1 says "Corrected
# error received" / "Uncorrected (Non-Fatal) error received", 6.12
# "Correctable error message received" / "Uncorrectable (Non-Fatal)
# error message received".
AER_COR_RE='Corrected error received|Correctable error message received|severity=Corrected'
AER_UNCOR_RE='Uncorrected \(Non-Fatal\) error received|Uncorrectable \(Non-Fatal\) error message received|severity=Uncorrected'

# aer_mark: remember how long dom0's kernel log is now.
aer_mark() { AER_MARK=$(dmesg | wc -l); }
# aer_since: dom0's kernel log lines since the mark.
aer_since() { dmesg | tail -n +$((AER_MARK + 1)); }
# aer_wait SECONDS ERE: wait for a dom0 kernel line since the mark.
aer_wait() {
	local end=$((SECONDS + $1))
	until aer_since | grep -qE "$2"; do
		[ $SECONDS -ge "$end" ] && {
			echo "no '$2' in dom0's log after $1 s; since the mark:"
			aer_since | tail -n 20
			return 1
		}
		sleep 1
	done
	aer_since | grep -E "$2" | tail -n 3
}
# aer_inject ARGS...: ask the host for one injection; once more if dom0
# saw nothing within 30 s (a console line can get mangled on its way).
aer_inject() {
	local re=$1
	shift
	aer_mark
	msg "HMP pcie_aer_inject_error $*"
	aer_wait 30 "$re" >/dev/null && return 0
	note "aer: no reaction to 'pcie_aer_inject_error $*' after 30 s, sent once more"
	aer_diag
	msg "HMP pcie_aer_inject_error $*"
	aer_wait 60 "$re" >/dev/null && return 0
	aer_diag
	return 1
}
# aer_diag: where an injected error stopped, when dom0 logged nothing: the
# error status in the NIC's and the root port's AER capability (set by
# QEMU), the port's interrupt mode, and whether its irq ever fired.
aer_diag() {
	local l
	{
		lspci -vvv -s "${AERNIC_BDF#0000:}" | grep -E 'DevCtl:|CESta|UESta'
		lspci -vvv -s "${AER_RP#0000:}" | grep -E 'DevCtl:|BridgeCtl:|MSI|RootCmd|RootSta|ErrorSrc|CESta|UESta|RootCtl'
		grep -E 'pcie|aer|PCIe' /proc/interrupts
		# Xen's view: 'M' dumps the MSI(-X) state of every irq.
		xl debug-keys M >/dev/null 2>&1 && xl dmesg | grep -E 'MSI' | tail -n 12
	} 2>&1 | while IFS= read -r l; do info "aer-diag: $l"; done
}
# aer_ctl TAG: the switches an error message needs on its way (QEMU checks
# them as a real fabric does): error reporting in the NIC's and the port's
# Device Control, SERR# forwarding in the port's Bridge Control.
aer_ctl() {
	info "$1: NIC $(lspci -vvv -s "${AERNIC_BDF#0000:}" 2>&1 | grep -oE 'DevCtl:.*' | head -n 1 | tr -s '\t ' ' ')"
	info "$1: port $(lspci -vvv -s "${AER_RP#0000:}" 2>&1 | grep -oE 'DevCtl:.*' | head -n 1 | tr -s '\t ' ' ')"
	info "$1: port $(lspci -vvv -s "${AER_RP#0000:}" 2>&1 | grep -oE 'BridgeCtl:.*' | head -n 1 | tr -s '\t ' ' ')"
	info "$1: port $(lspci -vvv -s "${AER_RP#0000:}" 2>&1 | grep -m1 -E '^[[:space:]]*Control:' | sed 's/^[[:space:]]*//' | tr -s '\t ' ' ')"
}
# aer_show TAG: what dom0 logged about AER since the mark, as INFO lines.
aer_show() {
	aer_since | grep -aE 'AER|pciback|xen-pciback|aer|PCIe Bus Error|recovery' |
		tail -n 25 | sed "s/^/$1: /" | while IFS= read -r l; do info "$l"; done
}
# aer_guest_show TAG: the guest's pcifront / e1000e / AER lines, as INFO.
aer_guest_show() {
	GX_TIMEOUT=30 gx E "dmesg | grep -iE 'aer|pcifront|e1000e|error' | tail -n 15 | sed 's/^/|/'" 2>&1 |
		sed -n 's/^|//p' | sed "s/^/$1: /" | while IFS= read -r l; do info "$l"; done
}
aer_state() {
	local d
	d=$(guest_domid E) || return 1
	xenstore-read "/local/domain/0/backend/pci/$d/0/aerState" 2>/dev/null
}
aer_no_state() {
	local s
	s=$(aer_state) && {
		echo "aerState = $s"
		return 1
	}
	echo "no aerState"
}
aer_rp_enabled() {
	dmesg | grep -E "$AER_RP: AER: enabled" || {
		echo "dom0 does not run the AER service on $AER_RP:"
		dmesg | grep -E "$AER_RP|_OSC" | tail -n 10
		return 1
	}
}
# aer_destroy_paused: xl destroy of the paused guest finishes in time.
aer_destroy_paused() {
	local t0=$SECONDS rc=0
	guest_save_logs E >/dev/null 2>&1
	timeout 120 xl destroy E || rc=$?
	echo "xl destroy: exit $rc after $((SECONDS - t0)) s"
	[ $rc = 0 ] && [ $((SECONDS - t0)) -lt 100 ]
}

info "aer: $(lspci -s "${AERNIC_BDF#0000:}" 2>&1); root port $(lspci -s "${AER_RP#0000:}" 2>&1)"
if check aer.rootport.aer-enabled aer_rp_enabled &&
	aer_ctl boot
	check aer.nic.assignable assignable_add "$AERNIC_BDF" &&
	check aer.nic.on-pciback is_on_pciback "$AERNIC_BDF" &&
	check aer.guest-start guest_start E "$AERNIC_BDF"; then
	check aer.nic.driver gx E "wait_drv $NIC_ID e1000e 30"
	check aer.nic.traffic-before gx E "traffic $NIC_ID"
	aer_ctl assigned
	# QEMU 7.2 sends an error message up only from a function whose
	# Command register has SERR# on (uncorrectable) and whose Device
	# Control enables that severity; QEMU's e1000e has no writable error
	# enables in Device Control, so an error injected into the NIC stays
	# in the NIC. The root port has them (Linux's AER service turns them
	# on), so the errors are injected there (AER_TARGET, default the port):
	# dom0's AER recovery then walks the port's secondary bus, and the
	# NIC's driver, pciback, gets the callbacks it forwards. SERR# in the
	# port's Command register is off after boot: set it for the test.
	if [ "$AER_TARGET" = "$AERPORT_QID" ] && ! lspci -vvv -s "${AER_RP#0000:}" | grep -m1 -E '^[[:space:]]*Control:' | grep -q ' SERR+'; then
		note "aer: SERR# is off in the root port's Command register; dom0 sets it for the test"
		setpci -s "${AER_RP#0000:}" COMMAND=0x0100:0x0100
	fi
	aer_ctl injecting

	# 1. Correctable: logged by dom0, nothing forwarded. QEMU 7.2 passes
	# only uncorrectable messages up the hierarchy (its
	# pcie_aer_msg_alldev() wants SERR# and an uncorrectable severity), so
	# dom0 may never see this one: a NOTE then, not a backend failure.
	aer_mark
	msg "HMP pcie_aer_inject_error -c $AER_TARGET $AER_COR"
	if ! aer_wait 30 "$AER_COR_RE" >/dev/null; then
		note "aer: dom0 saw no correctable error within 30 s (QEMU 7.2 does not send correctable error messages up)"
	else
		result PASS aer.cor.dom0-sees-it
		sleep 3
		aer_show cor
		check aer.cor.not-forwarded sh -c "! dmesg | tail -n +$((AER_MARK + 1)) | grep -E 'AER: (error_detected|resume)'"
		check aer.cor.no-aerstate aer_no_state
		check aer.cor.guest-answers gx E true
	fi

	# 2. Uncorrectable non-fatal: forwarded to the guest, which recovers.
	if check aer.uncor.dom0-sees-it aer_inject "$AER_UNCOR_RE" "$AER_TARGET" "$AER_UNCOR"; then
		check aer.uncor.recovery-done aer_wait 180 'AER: device recovery (successful|failed)'
		aer_show uncor
		aer_guest_show guest
		check_known aer.uncor.recovered "see the dom0 lines above" \
			aer_wait 1 'AER: device recovery successful'
		check_known aer.uncor.forwarded-logged "logs the forwarded stages at debug level only" \
			aer_wait 1 "$AERNIC_BDF: AER: error_detected \\(state 1\\) for dom[0-9]+"
		check aer.uncor.no-aerstate aer_no_state
		check aer.uncor.guest-answers gx E true
		check aer.uncor.nic.traffic-after gx E "traffic $NIC_ID"
	fi
	check aer.dom0-answers sh -c "xl list >/dev/null && xenstore-ls /local/domain/0 >/dev/null && echo dom0 answers"

	# 3. Nobody answers: the guest is paused while recovery waits for it.
	# The in-tree driver's wait holds xl destroy (libxl's reset through
	# sysfs waits for the device lock) for 300 s per recovery stage, which
	# would only stretch its run by 10-15 minutes: recorded, not run.
	if [ "$BACKEND" = intree ]; then
		result XFAIL aer.paused.destroy-completes "in-tree xen-pciback: xl destroy of a paused guest waits for its AER answer, 300 s per stage (not run)"
	elif check aer.pause xl pause E; then
		aer_mark
		msg "HMP pcie_aer_inject_error $AER_TARGET $AER_UNCOR"
		if check aer.paused.dom0-sees-it aer_wait 60 "$AER_UNCOR_RE"; then
			sleep 5
			check_known aer.paused.destroy-completes "waits for the AER answer of a dead guest" \
				aer_destroy_paused
			check_known aer.paused.recovery-done "waits for the AER answer of a dead guest" \
				aer_wait 60 'AER: device recovery (successful|failed)'
			check_known aer.paused.gone-logged "no such message" \
				aer_wait 1 "$AERNIC_BDF: AER: guest went away"
			aer_show paused
		else
			check aer.paused.destroy-completes aer_destroy_paused
		fi
		check_known aer.paused.nic.on-pciback "waits for the AER answer of a dead guest" \
			retry 20 is_on_pciback "$AERNIC_BDF"
		check_known aer.paused.msi-off "waits for the AER answer of a dead guest" \
			msi_off_in_dom0 "$AERNIC_BDF"
	fi
	check aer.dom0-answers-after sh -c "xl list && echo dom0 answers"
	guest_alive E && guest_destroy E
fi
