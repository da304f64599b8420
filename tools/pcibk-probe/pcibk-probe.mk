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

# CPPFLAGS, CFLAGS and LDFLAGS (e.g. dpkg-buildflags' hardening) are added.
$(OPT_DIR)/tools/pcibk-probe: $(PROBE_SRCS) $(PROBE_DIR)/probe.h
	@mkdir -p $(dir $@)
	$(CC) $(CPPFLAGS) $(CFLAGS_BASE) $(OPT) $(CFLAGS) $(LDFLAGS) -o $@ $(PROBE_SRCS) $(PROBE_LIBS)

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

# ---- pcibk-probe in the QEMU + Xen harness (tests/vm)
# make probe-vmtest [BACKEND=intree|ours] [PROBE_FUZZ_SECONDS=N]
# Runs only the probe scenario (plus set-up and log checks): a guest without
# xen-pcifront, the NIC hot-plugged, pcibk-probe replay/latency/fuzz in it.
# Like every harness run it waits for the machine-wide QEMU lock
# (tests/vm/README.md, VM_QEMU_LOCK). Results: the RESULT lines,
# and build/vm/logs/vmtest-<backend>/probe-<backend>.txt.
PROBE_VM_EXTRA	= $(BUILD)/probe-vm/extra-$(or $(BACKEND),intree)
PROBE_VM_BUILD	:= $(VM_STACK_BUILD)

.PHONY: probe-vmtest
probe-vmtest: $(OPT_DIR)/tools/pcibk-probe.static
	@[ -d $(PROBE_VM_BUILD)/pkg/lib/modules ] || $(MAKE) --no-print-directory vm-images
	rm -rf $(PROBE_VM_EXTRA)
	mkdir -p $(PROBE_VM_EXTRA)
	cp $< $(PROBE_VM_EXTRA)/pcibk-probe
	cp $(PROBE_DIR)/vm/* $(PROBE_VM_EXTRA)/
	@dst=$(PROBE_VM_EXTRA); for m in xen-evtchn xen-gntalloc; do \
		$(VM_COPY_KMOD) || echo "probe-vmtest: $$m.ko not found in the guest kernel"; done
	$(MAKE) --no-print-directory vmtest VM_EXTRA=$(PROBE_VM_EXTRA) VM_SCENARIOS=probe \
		VM_VARS="$(VM_VARS) PROBE_FUZZ_SECONDS=$(or $(PROBE_FUZZ_SECONDS),120)" \
		VM_TIMEOUT=$(or $(VM_TIMEOUT),1500) BACKEND=$(or $(BACKEND),intree)
