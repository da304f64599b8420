#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Print the kernel build directory to build the module against: the
# headers of the ABI Debian's current linux-image-amd64 depends on
# (derived now, never pinned). Installs linux-headers-<abi> with apt-get
# when they are missing.
set -eu

abi=$(apt-cache depends linux-image-amd64 2>/dev/null |
	sed -n 's/^ *Depends: linux-image-\([0-9].*\)$/\1/p' | head -n 1)
if [ -z "$abi" ]; then
	# No package lists: fall back to the installed headers meta-package.
	abi=$(dpkg-query -W -f '${Depends}' linux-headers-amd64 2>/dev/null |
		sed -n 's/.*linux-headers-\([0-9][^ ,]*\).*/\1/p')
fi
if [ -z "$abi" ]; then
	echo "kdir.sh: cannot derive the Debian kernel ABI (apt-cache depends linux-image-amd64); set KDIR=" >&2
	exit 1
fi
kdir=/lib/modules/$abi/build
if [ ! -f "$kdir/Makefile" ]; then
	echo "kdir.sh: installing linux-headers-$abi" >&2
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y --no-install-recommends "linux-headers-$abi" >&2
fi
if [ ! -f "$kdir/Makefile" ]; then
	echo "kdir.sh: $kdir is missing after installing linux-headers-$abi" >&2
	exit 1
fi
echo "$kdir"
