#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Host-side entry point of the QEMU + Xen end-to-end harness.
#
#   tests/vm/run.sh vmtest   run every scenario, print PASS/FAIL/XFAIL lines
#   tests/vm/run.sh demo     boot the stack and narrate one NIC passthrough
#   tests/vm/run.sh images   only build (or refresh) the cached images
#
# Variables (environment): VM_STACK (bookworm|trixie), BACKEND
# (intree|ours|dkms|deb), PCIBK_KO, VM_BUILD,
# VM_EXTRA, VM_SCENARIOS, VM_TIMEOUT, VM_SMP, MAKE.  See tests/vm/README.md.

set -euo pipefail

VM_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$VM_SRC/../.." && pwd)

# shellcheck source=tests/vm/lib/common.sh
. "$VM_SRC/lib/common.sh"
# shellcheck source=tests/vm/lib/build.sh
. "$VM_SRC/lib/build.sh"
# shellcheck source=tests/vm/lib/qemu.sh
. "$VM_SRC/lib/qemu.sh"
# shellcheck source=tests/vm/lib/dkms.sh
. "$VM_SRC/lib/dkms.sh"
# shellcheck source=tests/vm/lib/deb.sh
. "$VM_SRC/lib/deb.sh"
# shellcheck source=tests/vm/lib/hvm.sh
. "$VM_SRC/lib/hvm.sh"

usage() {
	echo "usage: $0 vmtest|demo|images" >&2
	exit 2
}

main() {
	local mode=${1:-}
	case $mode in
	vmtest) BACKEND=${BACKEND:-intree} ;;
	demo) BACKEND=${BACKEND:-ours} ;;
	images) BACKEND=${BACKEND:-intree} ;;
	*) usage ;;
	esac
	# The demo shows what a newcomer has, Debian's stable release; vmtest
	# defaults to this machine's own release.
	if [ "$mode" = demo ]; then stack_init trixie; else stack_init "$HOST_CODENAME"; fi
	case $BACKEND in
	intree | ours | dkms | deb) ;;
	*) die "BACKEND must be 'intree', 'ours', 'dkms' or 'deb', not '$BACKEND'" ;;
	esac
	case $DEMO_GUEST in
	pv | hvm) ;;
	*) die "DEMO_GUEST must be 'pv' or 'hvm', not '$DEMO_GUEST'" ;;
	esac
	[ "$(id -u)" = 0 ] || die "the harness needs root (apt-get, debootstrap, chroot)"

	local t0=$SECONDS
	ensure_host_packages
	mkdir -p "$VM_BUILD"
	# Several people (or CI jobs) may share one build directory: builds are
	# serialized, and so are QEMU runs (two TCG machines on two cores would
	# each take more than twice as long).
	exec 8>"$VM_BUILD/.build.lock"
	if ! flock -n 8; then
		info "waiting for another harness run to finish building images"
		flock 8
	fi
	build_all
	info "images ready in $((SECONDS - t0)) s (cache: $VM_BUILD)"
	[ "$mode" = images ] && return 0

	if [ "$BACKEND" = ours ]; then
		if ! prepare_our_module; then
			if [ "$mode" = demo ]; then
				warn "demo: this project's module is not usable (see above);" \
					"falling back to the in-tree xen-pciback (BACKEND=intree)"
				BACKEND=intree
			else
				die "BACKEND=ours: no usable module (see above)"
			fi
		fi
	fi
	# BACKEND=dkms: "make dkms-install" in a layer over the dom0 root;
	# BACKEND=deb: "apt install" of make deb's packages there. The module
	# 'make module' builds is what the installed one's srcversion must match.
	case $BACKEND in
	dkms | deb)
		prepare_our_module || die "BACKEND=$BACKEND: no module to compare with (see above)"
		if [ "$BACKEND" = dkms ]; then
			prepare_dkms || die "BACKEND=dkms: the DKMS install failed (see above)"
		else
			prepare_deb || die "BACKEND=deb: the package install failed (see above)"
		fi
		;;
	esac
	# An HVM scenario selected: the device model and firmware for dom0.
	if hvm_wanted "$mode"; then
		hvm_machine
		prepare_hvm
	fi
	# The payload copies the images: make it before another run may rebuild them.
	prepare_run "$mode"
	case $BACKEND in dkms | deb) add_dkms_payload ;; esac
	flock -u 8
	# QEMU runs are serialized machine-wide, whatever the clone or VM_BUILD:
	# two TCG machines on a small host starve each other until guests time out.
	local lock=${VM_QEMU_LOCK:-/run/lock/pcibk-vm-qemu.lock}
	mkdir -p "$(dirname "$lock")"
	exec 9>"$lock"
	if ! flock -n 9; then
		info "waiting for another harness run (QEMU) to finish"
		flock 9
	fi
	run_vm
}

main "$@"
