# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# make bench [BENCH_SECONDS=1] [BENCH_FUZZ_SECONDS=10]
# User-space figures in one table (BENCHMARKS.md): op-engine throughput
# over the simulated host (bench-core), per second of CPU time of one
# core, and executions per second of each libFuzzer target (clang; the
# targets are built by tests/fuzz/fuzz.mk, new inputs go to build/fuzz).

.PHONY: bench
bench: deps $(OPT_DIR)/bench-core fuzz-build
	@bash tests/bench/run.sh $(OPT_DIR)/bench-core $(FUZZ_OUT) \
		$(or $(BENCH_SECONDS),1) $(or $(BENCH_FUZZ_SECONDS),10) $(FUZZ_TARGETS)
