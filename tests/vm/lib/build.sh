# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Builds and caches everything the harness boots, from Debian's packages:
# Xen, the dom0/guest kernel, the dom0 root image, the initramfs images and
# the disks behind the emulated devices.  Sourced by run.sh.
# shellcheck shell=bash

HOST_PACKAGES=(qemu-system-x86 debootstrap cpio busybox-static e2fsprogs kmod
	gzip xz-utils tar coreutils)

# Bump a recipe number when the matching build step changes in a way its
# other inputs do not show (edits of this file do not invalidate the cache).
PACKAGES_RECIPE=1
ROOTFS_RECIPE=1
IMAGE_RECIPE=1

# Modules each image needs (their dependencies are added automatically).
DOM0_INITRD_MODULES=(virtio_pci virtio_blk ext4)
GUEST_MODULES=(xen-pcifront e1000e ahci nvme sd_mod)

# Parts of the kernel's module tree that dom0 never needs (keeps the image small).
MODULE_PRUNE=(kernel/drivers/gpu kernel/drivers/media kernel/drivers/net/wireless
	kernel/drivers/infiniband kernel/drivers/staging kernel/sound
	kernel/drivers/iio kernel/drivers/bluetooth kernel/net/bluetooth
	kernel/drivers/net/ethernet/mellanox kernel/drivers/scsi/lpfc
	kernel/drivers/scsi/qla2xxx kernel/drivers/input/touchscreen)

apt_lists_present() {
	compgen -G '/var/lib/apt/lists/*_Packages*' >/dev/null
}

APT_UPDATED=0
apt_update_once() {
	[ "$APT_UPDATED" = 1 ] && return 0
	info "apt-get update"
	apt-get update -q >/dev/null || apt-get update
	APT_UPDATED=1
}

ensure_host_packages() {
	local p missing=()
	for p in "${HOST_PACKAGES[@]}"; do
		dpkg-query -W -f='${Status}\n' "$p" 2>/dev/null | grep -q 'install ok installed' ||
			missing+=("$p")
	done
	[ ${#missing[@]} = 0 ] && return 0
	info "installing host packages: ${missing[*]}"
	apt_lists_present || apt_update_once
	if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
		"${missing[@]}"; then
		apt_update_once
		DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"${missing[@]}" || die "cannot install host packages: ${missing[*]}"
	fi
}

# Print "URI SUITE COMPONENTS..." for every 'deb' entry of the host's apt
# sources (one-line and deb822 formats) whose suite belongs to CODENAME.
host_apt_entries() {
	local codename=$1 f
	{
		[ -f /etc/apt/sources.list ] && cat /etc/apt/sources.list
		for f in /etc/apt/sources.list.d/*.list; do
			[ -f "$f" ] && cat "$f"
		done
	} | sed -e 's/#.*//' -e 's/\[[^]]*\]//' | awk '$1 == "deb" && NF >= 4 {
		printf "%s %s", $2, $3; for (i = 4; i <= NF; i++) printf " %s", $i; print "" }'
	for f in /etc/apt/sources.list.d/*.sources; do
		[ -f "$f" ] || continue
		awk 'function flush() {
			if (types ~ /(^| )deb( |$)/ && uris != "" && suites != "") {
				nu = split(uris, u, " "); ns = split(suites, s, " ")
				for (i = 1; i <= nu; i++) for (j = 1; j <= ns; j++)
					print u[i], s[j], comps
			}
			types = uris = suites = comps = ""; enabled = 1
		}
		BEGIN { enabled = 1 }
		/^[ \t]*#/ { next }
		/^[ \t]*$/ { if (enabled) flush(); else { types = uris = suites = comps = ""; enabled = 1 }; next }
		{
			key = tolower($1); sub(/:$/, "", key); $1 = ""; sub(/^ +/, "")
			if (key == "types") types = $0
			else if (key == "uris") uris = $0
			else if (key == "suites") suites = $0
			else if (key == "components") comps = $0
			else if (key == "enabled" && tolower($0) == "no") enabled = 0
		}
		END { if (enabled) flush() }' "$f"
	done | awk -v c="$codename" '$2 == c || index($2, c "-") == 1 || index($2, c "/") == 1'
}

# apt for the stack's packages. Native stack: the machine's own lists and
# sources. Another release: the machine's sources of its own release with
# the suite names changed (bookworm-security becomes trixie-security, same
# mirrors), in lists of the stack's own under $VM_BUILD/apt; the machine's
# apt configuration is not touched.
STACK_APT=()
stack_apt_setup() {
	STACK_APT=()
	[ "$STACK_NATIVE" = 1 ] && return 0
	local a=$VM_BUILD/apt
	mkdir -p "$a/lists/partial" "$a/cache/archives/partial"
	awk '{ printf "deb %s %s", $1, $2; for (i = 3; i <= NF; i++) printf " %s", $i; print "" }' \
		<<<"$APT_ENTRIES" >"$a/sources.list"
	STACK_APT=(-o "Dir::Etc::sourcelist=$a/sources.list" -o Dir::Etc::sourceparts=-
		-o "Dir::State::lists=$a/lists" -o "Dir::Cache=$a/cache" -o Dir::State::status=/dev/null
		-o APT::Get::List-Cleanup=0)
}

stack_lists_present() {
	if [ "$STACK_NATIVE" = 1 ]; then
		apt_lists_present
	else
		compgen -G "$VM_BUILD/apt/lists/*_Packages*" >/dev/null
	fi
}

STACK_APT_UPDATED=0
stack_apt_update_once() {
	if [ "$STACK_NATIVE" = 1 ]; then
		apt_update_once
		return
	fi
	[ "$STACK_APT_UPDATED" = 1 ] && return 0
	info "apt-get update ($VM_STACK lists, $VM_BUILD/apt)"
	apt-get "${STACK_APT[@]}" update -q >"$VM_BUILD/apt/update.log" 2>&1 || {
		cat "$VM_BUILD/apt/update.log" >&2
		die "apt-get update of the $VM_STACK lists failed"
	}
	STACK_APT_UPDATED=1
}

# The stack's kernel ABI and Xen packages.
stack_resolve() {
	local dep
	dep=$(apt-cache "${STACK_APT[@]}" depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)$/\1/p' | head -n1)
	[ -n "$dep" ] || return 1
	KABI=${dep#linux-image-}
	XEN_HV_PKG=$(apt-cache "${STACK_APT[@]}" depends xen-system-amd64 |
		sed -n 's/^ *Depends: \(xen-hypervisor-[0-9][^ ]*-amd64\)$/\1/p' | head -n1)
	XEN_UTILS_PKG=$(apt-cache "${STACK_APT[@]}" depends xen-system-amd64 |
		sed -n 's/^ *Depends: \(xen-utils-[0-9][^ ]*\)$/\1/p' | head -n1)
	[ -n "$XEN_HV_PKG" ] && [ -n "$XEN_UTILS_PKG" ]
}

derive_inputs() {
	CODENAME=$VM_STACK
	local entries
	entries=$(host_apt_entries "$HOST_CODENAME" | sort -u)
	if [ "$STACK_NATIVE" = 1 ]; then
		APT_ENTRIES=$entries
	else
		APT_ENTRIES=$(awk -v h="$HOST_CODENAME" -v c="$CODENAME" \
			'{ if ($2 == h) $2 = c; else if (index($2, h "-") == 1) $2 = c substr($2, length(h) + 1); print }' \
			<<<"$entries" | grep -v -- '-backports ' | sort -u)
	fi
	MIRROR=$(awk -v c="$CODENAME" '$2 == c { print $1; exit }' <<<"$APT_ENTRIES")
	[ -n "$MIRROR" ] || die "no 'deb <mirror> $HOST_CODENAME' entry in the host's apt sources"
	stack_apt_setup

	stack_lists_present || stack_apt_update_once
	if ! stack_resolve; then
		stack_apt_update_once
		stack_resolve || die "cannot derive the kernel ABI and Xen packages of $VM_STACK" \
			"('apt-cache depends linux-image-amd64 xen-system-amd64')"
	fi
	XEN_VER=${XEN_HV_PKG#xen-hypervisor-}
	XEN_VER=${XEN_VER%-amd64}
	KPKG_VER=$(apt-cache "${STACK_APT[@]}" policy "linux-image-$KABI" | sed -n 's/^ *Candidate: //p')
	XPKG_VER=$(apt-cache "${STACK_APT[@]}" policy "$XEN_HV_PKG" | sed -n 's/^ *Candidate: //p')
	info "stack $VM_STACK: kernel ABI $KABI ($KPKG_VER), $XEN_HV_PKG ($XPKG_VER), mirror $MIRROR"
}

apt_download() {
	(cd "$VM_BUILD/debs" && apt-get "${STACK_APT[@]}" download -q "$@" >/dev/null 2>&1) && return 0
	stack_apt_update_once
	(cd "$VM_BUILD/debs" && apt-get "${STACK_APT[@]}" download -q "$@") || die "apt-get download $* failed"
}

# Kernel and hypervisor packages, extracted under $PKGROOT.
fetch_packages() {
	PKGROOT=$VM_BUILD/pkg
	local key
	key=$(hash_of -s "$KABI $KPKG_VER $XEN_HV_PKG $XPKG_VER recipe-$PACKAGES_RECIPE")
	if stamp_ok packages "$key" && [ -f "$PKGROOT/boot/vmlinuz-$KABI" ]; then
		return 0
	fi
	info "downloading and extracting linux-image-$KABI and $XEN_HV_PKG"
	rm -rf "$VM_BUILD/debs" "$PKGROOT"
	mkdir -p "$VM_BUILD/debs" "$PKGROOT"
	chown _apt "$VM_BUILD/debs" 2>/dev/null || true
	apt_download "linux-image-$KABI" "$XEN_HV_PKG"
	local d
	for d in "$VM_BUILD"/debs/*.deb; do
		dpkg -x "$d" "$PKGROOT"
	done
	# Debian 13's kernel keeps its modules in /usr/lib/modules (merged
	# /usr): give depmod and modprobe -d the /lib/modules they look for.
	if [ ! -e "$PKGROOT/lib" ] && [ -d "$PKGROOT/usr/lib/modules" ]; then
		ln -s usr/lib "$PKGROOT/lib"
	fi
	depmod -b "$PKGROOT" "$KABI"
	gzip -dc "$PKGROOT"/boot/xen-*.gz >"$VM_BUILD/xen"
	cp "$PKGROOT/boot/vmlinuz-$KABI" "$VM_BUILD/vmlinuz"
	rm -rf "$VM_BUILD/debs"
	stamp_set packages "$key"
}

chroot_run() {
	local root=$1
	shift
	mount -t proc proc "$root/proc"
	local rc=0
	chroot "$root" /usr/bin/env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin \
		DEBIAN_FRONTEND=noninteractive LC_ALL=C "$@" || rc=$?
	umount "$root/proc"
	return $rc
}

# Debian minbase + the Xen toolstack: the slow step, cached on its own.
build_rootfs_base() {
	ROOTFS=$VM_BUILD/rootfs
	local key
	key=$(hash_of -s "$CODENAME $MIRROR $XEN_UTILS_PKG $XPKG_VER" -s "$APT_ENTRIES" \
		-s "recipe-$ROOTFS_RECIPE")
	stamp_ok rootfs-base "$key" && [ -x "$ROOTFS/usr/sbin/xl" ] && return 0
	stamp_clear rootfs-modules
	info "debootstrap $CODENAME from $MIRROR (about a minute)"
	if mountpoint -q "$ROOTFS/proc" 2>/dev/null; then umount "$ROOTFS/proc"; fi
	rm -rf "$ROOTFS"
	mkdir -p "$ROOTFS"
	debootstrap --variant=minbase --include=kmod,pciutils,iproute2,procps \
		"$CODENAME" "$ROOTFS" "$MIRROR" >"$VM_BUILD/debootstrap.log" 2>&1 ||
		die "debootstrap failed, see $VM_BUILD/debootstrap.log"
	awk '{ printf "deb %s %s", $1, $2; for (i = 3; i <= NF; i++) printf " %s", $i; print "" }' \
		<<<"$APT_ENTRIES" >"$ROOTFS/etc/apt/sources.list"
	printf '#!/bin/sh\nexit 101\n' >"$ROOTFS/usr/sbin/policy-rc.d"
	chmod 755 "$ROOTFS/usr/sbin/policy-rc.d"
	info "installing $XEN_UTILS_PKG in the dom0 root"
	chroot_run "$ROOTFS" sh -c "apt-get update -q && apt-get install -y -q \
		--no-install-recommends $XEN_UTILS_PKG xenstore-utils pciutils && apt-get clean" \
		>"$VM_BUILD/rootfs-apt.log" 2>&1 || die "apt-get in the dom0 root failed, see $VM_BUILD/rootfs-apt.log"
	rm -rf "$ROOTFS"/var/lib/apt/lists/* "$ROOTFS"/usr/share/doc/* "$ROOTFS"/usr/share/man/*
	# Guest consoles go to files that the runner reads and copies to the serial log.
	echo 'XENCONSOLED_ARGS="--log=guest --log-dir=/var/log/xen/console"' >>"$ROOTFS/etc/default/xen"
	echo dom0 >"$ROOTFS/etc/hostname"
	stamp_set rootfs-base "$key"
}

# The kernel's modules in the dom0 root, then the ext4 image of it.
build_dom0_image() {
	local key
	key=$(hash_of -s "$(cat "$VM_BUILD/stamps/rootfs-base")" -s "$KABI $KPKG_VER" \
		-s "recipe-$IMAGE_RECIPE ${MODULE_PRUNE[*]}")
	stamp_ok dom0-image "$key" && [ -f "$VM_BUILD/dom0.img" ] && return 0
	info "dom0 image: modules of $KABI, mke2fs"
	rm -rf "$ROOTFS/lib/modules"
	mkdir -p "$ROOTFS/lib/modules"
	cp -a "$PKGROOT/lib/modules/$KABI" "$ROOTFS/lib/modules/"
	local p
	for p in "${MODULE_PRUNE[@]}"; do
		rm -rf "${ROOTFS:?}/lib/modules/$KABI/$p"
	done
	depmod -b "$ROOTFS" "$KABI"
	local mb
	mb=$(du -sm "$ROOTFS" | cut -f1)
	rm -f "$VM_BUILD/dom0.img"
	mke2fs -q -F -t ext4 -L dom0 -d "$ROOTFS" "$VM_BUILD/dom0.img" "$((mb + 256))M" ||
		die "mke2fs of the dom0 image failed"
	stamp_set dom0-image "$key"
}

# Copy a binary and the shared libraries it needs from ROOT into DEST.
copy_with_libs() {
	local root=$1 dest=$2 bin=$3 lib
	mkdir -p "$dest$(dirname "$bin")"
	cp -L "$root$bin" "$dest$bin"
	for lib in $(chroot "$root" ldd "$bin" 2>/dev/null | grep -o '/[^ ]*'); do
		[ -e "$root$lib" ] || continue
		mkdir -p "$dest$(dirname "$lib")"
		cp -L "$root$lib" "$dest$lib"
	done
}

# Copy modules and their dependencies into an initramfs tree; list the
# load order (one path per line) in $dest/modules.order.
copy_modules() {
	local dest=$1 m path
	shift
	: >"$dest/modules.load"
	for m in "$@"; do
		modprobe -d "$PKGROOT" -S "$KABI" --show-depends "$m" |
			awk '$1 == "insmod" { print $2 }'
	done | awk '!seen[$0]++' | while read -r path; do
		local rel=${path#"$PKGROOT"}
		rel=${rel%.xz}
		mkdir -p "$dest$(dirname "$rel")"
		module_copy "$path" "$dest$rel"
		echo "$rel" >>"$dest/modules.load"
	done
}

# module_copy FILE DEST: a module as a plain .ko (Debian 13 ships them
# xz-compressed; the initramfs images load them with busybox's insmod).
module_copy() {
	case $1 in
	*.ko.xz) xz -dc "$1" >"$2" ;;
	*) cp "$1" "$2" ;;
	esac
}

# module_find NAME: the file of module NAME in the stack's kernel package.
module_find() {
	find "$PKGROOT/lib/modules/$KABI/" \( -name "$1.ko" -o -name "$1.ko.xz" \) | head -n 1
}

make_cpio() {
	local dir=$1 out=$2
	(cd "$dir" && find . -print0 | cpio --null -o -H newc --quiet) | gzip -1 >"$out.tmp"
	mv "$out.tmp" "$out"
}

busybox_into() {
	local dest=$1
	mkdir -p "$dest/bin" "$dest/sbin" "$dest/proc" "$dest/sys" "$dest/dev" "$dest/tmp" "$dest/run"
	cp /bin/busybox "$dest/bin/busybox"
	ln -sf busybox "$dest/bin/sh"
}

build_dom0_initrd() {
	local key
	key=$(hash_of -s "$KABI $KPKG_VER" -f "$VM_SRC/lib/build.sh" "$VM_SRC/dom0/initrd-init" /bin/busybox)
	stamp_ok dom0-initrd "$key" && [ -f "$VM_BUILD/dom0-initrd.cpio.gz" ] && return 0
	info "dom0 initramfs"
	local t=$VM_BUILD/tmp/dom0-initrd
	rm -rf "$t"
	mkdir -p "$t/newroot"
	busybox_into "$t"
	copy_modules "$t" "${DOM0_INITRD_MODULES[@]}"
	install -m 755 "$VM_SRC/dom0/initrd-init" "$t/init"
	make_cpio "$t" "$VM_BUILD/dom0-initrd.cpio.gz"
	rm -rf "$t"
	stamp_set dom0-initrd "$key"
}

build_guest_initrd() {
	local key
	key=$(hash_of -s "$KABI $KPKG_VER" -s "$(cat "$VM_BUILD/stamps/rootfs-base")" \
		-f "$VM_SRC/lib/build.sh" /bin/busybox -d "$VM_SRC/guest" -d "$VM_EXTRA")
	stamp_ok guest-initrd "$key" && [ -f "$VM_BUILD/guest-initrd.cpio.gz" ] && return 0
	info "guest initramfs"
	local t=$VM_BUILD/tmp/guest-initrd b
	rm -rf "$t"
	mkdir -p "$t"
	busybox_into "$t"
	copy_modules "$t" "${GUEST_MODULES[@]}"
	for b in /usr/bin/lspci /usr/bin/xenstore-read /usr/bin/xenstore-write \
		/usr/bin/xenstore-watch /usr/bin/xenstore-rm /usr/bin/xenstore-ls; do
		[ -e "$ROOTFS$b" ] || continue
		copy_with_libs "$ROOTFS" "$t" "$b"
	done
	mkdir -p "$t/usr/share/misc" "$t/lib/pcibk"
	[ -f "$ROOTFS/usr/share/misc/pci.ids" ] && cp "$ROOTFS/usr/share/misc/pci.ids" "$t/usr/share/misc/"
	install -m 755 "$VM_SRC/guest/init" "$t/init"
	cp "$VM_SRC"/guest/*.sh "$t/lib/pcibk/"
	if [ -d "$VM_EXTRA" ]; then
		mkdir -p "$t/extra"
		cp -a "$VM_EXTRA/." "$t/extra/"
	fi
	make_cpio "$t" "$VM_BUILD/guest-initrd.cpio.gz"
	rm -rf "$t"
	stamp_set guest-initrd "$key"
}

# Backing files of the emulated nvme and ahci disks.
build_disks() {
	mkdir -p "$VM_BUILD/disks"
	local d
	for d in nvme ahci; do
		if [ ! -f "$VM_BUILD/disks/$d.img" ]; then
			# Non-zero content so that reads really move data.
			head -c 64M /dev/urandom >"$VM_BUILD/disks/$d.img"
		fi
	done
}

# The guests' test module (tests/vm/kmod: pcibk_irqtest.ko, used by
# scenarios/56-overbudget.sh), built against linux-headers-$KABI (installed
# with apt-get when missing): dom0 and the guests run the same kernel.
# Set by build_guest_kmod, used by make_payload (qemu.sh).
# shellcheck disable=SC2034
GUEST_KMOD=''
# shellcheck disable=SC2034 # GUEST_KMOD: used by qemu.sh
build_guest_kmod() {
	local src=$VM_SRC/kmod out=$VM_BUILD/kmod kdir=/lib/modules/$KABI/build key vm
	key=$(hash_of -d "$src" -s "$KABI $KPKG_VER")
	if stamp_ok guest-kmod "$key" && [ -f "$out/pcibk_irqtest.ko" ]; then
		GUEST_KMOD=$out/pcibk_irqtest.ko
		return 0
	fi
	if [ "$STACK_NATIVE" = 0 ]; then
		info "guest test module: pcibk_irqtest.ko for $KABI (in the $VM_STACK dom0 root)"
		rm -rf "$out"
		mkdir -p "$out"
		if ! stack_guest_kmod "$out"; then
			tail -n 20 "$out/build.log" >&2
			warn "the guest test module did not build (see $out/build.log)"
			return 0
		fi
	elif [ ! -f "$kdir/Makefile" ]; then
		info "installing linux-headers-$KABI (for the guests' test module)"
		apt_lists_present || apt_update_once
		if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
			"linux-headers-$KABI" >/dev/null; then
			apt_update_once
			DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends \
				"linux-headers-$KABI" >/dev/null ||
				warn "cannot install linux-headers-$KABI: no guest test module"
		fi
	fi
	if [ "$STACK_NATIVE" = 1 ]; then
		[ -f "$kdir/Makefile" ] || return 0
		info "guest test module: pcibk_irqtest.ko for $KABI"
		rm -rf "$out"
		mkdir -p "$out"
		cp "$src"/* "$out/"
		if ! make -C "$kdir" M="$out" modules >"$out/build.log" 2>&1; then
			tail -n 20 "$out/build.log" >&2
			warn "the guest test module did not build (see $out/build.log)"
			return 0
		fi
	fi
	vm=$(modinfo -F vermagic "$out/pcibk_irqtest.ko" 2>/dev/null)
	if [ "${vm%% *}" != "$KABI" ]; then
		warn "guest test module built for '${vm%% *}', not $KABI"
		return 0
	fi
	GUEST_KMOD=$out/pcibk_irqtest.ko
	stamp_set guest-kmod "$key"
}

build_all() {
	mkdir -p "$VM_BUILD" "$VM_EXTRA"
	derive_inputs
	fetch_packages
	build_rootfs_base
	build_dom0_image
	build_dom0_initrd
	build_guest_initrd
	build_disks
	build_guest_kmod
	prepare_qemu
}

# Set by prepare_our_module, used by make_payload (qemu.sh).
# shellcheck disable=SC2034
OUR_KO=''

# BACKEND=ours: make sure $PCIBK_KO exists, is named xen-pciback and was
# built for the dom0 kernel.  Runs "$MAKE module" when that target exists.
prepare_our_module() {
	local ko=$PCIBK_KO rc=0
	case $ko in /*) ;; *) ko=$REPO_ROOT/$ko ;; esac
	# Another release's kernel: the default module is built for it in
	# its dom0 root (lib/dkms.sh, stack_module), not by the host's make.
	if [ "$STACK_NATIVE" = 0 ] && [ "$PCIBK_KO" = xen-pciback/xen-pciback.ko ]; then
		stack_module || true
		ko=$STACK_KO
	fi
	# The default module file is the 'module' target's: (re)build it when
	# that target exists.  A file given explicitly is used as it is.
	if [ "$PCIBK_KO" = xen-pciback/xen-pciback.ko ] && [ "$STACK_NATIVE" = 1 ]; then
		(cd "$REPO_ROOT" && $MAKE -q module >/dev/null 2>&1) || rc=$?
		if [ "$rc" = 2 ]; then
			[ -f "$ko" ] || warn "BACKEND=ours: $ko does not exist and the top-level" \
				"Makefile has no 'module' target to build it"
		elif [ "$rc" != 0 ]; then
			info "building the module: $MAKE module"
			(cd "$REPO_ROOT" && $MAKE module) || warn "'$MAKE module' failed"
		fi
	fi
	if [ ! -f "$ko" ]; then
		warn "BACKEND=ours: module file $ko not found (set PCIBK_KO=<path to xen-pciback.ko>)"
		return 1
	fi
	local name vermagic
	name=$(modinfo -F name "$ko" 2>/dev/null || true)
	vermagic=$(modinfo -F vermagic "$ko" 2>/dev/null || true)
	if [ "$name" != xen_pciback ] && [ "$name" != xen-pciback ]; then
		warn "BACKEND=ours: $ko is named '$name', it must be named xen-pciback"
		return 1
	fi
	if [ "${vermagic%% *}" != "$KABI" ]; then
		warn "BACKEND=ours: $ko was built for '${vermagic%% *}', dom0 runs $KABI" \
			"(build it against linux-headers-$KABI)"
		return 1
	fi
	# shellcheck disable=SC2034 # used by qemu.sh
	OUR_KO=$ko
	info "BACKEND=ours: $ko ($vermagic)"
}
