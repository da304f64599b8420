#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Drive the fuzz targets (docs/fuzzing.md). Called by tests/fuzz/fuzz.mk:
#   run.sh libfuzzer OUT SECONDS TARGET...  run each target SECONDS, print
#                                           exec/s and coverage per target,
#                                           each finding's input in base64,
#                                           "fuzz: N passed, N failed"
#                                           (make fuzz, make fuzz-ci)
#   run.sh merge OUT 0 TARGET...            minimize OUT/corpus-<t> and the
#                                           saved corpus into the tree
#   run.sh afl OUT SECONDS TARGET...        AFL++ build and run (skips if
#                                           afl++ cannot be installed)
#   run.sh cov OUT 0 TARGET...              llvm-cov report of the core
# New inputs go to OUT/corpus-<t>; the tree's corpus is only read, except
# by "merge". Fuzzers run under nice -n 10 (a shared machine).
set -u
mode=$1 out=$2 secs=$3
shift 3
dir=tests/fuzz
rc=0
# The engine's sources (fuzz.mk's FUZZ_LIB_SRCS), for the builds made here.
lib=("$dir"/harness.c "$dir"/check.c "$dir"/build.c "$dir"/parse.c
     "$dir"/intx.c "$dir"/show.c "$dir"/aer.c "$dir"/session.c)

passed=0 failed=0

stat() { sed -n "s/^stat::$1: *//p" "$2" | tail -n 1; }

# A finding, so that it can be reproduced from the log alone (a CI
# machine's build directory is gone afterwards): the input in base64 and
# the commands that replay it.
report_finding() {
	local t=$1 log=$2 st=$3 f
	echo "fuzz $t: FAILED (exit $st):"
	grep -a -E 'invariant violated|ERROR:|SUMMARY' "$log" | head -n 5
	f=$(sed -n 's/^.*Test unit written to \(.*\)$/\1/p' "$log" | tail -n 1)
	if [ -z "$f" ] || [ ! -f "$f" ]; then
		echo "fuzz $t: no input written; the end of $log:"
		tail -n 20 "$log"
		return
	fi
	echo "fuzz $t: input $f ($(wc -c <"$f") bytes), base64:"
	base64 -w0 "$f"
	echo
	echo "fuzz $t: reproduce: make fuzz-build && FZ_TRACE=1 $out/fuzz-$t $f"
	echo "fuzz $t:   elsewhere: echo '<the base64 above>' | base64 -d >$t.in &&" \
		"make fuzz-build && FZ_TRACE=1 $out/fuzz-$t $t.in"
	echo "fuzz $t:   once fixed, keep it: cp $f $dir/corpus/$t/regress-<name>" \
		"(make check replays it)"
}

run_libfuzzer() {
	local t=$1 log="$out/fuzz-$t.log" execs eps cov
	mkdir -p "$out/corpus-$t"
	# -timeout: one input takes milliseconds; a hang is a finding, and
	# must not outlast the run (libFuzzer's default is 1200 s).
	nice -n 10 "$out/fuzz-$t" -max_total_time="$secs" -print_final_stats=1 \
		-timeout=30 -dict="$dir/$t.dict" -artifact_prefix="$out/crash-$t-" \
		"$out/corpus-$t" "$dir/corpus/$t" >"$log" 2>&1
	local st=$?
	execs=$(stat number_of_executed_units "$log")
	eps=$(stat average_exec_per_sec "$log")
	cov=$(grep -a -o 'cov: [0-9]*' "$log" | tail -n 1)
	echo "fuzz $t: ${secs}s, ${execs:-0} execs, ${eps:-0} exec/s, ${cov:-cov: ?} edges," \
		"corpus $(find "$out/corpus-$t" -type f | wc -l) files (log $log)"
	if [ $st != 0 ]; then
		report_finding "$t" "$log" "$st"
		failed=$((failed + 1))
		rc=1
	else
		passed=$((passed + 1))
	fi
}

merge() {
	local t=$1 tmp="$out/merge-$t" keep f
	rm -rf "$tmp"
	mkdir -p "$tmp" "$out/corpus-$t"
	# Edges only (-use_counters=0): a small corpus that keeps the coverage.
	"$out/fuzz-$t" -merge=1 -use_counters=0 "$tmp" "$dir/corpus/$t" \
		"$out/corpus-$t" >"$out/merge-$t.log" 2>&1 || { rc=1; return; }
	# Hand-made seeds and regression inputs stay, by name.
	find "$dir/corpus/$t" -type f ! -name 'seed-*' ! -name 'regress-*' -delete
	keep=$(find "$dir/corpus/$t" -type f -exec sha1sum {} + | cut -d' ' -f1)
	for f in "$tmp"/*; do
		[ -s "$f" ] || continue
		grep -qx "$(basename "$f")" <<<"$keep" && continue
		cp "$f" "$dir/corpus/$t/"
	done
	echo "merge $t: $(find "$dir/corpus/$t" -type f | wc -l) files," \
		"$(cat "$dir/corpus/$t"/* | wc -c) bytes"
}

afl() {
	local t=$1 bin="$out/afl/fuzz-$t"
	if ! command -v afl-clang-fast >/dev/null; then
		bash tests/deps.sh afl++ >/dev/null 2>&1 || true
	fi
	if ! command -v afl-clang-fast >/dev/null; then
		echo "afl $t: afl++ is not installed and could not be installed: skipped"
		return
	fi
	mkdir -p "$out/afl"
	if [ ! -x "$bin" ] || [ -n "$(find xen-pciback/core tests/sim $dir -newer "$bin" -name '*.[ch]')" ]; then
		AFL_USE_ASAN=1 AFL_USE_UBSAN=1 AFL_QUIET=1 afl-clang-fast -std=gnu11 -g -O1 \
			-Iinclude -Itests/sim -fsanitize=fuzzer \
			-DFZ_TARGET_MODE="FZ_MODE_$(echo "$t" | tr a-z A-Z)" -o "$bin" \
			"$dir/target.c" "${lib[@]}" \
			tests/sim/*.c xen-pciback/core/*.c || { rc=1; return; }
	fi
	[ "$secs" -gt 0 ] || return
	AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_UI=1 \
		nice -n 10 afl-fuzz -V "$secs" -i "$dir/corpus/$t" -o "$out/afl-$t" \
		-x "$dir/$t.dict" -- "$bin" >"$out/afl-$t.log" 2>&1
	local s="$out/afl-$t/default/fuzzer_stats"
	if [ -f "$s" ]; then
		echo "afl $t: $(sed -n 's/^execs_done *: //p' "$s") execs," \
			"$(sed -n 's/^execs_per_sec *: //p' "$s") exec/s," \
			"$(sed -n 's/^bitmap_cvg *: //p' "$s") map coverage," \
			"$(sed -n 's/^saved_crashes *: //p' "$s") crashes"
	else
		echo "afl $t: no stats (see $out/afl-$t.log)"
		rc=1
	fi
}

cov() {
	local t=$1 bin="$out/cov/fuzz-$t" prof="$out/cov/$t.profdata"
	mkdir -p "$out/cov"
	clang -std=gnu11 -g -O1 -Iinclude -Itests/sim -fsanitize=fuzzer \
		-fprofile-instr-generate -fcoverage-mapping \
		-DFZ_TARGET_MODE="FZ_MODE_$(echo "$t" | tr a-z A-Z)" -o "$bin" \
		"$dir/target.c" "${lib[@]}" \
		tests/sim/*.c xen-pciback/core/*.c || { rc=1; return; }
	LLVM_PROFILE_FILE="$out/cov/$t.profraw" "$bin" -runs=0 "$dir/corpus/$t" \
		>"$out/cov/$t.log" 2>&1
	llvm-profdata merge -sparse "$out/cov/$t.profraw" -o "$prof"
	echo "coverage of xen-pciback/core by the $t corpus:"
	llvm-cov report "$bin" -instr-profile="$prof" xen-pciback/core | tail -n 1
}

for t in "$@"; do
	case $mode in
	libfuzzer) run_libfuzzer "$t" ;;
	merge) merge "$t" ;;
	afl) afl "$t" ;;
	cov) cov "$t" ;;
	*) echo "run.sh: unknown mode $mode" >&2; exit 2 ;;
	esac
done
# One pass or fail per target, the line .ci/run's stages add up.
case $mode in
libfuzzer) echo "fuzz: $passed passed, $failed failed" ;;
esac
exit $rc
