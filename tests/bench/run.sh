#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# "make bench": bench-core and the fuzz targets' exec/s as one table.
#   run.sh BENCH-CORE FUZZ-OUT SECONDS FUZZ-SECONDS TARGET...
# The fuzzers write new inputs to FUZZ-OUT/bench-corpus-<t> and only read
# the tree's corpus. Exits non-zero if a figure is missing.
set -u
core=$1 out=$2 secs=$3 fsecs=$4
shift 4
rc=0
log=$out/bench.log
mkdir -p "$out"

printf '%-40s %14s  %s\n' figure value unit
"$core" "$secs" >"$log" 2>&1 || rc=1
# "NAME   N ops/s   X ns/op" lines of bench-core
sed -n 's/^\(.*[^ ]\) \{2,\}\([0-9]\{1,\}\) ops\/s \{1,\}\([0-9.]*\) ns\/op$/\1|\2|\3/p' "$log" |
	while IFS='|' read -r name ops ns; do
		printf '%-40s %14s  %s\n' "$name" "$ops" "ops/s per core ($ns ns/op)"
	done
grep -q 'ops/s' "$log" || { cat "$log"; rc=1; }

for t in "$@"; do
	c=$out/bench-corpus-$t
	mkdir -p "$c"
	"$out/fuzz-$t" -max_total_time="$fsecs" -print_final_stats=1 \
		-dict="tests/fuzz/$t.dict" "$c" "tests/fuzz/corpus/$t" >"$out/bench-fuzz-$t.log" 2>&1
	eps=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$out/bench-fuzz-$t.log" | tail -n 1)
	if [ -z "$eps" ]; then
		eps='?'
		rc=1
	fi
	printf '%-40s %14s  %s\n' "fuzz target $t" "$eps" "exec/s, one core, ${fsecs} s (ASan+UBSan)"
done
exit $rc
