# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Fuzzing the portable core over the simulated host (docs/fuzzing.md).
#   make check               also replays the saved corpus (fuzz-replay,
#                            gcc or cc, ASan + UBSan, no clang needed)
#   make fuzz FUZZ_SECONDS=N run each libFuzzer target N seconds, print
#                            exec/s and coverage (installs clang if missing)
#   make fuzz-ci             CI (.ci/run): each target FUZZ_CI_SECONDS (60);
#                            a finding fails, its input printed in base64
#   make fuzz-build          build the libFuzzer targets only
#   make fuzz-afl            AFL++ build and run (skipped if afl++ is absent)
#   make fuzz-cov            llvm-cov line coverage of xen-pciback/core
#                            from the saved corpus
#   make fuzz-merge          minimize build/fuzz/corpus-<t> into the tree
# OSS-Fuzz: make fuzz-build FUZZ_CC="$CC" FUZZ_CFLAGS="$CFLAGS"
#   (LIB_FUZZING_ENGINE is taken from the environment).

FUZZ_DIR	:= tests/fuzz
FUZZ_TARGETS	:= ops ring parse
FUZZ_SECONDS	?= 60
FUZZ_CI_SECONDS	?= 60
FUZZ_LIB_SRCS	:= $(FUZZ_DIR)/harness.c $(FUZZ_DIR)/check.c $(FUZZ_DIR)/build.c \
		   $(FUZZ_DIR)/parse.c $(FUZZ_DIR)/intx.c $(FUZZ_DIR)/show.c \
		   $(FUZZ_DIR)/aer.c $(FUZZ_DIR)/session.c
FUZZ_HDRS	:= $(FUZZ_DIR)/harness.h
FUZZ_OUT	:= $(BUILD)/fuzz
FUZZ_CC		?= clang
FUZZ_SANFLAGS	?= -fsanitize=address,undefined -fno-sanitize-recover=all \
		   -fno-omit-frame-pointer
FUZZ_CFLAGS	?= -O1 $(FUZZ_SANFLAGS) -fsanitize=fuzzer-no-link
LIB_FUZZING_ENGINE ?= -fsanitize=fuzzer
FZ_MODE_ops	:= FZ_MODE_OPS
FZ_MODE_ring	:= FZ_MODE_RING
FZ_MODE_parse	:= FZ_MODE_PARSE

# ---- corpus replay in "make check" (the normal compiler)
FUZZ_REPLAY_OBJS := $(call san_obj,$(FUZZ_DIR)/replay.c $(FUZZ_LIB_SRCS))
$(FUZZ_REPLAY_OBJS): $(FUZZ_HDRS)
$(call san_obj,$(FUZZ_DIR)/replay.c): CPPFLAGS += -DFZ_CORPUS_DIR='"$(FUZZ_DIR)/corpus"'

$(SAN_DIR)/fuzz-replay: $(FUZZ_REPLAY_OBJS) $(call san_obj,$(SIM_SRCS)) $(SAN_DIR)/libpcibk.a
	$(CC) $(SAN) -o $@ $^

CHECK_BINS	+= $(SAN_DIR)/fuzz-replay

# ---- libFuzzer targets (clang)
fuzz_obj = $(patsubst %.c,$(FUZZ_OUT)/obj/%.o,$(1))
FUZZ_OBJS := $(call fuzz_obj,$(CORE_SRCS) $(SIM_SRCS) $(FUZZ_LIB_SRCS))

$(FUZZ_OUT)/obj/%.o: %.c $(HDRS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS_BASE) $(FUZZ_CFLAGS) -c -o $@ $<

# The simulated host and the harness are not what is fuzzed: without
# coverage instrumentation (comparison tracing there cost 10x in speed),
# sanitizers kept.
$(FUZZ_OUT)/obj/tests/%.o: tests/%.c $(HDRS) $(FUZZ_HDRS)
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS_BASE) \
		$(filter-out -fsanitize=fuzzer-no-link,$(FUZZ_CFLAGS)) -c -o $@ $<

# Named here, so that the objects are not intermediate files of a pattern.
FUZZ_BINS	:= $(FUZZ_TARGETS:%=$(FUZZ_OUT)/fuzz-%)
$(FUZZ_BINS): $(FUZZ_OBJS)

$(FUZZ_OUT)/fuzz-%: $(FUZZ_DIR)/target.c $(FUZZ_OBJS)
	$(FUZZ_CC) $(CPPFLAGS) $(CFLAGS_BASE) $(FUZZ_CFLAGS) \
		-DFZ_TARGET_MODE=$(FZ_MODE_$*) -o $@ $^ $(LIB_FUZZING_ENGINE)

.PHONY: fuzz fuzz-ci fuzz-deps fuzz-build fuzz-afl fuzz-cov fuzz-merge
# clang, its sanitizer and libFuzzer runtimes, llvm-cov (only for clang).
fuzz-deps:
	@case "$(FUZZ_CC)" in clang*) bash tests/deps.sh fuzz ;; esac

fuzz-build: fuzz-deps
	$(MAKE) --no-print-directory $(FUZZ_BINS)

fuzz: fuzz-build
	@bash $(FUZZ_DIR)/run.sh libfuzzer $(FUZZ_OUT) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

# Its own time, so that a FUZZ_SECONDS in the environment cannot stretch
# CI; about 3.5 minutes for the three targets.
fuzz-ci: fuzz-build
	@bash $(FUZZ_DIR)/run.sh libfuzzer $(FUZZ_OUT) $(FUZZ_CI_SECONDS) $(FUZZ_TARGETS)

fuzz-merge: fuzz-build
	@bash $(FUZZ_DIR)/run.sh merge $(FUZZ_OUT) 0 $(FUZZ_TARGETS)

fuzz-afl:
	@bash $(FUZZ_DIR)/run.sh afl $(FUZZ_OUT) $(FUZZ_SECONDS) $(FUZZ_TARGETS)

fuzz-cov: fuzz-deps
	@bash $(FUZZ_DIR)/run.sh cov $(FUZZ_OUT) 0 $(FUZZ_TARGETS)
