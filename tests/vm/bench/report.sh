#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The table of "make vmbench" from the raw figures of 70-bench.sh
# (lines "R ROUND BACKEND METRIC VALUE"): per metric and backend the
# median over rounds and the spread (min-max), and the ratio of the
# medians ours/in-tree. Exits 1 if there is nothing to report.
#   report.sh bench-raw.txt
set -u
raw=${1:?usage: report.sh bench-raw.txt}
[ -s "$raw" ] || { echo "vmbench: no figures in $raw"; exit 1; }

awk '
function med(key,    n, i, j, t, a) {
	n = cnt[key]
	for (i = 1; i <= n; i++) a[i] = val[key, i]
	for (i = 2; i <= n; i++)	# insertion sort, a handful of rounds
		for (j = i; j > 1 && a[j - 1] > a[j]; j--) { t = a[j]; a[j] = a[j - 1]; a[j - 1] = t }
	lo[key] = a[1]; hi[key] = a[n]
	return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
}
$1 == "R" {
	k = $3 SUBSEP $4
	val[k, ++cnt[k]] = $5
	if (!($4 in seen)) { seen[$4] = 1; order[++nm] = $4 }
}
END {
	desc["P1"] = "P1 config read, stock pcifront (us, median of reads)"
	desc["P1mean"] = "P1 config read, stock pcifront (us, mean of reads)"
	desc["P2"] = "P2 pcifront connect to device ready (ms)"
	desc["conf_read"] = "conf_read round trip, pcibk-probe (us)"
	desc["null"] = "null round trip, absent devfn (us)"
	desc["P3.1"] = "P3 enable_msix, 1 vector (us)"
	desc["P3.32"] = "P3 enable_msix, 32 vectors (us)"
	desc["P3.64"] = "P3 enable_msix, 64 vectors (us)"
	printf "%-52s %21s %21s %7s\n", "figure (rounds)", "in-tree median [min-max]", "ours median [min-max]", "ratio"
	for (i = 1; i <= nm; i++) {
		m = order[i]; a = "intree" SUBSEP m; b = "ours" SUBSEP m
		ta = tb = "-"; r = "-"
		if (cnt[a]) { ma = med(a); ta = sprintf("%.1f [%.1f-%.1f]", ma, lo[a], hi[a]) }
		if (cnt[b]) { mb = med(b); tb = sprintf("%.1f [%.1f-%.1f]", mb, lo[b], hi[b]) }
		if (cnt[a] && cnt[b] && ma > 0) r = sprintf("%.2f", mb / ma)
		printf "%-52s %21s %21s %7s\n", (m in desc ? desc[m] : m) " (" cnt[a] + 0 "/" cnt[b] + 0 ")", ta, tb, r
	}
}' "$raw"
