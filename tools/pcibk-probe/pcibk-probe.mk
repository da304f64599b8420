# SPDX-License-Identifier: GPL-2.0-only
# Copyright (C) 2026 The pcibk authors.
#
# pcibk-probe, the guest-side protocol client (tools/pcibk-probe/pcibk-probe.1).
# Built against Debian's libxen-dev; its Xen-free parts (request files,
# statistics) are unit-tested in "make check".

PROBE_DIR	:= tools/pcibk-probe
PROBE_SRCS	:= $(PROBE_DIR)/main.c $(PROBE_DIR)/front.c $(PROBE_DIR)/reqfile.c \
		   $(PROBE_DIR)/stats.c
PROBE_TEST_SRCS	:= $(PROBE_DIR)/test_probe.c $(PROBE_DIR)/reqfile.c $(PROBE_DIR)/stats.c
PROBE_LIBS	:= -lxenstore -lxenevtchn -lxengnttab

$(OPT_DIR)/tools/pcibk-probe: $(PROBE_SRCS) $(PROBE_DIR)/probe.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT) -o $@ $(PROBE_SRCS) $(PROBE_LIBS)

# Static, for a guest image that lacks the Xen libraries.
$(OPT_DIR)/tools/pcibk-probe.static: $(PROBE_SRCS) $(PROBE_DIR)/probe.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) $(OPT) -static -o $@ $(PROBE_SRCS) $(PROBE_LIBS) \
		-lxentoolcore -lxentoollog

$(SAN_DIR)/tools/pcibk-probe-tests: $(PROBE_TEST_SRCS) $(PROBE_DIR)/probe.h
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_BASE) -O1 $(SAN) -o $@ $(PROBE_TEST_SRCS)

.PHONY: pcibk-probe
pcibk-probe: deps $(OPT_DIR)/tools/pcibk-probe

TOOLS		+= $(OPT_DIR)/tools/pcibk-probe
CHECK_BINS	+= $(SAN_DIR)/tools/pcibk-probe-tests
