# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# An HVM guest's life with devices held by the backend (issue 19): HVM
# guest HA boots with the e1000e and the nvme (device model qemu-xen in
# dom0): the guest's drivers bind, MSI-X is on, a ping goes through the NIC
# and the disk is read; pcibackctl names HA as the owner.  The NIC is
# detached (xl pci-detach) and attached again while HA runs.  HA is
# destroyed with MSI-X on: in dom0 both devices are back on pciback, MSI
# and MSI-X off, bus mastering off, no irq left.  Then a PV guest and
# another HVM guest get the NIC and use it; that HVM guest reboots itself
# with MSI-X on (xl's daemon destroys it: on_reboot = "destroy"), and the
# NIC must come back as clean.  It has "permissive=1" in its pci spec and
# a quirk added for the NIC before:
# libxl marks the device permissive in pciback and asks the device model
# for permissive mode; neither the quirk nor the mark changes what the
# guest sees (the device model writes the config space through sysfs), and
# both stay after the guest (PROTOCOL.md §6.5, §6.6).  Runs only when
# VM_SCENARIOS selects it (with the machine HVM guests need, lib/hvm.sh).
# pcibk: needs-hvm
# shellcheck shell=bash

PCTL=$P/tools/pcibackctl

# hl_boot NAME BDF...: hvm_boot, its output kept and shown.
hl_boot() {
	local name=$1 rc=0
	hvm_boot "$@" >"$WORK/$name.start" 2>&1 || rc=$?
	sed 's/^/   | /' "$WORK/$name.start"
	if [ $rc != 0 ]; then
		hvm_report "$name"
		# The outcome last, for the FAIL line.
		grep -a "^guest $name: " "$WORK/$name.start" | tail -n 1
	fi
	return $rc
}

# hl_uses NAME DEV: in guest NAME, DEV (e1000e or nvme) has its driver,
# MSI-X on, and interrupts that grow under traffic (a ping, disk reads).
hl_uses() {
	local name=$1 dev=$2 tag=$3 id
	id=$(dev_id "$dev")
	check "$tag.$dev.driver" gx "$name" "wait_drv $id $dev 30" || return 1
	sleep 2
	check "$tag.$dev.msix" gx "$name" "mode_on $id MSI-X"
	GX_TIMEOUT=90 check "$tag.$dev.traffic" gx "$name" "irqs_grow $id"
}

# bus_master_off BDF: the COMMAND register's bus master bit is clear.
bus_master_off() {
	local cmd
	cmd=$(setpci -s "$1" COMMAND) || return 1
	echo "$1 COMMAND 0x$cmd"
	[ $((0x$cmd & 4)) = 0 ]
}

PBK=/sys/bus/pci/drivers/pciback
# A register of the e1000e no field covers (its capabilities start at 0xc8).
HL_QUIRK=0x44:4:0xffffffff

# permissive_listed BDF: pciback's permissive attribute lists the device.
permissive_listed() {
	cat "$PBK/permissive"
	grep -qx "$1" "$PBK/permissive"
}
# quirk_listed BDF: pciback's quirks attribute has HL_QUIRK under the device
# ("bus:slot.func" line, then "\t\toffset:size:mask" lines).
quirk_listed() {
	local want
	want=$(printf '%08x:%x:%08x' "${HL_QUIRK%%:*}" "$(cut -d: -f2 <<<"$HL_QUIRK")" "${HL_QUIRK##*:}")
	awk -v dev="${1#*:}" -v want="$want" '
		/^[0-9a-f]/ { cur = $1 }
		cur == dev && $1 == want { found = 1 }
		END { exit !found }' "$PBK/quirks" || { cat "$PBK/quirks"; return 1; }
	echo "$1: quirk $want listed"
}
# dm_permissive NAME BDF: libxl asked the device model for permissive
# mode: the passthrough device's property in QEMU's device tree.
dm_permissive() {
	local t
	t=$(timeout 30 xl qemu-monitor-command "$1" 'info qtree') || return 1
	awk -v b="$2" '/dev: xen-pci-passthrough/ { on = 1; hit = 0 }
		on && /hostaddr/ { hit = index($0, b) > 0 }
		on && hit && /permissive = / { print; exit }' <<<"$t" | tee /dev/stderr | grep -q 'permissive = true'
}

# owned_by BDF DOMID [MODE]: pcibackctl list and show name the domain as
# owner (and show the interrupt mode the guest enabled).
owned_by() {
	local l s
	l=$("$PCTL" list 2>&1)
	s=$("$PCTL" show "$1" 2>&1)
	printf '$ pcibackctl list\n%s\n$ pcibackctl show %s\n%s\n' "$l" "$1" "$s" |
		tee -a "$WORK/logs/pcibackctl-hvm.txt"
	grep -qE "^$1 .*dom$2( |\$)" <<<"$l" && grep -qE "^owner: +dom$2( |\$)" <<<"$s" &&
		{ [ -z "${3:-}" ] || grep -qE "^interrupts: +$3" <<<"$s"; }
}

# guest_addr NAME BDF: pcibackctl gives the device's address in the HVM
# guest that xl pci-list gives (the device model's slot, libxl's vdevfn).
guest_addr() {
	local v s
	v=$(xl pci-list "$1" | awk -v b="$2" '$2 == b { print $1 }')
	s=$("$PCTL" show "$2" | sed -n 's/^owner: .* as //p')
	echo "xl pci-list: '$v'; pcibackctl show: '$s'"
	[ -n "$v" ] && [ "$s" = "0000:00:$v" ]
}

# hvm_gone NAME: no such domain (any more).
hvm_gone() { ! xl domid "$1" >/dev/null 2>&1; }

# free_in_list BDF: pcibackctl list shows the device free.
free_in_list() {
	local l
	l=$("$PCTL" list 2>&1)
	grep -E "^$1 " <<<"$l"
	grep -qE "^$1 .*free" <<<"$l"
}

# hl_released TAG BDF IRQS [DIED]: after its guest let it go: on pciback,
# MSI and MSI-X off, bus mastering off, none of these dom0 irqs left.  The
# backend releases the device when libxl removes its xenstore entries,
# after xl returns: 10 s for that.  DIED: the guest ended by itself, and
# no device model turned MSI-X off (xl's daemon kills it first); QEMU's
# e1000e keeps it through its reset, and the in-tree driver, which only
# disables what dom0's PCI core enabled, left it on (bookworm).
hl_released() {
	local tag=$1 bdf=$2
	if [ -n "${4:-}" ]; then
		check_known "$tag.msi-off-in-dom0" "MSI-X left on after its HVM guest died (the reset did not clear it)" \
			retry 10 msi_off_in_dom0 "$bdf"
	else
		check "$tag.msi-off-in-dom0" retry 10 msi_off_in_dom0 "$bdf"
	fi
	check "$tag.on-pciback" retry 10 is_on_pciback "$bdf"
	# The in-tree driver left the nvme's bus mastering on after xl destroy
	# (COMMAND 0x0107, 10 s on) in both of its runs on trixie.
	check_known "$tag.bus-master-off" "bus mastering still on after its HVM guest let the device go" \
		retry 10 bus_master_off "$bdf"
	check "$tag.no-dom0-irqs-left" no_irqs_left "$bdf" "$3"
}

if [ -z "$VM_SCENARIOS" ]; then
	note hvmlife "HVM scenario not selected (VM_SCENARIOS='^(82)' to run it)"
elif [ "${HVM_DM:-0}" != 1 ]; then
	result FAIL hvmlife.device-model "no device model in dom0 (the host did not give the HVM layer)"
elif [ ! -x "$PCTL" ]; then
	result FAIL hvmlife.pcibackctl "no pcibackctl in the payload (make pcibackctl)"
else
	for g in A B C D; do guest_alive "$g" && guest_destroy "$g"; done
	step "HVM guest HA with the e1000e and the nvme"
	if check hvmlife.boot hl_boot HA "$NIC_BDF" "$NVME_BDF"; then
		d=$(cat "$WORK/guests/HA.domid")
		hl_uses HA e1000e hvmlife
		hl_uses HA nvme hvmlife
		check hvmlife.pcibackctl-owner retry 10 owned_by "$NIC_BDF" "$d" msix
		check hvmlife.pcibackctl-guest-addr guest_addr HA "$NIC_BDF"

		step "xl pci-detach and pci-attach of the NIC while HA runs"
		if check hvmlife.detach timeout 90 xl pci-detach HA "$NIC_BDF"; then
			check hvmlife.detach.gone-in-guest gx HA "gone_id $NIC_ID 30"
			hl_released hvmlife.detach "$NIC_BDF" ''
			check hvmlife.detach.pcibackctl-free retry 10 free_in_list "$NIC_BDF"
		fi
		if check hvmlife.attach timeout 90 xl pci-attach HA "$NIC_BDF"; then
			check hvmlife.attach.in-guest gx HA "wait_id $NIC_ID 30"
			hl_uses HA e1000e hvmlife.attach
			check hvmlife.attach.pcibackctl-owner retry 10 owned_by "$NIC_BDF" "$d" msix
		fi

		step "xl destroy of HA with MSI-X on"
		check hvmlife.destroy.msix-before gx HA "mode_on $NIC_ID MSI-X"
		declare -A hl_irqs
		for dev in e1000e nvme; do
			hl_irqs[$dev]=$(dom0_msi_irqs "$(dev_bdf "$dev")" | tr '\n' ' ')
		done
		hvm_report HA >/dev/null
		check hvmlife.destroy timeout 120 xl destroy HA
		for dev in e1000e nvme; do
			hl_released "hvmlife.destroy.$dev" "$(dev_bdf "$dev")" "${hl_irqs[$dev]}"
		done
		check hvmlife.destroy.pcibackctl-free retry 10 free_in_list "$NIC_BDF"
	fi
	xl domid HA >/dev/null 2>&1 && timeout 120 xl destroy HA

	step "a PV guest gets the NIC next"
	if check hvmlife.pv.boot guest_start HP "$NIC_BDF"; then
		hl_uses HP e1000e hvmlife.pv
		check hvmlife.pv.stop guest_stop HP
		hl_released hvmlife.pv "$NIC_BDF" ''
	fi

	step "then another HVM guest, the NIC with permissive=1 and a quirk"
	check hvmlife.hvm2.quirk-add sh -c "echo '$NIC_BDF-$HL_QUIRK' >$PBK/quirks"
	if check hvmlife.hvm2.boot hl_boot HB "$NIC_BDF,permissive=1"; then
		check hvmlife.hvm2.permissive-set permissive_listed "$NIC_BDF"
		check hvmlife.hvm2.dm-permissive dm_permissive HB "$NIC_BDF"
		hl_uses HB e1000e hvmlife.hvm2
		# HB ends by itself, with MSI-X on: a reboot, which xl's daemon
		# turns into a destroy (on_reboot = "destroy"), as it does a
		# guest's triple fault.
		check hvmlife.hvm2.msix-before gx HB "mode_on $NIC_ID MSI-X"
		hvm_report HB >/dev/null
		check hvmlife.hvm2.reboot gx HB "(sleep 2; echo b >/proc/sysrq-trigger) >/dev/null 2>&1 &"
		check hvmlife.hvm2.gone retry 90 hvm_gone HB
		hl_released hvmlife.hvm2 "$NIC_BDF" '' died
		check hvmlife.hvm2.permissive-kept permissive_listed "$NIC_BDF"
		check_known hvmlife.hvm2.quirk-kept "its release drops the quirk's field (the quirks attribute no longer lists it)" \
			quirk_listed "$NIC_BDF"
	fi
	xl domid HB >/dev/null 2>&1 && timeout 120 xl destroy HB
fi
