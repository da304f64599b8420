# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# Top-level build. The portable core (xen-pciback/core/) is compiled here
# into a user-space library and linked with the simulated host (tests/sim/)
# for the unit tests, fuzzers and benchmarks. The kernel module, the QEMU +
# Xen harness, the fuzzers and the tools have fragments of their own,
# included at the end.
#
#   make            the module (when kernel headers are there or can be
#                   installed), pcibackctl and pcibk-probe optimised, and
#                   the tests; "make help" lists every target
#   make check      install build deps if missing, build with ASan+UBSan,
#                   run every test; ends with "N passed, N failed"
#   make install    tools and man pages under DESTDIR/PREFIX, the module
#                   through DKMS (not with DESTDIR); make uninstall

BUILD		?= build

# The default goal; its prerequisites follow the fragments (at the end).
.PHONY: all
all:
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

.PHONY: deps check check-build bench-core clean

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
-include debian/deb.mk

# ---- make / make all: what a user runs, and the tests --------------------
# The tests are the binaries "make check" runs (its scripts are sources).
# The module is built against KDIR, or the headers kdir.sh finds or
# installs; without either it is skipped, saying so.
ALL_TESTS	= $(filter-out %.sh,$(CHECK_BINS)) $(CHECK_DEPS)

.PHONY: all-build module-if-headers
all: deps
	@$(MAKE) --no-print-directory all-build

all-build: module-if-headers $(OPT_DIR)/tools/pcibackctl $(OPT_DIR)/tools/pcibk-probe \
	$(ALL_TESTS)
	@echo "make: built $(if $(wildcard xen-pciback/xen-pciback.ko),xen-pciback/xen-pciback.ko, )" \
		"$(OPT_DIR)/tools/pcibackctl $(OPT_DIR)/tools/pcibk-probe and the tests"

module-if-headers:
	@if [ -n '$(KDIR)' ] || kdir=$$(sh xen-pciback/scripts/kdir.sh); then \
		$(MAKE) --no-print-directory module $${kdir:+KDIR="$$kdir"}; \
	else echo "make: no kernel headers (set KDIR=<kernel build dir>): module not built"; fi

# ---- make install / uninstall (GNU directory variables) ------------------
PREFIX		?= /usr/local
prefix		?= $(PREFIX)
exec_prefix	?= $(prefix)
bindir		?= $(exec_prefix)/bin
datarootdir	?= $(prefix)/share
mandir		?= $(datarootdir)/man
man1dir		?= $(mandir)/man1
bashcompdir	?= $(datarootdir)/bash-completion/completions
INSTALL		?= install
INSTALL_PROGRAM	?= $(INSTALL)
INSTALL_DATA	?= $(INSTALL) -m 644
PCIBK_INSTALLED	= $(bindir)/pcibackctl $(bindir)/pcibk-probe \
		  $(man1dir)/pcibackctl.1 $(man1dir)/pcibk-probe.1 \
		  $(bashcompdir)/pcibackctl

.PHONY: install uninstall install-tools uninstall-tools
install: install-tools
	@if [ -n '$(DESTDIR)' ]; then \
		echo "install: DESTDIR is set: the module is not installed (DKMS installs into the" \
			"running system: make dkms-install, or the xen-pciback-dkms package)"; \
	elif [ "$$(id -u)" != 0 ]; then \
		echo "install: not root: the module is not installed (make dkms-install as root)"; \
	else $(MAKE) --no-print-directory dkms-install; fi

install-tools: deps $(OPT_DIR)/tools/pcibackctl $(OPT_DIR)/tools/pcibk-probe
	$(INSTALL) -d '$(DESTDIR)$(bindir)' '$(DESTDIR)$(man1dir)' \
		'$(DESTDIR)$(bashcompdir)'
	$(INSTALL_PROGRAM) $(OPT_DIR)/tools/pcibackctl '$(DESTDIR)$(bindir)/pcibackctl'
	$(INSTALL_PROGRAM) $(OPT_DIR)/tools/pcibk-probe '$(DESTDIR)$(bindir)/pcibk-probe'
	$(INSTALL_DATA) tools/pcibackctl/pcibackctl.1 tools/pcibk-probe/pcibk-probe.1 \
		'$(DESTDIR)$(man1dir)/'
	$(INSTALL_DATA) tools/pcibackctl/pcibackctl.bash-completion \
		'$(DESTDIR)$(bashcompdir)/pcibackctl'

uninstall: uninstall-tools
	@if [ -n '$(DESTDIR)' ]; then echo "uninstall: DESTDIR is set: DKMS is left alone"; \
	elif [ "$$(id -u)" != 0 ]; then echo "uninstall: not root: DKMS is left alone"; \
	else $(MAKE) --no-print-directory dkms-uninstall; fi

uninstall-tools:
	rm -f $(foreach f,$(PCIBK_INSTALLED),'$(DESTDIR)$(f)')

# ---- make help: one screen -------------------------------------------------
.PHONY: help
help:
	@echo 'make [all]          module (if kernel headers), pcibackctl, pcibk-probe, tests'
	@echo 'make check          every test under ASan+UBSan: "N passed, N failed"'
	@echo 'make install        tools + man pages in DESTDIR/PREFIX (/usr/local); module via'
	@echo '                    DKMS when root and no DESTDIR; make uninstall reverses it'
	@echo 'make deb            Debian packages xen-pciback-dkms, pcibackctl in build/deb/'
	@echo 'make module         xen-pciback.ko against KDIR (DEBUG=1: with self-checks)'
	@echo 'make module-check   W=1 -Werror, sparse, checkpatch'
	@echo 'make dkms-install   module through DKMS for KVER; make dkms-uninstall'
	@echo 'make pcibackctl     the administrator tool; make tools: also pcibk-probe'
	@echo 'make demo           Xen in QEMU: a NIC passed through to a guest, narrated (VM_STACK=trixie; DEMO_GUEST=pv|hvm)'
	@echo 'make vmtest         QEMU + Xen scenarios, BACKEND=intree|ours|dkms|deb VM_STACK=bookworm|trixie'
	@echo 'make bench          op-engine throughput and fuzz exec/s (BENCHMARKS.md)'
	@echo 'make vmbench        in-tree vs this backend in QEMU + Xen (BENCHMARKS.md)'
	@echo 'make fuzz           libFuzzer targets, FUZZ_SECONDS each (docs/fuzzing.md)'
	@echo 'make fuzz-ci        each fuzz target FUZZ_CI_SECONDS (60); fuzz-cov: coverage'
	@echo 'make clean          remove build/san and build/opt'
	@echo 'More: README.md, tests/vm/README.md, xen-pciback/README.md'
