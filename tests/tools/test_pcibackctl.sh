#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# pcibackctl over a fake sysfs, procfs and xenstore tree: every verdict of
# diagnose, list/show output, assign/release writes, quirk and hide-syntax.
# Prints one line per case and "N passed, N failed".
set -u
top=$(cd "$(dirname "$0")/../.." && pwd)
bin=${PCIBACKCTL:-$top/build/san/tools/pcibackctl}
[ -x "$bin" ] || { echo "no $bin (run make check)"; echo "0 passed, 1 failed"; exit 1; }

T=$(mktemp -d)
trap 'rm -rf "$T"' EXIT
export PCIBK_SYSFS=$T/sys PCIBK_PROCFS=$T/proc PCIBK_XENSTORE_DIR=$T/xs PCIBK_PCI_IDS=$T/pci.ids
export PCIBK_FAKE_DIRECTIO=1
pass=0
fail=0

ok() { pass=$((pass + 1)); echo "ok   $1"; }
ko() { fail=$((fail + 1)); echo "FAIL $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/     /'; }

# Run pcibackctl; keep stdout+stderr in $out and the exit code in $st.
run() { out=$("$bin" "$@" 2>&1); st=$?; }

expect() { # name, want exit code, grep pattern(s)...
	local name=$1 want=$2 pat
	shift 2
	if [ "$st" != "$want" ]; then
		ko "$name" "exit $st, want $want; output:
$out"
		return
	fi
	for pat in "$@"; do
		if ! grep -qE -- "$pat" <<<"$out"; then
			ko "$name" "missing /$pat/ in:
$out"
			return
		fi
	done
	ok "$name"
}

# ---- the fake tree ----
S=$T/sys
mkdir -p "$S/bus/pci/devices" "$S/bus/pci/drivers/pciback" "$S/bus/pci/drivers/e1000e" \
	"$S/bus/pci/drivers/pcieport" "$S/module/xen_pciback/parameters" "$T/proc" "$T/xs"
printf 'N\n' >"$S/module/xen_pciback/parameters/passthrough"
for f in new_slot remove_slot bind unbind quirks permissive slots; do : >"$S/bus/pci/drivers/pciback/$f"; done
: >"$S/bus/pci/drivers/e1000e/bind"
: >"$S/bus/pci/drivers/e1000e/unbind"
: >"$S/bus/pci/drivers_probe"
: >"$T/proc/mounts"
cat >"$T/pci.ids" <<'IDS'
# fake pci.ids
8086  Intel Corporation
	10d3  82574L Gigabit Network Connection
	2922  82801IR/IO/IH (ICH9R/DO/DH) 6 port SATA Controller [AHCI mode]
1b36  Red Hat, Inc.
	0010  QEMU NVM Express Controller
IDS

# config space: 256 bytes, optional MSI-X cap at 0x40 with enable bit
mkcfg() { # file vendor device hdrtype msix_enabled
	python3 - "$@" <<'PY'
import sys, struct
f, v, d, ht, en = sys.argv[1], int(sys.argv[2], 16), int(sys.argv[3], 16), int(sys.argv[4], 16), int(sys.argv[5])
c = bytearray(256)
struct.pack_into('<HHHH', c, 0, v, d, 0x0006, 0x0010)
c[0x0e] = ht
c[0x34] = 0x40
c[0x40] = 0x11; c[0x41] = 0; struct.pack_into('<H', c, 0x42, (0x8000 if en else 0) | 3)
open(f, 'wb').write(bytes(c))
PY
}

# mkdev BDF parentpath vendor device class hdrtype driver reset msix
mkdev() {
	local bdf=$1 parent=$2 ven=$3 dev=$4 cls=$5 ht=$6 drv=$7 reset=$8 msix=${9:-0}
	local dir=$S/devices/$parent/$bdf
	mkdir -p "$dir"
	ln -sfn "$dir" "$S/bus/pci/devices/$bdf"
	echo "0x$ven" >"$dir/vendor"
	echo "0x$dev" >"$dir/device"
	echo "0x$cls" >"$dir/class"
	mkcfg "$dir/config" "$ven" "$dev" "$ht" "$msix"
	[ "$reset" = "-" ] || echo "$reset" >"$dir/reset_method"
	if [ -n "$drv" ]; then
		mkdir -p "$S/bus/pci/drivers/$drv"
		ln -sfn "$S/bus/pci/drivers/$drv" "$dir/driver"
		ln -sfn "$dir" "$S/bus/pci/drivers/$drv/$bdf"
	fi
}

R=pci0000:00
mkdev 0000:00:01.0 "$R" 8086 29c1 060400 81 pcieport "-"
mkdev 0000:00:1c.0 "$R" 8086 29c1 060400 01 pciback "-"
mkdev 0000:03:00.0 "$R/0000:00:01.0" 8086 10d3 020000 80 pciback "flr bus" 1
mkdev 0000:03:00.1 "$R/0000:00:01.0" 8086 10d3 020000 80 "" "flr"
mkdev 0000:04:00.0 "$R/0000:00:1c.0" 1b36 0010 010802 00 pciback "flr"
mkdev 0000:05:00.0 "$R/0000:00:01.0" 8086 10d3 020000 00 e1000e "bus"
mkdev 0000:06:00.0 "$R/0000:00:01.0" 8086 2922 010601 00 e1000e "-"
mkdev 0000:07:00.0 "$R/0000:00:01.0" 104c ac56 060700 02 "" "flr"
mkdev 0000:08:00.0 "$R/0000:00:01.0" 8086 10d3 020000 00 e1000e "flr"
# 05:00.0 is a NIC that is up; 06:00.0 holds a mounted disk
mkdir -p "$S/devices/$R/0000:00:01.0/0000:05:00.0/net/eth0"
echo 0x1003 >"$S/devices/$R/0000:00:01.0/0000:05:00.0/net/eth0/flags"
mkdir -p "$S/devices/$R/0000:00:01.0/0000:06:00.0/ata1/host0/target0:0:0/0:0:0:0/block/sda"
echo "/dev/sda1 /boot ext4 rw 0 0" >"$T/proc/mounts"
# a guest holds 03:00.0
mkdir -p "$T/xs/local/domain/0/backend/pci/5/0"
echo 1 >"$T/xs/local/domain/0/backend/pci/5/0/num_devs"
echo 0000:03:00.0 >"$T/xs/local/domain/0/backend/pci/5/0/dev-0"
echo 0000:00:00.00 >"$T/xs/local/domain/0/backend/pci/5/0/vdev-0"
mkdir -p "$T/xs/local/domain/5"
echo guest5 >"$T/xs/local/domain/5/name"
# a destroyed domain 9 left its backend directory naming 04:00.0: not an owner
mkdir -p "$T/xs/local/domain/0/backend/pci/9/0"
echo 1 >"$T/xs/local/domain/0/backend/pci/9/0/num_devs"
echo 0000:04:00.0 >"$T/xs/local/domain/0/backend/pci/9/0/dev-0"
echo 0000:00:00.00 >"$T/xs/local/domain/0/backend/pci/9/0/vdev-0"
printf '0000:04:00.0\n' >"$S/bus/pci/drivers/pciback/permissive"
printf '03:00.0\n\t8086:10d3:8086:0000\n\t\t00000000:2:00000000\n\t\t000000e0:2:000000ff\n' \
	>"$S/bus/pci/drivers/pciback/quirks"
printf 'req_conf_read 12\nmode msix\nvectors 3\nassigned 1\ndomid 5\ndenied_total 4\n' \
	>"$S/devices/$R/0000:00:01.0/0000:03:00.0/pciback_stats"
printf 'total 4\n0e0:2:4\n' >"$S/devices/$R/0000:00:01.0/0000:03:00.0/pciback_denied"

# ---- list / show ----
run list
expect list-columns 0 '^DEVICE +ID +OWNER' \
	'^0000:03:00.0 +8086:10d3 +dom5 +0000:00:00.00 +msix/3 +flr bus +no +1 +4 +Intel Corporation 82574L' \
	'^0000:04:00.0 +1b36:0010 +free +- +intx +flr +yes +0 +- ' '^0000:00:1c.0 '
run list
if grep -q '0000:05:00.0' <<<"$out"; then ko list-only-held "$out"; else ok list-only-held; fi
run --json list
expect list-json 0 '^\[\{"bdf":"0000:00:1c.0"' '"owner":"dom5","domid":5,"vdev":"0000:00:00.00"' \
	'"irq_mode":"msix","vectors":3' '"permissive":true'
if command -v python3 >/dev/null && ! python3 -c 'import json,sys; json.loads(sys.stdin.read())' <<<"$out"; then
	ko list-json-valid "$out"
else
	ok list-json-valid
fi
run show 03:00.0
expect show-text 0 '^owner: +dom5 as 0000:00:00.00' '^interrupts: +msix, 3 vectors' \
	'^denied config writes' '^0e0:2:4' '^req_conf_read 12'
run show 0000:04:00.0
expect show-no-counters 0 'counters: not reported' '^permissive: +yes'
run --json show 0000:03:00.0
expect show-json 0 '"counters":"req_conf_read 12\\nmode msix' '"denied":"total 4\\n0e0:2:4"'
# An HVM guest (libxl's /libxl/<domid>/type) has its device model program
# MSI-X past the backend, which says "none": the config space tells.
stf=$S/devices/$R/0000:00:01.0/0000:03:00.0/pciback_stats
cp "$stf" "$T/stats.pv"
printf 'req_conf_read 0\nmode none\nvectors 0\nassigned 1\ndomid 5\n' >"$stf"
mkdir -p "$T/xs/libxl/5"
echo hvm >"$T/xs/libxl/5/type"
run show 03:00.0
expect show-hvm-owner-mode 0 '^owner: +dom5 as 0000:00:00.00$' '^interrupts: +msix$'
# Its address in the guest is the device model's (libxl's vdevfn-N).
vdf=$T/xs/local/domain/0/backend/pci/5/0/vdevfn-0
echo 18 >"$vdf"
run show 03:00.0
expect show-hvm-guest-addr 0 '^owner: +dom5 as 0000:00:03.0$'
echo zz >"$vdf"
run show 03:00.0
expect show-hvm-bad-vdevfn 0 '^owner: +dom5 as 0000:00:00.00$'
echo 18 >"$vdf"
echo pv >"$T/xs/libxl/5/type"
run show 03:00.0
expect show-pv-owner-mode 0 '^interrupts: +none$' '^owner: +dom5 as 0000:00:00.00$'
rm "$vdf"
rm -r "$T/xs/libxl/5"
mv "$T/stats.pv" "$stf"
run show 0000:09:00.0
expect show-missing 3 'no PCI device 0000:09:00.0'
run show 0000:03:00.9
expect show-bad-bdf 2 'not a PCI address'

# ---- diagnose: every verdict ----
run diagnose 0000:09:00.0
expect diag-exists-fail 3 '^fail +exists +no PCI device' 'cannot be assigned'
run diagnose 0000:04:00.0
expect diag-clean 0 '^ok +exists +1b36:0010 Red Hat, Inc. QEMU NVM Express' '^ok +driver +bound to pciback' \
	'^ok +header +header type 0' '^ok +functions +single-function' '^ok +iommu' \
	'^ok +reset +reset methods: flr' '^ok +assigned +not assigned' \
	'^warn +bridge +behind a bridge that pciback holds: 0000:00:1c.0' 'can be assigned'
run diagnose 0000:03:00.0
expect diag-assigned-multifn 0 '^info +assigned +assigned to domain 5 as 0000:00:00.00' \
	'^0000:03:00.0: assigned to domain 5 now; can be assigned again once detached' \
	'^warn +functions +other functions not held by pciback: 0000:03:00.1' \
	'^info +bus-reset +a bus reset would also reset 0000:03:00.1' '^ok +bridge +no bridge'
run diagnose 0000:05:00.0
expect diag-in-use-net 1 '^info +driver +bound to e1000e' '^fail +in-use +in use by dom0: interface eth0 is up' \
	'^warn +bus-reset +a bus reset would also reset|^ok +bus-reset' 'cannot be assigned'
run diagnose 0000:06:00.0
expect diag-in-use-disk-no-reset 1 '^fail +in-use .*/dev/sda1 is mounted on /boot' \
	'^warn +reset +no FLR, PM reset or bus reset'
run diagnose 0000:07:00.0
expect diag-header-type 1 '^fail +header +header type 2' '^info +driver +no driver bound'
run diagnose 0000:00:01.0
expect diag-bridge-vpci 1 '^fail +topology +a bridge cannot be exported on the vpci topology'
printf 'Y\n' >"$S/module/xen_pciback/parameters/passthrough"
run diagnose 0000:00:01.0
if grep -q topology <<<"$out"; then ko diag-bridge-passthrough "$out"; else ok diag-bridge-passthrough; fi
printf 'N\n' >"$S/module/xen_pciback/parameters/passthrough"
PCIBK_FAKE_DIRECTIO=0 run diagnose 0000:04:00.0
expect diag-no-iommu 1 '^fail +iommu +Xen has no IOMMU'
PCIBK_FAKE_DIRECTIO='' run diagnose 0000:04:00.0
expect diag-iommu-zero-string 1 '^fail +iommu'
(unset PCIBK_FAKE_DIRECTIO; "$bin" diagnose 0000:04:00.0 >"$T/o" 2>&1)
out=$(cat "$T/o")
if grep -qE '^warn +iommu +cannot ask Xen' <<<"$out"; then ok diag-iommu-unknown; else ko diag-iommu-unknown "$out"; fi
run diagnose 0000:05:00.0
expect diag-bus-only-reset 1 '^ok +reset +reset methods: bus'
rm "$S/bus/pci/drivers/pciback/new_slot"
mv "$S/bus/pci/drivers/pciback" "$T/pciback.off"
run diagnose 0000:08:00.0
expect diag-backend-missing 1 '^fail +backend +the pciback driver is not loaded'
mv "$T/pciback.off" "$S/bus/pci/drivers/pciback"
: >"$S/bus/pci/drivers/pciback/new_slot"
run --json diagnose 0000:06:00.0
expect diag-json 1 '"assignable":false' '"check":"in-use","verdict":"fail"'
run diagnose 0000:08:00.0
expect diag-free-nic 0 'can be assigned'
# the 3rd function of a slot all held
mkdev 0000:0a:00.0 "$R/0000:00:01.0" 8086 10d3 020000 80 pciback "flr"
mkdev 0000:0a:00.1 "$R/0000:00:01.0" 8086 10d3 020000 80 pciback "flr"
run diagnose 0000:0a:00.0
expect diag-functions-all-held 0 '^ok +functions +other functions held too: 0000:0a:00.1'
run diagnose 0000:04:00.0
expect diag-reset-unknown-method 0 '^ok +reset'
rm "$S/devices/$R/0000:00:1c.0/0000:04:00.0/reset_method"
: >"$S/devices/$R/0000:00:1c.0/0000:04:00.0/reset"
run diagnose 0000:04:00.0
expect diag-reset-file-only 0 '^ok +reset +the kernel offers a reset'

# ---- assign / release ----
run assign 0000:05:00.0
expect assign-refused-in-use 1 'refusing to assign 0000:05:00.0: in use by dom0: interface eth0 is up \(use --force'
run assign 0000:07:00.0
expect assign-refused-header 1 'refusing to assign 0000:07:00.0: header type 2'
run assign 0000:05:00.0 --force
expect assign-forced 0 'warning: 0000:05:00.0 is in use by dom0' 'is assignable'
if [ "$(cat "$S/bus/pci/drivers/e1000e/unbind")" = 0000:05:00.0 ] &&
	[ "$(cat "$S/bus/pci/drivers/pciback/new_slot")" = 0000:05:00.0 ] &&
	[ "$(cat "$S/bus/pci/drivers/pciback/bind")" = 0000:05:00.0 ] &&
	[ "$(cat "$T/xs/libxl/pci/0000-05-00-0/driver_path")" = "$S/bus/pci/drivers/e1000e" ]; then
	ok assign-writes
else
	ko assign-writes "unbind=$(cat "$S/bus/pci/drivers/e1000e/unbind") new_slot=$(cat "$S/bus/pci/drivers/pciback/new_slot")"
fi
: >"$S/bus/pci/drivers/pciback/new_slot"
printf '0000:08:00.0\n' >"$S/bus/pci/drivers/pciback/slots"
run assign 0000:08:00.0
expect assign-listed-slot 0 'is assignable'
if [ -s "$S/bus/pci/drivers/pciback/new_slot" ]; then ko assign-skips-new-slot; else ok assign-skips-new-slot; fi
run assign 0000:04:00.0
expect assign-already 0 'already assignable'
run --dry-run assign 0000:08:00.0
expect assign-dry-run 0 'would write "0000:08:00.0" to .*/0000:08:00.0/driver/unbind' 'would write "0000:08:00.0" to .*/pciback/bind'
run release 0000:03:00.0
expect release-refused-assigned 1 'assigned to domain 5; detach it first'
run release 0000:08:00.0
expect release-not-held 1 'not held by pciback'
printf '0000:04:00.0\n' >"$S/bus/pci/drivers/pciback/slots"
run release 0000:04:00.0
expect release-ok 0 'released'
if [ "$(cat "$S/bus/pci/drivers/pciback/unbind")" = 0000:04:00.0 ] &&
	[ "$(cat "$S/bus/pci/drivers/pciback/remove_slot")" = 0000:04:00.0 ]; then
	ok release-writes
else
	ko release-writes
fi
mkdir -p "$T/xs/libxl/pci/0000-04-00-0"
echo "$S/bus/pci/drivers/e1000e" >"$T/xs/libxl/pci/0000-04-00-0/driver_path"
: >"$S/bus/pci/drivers/e1000e/bind"
run release 0000:04:00.0 --rebind
expect release-rebind 1 'released, but no driver has bound it'
if [ "$(cat "$S/bus/pci/drivers/e1000e/bind")" = 0000:04:00.0 ]; then ok release-rebind-writes; else ko release-rebind-writes; fi
rm -rf "$T/xs/libxl/pci/0000-04-00-0"
run release 0000:04:00.0 --rebind
expect release-rebind-probe 1 'released, but no driver has bound it'
if [ "$(cat "$S/bus/pci/drivers_probe")" = 0000:04:00.0 ]; then ok release-rebind-drivers-probe; else ko release-rebind-drivers-probe; fi

# ---- permissive / quirks ----
run permissive 0000:04:00.0
expect permissive 0 'potentially unsafe'
if [ "$(cat "$S/bus/pci/drivers/pciback/permissive")" = 0000:04:00.0 ]; then ok permissive-write; else ko permissive-write; fi
run permissive 0000:08:00.0
expect permissive-not-held 1 'not held by pciback'
run quirk add 0000:04:00.0 e0:2:ff
expect quirk-add 0 ''
if [ "$(cat "$S/bus/pci/drivers/pciback/quirks")" = "0000:04:00.0-e0:2:ff" ]; then ok quirk-add-write; else ko quirk-add-write "$(cat "$S/bus/pci/drivers/pciback/quirks")"; fi
run quirk remove 0000:04:00.0 e0:2:ff
if [ "$(cat "$S/bus/pci/drivers/pciback/quirks")" = "-0000:04:00.0-e0:2:ff" ]; then ok quirk-remove-write; else ko quirk-remove-write; fi
for bad in e1:2:ff 1000:1:0 e0:3:0 e0:1:100 e0:2 zz:1:0 e0:2:ff:1; do
	run quirk add 0000:04:00.0 "$bad"
	expect "quirk-bad-$bad" 2 'is not REG:SIZE:MASK'
done
run quirk frob 0000:04:00.0 e0:2:ff
expect quirk-bad-op 2 'usage'

# ---- hide-syntax ----
run hide-syntax '(0000:03:00.0)(04:00.*) (0001:05:*.*)'
expect hide-ok 0 'ok: 3 entries' 'entry 3: 0001:05:\*\.\*'
run hide-syntax '(0000:82.0.0)'
expect hide-typo 1 'error at character 1' 'Error parsing pci_devs_to_hide at "\(0000:82.0.0\)"'
run hide-syntax '(03:00.0)(0b::00.1)'
expect hide-second-entry 1 'error at character 10' '"\(0b::00.1\)"'
run hide-syntax '(03:20.0)'
expect hide-range 1 'out of range'
run hide-syntax ''
expect hide-empty 0 'ok: 0 entries'

# ---- usage ----
run
expect usage-none 2 '^usage:'
run frobnicate
expect usage-unknown 2 '^usage:'
run --help
expect usage-help 0 'exit codes:'

echo "$pass passed, $fail failed"
[ "$fail" = 0 ]
