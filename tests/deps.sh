#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Install the Debian packages a part of the build needs, only if missing.
#   tests/deps.sh build     compilers and libxen-dev (make, make check)
#   tests/deps.sh fuzz      clang and the sanitizer runtimes
#   tests/deps.sh PKG...    any packages
set -euo pipefail

want=()
case "${1:-build}" in
build) want=(gcc make libxen-dev) ;;
fuzz) want=(clang libclang-rt-dev llvm) ;;
*) want=("$@") ;;
esac

missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' ||
		missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" != 0 ]; then
	echo "deps: missing packages: ${missing[*]} (run as root, or install them)" >&2
	exit 1
fi
echo "deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null; then
	apt-get update -q >/dev/null
	apt-get install -y --no-install-recommends "${missing[@]}" >/dev/null
fi
