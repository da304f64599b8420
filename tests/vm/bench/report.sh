#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# The table of "make vmbench" from the raw figures of 70-bench.sh
# (lines "R ROUND BACKEND METRIC VALUE"), in Markdown: per metric and
# backend the median over rounds and the spread (min-max), and the ratio
# of each backend's median to the in-tree driver's. Exits 1 if there is
# nothing to report.
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
	if (!($3 in bseen)) { bseen[$3] = 1; bk[++nb] = $3 }
}
END {
	desc["P1"] = "P1 config read, pcifront (us, median read)"
	desc["P1mean"] = "P1 config read, pcifront (us, mean read)"
	desc["P2"] = "P2 pcifront connect to ready (ms)"
	desc["conf_read"] = "conf_read round trip, probe (us)"
	desc["null"] = "null round trip, absent devfn (us)"
	desc["P3.1"] = "P3 enable_msix 1 vector (us)"
	desc["P3.32"] = "P3 enable_msix 32 vectors (us)"
	desc["P3.64"] = "P3 enable_msix 64 vectors (us)"
	desc["P3.128"] = "P3 enable_msix 128 vectors (us)"
	desc["boot.ops"] = "guest boot to driver bound: requests (ours)"
	desc["boot.fast"] = "guest boot to driver bound: answered in the handler (ours)"
	desc["D.handler"] = "dom0, P1 request: event handler (us)"
	desc["D.wake"] = "dom0, P1 request: worker wake-up (us)"
	desc["D.worker"] = "dom0, P1 request: worker (us)"
	desc["D.total"] = "dom0, P1 request: event to answer (us)"
	desc["D.fast"] = "dom0, P1 requests answered in the handler (%)"
	# in-tree first: the ratios are to it
	for (i = 1; i <= nb; i++) if (bk[i] == "intree") { t = bk[1]; bk[1] = bk[i]; bk[i] = t }
	printf "| figure | rounds |"
	for (i = 1; i <= nb; i++) printf " %s median [min-max] |", bk[i]
	for (i = 2; i <= nb; i++) printf " %s/%s |", bk[i], bk[1]
	printf "\n|---|---|"
	for (i = 1; i < 2 * nb; i++) printf "---|"
	printf "\n"
	for (j = 1; j <= nm; j++) {
		m = order[j]
		n = 0
		for (i = 1; i <= nb; i++) if (cnt[bk[i] SUBSEP m] > n) n = cnt[bk[i] SUBSEP m]
		printf "| %s | %d |", (m in desc ? desc[m] : m), n
		for (i = 1; i <= nb; i++) {
			k = bk[i] SUBSEP m
			if (cnt[k]) { md[i] = med(k); printf " %.1f [%.1f-%.1f] |", md[i], lo[k], hi[k] }
			else { md[i] = 0; printf " - |" }
		}
		# shares and counts: no ratio
		noratio = m ~ /^(D\.fast|boot\.)/
		for (i = 2; i <= nb; i++)
			printf (!noratio && md[1] > 0 && md[i] > 0 ? " %.2f |" : " - |"), md[i] / (md[1] > 0 ? md[1] : 1)
		printf "\n"
	}
}' "$raw"
