#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Print the version of this tree, for DKMS (/usr/src/xen-pciback-<ver>/)
# and the Debian packages: <tag>+<n>.g<commit> after a tag vX.Y (n commits
# since it), else 0.1+<n>.g<commit> (n commits in all), so that a later
# commit gets a higher version; ".dirty" when the tree has local changes.
# Outside a git checkout: 0.1.
set -eu

cd "$(dirname "$0")/../.."
d=$(git describe --tags --long --match 'v[0-9]*' --dirty=.dirty 2>/dev/null) || d=
case $d in
v[0-9]*)
	# v1.2-3-gabc1234[.dirty] -> 1.2+3.gabc1234[.dirty]
	echo "$d" | sed -e 's/^v//' -e 's/-\([0-9]*\)-g\([0-9a-f]*\)/+\1.g\2/'
	;;
*)
	c=$(git rev-parse --short HEAD 2>/dev/null) || { echo 0.1; exit 0; }
	n=$(git rev-list --count HEAD)
	dirty=
	git diff --quiet HEAD -- 2>/dev/null || dirty=.dirty
	echo "0.1+$n.g$c$dirty"
	;;
esac
