#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Run every test program given, show its output, and sum the
# "N passed, N failed" lines they print into one closing line. Exits
# non-zero if any program failed or printed no summary.
set -u
total_p=0
total_f=0
rc=0
for bin in "$@"; do
	echo "== $bin"
	out=$(mktemp)
	"$bin" 2>&1 | tee "$out"
	st=${PIPESTATUS[0]}
	line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$out" | tail -n 1)
	rm -f "$out"
	if [ -z "$line" ]; then
		echo "run-checks: $bin printed no summary (exit $st)"
		total_f=$((total_f + 1))
		rc=1
		continue
	fi
	p=${line%% passed*}
	f=${line#*, }
	f=${f%% failed*}
	total_p=$((total_p + p))
	total_f=$((total_f + f))
	if [ "$st" != 0 ] || [ "$f" != 0 ]; then
		rc=1
	fi
done
echo
echo "$total_p passed, $total_f failed"
exit $rc
