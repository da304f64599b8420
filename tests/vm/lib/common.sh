# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Shared helpers and defaults of the host-side harness (sourced by run.sh).
# shellcheck shell=bash

# The stack: the Debian release whose Xen, kernel and QEMU the harness
# boots (lib/build.sh; "Stacks" in tests/vm/README.md). This machine's own
# release is "native": its apt sources, kernel headers and QEMU are used as
# they are; another release's are fetched into the stack's own cache.
HOST_CODENAME=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
STACKS='bookworm trixie'

# stack_init DEFAULT: VM_STACK (DEFAULT when unset), STACK_NATIVE, and the
# cache: build/vm for the machine's own release, build/vm-<stack> else.
stack_init() {
	VM_STACK=${VM_STACK:-$1}
	case " $STACKS " in
	*" $VM_STACK "*) ;;
	*) die "VM_STACK must be one of: $STACKS (not '$VM_STACK')" ;;
	esac
	[ -n "$HOST_CODENAME" ] || die "cannot read VERSION_CODENAME from /etc/os-release"
	STACK_NATIVE=0
	[ "$VM_STACK" = "$HOST_CODENAME" ] && STACK_NATIVE=1
	if [ "$STACK_NATIVE" = 1 ]; then
		VM_BUILD=${VM_BUILD:-$REPO_ROOT/build/vm}
	else
		VM_BUILD=${VM_BUILD:-$REPO_ROOT/build/vm-$VM_STACK}
	fi
	VM_EXTRA=${VM_EXTRA:-$VM_BUILD/extra}
}

VM_TIMEOUT=${VM_TIMEOUT:-900}
VM_SMP=${VM_SMP:-2}
# Whether the caller chose (HVM runs pick their own, lib/hvm.sh).
# shellcheck disable=SC2034 # read by lib/hvm.sh
VM_TCG_THREAD_GIVEN=${VM_TCG_THREAD:+1}
# QEMU 7.2's multi-threaded TCG crashed QEMU itself (SIGSEGV, three times at
# the same code address) in 3 of the last 7 full runs; single-threaded TCG
# runs the vCPUs in turn, for about 10-20% more wall time here.
VM_TCG_THREAD=${VM_TCG_THREAD:-single}
VM_SCENARIOS=${VM_SCENARIOS:-}
# make demo: the guest the NIC goes to (demo/*.sh), a PV or an HVM guest.
DEMO_GUEST=${DEMO_GUEST:-pv}
# qemu64: with "-cpu max,-smap" (max: QEMU 7.2's TCG with SMAP crashes a PV
# dom0, shared/VM.md) user processes in dom0 and the guests died now and
# then of a segfault or general protection fault (2 to 14 per full run,
# xl and xenstore-read among them), and injected AER errors were followed
# by more; a full run with qemu64 had none, for about 35% more wall time.
# shellcheck disable=SC2034 # read by lib/hvm.sh
VM_CPU_GIVEN=${VM_CPU:+1}
VM_CPU=${VM_CPU:-qemu64}
# The root port of the AER NIC: pcie-root-port signals with MSI-X,
# ioh3420 with MSI.
VM_ROOT_PORT=${VM_ROOT_PORT:-pcie-root-port}
# Xen needs an IOMMU to assign devices; interrupt remapping is optional.
VM_IOMMU=${VM_IOMMU:-intel-iommu,intremap=on}
VM_VARS=${VM_VARS:-}
PCIBK_KO=${PCIBK_KO:-xen-pciback/xen-pciback.ko}
MAKE=${MAKE:-make}

info() { printf '[vm] %s\n' "$*"; }
warn() { printf '[vm] WARNING: %s\n' "$*" >&2; }
die() {
	printf '[vm] ERROR: %s\n' "$*" >&2
	exit 1
}

# Cache stamps: a stage is redone when the key of its inputs changes.
stamp_ok() { [ -f "$VM_BUILD/stamps/$1" ] && [ "$(cat "$VM_BUILD/stamps/$1")" = "$2" ]; }
stamp_set() {
	mkdir -p "$VM_BUILD/stamps"
	printf '%s' "$2" >"$VM_BUILD/stamps/$1"
}
stamp_clear() { rm -f "$VM_BUILD/stamps/$1"; }

# Hash of files and strings: hash_of -f FILE... -s STRING...
hash_of() {
	local kind=-s a
	for a in "$@"; do
		case $a in
		-f | -s | -d)
			kind=$a
			continue
			;;
		esac
		case $kind in
		-f) sha256sum "$a" ;;
		-d) [ -d "$a" ] && (cd "$a" && find . -type f -print0 | sort -z | xargs -0r sha256sum) ;;
		-s) printf '%s\n' "$a" ;;
		esac
	done | sha256sum | cut -c1-16
}
