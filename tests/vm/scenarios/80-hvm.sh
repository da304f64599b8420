# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# HVM guest trials (issue 19): HVM domUs (type "hvm", device model
# qemu-xen in dom0, SeaBIOS, Debian's kernel booted directly, its console
# on the emulated serial port) with devices passed through by the device
# model, one after the other.  Runs only when VM_SCENARIOS selects it (the
# host then gives dom0 the device model layer and the machine HVM guests
# need, lib/hvm.sh: nested paging, iommu=no-sharept, multi-threaded TCG).
# 82-hvm-life.sh is the scenario; these are for trying settings.
#
# HVM_TRIALS (VM_VARS): guests to try one after the other, separated by
# ';', each LABEL/DEVICES/ARGS[/MEM]: DEVICES a comma list of nic, nvme
# and ahci or '-', ARGS more kernel arguments joined with '+' or '-', MEM
# MiB (GUEST_MEM).  Each is booted (HVM_WAIT s at most), then with a
# device: the guest's driver binds, MSI-X (ahci: MSI) is on, interrupts
# grow under traffic; it must still answer HVM_SETTLE s later; it is
# destroyed and each device must be back on pciback with MSI and MSI-X off.
# HVM_BUDGET: seconds after which no further trial starts (so that a run
# ends, with its logs, before VM_TIMEOUT).
# pcibk: needs-hvm
# shellcheck shell=bash

HVM_TRIALS=${HVM_TRIALS:-bare/-/-;nic/nic/-}

hvm_dev_bdf() { case $1 in nic) echo "$NIC_BDF" ;; nvme) echo "$NVME_BDF" ;; ahci) echo "$AHCI_BDF" ;; esac; }
hvm_dev_id() { case $1 in nic) echo "$NIC_ID" ;; nvme) echo "$NVME_ID" ;; ahci) echo "$AHCI_ID" ;; esac; }
hvm_dev_drv() { case $1 in nic) echo e1000e ;; *) echo "$1" ;; esac; }
hvm_dev_mode() { case $1 in ahci) echo MSI ;; *) echo MSI-X ;; esac; }

hvm_released() { is_on_pciback "$1" && msi_off_in_dom0 "$1"; }

# hvm_trial LABEL DEVICES ARGS MEM
hvm_trial() {
	local label=$1 devs=$2 args=$3 mem=$4 name bdfs=() dev outcome t0=$SECONDS
	name=h$label
	[ "$devs" = - ] && devs=''
	[ "$args" = - ] && args=''
	args=${args//+/ }
	for dev in ${devs//,/ }; do
		bdfs+=("$(hvm_dev_bdf "$dev")")
	done
	step "HVM trial $label: devices ${devs:-none}, kernel args '${args:-}', ${mem:-$GUEST_MEM} MiB"
	local rc=0
	HVM_ARGS=$args GUEST_MEM=${mem:-$GUEST_MEM} hvm_start "$name" "${bdfs[@]}" >"$WORK/$name.start" 2>&1 || rc=$?
	outcome=$(cat "$WORK/guests/$name.outcome" 2>/dev/null)
	sed 's/^/   | /' "$WORK/$name.start"
	if [ $rc = 0 ]; then
		result PASS "hvm.$label.boot" "agent ready after $((SECONDS - t0)) s"
	else
		result FAIL "hvm.$label.boot" "${outcome:-?} after $((SECONDS - t0)) s"
	fi
	grep -E '^guest .*(took|banner|after)' "$WORK/$name.start" | while IFS= read -r l; do info "$l"; done
	if [ "$outcome" = ready ]; then
		check "hvm.$label.lspci" gx "$name" 'lspci -nn; cat /proc/cmdline; uname -r'
		for dev in ${devs//,/ }; do
			local id mode
			id=$(hvm_dev_id "$dev")
			check "hvm.$label.$dev.enumerated" gx "$name" "wait_id $id 30" || continue
			case ,$args, in *pcibk.skip=*) continue ;; esac
			check "hvm.$label.$dev.driver" gx "$name" "wait_drv $id $(hvm_dev_drv "$dev") 30" || continue
			sleep 2
			mode=$(hvm_dev_mode "$dev")
			check "hvm.$label.$dev.${mode,,}" gx "$name" "mode_on $id $mode"
			GX_TIMEOUT=90 check "hvm.$label.$dev.irqs-grow" gx "$name" "irqs_grow $id"
		done
		sleep "${HVM_SETTLE:-10}"
		check "hvm.$label.alive" gx "$name" 'cat /proc/interrupts; uptime'
	fi
	hvm_report "$name"
	check "hvm.$label.destroy" timeout 120 xl destroy "$name"
	for dev in ${devs//,/ }; do
		# The backend releases the device when libxl removes its
		# xenstore entries; a guest that died on its own (on_reboot
		# "destroy") is torn down by xl's daemon, after xl destroy.
		check "hvm.$label.$dev.released" retry 10 hvm_released "$(hvm_dev_bdf "$dev")"
	done
	info "HVM trial $label: done after $((SECONDS - t0)) s"
}

if [ -z "$VM_SCENARIOS" ]; then
	note hvm "HVM scenario not selected (VM_SCENARIOS='^(80)' to run it)"
elif [ "${HVM_DM:-0}" != 1 ]; then
	result FAIL hvm.device-model "no device model in dom0 (the host did not give the HVM layer)"
else
	info "HVM: $(xl info | grep -E '^(virt_caps|xen_commandline)' | tr '\n' ' ')"
	IFS=';' read -r -a hvm_list <<<"$HVM_TRIALS"
	hvm_t0=$SECONDS
	for t in "${hvm_list[@]}"; do
		IFS=/ read -r hl hd ha hm <<<"$t"
		[ -n "$hl" ] || continue
		if [ -n "${HVM_BUDGET:-}" ] && [ $((SECONDS - hvm_t0)) -ge "$HVM_BUDGET" ]; then
			note "hvm.$hl" "not tried: the trials' budget (HVM_BUDGET=$HVM_BUDGET s) is spent"
			continue
		fi
		hvm_trial "$hl" "${hd:--}" "${ha:--}" "$hm"
	done
fi
