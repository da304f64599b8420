#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Extract checkpatch.pl and the two data files it reads from Debian's
# linux-source-6.1 tarball into $1 (scripts/ under it). Installs
# linux-source-6.1 with apt-get when the tarball is missing.
set -eu

dest=$1
[ -f "$dest/scripts/checkpatch.pl" ] && exit 0
tarball=$(ls /usr/src/linux-source-6.1.tar.* 2>/dev/null | head -n 1 || true)
if [ -z "$tarball" ]; then
	echo "checkpatch-fetch.sh: installing linux-source-6.1" >&2
	sudo=
	[ "$(id -u)" = 0 ] || sudo=sudo
	$sudo apt-get install -y --no-install-recommends linux-source-6.1 >&2
	tarball=$(ls /usr/src/linux-source-6.1.tar.* | head -n 1)
fi
mkdir -p "$dest"
tar -xf "$tarball" -C "$dest" --strip-components=1 \
	linux-source-6.1/scripts/checkpatch.pl \
	linux-source-6.1/scripts/spelling.txt \
	linux-source-6.1/scripts/const_structs.checkpatch
