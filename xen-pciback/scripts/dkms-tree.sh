#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Lay out the DKMS source tree of xen-pciback.ko in DIR (emptied first):
# Kbuild and Kconfig, core/, linux/, probes/ and the module's own include/
# copy (a layout xen-pciback/Kbuild supports), and dkms.conf with VERSION in place
# of #MODULE_VERSION#. Used by "make dkms-install" (DIR is
# /usr/src/xen-pciback-VERSION) and by the xen-pciback-dkms package.
#   dkms-tree.sh DIR VERSION [MAKE-ARGUMENT]
# MAKE-ARGUMENT is added to DKMS's kernel make command, e.g.
# CONFIG_XEN_PCIBK_DEBUG=y for the debug module.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 DIR VERSION [MAKE-ARGUMENT]" >&2; exit 2; }
dir=$1 ver=$2 extra=${3:-}
top=$(cd "$(dirname "$0")/../.." && pwd)

rm -rf "$dir"
mkdir -p "$dir/core" "$dir/linux" "$dir/probes" "$dir/include/pcibk"
cp "$top/xen-pciback/Kbuild" "$top/xen-pciback/Kconfig" "$dir/"
cp "$top"/xen-pciback/core/*.c "$top"/xen-pciback/core/*.h "$dir/core/"
cp "$top"/xen-pciback/linux/*.c "$top"/xen-pciback/linux/*.h "$dir/linux/"
cp "$top"/xen-pciback/probes/*.c "$top"/xen-pciback/probes/run.sh "$dir/probes/"
cp "$top"/include/pcibk/*.h "$dir/include/pcibk/"
sed -e "s|#MODULE_VERSION#|$ver|" \
	-e "s|CONFIG_XEN_PCIBK=m modules|CONFIG_XEN_PCIBK=m${extra:+ $extra} modules|" \
	"$top/dkms.conf" >"$dir/dkms.conf"
