# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Boots Xen + dom0 in QEMU (TCG) with the payload disk, follows the serial
# log, and turns the runner's @@PCIBK lines into PASS/FAIL/XFAIL lines and
# the final summary.  Sourced by run.sh.
# shellcheck shell=bash

# Host devices given to the guests (QEMU slot numbers below must match).
# q35 routes INTx of slot S, pin A to PIRQ (S mod 4): the three devices get
# lines of their own (slots 5, 6, 7), and dom0's two virtio disks (slots 4
# and 8) share the fourth.  Passed-through devices that share a line in one
# guest break each other on hot-unplug: libxl unmaps the shared pirq.
NVME_BDF=0000:00:05.0
NIC_BDF=0000:00:06.0
AHCI_BDF=0000:00:07.0
# A second e1000e (QEMU id aernic, AER capability) behind an emulated PCIe
# root port (00:10.0, bus 1) for AER injection (scenarios/60-aer.sh).  Its
# INTx shares PIRQ 0 with dom0's virtio disks, never with another
# passed-through device; guests use its MSI-X anyway.
AERNIC_BDF=0000:01:00.0
AERNIC_QID=aernic
# The AER NIC's root port: errors can be injected there too.
AERPORT_QID=rp1

# Monitor commands a scenario may ask for ("@@PCIBK: HMP <command>"),
# anchored extended regular expressions; anything else is refused.
HMP_ALLOWED=(
	"^pcie_aer_inject_error (-a )?(-c )?($AERNIC_QID|$AERPORT_QID) (0x[0-9a-fA-F]{1,8}|[A-Z_]{2,24})\$"
)

CRASH_RE='Hardware Dom0 crashed|Panic on CPU|Kernel panic - not syncing|Attempted to kill init'

# dom0's health (the same list as dom0/health.sh, which follows dom0's
# kernel log and reports first): a dom0 kernel line on the serial console
# that matches, and that dom0's health watch has not reported within
# HEALTH_GRACE seconds, fails the run and ends it (dom0 is then too sick to
# report anything itself).
HEALTH_RE='BUG:|kernel BUG at|Oops|WARNING:|general protection fault|soft lockup|hard LOCKUP|self-detected stall|rcu: INFO|detected stalls? on CPU|blocked for more than [0-9]+ seconds|nobody cared'
HEALTH_GRACE=60

# The payload: a tar file given to dom0 as a raw virtio disk; dom0's
# initramfs unpacks it to /opt/pcibk.  Rebuilt on every run (cheap), so a
# changed module, scenario or extra file never forces an image rebuild.
make_payload() {
	local mode=$1 p=$RUN_DIR/payload
	rm -rf "$p"
	mkdir -p "$p/guest" "$p/extra"
	cp -a "$VM_SRC/dom0" "$VM_SRC/scenarios" "$VM_SRC/demo" "$p/"
	cp /bin/busybox "$p/busybox"
	cp "$VM_BUILD/vmlinuz" "$p/guest/vmlinuz"
	guest_initrd_with_tools "$p/guest/initrd.cpio.gz"
	[ -d "$VM_EXTRA" ] && cp -a "$VM_EXTRA/." "$p/extra/"
	# The administrator's tool, built on the host by the make targets for
	# the native stack (same Debian release and Xen libraries as dom0); its
	# scenario needs it.
	# Another release's dom0 has other Xen libraries: built in its root.
	local ctl=$REPO_ROOT/build/opt/tools/pcibackctl
	if [ "$STACK_NATIVE" = 0 ]; then
		stack_tools || true
		ctl=$STACK_PCIBACKCTL
	fi
	if [ -n "$ctl" ] && [ -x "$ctl" ]; then
		mkdir -p "$p/tools"
		cp "$ctl" "$p/tools/"
	fi
	if [ "$BACKEND" = ours ]; then
		cp "$OUR_KO" "$p/xen-pciback.ko"
	fi
	{
		printf 'MODE=%q\n' "$mode"
		printf 'BACKEND=%q\n' "$BACKEND"
		printf 'KABI=%q\n' "$KABI"
		printf 'VM_SCENARIOS=%q\n' "$VM_SCENARIOS"
		printf 'DEMO_GUEST=%q\n' "$DEMO_GUEST"
		printf 'NVME_BDF=%q\nNIC_BDF=%q\nAHCI_BDF=%q\n' "$NVME_BDF" "$NIC_BDF" "$AHCI_BDF"
		printf 'AERNIC_BDF=%q\nAERNIC_QID=%q\nAERPORT_QID=%q\n' "$AERNIC_BDF" "$AERNIC_QID" "$AERPORT_QID"
		# VM_VARS: extra NAME=VALUE settings for the scenarios, one per word.
		local v
		for v in ${VM_VARS:-}; do
			case $v in
			[A-Za-z_]*=*) printf '%s=%q\n' "${v%%=*}" "${v#*=}" ;;
			*) die "VM_VARS: '$v' is not NAME=VALUE" ;;
			esac
		done
	} >"$p/config"
	tar -C "$p" -cf "$RUN_DIR/payload.tar" .
	rm -rf "$p"
	# dom0 writes a tar of its logs to this disk at the end (the serial
	# console is far too slow for them).
	truncate -s 64M "$RUN_DIR/logs.img"
}

# The guests' initramfs of this run: the cached image plus /pcibk-tools/,
# whatever of these exists: the guest test module (pcibk_irqtest.ko, see
# lib/build.sh), pcibk-probe (static, built by "make vmtest") and the
# xen-evtchn and xen-gntalloc modules pcibk-probe needs (not loaded at
# boot). One gzip stream: libxc unpacks a PV guest's ramdisk itself.
guest_initrd_with_tools() {
	local out=$1 t=$RUN_DIR/guest-tools f m
	rm -rf "$t"
	mkdir -p "$t/pcibk-tools"
	[ -n "${GUEST_KMOD:-}" ] && cp "$GUEST_KMOD" "$t/pcibk-tools/"
	f=$REPO_ROOT/build/opt/tools/pcibk-probe.static
	[ -x "$f" ] && cp "$f" "$t/pcibk-tools/pcibk-probe"
	for m in xen-evtchn xen-gntalloc; do
		f=$(module_find "$m")
		[ -n "$f" ] && module_copy "$f" "$t/pcibk-tools/$m.ko"
	done
	{
		gzip -dc "$VM_BUILD/guest-initrd.cpio.gz"
		(cd "$t" && find . -print0 | cpio --null -o -H newc --quiet)
	} | gzip -1 >"$out"
	rm -rf "$t"
}

# The stack's own QEMU. Native stack: the machine's (qemu-system-x86 of its
# release). Another release: that release's qemu-system-x86, installed in a
# layer over the stack's dom0 root (qemu/base; cached, redone when the dom0
# root changes) and run in a chroot of it, in a mount namespace of its own
# where $VM_BUILD is bound at the same path (serial log, monitor pipes,
# disks). VM_QEMU=host runs the machine's QEMU for any stack.
QEMU_WRAP=()
QEMU_RECIPE=1
prepare_qemu() {
	QEMU_WRAP=()
	QEMU_VERSION=$(qemu-system-x86_64 --version | head -n 1)
	if [ "$STACK_NATIVE" = 1 ] || [ "${VM_QEMU:-stack}" = host ]; then
		return 0
	fi
	local d=$VM_BUILD/qemu key
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/rootfs-base")" -s "recipe-$QEMU_RECIPE")
	if ! stamp_ok qemu-base "$key" || [ ! -x "$d/base/usr/bin/qemu-system-x86_64" ]; then
		info "QEMU: $VM_STACK's qemu-system-x86 in a layer over the dom0 root"
		root_layer "$d" "$d/apt.log" qemu-system-x86
		dkms_umount "$d"
		rm -rf "$d/work"
		stamp_set qemu-base "$key"
	fi
	mkdir -p "$d/mnt" "$d/tmp"
	# The overlay's upper layer is a tmpfs of the namespace: nothing is kept.
	# shellcheck disable=SC2016 # expanded by the inner sh
	QEMU_WRAP=(unshare -m --propagation private sh -c '
		d=$1 r=$2
		shift 2
		mount -t tmpfs tmpfs "$d/tmp" && mkdir "$d/tmp/u" "$d/tmp/w" &&
			mount -t overlay overlay \
				-o "lowerdir=$d/base:$r,upperdir=$d/tmp/u,workdir=$d/tmp/w" "$d/mnt" &&
			mkdir -p "$d/mnt$VM_BUILD" && mount --bind "$VM_BUILD" "$d/mnt$VM_BUILD" &&
			mount --rbind /dev "$d/mnt/dev" && mount -t proc proc "$d/mnt/proc" || exit 125
		exec chroot "$d/mnt" "$@"' qemu-chroot "$d" "$ROOTFS")
	QEMU_VERSION=$(VM_BUILD=$VM_BUILD "${QEMU_WRAP[@]}" qemu-system-x86_64 --version | head -n 1) ||
		die "QEMU: $VM_STACK's qemu-system-x86_64 does not run in its chroot"
	info "QEMU: $QEMU_VERSION ($VM_STACK's, in a chroot of $d)"
}

qemu_cmd() {
	local serial=$1 hvm_disk=()
	# HVM scenarios: dom0's device model layer (lib/hvm.sh), read-only, in
	# a slot whose INTx line is the virtio disks' (slot mod 4 = 0).
	if [ -n "${HVM_OVERLAY:-}" ]; then
		# shellcheck disable=SC2054 # commas are QEMU's
		hvm_disk=(-drive "file=$HVM_OVERLAY,if=none,id=hvm,format=raw,readonly=on"
			-device virtio-blk-pci,drive=hvm,addr=0x14,serial=pcibk-hvm)
	fi
	# VM_CPU: see common.sh (qemu64; max needs -smap, shared/VM.md).
	# shellcheck disable=SC2054 # commas are QEMU's
	QEMU_ARGS=(qemu-system-x86_64 -accel "tcg,thread=$VM_TCG_THREAD" -cpu "$VM_CPU" -machine q35
		-m 2048 -smp "$VM_SMP" -display none -vga none -nic none -monitor none -no-reboot
		-chardev "pipe,id=mon0,path=$RUN_DIR/mon" -mon chardev=mon0,mode=readline
		-chardev "file,id=ser0,path=$serial" -serial chardev:ser0
		-device "$VM_IOMMU"
		-drive "file=$VM_BUILD/dom0.img,if=none,id=root,format=raw,cache=unsafe,snapshot=on"
		-device virtio-blk-pci,drive=root,addr=0x4,serial=pcibk-root
		-drive "file=$RUN_DIR/payload.tar,if=none,id=payload,format=raw,readonly=on"
		-device virtio-blk-pci,drive=payload,addr=0x8,serial=pcibk-payload
		-drive "file=$RUN_DIR/logs.img,if=none,id=logs,format=raw,cache=unsafe"
		-device virtio-blk-pci,drive=logs,addr=0xc,serial=pcibk-logs
		-drive "file=$VM_BUILD/disks/nvme.img,if=none,id=nvm0,format=raw,cache=unsafe,snapshot=on"
		-device nvme,serial=pcibk0,drive=nvm0,addr=0x5,msix_qsize=129
		-netdev user,id=n0 -device e1000e,netdev=n0,addr=0x6
		-drive "file=$VM_BUILD/disks/ahci.img,if=none,id=ahd0,format=raw,cache=unsafe,snapshot=on"
		-device ich9-ahci,id=ahci1,addr=0x7 -device ide-hd,drive=ahd0,bus=ahci1.0
		-device "$VM_ROOT_PORT,id=$AERPORT_QID,chassis=1,slot=1,addr=0x10"
		-netdev user,id=n1 -device "e1000e,netdev=n1,bus=$AERPORT_QID,addr=0x0,id=$AERNIC_QID"
		"${hvm_disk[@]}"
		-kernel "$VM_BUILD/xen"
		-append "console=com1 com1=115200 loglvl=all guest_loglvl=all dom0_mem=1024M,max:1024M noreboot iommu=1${VM_XEN_ARGS:+ $VM_XEN_ARGS}"
		-initrd "$VM_BUILD/vmlinuz console=hvc0 earlyprintk=xen root=/dev/vda${VM_DOM0_ARGS:+ $VM_DOM0_ARGS},$VM_BUILD/dom0-initrd.cpio.gz")
}

N_PASS=0
N_FAIL=0
N_XFAIL=0
RUN_DONE=0
HEALTH_REPORTED=0
HEALTH_SEEN=''
HEALTH_LINES=()
KLOG_CTX=()

report() {
	local status=$1 name=$2 detail=${3:-}
	local line="$status: $name${detail:+ ($detail)}"
	case $status in
	PASS | XPASS) N_PASS=$((N_PASS + 1)) ;;
	XFAIL) N_XFAIL=$((N_XFAIL + 1)) ;;
	NOTE) ;;
	*)
		status=FAIL
		line="FAIL: $name${detail:+ ($detail)}"
		N_FAIL=$((N_FAIL + 1))
		;;
	esac
	printf '%s\n' "$line"
	printf '%s\n' "$line" >>"$LOGDIR/results.txt"
}

# hmp_write COMMAND: one line to QEMU's monitor. QEMU holds the pipe open
# read-write; the timeout covers a dead QEMU.
hmp_write() {
	# shellcheck disable=SC2016 # expanded by the inner bash
	timeout 5 bash -c 'printf "%s\n" "$1" >"$2"' _ "$1" "$RUN_DIR/mon.in"
}

# hmp_send COMMAND: pass one allowed command to QEMU's human monitor (a
# pipe chardev: $RUN_DIR/mon.in; its answers go to $LOGDIR/monitor.log).
hmp_send() {
	local cmd=$1 re ok=''
	for re in "${HMP_ALLOWED[@]}"; do
		[[ $cmd =~ $re ]] && ok=1
	done
	if [ -z "$ok" ]; then
		report NOTE harness.hmp "refused monitor command: ${cmd:0:80}"
		return 0
	fi
	printf '%s %s\n' "$((SECONDS - RUN_T0))" "$cmd" >>"$LOGDIR/hmp.txt"
	hmp_write "$cmd" || report NOTE harness.hmp "could not write to the monitor: $cmd"
	printf '   monitor: %s\n' "$cmd"
}

# hmp_snapshot WHY: what the vCPUs are doing, for a run gone silent (a
# wedged machine): "info cpus" and every vCPU's registers, twice 2 s apart
# so that the log shows whether they move. Answers go to monitor.log.
hmp_snapshot() {
	local cmd
	printf '%s snapshot: %s\n' "$((SECONDS - RUN_T0))" "$1" >>"$LOGDIR/hmp.txt"
	for _ in 1 2; do
		for cmd in 'info cpus' 'info registers -a'; do
			hmp_write "$cmd" || return 0
		done
		sleep 2
	done
}

# Handle one line of the serial log.
handle_line() {
	local line=$1 rest status name detail
	case $line in
	*'@@PCIBK: '*) rest=${line#*@@PCIBK: } ;;
	*) return 0 ;;
	esac
	case $rest in
	'RESULT '*)
		read -r status name detail <<<"${rest#RESULT }"
		report "$status" "$name" "$detail"
		[ "$status" = FAIL ] && [[ $name == health.* ]] && HEALTH_REPORTED=1
		echo "$((SECONDS - RUN_T0)) $status $name" >>"$LOGDIR/timeline.txt"
		;;
	'SAY '*) [ "$RUN_MODE" = demo ] && printf '  %s\n' "${rest#SAY }" ;;
	'SAY') [ "$RUN_MODE" = demo ] && echo ;;
	'STEP '*) printf -- '-- [%3ds] %s\n' "$((SECONDS - RUN_T0))" "${rest#STEP }" ;;
	'INFO '*) printf '   %s\n' "${rest#INFO }" ;;
	'EXCERPT '*)
		# Lines of a kernel log excerpt under the FAIL line they belong to.
		printf '   | %s\n' "${rest#EXCERPT }"
		printf '   | %s\n' "${rest#EXCERPT }" >>"$LOGDIR/results.txt"
		;;
	'HMP '*) hmp_send "${rest#HMP }" ;;
	'LOG '*)
		rest=${rest#LOG }
		name=${rest%% *}
		case $name in */* | .*) return 0 ;; esac
		if [ "$rest" = "$name" ]; then echo >>"$LOGDIR/$name"; else printf '%s\n' "${rest#* }" >>"$LOGDIR/$name"; fi
		;;
	DONE*) RUN_DONE=1 ;;
	esac
	return 0
}

# health_serial LINE: a line of the serial log. dom0's kernel lines (they
# start with the printk time stamp; scenarios print other logs with a
# prefix) are kept as context; the first that matches HEALTH_RE starts an
# excerpt for health_overdue.
health_serial() {
	local l=$1
	[[ $l =~ ^\[\ *[0-9]+\.[0-9]+\]\  ]] || return 0
	if [ -n "$HEALTH_SEEN" ]; then
		[ "${#HEALTH_LINES[@]}" -lt 60 ] && HEALTH_LINES+=("$l")
	elif [[ $l =~ $HEALTH_RE ]] && [[ $l != *'traps: '* ]]; then
		HEALTH_SEEN=$SECONDS
		HEALTH_LINES=("${KLOG_CTX[@]}" "$l")
	fi
	KLOG_CTX+=("$l")
	[ "${#KLOG_CTX[@]}" -gt 6 ] && KLOG_CTX=("${KLOG_CTX[@]:1}")
	return 0
}

# True (and reported) when the serial log showed a dom0 kernel problem
# that dom0's health watch has not reported within HEALTH_GRACE seconds.
health_overdue() {
	[ -n "$HEALTH_SEEN" ] && [ "$HEALTH_REPORTED" = 0 ] || return 1
	[ $((SECONDS - HEALTH_SEEN)) -ge "$HEALTH_GRACE" ] || return 1
	local first l
	for l in "${HEALTH_LINES[@]}"; do
		[[ $l =~ $HEALTH_RE ]] && first=$l && break
	done
	report FAIL health.dom0-serial "${first:0:160} (on the serial console; dom0's health watch did not report it within ${HEALTH_GRACE} s: ending the run)"
	for l in "${HEALTH_LINES[@]}"; do
		printf '   | %s\n' "${l:0:220}"
		printf '   | %s\n' "${l:0:220}" >>"$LOGDIR/results.txt"
	done
	HEALTH_REPORTED=1
	return 0
}

# Log directory of this run (logs/<mode>-<backend>-<time>, with the symlink
# logs/<mode>-<backend> to the newest), run directory and payload.
prepare_run() {
	RUN_MODE=$1
	local stamp
	stamp=$(date +%Y%m%d-%H%M%S)
	LOGDIR=$VM_BUILD/logs/$RUN_MODE-$BACKEND-$stamp-$$
	RUN_DIR=$VM_BUILD/run/$$
	rm -rf "$RUN_DIR"
	mkdir -p "$LOGDIR" "$RUN_DIR"
	[ -L "$VM_BUILD/logs/$RUN_MODE-$BACKEND" ] || rm -rf "$VM_BUILD/logs/$RUN_MODE-$BACKEND"
	ln -sfn "${LOGDIR##*/}" "$VM_BUILD/logs/$RUN_MODE-$BACKEND"
	# Keep the ten newest runs, and every run still waiting or running
	# (its directory ends in the PID of its run.sh).
	find "$VM_BUILD/logs" -mindepth 1 -maxdepth 1 -type d -printf '%T@ %p\n' |
		sort -rn | tail -n +11 | cut -d' ' -f2- | while read -r d; do
		kill -0 "${d##*-}" 2>/dev/null || rm -rf "$d"
	done
	# shellcheck disable=SC2064
	trap "rm -rf '$RUN_DIR'; [ -n \"\${QEMU_PID:-}\" ] && kill \"\$QEMU_PID\" 2>/dev/null; [ -n \"\${MON_PID:-}\" ] && kill \"\$MON_PID\" 2>/dev/null; true" EXIT
	trap 'exit 130' INT TERM
	: >"$LOGDIR/results.txt"
	make_payload "$RUN_MODE"
}

run_vm() {
	local serial=$LOGDIR/serial.log
	# A clone with an older harness may have pruned it while we waited.
	mkdir -p "$LOGDIR"
	: >"$serial"
	qemu_cmd "$serial"
	info "booting $XEN_HV_PKG + dom0 ($KABI) in $QEMU_VERSION (TCG, BACKEND=$BACKEND, timeout ${VM_TIMEOUT}s);" \
		"serial log: $serial"
	local t0=$SECONDS qpid rc=0
	RUN_T0=$SECONDS
	rm -f "$RUN_DIR/mon.in" "$RUN_DIR/mon.out"
	mkfifo "$RUN_DIR/mon.in" "$RUN_DIR/mon.out"
	# Drain the monitor's answers so that QEMU never blocks on them.
	cat "$RUN_DIR/mon.out" >"$LOGDIR/monitor.log" 2>/dev/null &
	MON_PID=$!
	VM_BUILD=$VM_BUILD timeout -k 10 "$VM_TIMEOUT" "${QEMU_WRAP[@]}" "${QEMU_ARGS[@]}" \
		</dev/null >"$LOGDIR/qemu.log" 2>&1 &
	qpid=$!
	QEMU_PID=$qpid
	local seen=0 total crashed='' quiet_since=$SECONDS snapped='' health_killed=''
	while :; do
		local alive=1
		kill -0 "$qpid" 2>/dev/null || alive=0
		total=$(wc -l <"$serial")
		if [ "$total" -gt "$seen" ]; then
			local l
			while IFS= read -r l; do
				handle_line "$l"
				health_serial "$l"
			done < <(sed -n "$((seen + 1)),${total}p" "$serial" | tr -d '\r\000')
			# A guest's own lines that Xen prints ("(d5) ...": an HVM
			# guest's debug port, e.g. its kernel with earlyprintk=xen)
			# are not a crash of the machine.
			if [ -z "$crashed" ] && sed -n "$((seen + 1)),${total}p" "$serial" | grep -av '^(d[0-9]*) ' |
				grep -aqE "$CRASH_RE"; then
				crashed=$(sed -n "$((seen + 1)),${total}p" "$serial" | grep -av '^(d[0-9]*) ' |
					grep -aE "$CRASH_RE" | head -n1 | tr -d '\r')
			fi
			seen=$total
			quiet_since=$SECONDS
		fi
		[ "$alive" = 0 ] && break
		# Nothing on the serial console for VM_QUIET_SNAPSHOT seconds: the
		# machine may be wedged; keep evidence before VM_TIMEOUT kills it.
		if [ -z "$snapped" ] && [ $((SECONDS - quiet_since)) -ge "${VM_QUIET_SNAPSHOT:-240}" ]; then
			snapped=1
			report NOTE harness.quiet "no serial output for ${VM_QUIET_SNAPSHOT:-240} s; vCPU state in $LOGDIR/monitor.log"
			hmp_snapshot "serial quiet for $((SECONDS - quiet_since)) s"
		fi
		if [ -n "$crashed" ]; then
			sleep 3
			kill "$qpid" 2>/dev/null || true
		fi
		if [ -z "$health_killed" ] && health_overdue; then
			health_killed=1
			hmp_snapshot "dom0 health problem not reported by dom0"
			kill "$qpid" 2>/dev/null || true
		fi
		sleep 1
	done
	wait "$qpid" || rc=$?
	QEMU_PID=''
	kill "$MON_PID" 2>/dev/null || true
	wait "$MON_PID" 2>/dev/null || true
	MON_PID=''
	tar -xf "$RUN_DIR/logs.img" -C "$LOGDIR" 2>/dev/null ||
		warn "no logs from dom0 on the logs disk"
	# Lines written without a final newline.
	local last
	last=$(tail -c 2000 "$serial" | tr -d '\r\000' | tail -n1)
	[ -n "$last" ] && [ "$(tail -c1 "$serial" | od -An -c | tr -d ' ')" != '\n' ] && handle_line "$last"
	info "QEMU ran $((SECONDS - t0)) s (exit status $rc)"
	if [ -n "$crashed" ]; then
		report FAIL harness.dom0-alive "crash in the serial log: $crashed"
	elif [ -n "$health_killed" ]; then
		: # reported above (health.dom0-serial)
	elif [ "$RUN_DONE" != 1 ]; then
		if [ "$rc" = 124 ]; then
			report FAIL harness.finished "no result after ${VM_TIMEOUT}s (VM_TIMEOUT); last lines in $serial"
		else
			report FAIL harness.finished "the dom0 runner did not finish (QEMU exit $rc); see $serial"
		fi
	fi
	info "logs: $LOGDIR (serial.log = Xen + dom0 console; guest-*.log = guest consoles)"
	[ "$N_XFAIL" -gt 0 ] && echo "$N_XFAIL expected failures (XFAIL) of the in-tree xen-pciback"
	echo "$N_PASS passed, $N_FAIL failed"
	echo "$N_PASS passed, $N_FAIL failed" >>"$LOGDIR/results.txt"
	[ "$N_FAIL" = 0 ] && [ "$RUN_DONE" = 1 ]
}
