# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Top-level build. The portable core (xen-pciback/core/) is compiled here
# into a user-space library and linked with the simulated host (tests/sim/)
# for the unit tests, fuzzers and benchmarks. The kernel module, the QEMU +
# Xen harness, the fuzzers and the tools have fragments of their own,
# included at the end.
#
#   make            build the library, the tests and the tools
#   make check      install build deps if missing, build with ASan+UBSan,
#                   run every test; ends with "N passed, N failed"
#   make bench-core op-engine throughput over the simulated host
#   make bench      bench-core and fuzz exec/s in one table (BENCHMARKS.md)

BUILD		?= build
CC		?= cc
OPT		?= -O2
WARN		:= -Wall -Wextra -Werror
CPPFLAGS	+= -Iinclude -Itests/sim
CFLAGS_BASE	:= -std=gnu11 -g $(WARN) -fno-strict-aliasing
SAN		:= -fsanitize=address,undefined -fno-omit-frame-pointer \
		   -fno-sanitize-recover=all

CORE_SRCS	:= $(sort $(wildcard xen-pciback/core/*.c))
SIM_SRCS	:= $(sort $(wildcard tests/sim/*.c))
UNIT_SRCS	:= $(sort $(wildcard tests/unit/*.c))
HDRS		:= $(wildcard include/pcibk/*.h xen-pciback/core/*.h tests/sim/*.h \
		     tests/unit/*.h)

# Two flavours: "san" (tests: ASan + UBSan, -O1) and "opt" (benchmarks).
SAN_DIR		:= $(BUILD)/san
OPT_DIR		:= $(BUILD)/opt

san_obj = $(patsubst %.c,$(SAN_DIR)/%.o,$(1))
opt_obj = $(patsubst %.c,$(OPT_DIR)/%.o,$(1))

$(SAN_DIR)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_BASE) -O1 $(SAN) -c -o $@ $<

$(OPT_DIR)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_BASE) $(OPT) -DNDEBUG -c -o $@ $<

$(SAN_DIR)/libpcibk.a: $(call san_obj,$(CORE_SRCS))
	$(AR) rcs $@ $^

$(OPT_DIR)/libpcibk.a: $(call opt_obj,$(CORE_SRCS))
	$(AR) rcs $@ $^

$(SAN_DIR)/unit-tests: $(call san_obj,$(UNIT_SRCS) $(SIM_SRCS)) $(SAN_DIR)/libpcibk.a
	$(CC) $(SAN) -o $@ $^

# The session's op exclusion on threads, under ThreadSanitizer (tests/threads/).
# TSan does not model fences (-Wtsan says so): the orderings it checks here
# are the locks' and the atomic bit operations'.
TSAN_DIR	:= $(BUILD)/tsan
TSAN		:= -fsanitize=thread -fno-omit-frame-pointer
tsan_obj = $(patsubst %.c,$(TSAN_DIR)/%.o,$(1))

$(TSAN_DIR)/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_BASE) -Wno-tsan -O1 $(TSAN) -c -o $@ $<

$(TSAN_DIR)/session-threads: $(call tsan_obj,tests/threads/session_threads.c \
		tests/sim/sim.c tests/sim/session.c $(CORE_SRCS))
	$(CC) $(TSAN) -o $@ $^ -lpthread

$(OPT_DIR)/bench-core: $(call opt_obj,tests/bench/bench_core.c $(SIM_SRCS)) $(OPT_DIR)/libpcibk.a
	$(CC) -o $@ $^

.PHONY: all deps check check-build bench-core clean
all: $(SAN_DIR)/unit-tests

# Build dependencies (libxen-dev for Xen's io/pciif.h, compilers). Installs
# only what is missing, so a warm run costs a dpkg query.
deps:
	@bash tests/deps.sh build

# Every test binary is listed in CHECK_BINS by this file and the fragments;
# tests/run-checks.sh runs them and sums their "N passed, N failed" lines.
CHECK_BINS	:= $(SAN_DIR)/unit-tests $(TSAN_DIR)/session-threads
# Built before the tests run, but not run themselves.
CHECK_DEPS	:=

check-build: deps
	$(MAKE) --no-print-directory $(CHECK_BINS) $(CHECK_DEPS)

check: check-build
	@bash tests/run-checks.sh $(CHECK_BINS)

bench-core: deps $(OPT_DIR)/bench-core
	$(OPT_DIR)/bench-core

clean:
	rm -rf $(SAN_DIR) $(OPT_DIR)

-include tests/vm/vm.mk
-include xen-pciback/module.mk
-include tests/fuzz/fuzz.mk
-include tools/tools.mk
-include tools/pcibackctl/pcibackctl.mk
-include tests/bench/bench.mk
-include tests/vm/bench/vmbench.mk
